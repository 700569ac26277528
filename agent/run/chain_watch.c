/* The chain reader on a worker thread (chain_watch.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chain_watch.h"
#include "nautilus/ledger.h"
#include "nautilus/ledger_chain.h"
#include "nautilus/mem.h"
#include "nautilus/net.h"

#define QUEUE_MAX 64

struct nt_chain_watch {
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    int pipe_rd, pipe_wr;
    /* Questions (pending or being answered) and answers, both capped. */
    nt_chain_answer asks[QUEUE_MAX];
    size_t nasks;
    nt_chain_answer answers[QUEUE_MAX];
    size_t nanswers;
    /* Worker only. */
    nt_rpc_client *client;
    uint8_t registry[20];
    bool have_contracts;
    nt_chain_contracts contracts;
};

uint64_t nt_chain_watch_now(void)
{
    return nt_net_now_ms();
}

static bool same_question(const nt_chain_answer *a, const nt_chain_answer *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == NT_CHAIN_ASK_KEY)
        return nt_dns_name_equal(&a->name, &b->name);
    return a->size == b->size && memcmp(a->log_id, b->log_id, 32) == 0;
}

static bool ask(nt_chain_watch *w, const nt_chain_answer *q)
{
    size_t i;
    bool ok = true;
    pthread_mutex_lock(&w->mu);
    for (i = 0; i < w->nasks; i++)
        if (same_question(&w->asks[i], q))
            goto out;
    if (w->nasks == QUEUE_MAX) {
        ok = false;
        goto out;
    }
    w->asks[w->nasks++] = *q;
    pthread_cond_signal(&w->cv);
out:
    pthread_mutex_unlock(&w->mu);
    return ok;
}

bool nt_chain_watch_ask_key(nt_chain_watch *w, const nt_dns_name *name)
{
    nt_chain_answer q;
    memset(&q, 0, sizeof q);
    q.kind = NT_CHAIN_ASK_KEY;
    q.name = *name;
    nt_dns_name_lower(&q.name);
    return ask(w, &q);
}

bool nt_chain_watch_ask_root(nt_chain_watch *w, const uint8_t log_id[32], uint64_t size)
{
    nt_chain_answer q;
    memset(&q, 0, sizeof q);
    q.kind = NT_CHAIN_ASK_ROOT;
    memcpy(q.log_id, log_id, 32);
    q.size = size;
    return ask(w, &q);
}

/* The Checkpoints contract, found once from the Registry (DESIGN §4). */
static nt_status contracts(nt_chain_watch *w)
{
    nt_status st;
    if (w->have_contracts)
        return NT_OK;
    st = nt_chain_contracts_find(w->client, &w->contracts, w->registry, NT_CHAIN_LATEST);
    w->have_contracts = st == NT_OK;
    return st;
}

static void answer_key(nt_chain_watch *w, nt_chain_answer *a)
{
    uint8_t hash[32];
    nt_chain_binding b;
    if ((a->st = nt_chain_name_hash(hash, a->name.wire, a->name.len)) != NT_OK ||
        (a->st = nt_chain_key_of(w->client, &b, w->registry, hash, NT_CHAIN_LATEST)) != NT_OK)
        return;
    a->info.state = !b.registered ? NT_TRUST_CHAIN_UNBOUND
                    : b.revoked   ? NT_TRUST_CHAIN_REVOKED
                                  : NT_TRUST_CHAIN_BOUND;
    memcpy(a->info.digest, b.digest, 32);
    a->info.block = b.block;
    a->info.read_ms = nt_net_now_ms();
}

static void answer_root(nt_chain_watch *w, nt_chain_answer *a)
{
    nt_chain_checkpoint cp;
    if ((a->st = contracts(w)) != NT_OK ||
        (a->st = nt_chain_checkpoint_find(w->client, &cp, &a->found, w->contracts.checkpoints,
                                          a->log_id, a->size, w->contracts.deployed_block,
                                          0)) != NT_OK)
        return;
    if (a->found) {
        memcpy(a->root, cp.root, 32);
        a->block = cp.at.block;
    }
}

static void *worker(void *arg)
{
    nt_chain_watch *w = arg;
    nt_chain_answer a;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->stop && w->nasks == 0)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->stop)
            break;
        a = w->asks[0];
        pthread_mutex_unlock(&w->mu);
        if (a.kind == NT_CHAIN_ASK_KEY)
            answer_key(w, &a);
        else
            answer_root(w, &a);
        pthread_mutex_lock(&w->mu);
        /* The question leaves the pending list with its answer. */
        memmove(&w->asks[0], &w->asks[1], (w->nasks - 1) * sizeof w->asks[0]);
        w->nasks--;
        if (w->nanswers < QUEUE_MAX) {
            w->answers[w->nanswers++] = a;
            (void)!write(w->pipe_wr, "a", 1);
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

bool nt_chain_watch_next(nt_chain_watch *w, nt_chain_answer *out)
{
    bool got = false;
    char drain[64];
    pthread_mutex_lock(&w->mu);
    if (w->nanswers) {
        *out = w->answers[0];
        memmove(&w->answers[0], &w->answers[1], (w->nanswers - 1) * sizeof w->answers[0]);
        w->nanswers--;
        got = true;
    } else {
        while (read(w->pipe_rd, drain, sizeof drain) > 0)
            ;
    }
    pthread_mutex_unlock(&w->mu);
    return got;
}

int nt_chain_watch_fd(const nt_chain_watch *w)
{
    return w->pipe_rd;
}

nt_status nt_chain_watch_create(nt_chain_watch **out, const char *url,
                                const uint8_t registry[20], uint32_t timeout_ms)
{
    nt_chain_watch *w = nt_calloc(1, sizeof *w);
    nt_rpc_config cfg;
    int fds[2];
    nt_status st;

    if (!w)
        return NT_ERR_NOMEM;
    w->pipe_rd = w->pipe_wr = -1;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    memcpy(w->registry, registry, 20);
    nt_rpc_config_init(&cfg, url, nt_ledger_env_system());
    cfg.connect_timeout_ms = timeout_ms < cfg.connect_timeout_ms ? timeout_ms : cfg.connect_timeout_ms;
    cfg.total_timeout_ms = timeout_ms;
    cfg.max_attempts = 1; /* the loop asks again later */
    if ((st = nt_rpc_client_create(&w->client, &cfg)) != NT_OK)
        goto fail;
    if (pipe(fds) != 0) {
        st = NT_ERR_IO;
        goto fail;
    }
    w->pipe_rd = fds[0];
    w->pipe_wr = fds[1];
    if (fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0 || fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
        st = NT_ERR_IO;
        goto fail;
    }
    if (pthread_create(&w->thread, NULL, worker, w) != 0) {
        st = NT_ERR_IO;
        goto fail;
    }
    w->started = true;
    *out = w;
    return NT_OK;
fail:
    nt_chain_watch_destroy(w);
    return st;
}

void nt_chain_watch_destroy(nt_chain_watch *w)
{
    if (!w)
        return;
    if (w->started) {
        pthread_mutex_lock(&w->mu);
        w->stop = true;
        pthread_cond_signal(&w->cv);
        pthread_mutex_unlock(&w->mu);
        pthread_join(w->thread, NULL);
    }
    nt_rpc_client_destroy(w->client);
    if (w->pipe_rd >= 0)
        close(w->pipe_rd);
    if (w->pipe_wr >= 0)
        close(w->pipe_wr);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    nt_free(w);
}
