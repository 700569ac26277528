/* nautilus agent: the daemon (DESIGN §8.1). This file reads the options;
 * agent_*.c do the rest (agent.h). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "cmds.h"

static const char usage_text[] =
    "usage: nautilus agent [--config FILE] [-i IF]... [--state DIR] [--browse TYPE]...\n"
    "                      [--trust FILE] [--tofu FILE] [--require LEVEL]\n"
    "                      [--bus-endpoint URL] [--snapshot-endpoint URL]\n"
    "                      [--rpc URL] [--registry ADDR] [--services-dir DIR]\n"
    "                      [--user USER] [--host NAME] [--log-level LEVEL]\n"
    "                      [--log-target stderr|syslog] [--control PATH] [--check-config]\n"
    "\n"
    "Runs the Nautilus agent: publishes the configured services (signed), browses,\n"
    "and judges what it hears, until SIGTERM (goodbyes, exit 0). SIGHUP reloads the\n"
    "configuration; a bad one is logged and the old one kept. Every flag overrides\n"
    "the file (nautilus.conf(5)); the agent also runs with no file at all.\n"
    "\n"
    "  --config FILE        the configuration file (INI)\n"
    "  -i IF                interface (repeatable; default: every multicast one)\n"
    "  --state DIR          keys (created on first start)\n"
    "  --browse TYPE        browse TYPE (repeatable; default: every type found\n"
    "                       through _services._dns-sd._udp)\n"
    "  --services-dir DIR   also publish the Avahi *.service files of DIR\n"
    "  --trust FILE, --tofu FILE, --require LEVEL   trust policy (nautilus(1))\n"
    "  --bus-endpoint URL, --snapshot-endpoint URL  event bus endpoints\n"
    "  --rpc URL, --registry ADDR                   chain node and registry\n"
    "  --user USER          drop root to USER after binding the sockets\n"
    "  --control PATH       the control socket (default /run/nautilus/control as\n"
    "                       root, else $XDG_RUNTIME_DIR/nautilus/control)\n"
    "  --check-config       check the configuration and exit: 0 good, 2 bad\n"
    "                       (one line FILE:LINE: message)\n"
    "\n"
    "See nautilus-agent(8).\n";

typedef struct opt_def {
    const char *flag;
    size_t off; /* const char * in nt_agent_opts */
} opt_def;

#define O(f) offsetof(nt_agent_opts, f)
static const opt_def single[] = {
    {"--config", O(config)},           {"--state", O(state)},
    {"--trust", O(trust)},             {"--tofu", O(tofu)},
    {"--require", O(require)},         {"--bus-endpoint", O(bus)},
    {"--snapshot-endpoint", O(snapshot)}, {"--rpc", O(rpc)},
    {"--registry", O(registry)},       {"--services-dir", O(services_dir)},
    {"--user", O(user)},               {"--host", O(host)},
    {"--log-level", O(log_level)},     {"--log-target", O(log_target)},
    {"--control", O(control)},
};

/* A repeatable flag: appends to list (at most max). */
static int add_repeat(const char **list, size_t *n, size_t max, const char *flag, const char *v)
{
    if (*n == max)
        return nt_cli_usage_error("agent: at most %zu %s", max, flag);
    list[(*n)++] = v;
    return NT_EXIT_OK;
}

static int parse_opts(nt_agent_opts *o, int argc, char **argv)
{
    int i;
    size_t k;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--check-config") == 0) {
            o->check_config = true;
            continue;
        }
        if (i + 1 >= argc)
            return nt_cli_usage_error("agent: unknown option or missing value: '%s' (try "
                                      "--help)", a);
        if (strcmp(a, "-i") == 0 || strcmp(a, "--browse") == 0) {
            int code = a[1] == 'i'
                           ? add_repeat(o->ifnames, &o->n_ifnames, NT_CONF_IFACES_MAX, a, argv[++i])
                           : add_repeat(o->browse, &o->n_browse, NT_CONF_BROWSE_MAX, a, argv[++i]);
            if (code != NT_EXIT_OK)
                return code;
            continue;
        }
        for (k = 0; k < sizeof single / sizeof single[0]; k++)
            if (strcmp(a, single[k].flag) == 0)
                break;
        if (k == sizeof single / sizeof single[0])
            return nt_cli_usage_error("agent: unknown option '%s' (try --help)", a);
        *(const char **)(void *)((char *)o + single[k].off) = argv[++i];
    }
    return NT_EXIT_OK;
}

int nt_cmd_agent(int argc, char **argv)
{
    nt_agent_opts o;
    nt_conf *c = NULL;
    char why[NT_CONF_PATH_MAX + 256];
    int code;

    if (argc > 1 && nt_cli_is_help(argv[1])) {
        fputs(usage_text, stdout);
        return NT_EXIT_OK;
    }
    memset(&o, 0, sizeof o);
    if ((code = parse_opts(&o, argc, argv)) != NT_EXIT_OK)
        return code;
    if (!o.check_config)
        return nt_agent_run(&o);
    if (nt_agent_config_build(&c, &o, why, sizeof why) != NT_OK)
        return nt_cli_usage_error("%s", why);
    printf("configuration good: %zu services\n", c->n_services);
    nt_conf_destroy(c);
    return NT_EXIT_OK;
}
