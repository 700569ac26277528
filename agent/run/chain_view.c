/* Trust levels from the chain, as browse shows them (chain_view.h). */
#include <stdio.h>
#include <string.h>

#include "chain_view.h"
#include "chain_watch.h"
#include "nautilus/codec.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"

#define WATCH_MAX 256     /* instances whose judgement is followed */
#define THROTTLE_SLOTS 128
#define ASK_GAP_MS 2000u  /* the same question at most this often */

typedef struct watched {
    nt_mdns_event ev;     /* the last event heard (before the chain's word) */
    unsigned shown;       /* flags of the last judgement shown */
    uint8_t level;        /* its level */
    char reason[NT_MDNS_REASON_MAX];
} watched;

typedef struct asked {
    uint64_t key;
    uint64_t at_ms;
} asked;

struct nt_chain_view {
    nt_chain_view_config cfg;
    nt_chain_watch *watch;
    watched *w[WATCH_MAX];
    size_t nw;
    asked throttle[THROTTLE_SLOTS];
    uint64_t failures;
    bool said;
};

enum { SHOW = NT_CHAIN_VIEW_SHOW, REJECT = NT_CHAIN_VIEW_REJECT };

nt_status nt_chain_view_parse_address(uint8_t out[20], const char *text)
{
    size_t n = 0;
    if (!text || strlen(text) != 42 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X') ||
        nt_hex_decode(out, 20, &n, text + 2, 40) != NT_OK || n != 20)
        return NT_ERR_INVALID_ARG;
    return NT_OK;
}

nt_status nt_chain_view_instance_name(nt_dns_name *out, const nt_mdns_event *ev)
{
    nt_dns_name parent;
    char text[NT_MDNS_NAME_MAX * 2];
    nt_status st;
    snprintf(text, sizeof text, "%s.%s", ev->type, ev->domain[0] ? ev->domain : "local");
    if ((st = nt_dns_name_from_str(&parent, text)) != NT_OK)
        return st;
    return nt_dns_name_prepend(out, (const uint8_t *)ev->instance, strlen(ev->instance), &parent);
}

bool nt_chain_view_zk_verified(const nt_trust_hooks *hooks, const nt_mdns_event *ev,
                               nt_trust_level level, uint64_t now_ms, nt_trust_zk_info *out)
{
    nt_dns_name full;
    return hooks && ev->kind != NT_MDNS_EV_REJECTED && ev->kind != NT_MDNS_EV_SERVICE_REMOVED &&
           level >= NT_TRUST_TRUSTED && nt_chain_view_instance_name(&full, ev) == NT_OK &&
           nt_trust_hooks_zk_of(hooks, &full, now_ms, out) == NT_OK;
}

nt_status nt_chain_view_create(nt_chain_view **out, const nt_chain_view_config *cfg)
{
    nt_chain_view *v = nt_calloc(1, sizeof *v);
    nt_status st;
    if (!v)
        return NT_ERR_NOMEM;
    v->cfg = *cfg;
    if (!v->cfg.max_age_s)
        v->cfg.max_age_s = NT_CHAIN_MAX_AGE_DEFAULT;
    if ((st = nt_chain_watch_create(&v->watch, cfg->rpc_url, cfg->registry,
                                    NT_CHAIN_TIMEOUT_MS)) != NT_OK) {
        nt_free(v);
        return st;
    }
    v->cfg.rpc_url = NULL; /* the worker's client has its copy; the caller's may go */
    *out = v;
    return NT_OK;
}

void nt_chain_view_destroy(nt_chain_view *v)
{
    if (!v)
        return;
    nt_chain_watch_destroy(v->watch);
    while (v->nw)
        nt_free(v->w[--v->nw]);
    nt_free(v);
}

int nt_chain_view_fd(const nt_chain_view *v)
{
    return nt_chain_watch_fd(v->watch);
}

uint64_t nt_chain_view_failures(const nt_chain_view *v)
{
    return v->failures;
}

uint64_t nt_chain_view_block(const nt_chain_view *v, const nt_dns_name *signer)
{
    nt_trust_chain_info ci;
    if (nt_trust_hooks_chain_get(v->cfg.hooks, signer, &ci) != NT_OK ||
        ci.state != NT_TRUST_CHAIN_BOUND)
        return 0;
    return ci.block;
}

bool nt_chain_view_vouches(const nt_chain_view *v, const nt_trust_signer_info *si,
                           uint64_t *block)
{
    nt_trust_chain_info ci;
    if (!v || si->level == NT_TRUST_UNSIGNED || si->pin == NT_TRUST_PIN_OPERATOR ||
        nt_trust_hooks_chain_get(v->cfg.hooks, &si->signer, &ci) != NT_OK ||
        ci.state != NT_TRUST_CHAIN_BOUND || memcmp(ci.digest, si->key_digest, 32) != 0)
        return false;
    if (block)
        *block = ci.block;
    return true;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    size_t i;
    for (i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* True if the question keyed key may be asked now (not asked within
 * ASK_GAP_MS); notes the time. */
static bool may_ask(nt_chain_view *v, uint64_t key, uint64_t now_ms)
{
    asked *a = &v->throttle[key % THROTTLE_SLOTS];
    if (a->key == key && now_ms - a->at_ms < ASK_GAP_MS)
        return false;
    a->key = key;
    a->at_ms = now_ms;
    return true;
}

static void ask_key(nt_chain_view *v, const nt_dns_name *signer, uint64_t now_ms)
{
    nt_dns_name lower = *signer;
    nt_dns_name_lower(&lower);
    if (may_ask(v, fnv(0xcbf29ce484222325ull, lower.wire, lower.len), now_ms))
        (void)nt_chain_watch_ask_key(v->watch, &lower);
}

static void ask_root(nt_chain_view *v, const uint8_t log_id[32], uint64_t size, uint64_t now_ms)
{
    uint64_t k = fnv(fnv(0x84222325cbf29ce4ull, log_id, 32), &size, sizeof size);
    if (may_ask(v, k, now_ms))
        (void)nt_chain_watch_ask_root(v->watch, log_id, size);
}

static void set_reason(nt_mdns_event *e, nt_status why)
{
    e->kind = NT_MDNS_EV_REJECTED;
    snprintf(e->reason, sizeof e->reason, "%s", nt_trust_reason_token(why));
}

static bool chain_word(nt_chain_view *v, const nt_trust_signer_info *si, uint8_t *level,
                       uint64_t now_ms);

/* The judgement of ev as things stand (asking what is missing): flags SHOW
 * (*show as it is to be shown) and REJECT (*rej the rejection). */
static unsigned judge_now(nt_chain_view *v, const nt_mdns_event *ev, nt_mdns_event *show,
                          nt_mdns_event *rej, uint64_t now_ms)
{
    nt_dns_name full;
    nt_trust_signer_info si;
    nt_trust_anchor_info ai;
    bool signed_ = false;

    *show = *ev;
    if (nt_chain_view_instance_name(&full, ev) != NT_OK)
        return SHOW;
    signed_ = nt_trust_hooks_signer_of(v->cfg.hooks, &full, &si) == NT_OK &&
              si.level != NT_TRUST_UNSIGNED;
    /* A chain binding defends the name like a pin. */
    if (signed_ && !chain_word(v, &si, &show->trust, now_ms)) {
        *rej = *ev;
        set_reason(rej, NT_ERR_TRUST_WRONG_KEY);
        return REJECT;
    }
    if (!signed_ || show->trust < NT_TRUST_TRUSTED)
        return SHOW;
    nt_trust_hooks_anchor_of(v->cfg.hooks, &full, &ai);
    if (ai.state == NT_TRUST_ANCHOR_WAIT && ai.need_root)
        ask_root(v, ai.log_id, ai.size, now_ms);
    if (ai.state == NT_TRUST_ANCHOR_OK && memcmp(ai.key_digest, si.key_digest, 32) == 0 &&
        show->trust == NT_TRUST_TRUSTED)
        show->trust = NT_TRUST_ANCHORED;
    if (ai.state == NT_TRUST_ANCHOR_BAD) {
        *rej = *ev;
        set_reason(rej, ai.reason);
        return SHOW | REJECT;
    }
    return SHOW;
}

/* The chain's word on a key signer signed with: raises *level from
 * self-signed to trusted when the chain binds signer to digest; false when
 * it binds signer to another key (and the operator did not pin this one). */
static bool chain_word(nt_chain_view *v, const nt_trust_signer_info *si, uint8_t *level,
                       uint64_t now_ms)
{
    nt_trust_chain_info ci;
    bool have = nt_trust_hooks_chain_get(v->cfg.hooks, &si->signer, &ci) == NT_OK;
    if (!have || now_ms - ci.read_ms > (uint64_t)v->cfg.max_age_s * 1000u)
        ask_key(v, &si->signer, now_ms);
    if (!have || ci.state != NT_TRUST_CHAIN_BOUND ||
        memcmp(ci.digest, si->key_digest, 32) != 0) {
        /* Records judged trusted on the chain's word while it held (a
         * revocation or rotation read since): that trust is gone. */
        if (si->pin == NT_TRUST_PIN_CHAIN && *level > NT_TRUST_SELF_SIGNED)
            *level = NT_TRUST_SELF_SIGNED;
    }
    if (!have || ci.state != NT_TRUST_CHAIN_BOUND)
        return true;
    if (memcmp(ci.digest, si->key_digest, 32) != 0)
        return si->pin == NT_TRUST_PIN_OPERATOR;
    if (*level == NT_TRUST_SELF_SIGNED)
        *level = NT_TRUST_TRUSTED;
    return true;
}

unsigned nt_chain_view_judge_host(nt_chain_view *v, const nt_mdns_event *ev, nt_mdns_event *show,
                                  nt_mdns_event *rej, uint64_t now_ms)
{
    nt_dns_name host;
    nt_trust_signer_info si;
    *show = *ev;
    if (nt_dns_name_from_str(&host, ev->host) != NT_OK ||
        nt_trust_hooks_signer_of(v->cfg.hooks, &host, &si) != NT_OK ||
        si.level == NT_TRUST_UNSIGNED)
        return SHOW;
    if (!chain_word(v, &si, &show->trust, now_ms)) {
        *rej = *ev;
        set_reason(rej, NT_ERR_TRUST_WRONG_KEY);
        return REJECT;
    }
    return SHOW;
}

static size_t watch_find(const nt_chain_view *v, const nt_mdns_event *ev)
{
    size_t i;
    for (i = 0; i < v->nw; i++) {
        const nt_mdns_event *e = &v->w[i]->ev;
        if (v->cfg.per_query && e->query != ev->query)
            continue;
        if (e->ifindex == ev->ifindex && strcmp(e->instance, ev->instance) == 0 &&
            strcmp(e->type, ev->type) == 0 && strcmp(e->domain, ev->domain) == 0)
            return i;
    }
    return SIZE_MAX;
}

unsigned nt_chain_view_judge(nt_chain_view *v, const nt_mdns_event *ev, nt_mdns_event *show,
                             nt_mdns_event *rej, uint64_t now_ms)
{
    size_t at = watch_find(v, ev);
    unsigned flags, before = 0;
    bool gone;
    watched *w = NULL;

    *show = *ev;
    if (ev->kind == NT_MDNS_EV_SERVICE_REMOVED) {
        if (at != SIZE_MAX) {
            nt_free(v->w[at]);
            v->w[at] = v->w[--v->nw];
        }
        return SHOW;
    }
    if (ev->kind != NT_MDNS_EV_SERVICE_ADDED && ev->kind != NT_MDNS_EV_SERVICE_UPDATED)
        return SHOW;
    if (at != SIZE_MAX) {
        w = v->w[at];
        before = w->shown;
    } else if (v->nw < WATCH_MAX && (w = nt_calloc(1, sizeof *w)) != NULL) {
        v->w[v->nw++] = w;
    }
    flags = judge_now(v, ev, show, rej, now_ms);
    /* Shown before and rejected now (the chain binds the name to another
     * key, read after the first records came): whoever showed it is told
     * it is gone, or it would stay listed as valid until its records
     * expire. */
    gone = (before & SHOW) && !(flags & SHOW);
    if (w) {
        w->ev = *ev;
        w->shown = flags;
        w->level = show->trust;
        snprintf(w->reason, sizeof w->reason, "%s", (flags & REJECT) ? rej->reason : "");
    }
    /* A rejection is reported when it appears, not on every repeat of the
     * records (the engine reports its own on every copy it refuses). */
    if ((flags & REJECT) && (before & REJECT) && w && strcmp(rej->reason, w->reason) == 0)
        flags &= ~(unsigned)REJECT;
    if (gone) {
        show->kind = NT_MDNS_EV_SERVICE_REMOVED;
        flags |= SHOW;
    }
    return flags;
}

/* The first failed read, said once: on stderr for a command, in the log
 * for the agent. */
static void say_failure(const nt_chain_view *v, nt_status st)
{
    if (v->cfg.log)
        NT_LOGW(v->cfg.cmd, "cannot read the chain (%s); levels stay where local evidence "
                "puts them", nt_strerror(st));
    else
        fprintf(stderr, "%s: cannot read the chain (%s); levels stay where local evidence "
                "puts them\n", v->cfg.cmd, nt_strerror(st));
}

void nt_chain_view_pass(nt_chain_view *v, const nt_mdns_event *ev, uint64_t now_ms,
                        void (*out)(void *ctx, const nt_mdns_event *e), void *ctx)
{
    static nt_mdns_event show, rej; /* large: not on the stack; one loop thread */
    unsigned flags;
    if (!v || ev->kind == NT_MDNS_EV_REJECTED) {
        out(ctx, ev);
        return;
    }
    flags = nt_chain_view_judge(v, ev, &show, &rej, now_ms);
    if (flags & REJECT)
        out(ctx, &rej);
    if (flags & SHOW)
        out(ctx, &show);
}

void nt_chain_view_forget_query(nt_chain_view *v, nt_mdns_query_id query)
{
    size_t i = 0;
    if (!v || !v->cfg.per_query)
        return;
    while (i < v->nw) {
        if (v->w[i]->ev.query != query) {
            i++;
            continue;
        }
        nt_free(v->w[i]);
        v->w[i] = v->w[--v->nw];
    }
}

void nt_chain_view_poll(nt_chain_view *v, uint64_t now_ms,
                        void (*again)(void *ctx, const nt_mdns_event *ev), void *ctx)
{
    static nt_mdns_event show, rej, copy;
    nt_chain_answer a;
    size_t i;

    while (nt_chain_watch_next(v->watch, &a)) {
        nt_status st = a.st;
        if (st == NT_OK && a.kind == NT_CHAIN_ASK_KEY)
            st = nt_trust_hooks_chain_set(v->cfg.hooks, &a.name, &a.info);
        else if (st == NT_OK)
            st = nt_trust_hooks_root_set(v->cfg.hooks, a.log_id, a.size, a.found ? a.root : NULL);
        if (st != NT_OK) {
            v->failures++;
            if (!v->said)
                say_failure(v, st);
            v->said = true;
        }
    }
    for (i = 0; i < v->nw; i++) {
        watched *w = v->w[i];
        unsigned flags = judge_now(v, &w->ev, &show, &rej, now_ms);
        if (flags != w->shown || ((flags & SHOW) && show.trust != w->level) ||
            ((flags & REJECT) && strcmp(rej.reason, w->reason) != 0)) {
            copy = w->ev;
            copy.kind = NT_MDNS_EV_SERVICE_UPDATED;
            again(ctx, &copy);
            /* again() may have changed the list (removed is never passed
             * to it, so the entry stays). */
        }
    }
}
