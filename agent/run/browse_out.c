/* agent/run/browse_out.c - what a browse prints for one event: the human
 * lines like avahi-browse (-r), or the JSON of DESIGN §9 with the signer's
 * pin, the chain's block, the anchor, the proof and the ranking's score. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "browse_priv.h"
#include "nautilus/codec.h"
#include "nautilus/log.h"
#include "nautilus/net.h"
#include "svc_format.h"

/* Whoever signed the instance (key digest, how it is pinned), if anyone. */
bool nt_browse_signer(const browse_state *bs, const nt_mdns_event *ev,
                      nt_trust_signer_info *info)
{
    nt_dns_name full;
    if (!bs->hooks || ev->kind == NT_MDNS_EV_REJECTED ||
        nt_chain_view_instance_name(&full, ev) != NT_OK ||
        nt_trust_hooks_signer_of(bs->hooks, &full, info) != NT_OK)
        return false;
    /* A key the chain binds to its name: shown as the chain's pin even for
     * records judged before the answer came (DESIGN §1.5). */
    if (bs->chain && info->level != NT_TRUST_UNSIGNED && info->pin != NT_TRUST_PIN_OPERATOR) {
        if (nt_chain_view_vouches(bs->chain, info, NULL)) {
            info->pin = NT_TRUST_PIN_CHAIN;
            info->level = NT_TRUST_TRUSTED;
        } else if (info->pin == NT_TRUST_PIN_CHAIN) {
            /* The chain no longer says so (revoked or rotated since). */
            info->pin = NT_TRUST_PIN_NONE;
            info->level = NT_TRUST_SELF_SIGNED;
        }
    }
    /* A contested name (two unpinned keys) has no key to show. */
    return info->level != NT_TRUST_UNSIGNED;
}

static const char *pin_name(nt_trust_pin pin)
{
    switch (pin) {
    case NT_TRUST_PIN_OPERATOR:
        return "operator";
    case NT_TRUST_PIN_TOFU:
        return "tofu";
    case NT_TRUST_PIN_CHAIN:
        return "chain";
    case NT_TRUST_PIN_NONE:
    default:
        return NULL;
    }
}

/* The event's level with the chain's word (--rpc): self-signed records of
 * a key the chain binds to their signer count as trusted (DESIGN §1.5). */
nt_trust_level nt_browse_effective_trust(const browse_state *bs, const nt_mdns_event *ev)
{
    nt_trust_signer_info info;
    if (bs->chain && (nt_trust_level)ev->trust == NT_TRUST_SELF_SIGNED &&
        nt_browse_signer(bs, ev, &info) && info.pin == NT_TRUST_PIN_CHAIN)
        return NT_TRUST_TRUSTED;
    return (nt_trust_level)ev->trust;
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

/* "self-signed (tofu, first seen)": the level the event says, and how the
 * key behind it is pinned when that is by trust on first use (first use is
 * not trust: such a key is shown self-signed, never trusted). */
static nt_status trust_text(nt_dynbuf *d, const nt_mdns_event *ev, const nt_trust_signer_info *si)
{
    nt_status st = nt_dynbuf_add_str(d, nt_trust_level_name((nt_trust_level)ev->trust));
    if (st == NT_OK && si && si->pin == NT_TRUST_PIN_TOFU)
        st = nt_dynbuf_add_str(d, si->first_seen ? " (tofu, first seen)" : " (tofu)");
    if (st == NT_OK && si && si->pin == NT_TRUST_PIN_CHAIN)
        st = nt_dynbuf_add_str(d, " (chain)");
    return st;
}

/* One "=" block per address: hostname, address, port, txt and trust, as
 * avahi-browse -r shows the first four. */
static nt_status resolved_lines(browse_state *bs, nt_runner *r, const nt_mdns_event *ev,
                                const nt_trust_signer_info *si)
{
    nt_dynbuf *d = &bs->line;
    const char *ifname = nt_runner_ifname(r, ev->ifindex);
    const char *domain = ev->domain[0] ? ev->domain : "local";
    size_t i, n = ev->addr_count < NT_MDNS_EVENT_ADDRS_MAX ? ev->addr_count
                                                          : NT_MDNS_EVENT_ADDRS_MAX;
    nt_status st = NT_OK;
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
            st = nt_dynbuf_add_str(d, "\n   trust = [");
        if (st == NT_OK)
            st = trust_text(d, ev, si);
        if (st == NT_OK)
            st = nt_dynbuf_add_str(d, "]\n");
    }
    return st;
}

/* "+ lan0 IPv4 Printer _ipp._tcp local", "- ...", or "! ... reason" with
 * "(repeated N times)" when the line stands for several rejections. */
static nt_status human_line(browse_state *bs, nt_runner *r, char mark, const nt_mdns_event *ev,
                            uint32_t count)
{
    nt_status st = nt_dynbuf_addf(&bs->line, "%c %s %s %s %s %s%s%s", mark,
                                  nt_runner_ifname(r, ev->ifindex), family_label(r, ev),
                                  ev->instance, ev->type, ev->domain[0] ? ev->domain : "local",
                                  ev->reason[0] ? " " : "", ev->reason);
    if (st == NT_OK && count > 1)
        st = nt_dynbuf_addf(&bs->line, " (repeated %lu times)", (unsigned long)count);
    return st == NT_OK ? nt_dynbuf_add_u8(&bs->line, '\n') : st;
}

/* ,"anchor":{"index":I,"size":N}: where the anchored version sits. */
static nt_status anchor_json(browse_state *bs, nt_dynbuf *d, const nt_mdns_event *ev)
{
    nt_dns_name full;
    nt_trust_anchor_info ai;
    if (nt_chain_view_instance_name(&full, ev) != NT_OK)
        return NT_OK;
    nt_trust_hooks_anchor_of(bs->hooks, &full, &ai);
    if (ai.state != NT_TRUST_ANCHOR_OK)
        return NT_OK;
    return nt_dynbuf_addf(d, ",\"anchor\":{\"index\":%llu,\"size\":%llu}",
                          (unsigned long long)ai.index, (unsigned long long)ai.size);
}

/* The JSON object of DESIGN §9 and, after its fields: "pin" (how the key
 * is pinned: "operator", "tofu" or null) and "first_seen":true for a key
 * learned on first use by this run; "count" for a rejection; the proof's
 * fields when zk-verified. */
static nt_status json_line(browse_state *bs, nt_runner *r, const char *kind,
                           const nt_mdns_event *ev, const nt_trust_signer_info *si,
                           const nt_trust_zk_info *zi, uint32_t count)
{
    nt_dynbuf *d = &bs->line;
    char key_hex[65];
    bool have_key = si && nt_hex_encode(key_hex, sizeof key_hex, si->key_digest, 32) == NT_OK;
    const char *pin = have_key ? pin_name(si->pin) : NULL;
    nt_status st = nt_svc_event_json(d, kind, ev, nt_runner_ifname(r, ev->ifindex),
                                     have_key ? key_hex : NULL);
    if (st != NT_OK || d->len == 0 || d->data[d->len - 1] != '}')
        return st != NT_OK ? st : NT_ERR_INVALID_ARG;
    d->len--; /* reopen the object for the fields below */
    st = pin ? nt_dynbuf_addf(d, ",\"pin\":\"%s\"", pin) : nt_dynbuf_add_str(d, ",\"pin\":null");
    if (st == NT_OK && have_key && si->pin == NT_TRUST_PIN_TOFU && si->first_seen)
        st = nt_dynbuf_add_str(d, ",\"first_seen\":true");
    if (st == NT_OK && have_key && si->pin == NT_TRUST_PIN_CHAIN && bs->chain)
        st = nt_dynbuf_addf(d, ",\"chain_block\":%llu",
                            (unsigned long long)nt_chain_view_block(bs->chain, &si->signer));
    if (st == NT_OK && (nt_trust_level)ev->trust == NT_TRUST_ANCHORED)
        st = anchor_json(bs, d, ev);
    if (st == NT_OK && ev->kind == NT_MDNS_EV_REJECTED)
        st = nt_dynbuf_addf(d, ",\"count\":%lu", (unsigned long)count);
    if (st == NT_OK && zi)
        st = zk_json(d, zi);
    if (st == NT_OK && bs->rank.rank && ev->kind != NT_MDNS_EV_REJECTED)
        st = nt_rank_cli_event_json(d, bs->rank.rank, ev);
    return st == NT_OK ? nt_dynbuf_add_str(d, "}\n") : st;
}

/* Prints one event that passed the policy. count: rejections it stands
 * for (rejected events only). */
void nt_browse_print_event(browse_state *bs, nt_runner *r, const char *kind, char mark,
                           const nt_mdns_event *ev, const nt_trust_zk_info *zi, uint32_t count)
{
    nt_trust_signer_info info;
    const nt_trust_signer_info *si = nt_browse_signer(bs, ev, &info) ? &info : NULL;
    nt_status st;
    nt_dynbuf_reset(&bs->line);
    if (bs->bus && json_line(bs, r, kind, ev, si, zi, count) == NT_OK)
        nt_bus_glue_event(bs->bus, ev, kind, nt_runner_ifname(r, ev->ifindex),
                          (const char *)bs->line.data, bs->line.len, zi != NULL);
    nt_dynbuf_reset(&bs->line);
    if (bs->json) {
        st = json_line(bs, r, kind, ev, si, zi, count);
    } else {
        /* Like avahi-browse -r: "=" once the instance is usable (target,
         * port and an address), again whenever that changes. */
        bool usable = bs->resolve && ev->have_srv && ev->addr_count > 0;
        if (mark == '=' && !usable)
            return;
        st = mark == '=' ? NT_OK : human_line(bs, r, mark, ev, count);
        /* An instance that arrives already resolved gets its "=" too. */
        if (st == NT_OK && (mark == '=' || (mark == '+' && usable)))
            st = resolved_lines(bs, r, ev, si);
        if (st == NT_OK && zi)
            st = zk_human(&bs->line, zi);
    }
    if (st != NT_OK) {
        NT_LOGW("browse", "event not printed: %s", nt_strerror(st));
        return;
    }
    bs->emit(bs->emit_ctx, (const char *)bs->line.data, bs->line.len);
}
