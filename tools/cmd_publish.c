/* nautilus publish: announce one DNS-SD service until SIGINT/SIGTERM, then
 * say goodbye (RFC 6762 §8, §10.1; RFC 6763). */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "mdns_runner.h"
#include "nautilus/codec.h"
#include "nautilus/crypto.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "nautilus/trust_mdns.h"
#include "nautilus/trust_meta.h"
#include "nautilus/zk.h"
#include "publish_anchor.h"

#define TXT_ARGS_MAX 64

static const char usage_text[] =
    "usage: nautilus publish [-i IF] [--state DIR] [--sign] [--host NAME] [--no-addresses]\n"
    "                        [--subtype S]\n"
    "                        [--priority N] [--weight N] [--ttl SEC]\n"
    "                        [--proof DIR (--zk-vk FILE | --zk-vk-id ID)]\n"
    "                        [--anchor --rpc URL --registry ADDR [--anchor-every N]\n"
    "                         [--anchor-interval SEC] [--profile P] [--chain-id N]\n"
    "                         [--confirmations N]]\n"
    "                        INSTANCE TYPE PORT [KEY=VALUE ...]\n"
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

typedef struct publish_state {
    nt_pub_anchor *anchor; /* --anchor */
    nt_trust_hooks *hooks; /* --sign */
    nt_trust_signer *signer; /* --sign: follows a host rename */
    const char *type;      /* service type, for the names we claim */
    int exit_code;
    bool withdrawn;
    bool no_addresses;     /* --no-addresses */
    char instance[NT_MDNS_LABEL_MAX * 4];
    char where[NT_RUNNER_IFACES_MAX * (NT_NET_IFNAME_MAX + 2) + 64];
} publish_state;

/* "lan0" for one interface; "lan0, wlan0" for a service published on every
 * interface (the engine reports those with ifindex 0). */
static const char *where(publish_state *ps, nt_runner *r, uint32_t ifindex)
{
    const nt_net_iface_set *set = nt_runner_ifaces(r);
    size_t i, len = 0;
    if (ifindex != 0)
        return nt_runner_ifname(r, ifindex);
    ps->where[0] = 0;
    for (i = 0; i < set->n; i++) {
        int n = snprintf(ps->where + len, sizeof ps->where - len, "%s%s", i ? ", " : "",
                         set->ifs[i].name);
        if (n < 0 || (size_t)n >= sizeof ps->where - len)
            break;
        len += (size_t)n;
    }
    return ps->where;
}

/* --sign: the instance name is ours, so a record for it not signed by our
 * key is a spoof to defend against, not a conflict to yield to (after our
 * probing won; during probing any answer still wins, RFC 6762 §8.1). */
static void claim_instance(publish_state *ps, const char *instance)
{
    nt_dns_name parent, full;
    char text[NT_MDNS_NAME_MAX + 8];
    if (!ps->hooks)
        return;
    snprintf(text, sizeof text, "%s.local", ps->type);
    if (nt_dns_name_from_str(&parent, text) != NT_OK ||
        nt_dns_name_prepend(&full, (const uint8_t *)instance, strlen(instance), &parent) != NT_OK ||
        nt_trust_hooks_claim(ps->hooks, &full) != NT_OK)
        NT_LOGW("publish", "cannot claim \"%s\" for its signature", instance);
}

/* --sign, after a host-name conflict: the records now live at the new host
 * name, so the signatures name it as signer and the DNSKEY rides there; the
 * key's identity (its DNSKEY digest covers the owner name) changes too. */
static void resign_as(publish_state *ps, const char *host_text)
{
    nt_dns_name host;
    char hex[65];
    if (!ps->hooks)
        return;
    if (nt_dns_name_from_str(&host, host_text) != NT_OK) {
        NT_LOGW("publish", "cannot sign as renamed host \"%s\"", host_text);
        return;
    }
    nt_trust_signer_rename(ps->signer, &host);
    if (nt_trust_hooks_signer_renamed(ps->hooks) != NT_OK)
        NT_LOGW("publish", "cannot renew claims for renamed host \"%s\"", host_text);
    if (nt_hex_encode(hex, sizeof hex, ps->signer->key_digest, 32) == NT_OK)
        printf("signing as %s key %s\n", host_text, hex);
}

static void on_event(void *ctx, nt_runner *r, const nt_mdns_event *ev)
{
    publish_state *ps = ctx;
    const char *ifname = where(ps, r, ev->ifindex);

    switch (ev->kind) {
    case NT_MDNS_EV_PUBLISH_PROBING:
        printf("probing \"%s\" on %s\n", ev->instance, ifname);
        break;
    case NT_MDNS_EV_PUBLISH_ESTABLISHED:
        claim_instance(ps, ev->instance);
        printf("published \"%s\" on %s\n", ev->instance, ifname);
        break;
    case NT_MDNS_EV_PUBLISH_CONFLICT:
        if (ev->instance[0]) {
            snprintf(ps->instance, sizeof ps->instance, "%s", ev->instance);
            printf("renamed to \"%s\" after conflict\n", ev->instance);
        } else {
            printf("host renamed to \"%s\" after conflict\n", ev->host);
            resign_as(ps, ev->host);
        }
        break;
    case NT_MDNS_EV_PUBLISH_WITHDRAWN:
        printf("withdrawn \"%s\"\n", ev->instance[0] ? ev->instance : ps->instance);
        ps->withdrawn = true;
        break;
    case NT_MDNS_EV_PUBLISH_FAILED:
        printf("failed \"%s\": %s\n", ev->instance, ev->reason[0] ? ev->reason : "gave up");
        ps->exit_code = NT_EXIT_NEGATIVE;
        nt_runner_stop(r, true);
        break;
    case NT_MDNS_EV_SERVICE_ADDED:
    case NT_MDNS_EV_SERVICE_UPDATED:
    case NT_MDNS_EV_SERVICE_REMOVED:
    case NT_MDNS_EV_HOST_RESOLVED:
    case NT_MDNS_EV_HOST_REMOVED:
    case NT_MDNS_EV_TYPE_ADDED:
    case NT_MDNS_EV_TYPE_REMOVED:
    case NT_MDNS_EV_REJECTED:
        break;
    }
    fflush(stdout);
}

static void on_timer(void *ctx, nt_runner *r, uint64_t id)
{
    publish_state *ps = ctx;
    (void)r;
    (void)nt_pub_anchor_timer(ps->anchor, id);
}

static void configure(void *ctx, nt_mdns_config *mc)
{
    publish_state *ps = ctx;
    if (ps->hooks)
        nt_trust_hooks_install(ps->hooks, mc);
    if (ps->no_addresses)
        mc->host_records = NT_MDNS_HOST_NEVER;
}

/* --sign: loads the signing key from the state directory (refusing unsafe or
 * damaged key files with one line and exit 2, DESIGN §3) and prepares the
 * hooks that add RRSIG and DNSKEY records to everything we send. */
static int start_signing(nt_trust_signer *signer, nt_trust_hooks **hooks, const char *state,
                         const char *host_text)
{
    char state_buf[4096], digest_hex[65];
    const char *which = NULL;
    nt_identity id;
    nt_dns_name host;
    nt_trust_hooks_config hc;
    nt_status st;

    if (!state) {
        if (nt_state_dir_default(state_buf, sizeof state_buf) != NT_OK)
            return nt_cli_usage_error("publish: no state directory: give --state DIR");
        state = state_buf;
    }
    st = nt_identity_load(&id, state, &which);
    if (st != NT_OK) {
        if (which && which != state)
            return nt_cli_usage_error("publish: cannot use key %s/%s: %s (%s)", state, which,
                                      nt_strerror(st), nt_status_name(st));
        return nt_cli_usage_error("publish: cannot use state directory %s: %s (%s)", state,
                                  nt_strerror(st), nt_status_name(st));
    }
    st = nt_dns_name_from_str(&host, host_text);
    if (st != NT_OK) {
        nt_identity_wipe(&id);
        return nt_cli_usage_error("publish: bad host name '%s': %s", host_text, nt_strerror(st));
    }
    nt_trust_signer_init(signer, &id.sign, &host, 0);
    nt_identity_wipe(&id);
    memset(&hc, 0, sizeof hc);
    hc.signer = signer;
    /* Judge what we hear: records for our own names must carry our key. */
    hc.verify = true;
    st = nt_trust_hooks_create(hooks, &hc);
    if (st != NT_OK) {
        nt_trust_signer_cleanup(signer);
        return nt_cli_fail(NT_EXIT_USAGE, "publish: cannot prepare signing: %s", nt_strerror(st));
    }
    if (nt_hex_encode(digest_hex, sizeof digest_hex, signer->key_digest, 32) == NT_OK)
        printf("signing as %s key %s\n", host_text, digest_hex);
    return NT_EXIT_OK;
}

typedef struct proof_opts {
    const char *dir;
    const char *vk_file;
    const char *vk_id_hex;
    bool unchecked;
} proof_opts;

static nt_status read_text(const char *dir, const char *file, uint8_t **out, size_t *len)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
        return NT_ERR_CAP;
    return nt_cli_read_file(path, NT_ZK_MAX_JSON, out, len);
}

/* --proof: reads the proof, checks it belongs to this agent's key (and to
 * the named key, when the file is given), and writes the metadata TXT
 * RDATA (DESIGN §2, trust_meta.h) into meta[0..NT_TRUST_META_RDATA_MAX). */
static int start_proof(uint8_t *meta, size_t *meta_len, const nt_trust_signer *signer,
                       const proof_opts *po)
{
    uint8_t *proof_text = NULL, *pub_text = NULL, *vk_text = NULL;
    size_t proof_len = 0, pub_len = 0, vk_len = 0, n = 0;
    uint8_t vk_id[NT_TRUST_ZK_VK_ID_LEN];
    nt_zk_proof proof;
    nt_zk_public *pub = NULL;
    nt_zk_vk *vk = NULL;
    nt_trust_zk_claim claim;
    char hex[2 * NT_TRUST_ZK_VK_ID_LEN + 1];
    int code = NT_EXIT_OK;
    nt_status st;

    if ((st = read_text(po->dir, "proof.json", &proof_text, &proof_len)) != NT_OK ||
        (st = read_text(po->dir, "public.json", &pub_text, &pub_len)) != NT_OK) {
        code = nt_cli_usage_error("publish: cannot read %s/proof.json and public.json: %s",
                                  po->dir, nt_strerror(st));
        goto cleanup;
    }
    if ((st = nt_zk_proof_parse_json(&proof, (const char *)proof_text, proof_len)) != NT_OK ||
        (st = nt_zk_public_parse_json(&pub, (const char *)pub_text, pub_len)) != NT_OK) {
        code = nt_cli_usage_error("publish: bad proof in %s: %s", po->dir, nt_strerror(st));
        goto cleanup;
    }
    if (po->vk_file) {
        if ((st = nt_cli_read_file(po->vk_file, NT_ZK_MAX_JSON, &vk_text, &vk_len)) != NT_OK ||
            (st = nt_zk_vk_parse_json(&vk, (const char *)vk_text, vk_len)) != NT_OK) {
            code = nt_cli_usage_error("publish: cannot use verification key %s: %s",
                                      po->vk_file, nt_strerror(st));
            goto cleanup;
        }
        nt_trust_zk_vk_id(vk_id, vk_text, vk_len);
        if (nt_zk_groth16_verify(vk, &proof, pub) != NT_OK) {
            code = nt_cli_usage_error("publish: the proof in %s does not verify under %s",
                                      po->dir, po->vk_file);
            goto cleanup;
        }
    } else if (strlen(po->vk_id_hex) != 2 * NT_TRUST_ZK_VK_ID_LEN ||
               nt_hex_decode(vk_id, sizeof vk_id, &n, po->vk_id_hex, strlen(po->vk_id_hex)) !=
                   NT_OK) {
        code = nt_cli_usage_error("publish: --zk-vk-id wants 16 hex digits, not '%s'",
                                  po->vk_id_hex);
        goto cleanup;
    }
    /* Caught early: browsers would reject a proof bound to another key. */
    st = nt_trust_zk_statement(&claim, pub, signer->key_digest);
    if (st != NT_OK && !(po->unchecked && st == NT_ERR_TRUST_ZK_BINDING)) {
        code = nt_cli_usage_error("publish: the proof in %s %s", po->dir,
                                  st == NT_ERR_TRUST_ZK_BINDING
                                      ? "is bound to another key (keyBinding differs from this "
                                        "agent's key digest)"
                                      : "is not a selective-disclosure statement");
        goto cleanup;
    }
    if ((st = nt_trust_meta_write(meta, NT_TRUST_META_RDATA_MAX, meta_len, vk_id, &proof, pub)) !=
        NT_OK) {
        code = nt_cli_usage_error("publish: cannot encode the proof: %s", nt_strerror(st));
        goto cleanup;
    }
    if (nt_hex_encode(hex, sizeof hex, vk_id, sizeof vk_id) == NT_OK)
        printf("proof zkvk=%s (%zu bytes of metadata)\n", hex, *meta_len);
cleanup:
    nt_free(proof_text);
    nt_free(pub_text);
    nt_free(vk_text);
    nt_zk_public_destroy(pub);
    nt_zk_vk_destroy(vk);
    return code;
}

/* "_name._tcp" or "_name._udp" (RFC 6763 §7): two labels, each starting with
 * '_', service name 1..15 characters (RFC 6335 §5.1). */
static bool type_ok(const char *t)
{
    const char *dot = strchr(t, '.');
    size_t n;
    if (t[0] != '_' || !dot)
        return false;
    n = (size_t)(dot - t) - 1;
    if (n < 1 || n > 15)
        return false;
    return strcmp(dot, "._tcp") == 0 || strcmp(dot, "._udp") == 0;
}

/* Splits "KEY=VALUE" into an entry; the strings stay in argv. */
static bool txt_arg(nt_mdns_txt_entry *e, char *arg)
{
    char *eq = strchr(arg, '=');
    const char *p;
    if (eq)
        *eq = 0;
    /* RFC 6763 §6.4: a key is printable US-ASCII except '=', at least one
     * character. */
    if (arg[0] == 0)
        return false;
    for (p = arg; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            return false;
    e->key = arg;
    e->value = eq ? (const uint8_t *)(eq + 1) : NULL;
    e->value_len = eq ? strlen(eq + 1) : 0;
    /* One character-string holds at most 255 bytes (§6.1). */
    return strlen(arg) + (eq ? 1 + e->value_len : 0) <= 255;
}

static int parse_u16(const char *opt, const char *text, uint16_t *out)
{
    long v;
    if (nt_cli_parse_long(text, 0, 65535, &v) != NT_OK)
        return nt_cli_usage_error("publish: %s wants a number 0..65535, not '%s'", opt, text);
    *out = (uint16_t)v;
    return NT_EXIT_OK;
}

int nt_cmd_publish(int argc, char **argv)
{
    nt_runner_config rc;
    nt_mdns_service_config svc;
    nt_mdns_txt_entry txt[TXT_ARGS_MAX];
    const char *pos[3];
    char subtype_buf[NT_MDNS_SUBTYPES_MAX][NT_MDNS_LABEL_MAX];
    size_t n_pos = 0, n_sub = 0, n_txt = 0;
    publish_state ps;
    nt_runner *r = NULL;
    nt_mdns_service_id id;
    uint16_t port = 0;
    long ttl;
    int i, code;
    bool opts_done = false, sign = false;
    uint8_t meta[NT_TRUST_META_RDATA_MAX];
    size_t meta_len = 0;
    const char *state = NULL;
    nt_status st;
    char why[160];
    nt_trust_signer signer;
    nt_trust_hooks *hooks = NULL;
    proof_opts po;
    nt_pub_anchor_opts ao;
    char state_buf[4096];

    memset(&ao, 0, sizeof ao);
    memset(&po, 0, sizeof po);
    memset(&rc, 0, sizeof rc);
    memset(&svc, 0, sizeof svc);
    memset(&ps, 0, sizeof ps);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_val = i + 1 < argc;
        if (!opts_done && a[0] == '-' && a[1] != 0) {
            if (nt_cli_is_help(a)) {
                fputs(usage_text, stdout);
                return NT_EXIT_OK;
            } else if (strcmp(a, "--") == 0) {
                opts_done = true;
            } else if (strcmp(a, "-v") == 0) {
                nt_log_set_level(NT_LOG_DEBUG);
            } else if (strcmp(a, "-4") == 0) {
                rc.no_ipv6 = true;
            } else if (strcmp(a, "-6") == 0) {
                rc.no_ipv4 = true;
            } else if (strcmp(a, "--sign") == 0) {
                sign = true;
            } else if (strcmp(a, "--no-addresses") == 0) {
                ps.no_addresses = true;
            } else if (strcmp(a, "--proof-unchecked") == 0) {
                po.unchecked = true;
            } else if (nt_pub_anchor_option(argc, argv, &i, &ao, &code)) {
                if (code != NT_EXIT_OK)
                    return code;
            } else if (!has_val && (strcmp(a, "-i") == 0 || strcmp(a, "--host") == 0 ||
                                    strcmp(a, "--state") == 0 ||
                                    strcmp(a, "--subtype") == 0 || strcmp(a, "--priority") == 0 ||
                                    strcmp(a, "--weight") == 0 || strcmp(a, "--ttl") == 0 ||
                                    strcmp(a, "--proof") == 0 || strcmp(a, "--zk-vk") == 0 ||
                                    strcmp(a, "--zk-vk-id") == 0)) {
                return nt_cli_usage_error("publish: %s needs a value", a);
            } else if (strcmp(a, "-i") == 0) {
                if (rc.n_ifnames == NT_RUNNER_IFACES_MAX)
                    return nt_cli_usage_error("publish: at most %d interfaces",
                                              NT_RUNNER_IFACES_MAX);
                rc.ifnames[rc.n_ifnames++] = argv[++i];
            } else if (strcmp(a, "--host") == 0) {
                rc.host_name = argv[++i];
            } else if (strcmp(a, "--state") == 0) {
                state = argv[++i];
            } else if (strcmp(a, "--proof") == 0) {
                po.dir = argv[++i];
            } else if (strcmp(a, "--zk-vk") == 0) {
                po.vk_file = argv[++i];
            } else if (strcmp(a, "--zk-vk-id") == 0) {
                po.vk_id_hex = argv[++i];
            } else if (strcmp(a, "--subtype") == 0) {
                const char *s = argv[++i];
                if (n_sub == NT_MDNS_SUBTYPES_MAX)
                    return nt_cli_usage_error("publish: at most %u subtypes",
                                              NT_MDNS_SUBTYPES_MAX);
                /* RFC 6763 §7.1: subtype labels are "_name"; accept "name" too. */
                if (s[0] == 0 || strlen(s) > 62 || strchr(s, '.'))
                    return nt_cli_usage_error("publish: bad subtype '%s'", s);
                /* Stored with its leading underscore either way. */
                snprintf(subtype_buf[n_sub], sizeof subtype_buf[n_sub], "%s%s",
                         s[0] == '_' ? "" : "_", s);
                svc.subtypes[n_sub] = subtype_buf[n_sub];
                n_sub++;
            } else if (strcmp(a, "--priority") == 0) {
                if ((code = parse_u16(a, argv[++i], &svc.priority)) != NT_EXIT_OK)
                    return code;
            } else if (strcmp(a, "--weight") == 0) {
                if ((code = parse_u16(a, argv[++i], &svc.weight)) != NT_EXIT_OK)
                    return code;
            } else if (strcmp(a, "--ttl") == 0) {
                if (nt_cli_parse_long(argv[++i], 1, 0x7fffffffL, &ttl) != NT_OK)
                    return nt_cli_usage_error("publish: --ttl wants seconds > 0, not '%s'",
                                              argv[i]);
                svc.ttl = (uint32_t)ttl;
            } else {
                return nt_cli_usage_error("publish: unknown option '%s' (try --help)", a);
            }
        } else if (n_pos < 3) {
            pos[n_pos++] = a;
        } else {
            if (n_txt == TXT_ARGS_MAX)
                return nt_cli_usage_error("publish: at most %d TXT entries", TXT_ARGS_MAX);
            if (!txt_arg(&txt[n_txt], argv[i]))
                return nt_cli_usage_error("publish: bad TXT entry '%s' (want KEY=VALUE)", a);
            n_txt++;
        }
    }
    if (n_pos < 3)
        return nt_cli_usage_error("publish: need INSTANCE TYPE PORT (try --help)");
    if (pos[0][0] == 0 || strlen(pos[0]) > 63)
        return nt_cli_usage_error("publish: instance name must be 1..63 bytes");
    if (!type_ok(pos[1]))
        return nt_cli_usage_error("publish: bad service type '%s' (want e.g. _http._tcp)", pos[1]);
    if ((code = parse_u16("PORT", pos[2], &port)) != NT_EXIT_OK)
        return code;
    if (rc.no_ipv4 && rc.no_ipv6)
        return nt_cli_usage_error("publish: -4 and -6 exclude each other");
    if ((po.vk_file || po.vk_id_hex || po.unchecked) && !po.dir)
        return nt_cli_usage_error("publish: --zk-vk, --zk-vk-id and --proof-unchecked go with "
                                  "--proof DIR");
    if (po.dir && !sign)
        return nt_cli_usage_error("publish: --proof needs --sign (the proof is bound to the key)");
    if (po.dir && !po.vk_file == !po.vk_id_hex)
        return nt_cli_usage_error("publish: --proof needs one of --zk-vk FILE or --zk-vk-id ID");
    if ((code = nt_pub_anchor_check(&ao, sign)) != NT_EXIT_OK)
        return code;
    if (ao.on && !state) {
        if (nt_state_dir_default(state_buf, sizeof state_buf) != NT_OK)
            return nt_cli_usage_error("publish: no state directory: give --state DIR");
        state = state_buf;
    }
    if (!ao.every)
        ao.every = NT_PUB_ANCHOR_EVERY_DEFAULT;
    if (!ao.interval_s)
        ao.interval_s = NT_PUB_ANCHOR_INTERVAL_DEFAULT;
    {
        char host[NT_MDNS_NAME_MAX];
        if (nt_runner_host_name(host, sizeof host, rc.host_name) != NT_OK)
            return nt_cli_usage_error("publish: bad --host '%s' (want NAME or NAME.local)",
                                      rc.host_name ? rc.host_name : "");
        if (sign && (code = start_signing(&signer, &hooks, state, host)) != NT_EXIT_OK)
            return code;
        if (po.dir && (code = start_proof(meta, &meta_len, &signer, &po)) != NT_EXIT_OK) {
            nt_trust_hooks_destroy(hooks);
            nt_trust_signer_cleanup(&signer);
            return code;
        }
        /* Without a proof the metadata TXT says just its version (DESIGN
         * §2); it is signed like every other RRset. */
        if (sign && !po.dir) {
            static const uint8_t v1[] = {3, 'v', '=', '1'};
            memcpy(meta, v1, sizeof v1);
            meta_len = sizeof v1;
        }
    }

    svc.instance = pos[0];
    svc.type = pos[1];
    svc.domain = "local";
    svc.port = port;
    svc.txt = txt;
    svc.txt_count = n_txt;
    snprintf(ps.instance, sizeof ps.instance, "%s", pos[0]);
    ps.type = pos[1];
    rc.on_event = on_event;
    rc.ctx = &ps;
    ps.hooks = hooks;
    ps.signer = &signer;
    rc.configure = configure;
    rc.on_timer = on_timer;

    st = nt_runner_create(&r, &rc, why, sizeof why);
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_USAGE, "publish: cannot start mDNS: %s", why);
        goto out;
    }
    /* --host names the SRV target; the engine's own host is the same name,
     * so the A/AAAA records of this machine are published under it. */
    svc.host = NULL;
    st = nt_mdns_service_add(nt_runner_engine(r), &id, &svc, nt_runner_now(r));
    /* The metadata TXT is an RRset of the service's own: answered when
     * asked for, and beside the SRV and TXT in every answer. */
    if (st == NT_OK && meta_len != 0)
        st = nt_mdns_service_set_extra(nt_runner_engine(r), id, NT_TRUST_META_LABEL,
                                       NT_DNS_TYPE_TXT, meta, meta_len, 0, nt_runner_now(r));
    if (st != NT_OK) {
        code = nt_cli_usage_error("publish: cannot publish: %s", nt_strerror(st));
        goto out;
    }
    if (ao.on) {
        nt_pub_anchor_config ac;
        memset(&ac, 0, sizeof ac);
        ac.opts = &ao;
        ac.state = state;
        ac.signer = &signer;
        ac.hooks = hooks;
        ac.runner = r;
        ac.service = id;
        ac.instance = ps.instance;
        ac.type = ps.type;
        ac.meta = meta;
        ac.meta_len = meta_len;
        if ((code = nt_pub_anchor_start(&ps.anchor, &ac)) != NT_EXIT_OK)
            goto out;
    }
    st = nt_runner_run(r);
    /* Goodbyes went out in nt_runner_run (RFC 6762 §10.1). */
    if (st == NT_OK && nt_runner_signalled(r) && !ps.withdrawn)
        printf("withdrawn \"%s\"\n", ps.instance);
    code = st == NT_OK ? ps.exit_code
                       : nt_cli_fail(NT_EXIT_NEGATIVE, "publish: %s", nt_strerror(st));
out:
    nt_pub_anchor_stop(ps.anchor);
    nt_runner_destroy(r);
    if (hooks) {
        nt_trust_hooks_destroy(hooks);
        nt_trust_signer_cleanup(&signer);
    }
    fflush(stdout);
    return code;
}
