/*
 * nautilus/buf.h - bounds-checked cursors for untrusted bytes, and capped
 * growable buffers.
 *
 * All parsing of bytes that come from outside (network, files, RPC bodies)
 * goes through nt_buf: every read checks what is left and returns a status
 * instead of touching memory out of bounds. Length-prefixed parts are read
 * in a sub-window (nt_buf_sub) that must then be consumed exactly
 * (nt_buf_expect_end). Writing goes through nt_wbuf (fixed storage) or
 * nt_dynbuf (heap storage with a cap set at init).
 */
#ifndef NAUTILUS_BUF_H
#define NAUTILUS_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- reading ------------------------------------------------------------- */

/* A read cursor over borrowed bytes [base, base+len); pos is the next byte.
 * Fields are public for speed and for sub-window arithmetic, but code outside
 * core only reads them; all movement goes through the functions below. */
typedef struct nt_buf {
    const uint8_t *base;
    size_t len;
    size_t pos;
} nt_buf;

/* Points b at data[0..len). The bytes are borrowed and must outlive b. */
static inline void nt_buf_init(nt_buf *b, const uint8_t *data, size_t len)
{
    b->base = data;
    b->len = len;
    b->pos = 0;
}

/* Bytes left to read. */
static inline size_t nt_buf_left(const nt_buf *b) { return b->len - b->pos; }

/* Current offset from the start of the buffer. */
static inline size_t nt_buf_tell(const nt_buf *b) { return b->pos; }

/* Reads one byte. NT_ERR_SHORT if none is left (cursor unchanged). */
static inline NT_WUR nt_status nt_buf_get_u8(nt_buf *b, uint8_t *out)
{
    if (b->len - b->pos < 1)
        return NT_ERR_SHORT;
    *out = b->base[b->pos++];
    return NT_OK;
}

/* Reads a big-endian (network order) 16-bit value. NT_ERR_SHORT if short. */
static inline NT_WUR nt_status nt_buf_get_u16(nt_buf *b, uint16_t *out)
{
    if (b->len - b->pos < 2)
        return NT_ERR_SHORT;
    *out = (uint16_t)(((unsigned)b->base[b->pos] << 8) | b->base[b->pos + 1]);
    b->pos += 2;
    return NT_OK;
}

/* Reads a big-endian 32-bit value. NT_ERR_SHORT if short. */
static inline NT_WUR nt_status nt_buf_get_u32(nt_buf *b, uint32_t *out)
{
    const uint8_t *p;
    if (b->len - b->pos < 4)
        return NT_ERR_SHORT;
    p = b->base + b->pos;
    *out = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    b->pos += 4;
    return NT_OK;
}

/* Copies n bytes to out. NT_ERR_SHORT if fewer are left (nothing copied). */
NT_API NT_WUR nt_status nt_buf_get_bytes(nt_buf *b, uint8_t *out, size_t n);

/* Borrows n bytes in place: *out points into the buffer. NT_ERR_SHORT if short. */
NT_API NT_WUR nt_status nt_buf_get_ptr(nt_buf *b, const uint8_t **out, size_t n);

/* Skips n bytes. NT_ERR_SHORT if fewer are left (cursor unchanged). */
NT_API NT_WUR nt_status nt_buf_skip(nt_buf *b, size_t n);

/* Moves the cursor to absolute offset pos (<= len). NT_ERR_SHORT otherwise. */
NT_API NT_WUR nt_status nt_buf_seek(nt_buf *b, size_t pos);

/* Reads the byte at absolute offset off without moving. NT_ERR_SHORT if off >= len. */
static inline NT_WUR nt_status nt_buf_peek_at(const nt_buf *b, size_t off, uint8_t *out)
{
    if (off >= b->len)
        return NT_ERR_SHORT;
    *out = b->base[off];
    return NT_OK;
}

/* Carves the next n bytes into window w and advances b past them. The
 * window's offsets are relative to b's base (w->base == b->base, w->pos at
 * the window start, w->len at its end), so absolute offsets such as DNS
 * compression targets stay meaningful inside it. NT_ERR_SHORT if short. */
NT_API NT_WUR nt_status nt_buf_sub(nt_buf *b, nt_buf *w, size_t n);

/* NT_OK if the cursor is at the end, NT_ERR_TRAILING otherwise. */
static inline NT_WUR nt_status nt_buf_expect_end(const nt_buf *b)
{
    return b->pos == b->len ? NT_OK : NT_ERR_TRAILING;
}

/* ---- writing into fixed storage ----------------------------------------- */

/* A write cursor over caller storage [base, base+cap). */
typedef struct nt_wbuf {
    uint8_t *base;
    size_t cap;
    size_t len;
} nt_wbuf;

static inline void nt_wbuf_init(nt_wbuf *w, uint8_t *storage, size_t cap)
{
    w->base = storage;
    w->cap = cap;
    w->len = 0;
}

/* Each put appends or fails with NT_ERR_NOSPACE leaving w unchanged. */
static inline NT_WUR nt_status nt_wbuf_put_u8(nt_wbuf *w, uint8_t v)
{
    if (w->cap - w->len < 1)
        return NT_ERR_NOSPACE;
    w->base[w->len++] = v;
    return NT_OK;
}

static inline NT_WUR nt_status nt_wbuf_put_u16(nt_wbuf *w, uint16_t v)
{
    if (w->cap - w->len < 2)
        return NT_ERR_NOSPACE;
    w->base[w->len] = (uint8_t)(v >> 8);
    w->base[w->len + 1] = (uint8_t)v;
    w->len += 2;
    return NT_OK;
}

static inline NT_WUR nt_status nt_wbuf_put_u32(nt_wbuf *w, uint32_t v)
{
    if (w->cap - w->len < 4)
        return NT_ERR_NOSPACE;
    w->base[w->len] = (uint8_t)(v >> 24);
    w->base[w->len + 1] = (uint8_t)(v >> 16);
    w->base[w->len + 2] = (uint8_t)(v >> 8);
    w->base[w->len + 3] = (uint8_t)v;
    w->len += 4;
    return NT_OK;
}

NT_API NT_WUR nt_status nt_wbuf_put_bytes(nt_wbuf *w, const uint8_t *data, size_t n);

/* Overwrites a 16-bit value at absolute offset at (< len - 1), e.g. a length
 * or count known only after its field was written. NT_ERR_INVALID_ARG if the
 * offset is not inside what was written. */
NT_API NT_WUR nt_status nt_wbuf_patch_u16(nt_wbuf *w, size_t at, uint16_t v);

/* ---- capped growable buffers ------------------------------------------- */

/* Heap bytes that grow on demand up to a cap fixed at init. Always kept
 * NUL-terminated after len (the NUL is not counted), so text is printable. */
typedef struct nt_dynbuf {
    uint8_t *data;
    size_t len;
    size_t alloc;
    size_t cap;
} nt_dynbuf;

/* Prepares an empty buffer that may hold at most cap bytes. Allocates nothing. */
NT_API void nt_dynbuf_init(nt_dynbuf *d, size_t cap);

/* Frees the storage; d is empty afterwards and may be reused. */
NT_API void nt_dynbuf_cleanup(nt_dynbuf *d);

/* Empties d, keeping its storage. */
NT_API void nt_dynbuf_reset(nt_dynbuf *d);

/* Appends n bytes. NT_ERR_CAP if len+n would pass the cap, NT_ERR_NOMEM if
 * allocation fails; on error d is unchanged. */
NT_API NT_WUR nt_status nt_dynbuf_add(nt_dynbuf *d, const void *data, size_t n);

/* Appends a NUL-terminated string (without its NUL). Errors as nt_dynbuf_add. */
NT_API NT_WUR nt_status nt_dynbuf_add_str(nt_dynbuf *d, const char *s);

/* Appends printf-formatted text. Errors as nt_dynbuf_add. */
NT_API NT_WUR nt_status nt_dynbuf_addf(nt_dynbuf *d, const char *fmt, ...) NT_PRINTF(2, 3);

/* Appends one byte. Errors as nt_dynbuf_add. */
NT_API NT_WUR nt_status nt_dynbuf_add_u8(nt_dynbuf *d, uint8_t v);

/* Text view of the contents ("" when empty); valid until the next change. */
NT_API const char *nt_dynbuf_str(const nt_dynbuf *d);

/* Hands the storage to the caller (free with nt_free) and empties d. *out is
 * NULL when d was empty and nothing was allocated. */
NT_API void nt_dynbuf_take(nt_dynbuf *d, uint8_t **out, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
