/* Control-socket frames: 4-byte big-endian length, then JSON (nautilus/ctl.h). */
#include <string.h>

#include "nautilus/ctl.h"
#include "nautilus/mem.h"

/* The body grows to the frame announced rather than starting at the
 * limit: a one-shot command's reply is a few hundred bytes, and every
 * fresh page a process touches is a page fault (about 30 us on a VM with
 * shadow paging, more than the whole request costs the agent). */
enum { READER_FIRST_CAP = 1024 };

nt_status nt_ctl_reader_init(nt_ctl_reader *r)
{
    memset(r, 0, sizeof *r);
    r->body = nt_malloc(READER_FIRST_CAP);
    r->cap = READER_FIRST_CAP;
    return r->body != NULL ? NT_OK : NT_ERR_NOMEM;
}

/* Room for a body of need bytes and its NUL. */
static nt_status reserve(nt_ctl_reader *r, size_t need)
{
    uint8_t *b;
    size_t cap = r->cap;
    if (need < r->cap)
        return NT_OK;
    while (cap <= need)
        cap *= 2;
    if (cap > NT_CTL_MAX_FRAME + 1)
        cap = NT_CTL_MAX_FRAME + 1;
    b = nt_realloc(r->body, cap);
    if (b == NULL)
        return NT_ERR_NOMEM;
    r->body = b;
    r->cap = cap;
    return NT_OK;
}

void nt_ctl_reader_cleanup(nt_ctl_reader *r)
{
    nt_free(r->body);
    memset(r, 0, sizeof *r);
}

nt_status nt_ctl_reader_feed(nt_ctl_reader *r, const uint8_t *in, size_t len, size_t *used,
                             const char **frame, size_t *frame_len)
{
    size_t pos = 0, take;

    *frame = NULL;
    *frame_len = 0;
    while (pos < len) {
        if (r->need == 0) {
            r->head[r->head_got++] = in[pos++];
            if (r->head_got < 4)
                continue;
            r->need = (size_t)r->head[0] << 24 | (size_t)r->head[1] << 16 |
                      (size_t)r->head[2] << 8 | (size_t)r->head[3];
            r->head_got = 0;
            r->got = 0;
            if (r->need == 0 || r->need > NT_CTL_MAX_FRAME) {
                r->need = 0;
                *used = pos;
                return NT_ERR_CTL_FRAME;
            }
            if (reserve(r, r->need) != NT_OK) {
                r->need = 0;
                *used = pos;
                return NT_ERR_NOMEM;
            }
            continue;
        }
        take = r->need - r->got;
        if (take > len - pos)
            take = len - pos;
        memcpy(r->body + r->got, in + pos, take);
        r->got += take;
        pos += take;
        if (r->got == r->need) {
            r->body[r->got] = '\0';
            *frame = (const char *)r->body;
            *frame_len = r->got;
            r->need = 0;
            r->got = 0;
            break;
        }
    }
    *used = pos;
    return NT_OK;
}
