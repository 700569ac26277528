/* nautilus browse: list instances of a DNS-SD service type as they come and
 * go (RFC 6763 §4), optionally resolved; human lines like avahi-browse, or
 * the JSON of DESIGN §9, one object per line. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mdns_runner.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "nautilus/codec.h"
#include "nautilus/net.h"
#include "nautilus/trust_mdns.h"
#include "svc_format.h"
#include "trust_cli.h"

enum { TIMER_DEADLINE = 1, TIMER_ZK = 2 };

/* A proof can arrive after the instance was reported (its metadata did not
 * fit in the first message): trusted instances are kept for a while and
 * reported again as zk-verified once their proof verifies. */
#define ZK_PENDING_MAX 256
#define ZK_POLL_MS 250u

static const char usage_text[] =
    "usage: nautilus browse TYPE [-i IF] [--resolve] [--json] [--timeout SEC]\n"
    "                       [--trust FILE] [--tofu FILE] [--require LEVEL]\n"
    "                       [--zk-vk FILE ...]\n"
    "\n"
    "Browses for services of TYPE (e.g. _ipp._tcp, or _printer._sub._ipp._tcp)\n"
    "and prints each instance as it appears (+), is resolved (=), changes (=)\n"
    "or goes away (-).\n"
    "\n"
    "  -i IF          use interface IF (repeatable; default: every multicast one)\n"
    "  --resolve, -r  also resolve host, port, addresses and TXT of each instance\n"
    "  --json         one JSON object per line (event, name, host, port, ...)\n"
    "  --timeout SEC  stop after SEC seconds: exit 0 if something was found,\n"
    "                 1 if not (default: run until interrupted)\n"
    "  --trust FILE   pinned keys, one '<host name> <key digest hex>' per line\n"
    "                 ('#' starts a comment; digests as 'nautilus keygen' prints)\n"
    "  --tofu FILE    trust on first use: pin the first key seen for a host and\n"
    "                 append it to FILE\n"
    "  --require LEVEL  hide instances below LEVEL: unsigned, self-signed,\n"
    "                 trusted, zk-verified (rejected records are always reported)\n"
    "  --zk-vk FILE   accept selective-disclosure proofs under this snarkjs\n"
    "                 verification_key.json (repeatable, up to 8): a trusted\n"
    "                 instance whose proof verifies and is bound to its key is\n"
    "                 zk-verified, with its disclosed attributes and claim\n"
    "  -4, -6         IPv4 only, IPv6 only\n"
    "  -v             log what happens on the network (debug)\n"
    "\n"
    "Every record heard is checked: signed records get the trust level of\n"
    "their key (self-signed, or trusted when pinned); forged, expired,\n"
    "replayed or unsigned records for a pinned name are rejected (!) with a\n"
    "reason and never replace what is known. A bad proof is rejected with\n"
    "zk-invalid, zk-binding (lifted from another key), zk-unknown-vk or\n"
    "zk-malformed, and the instance keeps its lower level.\n";

#define SHOWN_MAX 1024
#define ZK_VK_FILES_MAX 8

typedef struct browse_state {
    bool json;
    bool resolve;
    unsigned found;
    nt_dynbuf line;
    nt_trust_hooks *hooks;
    nt_trust_level require;
    /* Instances printed as added (for --require: report removals only of
     * what was shown). "instance\x1ftype" strings. */
    char *shown[SHOWN_MAX];
    size_t nshown;
    /* --zk-vk: trusted instances not (yet) zk-verified, last event each. */
    bool zk_on;
    uint64_t zk_gen;
    nt_mdns_event *pending[ZK_PENDING_MAX];
    size_t npending;
} browse_state;

static size_t pending_find(const browse_state *bs, const nt_mdns_event *ev)
{
    size_t i;
    for (i = 0; i < bs->npending; i++)
        if (strcmp(bs->pending[i]->instance, ev->instance) == 0 &&
            strcmp(bs->pending[i]->type, ev->type) == 0 &&
            strcmp(bs->pending[i]->domain, ev->domain) == 0)
            return i;
    return SIZE_MAX;
}

static void pending_del(browse_state *bs, size_t at)
{
    nt_free(bs->pending[at]);
    bs->pending[at] = bs->pending[--bs->npending];
}

/* Keeps (a copy of) the newest event of a trusted instance without proof. */
static void pending_keep(browse_state *bs, const nt_mdns_event *ev)
{
    size_t at = pending_find(bs, ev);
    if (at == SIZE_MAX) {
        nt_mdns_event *copy;
        if (bs->npending == ZK_PENDING_MAX || !(copy = nt_malloc(sizeof *copy)))
            return;
        at = bs->npending++;
        bs->pending[at] = copy;
    }
    *bs->pending[at] = *ev;
}

static void install_hooks(void *ctx, nt_mdns_config *mc)
{
    browse_state *bs = ctx;
    nt_trust_hooks_install(bs->hooks, mc);
}

static size_t shown_find(const browse_state *bs, const char *key)
{
    size_t i;
    for (i = 0; i < bs->nshown; i++)
        if (strcmp(bs->shown[i], key) == 0)
            return i;
    return SIZE_MAX;
}

/* Key digest (hex) of whoever signed the instance, if any. */
static bool instance_key(const browse_state *bs, const nt_mdns_event *ev, char hex[65])
{
    nt_dns_name parent, full;
    nt_trust_signer_info info;
    char text[NT_MDNS_NAME_MAX * 2];
    snprintf(text, sizeof text, "%s.%s", ev->type, ev->domain[0] ? ev->domain : "local");
    if (!bs->hooks || nt_dns_name_from_str(&parent, text) != NT_OK ||
        nt_dns_name_prepend(&full, (const uint8_t *)ev->instance, strlen(ev->instance), &parent) !=
            NT_OK ||
        nt_trust_hooks_signer_of(bs->hooks, &full, &info) != NT_OK)
        return false;
    /* A contested name (two unpinned keys) has no key to show. */
    if (info.level == NT_TRUST_UNSIGNED)
        return false;
    return nt_hex_encode(hex, 65, info.key_digest, 32) == NT_OK;
}

/* The instance's verified proof, if it has one and is trusted. */
static bool instance_zk(const browse_state *bs, nt_runner *r, const nt_mdns_event *ev,
                        nt_trust_zk_info *out)
{
    nt_dns_name parent, full;
    char text[NT_MDNS_NAME_MAX * 2];
    if (!bs->hooks || ev->kind == NT_MDNS_EV_REJECTED || ev->kind == NT_MDNS_EV_SERVICE_REMOVED ||
        (nt_trust_level)ev->trust < NT_TRUST_TRUSTED)
        return false;
    snprintf(text, sizeof text, "%s.%s", ev->type, ev->domain[0] ? ev->domain : "local");
    return nt_dns_name_from_str(&parent, text) == NT_OK &&
           nt_dns_name_prepend(&full, (const uint8_t *)ev->instance, strlen(ev->instance),
                               &parent) == NT_OK &&
           nt_trust_hooks_zk_of(bs->hooks, &full, nt_runner_now(r), out) == NT_OK;
}

/* A rejected metadata record (_nautilus.<instance>) is reported under its
 * instance: the engine names it by its first label. */
static void meta_event_fix(nt_mdns_event *ev)
{
    char inst[sizeof ev->instance], type[sizeof ev->type], domain[sizeof ev->domain];
    const char *dot, *dot2;
    int n;
    /* type is "<instance>.<_svc>", domain "<_proto>.<domain>" */
    if (strcmp(ev->instance, NT_TRUST_META_LABEL) != 0 || !(dot = strrchr(ev->type, '.')) ||
        !(dot2 = strchr(ev->domain, '.')) || (size_t)(dot - ev->type) >= sizeof inst)
        return;
    memcpy(inst, ev->type, (size_t)(dot - ev->type));
    inst[dot - ev->type] = 0;
    n = snprintf(type, sizeof type, "%s.%.*s", dot + 1, (int)(dot2 - ev->domain), ev->domain);
    if (n < 0 || (size_t)n >= sizeof type)
        return;
    snprintf(domain, sizeof domain, "%s", dot2 + 1);
    memcpy(ev->instance, inst, sizeof inst);
    memcpy(ev->type, type, sizeof type);
    memcpy(ev->domain, domain, sizeof domain);
}

/* ,"disclosed":{"a0":1990,...},"claims":[{"attr":1,"gte":250}] */
static nt_status zk_json(nt_dynbuf *d, const nt_trust_zk_info *zi)
{
    unsigned i;
    bool first = true;
    nt_status st = nt_dynbuf_add_str(d, ",\"disclosed\":{");
    for (i = 0; st == NT_OK && i < NT_TRUST_ZK_ATTRS; i++) {
        if (!(zi->claim.mask & (1u << i)))
            continue;
        st = nt_dynbuf_addf(d, "%s\"a%u\":%llu", first ? "" : ",", i,
                            (unsigned long long)zi->claim.disclosed[i]);
        first = false;
    }
    if (st == NT_OK)
        st = nt_dynbuf_addf(d, "},\"claims\":[{\"attr\":%u,\"gte\":%llu}]", zi->claim.idx,
                            (unsigned long long)zi->claim.threshold);
    return st;
}

/* "   zk-verified: a0=1990 a3=0; a1 >= 250" */
static nt_status zk_human(nt_dynbuf *d, const nt_trust_zk_info *zi)
{
    unsigned i;
    nt_status st = nt_dynbuf_add_str(d, "   zk-verified:");
    for (i = 0; st == NT_OK && i < NT_TRUST_ZK_ATTRS; i++)
        if (zi->claim.mask & (1u << i))
            st = nt_dynbuf_addf(d, " a%u=%llu", i, (unsigned long long)zi->claim.disclosed[i]);
    if (st == NT_OK)
        st = nt_dynbuf_addf(d, "; a%u >= %llu\n", zi->claim.idx,
                            (unsigned long long)zi->claim.threshold);
    return st;
}

/* --require: decides whether an event is shown, keeping the set of shown
 * instances so that an instance is reported removed only if it was shown. */
static bool policy_allows(browse_state *bs, const nt_mdns_event *ev)
{
    char key[NT_MDNS_LABEL_MAX * 4 + NT_MDNS_NAME_MAX + 2];
    size_t at;
    snprintf(key, sizeof key, "%s\x1f%s", ev->instance, ev->type);
    at = shown_find(bs, key);
    if (ev->kind == NT_MDNS_EV_REJECTED)
        return true;
    if (ev->kind == NT_MDNS_EV_SERVICE_REMOVED) {
        if (at == SIZE_MAX)
            return false;
        nt_free(bs->shown[at]);
        bs->shown[at] = bs->shown[--bs->nshown];
        return true;
    }
    if ((nt_trust_level)ev->trust < bs->require)
        return false;
    if (at == SIZE_MAX && bs->nshown < SHOWN_MAX) {
        char *copy = nt_strdup(key);
        if (copy)
            bs->shown[bs->nshown++] = copy;
    }
    return true;
}

static const char *family_label(const nt_runner *r, const nt_mdns_event *ev)
{
    size_t i;
    const nt_net_iface *ifc;
    for (i = 0; i < ev->addr_count && i < NT_MDNS_EVENT_ADDRS_MAX; i++)
        if (ev->addrs[i].family == NT_MDNS_INET4)
            return "IPv4";
    if (ev->addr_count > 0)
        return "IPv6";
    ifc = nt_net_iface_find(nt_runner_ifaces(r), ev->ifindex);
    return (ifc && !nt_net_iface_first_addr(ifc, NT_NET_IPV4, false)) ? "IPv6" : "IPv4";
}

/* "+ lan0 IPv4 Printer _ipp._tcp local" and, when resolved, one "=" line per
 * address with hostname, address, port and txt, as avahi-browse -r does. */
static nt_status human_lines(browse_state *bs, nt_runner *r, char mark, const nt_mdns_event *ev)
{
    nt_dynbuf *d = &bs->line;
    const char *ifname = nt_runner_ifname(r, ev->ifindex);
    const char *domain = ev->domain[0] ? ev->domain : "local";
    size_t i, n;
    nt_status st;

    if (mark != '=')
        return nt_dynbuf_addf(d, "%c %s %s %s %s %s%s%s\n", mark, ifname, family_label(r, ev),
                              ev->instance, ev->type, domain, ev->reason[0] ? " " : "",
                              ev->reason);
    n = ev->addr_count < NT_MDNS_EVENT_ADDRS_MAX ? ev->addr_count : NT_MDNS_EVENT_ADDRS_MAX;
    st = NT_OK;
    for (i = 0; st == NT_OK && i < (n ? n : 1); i++) {
        const char *fam = n ? (ev->addrs[i].family == NT_MDNS_INET4 ? "IPv4" : "IPv6")
                            : family_label(r, ev);
        st = nt_dynbuf_addf(d, "= %s %s %s %s %s\n   hostname = [%s]\n   address = [", ifname,
                            fam, ev->instance, ev->type, domain, ev->host);
        if (st == NT_OK && n)
            st = nt_svc_addr(d, &ev->addrs[i]);
        if (st == NT_OK)
            st = nt_dynbuf_addf(d, "]\n   port = [%u]\n   txt = ", (unsigned)ev->port);
        if (st == NT_OK)
            st = nt_svc_txt_text(d, ev->have_txt ? ev->txt : NULL, ev->have_txt ? ev->txt_len : 0);
        if (st == NT_OK)
            st = nt_dynbuf_add_u8(d, '\n');
    }
    return st;
}

static void on_event(void *ctx, nt_runner *r, const nt_mdns_event *raw)
{
    browse_state *bs = ctx;
    const char *kind;
    char mark;
    nt_status st = NT_OK;
    static nt_mdns_event fixed; /* large: not on the stack */
    const nt_mdns_event *ev = raw;
    nt_trust_zk_info zi;
    bool zk = false;

    switch (ev->kind) {
    case NT_MDNS_EV_SERVICE_ADDED:
        kind = "added";
        mark = '+';
        break;
    case NT_MDNS_EV_SERVICE_UPDATED:
        kind = "updated";
        mark = '=';
        break;
    case NT_MDNS_EV_SERVICE_REMOVED:
        kind = "removed";
        mark = '-';
        break;
    case NT_MDNS_EV_REJECTED:
        kind = "rejected";
        mark = '!';
        break;
    case NT_MDNS_EV_HOST_RESOLVED:
    case NT_MDNS_EV_HOST_REMOVED:
    case NT_MDNS_EV_TYPE_ADDED:
    case NT_MDNS_EV_TYPE_REMOVED:
    case NT_MDNS_EV_PUBLISH_PROBING:
    case NT_MDNS_EV_PUBLISH_ESTABLISHED:
    case NT_MDNS_EV_PUBLISH_CONFLICT:
    case NT_MDNS_EV_PUBLISH_WITHDRAWN:
    case NT_MDNS_EV_PUBLISH_FAILED:
    default:
        return;
    }
    /* zk-verified: trusted, and a proof bound to that key verified. */
    if (instance_zk(bs, r, raw, &zi) || (raw->kind == NT_MDNS_EV_REJECTED &&
                                      strcmp(raw->instance, NT_TRUST_META_LABEL) == 0)) {
        fixed = *raw;
        ev = &fixed;
        if (raw->kind == NT_MDNS_EV_REJECTED) {
            meta_event_fix(&fixed);
        } else {
            fixed.trust = NT_TRUST_ZK_VERIFIED;
            zk = true;
        }
    }
    if (bs->zk_on && !zk) {
        size_t at = pending_find(bs, raw);
        if ((raw->kind == NT_MDNS_EV_SERVICE_ADDED || raw->kind == NT_MDNS_EV_SERVICE_UPDATED) &&
            (nt_trust_level)raw->trust >= NT_TRUST_TRUSTED)
            pending_keep(bs, raw);
        else if (raw->kind != NT_MDNS_EV_REJECTED && at != SIZE_MAX)
            pending_del(bs, at);
    } else if (zk) {
        size_t at = pending_find(bs, raw);
        if (at != SIZE_MAX)
            pending_del(bs, at);
    }
    if (!policy_allows(bs, ev))
        return;
    /* Counted once shown: with --require, hidden instances are not found. */
    if (ev->kind == NT_MDNS_EV_SERVICE_ADDED || ev->kind == NT_MDNS_EV_SERVICE_UPDATED)
        bs->found++;
    nt_dynbuf_reset(&bs->line);
    if (bs->json) {
        char key_hex[65];
        bool have_key = ev->kind != NT_MDNS_EV_REJECTED && instance_key(bs, ev, key_hex);
        st = nt_svc_event_json(&bs->line, kind, ev, nt_runner_ifname(r, ev->ifindex),
                               have_key ? key_hex : NULL);
        if (st == NT_OK && zk && bs->line.len > 0 && bs->line.data[bs->line.len - 1] == '}') {
            bs->line.len--; /* reopen the object for the proof's fields */
            st = zk_json(&bs->line, &zi);
            if (st == NT_OK)
                st = nt_dynbuf_add_u8(&bs->line, '}');
        }
        if (st == NT_OK)
            st = nt_dynbuf_add_u8(&bs->line, '\n');
    } else {
        /* Like avahi-browse -r: "=" once the instance is usable (target,
         * port and an address), again whenever that changes. */
        if (mark == '=' && (!bs->resolve || !ev->have_srv || ev->addr_count == 0))
            return;
        st = human_lines(bs, r, mark, ev);
        /* An instance that arrives already resolved gets its "=" too. */
        if (st == NT_OK && mark == '+' && bs->resolve && ev->have_srv && ev->addr_count > 0)
            st = human_lines(bs, r, '=', ev);
        if (st == NT_OK && zk)
            st = zk_human(&bs->line, &zi);
    }
    if (st != NT_OK) {
        NT_LOGW("browse", "event not printed: %s", nt_strerror(st));
        return;
    }
    fwrite(bs->line.data, 1, bs->line.len, stdout);
    fflush(stdout);
}

/* Reports pending instances whose proof has verified since. */
static void zk_poll(browse_state *bs, nt_runner *r)
{
    uint64_t gen = nt_trust_hooks_zk_generation(bs->hooks);
    size_t i = 0;
    nt_trust_zk_info zi;
    if (gen != bs->zk_gen) {
        bs->zk_gen = gen;
        while (i < bs->npending) {
            nt_mdns_event *ev = bs->pending[i];
            if (!instance_zk(bs, r, ev, &zi)) {
                i++;
                continue;
            }
            bs->pending[i] = bs->pending[--bs->npending];
            ev->kind = NT_MDNS_EV_SERVICE_UPDATED;
            on_event(bs, r, ev);
            nt_free(ev);
        }
    }
    if (nt_runner_timer_set(r, TIMER_ZK, nt_runner_now(r) + ZK_POLL_MS) != NT_OK)
        NT_LOGW("browse", "proof poll timer not set");
}

static void on_timer(void *ctx, nt_runner *r, uint64_t id)
{
    if (id == TIMER_DEADLINE)
        nt_runner_stop(r, false);
    else if (id == TIMER_ZK)
        zk_poll(ctx, r);
}

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

int nt_cmd_browse(int argc, char **argv)
{
    nt_runner_config rc;
    nt_mdns_query_config q;
    nt_mdns_query_id qid;
    browse_state bs;
    nt_runner *r = NULL;
    const char *type = NULL;
    nt_cli_trust_opts topts = {NULL, NULL, NT_TRUST_UNSIGNED};
    const char *vk_files[ZK_VK_FILES_MAX];
    size_t n_vk = 0;
    nt_trust_store *store = NULL;
    long timeout = -1;
    int i, code;
    nt_status st;
    char why[160];

    memset(&rc, 0, sizeof rc);
    memset(&bs, 0, sizeof bs);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (nt_cli_is_help(a)) {
            fputs(usage_text, stdout);
            return NT_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            bs.json = true;
        } else if (strcmp(a, "--resolve") == 0 || strcmp(a, "-r") == 0) {
            bs.resolve = true;
        } else if (strcmp(a, "-v") == 0) {
            nt_log_set_level(NT_LOG_DEBUG);
        } else if (strcmp(a, "-4") == 0) {
            rc.no_ipv6 = true;
        } else if (strcmp(a, "-6") == 0) {
            rc.no_ipv4 = true;
        } else if (nt_cli_trust_option("browse", argc, argv, &i, &topts, &code)) {
            if (code != NT_EXIT_OK)
                return code;
        } else if (strcmp(a, "--zk-vk") == 0) {
            if (i + 1 >= argc)
                return nt_cli_usage_error("browse: %s needs a value", a);
            if (n_vk == ZK_VK_FILES_MAX)
                return nt_cli_usage_error("browse: at most %d --zk-vk files", ZK_VK_FILES_MAX);
            vk_files[n_vk++] = argv[++i];
        } else if (strcmp(a, "-i") == 0 || strcmp(a, "--timeout") == 0) {
            if (i + 1 >= argc)
                return nt_cli_usage_error("browse: %s needs a value", a);
            if (a[1] == 'i') {
                if (rc.n_ifnames == NT_RUNNER_IFACES_MAX)
                    return nt_cli_usage_error("browse: at most %d interfaces",
                                              NT_RUNNER_IFACES_MAX);
                rc.ifnames[rc.n_ifnames++] = argv[++i];
            } else if (nt_cli_parse_long(argv[++i], 0, 86400L * 365, &timeout) != NT_OK) {
                return nt_cli_usage_error("browse: --timeout wants seconds, not '%s'", argv[i]);
            }
        } else if (a[0] == '-' && a[1] != 0) {
            return nt_cli_usage_error("browse: unknown option '%s' (try --help)", a);
        } else if (!type) {
            type = a;
        } else {
            return nt_cli_usage_error("browse: unexpected argument '%s'", a);
        }
    }
    if (!type)
        return nt_cli_usage_error("browse: need a service TYPE, e.g. _http._tcp (try --help)");
    /* Accept "_ipp._tcp.local" as avahi-browse users type it. */
    {
        size_t n = strlen(type);
        static char trimmed[NT_MDNS_NAME_MAX];
        if (n > 6 && strcmp(type + n - 6, ".local") == 0 && n - 6 < sizeof trimmed) {
            memcpy(trimmed, type, n - 6);
            trimmed[n - 6] = 0;
            type = trimmed;
        }
    }
    if (!browse_type_ok(type))
        return nt_cli_usage_error("browse: bad service type '%s' (want e.g. _http._tcp)", type);
    if (rc.no_ipv4 && rc.no_ipv6)
        return nt_cli_usage_error("browse: -4 and -6 exclude each other");

    nt_dynbuf_init(&bs.line, 64 * 1024);
    bs.require = topts.require;
    if ((code = nt_cli_trust_start("browse", &bs.hooks, &store, topts.trust_file, topts.tofu_file,
                                   vk_files, n_vk)) != NT_EXIT_OK)
        goto out;
    rc.configure = install_hooks;
    rc.on_event = on_event;
    rc.on_timer = on_timer;
    rc.ctx = &bs;
    st = nt_runner_create(&r, &rc, why, sizeof why);
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_USAGE, "browse: cannot start mDNS: %s", why);
        goto out;
    }
    memset(&q, 0, sizeof q);
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = type;
    q.domain = "local";
    q.resolve = bs.resolve || bs.json;
    st = nt_mdns_query_add(nt_runner_engine(r), &qid, &q, nt_runner_now(r));
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_USAGE, "browse: cannot browse '%s': %s", type, nt_strerror(st));
        goto out;
    }
    bs.zk_on = n_vk > 0;
    if (bs.zk_on &&
        nt_runner_timer_set(r, TIMER_ZK, nt_runner_now(r) + ZK_POLL_MS) != NT_OK) {
        code = nt_cli_fail(NT_EXIT_USAGE, "browse: cannot set the proof poll timer");
        goto out;
    }
    if (timeout >= 0 &&
        nt_runner_timer_set(r, TIMER_DEADLINE, nt_runner_now(r) + (uint64_t)timeout * 1000u) != NT_OK) {
        code = nt_cli_fail(NT_EXIT_USAGE, "browse: cannot set the timeout");
        goto out;
    }
    st = nt_runner_run(r);
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_NEGATIVE, "browse: %s", nt_strerror(st));
        goto out;
    }
    code = (timeout >= 0 && bs.found == 0) ? NT_EXIT_NEGATIVE : NT_EXIT_OK;
out:
    nt_runner_destroy(r);
    nt_trust_hooks_destroy(bs.hooks);
    nt_trust_store_destroy(store);
    while (bs.nshown)
        nt_free(bs.shown[--bs.nshown]);
    while (bs.npending)
        nt_free(bs.pending[--bs.npending]);
    nt_dynbuf_cleanup(&bs.line);
    fflush(stdout);
    return code;
}
