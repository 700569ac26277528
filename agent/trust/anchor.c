/* The anchor= field of the metadata TXT, the leaf of a record-set version
 * and the check against a checkpoint root (trust_anchor.h, DESIGN §4.1). */
#include <stdio.h>
#include <string.h>

#include "nautilus/buf.h"
#include "nautilus/codec.h"
#include "nautilus/trust_anchor.h"
#include "nautilus/trust_meta.h"

#define KEY_LEN (sizeof NT_TRUST_ANCHOR_KEY - 1u)
#define PATH_B64_MAX (((NT_MERKLE_PROOF_MAX - 1u) * 32u + 2u) / 3u * 4u)

static bool ascii_eq(const uint8_t *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char x = a[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (x != (unsigned char)b[i])
            return false;
    }
    return true;
}

/* A decimal number: digits only, no leading zero, at most 2^63. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;
    if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
        return false;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10u + (uint64_t)(s[i] - '0'); /* 19 digits cannot overflow */
    }
    if (v > NT_MERKLE_SIZE_MAX)
        return false;
    *out = v;
    return true;
}

static bool parse_log_id(const char *s, size_t n, uint8_t out[32])
{
    size_t i, got = 0;
    if (n != 64)
        return false;
    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return nt_hex_decode(out, 32, &got, s, n) == NT_OK && got == 32;
}

nt_status nt_trust_anchor_parse(nt_trust_anchor *out, const char *text, size_t len)
{
    nt_trust_anchor a;
    const char *p = text, *end = text + len, *c;
    uint8_t nodes[(NT_MERKLE_PROOF_MAX - 1u) * 32u + 3u];
    size_t field_len[3], got = 0, i;
    const char *field[3];

    memset(&a, 0, sizeof a);
    if (!text)
        return NT_ERR_TRUST_ANCHOR_MALFORMED;
    for (i = 0; i < 3; i++) {
        c = memchr(p, ':', (size_t)(end - p));
        if (!c)
            return NT_ERR_TRUST_ANCHOR_MALFORMED;
        field[i] = p;
        field_len[i] = (size_t)(c - p);
        p = c + 1;
    }
    if (!parse_log_id(field[0], field_len[0], a.log_id) ||
        !parse_u64(field[1], field_len[1], &a.index) ||
        !parse_u64(field[2], field_len[2], &a.size) || a.index >= a.size)
        return NT_ERR_TRUST_ANCHOR_MALFORMED;
    /* The rest is the path: no further ':' can be base64. */
    if ((size_t)(end - p) > PATH_B64_MAX)
        return NT_ERR_TRUST_ANCHOR_MALFORMED;
    if (end > p && nt_base64_decode(nodes, sizeof nodes, &got, p, (size_t)(end - p)) != NT_OK)
        return NT_ERR_TRUST_ANCHOR_MALFORMED;
    if (got % 32u != 0 || got / 32u >= NT_MERKLE_PROOF_MAX ||
        nt_merkle_proof_parse(&a.path, nodes, got) != NT_OK)
        return NT_ERR_TRUST_ANCHOR_MALFORMED;
    *out = a;
    return NT_OK;
}

nt_status nt_trust_anchor_format(char *out, size_t cap, size_t *len, const nt_trust_anchor *a)
{
    char hex[65];
    char b64[PATH_B64_MAX + 1];
    uint8_t nodes[(NT_MERKLE_PROOF_MAX - 1u) * 32u];
    size_t n = 0;
    int w;
    nt_status st;

    if (a->index >= a->size || a->size > NT_MERKLE_SIZE_MAX ||
        a->path.len >= NT_MERKLE_PROOF_MAX)
        return NT_ERR_INVALID_ARG;
    if ((st = nt_hex_encode(hex, sizeof hex, a->log_id, 32)) != NT_OK ||
        (st = nt_merkle_proof_write(nodes, sizeof nodes, &n, &a->path)) != NT_OK)
        return st;
    b64[0] = 0;
    if (n && (st = nt_base64_encode(b64, sizeof b64, nodes, n)) != NT_OK)
        return st;
    w = snprintf(out, cap, "%s:%llu:%llu:%s", hex, (unsigned long long)a->index,
                 (unsigned long long)a->size, b64);
    if (w < 0 || (size_t)w >= cap)
        return NT_ERR_NOSPACE;
    if (len)
        *len = (size_t)w;
    return NT_OK;
}

/* The key of one TXT string (before '='), and its value; false for a
 * string without '=' (a boolean attribute). */
static bool split_kv(const uint8_t *s, size_t n, size_t *kl, const uint8_t **v, size_t *vl)
{
    const uint8_t *eq = n ? memchr(s, '=', n) : NULL;
    if (!eq)
        return false;
    *kl = (size_t)(eq - s);
    *v = eq + 1;
    *vl = n - *kl - 1u;
    return true;
}

/* Piece number of an anchor key ("anchor" 0, "anchor0".."anchor7"), or -1
 * if the key is not an anchor key. -2 for "anchor" followed by anything
 * else than one piece digit (refused, like the zk fields). */
static int anchor_piece(const uint8_t *k, size_t kl)
{
    if (kl < KEY_LEN || !ascii_eq(k, NT_TRUST_ANCHOR_KEY, KEY_LEN))
        return -1;
    if (kl == KEY_LEN)
        return 0;
    if (kl == KEY_LEN + 1 && k[KEY_LEN] >= '0' && k[KEY_LEN] < '0' + (int)NT_TRUST_META_PARTS_MAX)
        return k[KEY_LEN] - '0';
    return -2;
}

nt_status nt_trust_meta_anchor_get(char *out, size_t cap, size_t *len, bool *present,
                                   const uint8_t *rdata, size_t rdata_len)
{
    nt_buf b;
    const uint8_t *part[NT_TRUST_META_PARTS_MAX];
    size_t plen[NT_TRUST_META_PARTS_MAX], k = 0, total = 0, i;
    unsigned seen = 0;
    bool v1 = false;

    *present = false;
    if (rdata_len > NT_TRUST_META_RDATA_MAX || cap == 0)
        return NT_ERR_TRUST_ANCHOR_MALFORMED;
    nt_buf_init(&b, rdata, rdata_len);
    while (nt_buf_left(&b) > 0) {
        uint8_t sl;
        const uint8_t *s, *v;
        size_t kl, vl;
        int piece;
        if (nt_buf_get_u8(&b, &sl) != NT_OK || nt_buf_get_ptr(&b, &s, sl) != NT_OK)
            return NT_ERR_TRUST_ANCHOR_MALFORMED;
        if (!split_kv(s, sl, &kl, &v, &vl))
            continue;
        if (kl == 1 && ascii_eq(s, "v", 1)) {
            v1 = vl == 1 && v[0] == '1';
            continue;
        }
        piece = anchor_piece(s, kl);
        if (piece == -1)
            continue;
        if (piece < 0 || (seen & (1u << piece)))
            return NT_ERR_TRUST_ANCHOR_MALFORMED;
        seen |= 1u << piece;
        part[piece] = v;
        plen[piece] = vl;
    }
    if (!v1 || seen == 0)
        return NT_OK;
    while (k < NT_TRUST_META_PARTS_MAX && (seen & (1u << k)))
        k++;
    if (seen != (1u << k) - 1u)
        return NT_ERR_TRUST_ANCHOR_MALFORMED;
    for (i = 0; i < k; i++) {
        if (plen[i] >= cap - total)
            return NT_ERR_TRUST_ANCHOR_MALFORMED;
        memcpy(out + total, part[i], plen[i]);
        total += plen[i];
    }
    out[total] = 0;
    *len = total;
    *present = true;
    return NT_OK;
}

static nt_status put_kv(nt_wbuf *w, const char *key, size_t kl, const char *val, size_t vl)
{
    nt_status st;
    if (kl + 1u + vl > 255u)
        return NT_ERR_NOSPACE;
    if ((st = nt_wbuf_put_u8(w, (uint8_t)(kl + 1u + vl))) != NT_OK ||
        (st = nt_wbuf_put_bytes(w, (const uint8_t *)key, kl)) != NT_OK ||
        (st = nt_wbuf_put_u8(w, '=')) != NT_OK)
        return st;
    return nt_wbuf_put_bytes(w, (const uint8_t *)val, vl);
}

nt_status nt_trust_meta_set_anchor(uint8_t *out, size_t cap, size_t *out_len, const uint8_t *in,
                                   size_t in_len, const nt_trust_anchor *a)
{
    char text[NT_TRUST_ANCHOR_TEXT_MAX];
    size_t tlen = 0, off, i;
    nt_buf b;
    nt_wbuf w;
    nt_status st;

    if ((st = nt_trust_anchor_format(text, sizeof text, &tlen, a)) != NT_OK)
        return st;
    if (cap > NT_TRUST_META_RDATA_MAX)
        cap = NT_TRUST_META_RDATA_MAX;
    nt_wbuf_init(&w, out, cap);
    if ((st = put_kv(&w, "v", 1, "1", 1)) != NT_OK)
        return st;
    nt_buf_init(&b, in, in_len);
    while (nt_buf_left(&b) > 0) {
        uint8_t sl;
        const uint8_t *s, *v;
        size_t kl, vl;
        if (nt_buf_get_u8(&b, &sl) != NT_OK || nt_buf_get_ptr(&b, &s, sl) != NT_OK)
            return NT_ERR_TRUST_ANCHOR_MALFORMED;
        if (split_kv(s, sl, &kl, &v, &vl) &&
            ((kl == 1 && ascii_eq(s, "v", 1)) || anchor_piece(s, kl) != -1))
            continue;
        if ((st = nt_wbuf_put_u8(&w, sl)) != NT_OK || (st = nt_wbuf_put_bytes(&w, s, sl)) != NT_OK)
            return st;
    }
    for (off = 0, i = 0; off < tlen; off += NT_TRUST_META_CHUNK, i++) {
        size_t take = tlen - off < NT_TRUST_META_CHUNK ? tlen - off : NT_TRUST_META_CHUNK;
        char key[KEY_LEN + 2];
        if (i == NT_TRUST_META_PARTS_MAX)
            return NT_ERR_NOSPACE;
        memcpy(key, NT_TRUST_ANCHOR_KEY, KEY_LEN);
        key[KEY_LEN] = (char)('0' + i);
        /* A value that fits one piece is written as the issue spells it,
         * anchor=...; longer ones as anchor0=, anchor1=, ... */
        if ((st = put_kv(&w, key, tlen <= NT_TRUST_META_CHUNK ? KEY_LEN : KEY_LEN + 1u,
                         text + off, take)) != NT_OK)
            return st;
    }
    *out_len = w.len;
    return NT_OK;
}

nt_status nt_trust_anchor_leaf_data(nt_wbuf *w, const nt_dns_record *srv, size_t n_srv,
                                    uint32_t srv_ttl, const nt_dns_record *txt, size_t n_txt,
                                    uint32_t txt_ttl)
{
    nt_status st = nt_dns_rrset_canonical(w, srv, n_srv, srv_ttl);
    if (st != NT_OK)
        return st;
    return nt_dns_rrset_canonical(w, txt, n_txt, txt_ttl);
}

nt_status nt_trust_anchor_check(const nt_trust_anchor *a, const uint8_t key_digest[32],
                                const uint8_t leaf_hash[NT_MERKLE_HASH_LEN], const uint8_t *root)
{
    /* The log is the signing key's own (DESIGN §4): another key's log
     * proves nothing about these records. */
    if (!root || memcmp(a->log_id, key_digest, 32) != 0)
        return NT_ERR_TRUST_ANCHOR_MISMATCH;
    if (nt_merkle_inclusion_verify(&a->path, leaf_hash, a->index, a->size, root) != NT_OK)
        return NT_ERR_TRUST_ANCHOR_MISMATCH;
    return NT_OK;
}
