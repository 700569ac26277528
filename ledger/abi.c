/* The contract ABI (Solidity ABI specification, "Formal Specification of the
 * Encoding"): call data, return data and event logs for the types the
 * ledger's contracts use (nautilus/ledger.h).
 *
 * Static values take one 32-byte word of the head; a dynamic value (bytes,
 * string, bytes32[]) takes an offset word in the head and a tail of a
 * length word followed by its contents padded to 32 bytes. The decoder
 * accepts only the canonical layout and checks every offset and length
 * against the data and NT_ABI_MAX_DYNAMIC before it is used. */
#include <stdio.h>
#include <string.h>

#include "nautilus/crypto.h"
#include "nautilus/ledger.h"
#include "nautilus/mem.h"

#define WORD 32

static bool is_dynamic(nt_abi_type t)
{
    return t == NT_ABI_BYTES || t == NT_ABI_STRING || t == NT_ABI_BYTES32_ARRAY;
}

const char *nt_abi_type_name(nt_abi_type type)
{
    switch (type) {
    case NT_ABI_UINT256:
        return "uint256";
    case NT_ABI_UINT64:
        return "uint64";
    case NT_ABI_ADDRESS:
        return "address";
    case NT_ABI_BOOL:
        return "bool";
    case NT_ABI_BYTES32:
        return "bytes32";
    case NT_ABI_BYTES:
        return "bytes";
    case NT_ABI_STRING:
        return "string";
    case NT_ABI_BYTES32_ARRAY:
        return "bytes32[]";
    }
    return NULL;
}

nt_status nt_abi_signature(char *out, size_t cap, const char *name, const nt_abi_type *types,
                           size_t n)
{
    size_t used, i;
    int w;
    if (n > NT_ABI_MAX_ARGS || cap == 0)
        return n > NT_ABI_MAX_ARGS ? NT_ERR_INVALID_ARG : NT_ERR_NOSPACE;
    w = snprintf(out, cap, "%s(", name);
    if (w < 0 || (size_t)w >= cap)
        return NT_ERR_NOSPACE;
    used = (size_t)w;
    for (i = 0; i < n; i++) {
        const char *t = nt_abi_type_name(types[i]);
        if (t == NULL)
            return NT_ERR_INVALID_ARG;
        w = snprintf(out + used, cap - used, "%s%s", i ? "," : "", t);
        if (w < 0 || (size_t)w >= cap - used)
            return NT_ERR_NOSPACE;
        used += (size_t)w;
    }
    if (cap - used < 2)
        return NT_ERR_NOSPACE;
    out[used] = ')';
    out[used + 1] = 0;
    return NT_OK;
}

void nt_abi_selector(uint8_t out[4], const char *signature)
{
    uint8_t h[32];
    nt_keccak256(h, (const uint8_t *)signature, strlen(signature));
    memcpy(out, h, 4);
}

void nt_abi_event_topic(uint8_t out[32], const char *signature)
{
    nt_keccak256(out, (const uint8_t *)signature, strlen(signature));
}

/* ---- encoding ------------------------------------------------------------ */

static void word_u64(uint8_t w[WORD], uint64_t v)
{
    nt_u256 u;
    nt_u256_from_u64(&u, v);
    memcpy(w, u.be, WORD);
}

/* Bytes a dynamic value's tail takes (length word included). */
static bool tail_size(size_t *out, const nt_abi_value *a)
{
    size_t body;
    if (a->type == NT_ABI_BYTES32_ARRAY)
        return nt_size_mul(&body, a->v.array.count, WORD) && nt_size_add(out, body, WORD);
    body = a->v.bytes.len;
    if (!nt_size_add(&body, body, (WORD - body % WORD) % WORD))
        return false;
    return nt_size_add(out, body, WORD);
}

static nt_status head_word(uint8_t w[WORD], const nt_abi_value *a)
{
    memset(w, 0, WORD);
    switch (a->type) {
    case NT_ABI_UINT256:
        memcpy(w, a->v.uint256.be, WORD);
        return NT_OK;
    case NT_ABI_UINT64:
        word_u64(w, a->v.uint64);
        return NT_OK;
    case NT_ABI_ADDRESS:
        memcpy(w + 12, a->v.address, 20);
        return NT_OK;
    case NT_ABI_BOOL:
        w[31] = a->v.boolean ? 1 : 0;
        return NT_OK;
    case NT_ABI_BYTES32:
        memcpy(w, a->v.bytes32, WORD);
        return NT_OK;
    case NT_ABI_BYTES:
    case NT_ABI_STRING:
    case NT_ABI_BYTES32_ARRAY:
        return NT_ERR_INVALID_ARG;
    }
    return NT_ERR_INVALID_ARG;
}

static nt_status put_tail(nt_dynbuf *out, const nt_abi_value *a)
{
    static const uint8_t zeros[WORD];
    uint8_t w[WORD];
    nt_status st;
    if (a->type == NT_ABI_BYTES32_ARRAY) {
        word_u64(w, (uint64_t)a->v.array.count);
        if ((st = nt_dynbuf_add(out, w, WORD)) != NT_OK || a->v.array.count == 0)
            return st;
        return nt_dynbuf_add(out, a->v.array.words, a->v.array.count * WORD);
    }
    word_u64(w, (uint64_t)a->v.bytes.len);
    if ((st = nt_dynbuf_add(out, w, WORD)) != NT_OK || a->v.bytes.len == 0)
        return st;
    if ((st = nt_dynbuf_add(out, a->v.bytes.data, a->v.bytes.len)) != NT_OK)
        return st;
    return nt_dynbuf_add(out, zeros, (WORD - a->v.bytes.len % WORD) % WORD);
}

static nt_status encode_into(nt_dynbuf *out, const nt_abi_value *args, size_t n)
{
    uint8_t w[WORD];
    size_t i, next = n * WORD, t;
    nt_status st;
    for (i = 0; i < n; i++) {
        if (nt_abi_type_name(args[i].type) == NULL)
            return NT_ERR_INVALID_ARG;
        if (!is_dynamic(args[i].type)) {
            st = head_word(w, &args[i]);
        } else {
            word_u64(w, (uint64_t)next);
            st = tail_size(&t, &args[i]) && nt_size_add(&next, next, t) ? NT_OK : NT_ERR_OVERFLOW;
        }
        if (st != NT_OK || (st = nt_dynbuf_add(out, w, WORD)) != NT_OK)
            return st;
    }
    for (i = 0; i < n; i++)
        if (is_dynamic(args[i].type) && (st = put_tail(out, &args[i])) != NT_OK)
            return st;
    return NT_OK;
}

/* Puts out back to len bytes after a failed append. */
static void dynbuf_truncate(nt_dynbuf *out, size_t len)
{
    out->len = len;
    if (out->data != NULL)
        out->data[len] = 0;
}

nt_status nt_abi_encode(nt_dynbuf *out, const nt_abi_value *args, size_t n)
{
    size_t old = out->len;
    nt_status st;
    if (n > NT_ABI_MAX_ARGS)
        return NT_ERR_INVALID_ARG;
    st = encode_into(out, args, n);
    if (st != NT_OK)
        dynbuf_truncate(out, old);
    return st;
}

nt_status nt_abi_encode_call(nt_dynbuf *out, const char *name, const nt_abi_value *args, size_t n)
{
    char sig[512];
    nt_abi_type types[NT_ABI_MAX_ARGS];
    uint8_t sel[4];
    size_t i, old = out->len;
    nt_status st;
    if (n > NT_ABI_MAX_ARGS)
        return NT_ERR_INVALID_ARG;
    for (i = 0; i < n; i++)
        types[i] = args[i].type;
    if ((st = nt_abi_signature(sig, sizeof sig, name, types, n)) != NT_OK)
        return st;
    nt_abi_selector(sel, sig);
    if ((st = nt_dynbuf_add(out, sel, 4)) != NT_OK)
        return st;
    st = encode_into(out, args, n);
    if (st != NT_OK)
        dynbuf_truncate(out, old);
    return st;
}

/* ---- decoding ------------------------------------------------------------ */

static bool zero(const uint8_t *p, size_t n)
{
    size_t i;
    uint8_t acc = 0;
    for (i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* A static value from its word, checked against its type's range. */
static nt_status static_value(nt_abi_value *out, nt_abi_type t, const uint8_t w[WORD])
{
    out->type = t;
    switch (t) {
    case NT_ABI_UINT256:
        memcpy(out->v.uint256.be, w, WORD);
        return NT_OK;
    case NT_ABI_UINT64: {
        nt_u256 u;
        memcpy(u.be, w, WORD);
        return nt_u256_to_u64(&out->v.uint64, &u) == NT_OK ? NT_OK : NT_ERR_ABI_VALUE;
    }
    case NT_ABI_ADDRESS:
        if (!zero(w, 12))
            return NT_ERR_ABI_VALUE;
        memcpy(out->v.address, w + 12, 20);
        return NT_OK;
    case NT_ABI_BOOL:
        if (!zero(w, 31) || w[31] > 1)
            return NT_ERR_ABI_VALUE;
        out->v.boolean = w[31] == 1;
        return NT_OK;
    case NT_ABI_BYTES32:
        memcpy(out->v.bytes32, w, WORD);
        return NT_OK;
    case NT_ABI_BYTES:
    case NT_ABI_STRING:
    case NT_ABI_BYTES32_ARRAY:
        break;
    }
    return NT_ERR_INVALID_ARG;
}

/* A word read as a size: NT_ERR_RANGE above 2^64 - 1 or SIZE_MAX. */
static nt_status word_size(size_t *out, const uint8_t w[WORD])
{
    nt_u256 u;
    uint64_t v;
    memcpy(u.be, w, WORD);
    if (nt_u256_to_u64(&v, &u) != NT_OK || v > (uint64_t)SIZE_MAX)
        return NT_ERR_RANGE;
    *out = (size_t)v;
    return NT_OK;
}

/* The tail of a dynamic value at *next (where its head offset must point);
 * advances *next past it. */
static nt_status dynamic_value(nt_abi_value *out, nt_abi_type t, nt_buf *b, const uint8_t off_w[WORD],
                               size_t *next)
{
    const uint8_t *w, *body, *pad;
    size_t off, count, body_len, pad_len;
    if (word_size(&off, off_w) != NT_OK || off != *next)
        return NT_ERR_ABI_OFFSET;
    if (nt_buf_seek(b, off) != NT_OK || nt_buf_get_ptr(b, &w, WORD) != NT_OK)
        return NT_ERR_ABI_SHORT;
    if (word_size(&count, w) != NT_OK || count > NT_ABI_MAX_DYNAMIC)
        return NT_ERR_ABI_LENGTH;
    body_len = t == NT_ABI_BYTES32_ARRAY ? count * WORD : count; /* count <= 2^20 */
    if (t == NT_ABI_BYTES32_ARRAY && body_len > NT_ABI_MAX_DYNAMIC)
        return NT_ERR_ABI_LENGTH;
    pad_len = (WORD - body_len % WORD) % WORD;
    if (nt_buf_get_ptr(b, &body, body_len) != NT_OK || nt_buf_get_ptr(b, &pad, pad_len) != NT_OK)
        return NT_ERR_ABI_LENGTH;
    if (!zero(pad, pad_len))
        return NT_ERR_ABI_PADDING;
    out->type = t;
    if (t == NT_ABI_BYTES32_ARRAY) {
        out->v.array.words = body;
        out->v.array.count = count;
    } else {
        out->v.bytes.data = body;
        out->v.bytes.len = count;
    }
    *next = nt_buf_tell(b);
    return NT_OK;
}

nt_status nt_abi_decode(nt_abi_value *out, const nt_abi_type *types, size_t n, const uint8_t *data,
                        size_t len)
{
    nt_buf b;
    const uint8_t *w;
    size_t i, next = n * WORD;
    nt_status st;
    if (n > NT_ABI_MAX_ARGS)
        return NT_ERR_INVALID_ARG;
    nt_buf_init(&b, data, len);
    if (len < next)
        return NT_ERR_ABI_SHORT;
    for (i = 0; i < n; i++) {
        if (nt_buf_seek(&b, i * WORD) != NT_OK || nt_buf_get_ptr(&b, &w, WORD) != NT_OK)
            return NT_ERR_ABI_SHORT;
        if (is_dynamic(types[i]))
            st = dynamic_value(&out[i], types[i], &b, w, &next);
        else
            st = static_value(&out[i], types[i], w);
        if (st != NT_OK)
            return st;
    }
    return next == len ? NT_OK : NT_ERR_ABI_TRAILING;
}

nt_status nt_abi_log_decode(nt_abi_value *out, const nt_abi_event *ev, const uint8_t (*topics)[32],
                            size_t n_topics, const uint8_t *data, size_t len)
{
    char sig[512];
    uint8_t topic0[32];
    nt_abi_type data_types[NT_ABI_MAX_ARGS];
    nt_abi_value data_vals[NT_ABI_MAX_ARGS];
    size_t i, n_idx = 0, n_data = 0;
    nt_status st;
    if (ev->n > NT_ABI_MAX_ARGS)
        return NT_ERR_INVALID_ARG;
    if ((st = nt_abi_signature(sig, sizeof sig, ev->name, ev->types, ev->n)) != NT_OK)
        return st;
    nt_abi_event_topic(topic0, sig);
    for (i = 0; i < ev->n; i++)
        n_idx += ev->indexed[i] ? 1 : 0;
    if (n_topics != n_idx + 1 || n_topics > NT_ETH_MAX_TOPICS || memcmp(topics[0], topic0, 32) != 0)
        return NT_ERR_ABI_TOPIC;
    for (i = 0; i < ev->n; i++)
        if (!ev->indexed[i])
            data_types[n_data++] = ev->types[i];
    if ((st = nt_abi_decode(data_vals, data_types, n_data, data, len)) != NT_OK)
        return st;
    n_idx = 1;
    n_data = 0;
    for (i = 0; i < ev->n; i++) {
        if (!ev->indexed[i]) {
            out[i] = data_vals[n_data++];
        } else if (is_dynamic(ev->types[i])) {
            out[i].type = NT_ABI_BYTES32;
            memcpy(out[i].v.bytes32, topics[n_idx++], 32);
        } else if ((st = static_value(&out[i], ev->types[i], topics[n_idx++])) != NT_OK) {
            return st;
        }
    }
    return NT_OK;
}
