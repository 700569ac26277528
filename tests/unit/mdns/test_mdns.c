/* Engine tests on a simulated LAN (lan.c): RFC 6762 / 6763 behaviour with a
 * simulated clock, two or more engines back to back, and crafted packets
 * from a fake host for the shapes the engines would not produce. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "lan.h"
#include "nautilus/mem.h"

static nt_dns_msg g_msg;
static lan g_lan;

/* ---- helpers ---------------------------------------------------------------- */

static void name(nt_dns_name *n, const char *text)
{
    assert_int_equal(nt_dns_name_from_str(n, text), NT_OK);
}

static const nt_dns_msg *parse(const lan_pkt *p)
{
    assert_int_equal(nt_dns_msg_parse(&g_msg, p->data, p->len), NT_OK);
    return &g_msg;
}

/* True if the section holds a record of type with owner text. */
static bool has_rr(const nt_dns_msg *m, nt_dns_section sec, const char *owner, uint16_t type)
{
    nt_dns_name want, got;
    size_t i;
    name(&want, owner);
    for (i = 0; i < m->count[sec]; i++) {
        const nt_dns_rr *rr = nt_dns_msg_get(m, sec, i);
        nt_dns_rr_owner(m, rr, &got);
        if (rr->type == type && nt_dns_name_equal(&want, &got))
            return true;
    }
    return false;
}

static const nt_dns_rr *find_rr(const nt_dns_msg *m, nt_dns_section sec, const char *owner,
                                uint16_t type)
{
    nt_dns_name want, got;
    size_t i;
    name(&want, owner);
    for (i = 0; i < m->count[sec]; i++) {
        const nt_dns_rr *rr = nt_dns_msg_get(m, sec, i);
        nt_dns_rr_owner(m, rr, &got);
        if (rr->type == type && nt_dns_name_equal(&want, &got))
            return rr;
    }
    return NULL;
}

static bool is_probe_for(const lan_pkt *p, const char *owner)
{
    const nt_dns_msg *m = parse(p);
    return (m->flags & NT_DNS_FLAG_QR) == 0 && m->count[NT_DNS_SEC_AUTHORITY] != 0 &&
           has_rr(m, NT_DNS_SEC_QUESTION, owner, NT_DNS_TYPE_ANY);
}

static bool is_response_with(const lan_pkt *p, const char *owner, uint16_t type)
{
    const nt_dns_msg *m = parse(p);
    return (m->flags & NT_DNS_FLAG_QR) != 0 && has_rr(m, NT_DNS_SEC_ANSWER, owner, type);
}

static bool is_query_for(const lan_pkt *p, const char *owner, uint16_t type)
{
    const nt_dns_msg *m = parse(p);
    return (m->flags & NT_DNS_FLAG_QR) == 0 && m->count[NT_DNS_SEC_AUTHORITY] == 0 &&
           has_rr(m, NT_DNS_SEC_QUESTION, owner, type);
}

static size_t log_mark(void) { return g_lan.nlog; }

/* Builds a query with one question and optional known answers. */
static size_t make_query(uint8_t *buf, size_t cap, uint16_t id, uint16_t flags, const char *qname,
                         uint16_t qtype, bool qu, const nt_dns_record *kas, size_t nka)
{
    nt_dns_builder b;
    nt_dns_name qn;
    size_t i;
    assert_int_equal(nt_dns_builder_init(&b, buf, cap, id, flags), NT_OK);
    if (qname != NULL) {
        name(&qn, qname);
        assert_int_equal(nt_dns_builder_add_question(&b, &qn, qtype, NT_DNS_CLASS_IN, qu), NT_OK);
    }
    for (i = 0; i < nka; i++)
        assert_int_equal(nt_dns_builder_add_record(&b, NT_DNS_SEC_ANSWER, &kas[i]), NT_OK);
    return nt_dns_builder_len(&b);
}

static size_t make_response(uint8_t *buf, size_t cap, const nt_dns_record *rrs, size_t n)
{
    nt_dns_builder b;
    size_t i;
    assert_int_equal(nt_dns_builder_init(&b, buf, cap, 0, NT_DNS_FLAG_QR | NT_DNS_FLAG_AA), NT_OK);
    for (i = 0; i < n; i++)
        assert_int_equal(nt_dns_builder_add_record(&b, NT_DNS_SEC_ANSWER, &rrs[i]), NT_OK);
    return nt_dns_builder_len(&b);
}

static void rec_a(nt_dns_record *r, const char *owner, const uint8_t *addr4, uint32_t ttl,
                  bool flush)
{
    memset(r, 0, sizeof(*r));
    name(&r->owner, owner);
    r->type = NT_DNS_TYPE_A;
    r->rclass = NT_DNS_CLASS_IN;
    r->mdns_bit = flush;
    r->ttl = ttl;
    r->rdata = addr4;
    r->rdlength = 4;
}

/* PTR owner -> target, rdata in storage (>= 256 bytes). */
static void rec_ptr(nt_dns_record *r, const char *owner, const char *target, uint8_t *storage,
                    uint32_t ttl)
{
    nt_dns_name t;
    memset(r, 0, sizeof(*r));
    name(&r->owner, owner);
    name(&t, target);
    memcpy(storage, t.wire, t.len);
    r->type = NT_DNS_TYPE_PTR;
    r->rclass = NT_DNS_CLASS_IN;
    r->ttl = ttl;
    r->rdata = storage;
    r->rdlength = t.len;
}

typedef struct walk {
    size_t n;
    uint16_t type;
    uint8_t last_byte[16];
} walk;

static void walk_fn(void *ctx, const nt_mdns_cache_entry *e)
{
    walk *w = ctx;
    if (w->type != 0 && e->rr.type != w->type)
        return;
    if (w->n < 16 && e->rr.rdata_len != 0)
        w->last_byte[w->n] = e->rr.rdata[e->rr.rdata_len - 1];
    w->n++;
}

static walk cache_of(int i, uint16_t type)
{
    walk w;
    memset(&w, 0, sizeof(w));
    w.type = type;
    nt_mdns_cache_walk(g_lan.e[i], 0, walk_fn, &w);
    return w;
}

static bool walk_has(const walk *w, uint8_t last)
{
    size_t i;
    for (i = 0; i < w->n && i < 16; i++)
        if (w->last_byte[i] == last)
            return true;
    return false;
}

static nt_mdns_query_id browse(int i, const char *type, bool resolve)
{
    nt_mdns_query_config q;
    nt_mdns_query_id id;
    memset(&q, 0, sizeof(q));
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = type;
    q.resolve = resolve;
    assert_int_equal(nt_mdns_query_add(g_lan.e[i], &id, &q, g_lan.now), NT_OK);
    return id;
}

static int setup(void **state)
{
    (void)state;
    memset(&g_lan, 0, sizeof(g_lan));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lan_cleanup(&g_lan);
    return 0;
}

/* ---- probing and announcing (§8) ------------------------------------------- */

static void test_probe_schedule(void **state)
{
    lan *l = &g_lan;
    uint64_t probes[8], ann[8];
    size_t np = 0, na = 0, i;
    const nt_dns_rr *q;
    (void)state;
    lan_init(l, 2, 1);
    lan_run_until(l, 5000); /* host names settle */
    i = log_mark();
    lan_publish(l, 0, "Printer", "_ipp._tcp", 631, 0);
    lan_run_until(l, 15000);
    for (; i < l->nlog; i++) {
        if (l->log[i].from != 0)
            continue;
        if (is_probe_for(&l->log[i], "Printer._ipp._tcp.local") && np < 8) {
            const nt_dns_msg *m = parse(&l->log[i]);
            q = nt_dns_msg_get(m, NT_DNS_SEC_QUESTION, 0);
            /* §8.1: first probe QU, later ones QM; authority holds SRV+TXT. */
            assert_int_equal((q->flags & NT_DNS_RR_MDNS_BIT) != 0, np == 0);
            assert_true(has_rr(m, NT_DNS_SEC_AUTHORITY, "Printer._ipp._tcp.local", NT_DNS_TYPE_SRV));
            probes[np++] = l->log[i].t;
        } else if (is_response_with(&l->log[i], "Printer._ipp._tcp.local", NT_DNS_TYPE_SRV) &&
                   na < 8) {
            ann[na++] = l->log[i].t;
        }
    }
    assert_int_equal(np, 3);
    assert_true(probes[0] >= 5000 && probes[0] <= 5250);
    assert_int_equal(probes[1] - probes[0], 250);
    assert_int_equal(probes[2] - probes[1], 250);
    /* §8.3: announcements start after the last probe window, >= 1 s apart. */
    assert_true(na >= 2);
    assert_int_equal(ann[0] - probes[2], 250);
    for (i = 1; i < na; i++)
        assert_true(ann[i] - ann[i - 1] >= 1000);
    assert_non_null(lan_event(l, 0, NT_MDNS_EV_PUBLISH_PROBING, 0));
    assert_non_null(lan_event(l, 0, NT_MDNS_EV_PUBLISH_ESTABLISHED, 0));
    assert_null(lan_event(l, 0, NT_MDNS_EV_PUBLISH_CONFLICT, 0));
}

/* §8.2: both probe the same name at once; the later SRV (higher port) wins,
 * the other renames to "Name (2)" once and the result stays. */
static void test_tiebreak(void **state)
{
    lan *l = &g_lan;
    char a[64], b[64];
    nt_mdns_service_id ia, ib;
    (void)state;
    lan_init(l, 2, 2);
    lan_run_until(l, 3000);
    ia = lan_publish(l, 0, "Twin", "_http._tcp", 8080, 0);
    ib = lan_publish(l, 1, "Twin", "_http._tcp", 9090, 0);
    lan_run_until(l, 30000);
    assert_int_equal(nt_mdns_service_get_instance(l->e[0], ia, a, sizeof(a)), NT_OK);
    assert_int_equal(nt_mdns_service_get_instance(l->e[1], ib, b, sizeof(b)), NT_OK);
    assert_string_equal(b, "Twin");
    assert_string_equal(a, "Twin (2)");
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_PUBLISH_CONFLICT), 1);
    assert_int_equal(lan_event_count(l, 1, NT_MDNS_EV_PUBLISH_CONFLICT), 0);
    assert_string_equal(lan_event(l, 0, NT_MDNS_EV_PUBLISH_CONFLICT, 0)->previous, "Twin");
    /* No flapping: a long time later nothing changed. */
    lan_run_until(l, 200000);
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_PUBLISH_CONFLICT), 1);
    assert_int_equal(lan_event_count(l, 1, NT_MDNS_EV_PUBLISH_CONFLICT), 0);
}

/* §8.1/§9: a newcomer probing a name in use loses to the defender. */
static void test_conflict_rename(void **state)
{
    lan *l = &g_lan;
    char a[64], b[64];
    nt_mdns_service_id ia, ib, ic;
    nt_mdns_stats st;
    (void)state;
    lan_init(l, 2, 3);
    lan_run_until(l, 2000);
    ia = lan_publish(l, 0, "Cam", "_rtsp._tcp", 554, 0);
    lan_run_until(l, 10000);
    ib = lan_publish(l, 1, "Cam", "_rtsp._tcp", 1554, 0);
    lan_run_until(l, 20000);
    ic = lan_publish(l, 1, "Cam", "_rtsp._tcp", 2554, 0);
    lan_run_until(l, 40000);
    assert_int_equal(nt_mdns_service_get_instance(l->e[0], ia, a, sizeof(a)), NT_OK);
    assert_int_equal(nt_mdns_service_get_instance(l->e[1], ib, b, sizeof(b)), NT_OK);
    assert_string_equal(a, "Cam");
    assert_string_equal(b, "Cam (2)");
    assert_int_equal(nt_mdns_service_get_instance(l->e[1], ic, b, sizeof(b)), NT_OK);
    assert_string_equal(b, "Cam (3)");
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_PUBLISH_CONFLICT), 0);
    nt_mdns_stats_get(l->e[1], &st);
    assert_true(st.conflicts >= 2);
    lan_run_until(l, 300000);
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_PUBLISH_CONFLICT), 0);
    assert_int_equal(lan_event_count(l, 1, NT_MDNS_EV_PUBLISH_CONFLICT), 2);
}

/* §8.1: a host that claims every name we try: after 15 conflicts in 10 s,
 * probes are 5 s apart. */
static void test_conflict_backoff(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512];
    static const uint8_t srv[] = {0, 0, 0, 0, 0, 80, 1, 'z', 5, 'l', 'o', 'c', 'a', 'l', 0};
    nt_dns_record r;
    nt_mdns_service_id id;
    size_t len, i, done = 0;
    uint64_t probe_t[64];
    size_t np = 0;
    char inst[64], owner[128];
    (void)state;
    lan_init(l, 1, 26);
    lan_run_until(l, 2000);
    id = lan_publish(l, 0, "Hunted", "_h._tcp", 1, 0);
    while (l->now < 60000 && np < 64) {
        size_t mark = log_mark();
        lan_run_until(l, nt_mdns_next_wakeup(l->e[0]));
        for (i = mark; i < l->nlog; i++) {
            assert_int_equal(nt_mdns_service_get_instance(l->e[0], id, inst, sizeof(inst)), NT_OK);
            snprintf(owner, sizeof(owner), "%s._h._tcp.local", inst);
            if (!is_probe_for(&l->log[i], owner))
                continue;
            probe_t[np++] = l->log[i].t;
            /* Claim the name being probed. */
            memset(&r, 0, sizeof(r));
            name(&r.owner, owner);
            r.type = NT_DNS_TYPE_SRV;
            r.rclass = NT_DNS_CLASS_IN;
            r.mdns_bit = true;
            r.ttl = 120;
            r.rdata = srv;
            r.rdlength = sizeof(srv);
            len = make_response(buf, sizeof(buf), &r, 1);
            lan_inject(l, 0, "10.0.0.77", 5353, true, buf, len);
            done++;
            break;
        }
    }
    assert_true(np >= 18);
    /* The first 15 conflicts come quickly (< 250 ms apart)... */
    for (i = 1; i < 15; i++)
        assert_true(probe_t[i] - probe_t[i - 1] <= 250);
    /* ... then at least 5 s between attempts while the conflicts go on. */
    for (i = 15; i < np; i++)
        assert_true(probe_t[i] - probe_t[i - 1] >= 5000);
    assert_true(done >= 18);
}

/* ---- browse, resolve, goodbye ---------------------------------------------- */

static void test_browse_resolve_goodbye(void **state)
{
    lan *l = &g_lan;
    const nt_mdns_event *ev;
    nt_mdns_service_id id;
    const char *key;
    const uint8_t *val;
    size_t kl, vl, pos = 0;
    bool hv;
    uint64_t t_del, t_rm = 0;
    size_t i;
    (void)state;
    lan_init(l, 2, 4);
    lan_run_until(l, 1000);
    id = lan_publish(l, 0, "Office Printer", "_ipp._tcp", 631, 0);
    lan_run_until(l, 5000);
    browse(1, "_ipp._tcp", true);
    lan_run_until(l, 8000);
    ev = lan_event(l, 1, NT_MDNS_EV_SERVICE_ADDED, 0);
    assert_non_null(ev);
    assert_string_equal(ev->instance, "Office Printer");
    assert_string_equal(ev->type, "_ipp._tcp");
    assert_string_equal(ev->domain, "local");
    assert_int_equal(ev->ifindex, 1);
    /* RFC 6763 §12: the PTR answer brought SRV, TXT and A along. */
    assert_true(ev->have_srv);
    assert_string_equal(ev->host, "h0.local");
    assert_int_equal(ev->port, 631);
    assert_true(ev->have_txt);
    assert_int_equal(nt_mdns_txt_next(ev->txt, ev->txt_len, &pos, &key, &kl, &val, &vl, &hv),
                     NT_OK);
    assert_int_equal(kl, 4);
    assert_memory_equal(key, "path", 4);
    assert_true(hv);
    assert_int_equal(vl, 2);
    assert_memory_equal(val, "/x", 2);
    assert_int_equal(nt_mdns_txt_next(ev->txt, ev->txt_len, &pos, &key, &kl, &val, &vl, &hv),
                     NT_OK);
    assert_false(hv);
    assert_int_equal(nt_mdns_txt_next(ev->txt, ev->txt_len, &pos, &key, &kl, &val, &vl, &hv),
                     NT_ERR_NOT_FOUND);
    assert_int_equal(ev->addr_count, 1);
    assert_int_equal(ev->addrs[0].family, NT_MDNS_INET4);
    assert_memory_equal(ev->addrs[0].bytes, "\x0a\x00\x00\x01", 4);
    assert_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_REMOVED, 0));

    /* §10.1: goodbye, then removal one second later. */
    t_del = l->now;
    assert_int_equal(nt_mdns_service_del(l->e[0], id, l->now), NT_OK);
    for (i = 0; i < 40 && t_rm == 0; i++) {
        lan_run_until(l, l->now + 50);
        if (lan_event(l, 1, NT_MDNS_EV_SERVICE_REMOVED, 0) != NULL)
            t_rm = l->now;
    }
    assert_true(t_rm >= t_del + 1000 && t_rm <= t_del + 1050);
    ev = lan_event(l, 1, NT_MDNS_EV_SERVICE_REMOVED, 0);
    assert_string_equal(ev->instance, "Office Printer");
    assert_non_null(lan_event(l, 0, NT_MDNS_EV_PUBLISH_WITHDRAWN, 0));
}

static void test_resolve_host_and_types(void **state)
{
    lan *l = &g_lan;
    nt_mdns_query_config q;
    nt_mdns_query_id id;
    const nt_mdns_event *ev;
    nt_mdns_service_config s;
    nt_mdns_service_id sid;
    bool found = false;
    size_t i;
    (void)state;
    lan_init(l, 2, 5);
    memset(&s, 0, sizeof(s));
    s.instance = "Web";
    s.type = "_http._tcp";
    s.subtypes[0] = "_printer";
    s.port = 80;
    s.priority = 3;
    s.weight = 7;
    assert_int_equal(nt_mdns_service_add(l->e[0], &sid, &s, l->now), NT_OK);
    lan_run_until(l, 5000);

    memset(&q, 0, sizeof(q));
    q.kind = NT_MDNS_Q_RESOLVE;
    q.instance = "Web";
    q.type = "_http._tcp";
    assert_int_equal(nt_mdns_query_add(l->e[1], &id, &q, l->now), NT_OK);
    memset(&q, 0, sizeof(q));
    q.kind = NT_MDNS_Q_HOST;
    q.host = "h0.local";
    assert_int_equal(nt_mdns_query_add(l->e[1], &id, &q, l->now), NT_OK);
    memset(&q, 0, sizeof(q));
    q.kind = NT_MDNS_Q_TYPES;
    assert_int_equal(nt_mdns_query_add(l->e[1], &id, &q, l->now), NT_OK);
    memset(&q, 0, sizeof(q));
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = "_printer._sub._http._tcp";
    assert_int_equal(nt_mdns_query_add(l->e[1], &id, &q, l->now), NT_OK);
    lan_run_until(l, 9000);

    ev = lan_event(l, 1, NT_MDNS_EV_SERVICE_ADDED, 0);
    assert_non_null(ev);
    assert_string_equal(ev->instance, "Web");
    assert_int_equal(ev->port, 80);
    assert_int_equal(ev->priority, 3);
    assert_int_equal(ev->weight, 7);
    assert_string_equal(ev->host, "h0.local");
    ev = lan_event(l, 1, NT_MDNS_EV_HOST_RESOLVED, 0);
    assert_non_null(ev);
    assert_string_equal(ev->host, "h0.local");
    assert_int_equal(ev->addr_count, 1);
    assert_memory_equal(ev->addrs[0].bytes, "\x0a\x00\x00\x01", 4);
    for (i = 0; (ev = lan_event(l, 1, NT_MDNS_EV_TYPE_ADDED, i)) != NULL; i++)
        if (strcmp(ev->type, "_http._tcp") == 0)
            found = true;
    assert_true(found);
    /* The subtype browse found the instance too (RFC 6763 §7.1). */
    found = false;
    for (i = 0; (ev = lan_event(l, 1, NT_MDNS_EV_SERVICE_ADDED, i)) != NULL; i++)
        if (ev->query == id && strcmp(ev->instance, "Web") == 0)
            found = true;
    assert_true(found);
}

/* RFC 6763 §9: the enumeration PTR to a type stays while one of our
 * services of that type is still published. */
static void test_type_enum_shared(void **state)
{
    lan *l = &g_lan;
    nt_mdns_query_config q;
    nt_mdns_query_id id;
    nt_mdns_service_id a;
    (void)state;
    lan_init(l, 2, 24);
    a = lan_publish(l, 0, "One", "_two._tcp", 1, 0);
    lan_publish(l, 0, "Two", "_two._tcp", 2, 0);
    memset(&q, 0, sizeof(q));
    q.kind = NT_MDNS_Q_TYPES;
    assert_int_equal(nt_mdns_query_add(l->e[1], &id, &q, l->now), NT_OK);
    lan_run_until(l, 8000);
    assert_int_equal(lan_event_count(l, 1, NT_MDNS_EV_TYPE_ADDED), 1);
    assert_int_equal(nt_mdns_service_del(l->e[0], a, l->now), NT_OK);
    lan_run_until(l, 20000);
    assert_int_equal(lan_event_count(l, 1, NT_MDNS_EV_TYPE_REMOVED), 0);
    nt_mdns_shutdown(l->e[0], l->now);
    lan_run_until(l, 22000);
    assert_int_equal(lan_event_count(l, 1, NT_MDNS_EV_TYPE_REMOVED), 1);
}

/* ---- cache (§10) ---------------------------------------------------------------- */

static void test_ttl_refresh(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512], st[256];
    nt_dns_record r;
    size_t len, i, mark;
    uint64_t t0;
    int win[4] = {0, 0, 0, 0};
    (void)state;
    lan_init(l, 1, 6);
    lan_run_until(l, 2000);
    browse(0, "_foo._tcp", false);
    lan_run_until(l, 2500);
    t0 = l->now;
    rec_ptr(&r, "_foo._tcp.local", "X._foo._tcp.local", st, 100);
    len = make_response(buf, sizeof(buf), &r, 1);
    mark = log_mark();
    lan_inject(l, 0, "10.0.0.77", 5353, true, buf, len);
    assert_non_null(lan_event(l, 0, NT_MDNS_EV_SERVICE_ADDED, 0));
    lan_run_until(l, t0 + 99000);
    /* §5.2: queries at 80-82 %, 85-87 %, 90-92 %, 95-97 % of the TTL. */
    for (i = mark; i < l->nlog; i++) {
        uint64_t dt;
        if (!is_query_for(&l->log[i], "_foo._tcp.local", NT_DNS_TYPE_PTR))
            continue;
        dt = l->log[i].t - t0;
        if (dt >= 80000 && dt <= 82000)
            win[0]++;
        else if (dt >= 85000 && dt <= 87000)
            win[1]++;
        else if (dt >= 90000 && dt <= 92000)
            win[2]++;
        else if (dt >= 95000 && dt <= 97000)
            win[3]++;
        else
            assert_true(dt < 80000); /* the backoff series: 1, 2, 4, ... 64 s */
    }
    for (i = 0; i < 4; i++)
        assert_int_equal(win[i], 1);
    lan_run_until(l, t0 + 100500);
    assert_non_null(lan_event(l, 0, NT_MDNS_EV_SERVICE_REMOVED, 0));
}

static void test_cache_flush(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512];
    static const uint8_t a1[4] = {10, 0, 0, 51}, a2[4] = {10, 0, 0, 52}, a3[4] = {10, 0, 0, 53};
    nt_dns_record r[2];
    size_t len;
    walk w;
    (void)state;
    lan_init(l, 1, 7);
    lan_run_until(l, 1000);
    /* Two cache-flush records in one packet both stay (§10.2). */
    rec_a(&r[0], "dev.local", a1, 120, true);
    rec_a(&r[1], "dev.local", a2, 120, true);
    len = make_response(buf, sizeof(buf), r, 2);
    lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
    w = cache_of(0, NT_DNS_TYPE_A);
    assert_int_equal(w.n, 2);
    /* Two seconds later a new address with cache-flush: the old ones go
     * one second after that. */
    lan_run_until(l, 3000);
    rec_a(&r[0], "dev.local", a3, 120, true);
    len = make_response(buf, sizeof(buf), r, 1);
    lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
    w = cache_of(0, NT_DNS_TYPE_A);
    assert_int_equal(w.n, 3);
    lan_run_until(l, 3999);
    assert_int_equal(cache_of(0, NT_DNS_TYPE_A).n, 3);
    lan_run_until(l, 4001);
    w = cache_of(0, NT_DNS_TYPE_A);
    assert_int_equal(w.n, 1);
    assert_true(walk_has(&w, 53));
    /* Without the bit, records accumulate (shared). */
    rec_a(&r[0], "dev.local", a1, 120, false);
    len = make_response(buf, sizeof(buf), r, 1);
    lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
    assert_int_equal(cache_of(0, NT_DNS_TYPE_A).n, 2);
}

static void test_poof(void **state)
{
    lan *l = &g_lan;
    uint64_t t_unplug, t_rm = 0;
    size_t i;
    (void)state;
    lan_init(l, 3, 8);
    l->plugged[2] = false; /* joins after the publisher left */
    lan_run_until(l, 1000);
    lan_publish(l, 0, "Gone", "_ftp._tcp", 21, 0);
    lan_run_until(l, 5000);
    browse(1, "_ftp._tcp", false);
    lan_run_until(l, 8000);
    assert_non_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_ADDED, 0));
    /* The publisher vanishes without goodbyes. */
    l->plugged[0] = false;
    l->plugged[2] = true;
    t_unplug = l->now;
    /* A third host asks for the type: its queries should draw the PTR
     * but nobody answers (§10.5). */
    browse(2, "_ftp._tcp", false);
    for (i = 0; i < 400 && t_rm == 0; i++) {
        lan_run_until(l, l->now + 100);
        if (lan_event(l, 1, NT_MDNS_EV_SERVICE_REMOVED, 0) != NULL)
            t_rm = l->now;
    }
    assert_true(t_rm != 0);
    /* Well before the 4500 s TTL: ten seconds after the first query. */
    assert_true(t_rm - t_unplug <= 12000);
    assert_true(t_rm - t_unplug >= 10000);
}

/* §10.5 counts queries that should draw a multicast answer, without it
 * among their known answers. A QU question (§5.4) may be answered by
 * unicast to the asker alone, and a truncated query's known answers come
 * in the packets after it (§7.2), where they keep the publisher quiet. So
 * neither may make a browser drop a live service as gone: not a
 * spoofer's QU queries right after the announcements (when its publisher
 * answers them by unicast), nor its truncated queries whose next packet
 * holds the service as a known answer. */
static void test_poof_qu_tc(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512], st[256];
    nt_dns_record ka;
    size_t len, i, k, mark;
    (void)state;
    for (k = 0; k < 2; k++) {
        lan_init(l, 2, 46);
        lan_publish(l, 0, "Live", "_qu._tcp", 21, 0);
        browse(1, "_qu._tcp", false);
        lan_run_until(l, 8000);
        assert_non_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_ADDED, 0));
        rec_ptr(&ka, "_qu._tcp.local", "Live._qu._tcp.local", st, 4500);
        mark = log_mark();
        for (i = 0; i < 3; i++) {
            len = make_query(buf, sizeof(buf), 0, k == 0 ? 0 : NT_DNS_FLAG_TC, "_qu._tcp.local",
                             NT_DNS_TYPE_PTR, k == 0, NULL, 0);
            lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
            lan_inject(l, 1, "10.0.0.66", 5353, true, buf, len);
            if (k == 1) {
                len = make_query(buf, sizeof(buf), 0, 0, NULL, 0, false, &ka, 1);
                lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
                lan_inject(l, 1, "10.0.0.66", 5353, true, buf, len);
            }
            lan_run_until(l, l->now + 1000);
        }
        /* Nothing went to the browser (unicast, or suppressed). */
        for (i = mark; i < l->nlog; i++)
            assert_false(l->log[i].from == 0 && l->log[i].dst.addr.bytes[0] == 224 &&
                         is_response_with(&l->log[i], "_qu._tcp.local", NT_DNS_TYPE_PTR));
        lan_run_until(l, l->now + 12000);
        assert_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_REMOVED, 0));
        if (k == 0)
            lan_cleanup(l); /* the second is teardown's */
    }
}

/* §10.5 against §6: a responder multicasts a record at most once a
 * second, so QM queries from a spoofer sent within a second of its answer
 * draw nothing; the browser must not take that silence as the service
 * being gone. */
static void test_poof_rate_limited(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512];
    size_t len, i;
    (void)state;
    lan_init(l, 2, 47);
    lan_publish(l, 0, "Live", "_rl._tcp", 21, 0);
    browse(1, "_rl._tcp", false);
    lan_run_until(l, 8000);
    assert_non_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_ADDED, 0));
    len = make_query(buf, sizeof(buf), 0, 0, "_rl._tcp.local", NT_DNS_TYPE_PTR, false, NULL, 0);
    lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
    lan_inject(l, 1, "10.0.0.66", 5353, true, buf, len);
    lan_run_until(l, l->now + 200);
    for (i = 0; i < 2; i++) {
        lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
        lan_inject(l, 1, "10.0.0.66", 5353, true, buf, len);
        lan_run_until(l, l->now + 300);
    }
    lan_run_until(l, l->now + 12000);
    assert_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_REMOVED, 0));
}

/* The querier's table of questions (4 per query slot, 1024) against a flood
 * of junk instances, each of which a resolving browse asks SRV and TXT of:
 * 600 junk PTRs must neither keep a later resolve from asking its question
 * nor keep the browse from refreshing (§5.2) a real instance that came
 * after them, so that it stays resolved past its SRV's TTL (120 s). */
static void test_question_table_flood(void **state)
{
    lan *l = &g_lan;
    static uint8_t buf[9000], st[200][64];
    char target[64];
    nt_dns_record r[200];
    nt_mdns_query_config qc;
    nt_mdns_query_id qid;
    size_t len, k, p, mark, i, asked = 0;
    const nt_mdns_event *ev;
    (void)state;
    lan_init(l, 2, 50);
    browse(1, "_r._tcp", true);
    lan_run_until(l, 1000);
    for (p = 0; p < 3; p++) {
        for (k = 0; k < 200; k++) {
            snprintf(target, sizeof(target), "junk%zu._r._tcp.local", p * 200 + k);
            rec_ptr(&r[k], "_r._tcp.local", target, st[k], 4500);
        }
        len = make_response(buf, sizeof(buf), r, 200);
        lan_inject(l, 1, "10.0.0.66", 5353, true, buf, len);
        l->nev[1] = 0;
    }
    lan_run_until(l, l->now + 100);
    l->nev[1] = 0;
    memset(&qc, 0, sizeof(qc));
    qc.kind = NT_MDNS_Q_RESOLVE;
    qc.type = "_s._tcp";
    qc.instance = "Elsewhere";
    mark = log_mark();
    assert_int_equal(nt_mdns_query_add(l->e[1], &qid, &qc, l->now), NT_OK);
    lan_run_until(l, l->now + 300);
    for (i = mark; i < l->nlog; i++)
        asked += l->log[i].from == 1 && is_query_for(&l->log[i], "Elsewhere._s._tcp.local",
                                                     NT_DNS_TYPE_SRV);
    assert_true(asked > 0);
    lan_publish(l, 0, "Real", "_r._tcp", 80, 0);
    lan_run_until(l, l->now + 10000);
    l->nev[1] = 0;
    lan_run_until(l, l->now + 130000);
    for (i = 0; (ev = lan_event(l, 1, NT_MDNS_EV_SERVICE_UPDATED, i)) != NULL; i++)
        if (strcmp(ev->instance, "Real") == 0)
            assert_true(ev->have_srv);
    assert_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_REMOVED, 0));
}

static void test_cache_cap_eviction(void **state)
{
    lan *l = &g_lan;
    nt_mdns_config cfg;
    nt_mdns_iface_config ifc;
    nt_mdns_ifaddr a;
    nt_mdns_stats st;
    uint8_t buf[512];
    static const uint8_t ad[5][4] = {{10, 0, 0, 61}, {10, 0, 0, 62}, {10, 0, 0, 63},
                                     {10, 0, 0, 64}, {10, 0, 0, 65}};
    static const uint32_t ttl[5] = {500, 100, 300, 400, 200};
    nt_dns_record r;
    size_t len, i;
    walk w;
    (void)state;
    memset(l, 0, sizeof(*l));
    nt_mdns_config_init(&cfg);
    cfg.host_name = "capped";
    cfg.cache_cap = 4;
    assert_int_equal(nt_mdns_create(&l->e[0], &cfg), NT_OK);
    l->n = 1;
    memset(&a, 0, sizeof(a));
    assert_int_equal(nt_mdns_addr_parse(&a.addr, "10.0.0.1"), NT_OK);
    a.prefix_len = 24;
    l->addr[0] = a.addr;
    l->plugged[0] = true;
    memset(&ifc, 0, sizeof(ifc));
    ifc.ifindex = 1;
    ifc.addrs = &a;
    ifc.addr_count = 1;
    ifc.ipv4 = true;
    assert_int_equal(nt_mdns_iface_add(l->e[0], &ifc, 0), NT_OK);
    for (i = 0; i < 5; i++) {
        rec_a(&r, "many.local", ad[i], ttl[i], false);
        len = make_response(buf, sizeof(buf), &r, 1);
        lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
    }
    w = cache_of(0, NT_DNS_TYPE_A);
    assert_int_equal(w.n, 4);
    /* The record closest to expiry (TTL 100, .62) was evicted. */
    assert_false(walk_has(&w, 62));
    assert_true(walk_has(&w, 61) && walk_has(&w, 63) && walk_has(&w, 64) && walk_has(&w, 65));
    nt_mdns_stats_get(l->e[0], &st);
    assert_int_equal(st.cache_evictions, 1);
    assert_int_equal(st.cache_records, 4);
}

static void tweak_small_cache(nt_mdns_config *cfg, int i)
{
    (void)i;
    cfg->cache_cap = 300;
    cfg->packets_per_sec = 0; /* this test is about the cache, not the input budget */
}

static void tweak_tiny_event_queue(nt_mdns_config *cfg, int i)
{
    (void)i;
    cfg->max_pending_events = 3;
}

/* Eight instances in one packet against an event queue of three, then their
 * goodbyes in one packet: every addition and every removal still reaches
 * the application, late rather than never (a refused event leaves the
 * query's view as it was, and the queries run again once the queue has
 * drained). The removals are what a bus subscriber's state depends on. */
static void test_event_queue_full(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[1024], st[8][64];
    char target[64];
    nt_dns_record r[8];
    size_t len, i, j;
    nt_mdns_stats s;
    (void)state;
    lan_init_cfg(l, 1, 31, NULL, tweak_tiny_event_queue);
    browse(0, "_q._tcp", false);
    lan_run_until(l, 1000);
    for (i = 0; i < 8; i++) {
        snprintf(target, sizeof(target), "i%zu._q._tcp.local", i);
        rec_ptr(&r[i], "_q._tcp.local", target, st[i], 4500);
    }
    len = make_response(buf, sizeof(buf), r, 8);
    lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
    lan_run_until(l, l->now + 10);
    nt_mdns_stats_get(l->e[0], &s);
    assert_true(s.events_dropped > 0); /* the queue did overflow */
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_SERVICE_ADDED), 8);
    for (i = 0; i < 8; i++)
        for (j = i + 1; j < 8; j++)
            assert_string_not_equal(lan_event(l, 0, NT_MDNS_EV_SERVICE_ADDED, i)->instance,
                                    lan_event(l, 0, NT_MDNS_EV_SERVICE_ADDED, j)->instance);
    for (i = 0; i < 8; i++)
        r[i].ttl = 0; /* goodbyes (RFC 6762 §10.1): removed one second later */
    len = make_response(buf, sizeof(buf), r, 8);
    lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
    lan_run_until(l, l->now + 1500);
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_SERVICE_REMOVED), 8);
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_SERVICE_ADDED), 8);
}

/* A host that says its addresses again, in the other order, changes nothing
 * a browser shows: no service.updated for its instance. */
static void test_reannounce_no_update(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[1024], pst[64], srv[64];
    static const uint8_t a1[4] = {10, 0, 0, 9}, a2[4] = {10, 0, 0, 10};
    nt_dns_record r[4];
    nt_dns_name t;
    size_t len;
    (void)state;
    lan_init(l, 1, 32);
    browse(0, "_o._tcp", true);
    lan_run_until(l, 1000);
    rec_ptr(&r[0], "_o._tcp.local", "x._o._tcp.local", pst, 4500);
    memset(&r[1], 0, sizeof(r[1]));
    name(&r[1].owner, "x._o._tcp.local");
    name(&t, "hx.local");
    memcpy(srv, "\0\0\0\0\0\x50", 6);
    memcpy(srv + 6, t.wire, t.len);
    r[1].type = NT_DNS_TYPE_SRV;
    r[1].rclass = NT_DNS_CLASS_IN;
    r[1].mdns_bit = true;
    r[1].ttl = 120;
    r[1].rdata = srv;
    r[1].rdlength = (uint16_t)(6 + t.len);
    rec_a(&r[2], "hx.local", a1, 120, true);
    rec_a(&r[3], "hx.local", a2, 120, true);
    len = make_response(buf, sizeof(buf), r, 4);
    lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
    lan_run_until(l, l->now + 500);
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_SERVICE_ADDED), 1);
    assert_int_equal(lan_event(l, 0, NT_MDNS_EV_SERVICE_ADDED, 0)->addr_count, 2);
    /* The same again two seconds later, then with the addresses swapped. */
    lan_run_until(l, l->now + 2000);
    lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
    lan_run_until(l, l->now + 2000);
    rec_a(&r[2], "hx.local", a2, 120, true);
    rec_a(&r[3], "hx.local", a1, 120, true);
    len = make_response(buf, sizeof(buf), r, 4);
    lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
    lan_run_until(l, l->now + 2000);
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_SERVICE_UPDATED), 0);
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_SERVICE_REMOVED), 0);
}

/* Packets that each bring new instances on one host, with the host's
 * unchanged address again (as a busy publisher sends them): the instances
 * already shown get no service.updated. */
static void test_bulk_no_update(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[1500], pst[8][64], srv[8][64];
    static const uint8_t a1[4] = {192, 0, 2, 77};
    char inst[64];
    nt_dns_record r[1 + 8 * 2];
    nt_dns_name t;
    size_t len, n, p, i;
    (void)state;
    lan_init(l, 1, 33);
    browse(0, "_bk._tcp", true);
    lan_run_until(l, 1000);
    name(&t, "bulk.local");
    for (p = 0; p < 4; p++) {
        n = 0;
        rec_a(&r[n++], "bulk.local", a1, 120, false);
        for (i = 0; i < 8; i++) {
            snprintf(inst, sizeof inst, "w%zu-%zu._bk._tcp.local", p, i);
            rec_ptr(&r[n++], "_bk._tcp.local", inst, pst[i], 120);
            memset(&r[n], 0, sizeof(r[n]));
            name(&r[n].owner, inst);
            memcpy(srv[i], "\0\0\0\0\0\x09", 6);
            memcpy(srv[i] + 6, t.wire, t.len);
            r[n].type = NT_DNS_TYPE_SRV;
            r[n].rclass = NT_DNS_CLASS_IN;
            r[n].ttl = 120;
            r[n].rdata = srv[i];
            r[n].rdlength = (uint16_t)(6 + t.len);
            n++;
        }
        len = make_response(buf, sizeof(buf), r, n);
        lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
        lan_run_until(l, l->now + 300);
    }
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_SERVICE_ADDED), 32);
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_SERVICE_UPDATED), 0);
}

/* A browse reports an instance by text: its first label, the next two, and
 * the rest (nt_mdns_event), and browse --rpc rebuilds the name from that
 * text to ask what signed it. A PTR target whose text reads like another
 * instance's must not be reported: a NUL inside the instance label cuts
 * "Printer<NUL>x" to "Printer", and a two-label target whose second label
 * holds a dot ("Printer" + "_c._tcp", no domain) reads as the real
 * Printer._c._tcp.local. RFC 6763 §4.1: the target is <Instance>.<Service>
 * .<Domain>, so one under another type ("Printer._d._tcp.local") is no
 * instance of this browse either; §4.1.1: an instance label holds no
 * control characters. Each of them from one spoofer: only the real one is
 * reported, once. */
static void test_browse_instance_text(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512], st[256];
    nt_dns_record r;
    size_t len, i;
    const nt_mdns_event *ev;
    static const char *const spoof[] = {"Printer\\000x._c._tcp.local", "Printer._c\\._tcp",
                                        "Printer._d._tcp.local", "Printer\\010._c._tcp.local"};
    (void)state;
    lan_init(l, 1, 42);
    browse(0, "_c._tcp", false);
    lan_run_until(l, 1000);
    rec_ptr(&r, "_c._tcp.local", "Printer._c._tcp.local", st, 4500);
    len = make_response(buf, sizeof(buf), &r, 1);
    lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
    for (i = 0; i < sizeof(spoof) / sizeof(spoof[0]); i++) {
        rec_ptr(&r, "_c._tcp.local", spoof[i], st, 4500);
        len = make_response(buf, sizeof(buf), &r, 1);
        lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
    }
    lan_run_until(l, l->now + 500);
    assert_int_equal(cache_of(0, NT_DNS_TYPE_PTR).n, 5); /* cached, just not reported */
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_SERVICE_ADDED), 1);
    ev = lan_event(l, 0, NT_MDNS_EV_SERVICE_ADDED, 0);
    assert_string_equal(ev->instance, "Printer");
    assert_string_equal(ev->type, "_c._tcp");
    assert_string_equal(ev->domain, "local");
    /* A subtype browse takes the instances of its type. */
    browse(0, "_s._sub._c._tcp", false);
    rec_ptr(&r, "_s._sub._c._tcp.local", "Printer._c._tcp.local", st, 4500);
    len = make_response(buf, sizeof(buf), &r, 1);
    lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
    lan_run_until(l, l->now + 500);
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_SERVICE_ADDED), 2);
}

/* DESIGN §11: one source churns a full cache at a bounded rate: a record
 * flood cannot cycle through everything a browse shows, and a real newcomer
 * from the same host a little later still gets in. */
static void test_eviction_budget(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512], st[256];
    char target[64];
    nt_dns_record r;
    size_t len, i;
    nt_mdns_stats s;
    const nt_mdns_event *ev;
    bool real = false;
    (void)state;
    lan_init_cfg(l, 1, 23, NULL, tweak_small_cache);
    browse(0, "_flood._tcp", false);
    for (i = 0; i < 1000; i++) {
        snprintf(target, sizeof(target), "bogus-%zu._flood._tcp.local", i);
        rec_ptr(&r, "_flood._tcp.local", target, st, 4500);
        len = make_response(buf, sizeof(buf), &r, 1);
        lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
        l->nev[0] = l->nev[0] > 200 ? 0 : l->nev[0]; /* keep the log small */
    }
    nt_mdns_stats_get(l->e[0], &s);
    assert_int_equal(s.cache_records, 300);
    assert_int_equal(s.cache_evictions, 256);      /* the burst */
    assert_int_equal(s.records_dropped, 1000 - 300 - 256);
    lan_run_until(l, l->now + 2000);               /* 128 tokens later */
    l->nev[0] = 0;
    rec_ptr(&r, "_flood._tcp.local", "Real._flood._tcp.local", st, 4500);
    len = make_response(buf, sizeof(buf), &r, 1);
    lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
    for (i = 0; (ev = lan_event(l, 0, NT_MDNS_EV_SERVICE_ADDED, i)) != NULL; i++)
        if (strcmp(ev->instance, "Real") == 0)
            real = true;
    assert_true(real);
}

/* Records whose owner's first label is "signed" are verified (trust 2). */
static nt_status trust_signed(void *ctx, uint32_t ifindex, const nt_mdns_endpoint *src,
                              const nt_mdns_rrset *set, const nt_mdns_rrset *message,
                              uint64_t now, nt_mdns_judgement *out)
{
    (void)ctx;
    (void)ifindex;
    (void)src;
    (void)message;
    (void)now;
    out->verdict = NT_MDNS_ACCEPT;
    if (set->count > 0 && set->rrs[0].name_len > 7 && memcmp(set->rrs[0].name, "\6signed", 7) == 0)
        out->trust = 2;
    return NT_OK;
}

static void tweak_small_cache_verified(nt_mdns_config *cfg, int i)
{
    tweak_small_cache(cfg, i);
    cfg->verify = trust_signed;
}

/* The eviction budget against a flood from many on-link addresses, one of
 * them the publisher's own (an on-link attacker sends from any address of
 * the subnet). Six sources each bring 600 unverified records into a full
 * cache of 300: together they may evict no more than the interface's
 * budget, not 256 apiece (the whole cache five times over). And the
 * flood, though it spent the budget of the publisher's address, does not
 * keep the publisher's verified record out: the budgets of one trust
 * class are spent by that class only. */
static void test_eviction_spoofed_sources(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512], st[256];
    static const uint8_t a1[4] = {10, 0, 0, 9};
    static const char *const srcs[] = {"10.0.0.9",  "10.0.0.61", "10.0.0.62",
                                       "10.0.0.63", "10.0.0.64", "10.0.0.65"};
    char target[64];
    nt_dns_record r;
    size_t len, i, k;
    nt_mdns_stats s;
    (void)state;
    lan_init_cfg(l, 1, 43, NULL, tweak_small_cache_verified);
    browse(0, "_flood._tcp", false);
    for (k = 0; k < 6; k++)
        for (i = 0; i < 600; i++) {
            snprintf(target, sizeof(target), "bogus-%zu-%zu._flood._tcp.local", k, i);
            rec_ptr(&r, "_flood._tcp.local", target, st, 4500);
            len = make_response(buf, sizeof(buf), &r, 1);
            lan_inject(l, 0, srcs[k], 5353, true, buf, len);
            l->nev[0] = 0; /* keep the log small */
        }
    nt_mdns_stats_get(l->e[0], &s);
    assert_int_equal(s.cache_records, 300);
    assert_int_equal(s.cache_evictions, 512);
    rec_a(&r, "signed.local", a1, 120, true);
    len = make_response(buf, sizeof(buf), &r, 1);
    lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
    assert_int_equal(cache_of(0, NT_DNS_TYPE_A).n, 1);
}

/* DESIGN §11: a bound that is hit refuses the packet whole. 256 SRV records
 * whose targets point at one 255-octet name fit a 9000-byte packet but
 * expand to 66816 octets of RDATA, past the engine's 66559 of scratch: the
 * packet is refused, not taken less its last record (an RRset judged and
 * cached without one of its members). */
static void test_rdata_scratch_full(void **state)
{
    lan *l = &g_lan;
    static uint8_t buf[9000], srv[256][300];
    char owner[32], longname[300];
    nt_dns_record r[256];
    nt_dns_name t;
    nt_mdns_stats s;
    size_t len, k;
    (void)state;
    lan_init(l, 1, 51);
    memset(longname, 0, sizeof(longname));
    memset(longname, 'a', 63);
    longname[63] = '.';
    memset(longname + 64, 'b', 63);
    longname[127] = '.';
    memset(longname + 128, 'c', 63);
    longname[191] = '.';
    memset(longname + 192, 'd', 55);
    memcpy(longname + 247, ".local", 6);
    name(&t, longname);
    assert_int_equal(t.len, 255);
    for (k = 0; k < 256; k++) {
        snprintf(owner, sizeof(owner), "s%zu.x.local", k);
        memset(&r[k], 0, sizeof(r[k]));
        name(&r[k].owner, owner);
        r[k].type = NT_DNS_TYPE_SRV;
        r[k].rclass = NT_DNS_CLASS_IN;
        r[k].ttl = 120;
        memcpy(srv[k], "\0\0\0\0\0\x50", 6);
        memcpy(srv[k] + 6, t.wire, t.len);
        r[k].rdata = srv[k];
        r[k].rdlength = (uint16_t)(6 + t.len);
    }
    len = make_response(buf, sizeof(buf), r, 256);
    assert_true(len <= 9000);
    lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
    assert_int_equal(cache_of(0, NT_DNS_TYPE_SRV).n, 0);
    nt_mdns_stats_get(l->e[0], &s);
    assert_int_equal(s.records_dropped, 256);
    /* 255 of them are taken. */
    len = make_response(buf, sizeof(buf), r, 255);
    lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
    assert_int_equal(cache_of(0, NT_DNS_TYPE_SRV).n, 255);
}

/* CPU seconds engine 0 takes for n copies of buf from eight addresses. */
static double flood_secs(const uint8_t *buf, size_t len, size_t n)
{
    char src[32];
    size_t i;
    clock_t c0 = clock();
    for (i = 0; i < n; i++) {
        snprintf(src, sizeof(src), "10.0.0.%zu", 70 + i % 8);
        lan_inject(&g_lan, 0, src, 5353, true, buf, len);
    }
    return (double)(clock() - c0) / CLOCKS_PER_SEC;
}

/* RFC 6762 §10.2 on a shared owner: the cache-flush bit asks for the other
 * records of its set received over a second ago to go, and finding them
 * must not cost a walk over everything cached under that owner for every
 * such record. The cache holds 4000 PTRs of one service type; 250 of them
 * come again, 500 packets without the flush bit, then 500 with it (from
 * eight addresses, within the input budget): the second flood must cost
 * about what the first does (it took 40 times as long, 500 x 250 walks
 * over 4000 records; CPU time, so other load on the machine does not
 * count). */
static void test_flush_flood_cost(void **state)
{
    lan *l = &g_lan;
    static uint8_t buf[9000], st[250][64];
    char target[64];
    nt_dns_record r[250];
    size_t len, k, p;
    nt_mdns_stats s;
    double plain, flush;
    (void)state;
    lan_init(l, 1, 44);
    for (p = 0; p < 16; p++) {
        for (k = 0; k < 250; k++) {
            snprintf(target, sizeof(target), "i%zu-%zu._big._tcp.local", p, k);
            rec_ptr(&r[k], "_big._tcp.local", target, st[k], 4500);
        }
        len = make_response(buf, sizeof(buf), r, 250);
        lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
    }
    nt_mdns_stats_get(l->e[0], &s);
    assert_int_equal(s.cache_records, 4000);
    lan_run_until(l, l->now + 1500);
    for (k = 0; k < 250; k++) {
        snprintf(target, sizeof(target), "i0-%zu._big._tcp.local", k);
        rec_ptr(&r[k], "_big._tcp.local", target, st[k], 4500);
    }
    len = make_response(buf, sizeof(buf), r, 250);
    plain = flood_secs(buf, len, 500);
    for (k = 0; k < 250; k++)
        r[k].mdns_bit = true;
    len = make_response(buf, sizeof(buf), r, 250);
    flush = flood_secs(buf, len, 500);
    nt_mdns_stats_get(l->e[0], &s);
    assert_int_equal(s.rate_dropped, 0);
    assert_true(flush < 3 * plain + 0.05);
    /* The flush did happen: the 3750 others go a second later. */
    lan_run_until(l, l->now + 1500);
    assert_int_equal(cache_of(0, NT_DNS_TYPE_PTR).n, 250);
}

static void tweak_cache_2048(nt_mdns_config *cfg, int i)
{
    (void)i;
    cfg->cache_cap = 2048;
    cfg->packets_per_sec = 0;
}

/* A browse must not be rescanned whole (every instance, every cache entry)
 * for a packet that merely names many hosts: packets of 65 address records
 * of distinct hosts, none of them an instance's, 500 of them, with a browse
 * of 2000 instances, must cost about what packets of 64 such records do
 * (CPU time). */
static void test_dirty_flood_cost(void **state)
{
    lan *l = &g_lan;
    static uint8_t buf[9000], st[250][64];
    static const uint8_t a1[4] = {10, 0, 0, 77};
    char target[64], hosts[65][16];
    nt_dns_record r[250];
    size_t len, k, p;
    double d64, d65;
    (void)state;
    lan_init_cfg(l, 1, 49, NULL, tweak_cache_2048);
    browse(0, "_big._tcp", true);
    for (p = 0; p < 8; p++) {
        for (k = 0; k < 250; k++) {
            snprintf(target, sizeof(target), "i%zu._big._tcp.local", p * 250 + k);
            rec_ptr(&r[k], "_big._tcp.local", target, st[k], 4500);
        }
        len = make_response(buf, sizeof(buf), r, 250);
        lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
        lan_run_until(l, l->now + 10);
        l->nev[0] = 0;
    }
    for (k = 0; k < 65; k++) {
        snprintf(hosts[k], sizeof(hosts[k]), "x%zu.local", k);
        rec_a(&r[k], hosts[k], a1, 120, true);
    }
    len = make_response(buf, sizeof(buf), r, 64);
    d64 = flood_secs(buf, len, 500);
    len = make_response(buf, sizeof(buf), r, 65);
    d65 = flood_secs(buf, len, 500);
    assert_true(d65 < 3 * d64 + 0.05);
}

/* ---- answering (§6, §7) ---------------------------------------------------------- */

/* Count responses from engine 0 after mark that answer owner/type. */
static size_t answers_after(size_t mark, const char *owner, uint16_t type)
{
    size_t i, n = 0;
    for (i = mark; i < g_lan.nlog; i++)
        if (g_lan.log[i].from == 0 && is_response_with(&g_lan.log[i], owner, type))
            n++;
    return n;
}

static void own_ptr(nt_dns_record *r, uint8_t *st)
{
    rec_ptr(r, "_ka._tcp.local", "Known._ka._tcp.local", st, 4500);
}

static void test_known_answer_suppression(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[1500], st[256];
    nt_dns_record ka;
    size_t len, mark;
    nt_mdns_stats s0, s1;
    (void)state;
    lan_init(l, 1, 9);
    lan_publish(l, 0, "Known", "_ka._tcp", 7, 0);
    lan_run_until(l, 10000);

    /* Plain query: answered after 20-120 ms (shared PTR, §6). */
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0, 0, "_ka._tcp.local", NT_DNS_TYPE_PTR, false, NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 15);
    assert_int_equal(answers_after(mark, "_ka._tcp.local", NT_DNS_TYPE_PTR), 0);
    lan_run_until(l, l->now + 110);
    assert_int_equal(answers_after(mark, "_ka._tcp.local", NT_DNS_TYPE_PTR), 1);

    /* §7.1: the querier already knows the PTR with a fresh TTL. */
    lan_run_until(l, l->now + 2000);
    nt_mdns_stats_get(l->e[0], &s0);
    mark = log_mark();
    own_ptr(&ka, st);
    len = make_query(buf, sizeof(buf), 0, 0, "_ka._tcp.local", NT_DNS_TYPE_PTR, false, &ka, 1);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 1000);
    assert_int_equal(answers_after(mark, "_ka._tcp.local", NT_DNS_TYPE_PTR), 0);
    nt_mdns_stats_get(l->e[0], &s1);
    assert_true(s1.answers_suppressed > s0.answers_suppressed);

    /* ... but a known answer with less than half the TTL does not count. */
    lan_run_until(l, l->now + 2000);
    mark = log_mark();
    ka.ttl = 2000;
    len = make_query(buf, sizeof(buf), 0, 0, "_ka._tcp.local", NT_DNS_TYPE_PTR, false, &ka, 1);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 1000);
    assert_int_equal(answers_after(mark, "_ka._tcp.local", NT_DNS_TYPE_PTR), 1);

    /* §7.2: TC query; the known answer comes in a second packet 200 ms
     * later: no answer. */
    lan_run_until(l, l->now + 2000);
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0, NT_DNS_FLAG_TC, "_ka._tcp.local", NT_DNS_TYPE_PTR, false,
                     NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 200);
    assert_int_equal(answers_after(mark, "_ka._tcp.local", NT_DNS_TYPE_PTR), 0);
    ka.ttl = 4500;
    len = make_query(buf, sizeof(buf), 0, 0, NULL, 0, false, &ka, 1);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 1500);
    assert_int_equal(answers_after(mark, "_ka._tcp.local", NT_DNS_TYPE_PTR), 0);

    /* §7.2: TC query with no continuation: answered after 400-500 ms. */
    lan_run_until(l, l->now + 2000);
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0, NT_DNS_FLAG_TC, "_ka._tcp.local", NT_DNS_TYPE_PTR, false,
                     NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 390);
    assert_int_equal(answers_after(mark, "_ka._tcp.local", NT_DNS_TYPE_PTR), 0);
    lan_run_until(l, l->now + 120);
    assert_int_equal(answers_after(mark, "_ka._tcp.local", NT_DNS_TYPE_PTR), 1);
}

/* §7.3: another host asks our question first: ours counts as sent. */
static void test_duplicate_question(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512];
    size_t len, i, mark;
    nt_mdns_stats st;
    uint64_t t;
    size_t ours = 0;
    (void)state;
    lan_init(l, 1, 10);
    lan_run_until(l, 1000);
    browse(0, "_dup._tcp", false);
    lan_run_until(l, 1500);   /* first query (QU) went out */
    lan_run_until(l, 2400);   /* second one is due at about 2.1-2.2 s */
    /* Find when our next query is due and ask the same question just before. */
    t = nt_mdns_next_wakeup(l->e[0]);
    assert_true(t > l->now);
    lan_run_until(l, t - 5);
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0, 0, "_dup._tcp.local", NT_DNS_TYPE_PTR, false, NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, t + 100);
    for (i = mark; i < l->nlog; i++)
        if (l->log[i].from == 0 && is_query_for(&l->log[i], "_dup._tcp.local", NT_DNS_TYPE_PTR))
            ours++;
    assert_int_equal(ours, 0);
    nt_mdns_stats_get(l->e[0], &st);
    assert_int_equal(st.questions_suppressed, 1);
}

/* §7.4: another responder sends our shared answer first: ours is dropped. */
static void test_duplicate_answer(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512], st[256];
    nt_dns_record r;
    size_t len, mark;
    nt_mdns_stats s0, s1;
    (void)state;
    lan_init(l, 1, 17);
    lan_publish(l, 0, "Known", "_ka._tcp", 7, 0);
    lan_run_until(l, 10000);
    nt_mdns_stats_get(l->e[0], &s0);
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0, 0, "_ka._tcp.local", NT_DNS_TYPE_PTR, false, NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    own_ptr(&r, st);
    len = make_response(buf, sizeof(buf), &r, 1);
    lan_inject(l, 0, "10.0.0.51", 5353, true, buf, len);
    lan_run_until(l, l->now + 1000);
    assert_int_equal(answers_after(mark, "_ka._tcp.local", NT_DNS_TYPE_PTR), 0);
    nt_mdns_stats_get(l->e[0], &s1);
    assert_true(s1.answers_suppressed > s0.answers_suppressed);
}

/* §5.4: QU question answered by unicast when the record was multicast
 * within a quarter of its TTL, by multicast otherwise. §6: no record is
 * multicast twice within one second. */
static void test_qu_and_rate_limit(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512];
    size_t len, mark, i, uni = 0, multi = 0;
    (void)state;
    lan_init(l, 1, 18);
    lan_publish(l, 0, "Uni", "_u._tcp", 9, 0);
    lan_run_until(l, 10000); /* last announcement at about 4.5 s */
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0, 0, "Uni._u._tcp.local", NT_DNS_TYPE_SRV, true, NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 200);
    /* 60 s later the SRV (TTL 120 s) was not multicast for > 30 s. */
    lan_run_until(l, 70000);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 200);
    for (i = mark; i < l->nlog; i++) {
        if (l->log[i].from != 0 ||
            !is_response_with(&l->log[i], "Uni._u._tcp.local", NT_DNS_TYPE_SRV))
            continue;
        if (l->log[i].dst.addr.bytes[0] == 224) {
            multi++;
            assert_true(l->log[i].t >= 70000);
        } else {
            uni++;
            assert_int_equal(l->log[i].dst.port, 5353);
            assert_true(l->log[i].t < 70000);
            /* The target's address rides along in the same unicast reply. */
            assert_true(has_rr(parse(&l->log[i]), NT_DNS_SEC_ADDITIONAL, "h0.local", NT_DNS_TYPE_A));
        }
    }
    assert_int_equal(uni, 1);
    assert_int_equal(multi, 1);

    /* A QM query 300 ms after that multicast: not multicast again. */
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0, 0, "Uni._u._tcp.local", NT_DNS_TYPE_SRV, false, NULL, 0);
    lan_inject(l, 0, "10.0.0.52", 5353, true, buf, len);
    lan_run_until(l, l->now + 200);
    assert_int_equal(answers_after(mark, "Uni._u._tcp.local", NT_DNS_TYPE_SRV), 0);
    lan_run_until(l, l->now + 1000);
    lan_inject(l, 0, "10.0.0.52", 5353, true, buf, len);
    lan_run_until(l, l->now + 200);
    assert_int_equal(answers_after(mark, "Uni._u._tcp.local", NT_DNS_TYPE_SRV), 1);
}

/* A probe (QU, type ANY) for owner, its SRV in the authority section. */
static size_t make_probe(uint8_t *buf, size_t cap, const char *owner)
{
    nt_dns_builder b;
    nt_dns_name n;
    nt_dns_record r;
    static const uint8_t srv[] = {0, 0, 0, 0, 0, 80, 1, 'z', 5, 'l', 'o', 'c', 'a', 'l', 0};
    name(&n, owner);
    assert_int_equal(nt_dns_builder_init(&b, buf, cap, 0, 0), NT_OK);
    assert_int_equal(nt_dns_builder_add_question(&b, &n, NT_DNS_TYPE_ANY, NT_DNS_CLASS_IN, true),
                     NT_OK);
    memset(&r, 0, sizeof(r));
    r.owner = n;
    r.type = NT_DNS_TYPE_SRV;
    r.rclass = NT_DNS_CLASS_IN;
    r.ttl = 120;
    r.rdata = srv;
    r.rdlength = sizeof(srv);
    assert_int_equal(nt_dns_builder_add_record(&b, NT_DNS_SEC_AUTHORITY, &r), NT_OK);
    return nt_dns_builder_len(&b);
}

/* Multicast responses from engine 0 since mark that answer owner/type
 * at time t exactly. */
static size_t mcast_answers_at(size_t mark, uint64_t t, const char *owner, uint16_t type)
{
    size_t i, n = 0;
    for (i = mark; i < g_lan.nlog; i++)
        if (g_lan.log[i].from == 0 && is_response_with(&g_lan.log[i], owner, type) &&
            g_lan.log[i].t == t && g_lan.log[i].dst.addr.bytes[0] == 224)
            n++;
    return n;
}

/* §8.1: a probe for a name we own is answered at once, by multicast. */
static void test_probe_defence(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512];
    size_t len, mark;
    uint64_t t;
    (void)state;
    lan_init(l, 1, 19);
    lan_publish(l, 0, "Mine", "_m._tcp", 9, 0);
    lan_run_until(l, 10000);
    len = make_probe(buf, sizeof(buf), "Mine._m._tcp.local");
    mark = log_mark();
    t = l->now;
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 1);
    assert_int_equal(mcast_answers_at(mark, t, "Mine._m._tcp.local", NT_DNS_TYPE_SRV), 1);
}

/* A flood that silences the defence, then a spoof: truncated (TC) queries
 * sent by unicast from 230 on-link addresses, each under every input
 * budget, park five unicast answers apiece for 400-500 ms (§7.2) and fill
 * the table of pending answers. A probe for our name right after must
 * still be answered at once by multicast (§8.1), or the prober takes the
 * name unopposed. */
static void test_pending_flood_defence(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512];
    char src[32];
    size_t len, mark, i;
    uint64_t t;
    (void)state;
    lan_init(l, 1, 41);
    lan_publish(l, 0, "Mine", "_m._tcp", 9, 0);
    lan_run_until(l, 10000);
    len = make_query(buf, sizeof(buf), 0, NT_DNS_FLAG_TC, "_m._tcp.local", NT_DNS_TYPE_PTR,
                     false, NULL, 0);
    for (i = 0; i < 230; i++) {
        snprintf(src, sizeof(src), "10.0.0.%zu", 20 + i);
        lan_inject(l, 0, src, 5353, false, buf, len);
    }
    len = make_probe(buf, sizeof(buf), "Mine._m._tcp.local");
    mark = log_mark();
    t = l->now;
    lan_inject(l, 0, "10.0.0.10", 5353, true, buf, len);
    lan_run_until(l, l->now + 1);
    assert_int_equal(mcast_answers_at(mark, t, "Mine._m._tcp.local", NT_DNS_TYPE_SRV), 1);
}

/* DESIGN §11: a flooding source uses up its own share of the input budget,
 * not everyone's. */
static void test_flood_fairness(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512];
    size_t len, mark, i;
    nt_mdns_stats st;
    (void)state;
    lan_init(l, 1, 22);
    lan_publish(l, 0, "Busy", "_b._tcp", 9, 0);
    lan_run_until(l, 10000);
    len = make_query(buf, sizeof(buf), 0, 0, "nothing.local", NT_DNS_TYPE_A, false, NULL, 0);
    for (i = 0; i < 5000; i++)
        lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 7, 0, "Busy._b._tcp.local", NT_DNS_TYPE_SRV, false, NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 40000, true, buf, len);
    lan_run_until(l, l->now + 10);
    assert_int_equal(answers_after(mark, "Busy._b._tcp.local", NT_DNS_TYPE_SRV), 1);
    nt_mdns_stats_get(l->e[0], &st);
    assert_int_equal(st.rate_dropped, 5000 - 250);
}

/* Bytes engine 0 sent since mark to addr:port, and in how many packets;
 * *tc: one of them had TC set. */
static size_t sent_to(size_t mark, const char *addr, uint16_t port, size_t *npkt, bool *tc)
{
    nt_mdns_addr a;
    size_t i, n = 0;
    assert_int_equal(nt_mdns_addr_parse(&a, addr), NT_OK);
    *npkt = 0;
    *tc = false;
    for (i = mark; i < g_lan.nlog; i++)
        if (g_lan.log[i].from == 0 && g_lan.log[i].dst.port == port &&
            memcmp(g_lan.log[i].dst.addr.bytes, a.bytes, 4) == 0) {
            n += g_lan.log[i].len;
            (*npkt)++;
            *tc = *tc || (parse(&g_lan.log[i])->flags & NT_DNS_FLAG_TC) != 0;
        }
    return n;
}

/* §6.7 legacy unicast is what a unicast DNS client asks: its reply is a
 * conventional DNS response, 512 bytes at most (TC set when answers are
 * left out) unless the query's EDNS(0) OPT record offers more (RFC 6891).
 * Any on-link address and port can be named as the source, so a reply of
 * up to 9000 bytes, or several, turned a 60-byte spoofed query into a
 * flood at a victim of the spoofer's choosing. */
static void test_legacy_reply_size(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512], big[1200];
    nt_mdns_service_config sc;
    nt_mdns_service_id id;
    nt_mdns_txt_entry txt[4];
    nt_dns_builder b;
    nt_dns_opt opt;
    nt_dns_name n;
    size_t len, mark, np, i, bytes;
    bool tc;
    (void)state;
    lan_init(l, 1, 48);
    memset(big, 'x', sizeof(big));
    for (i = 0; i < 4; i++) {
        txt[i].key = i == 0 ? "a" : i == 1 ? "b" : i == 2 ? "c" : "d";
        txt[i].value = big;
        txt[i].value_len = 250;
    }
    memset(&sc, 0, sizeof(sc));
    sc.instance = "Big";
    sc.type = "_big._tcp";
    sc.port = 80;
    sc.txt = txt;
    sc.txt_count = 4;
    assert_int_equal(nt_mdns_service_add(l->e[0], &id, &sc, l->now), NT_OK);
    lan_run_until(l, 10000);
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 7, 0, "Big._big._tcp.local", NT_DNS_TYPE_ANY, false, NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 40000, false, buf, len);
    lan_run_until(l, l->now + 10);
    bytes = sent_to(mark, "10.0.0.50", 40000, &np, &tc);
    assert_int_equal(np, 1);
    assert_true(bytes <= 512);
    assert_true(tc);
    /* With EDNS(0) offering 4096 bytes, the whole answer in one reply. */
    name(&n, "Big._big._tcp.local");
    assert_int_equal(nt_dns_builder_init(&b, buf, sizeof(buf), 8, 0), NT_OK);
    assert_int_equal(nt_dns_builder_add_question(&b, &n, NT_DNS_TYPE_ANY, NT_DNS_CLASS_IN, false),
                     NT_OK);
    memset(&opt, 0, sizeof(opt));
    opt.udp_size = 4096;
    assert_int_equal(nt_dns_builder_add_opt(&b, &opt), NT_OK);
    len = nt_dns_builder_len(&b);
    mark = log_mark();
    lan_inject(l, 0, "10.0.0.50", 40001, false, buf, len);
    lan_run_until(l, l->now + 10);
    bytes = sent_to(mark, "10.0.0.50", 40001, &np, &tc);
    assert_int_equal(np, 1);
    assert_true(bytes > 1000 && bytes <= 4096);
    assert_false(tc);
}

/* A goodbye for our record that we did not send (stale or spoofed): we say
 * the record again before peers drop it, so a browser keeps the service. */
static void test_spoofed_goodbye(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512], st[256];
    nt_dns_record r;
    size_t len, mark;
    (void)state;
    lan_init(l, 2, 27);
    lan_publish(l, 0, "Known", "_ka._tcp", 7, 0);
    browse(1, "_ka._tcp", false);
    lan_run_until(l, 10000);
    assert_non_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_ADDED, 0));
    mark = log_mark();
    own_ptr(&r, st);
    r.ttl = 0;
    len = make_response(buf, sizeof(buf), &r, 1);
    lan_inject(l, 0, "10.0.0.66", 5353, true, buf, len);
    lan_inject(l, 1, "10.0.0.66", 5353, true, buf, len);
    lan_run_until(l, l->now + 5000);
    assert_int_equal(answers_after(mark, "_ka._tcp.local", NT_DNS_TYPE_PTR), 1);
    assert_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_REMOVED, 0));
}

/* §6.7: legacy unicast query (source port not 5353). */
static void test_legacy_unicast(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512];
    size_t len, i, mark;
    const lan_pkt *reply = NULL;
    const nt_dns_msg *m;
    const nt_dns_rr *rr;
    nt_mdns_addr src;
    (void)state;
    lan_init(l, 1, 11);
    lan_publish(l, 0, "Legacy", "_ssh._tcp", 22, 0);
    lan_run_until(l, 10000);
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0x1234, 0, "Legacy._ssh._tcp.local", NT_DNS_TYPE_SRV,
                     false, NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 40000, true, buf, len);
    lan_run_until(l, l->now + 10);
    for (i = mark; i < l->nlog; i++)
        if (l->log[i].from == 0 && is_response_with(&l->log[i], "Legacy._ssh._tcp.local",
                                                     NT_DNS_TYPE_SRV))
            reply = &l->log[i];
    assert_non_null(reply);
    assert_int_equal(nt_mdns_addr_parse(&src, "10.0.0.50"), NT_OK);
    assert_memory_equal(reply->dst.addr.bytes, src.bytes, 4);
    assert_int_equal(reply->dst.port, 40000);
    m = parse(reply);
    assert_int_equal(m->id, 0x1234);
    assert_int_equal(m->count[NT_DNS_SEC_QUESTION], 1);
    assert_true(has_rr(m, NT_DNS_SEC_QUESTION, "Legacy._ssh._tcp.local", NT_DNS_TYPE_SRV));
    for (i = 0; i < (size_t)m->nrr - m->count[NT_DNS_SEC_QUESTION]; i++) {
        rr = &m->rr[m->first[NT_DNS_SEC_ANSWER] + i];
        assert_true(rr->ttl <= 10);
        assert_int_equal(rr->flags & NT_DNS_RR_MDNS_BIT, 0);
    }
    /* The A record of the target came along, also without cache-flush. */
    assert_true(has_rr(m, NT_DNS_SEC_ADDITIONAL, "h0.local", NT_DNS_TYPE_A));
}

/* §6.1: AAAA asked of a host that has only IPv4: NSEC says so. */
static void test_nsec_missing_aaaa(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512];
    size_t len, i, mark;
    const nt_dns_msg *m = NULL;
    const nt_dns_rr *rr;
    nt_dns_nsec *nsec;
    (void)state;
    lan_init(l, 1, 12);
    lan_run_until(l, 5000);
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0, 0, "h0.local", NT_DNS_TYPE_AAAA, false, NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 200);
    for (i = mark; i < l->nlog; i++)
        if (l->log[i].from == 0 && is_response_with(&l->log[i], "h0.local", NT_DNS_TYPE_NSEC))
            m = parse(&l->log[i]);
    assert_non_null(m);
    assert_false(has_rr(m, NT_DNS_SEC_ANSWER, "h0.local", NT_DNS_TYPE_AAAA));
    rr = find_rr(m, NT_DNS_SEC_ANSWER, "h0.local", NT_DNS_TYPE_NSEC);
    nsec = malloc(sizeof(*nsec));
    assert_non_null(nsec);
    assert_int_equal(nt_dns_rr_get_nsec(m, rr, nsec), NT_OK);
    assert_true(nt_dns_nsec_has_type(nsec->bitmap, nsec->bitmap_len, NT_DNS_TYPE_A));
    assert_false(nt_dns_nsec_has_type(nsec->bitmap, nsec->bitmap_len, NT_DNS_TYPE_AAAA));
    free(nsec);
}

/* §11: responses from off-link sources are ignored, queries not answered. */
static void test_offlink(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[512];
    static const uint8_t a1[4] = {192, 168, 99, 1};
    nt_dns_record r;
    size_t len, mark;
    nt_mdns_stats st;
    (void)state;
    lan_init(l, 1, 13);
    lan_run_until(l, 5000);
    rec_a(&r, "evil.local", a1, 120, true);
    len = make_response(buf, sizeof(buf), &r, 1);
    lan_inject(l, 0, "192.168.99.1", 5353, true, buf, len);
    assert_int_equal(cache_of(0, 0).n, 0);
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0, 0, "h0.local", NT_DNS_TYPE_A, false, NULL, 0);
    lan_inject(l, 0, "192.168.99.1", 5353, false, buf, len);
    lan_run_until(l, l->now + 500);
    assert_int_equal(answers_after(mark, "h0.local", NT_DNS_TYPE_A), 0);
    nt_mdns_stats_get(l->e[0], &st);
    assert_int_equal(st.offlink_dropped, 2);
    /* The same from on-link is taken and answered. */
    lan_inject(l, 0, "10.0.0.99", 5353, true, buf, len);
    lan_run_until(l, l->now + 500);
    assert_int_equal(answers_after(mark, "h0.local", NT_DNS_TYPE_A), 1);
    /* IPv6 link-local sources are on-link by definition. */
    len = make_response(buf, sizeof(buf), &r, 1);
    lan_inject(l, 0, "fe80::99%1", 5353, true, buf, len);
    assert_int_equal(cache_of(0, NT_DNS_TYPE_A).n, 1);
}

/* Our own packets looped back, also through a second interface on the same
 * LAN, are never a conflict. */
static void test_own_loopback(void **state)
{
    lan *l = &g_lan;
    nt_mdns_iface_config ifc;
    nt_mdns_ifaddr a;
    size_t i, mark;
    nt_mdns_stats st;
    char inst[64];
    nt_mdns_service_id id;
    (void)state;
    lan_init(l, 1, 14);
    /* A second interface of the same host on the same subnet. */
    memset(&a, 0, sizeof(a));
    assert_int_equal(nt_mdns_addr_parse(&a.addr, "10.0.0.200"), NT_OK);
    a.prefix_len = 24;
    memset(&ifc, 0, sizeof(ifc));
    ifc.ifindex = 2;
    ifc.name = "lan1";
    ifc.addrs = &a;
    ifc.addr_count = 1;
    ifc.ipv4 = true;
    assert_int_equal(nt_mdns_iface_add(l->e[0], &ifc, l->now), NT_OK);
    mark = log_mark();
    id = lan_publish(l, 0, "Self", "_self._tcp", 1, 0);
    for (i = 0; i < 60; i++) {
        size_t j, end;
        lan_run_until(l, l->now + 100);
        end = l->nlog;
        /* Loop everything we sent back to us on both interfaces. */
        for (j = mark; j < end; j++) {
            nt_mdns_packet_in in;
            uint32_t k;
            for (k = 1; k <= 2; k++) {
                memset(&in, 0, sizeof(in));
                in.ifindex = k;
                in.src.addr = l->addr[0];
                in.src.port = NT_MDNS_PORT;
                in.dst_multicast = true;
                in.hop_limit = 255;
                in.data = l->log[j].data;
                in.len = l->log[j].len;
                assert_int_equal(nt_mdns_input(l->e[0], &in, l->now), NT_OK);
            }
        }
        mark = end;
    }
    nt_mdns_stats_get(l->e[0], &st);
    assert_true(st.own_dropped > 0);
    assert_int_equal(st.conflicts, 0);
    assert_int_equal(nt_mdns_service_get_instance(l->e[0], id, inst, sizeof(inst)), NT_OK);
    assert_string_equal(inst, "Self");
    lan_run_until(l, l->now + 100);
    assert_null(lan_event(l, 0, NT_MDNS_EV_PUBLISH_CONFLICT, 0));
}

/* §9: two hosts with one host name; one becomes "name-2", and the SRV of
 * its services follows. */
static void test_host_conflict(void **state)
{
    lan *l = &g_lan;
    static const char *const hosts[2] = {"same", "same"};
    char h0[64], h1[64];
    const nt_mdns_event *ev;
    (void)state;
    lan_init_cfg(l, 2, 20, hosts, NULL);
    lan_publish(l, 1, "Svc", "_s._tcp", 1, 0);
    lan_run_until(l, 20000);
    assert_int_equal(nt_mdns_host_get_name(l->e[0], h0, sizeof(h0)), NT_OK);
    assert_int_equal(nt_mdns_host_get_name(l->e[1], h1, sizeof(h1)), NT_OK);
    assert_true((strcmp(h0, "same.local") == 0 && strcmp(h1, "same-2.local") == 0) ||
                (strcmp(h1, "same.local") == 0 && strcmp(h0, "same-2.local") == 0));
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_PUBLISH_CONFLICT) +
                         lan_event_count(l, 1, NT_MDNS_EV_PUBLISH_CONFLICT),
                     1);
    /* Whoever publishes Svc, a browser sees its SRV point at that host. */
    browse(0, "_s._tcp", true);
    lan_run_until(l, 30000);
    if (strcmp(h1, "same-2.local") == 0) {
        size_t i;
        const nt_mdns_event *last = NULL;
        for (i = 0; (ev = lan_event(l, 0, NT_MDNS_EV_SERVICE_ADDED, i)) != NULL; i++)
            last = ev;
        for (i = 0; (ev = lan_event(l, 0, NT_MDNS_EV_SERVICE_UPDATED, i)) != NULL; i++)
            last = ev;
        assert_non_null(last);
        assert_string_equal(last->host, "same-2.local");
    }
    lan_run_until(l, 300000);
    assert_int_equal(lan_event_count(l, 0, NT_MDNS_EV_PUBLISH_CONFLICT) +
                         lan_event_count(l, 1, NT_MDNS_EV_PUBLISH_CONFLICT),
                     1);
}

/* §8.4: an address change withdraws the old address and announces the new. */
static void test_address_change(void **state)
{
    lan *l = &g_lan;
    nt_mdns_query_config q;
    nt_mdns_query_id id;
    nt_mdns_iface_config ifc;
    nt_mdns_ifaddr a;
    const nt_mdns_event *ev;
    (void)state;
    lan_init(l, 2, 25);
    memset(&q, 0, sizeof(q));
    q.kind = NT_MDNS_Q_HOST;
    q.host = "h0";
    assert_int_equal(nt_mdns_query_add(l->e[1], &id, &q, l->now), NT_OK);
    lan_run_until(l, 6000);
    ev = lan_event(l, 1, NT_MDNS_EV_HOST_RESOLVED, 0);
    assert_non_null(ev);
    assert_int_equal(ev->addrs[0].bytes[3], 1);
    memset(&a, 0, sizeof(a));
    assert_int_equal(nt_mdns_addr_parse(&a.addr, "10.0.0.101"), NT_OK);
    a.prefix_len = 24;
    l->addr[0] = a.addr;
    memset(&ifc, 0, sizeof(ifc));
    ifc.ifindex = 1;
    ifc.name = "lan0";
    ifc.addrs = &a;
    ifc.addr_count = 1;
    ifc.ipv4 = true;
    {
        /* §8.4: an address that changes on a link where the name is held
         * is announced at once, not probed for again (issue 9). */
        size_t mark = log_mark(), i, probes = 0, announced = 0;
        uint64_t t0 = l->now;
        assert_int_equal(nt_mdns_iface_add(l->e[0], &ifc, l->now), NT_OK);
        lan_run_until(l, t0 + 20);
        for (i = mark; i < l->nlog; i++) {
            const nt_dns_rr *rr;
            if (l->log[i].from != 0)
                continue;
            probes += is_probe_for(&l->log[i], "h0.local");
            rr = find_rr(parse(&l->log[i]), NT_DNS_SEC_ANSWER, "h0.local", NT_DNS_TYPE_A);
            announced += rr != NULL && (parse(&l->log[i])->flags & NT_DNS_FLAG_QR) != 0;
        }
        assert_int_equal(probes, 0);
        assert_true(announced >= 1);
    }
    lan_run_until(l, 12000);
    /* The last report holds only the new address. */
    {
        size_t i;
        const nt_mdns_event *last = NULL;
        for (i = 0; (ev = lan_event(l, 1, NT_MDNS_EV_HOST_RESOLVED, i)) != NULL; i++)
            last = ev;
        assert_non_null(last);
        assert_int_equal(last->addr_count, 1);
        assert_int_equal(last->addrs[0].bytes[3], 101);
    }
}

/* ---- hooks, shutdown, bad input ---------------------------------------------- */

static const uint8_t g_sig[4] = {0xde, 0xad, 0xbe, 0xef};
static int g_attach_calls;

/* Attaches one private-type record (65280) per RRset, as the signing layer
 * will attach RRSIGs. */
static nt_status attach_sig(void *ctx, uint32_t ifindex, const nt_mdns_rrset *set, uint64_t now,
                            nt_mdns_rr *extra, size_t extra_cap, size_t *extra_count)
{
    (void)ctx;
    (void)ifindex;
    assert_true(now > 0); /* the engine's clock, for signature validity */
    g_attach_calls++;
    if (extra_cap < 1 || set->count == 0)
        return NT_ERR_NOSPACE;
    extra[0] = set->rrs[0];
    extra[0].type = 65280;
    extra[0].cache_flush = false;
    extra[0].rdata = g_sig;
    extra[0].rdata_len = sizeof(g_sig);
    *extra_count = 1;
    return NT_OK;
}

static void tweak_attach(nt_mdns_config *cfg, int i)
{
    if (i == 0) {
        cfg->attach = attach_sig;
    }
}

static void test_attach_hook(void **state)
{
    lan *l = &g_lan;
    size_t i;
    bool seen = false;
    (void)state;
    lan_init_cfg(l, 2, 21, NULL, tweak_attach);
    lan_publish(l, 0, "Signed", "_sig._tcp", 1, 0);
    lan_run_until(l, 6000);
    for (i = 0; i < l->nlog; i++) {
        const nt_dns_msg *m;
        if (l->log[i].from != 0 ||
            !is_response_with(&l->log[i], "Signed._sig._tcp.local", NT_DNS_TYPE_SRV))
            continue;
        m = parse(&l->log[i]);
        if (has_rr(m, NT_DNS_SEC_ADDITIONAL, "Signed._sig._tcp.local", 65280) &&
            has_rr(m, NT_DNS_SEC_ADDITIONAL, "_sig._tcp.local", 65280))
            seen = true;
    }
    assert_true(seen);
    assert_true(g_attach_calls > 0);
    /* The peer cached the extra records like any other. */
    assert_true(cache_of(1, 65280).n >= 2);
}

static int g_verify_calls;

static nt_status reject_evil(void *ctx, uint32_t ifindex, const nt_mdns_endpoint *src,
                             const nt_mdns_rrset *set, const nt_mdns_rrset *message, uint64_t now,
                             nt_mdns_judgement *out)
{
    (void)ctx;
    (void)ifindex;
    (void)src;
    (void)message;
    (void)now;
    g_verify_calls++;
    if (set->count > 0 && set->rrs[0].name_len > 5 && memcmp(set->rrs[0].name, "\4evil", 5) == 0) {
        out->verdict = NT_MDNS_REJECT;
        snprintf(out->reason, NT_MDNS_REASON_MAX, "unsigned record for a pinned name");
    } else {
        out->verdict = NT_MDNS_ACCEPT;
        out->trust = 2;
    }
    return NT_OK;
}

static void test_verify_hook(void **state)
{
    lan *l = &g_lan;
    nt_mdns_config cfg;
    nt_mdns_iface_config ifc;
    nt_mdns_ifaddr a;
    uint8_t buf[512];
    static const uint8_t a1[4] = {10, 0, 0, 8};
    nt_dns_record r[2];
    size_t len;
    const nt_mdns_event *ev;
    nt_mdns_stats st;
    nt_mdns_query_config q;
    nt_mdns_query_id qid;
    (void)state;
    memset(l, 0, sizeof(*l));
    nt_mdns_config_init(&cfg);
    cfg.host_name = "verifier.local";
    cfg.verify = reject_evil;
    assert_int_equal(nt_mdns_create(&l->e[0], &cfg), NT_OK);
    l->n = 1;
    memset(&a, 0, sizeof(a));
    assert_int_equal(nt_mdns_addr_parse(&a.addr, "10.0.0.1"), NT_OK);
    a.prefix_len = 24;
    memset(&ifc, 0, sizeof(ifc));
    ifc.ifindex = 1;
    ifc.addrs = &a;
    ifc.addr_count = 1;
    ifc.ipv4 = true;
    assert_int_equal(nt_mdns_iface_add(l->e[0], &ifc, 0), NT_OK);
    memset(&q, 0, sizeof(q));
    q.kind = NT_MDNS_Q_HOST;
    q.host = "good";
    assert_int_equal(nt_mdns_query_add(l->e[0], &qid, &q, 0), NT_OK);
    rec_a(&r[0], "evil.local", a1, 120, true);
    rec_a(&r[1], "good.local", a1, 120, true);
    len = make_response(buf, sizeof(buf), r, 2);
    lan_inject(l, 0, "10.0.0.9", 5353, true, buf, len);
    assert_int_equal(g_verify_calls, 2);
    assert_int_equal(cache_of(0, NT_DNS_TYPE_A).n, 1);
    ev = lan_event(l, 0, NT_MDNS_EV_REJECTED, 0);
    assert_non_null(ev);
    assert_string_equal(ev->reason, "unsigned record for a pinned name");
    ev = lan_event(l, 0, NT_MDNS_EV_HOST_RESOLVED, 0);
    assert_non_null(ev);
    assert_int_equal(ev->trust, 2);
    nt_mdns_stats_get(l->e[0], &st);
    assert_int_equal(st.rejected, 1);
}

static void test_shutdown_goodbyes(void **state)
{
    lan *l = &g_lan;
    size_t i, mark;
    const nt_dns_msg *m;
    bool seen = false;
    (void)state;
    lan_init(l, 2, 15);
    lan_publish(l, 0, "Bye", "_bye._tcp", 5, 0);
    browse(1, "_bye._tcp", false);
    lan_run_until(l, 8000);
    assert_non_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_ADDED, 0));
    mark = log_mark();
    nt_mdns_shutdown(l->e[0], l->now);
    lan_run_until(l, l->now + 1500);
    for (i = mark; i < l->nlog; i++) {
        const nt_dns_rr *rr;
        if (l->log[i].from != 0 || !is_response_with(&l->log[i], "_bye._tcp.local", NT_DNS_TYPE_PTR))
            continue;
        m = parse(&l->log[i]);
        rr = find_rr(m, NT_DNS_SEC_ANSWER, "_bye._tcp.local", NT_DNS_TYPE_PTR);
        assert_int_equal(rr->ttl, 0);
        seen = true;
    }
    assert_true(seen);
    assert_non_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_REMOVED, 0));
}

static void test_garbage_input(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[600];
    size_t i, k;
    uint64_t x = 0x1234567;
    nt_mdns_stats st;
    (void)state;
    lan_init(l, 1, 16);
    lan_publish(l, 0, "Robust", "_r._tcp", 5, 0);
    for (i = 0; i < 3000; i++) {
        size_t len = 12 + (size_t)(x % 500);
        for (k = 0; k < len; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[k] = (uint8_t)x;
        }
        buf[2] &= 0x87; /* opcode 0 */
        buf[3] &= 0xf0; /* rcode 0 */
        buf[4] = 0;
        buf[6] = 0;
        buf[8] = 0;
        buf[10] = 0;
        lan_inject(l, 0, "10.0.0.60", (uint16_t)(i % 2 ? 5353 : 1234), i % 3 != 0, buf, len);
        if (i % 100 == 0)
            lan_run_until(l, l->now + 50);
    }
    nt_mdns_stats_get(l->e[0], &st);
    assert_int_equal(st.packets_in, 3000);
    assert_true(st.malformed > 0);
}

static void test_api_errors(void **state)
{
    nt_mdns_config cfg;
    nt_mdns *m = NULL;
    nt_mdns_service_config s;
    nt_mdns_service_id id;
    nt_mdns_addr a;
    char text[64];
    (void)state;
    nt_mdns_config_init(&cfg);
    assert_int_equal(nt_mdns_create(&m, &cfg), NT_ERR_INVALID_ARG);
    cfg.host_name = "bad.example.com";
    assert_int_equal(nt_mdns_create(&m, &cfg), NT_ERR_MDNS_NAME);
    cfg.host_name = "ok";
    assert_int_equal(nt_mdns_create(&m, &cfg), NT_OK);
    assert_int_equal(nt_mdns_host_get_name(m, text, sizeof(text)), NT_OK);
    assert_string_equal(text, "ok.local");
    memset(&s, 0, sizeof(s));
    s.instance = "X";
    s.type = "ipp._tcp";
    assert_int_equal(nt_mdns_service_add(m, &id, &s, 0), NT_ERR_MDNS_NAME);
    s.type = "_ipp._xyz";
    assert_int_equal(nt_mdns_service_add(m, &id, &s, 0), NT_ERR_MDNS_NAME);
    s.type = "_ipp._tcp";
    s.ifindex = 9;
    assert_int_equal(nt_mdns_service_add(m, &id, &s, 0), NT_ERR_MDNS_NO_IFACE);
    assert_int_equal(nt_mdns_service_del(m, 77, 0), NT_ERR_NOT_FOUND);
    assert_int_equal(nt_mdns_query_del(m, 77), NT_ERR_NOT_FOUND);
    assert_int_equal(nt_mdns_iface_del(m, 3, 0), NT_ERR_MDNS_NO_IFACE);
    nt_mdns_shutdown(m, 0);
    s.ifindex = 0;
    assert_int_equal(nt_mdns_service_add(m, &id, &s, 0), NT_ERR_MDNS_SHUT_DOWN);
    nt_mdns_destroy(m);

    assert_int_equal(nt_mdns_addr_parse(&a, "fe80::1%7"), NT_OK);
    assert_int_equal(a.family, NT_MDNS_INET6);
    assert_int_equal(a.scope, 7);
    assert_int_equal(nt_mdns_addr_format(text, sizeof(text), &a), NT_OK);
    assert_string_equal(text, "fe80::1%7");
    assert_int_equal(nt_mdns_addr_parse(&a, "10.1.2.300"), NT_ERR_INVALID_ARG);
    nt_mdns_addr_group(NT_MDNS_INET4, &a);
    assert_int_equal(nt_mdns_addr_format(text, sizeof(text), &a), NT_OK);
    assert_string_equal(text, "224.0.0.251");
}

static void test_alloc_failures(void **state)
{
    long n;
    (void)state;
    /* Every allocation of create, iface_add, service_add and query_add can
     * fail; nothing leaks (ASan build) and the status says so. */
    for (n = 0; n < 40; n++) {
        nt_mdns_config cfg;
        nt_mdns *m = NULL;
        nt_mdns_iface_config ifc;
        nt_mdns_ifaddr a;
        nt_mdns_service_config s;
        nt_mdns_query_config q;
        nt_mdns_service_id sid;
        nt_mdns_query_id qid;
        nt_status st;
        nt_mdns_config_init(&cfg);
        cfg.host_name = "mem";
        nt_mem_fail_after(n);
        st = nt_mdns_create(&m, &cfg);
        if (st != NT_OK) {
            assert_int_equal(st, NT_ERR_NOMEM);
            nt_mem_fail_reset();
            continue;
        }
        memset(&a, 0, sizeof(a));
        a.addr.family = NT_MDNS_INET4;
        a.addr.bytes[0] = 10;
        a.prefix_len = 8;
        memset(&ifc, 0, sizeof(ifc));
        ifc.ifindex = 1;
        ifc.addrs = &a;
        ifc.addr_count = 1;
        ifc.ipv4 = true;
        st = nt_mdns_iface_add(m, &ifc, 0);
        assert_true(st == NT_OK || st == NT_ERR_NOMEM);
        memset(&s, 0, sizeof(s));
        s.instance = "M";
        s.type = "_m._tcp";
        st = nt_mdns_service_add(m, &sid, &s, 0);
        assert_true(st == NT_OK || st == NT_ERR_NOMEM);
        memset(&q, 0, sizeof(q));
        q.kind = NT_MDNS_Q_BROWSE;
        q.type = "_m._tcp";
        st = nt_mdns_query_add(m, &qid, &q, 0);
        assert_true(st == NT_OK || st == NT_ERR_NOMEM);
        nt_mdns_run(m, 1000);
        nt_mem_fail_reset();
        nt_mdns_destroy(m);
    }
}

/* Records named owner of type in any section of a logged packet. */
static size_t count_rr(const lan_pkt *p, const char *owner, uint16_t type)
{
    const nt_dns_msg *m = parse(p);
    nt_dns_name want, got;
    size_t i, n = 0;
    name(&want, owner);
    for (i = 0; i < m->nrr; i++) {
        nt_dns_rr_owner(m, &m->rr[i], &got);
        n += m->rr[i].type == type && nt_dns_name_equal(&want, &got);
    }
    return n;
}

/* Issue 9: a service's extra RRset (the metadata TXT at _nautilus.<instance>)
 * is answered when asked for directly, rides once beside the SRV and TXT,
 * follows a rename and says goodbye with the service. */
static void test_service_extra_rrset(void **state)
{
    lan *l = &g_lan;
    uint8_t buf[1500];
    static const uint8_t v1[] = {3, 'v', '=', '1'}, v2[] = {3, 'v', '=', '2'};
    size_t len, mark, i, in_one = 0;
    nt_mdns_service_id id;
    (void)state;
    lan_init(l, 1, 41);
    id = lan_publish(l, 0, "Meta", "_x._tcp", 7, 0);
    assert_int_equal(nt_mdns_service_set_extra(l->e[0], id, "_nautilus", NT_DNS_TYPE_TXT, v1,
                                               sizeof v1, 0, l->now),
                     NT_OK);
    assert_int_equal(nt_mdns_service_set_extra(l->e[0], id, "", NT_DNS_TYPE_TXT, v1, sizeof v1,
                                               0, l->now),
                     NT_ERR_MDNS_NAME);
    lan_run_until(l, 10000);

    /* A direct question for it. */
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0, 0, "_nautilus.Meta._x._tcp.local", NT_DNS_TYPE_TXT,
                     false, NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 200);
    assert_int_equal(answers_after(mark, "_nautilus.Meta._x._tcp.local", NT_DNS_TYPE_TXT), 1);

    /* With the PTR: SRV, TXT and the extra, each once in the message. */
    lan_run_until(l, l->now + 2000);
    mark = log_mark();
    len = make_query(buf, sizeof(buf), 0, 0, "_x._tcp.local", NT_DNS_TYPE_PTR, false, NULL, 0);
    lan_inject(l, 0, "10.0.0.50", 5353, true, buf, len);
    lan_run_until(l, l->now + 200);
    for (i = mark; i < l->nlog; i++)
        if (l->log[i].from == 0 && is_response_with(&l->log[i], "_x._tcp.local", NT_DNS_TYPE_PTR)) {
            assert_int_equal(count_rr(&l->log[i], "_nautilus.Meta._x._tcp.local",
                                      NT_DNS_TYPE_TXT), 1);
            assert_int_equal(count_rr(&l->log[i], "Meta._x._tcp.local", NT_DNS_TYPE_SRV), 1);
            in_one++;
        }
    assert_int_equal(in_one, 1);

    /* A new value: the old one's goodbye, then the new one, announced. */
    mark = log_mark();
    assert_int_equal(nt_mdns_service_set_extra(l->e[0], id, "_nautilus", NT_DNS_TYPE_TXT, v2,
                                               sizeof v2, 0, l->now),
                     NT_OK);
    lan_run_until(l, l->now + 100);
    assert_int_equal(answers_after(mark, "_nautilus.Meta._x._tcp.local", NT_DNS_TYPE_TXT), 2);

    /* Withdrawn with the service. */
    mark = log_mark();
    assert_int_equal(nt_mdns_service_del(l->e[0], id, l->now), NT_OK);
    lan_run_until(l, l->now + 100);
    assert_int_equal(answers_after(mark, "_nautilus.Meta._x._tcp.local", NT_DNS_TYPE_TXT), 1);
    lan_cleanup(l);
}

static void auto_all(nt_mdns_config *cfg, int i)
{
    (void)i;
    cfg->host_records = NT_MDNS_HOST_AUTO;
}

/* Issue 9: a service and the host name it brings are probed together, in
 * the same three messages (RFC 6762 §8.1), as Bonjour does. */
static void test_probe_together(void **state)
{
    lan *l = &g_lan;
    size_t i, together = 0, probes = 0;
    (void)state;
    lan_init_cfg(l, 1, 51, NULL, auto_all);
    (void)lan_publish(l, 0, "Web", "_x._tcp", 80, 0);
    lan_run_until(l, 3000);
    for (i = 0; i < l->nlog; i++) {
        const nt_dns_msg *m;
        if (l->log[i].from != 0 || !is_probe_for(&l->log[i], "h0.local"))
            continue;
        probes++;
        m = parse(&l->log[i]);
        together += has_rr(m, NT_DNS_SEC_QUESTION, "Web._x._tcp.local", NT_DNS_TYPE_ANY) &&
                    find_rr(m, NT_DNS_SEC_AUTHORITY, "h0.local", NT_DNS_TYPE_A) != NULL &&
                    find_rr(m, NT_DNS_SEC_AUTHORITY, "Web._x._tcp.local", NT_DNS_TYPE_SRV) != NULL;
    }
    assert_int_equal(probes, 3);
    assert_int_equal(together, 3);
    lan_cleanup(l);
}

static void host_auto(nt_mdns_config *cfg, int i)
{
    cfg->host_records = i == 2 ? NT_MDNS_HOST_NEVER : NT_MDNS_HOST_AUTO;
}

/* Issue 9: a pure querier claims nothing (no probe, no announcement, as
 * avahi-browse and python-zeroconf's browser); a publisher's host name
 * comes with its first service; NEVER leaves it to another responder. */
static void test_pure_querier_claims_nothing(void **state)
{
    lan *l = &g_lan;
    nt_mdns_query_config q;
    nt_mdns_query_id qid;
    size_t i, sent_by[3] = {0, 0, 0}, answers_by[3] = {0, 0, 0};
    bool host_a = false;
    (void)state;
    lan_init_cfg(l, 3, 31, NULL, host_auto);
    memset(&q, 0, sizeof(q));
    q.kind = NT_MDNS_Q_BROWSE;
    q.type = "_http._tcp";
    q.resolve = true;
    assert_int_equal(nt_mdns_query_add(l->e[1], &qid, &q, 0), NT_OK);
    lan_run_until(l, 5000);
    (void)lan_publish(l, 0, "Web", "_http._tcp", 80, 0);
    (void)lan_publish(l, 2, "Other", "_http._tcp", 81, 0);
    lan_run_until(l, 12000);
    for (i = 0; i < l->nlog; i++) {
        nt_dns_msg msg;
        size_t k;
        int from = l->log[i].from;
        if (from < 0 || nt_dns_msg_parse(&msg, l->log[i].data, l->log[i].len) != NT_OK)
            continue;
        sent_by[from]++;
        if (msg.flags & NT_DNS_FLAG_QR)
            answers_by[from]++;
        /* A probe is a query with an authority section. */
        if (!(msg.flags & NT_DNS_FLAG_QR) && msg.count[NT_DNS_SEC_AUTHORITY] != 0)
            answers_by[from]++;
        for (k = 0; k < msg.nrr && from == 0; k++)
            host_a = host_a || (msg.rr[k].type == NT_DNS_TYPE_A && msg.rr[k].section != 0);
    }
    assert_true(sent_by[1] > 0);        /* the browser asked */
    assert_int_equal(answers_by[1], 0); /* ...and claimed nothing */
    assert_true(answers_by[0] > 0);
    assert_true(host_a);                /* the publisher's host came with its service */
    assert_non_null(lan_event(l, 1, NT_MDNS_EV_SERVICE_ADDED, 0));
    /* NEVER: engine 2 sends its service but no address record of its own. */
    for (i = 0; i < l->nlog; i++) {
        nt_dns_msg msg;
        size_t k;
        if (l->log[i].from != 2 || nt_dns_msg_parse(&msg, l->log[i].data, l->log[i].len) != NT_OK)
            continue;
        for (k = 0; k < msg.nrr; k++)
            assert_false(msg.rr[k].type == NT_DNS_TYPE_A && msg.rr[k].section != 0);
    }
    lan_cleanup(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pure_querier_claims_nothing),
        cmocka_unit_test(test_probe_together),
        cmocka_unit_test(test_service_extra_rrset),
        cmocka_unit_test_setup_teardown(test_probe_schedule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tiebreak, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_browse_resolve_goodbye, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve_host_and_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_enum_shared, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ttl_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poof, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poof_qu_tc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poof_rate_limited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_question_table_flood, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_cap_eviction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eviction_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eviction_spoofed_sources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rdata_scratch_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush_flood_cost, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dirty_flood_cost, setup, teardown),
        cmocka_unit_test_setup_teardown(test_browse_instance_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_queue_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reannounce_no_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_no_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_known_answer_suppression, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_question, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_qu_and_rate_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_probe_defence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_flood_defence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flood_fairness, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spoofed_goodbye, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_unicast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_reply_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nsec_missing_aaaa, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_own_loopback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_address_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attach_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_goodbyes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_input, setup, teardown),
        cmocka_unit_test(test_api_errors),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
