/* nautilus browse: list instances of a DNS-SD service type as they come and
 * go (RFC 6763 §4), optionally resolved; human lines like avahi-browse, or
 * the JSON of DESIGN §9, one object per line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mdns_runner.h"
#include "nautilus/log.h"
#include "nautilus/net.h"
#include "svc_format.h"

enum { TIMER_DEADLINE = 1 };

static const char usage_text[] =
    "usage: nautilus browse TYPE [-i IF] [--resolve] [--json] [--timeout SEC]\n"
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
    "  -4, -6         IPv4 only, IPv6 only\n"
    "  -v             log what happens on the network (debug)\n";

typedef struct browse_state {
    bool json;
    bool resolve;
    unsigned found;
    nt_dynbuf line;
} browse_state;

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

static void on_event(void *ctx, nt_runner *r, const nt_mdns_event *ev)
{
    browse_state *bs = ctx;
    const char *kind;
    char mark;
    nt_status st = NT_OK;

    switch (ev->kind) {
    case NT_MDNS_EV_SERVICE_ADDED:
        kind = "added";
        mark = '+';
        bs->found++;
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
    nt_dynbuf_reset(&bs->line);
    if (bs->json) {
        st = nt_svc_event_json(&bs->line, kind, ev, nt_runner_ifname(r, ev->ifindex));
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
    }
    if (st != NT_OK) {
        NT_LOGW("browse", "event not printed: %s", nt_strerror(st));
        return;
    }
    fwrite(bs->line.data, 1, bs->line.len, stdout);
    fflush(stdout);
}

static void on_timer(void *ctx, nt_runner *r, uint64_t id)
{
    (void)ctx;
    if (id == TIMER_DEADLINE)
        nt_runner_stop(r, false);
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
        } else if (strcmp(a, "--require") == 0 || strcmp(a, "--trust") == 0) {
            return nt_cli_usage_error("browse: %s is not yet supported", a);
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
    nt_dynbuf_cleanup(&bs.line);
    fflush(stdout);
    return code;
}
