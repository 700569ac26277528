/* RLP, the Recursive Length Prefix of the Ethereum yellow paper (appendix
 * B), canonical forms only (nautilus/ledger.h).
 *
 *   [0x00, 0x7f]  the byte itself
 *   0x80 + n      a string of n < 56 bytes (n == 1 only for a byte >= 0x80)
 *   0xb7 + k      a string whose length takes k bytes, big-endian, >= 56
 *   0xc0 + n      a list whose items take n < 56 bytes
 *   0xf7 + k      a list whose length takes k bytes, >= 56
 *
 * The decoder reads through nt_buf only and refuses every other spelling of
 * the same value, each with its own status, so one value has one encoding. */
#include <string.h>

#include "nautilus/ledger.h"

/* ---- encoding ------------------------------------------------------------ */

void nt_rlp_enc_init(nt_rlp_enc *e, size_t cap)
{
    memset(e, 0, sizeof *e);
    nt_dynbuf_init(&e->out, cap);
    e->err = NT_OK;
}

void nt_rlp_enc_cleanup(nt_rlp_enc *e)
{
    nt_dynbuf_cleanup(&e->out);
    e->depth = 0;
    e->err = NT_OK;
}

void nt_rlp_enc_reset(nt_rlp_enc *e)
{
    nt_dynbuf_reset(&e->out);
    e->depth = 0;
    e->err = NT_OK;
}

/* The header of an item of len payload bytes: short base 0x80 (string) or
 * 0xc0 (list); long form base + 55 + length-of-length. Returns its size. */
static size_t header(uint8_t out[9], uint8_t base, size_t len)
{
    size_t k = 0, i;
    uint64_t v = len;
    if (len < 56) {
        out[0] = (uint8_t)(base + len);
        return 1;
    }
    while (v) {
        k++;
        v >>= 8;
    }
    out[0] = (uint8_t)(base + 55 + k);
    for (i = 0; i < k; i++)
        out[k - i] = (uint8_t)((uint64_t)len >> (8 * i));
    return k + 1;
}

static void enc_add(nt_rlp_enc *e, const uint8_t *data, size_t len)
{
    if (e->err == NT_OK)
        e->err = nt_dynbuf_add(&e->out, data, len);
}

void nt_rlp_enc_bytes(nt_rlp_enc *e, const uint8_t *data, size_t len)
{
    uint8_t h[9];
    if (e->err != NT_OK)
        return;
    if (len > NT_RLP_MAX_ITEM_LEN) {
        e->err = NT_ERR_RLP_TOO_LARGE;
        return;
    }
    if (len == 1 && data[0] < 0x80) {
        enc_add(e, data, 1);
        return;
    }
    enc_add(e, h, header(h, 0x80, len));
    if (len)
        enc_add(e, data, len);
}

void nt_rlp_enc_u64(nt_rlp_enc *e, uint64_t v)
{
    nt_u256 w;
    nt_u256_from_u64(&w, v);
    nt_rlp_enc_u256(e, &w);
}

void nt_rlp_enc_u256(nt_rlp_enc *e, const nt_u256 *v)
{
    size_t n = nt_u256_min_len(v);
    nt_rlp_enc_bytes(e, v->be + (32 - n), n);
}

void nt_rlp_enc_raw(nt_rlp_enc *e, const uint8_t *rlp, size_t len)
{
    enc_add(e, rlp, len);
}

void nt_rlp_enc_list_begin(nt_rlp_enc *e)
{
    if (e->err != NT_OK)
        return;
    if (e->depth >= NT_RLP_MAX_DEPTH) {
        e->err = NT_ERR_RLP_DEPTH;
        return;
    }
    e->open[e->depth++] = e->out.len;
}

void nt_rlp_enc_list_end(nt_rlp_enc *e)
{
    uint8_t h[9];
    size_t start, payload, hlen;
    if (e->err != NT_OK)
        return;
    if (e->depth == 0) {
        e->err = NT_ERR_INVALID_ARG;
        return;
    }
    start = e->open[--e->depth];
    payload = e->out.len - start;
    if (payload > NT_RLP_MAX_ITEM_LEN) {
        e->err = NT_ERR_RLP_TOO_LARGE;
        return;
    }
    hlen = header(h, 0xc0, payload);
    /* Grow by the header's size, then slide the payload up to make room. */
    enc_add(e, h, hlen);
    if (e->err != NT_OK)
        return;
    memmove(e->out.data + start + hlen, e->out.data + start, payload);
    memcpy(e->out.data + start, h, hlen);
}

nt_status nt_rlp_enc_finish(nt_rlp_enc *e, const uint8_t **out, size_t *out_len)
{
    if (e->err != NT_OK)
        return e->err;
    if (e->depth != 0)
        return NT_ERR_INVALID_ARG;
    *out = (const uint8_t *)nt_dynbuf_str(&e->out);
    *out_len = e->out.len;
    return NT_OK;
}

/* ---- decoding ------------------------------------------------------------ */

/* A long-form length of k (1..8) bytes: no leading zero, at least 56. */
static nt_status long_len(nt_buf *b, size_t k, size_t *len)
{
    uint64_t v = 0;
    size_t i;
    for (i = 0; i < k; i++) {
        uint8_t byte;
        if (nt_buf_get_u8(b, &byte) != NT_OK)
            return NT_ERR_RLP_TRUNCATED;
        if (i == 0 && byte == 0)
            return NT_ERR_RLP_LEN_LEADING_ZERO;
        v = (v << 8) | byte;
    }
    if (v < 56)
        return NT_ERR_RLP_NONMINIMAL_LEN;
    if (v > NT_RLP_MAX_ITEM_LEN)
        return NT_ERR_RLP_TOO_LARGE;
    *len = (size_t)v;
    return NT_OK;
}

/* Reads one item's header and payload at the cursor (nested items are not
 * looked at). */
static nt_status item_read(nt_buf *b, nt_rlp_item *it)
{
    size_t start = nt_buf_tell(b), len = 0;
    uint8_t p;
    nt_status st = NT_OK;
    if (nt_buf_get_u8(b, &p) != NT_OK)
        return NT_ERR_RLP_TRUNCATED;
    it->is_list = p >= 0xc0;
    if (p < 0x80) {
        /* The byte is its own payload: step back and borrow it. */
        if (nt_buf_seek(b, start) != NT_OK)
            return NT_ERR_RLP_TRUNCATED;
        len = 1;
    } else if (p <= 0xb7) {
        len = (size_t)(p - 0x80);
    } else if (p <= 0xbf) {
        st = long_len(b, (size_t)(p - 0xb7), &len);
    } else if (p <= 0xf7) {
        len = (size_t)(p - 0xc0);
    } else {
        st = long_len(b, (size_t)(p - 0xf7), &len);
    }
    if (st != NT_OK)
        return st;
    if (nt_buf_get_ptr(b, &it->payload, len) != NT_OK)
        return NT_ERR_RLP_TRUNCATED;
    it->len = len;
    if (p == 0x81 && it->payload[0] < 0x80)
        return NT_ERR_RLP_SINGLE_BYTE;
    it->raw_len = nt_buf_tell(b) - start;
    /* Borrow the whole encoding: back to the start, then forward again. */
    if (nt_buf_seek(b, start) != NT_OK || nt_buf_get_ptr(b, &it->raw, it->raw_len) != NT_OK)
        return NT_ERR_RLP_TRUNCATED;
    return NT_OK;
}

/* Checks every item inside a list, depth being the list's own nesting. */
static nt_status list_check(const nt_rlp_item *list, size_t depth)
{
    nt_buf b;
    nt_rlp_item child;
    nt_status st;
    if (depth > NT_RLP_MAX_DEPTH)
        return NT_ERR_RLP_DEPTH;
    nt_buf_init(&b, list->payload, list->len);
    while (nt_buf_left(&b) > 0) {
        st = item_read(&b, &child);
        if (st == NT_OK && child.is_list)
            st = list_check(&child, depth + 1);
        if (st != NT_OK)
            return st;
    }
    return NT_OK;
}

nt_status nt_rlp_decode(nt_rlp_item *out, const uint8_t *data, size_t len)
{
    nt_buf b;
    nt_rlp_item it;
    nt_status st;
    nt_buf_init(&b, data, len);
    st = item_read(&b, &it);
    if (st != NT_OK)
        return st;
    if (it.is_list && (st = list_check(&it, 1)) != NT_OK)
        return st;
    if (nt_buf_expect_end(&b) != NT_OK)
        return NT_ERR_RLP_TRAILING;
    *out = it;
    return NT_OK;
}

nt_status nt_rlp_iter_init(nt_rlp_iter *it, const nt_rlp_item *list)
{
    if (!list->is_list)
        return NT_ERR_RLP_TYPE;
    nt_buf_init(&it->b, list->payload, list->len);
    return NT_OK;
}

nt_status nt_rlp_iter_next(nt_rlp_iter *it, nt_rlp_item *out)
{
    if (nt_buf_left(&it->b) == 0)
        return NT_ERR_NOT_FOUND;
    return item_read(&it->b, out);
}

nt_status nt_rlp_list_items(nt_rlp_item *out, size_t cap, size_t *count, const nt_rlp_item *list)
{
    nt_rlp_iter it;
    nt_rlp_item item;
    nt_status st;
    size_t n = 0;
    if ((st = nt_rlp_iter_init(&it, list)) != NT_OK)
        return st;
    while ((st = nt_rlp_iter_next(&it, &item)) == NT_OK) {
        if (n == cap)
            return NT_ERR_RLP_COUNT;
        out[n++] = item;
    }
    if (st != NT_ERR_NOT_FOUND)
        return st;
    *count = n;
    return NT_OK;
}

/* A scalar's bytes: a string, no leading zero, at most max bytes. */
static nt_status scalar(const nt_rlp_item *it, size_t max)
{
    if (it->is_list)
        return NT_ERR_RLP_TYPE;
    if (it->len > max || (it->len > 0 && it->payload[0] == 0))
        return NT_ERR_RLP_INT;
    return NT_OK;
}

nt_status nt_rlp_item_u64(uint64_t *out, const nt_rlp_item *it)
{
    uint64_t v = 0;
    size_t i;
    nt_status st = scalar(it, 8);
    if (st != NT_OK)
        return st;
    for (i = 0; i < it->len; i++)
        v = (v << 8) | it->payload[i];
    *out = v;
    return NT_OK;
}

nt_status nt_rlp_item_u256(nt_u256 *out, const nt_rlp_item *it)
{
    nt_status st = scalar(it, 32);
    if (st != NT_OK)
        return st;
    memset(out->be, 0, sizeof out->be);
    if (it->len)
        memcpy(out->be + (32 - it->len), it->payload, it->len);
    return NT_OK;
}

nt_status nt_rlp_item_fixed(uint8_t *out, size_t n, const nt_rlp_item *it)
{
    if (it->is_list || it->len != n)
        return NT_ERR_RLP_TYPE;
    if (n)
        memcpy(out, it->payload, n);
    return NT_OK;
}
