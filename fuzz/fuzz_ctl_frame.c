/*
 * Fuzz target for the control socket's frame reader (nautilus/ctl.h).
 *
 * The first input byte picks how the rest is cut into reads (a hostile
 * local client decides where its writes end). The frames the reader gives
 * back must be exactly those of a one-pass reference reading of the same
 * bytes (length, content, NUL after the body), in order, and it must stop
 * with NT_ERR_CTL_FRAME exactly where the reference finds a length of 0 or
 * over NT_CTL_MAX_FRAME. Mismatches abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/ctl.h"
#include "fuzz/fuzz.h"

/* The reference: the k-th frame's offset and length in s[0..n); -1 when
 * the stream holds no complete k-th frame, -2 when a bad length comes
 * first. */
static long ref_frame(const uint8_t *s, size_t n, size_t k, size_t *len)
{
    size_t pos = 0, i = 0;
    for (;;) {
        size_t l;
        if (n - pos < 4)
            return -1;
        l = (size_t)s[pos] << 24 | (size_t)s[pos + 1] << 16 | (size_t)s[pos + 2] << 8 | s[pos + 3];
        if (l == 0 || l > NT_CTL_MAX_FRAME)
            return -2;
        if (n - pos - 4 < l)
            return -1;
        if (i == k) {
            *len = l;
            return (long)(pos + 4);
        }
        pos += 4 + l;
        i++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nt_ctl_reader r;
    size_t step, pos = 0, k = 0;
    const uint8_t *s;
    size_t n;

    if (size < 1)
        return 0;
    step = (size_t)data[0] % 17 + 1; /* reads of 1..17 bytes, or all at once */
    if (data[0] >= 0xf0)
        step = size;
    s = data + 1;
    n = size - 1;
    CHECK(nt_ctl_reader_init(&r) == NT_OK);
    while (pos < n) {
        size_t end = pos + step < n ? pos + step : n, used = 0, avail = end - pos;
        const char *frame;
        size_t flen, want_len = 0;
        nt_status st = nt_ctl_reader_feed(&r, s + pos, end - pos, &used, &frame, &flen);
        long off;
        CHECK(used <= avail);
        pos += used;
        if (st != NT_OK) {
            CHECK(st == NT_ERR_CTL_FRAME);
            CHECK(ref_frame(s, pos, k, &want_len) == -2);
            break;
        }
        if (frame == NULL) {
            CHECK(used == avail); /* no frame yet: everything was taken */
            continue;
        }
        off = ref_frame(s, pos, k, &want_len);
        CHECK(off >= 0 && flen == want_len && (size_t)off + flen == pos);
        CHECK(memcmp(frame, s + off, flen) == 0 && frame[flen] == '\0');
        k++;
    }
    if (pos == n) {
        size_t l = 0;
        CHECK(ref_frame(s, n, k, &l) < 0); /* no complete frame was missed */
    }
    nt_ctl_reader_cleanup(&r);
    return 0;
}
