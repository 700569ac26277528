/* Levelled logging (nautilus/log.h). */
#include <stdio.h>
#include <string.h>

#include "nautilus/log.h"

static nt_log_level current_level = NT_LOG_WARN;
static nt_log_sink current_sink;
static void *current_ctx;

static const char *level_name(nt_log_level level)
{
    switch (level) {
    case NT_LOG_ERROR:
        return "error";
    case NT_LOG_WARN:
        return "warn";
    case NT_LOG_INFO:
        return "info";
    case NT_LOG_DEBUG:
        return "debug";
    }
    return "?";
}

void nt_log_set_level(nt_log_level level) { current_level = level; }
nt_log_level nt_log_get_level(void) { return current_level; }

void nt_log_set_sink(nt_log_sink sink, void *ctx)
{
    current_sink = sink;
    current_ctx = ctx;
}

nt_status nt_log_level_parse(const char *text, nt_log_level *out)
{
    static const nt_log_level all[] = {NT_LOG_ERROR, NT_LOG_WARN, NT_LOG_INFO, NT_LOG_DEBUG};
    size_t i;
    for (i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(text, level_name(all[i])) == 0) {
            *out = all[i];
            return NT_OK;
        }
    }
    return NT_ERR_INVALID_ARG;
}

void nt_vlog(nt_log_level level, const char *module, const char *fmt, va_list ap)
{
    char msg[1024];
    if (level > current_level)
        return;
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (current_sink)
        current_sink(current_ctx, level, module, msg);
    else
        fprintf(stderr, "nautilus: %s: %s: %s\n", level_name(level), module, msg);
}

void nt_log(nt_log_level level, const char *module, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nt_vlog(level, module, fmt, ap);
    va_end(ap);
}
