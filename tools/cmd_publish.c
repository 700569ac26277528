/* nautilus publish: options, then the agent (publish_ctl.c) or this
 * process (publish_run.c) publishes; both print the same lines. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "nautilus/log.h"
#include "publish_run.h"
#include "svc_args.h"

static const char usage_text[] =
    "usage: nautilus publish [-i IF] [--state DIR] [--sign] [--host NAME] [--no-addresses]\n"
    "                        [--subtype S]\n"
    "                        [--priority N] [--weight N] [--ttl SEC]\n"
    "                        [--proof DIR (--zk-vk FILE | --zk-vk-id ID)]\n"
    "                        [--anchor --rpc URL --registry ADDR [--anchor-every N]\n"
    "                         [--anchor-interval SEC] [--profile P] [--chain-id N]\n"
    "                         [--confirmations N]]\n"
    "                        [--persist] [--control PATH] [--no-agent]\n"
    "                        INSTANCE TYPE PORT [KEY=VALUE ...]\n"
    "       nautilus publish --withdraw [--control PATH] INSTANCE TYPE\n"
    "\n"
    "Publishes the service INSTANCE of TYPE (e.g. _ipp._tcp) on PORT over mDNS and\n"
    "keeps it announced until interrupted (SIGINT/SIGTERM), then sends goodbyes.\n"
    "\n"
    "  -i IF          use interface IF (repeatable; default: every multicast one)\n"
    "  --sign         sign every record (Ed25519 RRSIG + DNSKEY, DESIGN section 2)\n"
    "                 with the key made by 'nautilus keygen'\n"
    "  --state DIR    where the keys are (default $XDG_STATE_HOME/nautilus,\n"
    "                 /var/lib/nautilus for root)\n"
    "  --proof DIR    with --sign: publish DIR/proof.json and DIR/public.json\n"
    "                 ('nautilus zk prove') in the metadata TXT at\n"
    "                 _nautilus.<instance>; the proof must be bound to this\n"
    "                 agent's key (keyBinding), else exit 2\n"
    "  --zk-vk FILE   the verification_key.json the proof is for (its id goes\n"
    "                 into zkvk=, and the proof is checked against it)\n"
    "  --zk-vk-id ID  or just the id: 16 hex digits\n"
    "  --proof-unchecked  FOR TESTS ONLY: publish a proof even if it is bound to\n"
    "                 another key (to show that browsers reject it)\n"
    "  --anchor       with --sign: append each signed version of the service\n"
    "                 (its SRV and TXT sets) to the state directory's Merkle log,\n"
    "                 anchor a checkpoint on chain every N leaves or SEC seconds\n"
    "                 through the outbox (the key must be registered: 'nautilus\n"
    "                 ledger register'), and once it is confirmed publish\n"
    "                 anchor=<log id>:<leaf index>:<tree size>:<audit path> in\n"
    "                 the metadata TXT (DESIGN 4.1)\n"
    "  --rpc URL, --registry ADDR  the node and the Registry's address\n"
    "  --anchor-every N  leaves per checkpoint (default 16)\n"
    "  --anchor-interval SEC  or at most this long after a leaf (default 60)\n"
    "  --profile P, --chain-id N, --confirmations N  as for 'nautilus ledger'\n"
    "                 (chain id default 1)\n"
    "  --anchor-tamper  FOR TESTS ONLY: publish a wrong audit path (to show that\n"
    "                 browsers reject it with anchor-mismatch)\n"
    "  --host NAME    target host, 'printer' or 'printer.local' (default: this host)\n"
    "  --no-addresses leave this host's name and addresses to another responder\n"
    "                 on it (avahi-daemon; its publish-addresses=no): announce\n"
    "                 the service only\n"
    "  --subtype S    also register subtype S, e.g. _printer (repeatable)\n"
    "  --priority N   SRV priority (0..65535, default 0)\n"
    "  --weight N     SRV weight (0..65535, default 0)\n"
    "  --ttl SEC      TTL of every record (default: 120 s SRV, 4500 s others)\n"
    "  -4, -6         IPv4 only, IPv6 only\n"
    "  -v             log what happens on the network (debug)\n"
    "  KEY=VALUE      TXT entries; KEY alone is a boolean attribute\n"
    "\n"
    "Prints one line per state change: probing, published, renamed, withdrawn.\n";

static const char usage_agent[] =
    "\n"
    "When an agent runs ('nautilus agent'), it publishes the service for us:\n"
    "signed with its key (if it signs; --sign is refused by one that does not)\n"
    "under its host name, for as long as this command runs. -i, --host, --state,\n"
    "--no-addresses, -4, -6, --proof and --anchor are honoured in this process\n"
    "only: with them no agent is asked.\n"
    "\n"
    "  --persist      ask the agent to keep the service until withdrawn (across\n"
    "                 reloads and restarts of the agent); returns once announced\n"
    "  --withdraw     ask the agent to withdraw INSTANCE of TYPE (goodbyes)\n"
    NT_CTLC_HELP;

/* Splits "KEY=VALUE" into an entry; the strings stay in argv. */
static bool txt_arg(nt_mdns_txt_entry *e, char *arg)
{
    char *eq = strchr(arg, '=');
    if (!nt_svc_txt_item_ok(arg))
        return false;
    if (eq)
        *eq = 0;
    e->key = arg;
    e->value = eq ? (const uint8_t *)(eq + 1) : NULL;
    e->value_len = eq ? strlen(eq + 1) : 0;
    return true;
}

static int parse_u16(const char *opt, const char *text, uint16_t *out)
{
    long v;
    if (nt_cli_parse_long(text, 0, 65535, &v) != NT_OK)
        return nt_cli_usage_error("publish: %s wants a number 0..65535, not '%s'", opt, text);
    *out = (uint16_t)v;
    return NT_EXIT_OK;
}

static int add_subtype(nt_publish_opts *o, const char *s)
{
    if (o->n_sub == NT_MDNS_SUBTYPES_MAX)
        return nt_cli_usage_error("publish: at most %u subtypes", NT_MDNS_SUBTYPES_MAX);
    /* Stored with its leading underscore ("name" is taken too). */
    if (!nt_svc_subtype_label(o->subtype_buf[o->n_sub], sizeof o->subtype_buf[o->n_sub], s))
        return nt_cli_usage_error("publish: bad subtype '%s'", s);
    o->svc.subtypes[o->n_sub] = o->subtype_buf[o->n_sub];
    o->n_sub++;
    return NT_EXIT_OK;
}

/* An option with a value (argv[i] is there). */
static int value_option(nt_publish_opts *o, const char *a, const char *v)
{
    long ttl;
    if (strcmp(a, "-i") == 0) {
        if (o->rc.n_ifnames == NT_RUNNER_IFACES_MAX)
            return nt_cli_usage_error("publish: at most %d interfaces", NT_RUNNER_IFACES_MAX);
        o->rc.ifnames[o->rc.n_ifnames++] = v;
    } else if (strcmp(a, "--host") == 0) {
        o->rc.host_name = v;
    } else if (strcmp(a, "--state") == 0) {
        o->state = v;
    } else if (strcmp(a, "--proof") == 0) {
        o->proof.dir = v;
    } else if (strcmp(a, "--zk-vk") == 0) {
        o->proof.vk_file = v;
    } else if (strcmp(a, "--zk-vk-id") == 0) {
        o->proof.vk_id_hex = v;
    } else if (strcmp(a, "--subtype") == 0) {
        return add_subtype(o, v);
    } else if (strcmp(a, "--priority") == 0) {
        return parse_u16(a, v, &o->svc.priority);
    } else if (strcmp(a, "--weight") == 0) {
        return parse_u16(a, v, &o->svc.weight);
    } else if (strcmp(a, "--ttl") == 0) {
        if (nt_cli_parse_long(v, 1, 0x7fffffffL, &ttl) != NT_OK)
            return nt_cli_usage_error("publish: --ttl wants seconds > 0, not '%s'", v);
        o->svc.ttl = (uint32_t)ttl;
    } else {
        return nt_cli_usage_error("publish: unknown option '%s' (try --help)", a);
    }
    return NT_EXIT_OK;
}

/* One option at argv[*i]; *help when --help was asked. */
static int option(nt_publish_opts *o, int argc, char **argv, int *i, bool *help)
{
    static const char *const flags[] = {"-v", "-4", "-6", "--sign", "--no-addresses",
                                        "--proof-unchecked", "--persist", "--withdraw"};
    const char *a = argv[*i];
    size_t f;
    int code = NT_EXIT_OK;

    *help = nt_cli_is_help(a);
    for (f = 0; f < sizeof flags / sizeof flags[0] && strcmp(a, flags[f]) != 0; f++)
        ;
    switch (f) {
    case 0: nt_log_set_level(NT_LOG_DEBUG); return NT_EXIT_OK;
    case 1: o->rc.no_ipv6 = true; return NT_EXIT_OK;
    case 2: o->rc.no_ipv4 = true; return NT_EXIT_OK;
    case 3: o->sign = true; return NT_EXIT_OK;
    case 4: o->no_addresses = true; return NT_EXIT_OK;
    case 5: o->proof.unchecked = true; return NT_EXIT_OK;
    case 6: o->persist = true; return NT_EXIT_OK;
    case 7: o->withdraw = true; return NT_EXIT_OK;
    default: break;
    }
    if (*help || nt_pub_anchor_option(argc, argv, i, &o->anchor, &code) ||
        nt_ctlc_option("publish", argc, argv, i, &o->ctl, &code))
        return code;
    if (*i + 1 >= argc)
        return nt_cli_usage_error("publish: %s needs a value (or is unknown: try --help)", a);
    ++*i;
    return value_option(o, a, argv[*i]);
}

/* INSTANCE TYPE [PORT [KEY=VALUE ...]]. */
static int positional(nt_publish_opts *o, size_t n, char *a)
{
    if (n == 0)
        o->svc.instance = a;
    else if (n == 1)
        o->svc.type = a;
    else if (n == 2)
        return parse_u16("PORT", a, &o->svc.port);
    else if (o->svc.txt_count == NT_PUBLISH_TXT_MAX)
        return nt_cli_usage_error("publish: at most %d TXT entries", NT_PUBLISH_TXT_MAX);
    else if (!txt_arg(&o->txt[o->svc.txt_count++], a))
        return nt_cli_usage_error("publish: bad TXT entry '%s' (want KEY=VALUE)", a);
    return NT_EXIT_OK;
}

/* The options fit together. */
static int check(const nt_publish_opts *o, size_t n_pos)
{
    const nt_publish_proof_opts *po = &o->proof;
    const char *local = nt_publish_in_process_only(o);
    if (o->withdraw ? n_pos != 2 : n_pos < 3)
        return nt_cli_usage_error(o->withdraw ? "publish: --withdraw takes INSTANCE TYPE"
                                              : "publish: need INSTANCE TYPE PORT (try --help)");
    if (o->svc.instance[0] == 0 || strlen(o->svc.instance) > 63)
        return nt_cli_usage_error("publish: instance name must be 1..63 bytes");
    if (!nt_svc_type_ok(o->svc.type))
        return nt_cli_usage_error("publish: bad service type '%s' (want e.g. _http._tcp)",
                                  o->svc.type);
    if ((o->persist || o->withdraw) && (local || o->ctl.no_agent))
        return nt_cli_usage_error("publish: %s is the agent's, %s is this process's",
                                  o->persist ? "--persist" : "--withdraw",
                                  local ? local : "--no-agent");
    if (o->persist && o->withdraw)
        return nt_cli_usage_error("publish: --persist and --withdraw exclude each other");
    if (o->rc.no_ipv4 && o->rc.no_ipv6)
        return nt_cli_usage_error("publish: -4 and -6 exclude each other");
    if ((po->vk_file || po->vk_id_hex || po->unchecked) && !po->dir)
        return nt_cli_usage_error("publish: --zk-vk, --zk-vk-id and --proof-unchecked go with "
                                  "--proof DIR");
    if (po->dir && !o->sign)
        return nt_cli_usage_error("publish: --proof needs --sign (the proof is bound to the key)");
    if (po->dir && !po->vk_file == !po->vk_id_hex)
        return nt_cli_usage_error("publish: --proof needs one of --zk-vk FILE or --zk-vk-id ID");
    return nt_pub_anchor_check(&o->anchor, o->sign);
}

int nt_cmd_publish(int argc, char **argv)
{
    static nt_publish_opts o; /* large; one publish per process */
    size_t n_pos = 0;
    bool opts_done = false, help = false;
    int i, code = NT_EXIT_OK;

    memset(&o, 0, sizeof o);
    o.svc.domain = "local";
    o.svc.txt = o.txt;
    for (i = 1; i < argc && code == NT_EXIT_OK && !help; i++) {
        const char *a = argv[i];
        if (!opts_done && strcmp(a, "--") == 0)
            opts_done = true;
        else if (!opts_done && a[0] == '-' && a[1] != 0)
            code = option(&o, argc, argv, &i, &help);
        else
            code = positional(&o, n_pos++, argv[i]);
    }
    if (help) {
        fputs(usage_text, stdout);
        fputs(usage_agent, stdout);
        return NT_EXIT_OK;
    }
    if (code != NT_EXIT_OK || (code = check(&o, n_pos)) != NT_EXIT_OK)
        return code;
    if (!nt_publish_in_process_only(&o) &&
        (code = nt_publish_via_agent(&o)) != NT_CTLC_IN_PROCESS)
        return code;
    return nt_publish_run(&o);
}
