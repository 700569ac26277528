/* publish --anchor: the log, the checkpoints and the anchor= field
 * (publish_anchor.h, DESIGN §4.1). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chain_view.h"
#include "cli.h"
#include "ledger_cli.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "nautilus/trust_anchor.h"
#include "nautilus/trust_meta.h"
#include "publish_anchor.h"

#define POLL_MS 250u          /* the loop looks for a new version this often */
#define WORKER_TICK_MS 250u   /* the worker looks at the log this often */
#define RETRY_MS 2000u        /* after a failure, the worker waits this long */
#define WAIT_SLICE_S 2u       /* one wait for a receipt (then stop is looked at) */
#define LEAF_MAX 20000u
#define OPEN_GAP_MS 15000u    /* a node not reached is tried again after this */       /* canonical SRV + TXT of one instance */

/* One service whose versions go into the log (publish has one; the
 * daemon one per published service). */
typedef struct track {
    bool used;
    bool followed;             /* the daemon's (copied names, pruned) */
    unsigned mark;
    nt_mdns_service_id service;
    const char *instance;      /* publish: cfg's (follows renames); else own */
    const char *type;
    char own_instance[NT_MDNS_LABEL_MAX];
    char own_type[NT_MDNS_NAME_MAX];
    bool have_version;
    uint64_t version;          /* leaf index of the version published now */
    uint8_t version_hash[32];
    uint64_t anchored_size;    /* the size the published anchor refers to */
} track;

struct nt_pub_anchor {
    nt_pub_anchor_config cfg;
    nt_merkle_log *log;        /* the loop's handle */
    uint8_t log_id[32];
    int pipe_rd, pipe_wr;
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;                 /* under mu */
    bool log_grew;             /* under mu: wake the worker */
    uint64_t confirmed;        /* under mu: largest size confirmed on chain */
    nt_pub_anchor_errand errand; /* under mu: to run on the worker (nt_pub_anchor_post) */
    void *errand_ctx;
    /* The loop only. */
    track tracks[NT_PUB_ANCHOR_FOLLOW_MAX];
    unsigned mark;             /* generation of nt_pub_anchor_follow */
    uint8_t leaf[LEAF_MAX];
    /* The worker only. */
    bool said[4];
    bool failed_said;          /* anchor.failed sent since the last success */
};

enum { SAID_NODE, SAID_NAME, SAID_SUBMIT, SAID_LOG };

/* Progress: publish prints it (its tests read stdout), the daemon logs it. */
static void note(const nt_pub_anchor *a, const char *fmt, ...) NT_PRINTF(2, 3);
static void note(const nt_pub_anchor *a, const char *fmt, ...)
{
    char line[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (a->cfg.log_only) {
        NT_LOGI("agent", "anchor: %s", line);
        return;
    }
    printf("%s\n", line);
    fflush(stdout);
}

bool nt_pub_anchor_option(int argc, char **argv, int *i, nt_pub_anchor_opts *o, int *code)
{
    const char *a = argv[*i], *v;
    long n = 0;
    *code = NT_EXIT_OK;
    if (strcmp(a, "--anchor") == 0) {
        o->on = true;
        return true;
    }
    if (strcmp(a, "--anchor-tamper") == 0) {
        o->tamper = true;
        return true;
    }
    if (strcmp(a, "--rpc") != 0 && strcmp(a, "--registry") != 0 && strcmp(a, "--profile") != 0 &&
        strcmp(a, "--chain-id") != 0 && strcmp(a, "--confirmations") != 0 &&
        strcmp(a, "--anchor-every") != 0 && strcmp(a, "--anchor-interval") != 0)
        return false;
    if (*i + 1 >= argc) {
        *code = nt_cli_usage_error("publish: %s needs a value", a);
        return true;
    }
    v = argv[++*i];
    if (strcmp(a, "--rpc") == 0) {
        o->rpc = v;
    } else if (strcmp(a, "--registry") == 0) {
        if (nt_chain_view_parse_address(o->registry, v) != NT_OK)
            *code = nt_cli_usage_error("publish: --registry wants 0x and 40 hex digits, not '%s'",
                                       v);
        o->has_registry = true;
    } else if (strcmp(a, "--profile") == 0) {
        o->profile = v;
    } else if (strcmp(a, "--chain-id") == 0) {
        if (nt_cli_parse_long(v, 1, 0x7fffffffL, &n) != NT_OK)
            *code = nt_cli_usage_error("publish: bad --chain-id '%s'", v);
        o->chain_id = (uint64_t)n;
    } else if (strcmp(a, "--confirmations") == 0) {
        if (nt_cli_parse_long(v, 0, 1000, &n) != NT_OK)
            *code = nt_cli_usage_error("publish: bad --confirmations '%s'", v);
        o->confirmations = (uint32_t)n;
    } else if (strcmp(a, "--anchor-every") == 0) {
        if (nt_cli_parse_long(v, 1, 1000000, &n) != NT_OK)
            *code = nt_cli_usage_error("publish: --anchor-every wants 1..1000000, not '%s'", v);
        o->every = (uint32_t)n;
    } else {
        if (nt_cli_parse_long(v, 1, 86400L * 7, &n) != NT_OK)
            *code = nt_cli_usage_error("publish: --anchor-interval wants seconds, not '%s'", v);
        o->interval_s = (uint32_t)n;
    }
    return true;
}

int nt_pub_anchor_check(const nt_pub_anchor_opts *o, bool sign)
{
    if (!o->on) {
        if (o->rpc || o->has_registry || o->profile || o->chain_id || o->confirmations ||
            o->every || o->interval_s || o->tamper)
            return nt_cli_usage_error("publish: --rpc, --registry, --profile, --chain-id, "
                                      "--confirmations and --anchor-* go with --anchor");
        return NT_EXIT_OK;
    }
    if (!sign)
        return nt_cli_usage_error("publish: --anchor needs --sign (the log is the key's)");
    if (!o->rpc || !o->has_registry)
        return nt_cli_usage_error("publish: --anchor needs --rpc URL and --registry ADDR");
    return NT_EXIT_OK;
}

/* ---- the worker: checkpoints through the outbox --------------------------- */

static void say_once(nt_pub_anchor *a, int which, const char *what, nt_status st)
{
    if (a->said[which])
        return;
    a->said[which] = true;
    if (a->cfg.log_only)
        NT_LOGW("agent", "anchor: %s: %s (retrying)", what, nt_strerror(st));
    else
        fprintf(stderr, "publish: anchor: %s: %s (retrying)\n", what, nt_strerror(st));
}

/* Waits up to ms or until stopped / woken. Returns false when stopping. */
static bool worker_wait(nt_pub_anchor *a, uint64_t ms)
{
    struct timespec ts;
    bool go;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(ms / 1000u);
    ts.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&a->mu);
    if (!a->stop && !a->log_grew && !a->errand)
        (void)pthread_cond_timedwait(&a->cv, &a->mu, &ts);
    a->log_grew = false;
    go = !a->stop;
    pthread_mutex_unlock(&a->mu);
    return go;
}

static void post_confirmed(nt_pub_anchor *a, uint64_t size)
{
    pthread_mutex_lock(&a->mu);
    if (size > a->confirmed) {
        a->confirmed = size;
        (void)!write(a->pipe_wr, "c", 1);
    }
    pthread_mutex_unlock(&a->mu);
}

/* The `ledger` options the session wants, from publish's. */
static int ledger_opts(nt_ledger_opts *lo, const nt_pub_anchor_config *cfg)
{
    const nt_pub_anchor_opts *o = cfg->opts;
    memset(lo, 0, sizeof *lo);
    lo->sub = "publish";
    lo->rpc = o->rpc;
    lo->state = cfg->state;
    lo->has_registry = true;
    memcpy(lo->registry, o->registry, 20);
    if (nt_chain_profile_find(&lo->profile, o->profile ? o->profile : "ethereum") != NT_OK)
        return nt_cli_usage_error("publish: unknown --profile '%s' (ethereum or besu)",
                                  o->profile);
    if (!o->chain_id && lo->profile->free_gas)
        return nt_cli_usage_error("publish: the besu profile needs --chain-id N");
    lo->chain_id = o->chain_id ? o->chain_id : 1;
    lo->confirmations = o->confirmations;
    lo->timeout_s = WAIT_SLICE_S;
    return NT_EXIT_OK;
}

/* One anchor.* event to the caller (the daemon's bus), from the worker. A
 * failure is said once until the next success (the worker retries every
 * RETRY_MS; a node outage is one anchor.failed, not one a turn). */
static void emit(nt_pub_anchor *a, nt_pub_anchor_kind kind, nt_pub_anchor_event *ev)
{
    if (kind == NT_PUB_ANCHOR_FAILED) {
        if (a->failed_said)
            return;
        a->failed_said = true;
    } else {
        a->failed_said = false;
    }
    if (!a->cfg.on_event)
        return;
    ev->kind = kind;
    memcpy(ev->log_id, a->log_id, 32);
    a->cfg.on_event(a->cfg.ctx, ev);
}

static void emit_failed(nt_pub_anchor *a, uint64_t size, const uint8_t *root, const char *why,
                        nt_status st)
{
    nt_pub_anchor_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = size;
    if (root)
        memcpy(ev.root, root, 32);
    snprintf(ev.reason, sizeof ev.reason, "%s%s%s", why ? why : "", why ? ": " : "",
             nt_strerror(st));
    emit(a, NT_PUB_ANCHOR_FAILED, &ev);
}

typedef struct anchor_job {
    nt_ledger_session s;
    bool open;
    nt_chain_contracts k;
    uint8_t name_hash[32];
    bool ready;          /* contracts, name and head known */
    uint64_t anchored;   /* the chain's head size */
    int64_t inflight;    /* outbox id of the checkpoint waited for, 0: none */
    uint64_t inflight_size;
    uint8_t inflight_root[32];
    uint32_t confirmations; /* the depth a receipt is waited for */
    uint64_t pending_since;
    nt_merkle_log *log;  /* the worker's own handle */
    uint64_t next_open_ms;
} anchor_job;

/* Connects, finds the contracts, the key's name and the head. */
static bool job_ready(nt_pub_anchor *a, anchor_job *j, const nt_ledger_opts *lo)
{
    static const uint8_t zero[32];
    nt_chain_head head;
    nt_status st;
    if (!j->open) {
        /* The session says what failed on stderr itself: tried again every
         * OPEN_GAP_MS, not every tick. */
        uint64_t now = nt_ledger_wall_ms(NULL);
        if (now < j->next_open_ms)
            return false;
        if (nt_ledger_session_open(&j->s, lo, true, true) >= 0) {
            j->next_open_ms = now + OPEN_GAP_MS;
            return false;
        }
        j->open = true;
    }
    if (j->ready)
        return true;
    /* What an interrupted run left in the outbox lands first, so that the
     * head read below is after it and nothing is sent twice. */
    if ((st = nt_chain_drain(&j->s.sender, j->s.outbox)) != NT_OK) {
        if (st != NT_ERR_TIMEOUT)
            say_once(a, SAID_NODE, "landing what the outbox held", st);
        return false;
    }
    if ((st = nt_chain_contracts_find(j->s.client, &j->k, lo->registry, NT_CHAIN_LATEST)) !=
            NT_OK ||
        (st = nt_chain_name_of_digest(j->s.client, j->name_hash, lo->registry, a->log_id,
                                      NT_CHAIN_LATEST)) != NT_OK ||
        (st = nt_chain_head_of(j->s.client, &head, j->k.checkpoints, a->log_id,
                               NT_CHAIN_LATEST)) != NT_OK) {
        say_once(a, SAID_NODE, "reading the contracts", st);
        return false;
    }
    if (memcmp(j->name_hash, zero, 32) == 0) {
        say_once(a, SAID_NAME, "the key is not registered (nautilus ledger register)",
                 NT_ERR_NOT_FOUND);
        emit_failed(a, 0, NULL, "the key is not registered", NT_ERR_NOT_FOUND);
        return false;
    }
    j->anchored = head.size;
    j->ready = true;
    if (head.size > 0)
        post_confirmed(a, head.size);
    return true;
}

static void job_queued(nt_pub_anchor *a, const anchor_job *j)
{
    nt_pub_anchor_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = j->inflight_size;
    memcpy(ev.root, j->inflight_root, 32);
    ev.outbox_id = j->inflight;
    note(a, "checkpoint queued: size %" PRIu64, j->inflight_size);
    emit(a, NT_PUB_ANCHOR_QUEUED, &ev);
}

static void job_confirmed(nt_pub_anchor *a, const anchor_job *j, const nt_outbox_tx *t)
{
    nt_pub_anchor_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = j->inflight_size;
    memcpy(ev.root, j->inflight_root, 32);
    ev.outbox_id = t->id;
    ev.block = t->block_number;
    memcpy(ev.block_hash, t->block_hash, 32);
    memcpy(ev.tx, t->mined_hash, 32);
    ev.confirmations = j->confirmations;
    emit(a, NT_PUB_ANCHOR_CONFIRMED, &ev);
}

/* Submits a checkpoint of the log's head (or goes on waiting for the one
 * submitted), when N leaves or T seconds are pending. */
static void job_step(nt_pub_anchor *a, anchor_job *j)
{
    nt_chain_call call;
    nt_outbox_tx t;
    char why[64];
    uint64_t size = 0, now = nt_ledger_wall_ms(NULL);
    nt_status st;

    if (!j->inflight) {
        if ((st = nt_merkle_log_size(j->log, &size)) != NT_OK) {
            say_once(a, SAID_LOG, "Merkle log", st);
            return;
        }
        if (size <= j->anchored) {
            j->pending_since = 0;
            return;
        }
        if (!j->pending_since)
            j->pending_since = now;
        if (size - j->anchored < a->cfg.opts->every &&
            now - j->pending_since < (uint64_t)a->cfg.opts->interval_s * 1000u)
            return;
        memset(&call, 0, sizeof call);
        call.kind = NT_CHAIN_CALL_CHECKPOINT;
        memcpy(call.name_hash, j->name_hash, 32);
        memcpy(call.digest, a->log_id, 32);
        call.size = size;
        if ((st = nt_merkle_log_root(j->log, call.root, size)) != NT_OK) {
            say_once(a, SAID_LOG, "Merkle log", st);
            return;
        }
        why[0] = 0;
        st = nt_chain_submit(&j->s.sender, j->s.outbox, &j->inflight, why, sizeof why,
                             j->k.checkpoints, &call);
        if (st != NT_OK) {
            j->inflight = 0;
            /* Someone anchored it already (another run): read the head again. */
            j->ready = false;
            say_once(a, SAID_SUBMIT, st == NT_ERR_RPC_REVERTED ? why : "checkpoint", st);
            emit_failed(a, size, call.root, st == NT_ERR_RPC_REVERTED ? why : "checkpoint", st);
            return;
        }
        j->inflight_size = size;
        memcpy(j->inflight_root, call.root, 32);
        job_queued(a, j);
    }
    st = nt_chain_wait(&j->s.sender, j->s.outbox, &t, j->inflight);
    if (st == NT_ERR_TIMEOUT)
        return; /* still in the outbox: waited for again next turn */
    j->inflight = 0;
    if (st != NT_OK) {
        j->ready = false;
        say_once(a, SAID_SUBMIT, "checkpoint", st);
        emit_failed(a, j->inflight_size, j->inflight_root,
                    st == NT_ERR_CHAIN_TX_FAILED ? t.reason : "checkpoint", st);
        return;
    }
    j->anchored = j->inflight_size;
    j->pending_since = 0;
    job_confirmed(a, j, &t);
    post_confirmed(a, j->inflight_size);
}

nt_status nt_pub_anchor_post(nt_pub_anchor *a, nt_pub_anchor_errand fn, void *ctx)
{
    nt_status st = NT_OK;
    pthread_mutex_lock(&a->mu);
    if (a->errand) {
        st = NT_ERR_CAP;
    } else {
        a->errand = fn;
        a->errand_ctx = ctx;
        pthread_cond_signal(&a->cv);
    }
    pthread_mutex_unlock(&a->mu);
    return st;
}

/* The errand posted, if any, run here on the worker. */
static void run_errand(nt_pub_anchor *a)
{
    nt_pub_anchor_errand fn;
    void *ctx;
    pthread_mutex_lock(&a->mu);
    fn = a->errand;
    ctx = a->errand_ctx;
    a->errand = NULL;
    pthread_mutex_unlock(&a->mu);
    if (fn)
        fn(ctx);
}

static void *worker(void *arg)
{
    nt_pub_anchor *a = arg;
    anchor_job j;
    nt_ledger_opts lo;
    char path[4200];
    nt_status st;

    memset(&j, 0, sizeof j);
    if (ledger_opts(&lo, &a->cfg) != NT_EXIT_OK)
        return NULL;
    j.confirmations = lo.confirmations ? lo.confirmations : lo.profile->confirmations;
    if ((st = nt_merkle_log_path(path, sizeof path, a->cfg.state)) != NT_OK ||
        (st = nt_merkle_log_open(&j.log, path, a->log_id, NULL)) != NT_OK) {
        say_once(a, SAID_LOG, "Merkle log", st);
        return NULL;
    }
    while (worker_wait(a, j.ready ? WORKER_TICK_MS : RETRY_MS)) {
        run_errand(a);
        if (job_ready(a, &j, &lo))
            job_step(a, &j);
    }
    if (j.open)
        nt_ledger_session_close(&j.s);
    nt_merkle_log_close(j.log);
    return NULL;
}

/* ---- the loop: versions and the metadata ---------------------------------- */

static nt_status instance_name(const track *t, nt_dns_name *out)
{
    nt_dns_name parent;
    char text[NT_MDNS_NAME_MAX + 8];
    nt_status st;
    snprintf(text, sizeof text, "%s.local", t->type);
    if ((st = nt_dns_name_from_str(&parent, text)) != NT_OK)
        return st;
    return nt_dns_name_prepend(out, (const uint8_t *)t->instance, strlen(t->instance), &parent);
}

/* The index of the log's last leaf for inst (its SRV set's owner starts
 * the leaf), or UINT64_MAX. false when the log cannot be read. */
static bool last_leaf_of(nt_pub_anchor *a, const nt_dns_name *inst, uint64_t *found)
{
    uint64_t idx[NT_MERKLE_LOG_FIND_MAX], from = 0;
    size_t n;
    *found = UINT64_MAX;
    do {
        if (nt_merkle_log_find(a->log, idx, NT_MERKLE_LOG_FIND_MAX, &n, inst->wire, inst->len, 33,
                               from) != NT_OK)
            return false;
        if (n)
            *found = idx[n - 1];
        from = n ? idx[n - 1] + 1 : from;
    } while (n == NT_MERKLE_LOG_FIND_MAX);
    return true;
}

/* The leaf of the version being published, appended unless the log's last
 * leaf for this instance is the same version (a restart). */
static void version_take(nt_pub_anchor *a, track *t)
{
    nt_dns_name inst;
    uint8_t key[32], hash[32], last[32];
    uint64_t found, index;
    size_t len = 0;
    nt_merkle_log_entry e;
    nt_status st;

    if (instance_name(t, &inst) != NT_OK ||
        nt_trust_hooks_leaf_of(a->cfg.hooks, &inst, a->leaf, sizeof a->leaf, &len, key) != NT_OK ||
        memcmp(key, a->log_id, 32) != 0 || nt_merkle_leaf_hash(hash, a->leaf, len) != NT_OK)
        return;
    if (t->have_version && memcmp(hash, t->version_hash, 32) == 0)
        return;
    nt_dns_name_lower(&inst);
    if (!last_leaf_of(a, &inst, &found))
        return;
    if (found != UINT64_MAX && nt_merkle_log_leaf_hash(a->log, last, found) == NT_OK &&
        memcmp(last, hash, 32) == 0) {
        index = found;
    } else {
        e.data = a->leaf;
        e.data_len = len;
        e.time = (int64_t)time(NULL);
        if ((st = nt_merkle_log_append(a->log, &index, &e)) != NT_OK) {
            fprintf(stderr, "publish: anchor: cannot append to the Merkle log: %s\n",
                    nt_strerror(st));
            return;
        }
        pthread_mutex_lock(&a->mu);
        a->log_grew = true;
        pthread_cond_signal(&a->cv);
        pthread_mutex_unlock(&a->mu);
    }
    if (t->have_version && t->anchored_size) {
        /* The records changed under a published anchor: withdraw it until
         * the new version is anchored (browsers would reject the old one). */
        if ((st = nt_mdns_service_set_extra(nt_runner_engine(a->cfg.runner), t->service,
                                            NT_TRUST_META_LABEL, NT_DNS_TYPE_TXT, a->cfg.meta,
                                            a->cfg.meta_len, 0,
                                            nt_runner_now(a->cfg.runner))) != NT_OK)
            fprintf(stderr, "publish: anchor: cannot withdraw the old anchor: %s\n",
                    nt_strerror(st));
    }
    t->have_version = true;
    t->version = index;
    memcpy(t->version_hash, hash, 32);
    t->anchored_size = 0;
    note(a, "version \"%s\" is leaf %" PRIu64, t->instance, index);
}

/* The checkpoint of size covers the version: publish where it sits. */
static void anchor_publish(nt_pub_anchor *a, track *t, uint64_t size)
{
    nt_trust_anchor an;
    uint8_t meta[NT_TRUST_META_RDATA_MAX];
    size_t len = 0;
    nt_status st;

    memset(&an, 0, sizeof an);
    memcpy(an.log_id, a->log_id, 32);
    an.index = t->version;
    an.size = size;
    if ((st = nt_merkle_log_inclusion_proof(a->log, &an.path, t->version, size)) != NT_OK) {
        fprintf(stderr, "publish: anchor: no inclusion proof: %s\n", nt_strerror(st));
        return;
    }
    /* FOR TESTS ONLY (--anchor-tamper): a path that leads elsewhere, to
     * show that browsers reject it. */
    if (a->cfg.opts->tamper) {
        if (an.path.len == 0)
            an.path.len = 1;
        an.path.node[0][0] ^= 0x01;
    }
    if ((st = nt_trust_meta_set_anchor(meta, sizeof meta, &len, a->cfg.meta, a->cfg.meta_len,
                                       &an)) != NT_OK ||
        (st = nt_mdns_service_set_extra(nt_runner_engine(a->cfg.runner), t->service,
                                        NT_TRUST_META_LABEL, NT_DNS_TYPE_TXT, meta, len, 0,
                                        nt_runner_now(a->cfg.runner))) != NT_OK) {
        fprintf(stderr, "publish: anchor: cannot publish the anchor: %s\n", nt_strerror(st));
        return;
    }
    t->anchored_size = size;
    note(a, "anchored \"%s\" leaf %" PRIu64 " in checkpoint size %" PRIu64, t->instance,
         t->version, size);
}

static void on_confirmed(void *ctx, nt_net_loop *loop, int fd, short events)
{
    nt_pub_anchor *a = ctx;
    char drain[64];
    uint64_t size;
    size_t i;
    (void)loop;
    (void)events;
    while (read(fd, drain, sizeof drain) > 0)
        ;
    pthread_mutex_lock(&a->mu);
    size = a->confirmed;
    pthread_mutex_unlock(&a->mu);
    for (i = 0; i < NT_PUB_ANCHOR_FOLLOW_MAX; i++) {
        track *t = &a->tracks[i];
        if (t->used && t->have_version && t->version < size && size != t->anchored_size)
            anchor_publish(a, t, size);
    }
}

nt_status nt_pub_anchor_follow(nt_pub_anchor *a, nt_mdns_service_id id, const char *instance,
                               const char *type)
{
    track *t, *free_slot = NULL;
    size_t i;
    for (i = 0; i < NT_PUB_ANCHOR_FOLLOW_MAX; i++) {
        t = &a->tracks[i];
        if (!t->used) {
            free_slot = free_slot ? free_slot : t;
            continue;
        }
        if (t->followed && t->service == id && strcmp(t->own_instance, instance) == 0 &&
            strcmp(t->own_type, type) == 0) {
            t->mark = a->mark;
            return NT_OK;
        }
    }
    if (!free_slot)
        return NT_ERR_CAP;
    t = free_slot;
    memset(t, 0, sizeof *t);
    if (snprintf(t->own_instance, sizeof t->own_instance, "%s", instance) >=
            (int)sizeof t->own_instance ||
        snprintf(t->own_type, sizeof t->own_type, "%s", type) >= (int)sizeof t->own_type)
        return NT_ERR_INVALID_ARG;
    t->used = t->followed = true;
    t->mark = a->mark;
    t->service = id;
    t->instance = t->own_instance;
    t->type = t->own_type;
    return NT_OK;
}

void nt_pub_anchor_prune(nt_pub_anchor *a)
{
    size_t i;
    for (i = 0; i < NT_PUB_ANCHOR_FOLLOW_MAX; i++)
        if (a->tracks[i].used && a->tracks[i].followed && a->tracks[i].mark != a->mark)
            a->tracks[i].used = false;
    a->mark++;
}

bool nt_pub_anchor_timer(nt_pub_anchor *a, uint64_t id)
{
    size_t i;
    if (!a || id != NT_PUB_ANCHOR_TIMER)
        return false;
    for (i = 0; i < NT_PUB_ANCHOR_FOLLOW_MAX; i++)
        if (a->tracks[i].used)
            version_take(a, &a->tracks[i]);
    /* A checkpoint confirmed before the version was known. */
    on_confirmed(a, NULL, a->pipe_rd, 0);
    if (nt_runner_timer_set(a->cfg.runner, NT_PUB_ANCHOR_TIMER,
                            nt_runner_now(a->cfg.runner) + POLL_MS) != NT_OK)
        NT_LOGW("publish", "anchor timer not set");
    return true;
}

int nt_pub_anchor_start(nt_pub_anchor **out, const nt_pub_anchor_config *cfg)
{
    nt_pub_anchor *a = nt_calloc(1, sizeof *a);
    nt_ledger_opts lo;
    char path[4200];
    int fds[2], code;
    nt_status st;

    if (!a)
        return nt_cli_fail(NT_EXIT_USAGE, "publish: %s", nt_strerror(NT_ERR_NOMEM));
    a->cfg = *cfg;
    a->pipe_rd = a->pipe_wr = -1;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    memcpy(a->log_id, cfg->signer->key_digest, 32);
    if (cfg->instance) { /* publish: its one service */
        a->tracks[0].used = true;
        a->tracks[0].service = cfg->service;
        a->tracks[0].instance = cfg->instance;
        a->tracks[0].type = cfg->type;
    }
    *out = a;
    if ((code = ledger_opts(&lo, cfg)) != NT_EXIT_OK)
        return code;
    if ((st = nt_merkle_log_path(path, sizeof path, cfg->state)) != NT_OK ||
        (st = nt_merkle_log_open(&a->log, path, a->log_id, NULL)) != NT_OK)
        return nt_cli_usage_error("publish: cannot open the Merkle log in %s: %s", cfg->state,
                                  nt_strerror(st));
    if (pipe(fds) != 0)
        return nt_cli_fail(NT_EXIT_USAGE, "publish: anchor: pipe: %s", strerror(errno));
    a->pipe_rd = fds[0];
    a->pipe_wr = fds[1];
    if (fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0 || fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0 ||
        nt_runner_add_fd(cfg->runner, fds[0], on_confirmed, a) != NT_OK ||
        nt_runner_timer_set(cfg->runner, NT_PUB_ANCHOR_TIMER, nt_runner_now(cfg->runner)) !=
            NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "publish: anchor: cannot watch the worker");
    if (pthread_create(&a->thread, NULL, worker, a) != 0)
        return nt_cli_fail(NT_EXIT_USAGE, "publish: anchor: cannot start the worker");
    a->started = true;
    return NT_EXIT_OK;
}

void nt_pub_anchor_stop(nt_pub_anchor *a)
{
    if (!a)
        return;
    if (a->started) {
        pthread_mutex_lock(&a->mu);
        a->stop = true;
        pthread_cond_signal(&a->cv);
        pthread_mutex_unlock(&a->mu);
        pthread_join(a->thread, NULL);
    }
    nt_merkle_log_close(a->log);
    if (a->pipe_rd >= 0)
        close(a->pipe_rd);
    if (a->pipe_wr >= 0)
        close(a->pipe_wr);
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    nt_free(a);
}
