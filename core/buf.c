/* Bounds-checked cursors and capped growable buffers (nautilus/buf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nautilus/buf.h"
#include "nautilus/mem.h"

nt_status nt_buf_get_bytes(nt_buf *b, uint8_t *out, size_t n)
{
    if (nt_buf_left(b) < n)
        return NT_ERR_SHORT;
    if (n)
        memcpy(out, b->base + b->pos, n);
    b->pos += n;
    return NT_OK;
}

nt_status nt_buf_get_ptr(nt_buf *b, const uint8_t **out, size_t n)
{
    if (nt_buf_left(b) < n)
        return NT_ERR_SHORT;
    *out = b->base + b->pos;
    b->pos += n;
    return NT_OK;
}

nt_status nt_buf_skip(nt_buf *b, size_t n)
{
    if (nt_buf_left(b) < n)
        return NT_ERR_SHORT;
    b->pos += n;
    return NT_OK;
}

nt_status nt_buf_seek(nt_buf *b, size_t pos)
{
    if (pos > b->len)
        return NT_ERR_SHORT;
    b->pos = pos;
    return NT_OK;
}

nt_status nt_buf_sub(nt_buf *b, nt_buf *w, size_t n)
{
    if (nt_buf_left(b) < n)
        return NT_ERR_SHORT;
    w->base = b->base;
    w->pos = b->pos;
    w->len = b->pos + n;
    b->pos += n;
    return NT_OK;
}

nt_status nt_wbuf_put_bytes(nt_wbuf *w, const uint8_t *data, size_t n)
{
    if (w->cap - w->len < n)
        return NT_ERR_NOSPACE;
    if (n)
        memcpy(w->base + w->len, data, n);
    w->len += n;
    return NT_OK;
}

nt_status nt_wbuf_patch_u16(nt_wbuf *w, size_t at, uint16_t v)
{
    if (w->len < 2 || at > w->len - 2)
        return NT_ERR_INVALID_ARG;
    w->base[at] = (uint8_t)(v >> 8);
    w->base[at + 1] = (uint8_t)v;
    return NT_OK;
}

void nt_dynbuf_init(nt_dynbuf *d, size_t cap)
{
    d->data = NULL;
    d->len = 0;
    d->alloc = 0;
    d->cap = cap;
}

void nt_dynbuf_cleanup(nt_dynbuf *d)
{
    nt_free(d->data);
    d->data = NULL;
    d->len = 0;
    d->alloc = 0;
}

void nt_dynbuf_reset(nt_dynbuf *d)
{
    d->len = 0;
    if (d->data)
        d->data[0] = 0;
}

/* Makes room for extra more bytes plus the terminating NUL. */
static nt_status dynbuf_reserve(nt_dynbuf *d, size_t extra)
{
    size_t need, want;
    uint8_t *p;

    if (!nt_size_add(&need, d->len, extra) || need > d->cap)
        return NT_ERR_CAP;
    if (need + 1 <= d->alloc)
        return NT_OK;
    want = d->alloc ? d->alloc : 64;
    while (want < need + 1) {
        if (want > ((size_t)-1) / 2) {
            want = need + 1;
            break;
        }
        want *= 2;
    }
    if (want > d->cap + 1)
        want = d->cap + 1;
    p = nt_realloc(d->data, want);
    if (!p)
        return NT_ERR_NOMEM;
    d->data = p;
    d->alloc = want;
    return NT_OK;
}

nt_status nt_dynbuf_add(nt_dynbuf *d, const void *data, size_t n)
{
    nt_status st = dynbuf_reserve(d, n);
    if (st != NT_OK)
        return st;
    if (n)
        memcpy(d->data + d->len, data, n);
    d->len += n;
    d->data[d->len] = 0;
    return NT_OK;
}

nt_status nt_dynbuf_add_str(nt_dynbuf *d, const char *s)
{
    return nt_dynbuf_add(d, s, strlen(s));
}

nt_status nt_dynbuf_add_u8(nt_dynbuf *d, uint8_t v)
{
    return nt_dynbuf_add(d, &v, 1);
}

nt_status nt_dynbuf_addf(nt_dynbuf *d, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    int n;
    nt_status st;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NT_ERR_INVALID_ARG;
    if ((size_t)n < sizeof small)
        return nt_dynbuf_add(d, small, (size_t)n);
    st = dynbuf_reserve(d, (size_t)n);
    if (st != NT_OK)
        return st;
    va_start(ap, fmt);
    vsnprintf((char *)d->data + d->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    d->len += (size_t)n;
    return NT_OK;
}

const char *nt_dynbuf_str(const nt_dynbuf *d)
{
    return d->data ? (const char *)d->data : "";
}

void nt_dynbuf_take(nt_dynbuf *d, uint8_t **out, size_t *out_len)
{
    *out = d->data;
    *out_len = d->len;
    d->data = NULL;
    d->len = 0;
    d->alloc = 0;
}
