/* nautilus agent: the log to stderr (with the level) or to syslog, which
 * journald takes on systemd hosts (agent.h). */
#include <stdio.h>
#include <syslog.h>

#include "agent.h"
#include "nautilus/log.h"

static const char *level_name(nt_log_level l)
{
    switch (l) {
    case NT_LOG_ERROR: return "error";
    case NT_LOG_WARN: return "warn";
    case NT_LOG_INFO: return "info";
    case NT_LOG_DEBUG: return "debug";
    }
    return "?";
}

static int syslog_priority(nt_log_level l)
{
    switch (l) {
    case NT_LOG_ERROR: return LOG_ERR;
    case NT_LOG_WARN: return LOG_WARNING;
    case NT_LOG_INFO: return LOG_INFO;
    case NT_LOG_DEBUG: return LOG_DEBUG;
    }
    return LOG_INFO;
}

/* One line per message; stderr is unbuffered, so lines from a crash are
 * not lost. */
static void to_stderr(void *ctx, nt_log_level level, const char *module, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "nautilus-agent: %s: %s: %s\n", level_name(level), module, msg);
}

static void to_syslog(void *ctx, nt_log_level level, const char *module, const char *msg)
{
    (void)ctx;
    syslog(syslog_priority(level), "%s: %s", module, msg);
}

void nt_agent_log_setup(const nt_conf *c)
{
    static int opened;
    nt_log_set_level(c->log_level);
    if (c->log_target == NT_CONF_LOG_SYSLOG) {
        if (!opened)
            openlog("nautilus-agent", LOG_PID, LOG_DAEMON);
        opened = 1;
        nt_log_set_sink(to_syslog, NULL);
    } else {
        nt_log_set_sink(to_stderr, NULL);
    }
}
