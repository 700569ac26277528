/* Helpers shared by the subcommands (agent/run/cli.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nautilus/buf.h"
#include "nautilus/mem.h"

/* This thread's streams for the commands' output (nt_cli_capture). */
static _Thread_local FILE *cap_out, *cap_err;

void nt_cli_capture(FILE *out, FILE *err)
{
    cap_out = out;
    cap_err = err;
}

FILE *nt_cli_out(void)
{
    return cap_out ? cap_out : stdout;
}

static NT_PRINTF(1, 0) void vprint_line(const char *fmt, va_list ap)
{
    FILE *err = cap_err ? cap_err : stderr;
    fputs("nautilus: ", err);
    vfprintf(err, fmt, ap);
    fputc('\n', err);
}

int nt_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_line(fmt, ap);
    va_end(ap);
    return NT_EXIT_USAGE;
}

int nt_cli_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_line(fmt, ap);
    va_end(ap);
    return code;
}

bool nt_cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

nt_status nt_cli_read_file(const char *path, size_t max, uint8_t **out, size_t *out_len)
{
    FILE *f;
    nt_dynbuf d;
    uint8_t chunk[4096];
    size_t n;
    nt_status st = NT_OK;
    int is_stdin = strcmp(path, "-") == 0;

    f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return NT_ERR_IO;
    nt_dynbuf_init(&d, max);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        st = nt_dynbuf_add(&d, chunk, n);
        if (st != NT_OK)
            goto out;
    }
    if (ferror(f)) {
        st = NT_ERR_IO;
        goto out;
    }
    /* An empty input still yields a valid, empty, NUL-terminated buffer. */
    st = nt_dynbuf_add(&d, "", 0);
    if (st == NT_OK && !d.data) {
        d.data = nt_malloc(1);
        if (!d.data)
            st = NT_ERR_NOMEM;
        else
            d.data[0] = 0;
    }
out:
    if (!is_stdin)
        fclose(f);
    if (st != NT_OK) {
        nt_dynbuf_cleanup(&d);
        return st;
    }
    nt_dynbuf_take(&d, out, out_len);
    return NT_OK;
}

nt_status nt_cli_parse_long(const char *text, long min, long max, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(text, &end, 10);
    if (end == text || *end != 0)
        return NT_ERR_INVALID_ARG;
    if (errno == ERANGE || v < min || v > max)
        return NT_ERR_RANGE;
    *out = v;
    return NT_OK;
}
