/* agent/bus: creating and destroying a publisher (sockets, keys, thread). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <zmq.h>

#include "pub_int.h"

/* "what: libzmq's reason" into why. */
static nt_status fail(char *why, size_t cap, nt_status st, const char *what, const char *arg)
{
    if (why && cap)
        snprintf(why, cap, "%s%s%s: %s", what, arg ? " " : "", arg ? arg : "",
                 zmq_strerror(zmq_errno()));
    return st;
}

static bool host_ok(const char *h)
{
    size_t i, n = h ? strlen(h) : 0;
    if (n == 0 || n > 253)
        return false;
    for (i = 0; i < n; i++) {
        char c = h[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_'))
            return false;
    }
    return true;
}

static int setint(void *s, int opt, int v)
{
    return zmq_setsockopt(s, opt, &v, sizeof v);
}

/* Options every socket of the publisher gets; CURVE server when asked. */
static int sock_setup(void *s, const char *curve_secret)
{
    int64_t maxmsg = 1024; /* subscriptions and snapshot requests are tiny */
    if (zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0 ||
        setint(s, ZMQ_LINGER, 200) != 0)
        return -1;
    if (!curve_secret)
        return 0;
    if (setint(s, ZMQ_CURVE_SERVER, 1) != 0 ||
        zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, curve_secret, NT_BUS_Z85_KEY_LEN) != 0 ||
        zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, "nautilus", 8) != 0)
        return -1;
    return 0;
}

static nt_status open_curve(nt_bus_pub *p, const nt_bus_pub_config *cfg, char *secret,
                            char *why, size_t cap)
{
    char pub_z85[41], line[16];
    unsigned bad = 0;
    int64_t zap_max = 4096; /* inproc, from libzmq itself; set all the same */
    nt_status st = nt_bus_curve_key_load(secret, pub_z85, cfg->curve_secret_file);
    if (st != NT_OK) {
        snprintf(why, cap, "CURVE key file %s: %s", cfg->curve_secret_file, nt_strerror(st));
        return st;
    }
    if (!cfg->curve_allow_file) {
        snprintf(why, cap, "CURVE needs a file of allowed client keys");
        return NT_ERR_INVALID_ARG;
    }
    st = nt_bus_zap_list_load(&p->allow, cfg->curve_allow_file, &bad);
    if (st != NT_OK) {
        snprintf(line, sizeof line, ":%u", bad);
        snprintf(why, cap, "allowed keys %s%s: %s", cfg->curve_allow_file, bad ? line : "",
                 nt_strerror(st));
        return st;
    }
    p->zap = zmq_socket(p->zctx, ZMQ_REP);
    if (!p->zap || setint(p->zap, ZMQ_LINGER, 0) != 0 ||
        zmq_setsockopt(p->zap, ZMQ_MAXMSGSIZE, &zap_max, sizeof zap_max) != 0 ||
        zmq_bind(p->zap, NT_BUS_ZAP_ENDPOINT) != 0)
        return fail(why, cap, NT_ERR_BUS_ZMQ, "ZAP handler", NULL);
    return NT_OK;
}

static nt_status open_sockets(nt_bus_pub *p, const nt_bus_pub_config *cfg, char *why, size_t cap)
{
    char secret[41];
    const char *curve = NULL;
    nt_status st = NT_OK;
    if (cfg->curve_secret_file) {
        if ((st = open_curve(p, cfg, secret, why, cap)) != NT_OK)
            goto out;
        curve = secret;
    }
    p->pub = zmq_socket(p->zctx, ZMQ_PUB);
    if (!p->pub || sock_setup(p->pub, curve) != 0 ||
        setint(p->pub, ZMQ_SNDHWM, cfg->sndhwm > 0 ? cfg->sndhwm : 10000) != 0 ||
        zmq_bind(p->pub, cfg->endpoint) != 0) {
        st = fail(why, cap, NT_ERR_BUS_ZMQ, "cannot bind", cfg->endpoint);
        goto out;
    }
    if (cfg->snapshot_endpoint) {
        p->router = zmq_socket(p->zctx, ZMQ_ROUTER);
        if (!p->router || sock_setup(p->router, curve) != 0 ||
            setint(p->router, ZMQ_ROUTER_MANDATORY, 1) != 0 ||
            setint(p->router, ZMQ_SNDHWM, (int)(p->state.max + 16 > 1000000 ? 1000000
                                                                            : p->state.max + 16)) != 0 ||
            zmq_bind(p->router, cfg->snapshot_endpoint) != 0)
            st = fail(why, cap, NT_ERR_BUS_ZMQ, "cannot bind", cfg->snapshot_endpoint);
    }
out:
    sodium_memzero(secret, sizeof secret);
    return st;
}

static nt_status identity_setup(nt_bus_pub *p, const nt_bus_pub_config *cfg)
{
    nt_status st;
    p->key = *cfg->key;
    snprintf(p->host, sizeof p->host, "%s", cfg->host);
    if ((st = nt_bus_agent_digest(p->agent, p->key.pk, p->host)) != NT_OK)
        return st;
    randombytes_buf(p->run, sizeof p->run);
    if (nt_hex_encode(p->agent_hex, sizeof p->agent_hex, p->agent, 32) != NT_OK ||
        nt_hex_encode(p->run_hex, sizeof p->run_hex, p->run, sizeof p->run) != NT_OK ||
        nt_hex_encode(p->key_hex, sizeof p->key_hex, p->key.pk, 32) != NT_OK ||
        nt_hex_encode(p->last_hash_hex, sizeof p->last_hash_hex, p->last_hash, 32) != NT_OK)
        return NT_ERR_NOSPACE;
    return NT_OK;
}

nt_status nt_bus_pub_create(nt_bus_pub **out, const nt_bus_pub_config *cfg, char *why,
                            size_t why_cap)
{
    nt_bus_pub *p;
    nt_status st;
    char fields[320];
    int n;
    *out = NULL;
    if (why && why_cap)
        why[0] = 0;
    if ((st = nt_bus_libs_ready(why, why_cap)) != NT_OK)
        return st;
    if (!cfg || !cfg->endpoint || !cfg->key || !host_ok(cfg->host) ||
        cfg->head_interval_ms > 100) {
        if (why && why_cap)
            snprintf(why, why_cap, "bad publisher configuration (endpoint, key, host name, "
                                   "head interval <= 100 ms)");
        return NT_ERR_INVALID_ARG;
    }
    if (sodium_init() < 0)
        return NT_ERR_CRYPTO_INIT;
    if (!(p = nt_calloc(1, sizeof *p)))
        return NT_ERR_NOMEM;
    pthread_mutex_init(&p->mu, NULL);
    atomic_init(&p->stop, false);
    nt_dynbuf_init(&p->body, NT_BUS_BODY_MAX);
    nt_bus_state_init(&p->state, cfg->state_max ? cfg->state_max : 65536u);
    p->head_interval_ms = cfg->head_interval_ms ? cfg->head_interval_ms : NT_BUS_HEAD_INTERVAL_MS;
    if ((st = nt_bus_hasher_init(&p->hasher)) != NT_OK)
        goto fail;
    if ((st = identity_setup(p, cfg)) != NT_OK) {
        if (why && why_cap)
            snprintf(why, why_cap, "bad host name '%s'", cfg->host);
        goto fail;
    }
    if (!(p->zctx = zmq_ctx_new())) {
        st = fail(why, why_cap, NT_ERR_BUS_ZMQ, "zmq_ctx_new", NULL);
        goto fail;
    }
    if ((st = open_sockets(p, cfg, why, why_cap)) != NT_OK)
        goto fail;
    if (pthread_create(&p->thread, NULL, nt_bus_pub_thread, p) != 0) {
        st = NT_ERR_IO;
        goto fail;
    }
    p->thread_on = true;
    n = snprintf(fields, sizeof fields, "{\"host\":\"%s\",\"trust\":null,\"reason\":null}",
                 p->host);
    if ((st = nt_bus_pub_publish(p, NT_BUS_AGENT_STARTED, NULL, fields, (size_t)n)) != NT_OK)
        goto fail;
    *out = p;
    return NT_OK;
fail:
    nt_bus_pub_destroy_quiet(p);
    return st;
}

void nt_bus_pub_destroy_quiet(nt_bus_pub *p)
{
    if (!p)
        return;
    if (p->thread_on) {
        atomic_store(&p->stop, true);
        pthread_join(p->thread, NULL);
    }
    if (p->zap)
        zmq_close(p->zap);
    if (p->router)
        zmq_close(p->router);
    if (p->pub)
        zmq_close(p->pub);
    if (p->zctx)
        zmq_ctx_term(p->zctx);
    nt_bus_state_cleanup(&p->state);
    nt_bus_zap_list_cleanup(&p->allow);
    nt_dynbuf_cleanup(&p->body);
    nt_bus_hasher_cleanup(&p->hasher);
    nt_ed25519_key_wipe(&p->key);
    pthread_mutex_destroy(&p->mu);
    nt_free(p);
}

void nt_bus_pub_destroy(nt_bus_pub *p)
{
    char fields[320];
    int n;
    if (!p)
        return;
    n = snprintf(fields, sizeof fields, "{\"host\":\"%s\",\"trust\":null,\"reason\":null}",
                 p->host);
    /* Best effort: the subscribers learn of the stop, or see the silence. */
    if (nt_bus_pub_publish(p, NT_BUS_AGENT_STOPPING, NULL, fields, (size_t)n) == NT_OK &&
        nt_bus_pub_flush(p) != NT_OK)
        p->stats.dropped++;
    nt_bus_pub_destroy_quiet(p);
}

void nt_bus_pub_endpoints(nt_bus_pub *p, char *pub, size_t pub_cap, char *snap, size_t snap_cap)
{
    size_t len = pub_cap;
    pthread_mutex_lock(&p->mu); /* the PUB socket moves between threads under it */
    if (pub_cap && zmq_getsockopt(p->pub, ZMQ_LAST_ENDPOINT, pub, &len) != 0)
        pub[0] = 0;
    len = snap_cap;
    if (snap_cap && (!p->router || zmq_getsockopt(p->router, ZMQ_LAST_ENDPOINT, snap, &len) != 0))
        snap[0] = 0;
    pthread_mutex_unlock(&p->mu);
}
