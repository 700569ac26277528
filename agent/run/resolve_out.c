/* What `nautilus resolve` prints (resolve_out.h). */
#include <string.h>

#include "resolve_out.h"
#include "svc_format.h"

nt_status nt_resolve_host_out(nt_dynbuf *d, const char *host, const nt_mdns_addr *addrs,
                              const char *const *ifnames, size_t n, bool json)
{
    nt_status st = NT_OK;
    size_t i;
    if (!json) {
        for (i = 0; st == NT_OK && i < n; i++) {
            st = nt_svc_addr(d, &addrs[i]);
            if (st == NT_OK)
                st = nt_dynbuf_add_str(d, "\n");
        }
        return st;
    }
    st = nt_dynbuf_add_str(d, "{\"host\":");
    if (st == NT_OK)
        st = nt_svc_json_str(d, host, strlen(host));
    if (st == NT_OK)
        st = nt_dynbuf_add_str(d, ",\"addresses\":[");
    for (i = 0; st == NT_OK && i < n; i++) {
        st = nt_dynbuf_addf(d, "%s{\"address\":\"", i ? "," : "");
        if (st == NT_OK)
            st = nt_svc_addr(d, &addrs[i]);
        if (st == NT_OK)
            st = nt_dynbuf_add_str(d, "\",\"interface\":");
        if (st == NT_OK)
            st = nt_svc_json_str(d, ifnames[i], strlen(ifnames[i]));
        if (st == NT_OK)
            st = nt_dynbuf_add_str(d, "}");
    }
    if (st == NT_OK)
        st = nt_dynbuf_add_str(d, "]}\n");
    return st;
}

nt_status nt_resolve_svc_out(nt_dynbuf *d, const nt_mdns_event *ev, const char *ifname, bool json)
{
    nt_status st;
    size_t i;
    if (json) {
        st = nt_svc_event_json(d, "resolved", ev, ifname, NULL);
        return st == NT_OK ? nt_dynbuf_add_str(d, "\n") : st;
    }
    st = nt_svc_full_name(d, ev->instance, ev->type, ev->domain[0] ? ev->domain : "local");
    if (st == NT_OK)
        st = nt_dynbuf_addf(d, "\n  host %s port %u priority %u weight %u\n  txt ", ev->host,
                            (unsigned)ev->port, (unsigned)ev->priority, (unsigned)ev->weight);
    if (st == NT_OK)
        st = nt_svc_txt_text(d, ev->txt, ev->have_txt ? ev->txt_len : 0);
    if (st == NT_OK)
        st = nt_dynbuf_add_str(d, "\n");
    for (i = 0; st == NT_OK && i < ev->addr_count && i < NT_MDNS_EVENT_ADDRS_MAX; i++) {
        st = nt_dynbuf_add_str(d, "  address ");
        if (st == NT_OK)
            st = nt_svc_addr(d, &ev->addrs[i]);
        if (st == NT_OK)
            st = nt_dynbuf_add_str(d, "\n");
    }
    return st;
}

bool nt_resolve_svc_complete(const nt_mdns_event *ev, bool want4, bool want6)
{
    bool have4 = false, have6 = false;
    size_t i;
    if (!ev->have_srv || !ev->have_txt)
        return false;
    for (i = 0; i < ev->addr_count && i < NT_MDNS_EVENT_ADDRS_MAX; i++) {
        have4 = have4 || ev->addrs[i].family == NT_MDNS_INET4;
        have6 = have6 || ev->addrs[i].family == NT_MDNS_INET6;
    }
    return (have4 || !want4) && (have6 || !want6);
}
