/* The metadata TXT at _nautilus.<instance> and the selective-disclosure
 * statement it carries (trust_meta.h, DESIGN §2 and §5). */
#include <string.h>

#include "nautilus/buf.h"
#include "nautilus/codec.h"
#include "nautilus/crypto.h"
#include "nautilus/mem.h"
#include "nautilus/trust_meta.h"
#include "nautilus/zk_poseidon.h"

#define B64_MAX (NT_TRUST_META_CHUNK * NT_TRUST_META_PARTS_MAX)
#define PUB_COMPACT_MAX (1u + NT_TRUST_ZK_PUBLIC_MAX * 33u)

enum { FIELD_ZK = 0, FIELD_PUB = 1, FIELDS = 2 };

/* Signal positions (proofs/README.md, public.json order). */
enum { SIG_DISCLOSED = 0, SIG_COMMITMENT = 8, SIG_BINDING = 9, SIG_MASK = 10, SIG_IDX = 18,
       SIG_THRESHOLD = 19 };

void nt_trust_zk_vk_id(uint8_t out[NT_TRUST_ZK_VK_ID_LEN], const uint8_t *vk_file, size_t len)
{
    uint8_t d[32];
    nt_sha256(d, vk_file, len);
    memcpy(out, d, NT_TRUST_ZK_VK_ID_LEN);
}

nt_status nt_trust_meta_name(nt_dns_name *out, const nt_dns_name *instance)
{
    return nt_dns_name_prepend(out, (const uint8_t *)NT_TRUST_META_LABEL,
                               sizeof NT_TRUST_META_LABEL - 1, instance);
}

static bool ascii_eq(const uint8_t *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char x = a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

bool nt_trust_meta_instance(const nt_dns_name *owner, nt_dns_name *instance)
{
    size_t pos = 0, ll;
    const uint8_t *l;
    if (owner->labels < 2 || !nt_dns_name_next_label(owner, &pos, &l, &ll) ||
        ll != sizeof NT_TRUST_META_LABEL - 1 || !ascii_eq(l, NT_TRUST_META_LABEL, ll))
        return false;
    /* The rest of a valid wire name is a valid wire name. */
    return nt_dns_name_from_wire(instance, owner->wire + 1 + ll, owner->len - 1u - ll) == NT_OK;
}

/* ---- writing ---------------------------------------------------------------- */

static nt_status put_string(nt_wbuf *w, const char *key, size_t key_len, const char *val,
                            size_t val_len)
{
    nt_status st;
    size_t n = key_len + 1 + val_len;
    if (n > 255)
        return NT_ERR_NOSPACE;
    if ((st = nt_wbuf_put_u8(w, (uint8_t)n)) != NT_OK ||
        (st = nt_wbuf_put_bytes(w, (const uint8_t *)key, key_len)) != NT_OK ||
        (st = nt_wbuf_put_u8(w, '=')) != NT_OK)
        return st;
    return nt_wbuf_put_bytes(w, (const uint8_t *)val, val_len);
}

/* key0=, key1=, ... pieces of the base64 of data. */
static nt_status put_pieces(nt_wbuf *w, const char *key, const uint8_t *data, size_t n)
{
    char text[B64_MAX + 4], k[16];
    size_t len, off, i;
    nt_status st = nt_base64_encode(text, sizeof text, data, n);
    if (st != NT_OK)
        return st;
    len = strlen(text);
    if (len > B64_MAX)
        return NT_ERR_NOSPACE;
    for (off = 0, i = 0; off < len; off += NT_TRUST_META_CHUNK, i++) {
        size_t take = len - off < NT_TRUST_META_CHUNK ? len - off : NT_TRUST_META_CHUNK;
        size_t kl = strlen(key);
        memcpy(k, key, kl);
        k[kl] = (char)('0' + i);
        if ((st = put_string(w, k, kl + 1, text + off, take)) != NT_OK)
            return st;
    }
    return NT_OK;
}

/* The compact public-signal form (trust_meta.h). */
static nt_status pub_compact(uint8_t *out, size_t cap, size_t *out_len, const nt_zk_public *pub)
{
    nt_wbuf w;
    size_t n = nt_zk_public_count(pub), i;
    nt_status st;
    if (n > NT_TRUST_ZK_PUBLIC_MAX)
        return NT_ERR_CAP;
    nt_wbuf_init(&w, out, cap);
    if ((st = nt_wbuf_put_u8(&w, (uint8_t)n)) != NT_OK)
        return st;
    for (i = 0; i < n; i++) {
        uint8_t v[32];
        size_t z = 0;
        if ((st = nt_zk_public_get_b32(v, pub, i)) != NT_OK)
            return st;
        while (z < 32 && v[z] == 0)
            z++;
        if ((st = nt_wbuf_put_u8(&w, (uint8_t)(32 - z))) != NT_OK ||
            (st = nt_wbuf_put_bytes(&w, v + z, 32 - z)) != NT_OK)
            return st;
    }
    *out_len = w.len;
    return NT_OK;
}

nt_status nt_trust_meta_write(uint8_t *out, size_t cap, size_t *out_len,
                              const uint8_t vk_id[NT_TRUST_ZK_VK_ID_LEN],
                              const nt_zk_proof *proof, const nt_zk_public *pub)
{
    nt_wbuf w;
    uint8_t bin[NT_ZK_PROOF_BYTES], compact[PUB_COMPACT_MAX];
    char hex[2 * NT_TRUST_ZK_VK_ID_LEN + 1];
    size_t clen = 0;
    nt_status st;

    nt_wbuf_init(&w, out, cap);
    nt_zk_proof_write(bin, proof);
    if ((st = pub_compact(compact, sizeof compact, &clen, pub)) != NT_OK ||
        (st = nt_hex_encode(hex, sizeof hex, vk_id, NT_TRUST_ZK_VK_ID_LEN)) != NT_OK ||
        (st = put_string(&w, "v", 1, "1", 1)) != NT_OK ||
        (st = put_string(&w, "zkvk", 4, hex, 2 * NT_TRUST_ZK_VK_ID_LEN)) != NT_OK ||
        (st = put_pieces(&w, "zk", bin, sizeof bin)) != NT_OK ||
        (st = put_pieces(&w, "zkpub", compact, clen)) != NT_OK)
        return st;
    *out_len = w.len;
    return NT_OK;
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct pieces {
    const uint8_t *part[NT_TRUST_META_PARTS_MAX];
    size_t len[NT_TRUST_META_PARTS_MAX];
    unsigned seen; /* bit i: piece i present */
} pieces;

/* Records piece "key[digit]" of a field; false if repeated or out of range. */
static bool piece_add(pieces *p, const uint8_t *suffix, size_t n, const uint8_t *val,
                      size_t val_len)
{
    unsigned i = 0;
    if (n > 1 || (n == 1 && (suffix[0] < '0' || suffix[0] > '7')))
        return false;
    if (n == 1)
        i = (unsigned)(suffix[0] - '0');
    if (p->seen & (1u << i))
        return false;
    p->seen |= 1u << i;
    p->part[i] = val;
    p->len[i] = val_len;
    return true;
}

/* Concatenates pieces 0..k-1 (no gaps) and decodes the base64. */
static nt_status pieces_decode(const pieces *p, uint8_t *out, size_t cap, size_t *out_len)
{
    char text[B64_MAX];
    size_t len = 0, i, k = 0;
    while (k < NT_TRUST_META_PARTS_MAX && (p->seen & (1u << k)))
        k++;
    if (k == 0 || p->seen != (1u << k) - 1u)
        return NT_ERR_TRUST_ZK_MALFORMED;
    for (i = 0; i < k; i++) {
        if (p->len[i] > sizeof text - len)
            return NT_ERR_TRUST_ZK_MALFORMED;
        memcpy(text + len, p->part[i], p->len[i]);
        len += p->len[i];
    }
    if (nt_base64_decode(out, cap, out_len, text, len) != NT_OK)
        return NT_ERR_TRUST_ZK_MALFORMED;
    return NT_OK;
}

/* Expands the compact form into 32-byte big-endian values. */
static nt_status pub_expand(uint8_t *out, size_t cap, size_t *out_len, const uint8_t *in,
                            size_t len)
{
    nt_buf b;
    uint8_t n, i;
    nt_buf_init(&b, in, len);
    if (nt_buf_get_u8(&b, &n) != NT_OK || n == 0 || n > NT_TRUST_ZK_PUBLIC_MAX ||
        (size_t)n * 32u > cap)
        return NT_ERR_TRUST_ZK_MALFORMED;
    memset(out, 0, (size_t)n * 32u);
    for (i = 0; i < n; i++) {
        uint8_t l;
        const uint8_t *v;
        if (nt_buf_get_u8(&b, &l) != NT_OK || l > 32 || nt_buf_get_ptr(&b, &v, l) != NT_OK)
            return NT_ERR_TRUST_ZK_MALFORMED;
        /* One value, one encoding: no leading zero byte. */
        if (l > 0 && v[0] == 0)
            return NT_ERR_TRUST_ZK_MALFORMED;
        memcpy(out + (size_t)i * 32u + (32u - l), v, l);
    }
    if (nt_buf_expect_end(&b) != NT_OK)
        return NT_ERR_TRUST_ZK_MALFORMED;
    *out_len = (size_t)n * 32u;
    return NT_OK;
}

static nt_status proof_status(nt_status st)
{
    switch (st) {
    case NT_OK:
        return NT_OK;
    case NT_ERR_ZK_NOT_ON_CURVE:
    case NT_ERR_ZK_NOT_ON_TWIST:
    case NT_ERR_ZK_NOT_IN_SUBGROUP:
    case NT_ERR_ZK_PROOF_INFINITY:
        /* Well-formed numbers that are no valid proof (as `zk verify`). */
        return NT_ERR_TRUST_ZK_INVALID;
    case NT_ERR_NOMEM:
        return NT_ERR_NOMEM;
    default:
        return NT_ERR_TRUST_ZK_MALFORMED;
    }
}

nt_status nt_trust_meta_parse(nt_trust_meta *out, const uint8_t *rdata, size_t len)
{
    nt_buf b;
    pieces f[FIELDS];
    const uint8_t *vk_hex = NULL;
    size_t vk_hex_len = 0, n;
    bool v1 = false, any_zk = false;
    uint8_t bin[NT_ZK_PROOF_BYTES + 3];
    uint8_t compact[B64_MAX];
    uint8_t expanded[NT_TRUST_ZK_PUBLIC_MAX * 32u];
    nt_status st;

    memset(out, 0, sizeof *out);
    memset(f, 0, sizeof f);
    if (len > NT_TRUST_META_RDATA_MAX)
        return NT_ERR_TRUST_ZK_MALFORMED;
    nt_buf_init(&b, rdata, len);
    while (nt_buf_left(&b) > 0) {
        uint8_t sl;
        const uint8_t *s, *eq;
        size_t kl, vl;
        if (nt_buf_get_u8(&b, &sl) != NT_OK || nt_buf_get_ptr(&b, &s, sl) != NT_OK)
            return NT_ERR_TRUST_ZK_MALFORMED;
        eq = sl ? memchr(s, '=', sl) : NULL;
        if (!eq)
            continue; /* boolean or empty string: nothing of ours */
        kl = (size_t)(eq - s);
        vl = sl - kl - 1u;
        if (kl == 1 && ascii_eq(s, "v", 1)) {
            v1 = vl == 1 && eq[1] == '1';
        } else if (kl == 4 && ascii_eq(s, "zkvk", 4)) {
            if (vk_hex)
                return NT_ERR_TRUST_ZK_MALFORMED;
            vk_hex = eq + 1;
            vk_hex_len = vl;
            any_zk = true;
        } else if (kl >= 5 && ascii_eq(s, "zkpub", 5)) {
            if (!piece_add(&f[FIELD_PUB], s + 5, kl - 5, eq + 1, vl))
                return NT_ERR_TRUST_ZK_MALFORMED;
            any_zk = true;
        } else if (kl >= 2 && kl <= 3 && ascii_eq(s, "zk", 2)) {
            if (!piece_add(&f[FIELD_ZK], s + 2, kl - 2, eq + 1, vl))
                return NT_ERR_TRUST_ZK_MALFORMED;
            any_zk = true;
        }
    }
    if (!v1 || !any_zk)
        return NT_OK;
    if (!vk_hex || vk_hex_len != 2 * NT_TRUST_ZK_VK_ID_LEN ||
        nt_hex_decode(out->vk_id, sizeof out->vk_id, &n, (const char *)vk_hex, vk_hex_len) !=
            NT_OK)
        return NT_ERR_TRUST_ZK_MALFORMED;
    if ((st = pieces_decode(&f[FIELD_ZK], bin, sizeof bin, &n)) != NT_OK)
        return st;
    if (n != NT_ZK_PROOF_BYTES)
        return NT_ERR_TRUST_ZK_MALFORMED;
    if ((st = proof_status(nt_zk_proof_parse(&out->proof, bin, n))) != NT_OK)
        return st;
    if ((st = pieces_decode(&f[FIELD_PUB], compact, sizeof compact, &n)) != NT_OK ||
        (st = pub_expand(expanded, sizeof expanded, &n, compact, n)) != NT_OK)
        return st;
    if ((st = proof_status(nt_zk_public_parse(&out->pub, expanded, n))) != NT_OK) {
        out->pub = NULL;
        return st;
    }
    out->has_zk = true;
    return NT_OK;
}

void nt_trust_meta_cleanup(nt_trust_meta *m)
{
    if (!m)
        return;
    nt_zk_public_destroy(m->pub);
    m->pub = NULL;
    m->has_zk = false;
}

/* ---- the statement ------------------------------------------------------------ */

/* A value that must fit 64 bits (the circuit's Num2Bits(64)). */
static bool get_u64(const nt_zk_public *pub, size_t i, uint64_t *out)
{
    uint8_t v[32];
    size_t k;
    uint64_t x = 0;
    if (nt_zk_public_get_b32(v, pub, i) != NT_OK)
        return false;
    for (k = 0; k < 24; k++)
        if (v[k] != 0)
            return false;
    for (k = 24; k < 32; k++)
        x = (x << 8) | v[k];
    *out = x;
    return true;
}

nt_status nt_trust_zk_statement(nt_trust_zk_claim *out, const nt_zk_public *pub,
                                const uint8_t key_digest[32])
{
    nt_trust_zk_claim c;
    uint8_t expect[32];
    uint64_t v;
    size_t i;
    nt_status st;

    memset(&c, 0, sizeof c);
    if (nt_zk_public_count(pub) != NT_TRUST_ZK_SIGNALS)
        return NT_ERR_TRUST_ZK_MALFORMED;
    for (i = 0; i < NT_TRUST_ZK_ATTRS; i++) {
        if (!get_u64(pub, SIG_MASK + i, &v) || v > 1 ||
            !get_u64(pub, SIG_DISCLOSED + i, &c.disclosed[i]))
            return NT_ERR_TRUST_ZK_MALFORMED;
        c.mask = (uint8_t)(c.mask | (v << i));
    }
    if (!get_u64(pub, SIG_IDX, &v) || v >= NT_TRUST_ZK_ATTRS ||
        !get_u64(pub, SIG_THRESHOLD, &c.threshold))
        return NT_ERR_TRUST_ZK_MALFORMED;
    c.idx = (unsigned)v;
    if (nt_zk_public_get_b32(c.commitment, pub, SIG_COMMITMENT) != NT_OK ||
        nt_zk_public_get_b32(c.key_binding, pub, SIG_BINDING) != NT_OK)
        return NT_ERR_TRUST_ZK_MALFORMED;
    if ((st = nt_zk_disclosure_key_binding(expect, key_digest)) != NT_OK)
        return st;
    /* proofs/README.md: recomputed from the key actually seen. */
    if (memcmp(expect, c.key_binding, 32) != 0)
        return NT_ERR_TRUST_ZK_BINDING;
    *out = c;
    return NT_OK;
}
