/* tests/unit/bus: the publisher fixture and the subscriber's model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "bus_fixture.h"

int fix_setup(fixture *f, const char *name)
{
    static const uint8_t seed[32] = {7, 1, 2, 3};
    const char *tmp = getenv("TMPDIR");
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/nt-bus-%s-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp",
             name);
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->pub_ep, sizeof f->pub_ep, "ipc://%s/pub", f->dir);
    snprintf(f->snap_ep, sizeof f->snap_ep, "ipc://%s/snap", f->dir);
    return nt_ed25519_key_from_seed(&f->key, seed) == NT_OK ? 0 : -1;
}

void fix_teardown(fixture *f)
{
    char cmd[300];
    nt_bus_pub_destroy(f->pub);
    f->pub = NULL;
    /* only files this test made: sockets and keys in its own directory */
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (f->dir[0] && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
}

void fix_pub_start(fixture *f, int sndhwm, unsigned head_ms, const char *curve_secret,
                   const char *curve_allow)
{
    nt_bus_pub_config c;
    char why[256];
    memset(&c, 0, sizeof c);
    c.endpoint = f->pub_ep;
    c.snapshot_endpoint = f->snap_ep;
    c.key = &f->key;
    c.host = "bus-test.local";
    c.sndhwm = sndhwm;
    c.head_interval_ms = head_ms;
    c.curve_secret_file = curve_secret;
    c.curve_allow_file = curve_allow;
    if (nt_bus_pub_create(&f->pub, &c, why, sizeof why) != NT_OK)
        fail_msg("publisher: %s", why);
}

void fix_publish_op(fixture *f, unsigned k)
{
    unsigned i = (k * 7u) % FIX_INSTANCES;
    char key[32], fields[256];
    nt_bus_topic t;
    int n;
    if (!f->live[i])
        t = NT_BUS_SERVICE_ADDED;
    else
        t = (k % 5u == 4u) ? NT_BUS_SERVICE_REMOVED : NT_BUS_SERVICE_UPDATED;
    snprintf(key, sizeof key, "inst-%u", i);
    n = snprintf(fields, sizeof fields,
                 "{\"name\":\"inst-%u\",\"val\":%u,\"trust\":\"self-signed\",\"reason\":null}", i,
                 k);
    assert_int_equal(nt_bus_pub_publish(f->pub, t, key, fields, (size_t)n), NT_OK);
    f->live[i] = t != NT_BUS_SERVICE_REMOVED;
    f->val[i] = k;
}

uint64_t fix_last_seq(fixture *f)
{
    nt_bus_pub_stats st;
    nt_bus_pub_get_stats(f->pub, &st);
    return st.published; /* seq 1 is agent.started, counted too */
}

void model_init(model *m)
{
    memset(m, 0, sizeof *m);
    m->seen_cap = 1u << 20;
    m->seen = calloc(m->seen_cap / 8, 1);
    assert_non_null(m->seen);
}

void model_cleanup(model *m)
{
    free(m->seen);
}

/* name "inst-N" and val of a body. */
static bool body_fields(const char *body, size_t len, unsigned *inst, unsigned *val)
{
    cJSON *j = cJSON_ParseWithLength(body, len), *n, *v;
    bool ok = false;
    if (!j)
        return false;
    n = cJSON_GetObjectItemCaseSensitive(j, "name");
    v = cJSON_GetObjectItemCaseSensitive(j, "val");
    if (cJSON_IsString(n) && cJSON_IsNumber(v) && sscanf(n->valuestring, "inst-%u", inst) == 1 &&
        *inst < FIX_INSTANCES) {
        *val = (unsigned)v->valuedouble;
        ok = true;
    }
    cJSON_Delete(j);
    return ok;
}

static void apply_event(model *m, const nt_bus_sub_event *ev)
{
    unsigned inst, val;
    assert_true(m->synced);
    assert_int_equal(ev->seq, m->next_seq); /* nothing missing */
    assert_true(ev->seq < m->seen_cap);
    assert_false(m->seen[ev->seq / 8] & (1u << (ev->seq % 8))); /* nothing twice */
    m->seen[ev->seq / 8] |= (uint8_t)(1u << (ev->seq % 8));
    m->next_seq++;
    m->events++;
    if (!body_fields(ev->body, ev->body_len, &inst, &val))
        return; /* agent.started and the like */
    if (strcmp(ev->topic, "service.removed") == 0) {
        m->live[inst] = false;
    } else {
        m->live[inst] = true;
        m->val[inst] = val;
    }
}

void model_apply(model *m, const nt_bus_sub_event *ev)
{
    unsigned inst, val;
    switch (ev->kind) {
    case NT_BUS_SUB_SNAPSHOT_BEGIN:
        memset(m->snap_live, 0, sizeof m->snap_live);
        m->in_snapshot = true;
        m->begins++;
        break;
    case NT_BUS_SUB_SNAPSHOT_ITEM:
        assert_true(m->in_snapshot);
        assert_true(body_fields(ev->body, ev->body_len, &inst, &val));
        m->snap_live[inst] = true;
        m->snap_val[inst] = val;
        m->items++;
        break;
    case NT_BUS_SUB_SNAPSHOT_END:
        assert_true(m->in_snapshot);
        /* a snapshot never goes back before events already delivered */
        assert_true(!m->synced || ev->seq + 1 >= m->next_seq);
        memcpy(m->live, m->snap_live, sizeof m->live);
        memcpy(m->val, m->snap_val, sizeof m->val);
        m->in_snapshot = false;
        m->synced = true;
        m->next_seq = ev->seq + 1;
        m->last_end = ev->seq;
        break;
    case NT_BUS_SUB_EVENT:
        apply_event(m, ev);
        break;
    case NT_BUS_SUB_GAP:
    default:
        m->gaps++;
        if (m->synced)
            m->next_seq = ev->gap_to + 1;
        break;
    }
}

void model_catch_up(model *m, nt_bus_sub *s, uint64_t last)
{
    nt_bus_sub_event ev;
    while (!m->synced || m->next_seq <= last) {
        nt_status st = nt_bus_sub_next(s, &ev, 10000);
        if (st != NT_OK)
            fail_msg("waiting for seq %llu (next %llu): %s", (unsigned long long)last,
                     (unsigned long long)m->next_seq, nt_strerror(st));
        model_apply(m, &ev);
    }
}

void model_check(const model *m, const fixture *f)
{
    unsigned i;
    for (i = 0; i < FIX_INSTANCES; i++) {
        assert_int_equal(m->live[i], f->live[i]);
        if (f->live[i])
            assert_int_equal(m->val[i], f->val[i]);
    }
}
