/*
 * nautilus/log.h - levelled logging to stderr or a caller-supplied sink.
 */
#ifndef NAUTILUS_LOG_H
#define NAUTILUS_LOG_H

#include <stdarg.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nt_log_level {
    NT_LOG_ERROR = 0,
    NT_LOG_WARN = 1,
    NT_LOG_INFO = 2,
    NT_LOG_DEBUG = 3,
} nt_log_level;

/* A sink receives each formatted message (no trailing newline). */
typedef void (*nt_log_sink)(void *ctx, nt_log_level level, const char *module, const char *msg);

/* Messages above level are dropped. Default: NT_LOG_WARN. */
NT_API void nt_log_set_level(nt_log_level level);
NT_API nt_log_level nt_log_get_level(void);

/* Routes messages to sink (NULL restores the stderr sink). */
NT_API void nt_log_set_sink(nt_log_sink sink, void *ctx);

/* Parses "error", "warn", "info" or "debug". NT_ERR_INVALID_ARG otherwise. */
NT_API NT_WUR nt_status nt_log_level_parse(const char *text, nt_log_level *out);

NT_API void nt_log(nt_log_level level, const char *module, const char *fmt, ...) NT_PRINTF(3, 4);
NT_API void nt_vlog(nt_log_level level, const char *module, const char *fmt, va_list ap) NT_PRINTF(3, 0);

#define NT_LOGE(mod, ...) nt_log(NT_LOG_ERROR, mod, __VA_ARGS__)
#define NT_LOGW(mod, ...) nt_log(NT_LOG_WARN, mod, __VA_ARGS__)
#define NT_LOGI(mod, ...) nt_log(NT_LOG_INFO, mod, __VA_ARGS__)
#define NT_LOGD(mod, ...)                                   \
    do {                                                    \
        if (nt_log_get_level() >= NT_LOG_DEBUG)             \
            nt_log(NT_LOG_DEBUG, mod, __VA_ARGS__);         \
    } while (0)

#ifdef __cplusplus
}
#endif
#endif
