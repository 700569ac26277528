/* The name table of agent/rank (rank_int.h): folded names, open addressing. */
#include <string.h>

#include "nautilus/mem.h"
#include "rank_int.h"

/* Keyed (core/keyed_hash.h): instance names come from the LAN, and with a
 * fixed hash a host could choose names that make one probe run of them. */
static uint64_t hash_name(const nt_names *t, const char *s)
{
    return nt_keyed_hash(&t->key, 0, s, strlen(s), false);
}

nt_status nt_names_init(nt_names *t, size_t cap)
{
    size_t n = 2;
    memset(t, 0, sizeof *t);
    while (n < 2 * cap)
        n <<= 1;
    t->name = nt_calloc(cap, sizeof *t->name);
    t->slot = nt_calloc(n, sizeof *t->slot);
    if (!t->name || !t->slot) {
        nt_names_cleanup(t);
        return NT_ERR_NOMEM;
    }
    t->cap = cap;
    t->nslots = n;
    nt_hkey_random(&t->key);
    return NT_OK;
}

void nt_names_cleanup(nt_names *t)
{
    nt_free(t->name);
    nt_free(t->slot);
    memset(t, 0, sizeof *t);
}

nt_status nt_names_fold(char out[NT_RANK_NAME_MAX], const char *text)
{
    size_t i;
    if (!text || !text[0])
        return NT_ERR_INVALID_ARG;
    for (i = 0; text[i]; i++) {
        unsigned char c = (unsigned char)text[i];
        if (i + 1 >= NT_RANK_NAME_MAX)
            return NT_ERR_INVALID_ARG;
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c); /* RFC 6762 §16: ASCII only */
    }
    out[i] = 0;
    return NT_OK;
}

int32_t nt_names_find(const nt_names *t, const char *folded)
{
    size_t m = t->nslots - 1, k = (size_t)hash_name(t, folded) & m;
    while (t->slot[k]) {
        int32_t e = t->slot[k] - 1;
        if (strcmp(t->name[e], folded) == 0)
            return e;
        k = (k + 1) & m;
    }
    return -1;
}

static void index_put(nt_names *t, int32_t e)
{
    size_t m = t->nslots - 1, k = (size_t)hash_name(t, t->name[e]) & m;
    while (t->slot[k])
        k = (k + 1) & m;
    t->slot[k] = e + 1;
}

int32_t nt_names_add(nt_names *t, const char *folded)
{
    int32_t e;
    if (t->count >= t->cap)
        return -1;
    e = (int32_t)t->count++;
    memcpy(t->name[e], folded, strlen(folded) + 1);
    index_put(t, e);
    return e;
}

void nt_names_replace(nt_names *t, int32_t i, const char *folded)
{
    size_t e;
    memcpy(t->name[i], folded, strlen(folded) + 1);
    memset(t->slot, 0, t->nslots * sizeof *t->slot);
    for (e = 0; e < t->count; e++)
        index_put(t, (int32_t)e);
}

void nt_names_clear(nt_names *t)
{
    memset(t->slot, 0, t->nslots * sizeof *t->slot);
    t->count = 0;
}
