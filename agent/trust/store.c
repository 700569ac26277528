/* The trust store: pinned (host name, key digest) pairs (nautilus/trust.h).
 *
 * Each pin remembers where it came from: the operator (a --trust file,
 * nt_trust_store_add) or trust on first use (learned now, or a --tofu file).
 * An operator pin for a name also shadows the TOFU pins of other keys for
 * that name: the operator's list is the whole truth for the names it pins,
 * so a key learned earlier by TOFU (say, before a rotation) is not a pin
 * once the operator pinned another one.
 *
 * File format, one pin per line: "<name> <64 hex digits>", then optional
 * blanks and an optional "#" comment. A "#" starts a comment only at the
 * start of a line or after a blank: inside the name it is a label byte.
 * Names are written so that any label byte round-trips (store_name_text). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nautilus/buf.h"
#include "nautilus/codec.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "nautilus/trust.h"
#include "table.h"

/* Longest line read: an escaped name (NT_DNS_NAME_TEXT_MAX), the digest and
 * a comment. A longer line is malformed, never cut. */
#define STORE_LINE_MAX 2048u

/* pins value bytes */
enum { PIN_KIND = 0, PIN_LEARNED = 1 };

struct nt_trust_store {
    nt_trust_table pins;  /* key: lower-cased name wire || digest; value[PIN_KIND]:
                             nt_trust_pin, value[PIN_LEARNED]: 1 if learned by
                             this store (tofu_record), not loaded */
    nt_trust_table names; /* key: lower-cased name wire; value[0]: 1 if an operator pin */
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

/* Adds (name, digest) as a pin of the given kind. An operator pin upgrades
 * a TOFU pin of the same key; a TOFU pin never downgrades an operator one. */
static nt_status store_put(nt_trust_store *s, const nt_dns_name *name, const uint8_t digest[32],
                           nt_trust_pin kind)
{
    uint8_t key[NT_TRUST_KEY_MAX];
    size_t klen = pin_key(key, name, digest);
    nt_trust_entry *pe = nt_trust_table_get(&s->pins, key, klen), *ne;
    if (!pe) {
        /* Pins are never evicted: a full store refuses new ones. */
        if (nt_trust_table_full(&s->pins) ||
            (nt_trust_table_full(&s->names) && !nt_trust_table_get(&s->names, key, name->len)))
            return NT_ERR_CAP;
        if (!(pe = nt_trust_table_put(&s->pins, key, klen, NULL)))
            return NT_ERR_INVALID_ARG;
        pe->value[PIN_KIND] = (uint8_t)kind;
    } else if (kind == NT_TRUST_PIN_OPERATOR) {
        pe->value[PIN_KIND] = (uint8_t)NT_TRUST_PIN_OPERATOR;
    }
    if (!(ne = nt_trust_table_put(&s->names, key, pin_key(key, name, NULL), NULL)))
        return NT_ERR_INVALID_ARG;
    if (kind == NT_TRUST_PIN_OPERATOR)
        ne->value[0] = 1;
    return NT_OK;
}

nt_status nt_trust_store_add(nt_trust_store *s, const nt_dns_name *name, const uint8_t digest[32])
{
    return store_put(s, name, digest, NT_TRUST_PIN_OPERATOR);
}

bool nt_trust_store_has_name(const nt_trust_store *s, const nt_dns_name *name)
{
    uint8_t key[NT_TRUST_KEY_MAX];
    size_t klen = pin_key(key, name, NULL);
    return nt_trust_table_get((nt_trust_table *)&s->names, key, klen) != NULL;
}

/* Internal to agent/trust (decide.c): true if the operator pinned some
 * key for name. */
bool nt_trust_store_has_operator(const nt_trust_store *s, const nt_dns_name *name);
bool nt_trust_store_has_operator(const nt_trust_store *s, const nt_dns_name *name)
{
    uint8_t key[NT_TRUST_KEY_MAX];
    size_t klen = pin_key(key, name, NULL);
    const nt_trust_entry *ne = nt_trust_table_get((nt_trust_table *)&s->names, key, klen);
    return ne && ne->value[0];
}

nt_trust_pin nt_trust_store_pin_of(const nt_trust_store *s, const nt_dns_name *name,
                                   const uint8_t digest[32])
{
    uint8_t key[NT_TRUST_KEY_MAX];
    size_t klen = pin_key(key, name, digest);
    const nt_trust_entry *pe = nt_trust_table_get((nt_trust_table *)&s->pins, key, klen), *ne;
    if (!pe)
        return NT_TRUST_PIN_NONE;
    if (pe->value[PIN_KIND] == NT_TRUST_PIN_OPERATOR)
        return NT_TRUST_PIN_OPERATOR;
    /* A TOFU pin of a name the operator pinned to other keys is shadowed. */
    ne = nt_trust_table_get((nt_trust_table *)&s->names, key, name->len);
    return (ne && ne->value[0]) ? NT_TRUST_PIN_NONE : NT_TRUST_PIN_TOFU;
}

bool nt_trust_store_match(const nt_trust_store *s, const nt_dns_name *name,
                          const uint8_t digest[32])
{
    return nt_trust_store_pin_of(s, name, digest) != NT_TRUST_PIN_NONE;
}

void nt_trust_store_set_tofu(nt_trust_store *s, bool on, const char *path)
{
    nt_free(s->tofu_path);
    s->tofu_path = path ? nt_strdup(path) : NULL;
    s->tofu = on;
}

/* ---- writing: trust on first use ------------------------------------------ */

/* Writes name as presentation text that any label byte survives
 * (nt_dns_name_to_text: blanks, control bytes, '#' and zone-file specials
 * escaped, RFC 1035 §5.1), so a line holds no blank and no '#' inside a
 * name, and nt_dns_name_from_text reads it back to the same wire bytes.
 * Written as operators write trust files: "printer.local", without the
 * final dot (every stored name is absolute). */
static nt_status store_name_text(const nt_dns_name *n, char *out, size_t cap)
{
    size_t len;
    nt_status st = nt_dns_name_to_text(n, out, cap, &len);
    if (st == NT_OK && len > 1 && out[len - 1] == '.')
        out[len - 1] = 0;
    return st;
}

/* Appends one line to the TOFU file. If the file does not end with a
 * newline (an earlier write was cut short), one is written first so that the
 * damage stays on that line. The time is wall-clock time, for people. */
static void tofu_append(const char *path, const char *name_text, const char *hex)
{
    char when[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    FILE *f = fopen(path, "a+");
    bool ok;
    if (!f) {
        NT_LOGW("trust", "cannot append to %s: first-seen key kept in memory only", path);
        return;
    }
    if (gmtime_r(&now, &tm))
        strftime(when, sizeof when, " %Y-%m-%dT%H:%M:%SZ", &tm);
    /* Empty (the seek fails) or ending in a newline: nothing to repair. The
     * second seek is the repositioning C wants between a read and a write. */
    ok = fseek(f, -1, SEEK_END) != 0 || getc(f) == '\n';
    ok = fseek(f, 0, SEEK_END) == 0 && (ok || fputc('\n', f) != EOF);
    ok = ok && fprintf(f, "%s %s # first seen%s\n", name_text, hex, when) > 0;
    if (fclose(f) != 0 || !ok)
        NT_LOGW("trust", "cannot append to %s: first-seen key kept in memory only", path);
}

/* Internal to agent/trust (decide.c): records a first-seen key in TOFU mode.
 * Returns true if the key is now pinned. */
bool nt_trust_store_tofu_record(nt_trust_store *s, const nt_dns_name *name,
                                const uint8_t digest[32]);

bool nt_trust_store_tofu_record(nt_trust_store *s, const nt_dns_name *name,
                                const uint8_t digest[32])
{
    char text[NT_DNS_NAME_TEXT_MAX], hex[65];
    uint8_t key[NT_TRUST_KEY_MAX];
    nt_trust_entry *pe;
    if (!s->tofu || nt_trust_store_has_name(s, name))
        return false;
    if (store_put(s, name, digest, NT_TRUST_PIN_TOFU) != NT_OK)
        return false;
    if ((pe = nt_trust_table_get(&s->pins, key, pin_key(key, name, digest))))
        pe->value[PIN_LEARNED] = 1;
    if (s->tofu_path && store_name_text(name, text, sizeof text) == NT_OK &&
        nt_hex_encode(hex, sizeof hex, digest, 32) == NT_OK)
        tofu_append(s->tofu_path, text, hex);
    return true;
}

/* Internal to agent/trust (decide.c): true if digest is a TOFU pin of name
 * (as nt_trust_store_pin_of says) that this store learned itself through
 * nt_trust_store_tofu_record, rather than loaded from a file: a key "first
 * seen" by this run, for as long as the run lasts. */
bool nt_trust_store_tofu_learned(const nt_trust_store *s, const nt_dns_name *name,
                                 const uint8_t digest[32]);

bool nt_trust_store_tofu_learned(const nt_trust_store *s, const nt_dns_name *name,
                                 const uint8_t digest[32])
{
    uint8_t key[NT_TRUST_KEY_MAX];
    const nt_trust_entry *pe;
    if (nt_trust_store_pin_of(s, name, digest) != NT_TRUST_PIN_TOFU)
        return false;
    pe = nt_trust_table_get((nt_trust_table *)&s->pins, key, pin_key(key, name, digest));
    return pe && pe->value[PIN_LEARNED];
}

/* ---- reading ---------------------------------------------------------------- */

static bool is_blank(uint8_t c) { return c == ' ' || c == '\t' || c == '\r'; }

static void skip_blanks(nt_buf *b)
{
    uint8_t c;
    while (nt_buf_peek_at(b, nt_buf_tell(b), &c) == NT_OK && is_blank(c))
        if (nt_buf_skip(b, 1) != NT_OK)
            return;
}

/* True at the end of the line or at a comment. Called after a blank (or at
 * the start of the line): a '#' elsewhere is part of a word. */
static bool at_end(const nt_buf *b)
{
    uint8_t c;
    return nt_buf_peek_at(b, nt_buf_tell(b), &c) != NT_OK || c == '#';
}

/* Borrows the next word: the bytes up to a blank or the end of the line.
 * In a name a backslash takes the byte after it along, so an escaped blank
 * ("\ ", RFC 1035 §5.1) does not end the word. */
static nt_status take_word(nt_buf *b, bool escapes, const uint8_t **word, size_t *len)
{
    size_t start = nt_buf_tell(b), end = start;
    uint8_t c;
    while (nt_buf_peek_at(b, end, &c) == NT_OK && !is_blank(c))
        end += (escapes && c == '\\' && end - start + 1 < nt_buf_left(b)) ? 2u : 1u;
    *len = end - start;
    return nt_buf_get_ptr(b, word, *len);
}

/* Parses one line (without its newline) into (name, digest). Returns
 * NT_ERR_NOT_FOUND for a blank or comment-only line; for a bad name, the
 * name parser's status; NT_ERR_TRUST_STORE_SYNTAX for anything else wrong. */
static nt_status parse_line(const uint8_t *line, size_t len, nt_dns_name *name,
                            uint8_t digest[32])
{
    nt_buf b;
    const uint8_t *word;
    size_t wlen, got;
    nt_status st;
    nt_buf_init(&b, line, len);
    skip_blanks(&b);
    if (at_end(&b))
        return NT_ERR_NOT_FOUND;
    if (take_word(&b, true, &word, &wlen) != NT_OK)
        return NT_ERR_TRUST_STORE_SYNTAX;
    if ((st = nt_dns_name_from_text(name, (const char *)word, wlen)) != NT_OK)
        return st;
    if (name->labels == 0)
        return NT_ERR_TRUST_STORE_SYNTAX;
    skip_blanks(&b);
    if (take_word(&b, false, &word, &wlen) != NT_OK || wlen != 64 ||
        nt_hex_decode(digest, 32, &got, (const char *)word, wlen) != NT_OK || got != 32)
        return NT_ERR_TRUST_STORE_SYNTAX;
    skip_blanks(&b);
    return at_end(&b) ? NT_OK : NT_ERR_TRUST_STORE_SYNTAX;
}

/* Reads one line without its newline into buf[0..cap). NT_ERR_NOT_FOUND at
 * the end of the file, NT_ERR_IO on a read error (a directory, say), and
 * NT_ERR_TRUST_STORE_SYNTAX for a longer line, read to its end so that the
 * next call starts at the next line. */
static nt_status read_line(FILE *f, uint8_t *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    bool any = false, over = false;
    int c;
    while ((c = getc(f)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (n < cap)
            buf[n++] = (uint8_t)c;
        else
            over = true;
    }
    if (ferror(f))
        return NT_ERR_IO;
    if (!any)
        return NT_ERR_NOT_FOUND;
    *len = n;
    return over ? NT_ERR_TRUST_STORE_SYNTAX : NT_OK;
}

/* The pins of one file, held until the whole file has been read. */
typedef struct pin_list {
    nt_dns_name *names;
    uint8_t (*digests)[32];
    size_t n, cap;
} pin_list;

static nt_status pin_list_push(pin_list *l, size_t limit, const nt_dns_name *name,
                               const uint8_t digest[32])
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        void *p;
        if (l->cap >= limit)
            return NT_ERR_CAP;
        if (ncap > limit)
            ncap = limit;
        if (!(p = nt_realloc(l->names, ncap * sizeof *l->names)))
            return NT_ERR_NOMEM;
        l->names = p;
        if (!(p = nt_realloc(l->digests, ncap * sizeof *l->digests)))
            return NT_ERR_NOMEM;
        l->digests = p;
        l->cap = ncap;
    }
    l->names[l->n] = *name;
    memcpy(l->digests[l->n], digest, 32);
    l->n++;
    return NT_OK;
}

/* Reads every pin of f into l. Strict (bad_line NULL and !lenient): the
 * first bad line stops the read with NT_ERR_TRUST_STORE_SYNTAX and its
 * 1-based number in *bad. Lenient: each bad line is reported and skipped. */
static nt_status read_pins(FILE *f, pin_list *l, size_t limit, bool lenient,
                           nt_trust_store_bad_line_fn bad_line, void *ctx, size_t *bad)
{
    uint8_t line[STORE_LINE_MAX];
    size_t lineno = 0, len = 0;
    for (;;) {
        nt_dns_name name;
        uint8_t digest[32];
        nt_status st = read_line(f, line, sizeof line, &len);
        if (st == NT_ERR_NOT_FOUND)
            return NT_OK;
        if (st == NT_ERR_IO)
            return st;
        lineno++;
        if (st == NT_OK)
            st = parse_line(line, len, &name, digest);
        if (st == NT_ERR_NOT_FOUND)
            continue;
        if (st == NT_OK) {
            if ((st = pin_list_push(l, limit, &name, digest)) != NT_OK)
                return st;
            continue;
        }
        if (!lenient) {
            *bad = lineno;
            return NT_ERR_TRUST_STORE_SYNTAX;
        }
        if (bad_line)
            bad_line(ctx, lineno, st);
    }
}

/* Loads path as pins of one kind. Everything is read first and added only
 * if all of it fits, so a bad or oversized file leaves the store as it was.
 * (A pin listed twice in the file counts twice against the room left.) */
static nt_status load_file(nt_trust_store *s, const char *path, nt_trust_pin kind,
                           nt_trust_store_bad_line_fn bad_line, void *ctx, size_t *bad)
{
    FILE *f = fopen(path, "r");
    pin_list l = {NULL, NULL, 0, 0};
    size_t i, fresh = 0;
    nt_status st;
    if (!f)
        return NT_ERR_IO;
    st = read_pins(f, &l, s->pins.cap + 16, kind == NT_TRUST_PIN_TOFU, bad_line, ctx, bad);
    fclose(f);
    for (i = 0; st == NT_OK && i < l.n; i++) {
        uint8_t key[NT_TRUST_KEY_MAX];
        if (!nt_trust_table_get(&s->pins, key, pin_key(key, &l.names[i], l.digests[i])))
            fresh++;
    }
    if (st == NT_OK && fresh > s->pins.cap - s->pins.count)
        st = NT_ERR_CAP;
    for (i = 0; st == NT_OK && i < l.n; i++)
        st = store_put(s, &l.names[i], l.digests[i], kind);
    nt_free(l.names);
    nt_free(l.digests);
    return st;
}

nt_status nt_trust_store_load(nt_trust_store *s, const char *path, size_t *line_no)
{
    size_t bad = 0;
    nt_status st = load_file(s, path, NT_TRUST_PIN_OPERATOR, NULL, NULL, &bad);
    if (line_no)
        *line_no = st == NT_ERR_TRUST_STORE_SYNTAX ? bad : 0;
    return st;
}

nt_status nt_trust_store_load_tofu(nt_trust_store *s, const char *path,
                                   nt_trust_store_bad_line_fn bad_line, void *ctx)
{
    size_t bad = 0;
    return load_file(s, path, NT_TRUST_PIN_TOFU, bad_line, ctx, &bad);
}
