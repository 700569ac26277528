/* nautilus resolve: addresses of a .local host (RFC 6762 §5), one instance
 * of a type, or the best instance of a type by RFC 2782 priority and the
 * learned ranking. This file reads the options; a running agent answers
 * (ctl_client.h), or agent/run/resolve_run.c resolves in-process. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "nautilus/log.h"
#include "resolve_run.h"
#include "stats_out.h"

static const char usage_text[] =
    "usage: nautilus resolve HOST.local [-4|-6] [--timeout SEC] [--json] [-i IF]\n"
    "       nautilus resolve --instance NAME --type TYPE [--timeout SEC] [--json]\n"
    "       nautilus resolve --best TYPE [--timeout SEC] [--json] [-i IF]\n"
    "                 [--probe] [--state DIR] [--seed N]\n"
    "       (both also [--trust FILE] [--tofu FILE] [--require LEVEL] [--stats]\n"
    "        [--rpc URL --registry ADDR [--chain-max-age SEC]])\n"
    "\n"
    "The first form prints the addresses of HOST (one per line) and exits 1 if\n"
    "none arrived before the timeout (default 5 s).\n"
    "\n"
    "The second prints instance NAME of TYPE: its full name, then its SRV\n"
    "target and port, TXT and addresses; exit 1 if it did not answer in time.\n"
    "Both ask a running agent (nautilus agent) first, which answers from its\n"
    "cache when it can, and work in-process when there is none (or with -i,\n"
    "--trust, --tofu, --rpc or --stats); the output is the same either way.\n"
    "\n"
    "The third browses for TYPE (e.g. _http._tcp) for SEC seconds (default 3),\n"
    "keeps the lowest SRV priority found (RFC 2782) and chooses within it by the\n"
    "learned ranking: Thompson sampling of each instance's expected cost from\n"
    "its evidence (nautilus feedback, connect probes, mDNS answer times, kept in\n"
    "the state directory), the SRV weight as the prior. Prints the chosen\n"
    "instance name; --json prints the chosen one and the rest in order, each\n"
    "with its score. Exit 1 if none was found.\n"
    "\n"
    "  -4, -6         only IPv4 (A) or only IPv6 (AAAA) addresses\n"
    "  -i IF          use interface IF (repeatable; default: every multicast one)\n"
    "  --trust FILE   pinned keys, as for browse ('<host name> <key digest hex>')\n"
    "  --tofu FILE    trust on first use, as for browse\n"
    "  --require LEVEL  consider only answers at LEVEL or above: unsigned,\n"
    "                 self-signed, trusted, anchored, zk-verified\n"
    "  --rpc URL --registry ADDR  trust from the chain, as for browse: a key the\n"
    "                 Registry binds to the signer's host name is trusted (an\n"
    "                 answer below --require is taken once the chain says so,\n"
    "                 before the timeout); another key for it is refused; a\n"
    "                 node that fails changes nothing (one line on stderr)\n"
    "  --chain-max-age SEC  as for browse\n"
    "  --probe        --best: TCP connect to each instance first (evidence)\n"
    "  --state DIR    --best: state directory of the ranking (default as keygen)\n"
    "  --seed N       --best: seed of the ranking's draws (default random)\n"
    "  -v             log what happens on the network (debug)\n"
    NT_CTLC_HELP
    NT_STATS_OUT_HELP;

/* An option with a value (argv[*i] is it, and there is a next one):
 * --instance, --type, --state, --seed, -i, --timeout. */
static int value_option(char **argv, int *i, nt_resolve_opts *o)
{
    const char *a = argv[*i], *v = argv[++*i];
    long seed;
    if (strcmp(a, "--instance") == 0) {
        o->instance = v;
    } else if (strcmp(a, "--type") == 0) {
        o->target = v;
    } else if (strcmp(a, "--state") == 0) {
        o->bo.state_dir = v;
    } else if (strcmp(a, "--seed") == 0) {
        if (nt_cli_parse_long(v, 0, 2147483647L, &seed) != NT_OK)
            return nt_cli_usage_error("resolve: --seed wants a number, not '%s'", v);
        o->bo.have_seed = true;
        o->bo.seed = (uint64_t)seed;
    } else if (strcmp(a, "-i") == 0) {
        if (o->rc.n_ifnames == NT_RUNNER_IFACES_MAX)
            return nt_cli_usage_error("resolve: at most %d interfaces", NT_RUNNER_IFACES_MAX);
        o->rc.ifnames[o->rc.n_ifnames++] = v;
    } else if (nt_cli_parse_long(v, 0, 86400L, &o->timeout) != NT_OK) {
        return nt_cli_usage_error("resolve: --timeout wants seconds, not '%s'", v);
    }
    return NT_EXIT_OK;
}

/* A flag without a value; false if a is none. */
static bool flag_option(const char *a, nt_resolve_opts *o)
{
    if (strcmp(a, "--json") == 0)
        o->json = true;
    else if (strcmp(a, "--best") == 0)
        o->best = true;
    else if (strcmp(a, "--stats") == 0)
        o->stats = true;
    else if (strcmp(a, "--probe") == 0)
        o->bo.probe = true;
    else if (strcmp(a, "-4") == 0)
        o->only4 = true;
    else if (strcmp(a, "-6") == 0)
        o->only6 = true;
    else if (strcmp(a, "-v") == 0)
        nt_log_set_level(NT_LOG_DEBUG);
    else
        return false;
    return true;
}

static int parse_args(int argc, char **argv, nt_resolve_opts *o, nt_ctlc_opts *co, bool *help)
{
    int i, code = NT_EXIT_OK;
    for (i = 1; i < argc && code == NT_EXIT_OK; i++) {
        const char *a = argv[i];
        bool short_value = strcmp(a, "-i") == 0 || strcmp(a, "--timeout") == 0;
        if (nt_cli_is_help(a)) {
            *help = true;
            return NT_EXIT_OK;
        } else if (flag_option(a, o)) {
            continue;
        } else if (nt_ctlc_option("resolve", argc, argv, &i, co, &code) ||
                   nt_cli_trust_option("resolve", argc, argv, &i, &o->topts, &code)) {
            continue;
        } else if ((strcmp(a, "--instance") == 0 || strcmp(a, "--type") == 0 ||
                    strcmp(a, "--state") == 0 || strcmp(a, "--seed") == 0 || short_value) &&
                   i + 1 < argc) {
            code = value_option(argv, &i, o);
        } else if (short_value) {
            return nt_cli_usage_error("resolve: %s needs a value", a);
        } else if (a[0] == '-' && a[1] != 0) {
            return nt_cli_usage_error("resolve: unknown option '%s' (try --help)", a);
        } else if (!o->target) {
            o->target = a;
        } else {
            return nt_cli_usage_error("resolve: unexpected argument '%s'", a);
        }
    }
    return code;
}

int nt_cmd_resolve(int argc, char **argv)
{
    nt_resolve_opts o;
    nt_ctlc_opts co = {NULL, false, true}; /* addresses on our LAN: lan */
    bool help = false;
    int code;

    nt_resolve_opts_init(&o);
    if ((code = parse_args(argc, argv, &o, &co, &help)) != NT_EXIT_OK || help) {
        if (help)
            fputs(usage_text, stdout);
        return code;
    }
    if ((code = nt_resolve_opts_check(&o)) != NT_EXIT_OK)
        return code;
    if ((code = nt_resolve_ask_agent(&co, &o)) != NT_CTLC_IN_PROCESS)
        return code;
    return nt_resolve_run(&o);
}
