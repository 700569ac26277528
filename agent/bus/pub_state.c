/* agent/bus: the publisher's live instances, a chained hash table. */
#include <string.h>

#include "nautilus/mem.h"
#include "pub_state.h"

/* Keyed (core/keyed_hash.h), so that names chosen on the LAN cannot fill
 * one chain. */
static size_t bucket_of(const nt_bus_state *s, const char *key)
{
    return (size_t)(nt_keyed_hash(&s->key, 0, key, strlen(key), false) % NT_BUS_STATE_BUCKETS);
}

void nt_bus_state_init(nt_bus_state *s, size_t max)
{
    memset(s, 0, sizeof *s);
    s->max = max;
    nt_hkey_random(&s->key);
}

static void entry_free(nt_bus_state_entry *e)
{
    nt_free(e->key);
    nt_free(e->body);
    nt_free(e);
}

void nt_bus_state_cleanup(nt_bus_state *s)
{
    size_t i;
    for (i = 0; i < NT_BUS_STATE_BUCKETS; i++)
        while (s->buckets[i]) {
            nt_bus_state_entry *e = s->buckets[i];
            s->buckets[i] = e->next;
            entry_free(e);
        }
    s->live = 0;
}

nt_status nt_bus_state_put(nt_bus_state *s, const char *key, const char *topic,
                           const char *body, size_t body_len, const uint8_t hash[32],
                           uint64_t seq)
{
    size_t b = bucket_of(s, key);
    nt_bus_state_entry *e;
    char *copy = nt_malloc(body_len + 1);
    if (!copy)
        return NT_ERR_NOMEM;
    memcpy(copy, body, body_len);
    copy[body_len] = 0;
    for (e = s->buckets[b]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            break;
    if (!e) {
        if (s->live >= s->max || !(e = nt_calloc(1, sizeof *e)) || !(e->key = nt_strdup(key))) {
            nt_status st = s->live >= s->max ? NT_ERR_CAP : NT_ERR_NOMEM;
            nt_free(e);
            nt_free(copy);
            return st;
        }
        e->next = s->buckets[b];
        s->buckets[b] = e;
        s->live++;
    }
    nt_free(e->body);
    e->body = copy;
    e->body_len = body_len;
    e->topic = topic;
    memcpy(e->hash, hash, 32);
    e->seq = seq;
    return NT_OK;
}

void nt_bus_state_del(nt_bus_state *s, const char *key)
{
    nt_bus_state_entry **pp = &s->buckets[bucket_of(s, key)];
    for (; *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->key, key) == 0) {
            nt_bus_state_entry *e = *pp;
            *pp = e->next;
            entry_free(e);
            s->live--;
            return;
        }
}
