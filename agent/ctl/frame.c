/* Control-socket frames: 4-byte big-endian length, then JSON (nautilus/ctl.h). */
#include <string.h>

#include "nautilus/ctl.h"
#include "nautilus/mem.h"

nt_status nt_ctl_reader_init(nt_ctl_reader *r)
{
    memset(r, 0, sizeof *r);
    r->body = nt_malloc(NT_CTL_MAX_FRAME + 1);
    return r->body != NULL ? NT_OK : NT_ERR_NOMEM;
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
