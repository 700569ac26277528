/* The trust store: pinned (host name, key digest) pairs (nautilus/trust.h). */
#include <stdio.h>
#include <string.h>

#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "nautilus/trust.h"
#include "table.h"

struct nt_trust_store {
    nt_trust_table pins;  /* key: lower-cased name wire || digest */
    nt_trust_table names; /* key: lower-cased name wire */
    bool tofu;
    char *tofu_path;
};

nt_status nt_trust_store_create(nt_trust_store **out, size_t cap)
{
    nt_trust_store *s = nt_calloc(1, sizeof *s);
    nt_status st;
    if (!s)
        return NT_ERR_NOMEM;
    if (!cap)
        cap = 4096;
    if ((st = nt_trust_table_init(&s->pins, cap)) != NT_OK ||
        (st = nt_trust_table_init(&s->names, cap)) != NT_OK) {
        nt_trust_store_destroy(s);
        return st;
    }
    *out = s;
    return NT_OK;
}

void nt_trust_store_destroy(nt_trust_store *s)
{
    if (!s)
        return;
    nt_trust_table_cleanup(&s->pins);
    nt_trust_table_cleanup(&s->names);
    nt_free(s->tofu_path);
    nt_free(s);
}

static size_t pin_key(uint8_t *key, const nt_dns_name *name, const uint8_t digest[32])
{
    nt_dns_name lower = *name;
    nt_dns_name_lower(&lower);
    memcpy(key, lower.wire, lower.len);
    if (digest)
        memcpy(key + lower.len, digest, 32);
    return lower.len + (digest ? 32u : 0u);
}

nt_status nt_trust_store_add(nt_trust_store *s, const nt_dns_name *name, const uint8_t digest[32])
{
    uint8_t key[NT_TRUST_KEY_MAX];
    size_t klen = pin_key(key, name, digest);
    if (nt_trust_table_get(&s->pins, key, klen))
        return NT_OK;
    /* Pins are never evicted: a full store refuses new ones. */
    if (nt_trust_table_full(&s->pins) ||
        (nt_trust_table_full(&s->names) && !nt_trust_table_get(&s->names, key, name->len)))
        return NT_ERR_CAP;
    if (!nt_trust_table_put(&s->pins, key, klen, NULL) ||
        !nt_trust_table_put(&s->names, key, pin_key(key, name, NULL), NULL))
        return NT_ERR_INVALID_ARG;
    return NT_OK;
}

bool nt_trust_store_has_name(const nt_trust_store *s, const nt_dns_name *name)
{
    uint8_t key[NT_TRUST_KEY_MAX];
    size_t klen = pin_key(key, name, NULL);
    return nt_trust_table_get((nt_trust_table *)&s->names, key, klen) != NULL;
}

bool nt_trust_store_match(const nt_trust_store *s, const nt_dns_name *name,
                          const uint8_t digest[32])
{
    uint8_t key[NT_TRUST_KEY_MAX];
    size_t klen = pin_key(key, name, digest);
    return nt_trust_table_get((nt_trust_table *)&s->pins, key, klen) != NULL;
}

void nt_trust_store_set_tofu(nt_trust_store *s, bool on, const char *path)
{
    nt_free(s->tofu_path);
    s->tofu_path = path ? nt_strdup(path) : NULL;
    s->tofu = on;
}

/* Internal to agent/trust (decide.c): records a first-seen key in TOFU mode.
 * Returns true if the key is now pinned. */
bool nt_trust_store_tofu_record(nt_trust_store *s, const nt_dns_name *name,
                                const uint8_t digest[32]);

bool nt_trust_store_tofu_record(nt_trust_store *s, const nt_dns_name *name,
                                const uint8_t digest[32])
{
    char text[NT_DNS_NAME_TEXT_MAX], hex[65];
    FILE *f;
    if (!s->tofu || nt_trust_store_has_name(s, name))
        return false;
    if (nt_trust_store_add(s, name, digest) != NT_OK)
        return false;
    if (s->tofu_path && nt_dns_name_to_text(name, text, sizeof text, NULL) == NT_OK &&
        nt_hex_encode(hex, sizeof hex, digest, 32) == NT_OK) {
        f = fopen(s->tofu_path, "a");
        if (f) {
            fprintf(f, "%s %s # first seen\n", text, hex);
            fclose(f);
        }
    }
    return true;
}

/* Parses one line into (name, digest). Returns NT_ERR_NOT_FOUND for a blank
 * or comment-only line. */
static nt_status parse_line(char *line, nt_dns_name *name, uint8_t digest[32])
{
    char *p = line, *name_start, *digest_start;
    size_t name_len, digest_len, got;
    char *hash = strchr(line, '#');
    if (hash)
        *hash = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == 0 || *p == '\n' || *p == '\r')
        return NT_ERR_NOT_FOUND;
    name_start = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    name_len = (size_t)(p - name_start);
    while (*p == ' ' || *p == '\t')
        p++;
    digest_start = p;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
        p++;
    digest_len = (size_t)(p - digest_start);
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (*p != 0 || digest_len != 64)
        return NT_ERR_TRUST_STORE_SYNTAX;
    if (nt_dns_name_from_text(name, name_start, name_len) != NT_OK || name->labels == 0)
        return NT_ERR_TRUST_STORE_SYNTAX;
    if (nt_hex_decode(digest, 32, &got, digest_start, digest_len) != NT_OK || got != 32)
        return NT_ERR_TRUST_STORE_SYNTAX;
    return NT_OK;
}

nt_status nt_trust_store_load(nt_trust_store *s, const char *path, size_t *line_no)
{
    /* Parse everything first and add only if the whole file is good, so a
     * bad file leaves the store as it was. */
    char line[1024];
    FILE *f = fopen(path, "r");
    nt_dns_name *names = NULL;
    uint8_t(*digests)[32] = NULL;
    size_t n = 0, cap = 0, lineno = 0, i;
    nt_status st = NT_OK;

    if (line_no)
        *line_no = 0;
    if (!f)
        return NT_ERR_IO;
    while (fgets(line, sizeof line, f)) {
        nt_dns_name name;
        uint8_t digest[32];
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            st = NT_ERR_TRUST_STORE_SYNTAX; /* a line longer than any valid one */
            goto out;
        }
        st = parse_line(line, &name, digest);
        if (st == NT_ERR_NOT_FOUND) {
            st = NT_OK;
            continue;
        }
        if (st != NT_OK)
            goto out;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            void *p1, *p2;
            if (ncap > s->pins.cap + 16) {
                st = NT_ERR_CAP;
                goto out;
            }
            p1 = nt_realloc(names, ncap * sizeof *names);
            if (!p1) {
                st = NT_ERR_NOMEM;
                goto out;
            }
            names = p1;
            p2 = nt_realloc(digests, ncap * sizeof *digests);
            if (!p2) {
                st = NT_ERR_NOMEM;
                goto out;
            }
            digests = p2;
            cap = ncap;
        }
        names[n] = name;
        memcpy(digests[n], digest, 32);
        n++;
    }
    if (ferror(f)) {
        st = NT_ERR_IO;
        goto out;
    }
    if (s->pins.count + n > s->pins.cap) {
        st = NT_ERR_CAP;
        goto out;
    }
    for (i = 0; i < n && st == NT_OK; i++)
        st = nt_trust_store_add(s, &names[i], digests[i]);
out:
    if (st == NT_ERR_TRUST_STORE_SYNTAX && line_no)
        *line_no = lineno;
    fclose(f);
    nt_free(names);
    nt_free(digests);
    return st;
}
