/*
 * Suite "bus": authenticated events per second through the trust-event bus
 * (DESIGN §6), against bare libzmq PUB/SUB of the same messages, in the
 * same run, CURVE off and on; and the authentication cost per event.
 *
 * ours: nt_bus_pub_publish of events whose body is 256 bytes (the bus's
 *       members and the caller's fields), each hash-chained, a signed head
 *       every 1,024 events, over tcp://127.0.0.1 to an nt_bus_sub in another
 *       thread that verifies every head and chain link, orders by seq and
 *       hands each event out. Counted: events handed out.
 * peer: a bare PUB sending the same two frames (topic, 256-byte body) with
 *       ZMQ_DONTWAIT to a bare SUB in another thread that receives them.
 *       Counted: messages received.
 * Both sides keep at most WINDOW events in flight (the publisher waits for
 * the subscriber), below the high-water marks, so nothing is dropped and the
 * rate is what the subscriber takes in. CURVE: the same with the CURVE
 * security mechanism (and, for ours, the ZAP handler checking the key).
 *
 * bus.publish_stalled: publish calls per second while one subscriber is
 *       connected and never reads (its queues full: libzmq drops for it),
 *       against the same publisher with no subscriber: the slow subscriber
 *       must not slow the agent (ratio ~1).
 * bus.auth_publish: per-event authentication on the publishing side: our
 *       chain hash plus a signature per 1,024 events, against an Ed25519
 *       signature per event (the other scheme the design allowed).
 * bus.auth_verify: the same on the subscribing side: parsing and checking
 *       a captured event body (JSON, hash, link) plus a head verification
 *       per 1,024 events, against an Ed25519 verification per event.
 * bus.resolve_*: `nautilus resolve` through a running agent against Avahi
 *       through avahi-daemon, on a namespace LAN, medians of wall time per
 *       command (bench/agent_resolve.py, run as a child; needs root and
 *       avahi-daemon, skipped with a note otherwise and in --smoke). The
 *       figures are commands per second, so the ratio is Avahi's time over
 *       ours (goal >= 2, i.e. <= 0.5x Avahi's time).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "agent/bus/bus_int.h"
#include "agent/bus/verify.h"
#include "bench.h"
#include "nautilus/bus.h"

#define BODY_LEN 256
#define BATCH 1024
#define WINDOW 20000
#define HWM 100000

/* ---- the end-to-end pipes --------------------------------------------------- */

typedef struct pipe_case {
    bool ours;
    void *zctx, *pub, *sub; /* bare */
    nt_bus_pub *bp;
    nt_bus_sub *bs;
    pthread_t thread;
    bool thread_on;
    atomic_bool stop;
    atomic_ullong got;
    uint64_t sent;
    char fields[BODY_LEN];
    size_t fields_len;
    char body[BODY_LEN];
} pipe_case;

static void *ours_reader(void *arg)
{
    pipe_case *pc = arg;
    nt_bus_sub_event ev;
    while (!atomic_load(&pc->stop))
        if (nt_bus_sub_next(pc->bs, &ev, 50) == NT_OK && ev.kind == NT_BUS_SUB_EVENT)
            atomic_fetch_add(&pc->got, 1);
    return NULL;
}

static void *bare_reader(void *arg)
{
    pipe_case *pc = arg;
    char buf[BODY_LEN + 64];
    int timeout = 50;
    zmq_setsockopt(pc->sub, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    while (!atomic_load(&pc->stop)) {
        int more = 0;
        size_t ml = sizeof more;
        if (zmq_recv(pc->sub, buf, sizeof buf, 0) < 0)
            continue;
        zmq_getsockopt(pc->sub, ZMQ_RCVMORE, &more, &ml);
        if (more && zmq_recv(pc->sub, buf, sizeof buf, 0) >= 0)
            atomic_fetch_add(&pc->got, 1);
    }
    return NULL;
}

/* Waits while more than WINDOW events are in flight. */
static void window_wait(pipe_case *pc)
{
    while (pc->sent - atomic_load(&pc->got) > WINDOW)
        usleep(20); /* not a spin: the subscriber thread needs the core */
}

static nt_status ours_batch(void *arg, uint64_t *ops)
{
    pipe_case *pc = arg;
    unsigned i;
    for (i = 0; i < BATCH; i++) {
        nt_status st = nt_bus_pub_publish(pc->bp, NT_BUS_SERVICE_UPDATED, "bench", pc->fields,
                                          pc->fields_len);
        if (st != NT_OK)
            return st;
    }
    pc->sent += BATCH;
    window_wait(pc);
    *ops += BATCH;
    return NT_OK;
}

static nt_status bare_batch(void *arg, uint64_t *ops)
{
    pipe_case *pc = arg;
    unsigned i;
    for (i = 0; i < BATCH; i++)
        if (zmq_send(pc->pub, "service.updated", 15, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
            zmq_send(pc->pub, pc->body, BODY_LEN, ZMQ_DONTWAIT) < 0)
            return NT_ERR_BUS_ZMQ;
    pc->sent += BATCH;
    window_wait(pc);
    *ops += BATCH;
    return NT_OK;
}

typedef struct curve_keys {
    char dir[64], secret_file[128], client_file[128], allow_file[128];
    char server_pub[41], server_sec[41], client_pub[41], client_sec[41];
} curve_keys;

static nt_status keys_make(curve_keys *k)
{
    FILE *f;
    snprintf(k->dir, sizeof k->dir, "/tmp/nt-bench-bus-XXXXXX");
    if (!mkdtemp(k->dir))
        return NT_ERR_IO;
    snprintf(k->secret_file, sizeof k->secret_file, "%s/server.key", k->dir);
    snprintf(k->client_file, sizeof k->client_file, "%s/client.key", k->dir);
    snprintf(k->allow_file, sizeof k->allow_file, "%s/allow", k->dir);
    if (nt_bus_curve_key_create(k->server_pub, k->secret_file) != NT_OK ||
        nt_bus_curve_key_create(k->client_pub, k->client_file) != NT_OK ||
        nt_bus_curve_key_load(k->server_sec, k->server_pub, k->secret_file) != NT_OK ||
        nt_bus_curve_key_load(k->client_sec, k->client_pub, k->client_file) != NT_OK ||
        !(f = fopen(k->allow_file, "w")))
        return NT_ERR_IO;
    fprintf(f, "%s\n", k->client_pub);
    fclose(f);
    return NT_OK;
}

static void keys_remove(curve_keys *k)
{
    unlink(k->secret_file);
    unlink(k->client_file);
    unlink(k->allow_file);
    rmdir(k->dir);
}

/* A 256-byte body: the bus adds its ~190 bytes of members to our fields. */
static nt_status ours_open(pipe_case *pc, const nt_ed25519_key *key, const curve_keys *k)
{
    nt_bus_pub_config c;
    nt_bus_sub_config sc;
    char why[256], ep[128], snap[128];
    nt_status st;
    nt_bus_pub_stats ps;
    size_t pad;
    memset(&c, 0, sizeof c);
    c.endpoint = "tcp://127.0.0.1:*";
    c.snapshot_endpoint = "tcp://127.0.0.1:*";
    c.key = key;
    c.host = "bench.local";
    c.sndhwm = HWM;
    c.curve_secret_file = k ? k->secret_file : NULL;
    c.curve_allow_file = k ? k->allow_file : NULL;
    if ((st = nt_bus_pub_create(&pc->bp, &c, why, sizeof why)) != NT_OK)
        return st;
    nt_bus_pub_endpoints(pc->bp, ep, sizeof ep, snap, sizeof snap);
    memset(&sc, 0, sizeof sc);
    sc.endpoint = ep;
    sc.snapshot_endpoint = snap;
    sc.curve_server_key = k ? k->server_pub : NULL;
    sc.curve_key_file = k ? k->client_file : NULL;
    if ((st = nt_bus_sub_create(&pc->bs, &sc, why, sizeof why)) != NT_OK)
        return st;
    /* fields so that the whole body is BODY_LEN bytes (seq and time widths
     * vary by a few bytes over a run) */
    pad = BODY_LEN - 190 - 40;
    pc->fields_len = (size_t)snprintf(pc->fields, sizeof pc->fields,
                                      "{\"name\":\"bench\",\"trust\":\"trusted\",\"x\":\"%0*d\"}",
                                      (int)pad, 0);
    nt_bus_pub_get_stats(pc->bp, &ps);
    pc->ours = true;
    if (pthread_create(&pc->thread, NULL, ours_reader, pc) != 0)
        return NT_ERR_IO;
    pc->thread_on = true;
    /* until the subscriber is connected and synced: events arrive */
    while (atomic_load(&pc->got) == 0) {
        nt_status s2 = nt_bus_pub_publish(pc->bp, NT_BUS_SERVICE_UPDATED, "bench", pc->fields,
                                          pc->fields_len);
        if (s2 != NT_OK)
            return s2;
        usleep(1000);
    }
    pc->sent = atomic_load(&pc->got);
    return NT_OK;
}

static int setint(void *s, int o, int v) { return zmq_setsockopt(s, o, &v, sizeof v); }

static nt_status bare_open(pipe_case *pc, const curve_keys *k)
{
    char ep[128];
    size_t len = sizeof ep;
    memset(pc->body, 'b', sizeof pc->body);
    pc->zctx = zmq_ctx_new();
    pc->pub = zmq_socket(pc->zctx, ZMQ_PUB);
    pc->sub = zmq_socket(pc->zctx, ZMQ_SUB);
    if (!pc->pub || !pc->sub || setint(pc->pub, ZMQ_SNDHWM, HWM) != 0 ||
        setint(pc->sub, ZMQ_RCVHWM, HWM) != 0 || setint(pc->pub, ZMQ_LINGER, 0) != 0 ||
        setint(pc->sub, ZMQ_LINGER, 0) != 0)
        return NT_ERR_BUS_ZMQ;
    if (k && (setint(pc->pub, ZMQ_CURVE_SERVER, 1) != 0 ||
              zmq_setsockopt(pc->pub, ZMQ_CURVE_SECRETKEY, k->server_sec, 40) != 0 ||
              zmq_setsockopt(pc->sub, ZMQ_CURVE_SERVERKEY, k->server_pub, 40) != 0 ||
              zmq_setsockopt(pc->sub, ZMQ_CURVE_PUBLICKEY, k->client_pub, 40) != 0 ||
              zmq_setsockopt(pc->sub, ZMQ_CURVE_SECRETKEY, k->client_sec, 40) != 0))
        return NT_ERR_BUS_ZMQ;
    if (zmq_bind(pc->pub, "tcp://127.0.0.1:*") != 0 ||
        zmq_getsockopt(pc->pub, ZMQ_LAST_ENDPOINT, ep, &len) != 0 ||
        zmq_setsockopt(pc->sub, ZMQ_SUBSCRIBE, "", 0) != 0 || zmq_connect(pc->sub, ep) != 0)
        return NT_ERR_BUS_ZMQ;
    if (pthread_create(&pc->thread, NULL, bare_reader, pc) != 0)
        return NT_ERR_IO;
    pc->thread_on = true;
    while (atomic_load(&pc->got) == 0) { /* the slow joiner */
        if (zmq_send(pc->pub, "service.updated", 15, ZMQ_SNDMORE) < 0 ||
            zmq_send(pc->pub, pc->body, BODY_LEN, 0) < 0)
            return NT_ERR_BUS_ZMQ;
        usleep(1000);
    }
    pc->sent = atomic_load(&pc->got);
    return NT_OK;
}

static void pipe_close(pipe_case *pc)
{
    atomic_store(&pc->stop, true);
    if (pc->thread_on)
        pthread_join(pc->thread, NULL);
    nt_bus_sub_destroy(pc->bs);
    nt_bus_pub_destroy(pc->bp);
    if (pc->sub)
        zmq_close(pc->sub);
    if (pc->pub)
        zmq_close(pc->pub);
    if (pc->zctx)
        zmq_ctx_term(pc->zctx);
}

/* ---- a subscriber that stops reading --------------------------------------- */

typedef struct stall_case {
    nt_bus_pub *p;
    void *zctx, *sub; /* connected, never read */
    char fields[BODY_LEN];
    size_t fields_len;
} stall_case;

static nt_status publish_batch(void *arg, uint64_t *ops)
{
    stall_case *sc = arg;
    unsigned i;
    for (i = 0; i < BATCH; i++) {
        nt_status st = nt_bus_pub_publish(sc->p, NT_BUS_SERVICE_UPDATED, "bench", sc->fields,
                                          sc->fields_len);
        if (st != NT_OK)
            return st;
    }
    *ops += BATCH;
    return NT_OK;
}

static nt_status stall_open(stall_case *sc, const nt_ed25519_key *key, bool with_sub)
{
    nt_bus_pub_config c;
    char why[256], ep[128];
    int hwm = 1000;
    memset(&c, 0, sizeof c);
    c.endpoint = "tcp://127.0.0.1:*";
    c.key = key;
    c.host = "bench.local";
    if (nt_bus_pub_create(&sc->p, &c, why, sizeof why) != NT_OK)
        return NT_ERR_BUS_ZMQ;
    sc->fields_len = (size_t)snprintf(sc->fields, sizeof sc->fields,
                                      "{\"name\":\"bench\",\"trust\":\"trusted\",\"x\":\"%026d\"}", 0);
    if (!with_sub)
        return NT_OK;
    nt_bus_pub_endpoints(sc->p, ep, sizeof ep, NULL, 0);
    sc->zctx = zmq_ctx_new();
    sc->sub = zmq_socket(sc->zctx, ZMQ_SUB);
    if (!sc->sub || zmq_setsockopt(sc->sub, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0 ||
        zmq_setsockopt(sc->sub, ZMQ_SUBSCRIBE, "", 0) != 0 || zmq_connect(sc->sub, ep) != 0)
        return NT_ERR_BUS_ZMQ;
    {
        zmq_pollitem_t it = {sc->sub, 0, ZMQ_POLLIN, 0};
        uint64_t dummy = 0;
        do { /* connected once something arrives; then it never reads again */
            nt_status st = publish_batch(sc, &dummy);
            if (st != NT_OK)
                return st;
        } while (zmq_poll(&it, 1, 10) == 0);
    }
    return NT_OK;
}

static void stall_close(stall_case *sc)
{
    nt_bus_pub_destroy(sc->p);
    if (sc->sub)
        zmq_close(sc->sub);
    if (sc->zctx)
        zmq_ctx_term(sc->zctx);
}

static nt_status stalled(nt_bench_ctx *ctx, const nt_ed25519_key *key)
{
    stall_case with, without;
    double r_with, r_without;
    nt_status st;
    memset(&with, 0, sizeof with);
    memset(&without, 0, sizeof without);
    if ((st = stall_open(&with, key, true)) == NT_OK &&
        (st = stall_open(&without, key, false)) == NT_OK &&
        (st = nt_bench_compare(ctx, &r_with, publish_batch, &with, &r_without, publish_batch,
                               &without)) == NT_OK) {
        nt_bus_pub_stats ps;
        nt_bus_pub_get_stats(with.p, &ps);
        nt_bench_report(ctx, "bus.publish_stalled", r_with, r_without, "ev/s");
        nt_bench_note(ctx, "peer: the same publisher with no subscriber; %llu events published "
                      "past a subscriber that never reads", (unsigned long long)ps.published);
    }
    stall_close(&with);
    stall_close(&without);
    return st;
}

/* ---- authentication cost per event ----------------------------------------- */

typedef struct auth_case {
    nt_ed25519_key key;
    nt_bus_hasher hasher;
    char body[BODY_LEN];
    uint8_t sig[64], hash[32], prev[32];
    uint8_t head_sig[64], head_bytes[NT_BUS_HEAD_SIGNED_LEN];
    uint64_t sink;
} auth_case;

static nt_status chain_sign_batch(void *arg, uint64_t *ops)
{
    auth_case *a = arg;
    unsigned i;
    for (i = 0; i < BATCH; i++) {
        memcpy(a->body + 100, a->prev, 32); /* the body names the previous hash */
        nt_bus_hasher_msg(&a->hasher, a->hash, "service.updated", 15, a->body, BODY_LEN);
        memcpy(a->prev, a->hash, 32);
    }
    nt_bus_head_signed(a->head_bytes, a->hash, a->hash, 1, a->hash, 1);
    if (nt_ed25519_sign(&a->key, a->head_sig, a->head_bytes, sizeof a->head_bytes) != NT_OK)
        return NT_ERR_CRYPTO_BAD_SIGNATURE;
    *ops += BATCH;
    return NT_OK;
}

static nt_status per_event_sign_batch(void *arg, uint64_t *ops)
{
    auth_case *a = arg;
    unsigned i;
    for (i = 0; i < BATCH; i++) {
        a->body[0] = (char)i;
        crypto_sign_detached(a->sig, NULL, (const uint8_t *)a->body, BODY_LEN, a->key.sk);
        a->sink += a->sig[0];
    }
    *ops += BATCH;
    return NT_OK;
}

static nt_status chain_verify_batch(void *arg, uint64_t *ops)
{
    auth_case *a = arg;
    unsigned i;
    for (i = 0; i < BATCH; i++) { /* each link: hash the message, compare with the next's prev */
        nt_bus_hasher_msg(&a->hasher, a->hash, "service.updated", 15, a->body, BODY_LEN);
        a->sink += (uint64_t)(sodium_memcmp(a->hash, a->prev, 32) == 0);
    }
    if (crypto_sign_verify_detached(a->head_sig, a->head_bytes, sizeof a->head_bytes,
                                    a->key.pk) != 0)
        return NT_ERR_CRYPTO_BAD_SIGNATURE;
    *ops += BATCH;
    return NT_OK;
}

static nt_status per_event_verify_batch(void *arg, uint64_t *ops)
{
    auth_case *a = arg;
    unsigned i;
    for (i = 0; i < BATCH; i++)
        if (crypto_sign_verify_detached(a->sig, (const uint8_t *)a->body, BODY_LEN, a->key.pk) != 0)
            return NT_ERR_CRYPTO_BAD_SIGNATURE;
    *ops += BATCH;
    return NT_OK;
}

static nt_status auth_costs(nt_bench_ctx *ctx)
{
    static const uint8_t seed[32] = {42};
    auth_case a;
    double ours, peer;
    nt_status st;
    memset(&a, 0, sizeof a);
    memset(a.body, 'e', sizeof a.body);
    if ((st = nt_ed25519_key_from_seed(&a.key, seed)) != NT_OK ||
        (st = nt_bus_hasher_init(&a.hasher)) != NT_OK)
        return st;
    if ((st = nt_bench_compare(ctx, &ours, chain_sign_batch, &a, &peer, per_event_sign_batch,
                               &a)) != NT_OK)
        return st;
    nt_bench_report(ctx, "bus.auth_publish", ours, peer, "ev/s");
    crypto_sign_detached(a.sig, NULL, (const uint8_t *)a.body, BODY_LEN, a.key.sk);
    if ((st = nt_bench_compare(ctx, &ours, chain_verify_batch, &a, &peer, per_event_verify_batch,
                               &a)) != NT_OK)
        return st;
    nt_bench_report(ctx, "bus.auth_verify", ours, peer, "ev/s");
    nt_bus_hasher_cleanup(&a.hasher);
    nt_ed25519_key_wipe(&a.key);
    return NT_OK;
}

/* ---- resolve through the agent, against Avahi -------------------------------- */

#define RESOLVE_OUT_CAP 8192

/* Runs bench/agent_resolve.py with --json into a temporary file; false with
 * a note if it cannot run here. */
static bool resolve_peer_run(nt_bench_ctx *ctx, char *out, size_t cap)
{
    const char *src = getenv("NT_SOURCE_DIR");
    char script[1024], json[64] = "/tmp/nt-bench-resolve-XXXXXX", rounds[16];
    int fd, status;
    size_t len;
    pid_t pid;
    FILE *f;

    if (!src || !*src)
        src = NT_CORPUS_SOURCE_DIR;
    snprintf(script, sizeof script, "%s/bench/agent_resolve.py", src);
    if (geteuid() != 0 || access("/usr/sbin/avahi-daemon", X_OK) != 0 ||
        access(NT_BENCH_NAUTILUS, X_OK) != 0) {
        nt_bench_note(ctx, "bus.resolve: skipped (needs root, avahi-daemon and %s)", NT_BENCH_NAUTILUS);
        return false;
    }
    if ((fd = mkstemp(json)) < 0)
        return false;
    close(fd);
    snprintf(rounds, sizeof rounds, "%d", nt_bench_smoke(ctx) ? 1 : 20);
    fflush(stdout);
    if ((pid = fork()) == 0) {
        char *argv[] = {"/usr/bin/python3", script, NT_BENCH_NAUTILUS, "--rounds", rounds,
                        "--json", json, NULL};
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        execv(argv[0], argv);
        _exit(127);
    }
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    len = 0;
    if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && (f = fopen(json, "r"))) {
        len = fread(out, 1, cap - 1, f);
        fclose(f);
    }
    out[len] = 0;
    unlink(json);
    if (len == 0)
        nt_bench_note(ctx, "bus.resolve: bench/agent_resolve.py failed; no figures");
    return len > 0;
}

/* The number after "key": in the JSON line that names the case. */
static double resolve_field(const char *out, const char *name, const char *key)
{
    char want[64], k[32];
    const char *line, *v;
    snprintf(want, sizeof want, "\"case\": \"%s\"", name);
    line = strstr(out, want);
    if (!line)
        return 0;
    snprintf(k, sizeof k, "\"%s\": ", key);
    v = strstr(line, k);
    return v ? strtod(v + strlen(k), NULL) : 0;
}

static void resolve_vs_avahi(nt_bench_ctx *ctx)
{
    static const char *const cases[][2] = {{"host A", "bus.resolve_host_a"},
                                           {"host AAAA", "bus.resolve_host_aaaa"},
                                           {"service", "bus.resolve_service"},
                                           {"start", "bus.resolve_floor"}};
    char out[RESOLVE_OUT_CAP];
    size_t i;
    if (nt_bench_smoke(ctx)) {
        nt_bench_note(ctx, "bus.resolve: skipped in --smoke (a namespace LAN and avahi-daemon)");
        return;
    }
    if (!resolve_peer_run(ctx, out, sizeof out))
        return;
    nt_bench_note(ctx, "resolve through a running agent vs Avahi (avahi-resolve; the service "
                  "against one D-Bus ResolveService call by dbus-send), medians of 20 on a "
                  "namespace LAN; floor: nautilus version vs /bin/echo");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double ours = resolve_field(out, cases[i][0], "ours_ms");
        double peer = resolve_field(out, cases[i][0], "avahi_ms");
        if (ours > 0 && peer > 0) {
            nt_bench_report(ctx, cases[i][1], 1000.0 / ours, 1000.0 / peer, "cmd/s");
            nt_bench_note(ctx, "%s: %.2f ms ours, %.2f ms %s (%.2fx the time)", cases[i][0], ours,
                          peer, i == 3 ? "echo" : "Avahi", ours / peer);
        }
    }
    nt_bench_note(ctx, "goal: host A, AAAA and service ratio >= 2 (<= 0.5x Avahi's time)");
}

NT_BENCH_SUITE_DEFINE(bus)
{
    static const uint8_t seed[32] = {1, 2, 3};
    static pipe_case pcs[4]; /* ours, bare; ours CURVE, bare CURVE */
    nt_bench_batch_fn fns[4] = {ours_batch, bare_batch, ours_batch, bare_batch};
    void *args[4] = {&pcs[0], &pcs[1], &pcs[2], &pcs[3]};
    double rates[4];
    curve_keys k;
    nt_ed25519_key key;
    nt_status st;
    size_t i;
    memset(pcs, 0, sizeof pcs);
    if (sodium_init() < 0 || nt_ed25519_key_from_seed(&key, seed) != NT_OK)
        return NT_ERR_CRYPTO_INIT;
    if ((st = keys_make(&k)) != NT_OK)
        goto out;
    if ((st = ours_open(&pcs[0], &key, NULL)) != NT_OK || (st = bare_open(&pcs[1], NULL)) != NT_OK ||
        (st = ours_open(&pcs[2], &key, &k)) != NT_OK || (st = bare_open(&pcs[3], &k)) != NT_OK)
        goto out;
    nt_bench_note(ctx, "%d-byte bodies over tcp://127.0.0.1, publisher and subscriber threads in "
                  "one process; ours: hash chain + signed head per %d events, verified",
                  BODY_LEN, BATCH);
    if ((st = nt_bench_measure_set(ctx, 4, fns, args, rates)) != NT_OK)
        goto out;
    nt_bench_report(ctx, "bus.events", rates[0], rates[1], "ev/s");
    nt_bench_report(ctx, "bus.events_curve", rates[2], rates[3], "ev/s");
    nt_bench_note(ctx, "goal: bus.events_curve >= 100000 ev/s and ratio >= 0.3");
    for (i = 0; i < 4; i++)
        pipe_close(&pcs[i]);
    memset(pcs, 0, sizeof pcs);
    if ((st = stalled(ctx, &key)) == NT_OK)
        st = auth_costs(ctx);
    if (st == NT_OK)
        resolve_vs_avahi(ctx);
out:
    for (i = 0; i < 4; i++)
        pipe_close(&pcs[i]);
    keys_remove(&k);
    nt_ed25519_key_wipe(&key);
    return st;
}
