/* nautilus browse: list instances of a DNS-SD service type as they come and
 * go (RFC 6763 §4), optionally resolved; human lines like avahi-browse, or
 * the JSON of DESIGN §9, one object per line. This file reads the options;
 * the browse itself is agent/run/browse_run.c. */
#include <stdio.h>
#include <string.h>

#include "browse_ctl.h"
#include "browse_run.h"
#include "bus_glue.h"
#include "cmds.h"
#include "nautilus/log.h"
#include "stats_out.h"

static const char usage_text[] =
    "usage: nautilus browse TYPE [-i IF] [--resolve] [--json] [--timeout SEC]\n"
    "                       [--trust FILE] [--tofu FILE] [--require LEVEL]\n"
    "                       [--zk-vk FILE ...] [--rpc URL --registry ADDR\n"
    "                       [--chain-max-age SEC]] [--stats] [--state DIR]\n"
    "\n"
    "Browses for services of TYPE (e.g. _ipp._tcp, or _printer._sub._ipp._tcp)\n"
    "and prints each instance as it appears (+), is resolved (=), changes (=)\n"
    "or goes away (-).\n"
    "\n"
    "  -i IF          use interface IF (repeatable; default: every multicast one)\n"
    "  --resolve, -r  also resolve host, port, addresses and TXT of each instance;\n"
    "                 each '=' block ends with its trust, e.g.\n"
    "                 'trust = [self-signed (tofu, first seen)]'\n"
    "  --json         one JSON object per line (event, name, host, port, ...,\n"
    "                 trust, key, reason), plus \"pin\": how the key is pinned,\n"
    "                 \"operator\", \"tofu\" or null (no key, or not pinned),\n"
    "                 \"first_seen\":true when a TOFU key was learned by this\n"
    "                 run, and \"count\" on rejected events (see below)\n"
    "  --timeout SEC  stop after SEC seconds: exit 0 if something was found,\n"
    "                 1 if not (default: run until interrupted)\n"
    "  --trust FILE   pinned keys, one '<host name> <key digest hex>' per line\n"
    "                 ('#' starts a comment; digests as 'nautilus keygen' prints);\n"
    "                 a malformed line is an error (exit 2)\n"
    "  --tofu FILE    trust on first use: remember the first key seen for a host\n"
    "                 name and append it to FILE (created if missing); keys in\n"
    "                 FILE from earlier runs are remembered again. A remembered\n"
    "                 key is defended like a pin (unsigned or other-key records\n"
    "                 for its names are rejected) but first use is not trust:\n"
    "                 its instances are self-signed (pin tofu), never trusted.\n"
    "                 A malformed line in FILE is skipped with a warning on\n"
    "                 stderr; an unreadable FILE is an error (exit 2)\n"
    "  --require LEVEL  hide instances below LEVEL: unsigned, self-signed,\n"
    "                 trusted, anchored, zk-verified (rejected records are always\n"
    "                 reported; --require trusted hides instances known only by\n"
    "                 --tofu)\n"
    "  --rpc URL --registry ADDR  read trust from the chain (DESIGN 1.5): a key\n"
    "                 the Registry at ADDR binds to the signer's host name is\n"
    "                 trusted with no local pin (\"pin\":\"chain\", and\n"
    "                 \"chain_block\": the block it was read at); another key for\n"
    "                 that name is rejected (wrong-key); a trusted instance whose\n"
    "                 anchor= leads to the checkpoint root on chain is anchored\n"
    "                 (\"anchor\":{\"index\":I,\"size\":N}), one that does not is\n"
    "                 rejected (anchor-mismatch). Reads run beside the receive\n"
    "                 loop; a node that fails leaves levels where local evidence\n"
    "                 puts them (one line on stderr)\n"
    "  --chain-max-age SEC  read a binding again once older (default 300)\n"
    "  --zk-vk FILE   accept selective-disclosure proofs under this snarkjs\n"
    "                 verification_key.json (repeatable, up to 8): a trusted\n"
    "                 instance whose proof verifies and is bound to its key is\n"
    "                 zk-verified, with its disclosed attributes and claim\n"
    "  -4, -6         IPv4 only, IPv6 only\n"
    "  --state DIR    --json: the learned ranking's state directory (default as\n"
    "                 keygen): each instance gets \"score\" (expected cost_ms,\n"
    "                 success, latency_ms, evidence, samples; weight prior full)\n"
    "  -v             log what happens on the network (debug)\n";

/* After the options and --stats (one string would pass C99's 4095). */
static const char usage_notes[] =
    "\n"
    "Every record heard is checked: signed records get the trust level of\n"
    "their key (self-signed, or trusted when pinned by --trust); forged,\n"
    "expired, replayed or unsigned records for a pinned name are rejected (!)\n"
    "with a reason and never replace what is known. A bad proof is rejected\n"
    "with zk-invalid, zk-binding (lifted from another key), zk-unknown-vk or\n"
    "zk-malformed, and the instance keeps its lower level.\n"
    "\n"
    "Rejections are grouped by name and reason so that a hostile network\n"
    "cannot flood the output: the first is shown at once, then at most one\n"
    "line per name and reason every 10 s, standing for all the rejections\n"
    "since the last one (\"count\":N in JSON, '(repeated N times)' in text).\n"
    "Counts still pending are shown when browse stops.\n";

/* "_x._tcp" or "_sub._sub._x._tcp" (RFC 6763 §7.1). */
static bool browse_type_ok(const char *t)
{
    const char *p = strstr(t, "._sub.");
    size_t n;
    if (p)
        t = p + 6;
    p = strchr(t, '.');
    if (t[0] != '_' || !p)
        return false;
    n = (size_t)(p - t) - 1;
    return n >= 1 && n <= 15 && (strcmp(p, "._tcp") == 0 || strcmp(p, "._udp") == 0);
}

/* Takes one option that has a value (argv[*i] is it): -i, --timeout, --zk-vk. */
static int value_option(int argc, char **argv, int *i, nt_browse_opts *a)
{
    const char *o = argv[*i];
    if (*i + 1 >= argc)
        return nt_cli_usage_error("browse: %s needs a value", o);
    ++*i;
    if (strcmp(o, "--zk-vk") == 0) {
        if (a->n_vk == NT_BROWSE_VK_FILES_MAX)
            return nt_cli_usage_error("browse: at most %d --zk-vk files", NT_BROWSE_VK_FILES_MAX);
        a->vk_files[a->n_vk++] = argv[*i];
    } else if (strcmp(o, "-i") == 0) {
        if (a->rc.n_ifnames == NT_RUNNER_IFACES_MAX)
            return nt_cli_usage_error("browse: at most %d interfaces", NT_RUNNER_IFACES_MAX);
        a->rc.ifnames[a->rc.n_ifnames++] = argv[*i];
    } else if (nt_cli_parse_long(argv[*i], 0, 86400L * 365, &a->timeout) != NT_OK) {
        return nt_cli_usage_error("browse: --timeout wants seconds, not '%s'", argv[*i]);
    }
    return NT_EXIT_OK;
}

/* Accepts "_ipp._tcp.local" as avahi-browse users type it. */
static const char *type_trim(const char *type)
{
    size_t n = strlen(type);
    static char trimmed[NT_MDNS_NAME_MAX];
    if (n > 6 && strcmp(type + n - 6, ".local") == 0 && n - 6 < sizeof trimmed) {
        memcpy(trimmed, type, n - 6);
        trimmed[n - 6] = 0;
        return trimmed;
    }
    return type;
}

static int parse_args(int argc, char **argv, nt_browse_opts *a, bool *help)
{
    int i, code = NT_EXIT_OK;
    for (i = 1; i < argc && code == NT_EXIT_OK; i++) {
        const char *o = argv[i];
        if (nt_cli_is_help(o)) {
            *help = true;
            return NT_EXIT_OK;
        } else if (strcmp(o, "--json") == 0) {
            a->json = true;
        } else if (strcmp(o, "--resolve") == 0 || strcmp(o, "-r") == 0) {
            a->resolve = true;
        } else if (strcmp(o, "--stats") == 0) {
            a->stats = true;
        } else if (strcmp(o, "--state") == 0 && i + 1 < argc) {
            /* one state directory: the ranking's evidence, the bus's key */
            a->rank_dir = a->bus.state = argv[++i];
        } else if (strcmp(o, "-v") == 0) {
            nt_log_set_level(NT_LOG_DEBUG);
        } else if (strcmp(o, "-4") == 0) {
            a->rc.no_ipv6 = true;
        } else if (strcmp(o, "-6") == 0) {
            a->rc.no_ipv4 = true;
        } else if (nt_cli_trust_option("browse", argc, argv, &i, &a->topts, &code)) {
            continue;
        } else if (nt_bus_glue_option("browse", argc, argv, &i, &a->bus, &code)) {
            continue;
        } else if (strcmp(o, "--zk-vk") == 0 || strcmp(o, "-i") == 0 ||
                   strcmp(o, "--timeout") == 0) {
            code = value_option(argc, argv, &i, a);
        } else if (o[0] == '-' && o[1] != 0) {
            return nt_cli_usage_error("browse: unknown option '%s' (try --help)", o);
        } else if (!a->type) {
            a->type = o;
        } else {
            return nt_cli_usage_error("browse: unexpected argument '%s'", o);
        }
    }
    if (code != NT_EXIT_OK)
        return code;
    if (!a->type)
        return nt_cli_usage_error("browse: need a service TYPE, e.g. _http._tcp (try --help)");
    a->type = type_trim(a->type);
    if (!browse_type_ok(a->type))
        return nt_cli_usage_error("browse: bad service type '%s' (want e.g. _http._tcp)",
                                  a->type);
    if (a->rc.no_ipv4 && a->rc.no_ipv6)
        return nt_cli_usage_error("browse: -4 and -6 exclude each other");
    return NT_EXIT_OK;
}

/* Each event's lines, as they come. */
static void print_text(void *ctx, const char *text, size_t len)
{
    (void)ctx;
    fwrite(text, 1, len, stdout);
    fflush(stdout);
}

int nt_cmd_browse(int argc, char **argv)
{
    nt_browse_opts o;
    bool help = false;
    int code;

    /* A running agent browses for us when it can (agent/run/browse_ctl.c). */
    if ((code = nt_browse_via_agent(&argc, argv)) != NT_CTLC_IN_PROCESS)
        return code;
    nt_browse_opts_init(&o);
    if ((code = parse_args(argc, argv, &o, &help)) != NT_EXIT_OK || help) {
        if (help) {
            fputs(usage_text, stdout);
            fputs(NT_STATS_OUT_HELP, stdout);
            fputs(NT_BUS_GLUE_HELP, stdout);
            fputs(NT_CTLC_HELP, stdout); /* taken by nt_browse_via_agent */
            fputs(usage_notes, stdout);
        }
        return code;
    }
    o.emit = print_text;
    return nt_browse_run(&o);
}
