/* nautilus browse: list instances of a DNS-SD service type as they come and
 * go (RFC 6763 §4), optionally resolved; human lines like avahi-browse, or
 * the JSON of DESIGN §9, one object per line. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chain_view.h"
#include "bus_glue.h"
#include "browse_ctl.h"
#include "cmds.h"
#include "mdns_runner.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "nautilus/codec.h"
#include "nautilus/net.h"
#include "nautilus/trust_mdns.h"
#include "rank_cli.h"
#include "reject_agg.h"
#include "stats_out.h"
#include "svc_format.h"
#include "trust_cli.h"

enum { TIMER_DEADLINE = 1, TIMER_ZK = 2, TIMER_REJECT = 3, TIMER_CHAIN = 4 };

/* --rpc: how often answers and stale bindings are looked at besides the
 * worker's wake-ups (re-reading a binding itself waits for its age). */
#define CHAIN_POLL_MS 1000u

/* A proof can arrive after the instance was reported (its metadata did not
 * fit in the first message): trusted instances are kept for a while and
 * reported again as zk-verified once their proof verifies. */
#define ZK_PENDING_MAX 256
#define ZK_POLL_MS 250u

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

#define SHOWN_MAX 1024
#define ZK_VK_FILES_MAX 8

typedef struct browse_state {
    bool json;
    bool resolve;
    bool stats; /* --stats: print the counters on exit */
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
    /* Rejections, at most one line per (name, reason) per interval. */
    nt_reject_agg *agg;
    nt_runner *runner;
    nt_chain_view *chain; /* --rpc */
    nt_bus_pub *bus; /* --bus-endpoint (agent/run/bus_glue.h) */
    /* --json: the learned ranking's evidence, read once (rank_cli.h). */
    const char *rank_dir;
    nt_rank_store rank;
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

/* Whoever signed the instance (key digest, how it is pinned), if anyone. */
static bool instance_signer(const browse_state *bs, const nt_mdns_event *ev,
                            nt_trust_signer_info *info)
{
    nt_dns_name parent, full;
    char text[NT_MDNS_NAME_MAX * 2];
    snprintf(text, sizeof text, "%s.%s", ev->type, ev->domain[0] ? ev->domain : "local");
    if (!bs->hooks || ev->kind == NT_MDNS_EV_REJECTED ||
        nt_dns_name_from_str(&parent, text) != NT_OK ||
        nt_dns_name_prepend(&full, (const uint8_t *)ev->instance, strlen(ev->instance), &parent) !=
            NT_OK ||
        nt_trust_hooks_signer_of(bs->hooks, &full, info) != NT_OK)
        return false;
    /* A key the chain binds to its name: shown as the chain's pin even for
     * records judged before the answer came (DESIGN §1.5). */
    if (bs->chain && info->level != NT_TRUST_UNSIGNED && info->pin != NT_TRUST_PIN_OPERATOR) {
        nt_trust_chain_info ci;
        if (nt_trust_hooks_chain_get(bs->hooks, &info->signer, &ci) == NT_OK &&
            ci.state == NT_TRUST_CHAIN_BOUND && memcmp(ci.digest, info->key_digest, 32) == 0) {
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
static nt_trust_level effective_trust(const browse_state *bs, const nt_mdns_event *ev)
{
    nt_trust_signer_info info;
    if (bs->chain && (nt_trust_level)ev->trust == NT_TRUST_SELF_SIGNED &&
        instance_signer(bs, ev, &info) && info.pin == NT_TRUST_PIN_CHAIN)
        return NT_TRUST_TRUSTED;
    return (nt_trust_level)ev->trust;
}

/* The instance's verified proof, if it has one and is trusted. */
static bool instance_zk(const browse_state *bs, nt_runner *r, const nt_mdns_event *ev,
                        nt_trust_zk_info *out)
{
    nt_dns_name parent, full;
    char text[NT_MDNS_NAME_MAX * 2];
    if (!bs->hooks || ev->kind == NT_MDNS_EV_REJECTED || ev->kind == NT_MDNS_EV_SERVICE_REMOVED ||
        effective_trust(bs, ev) < NT_TRUST_TRUSTED)
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
static void print_event(browse_state *bs, nt_runner *r, const char *kind, char mark,
                        const nt_mdns_event *ev, const nt_trust_zk_info *zi, uint32_t count)
{
    nt_trust_signer_info info;
    const nt_trust_signer_info *si = instance_signer(bs, ev, &info) ? &info : NULL;
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
    fwrite(bs->line.data, 1, bs->line.len, stdout);
    fflush(stdout);
}

/* The aggregator shows a rejection (agent/run/reject_agg.h). */
static void show_rejected(void *ctx, const nt_mdns_event *ev, uint32_t count)
{
    browse_state *bs = ctx;
    print_event(bs, bs->runner, "rejected", '!', ev, NULL, count);
}

/* Wakes up when the next aggregated count is due. */
static void reject_timer_arm(browse_state *bs, nt_runner *r)
{
    uint64_t due;
    if (nt_reject_agg_next_due(bs->agg, &due) &&
        nt_runner_timer_set(r, TIMER_REJECT, due) != NT_OK)
        NT_LOGW("browse", "rejection timer not set: counts wait for the next rejection");
}

static bool event_kind(const nt_mdns_event *ev, const char **kind, char *mark)
{
    switch (ev->kind) {
    case NT_MDNS_EV_SERVICE_ADDED:
        *kind = "added";
        *mark = '+';
        return true;
    case NT_MDNS_EV_SERVICE_UPDATED:
        *kind = "updated";
        *mark = '=';
        return true;
    case NT_MDNS_EV_SERVICE_REMOVED:
        *kind = "removed";
        *mark = '-';
        return true;
    case NT_MDNS_EV_REJECTED:
        *kind = "rejected";
        *mark = '!';
        return true;
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
        return false;
    }
}

/* --zk-vk: keeps trusted instances without a proof (yet), forgets the rest. */
static void zk_track(browse_state *bs, const nt_mdns_event *raw, bool zk)
{
    size_t at = pending_find(bs, raw);
    if (zk) {
        if (at != SIZE_MAX)
            pending_del(bs, at);
    } else if ((raw->kind == NT_MDNS_EV_SERVICE_ADDED ||
                raw->kind == NT_MDNS_EV_SERVICE_UPDATED) &&
               effective_trust(bs, raw) >= NT_TRUST_TRUSTED) {
        pending_keep(bs, raw);
    } else if (raw->kind != NT_MDNS_EV_REJECTED && at != SIZE_MAX) {
        pending_del(bs, at);
    }
}

static void on_event(void *ctx, nt_runner *r, const nt_mdns_event *raw)
{
    browse_state *bs = ctx;
    const char *kind;
    char mark;
    static nt_mdns_event fixed; /* large: not on the stack */
    const nt_mdns_event *ev = raw;
    nt_trust_zk_info zi;
    bool zk = false;

    if (!event_kind(raw, &kind, &mark))
        return;
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
    if (bs->zk_on)
        zk_track(bs, raw, zk);
    if (bs->chain && ev->kind != NT_MDNS_EV_REJECTED) {
        static nt_mdns_event show, rej; /* large: not on the stack */
        unsigned flags = nt_chain_view_judge(bs->chain, ev, &show, &rej, nt_runner_now(r));
        if (flags & NT_CHAIN_VIEW_REJECT) {
            nt_reject_agg_add(bs->agg, &rej, nt_runner_now(r));
            reject_timer_arm(bs, r);
        }
        if (!(flags & NT_CHAIN_VIEW_SHOW))
            return;
        ev = &show;
    }
    if (!policy_allows(bs, ev))
        return;
    if (ev->kind == NT_MDNS_EV_REJECTED && bs->agg) {
        nt_reject_agg_add(bs->agg, ev, nt_runner_now(r));
        reject_timer_arm(bs, r);
        return;
    }
    /* Counted once shown: with --require, hidden instances are not found. */
    if (ev->kind == NT_MDNS_EV_SERVICE_ADDED || ev->kind == NT_MDNS_EV_SERVICE_UPDATED)
        bs->found++;
    print_event(bs, r, kind, mark, ev, zk ? &zi : NULL, 1);
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

static void chain_again(void *ctx, const nt_mdns_event *ev)
{
    browse_state *bs = ctx;
    on_event(bs, bs->runner, ev);
}

/* --rpc: the worker's answers, and anything gone stale. */
static void chain_poll(browse_state *bs)
{
    nt_chain_view_poll(bs->chain, nt_runner_now(bs->runner), chain_again, bs);
}

static void on_chain_fd(void *ctx, nt_net_loop *loop, int fd, short events)
{
    (void)loop;
    (void)fd;
    (void)events;
    chain_poll(ctx);
}

static void on_timer(void *ctx, nt_runner *r, uint64_t id)
{
    browse_state *bs = ctx;
    if (id == TIMER_CHAIN) {
        chain_poll(bs);
        if (nt_runner_timer_set(r, TIMER_CHAIN, nt_runner_now(r) + CHAIN_POLL_MS) != NT_OK)
            NT_LOGW("browse", "chain poll timer not set");
        return;
    }
    if (id == TIMER_DEADLINE) {
        nt_runner_stop(r, false);
    } else if (id == TIMER_ZK) {
        zk_poll(bs, r);
    } else if (id == TIMER_REJECT) {
        nt_reject_agg_tick(bs->agg, nt_runner_now(r));
        reject_timer_arm(bs, r);
    }
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

/* What the command line asks for. */
typedef struct browse_args {
    const char *type;
    nt_cli_trust_opts topts;
    const char *vk_files[ZK_VK_FILES_MAX];
    size_t n_vk;
    long timeout; /* seconds; -1: until interrupted */
    bool help;
    nt_bus_glue_opts bus;
} browse_args;

/* Takes one option that has a value (argv[*i] is it): -i, --timeout, --zk-vk. */
static int value_option(int argc, char **argv, int *i, browse_args *a, nt_runner_config *rc)
{
    const char *o = argv[*i];
    if (*i + 1 >= argc)
        return nt_cli_usage_error("browse: %s needs a value", o);
    ++*i;
    if (strcmp(o, "--zk-vk") == 0) {
        if (a->n_vk == ZK_VK_FILES_MAX)
            return nt_cli_usage_error("browse: at most %d --zk-vk files", ZK_VK_FILES_MAX);
        a->vk_files[a->n_vk++] = argv[*i];
    } else if (strcmp(o, "-i") == 0) {
        if (rc->n_ifnames == NT_RUNNER_IFACES_MAX)
            return nt_cli_usage_error("browse: at most %d interfaces", NT_RUNNER_IFACES_MAX);
        rc->ifnames[rc->n_ifnames++] = argv[*i];
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

static int parse_args(int argc, char **argv, browse_args *a, browse_state *bs,
                      nt_runner_config *rc)
{
    int i, code = NT_EXIT_OK;
    for (i = 1; i < argc && code == NT_EXIT_OK; i++) {
        const char *o = argv[i];
        if (nt_cli_is_help(o)) {
            a->help = true;
            return NT_EXIT_OK;
        } else if (strcmp(o, "--json") == 0) {
            bs->json = true;
        } else if (strcmp(o, "--resolve") == 0 || strcmp(o, "-r") == 0) {
            bs->resolve = true;
        } else if (strcmp(o, "--stats") == 0) {
            bs->stats = true;
        } else if (strcmp(o, "--state") == 0 && i + 1 < argc) {
            /* one state directory: the ranking's evidence, the bus's key */
            bs->rank_dir = a->bus.state = argv[++i];
        } else if (strcmp(o, "-v") == 0) {
            nt_log_set_level(NT_LOG_DEBUG);
        } else if (strcmp(o, "-4") == 0) {
            rc->no_ipv6 = true;
        } else if (strcmp(o, "-6") == 0) {
            rc->no_ipv4 = true;
        } else if (nt_cli_trust_option("browse", argc, argv, &i, &a->topts, &code)) {
            continue;
        } else if (nt_bus_glue_option("browse", argc, argv, &i, &a->bus, &code)) {
            continue;
        } else if (strcmp(o, "--zk-vk") == 0 || strcmp(o, "-i") == 0 ||
                   strcmp(o, "--timeout") == 0) {
            code = value_option(argc, argv, &i, a, rc);
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
    if (rc->no_ipv4 && rc->no_ipv6)
        return nt_cli_usage_error("browse: -4 and -6 exclude each other");
    return NT_EXIT_OK;
}

/* Starts the runner with the browse query and the timers. */
static int browse_start(browse_state *bs, nt_runner **r, nt_runner_config *rc,
                        const browse_args *a)
{
    nt_mdns_query_config q;
    nt_mdns_query_id qid;
    char why[160];
    nt_status st = nt_reject_agg_create(&bs->agg, NT_REJECT_AGG_CAP, NT_REJECT_AGG_INTERVAL_MS,
                                        show_rejected, bs);
    if (st != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "browse: %s", nt_strerror(st));
    rc->configure = install_hooks;
    rc->on_event = on_event;
    rc->on_timer = on_timer;
    rc->ctx = bs;
    if (nt_runner_create(r, rc, why, sizeof why) != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "browse: cannot start mDNS: %s", why);
    bs->runner = *r;
    memset(&q, 0, sizeof q);
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = a->type;
    q.domain = "local";
    q.resolve = bs->resolve || bs->json;
    st = nt_mdns_query_add(nt_runner_engine(*r), &qid, &q, nt_runner_now(*r));
    if (st != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "browse: cannot browse '%s': %s", a->type,
                           nt_strerror(st));
    if (bs->chain && (nt_runner_add_fd(*r, nt_chain_view_fd(bs->chain), on_chain_fd, bs) != NT_OK ||
                      nt_runner_timer_set(*r, TIMER_CHAIN, nt_runner_now(*r) + CHAIN_POLL_MS) !=
                          NT_OK))
        return nt_cli_fail(NT_EXIT_USAGE, "browse: cannot watch the chain reader");
    bs->zk_on = a->n_vk > 0;
    if (bs->zk_on &&
        nt_runner_timer_set(*r, TIMER_ZK, nt_runner_now(*r) + ZK_POLL_MS) != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "browse: cannot set the proof poll timer");
    if (a->timeout >= 0 &&
        nt_runner_timer_set(*r, TIMER_DEADLINE,
                            nt_runner_now(*r) + (uint64_t)a->timeout * 1000u) != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "browse: cannot set the timeout");
    return NT_EXIT_OK;
}

int nt_cmd_browse(int argc, char **argv)
{
    nt_runner_config rc;
    browse_state bs;
    browse_args args;
    nt_runner *r = NULL;
    nt_trust_store *store = NULL;
    nt_status st;
    int code;

    /* A running agent browses for us when it can (agent/run/browse_ctl.c). */
    if ((code = nt_browse_via_agent(&argc, argv)) != NT_CTLC_IN_PROCESS)
        return code;
    memset(&rc, 0, sizeof rc);
    memset(&bs, 0, sizeof bs);
    memset(&args, 0, sizeof args);
    args.topts.require = NT_TRUST_UNSIGNED;
    args.timeout = -1;
    if ((code = parse_args(argc, argv, &args, &bs, &rc)) != NT_EXIT_OK || args.help) {
        if (args.help) {
            fputs(usage_text, stdout);
            fputs(NT_STATS_OUT_HELP, stdout);
            fputs(NT_BUS_GLUE_HELP, stdout);
            fputs(NT_CTLC_HELP, stdout); /* taken by nt_browse_via_agent */
            fputs(usage_notes, stdout);
        }
        return code;
    }

    if ((code = nt_cli_trust_chain_check("browse", &args.topts)) != NT_EXIT_OK)
        return code;
    nt_dynbuf_init(&bs.line, 64 * 1024);
    bs.require = args.topts.require;
    if (bs.json && (code = nt_rank_cli_load(&bs.rank, bs.rank_dir)) != NT_EXIT_OK)
        goto out;
    if ((code = nt_cli_trust_start("browse", &bs.hooks, &store, args.topts.trust_file,
                                   args.topts.tofu_file, args.vk_files, args.n_vk,
                                   args.topts.rpc != NULL)) != NT_EXIT_OK ||
        (code = nt_cli_chain_start("browse", &bs.chain, bs.hooks, &args.topts)) != NT_EXIT_OK ||
        (code = nt_bus_glue_start("browse", &args.bus, &bs.bus)) != NT_EXIT_OK ||
        (code = browse_start(&bs, &r, &rc, &args)) != NT_EXIT_OK)
        goto out;
    st = nt_runner_run(r);
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_NEGATIVE, "browse: %s", nt_strerror(st));
        goto out;
    }
    code = (args.timeout >= 0 && bs.found == 0) ? NT_EXIT_NEGATIVE : NT_EXIT_OK;
out:
    /* Counts still pending are shown, so no rejection is missing from the
     * totals, however the run ended (timeout, signal, error). */
    if (r && bs.agg)
        nt_reject_agg_flush(bs.agg);
    /* After the last rejection line, so the counters cover every one. */
    if (r && bs.stats)
        nt_stats_out_print(nt_runner_engine(r), bs.hooks, bs.json);
    nt_reject_agg_destroy(bs.agg);
    nt_bus_pub_destroy(bs.bus);
    nt_runner_destroy(r);
    /* Counted, and said once more on the way out (DESIGN §1.5). */
    if (bs.chain && nt_chain_view_failures(bs.chain))
        fprintf(stderr, "browse: %llu reads of the chain failed\n",
                (unsigned long long)nt_chain_view_failures(bs.chain));
    nt_chain_view_destroy(bs.chain);
    nt_trust_hooks_destroy(bs.hooks);
    nt_trust_store_destroy(store);
    while (bs.nshown)
        nt_free(bs.shown[--bs.nshown]);
    while (bs.npending)
        nt_free(bs.pending[--bs.npending]);
    nt_dynbuf_cleanup(&bs.line);
    nt_rank_store_close(&bs.rank);
    fflush(stdout);
    return code;
}
