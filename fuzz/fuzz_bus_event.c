/* The bus subscriber's message parser and verifier (agent/bus/verify.h),
 * without sockets. The input is messages separated by 0xFF bytes (never in
 * UTF-8 JSON), each "topic\0body". All go through nt_bus_ver_input (events
 * held, heads checked, the chain walked); then the last message is taken as
 * a snapshot end over the ones before it as items. Invariants: every event
 * handed out is one that was given, with the seq it says, and no more
 * events come out than went in. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/bus/verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MSGS_MAX 256

typedef struct piece {
    const char *topic, *body;
    size_t tlen, blen;
} piece;

static size_t split(const uint8_t *data, size_t size, piece *out)
{
    size_t n = 0, start = 0, i;
    for (i = 0; i <= size && n < MSGS_MAX; i++) {
        const uint8_t *nul;
        if (i < size && data[i] != 0xFF)
            continue;
        nul = memchr(data + start, 0, i - start);
        if (nul) {
            out[n].topic = (const char *)data + start;
            out[n].tlen = (size_t)(nul - (data + start));
            out[n].body = (const char *)nul + 1;
            out[n].blen = i - start - out[n].tlen - 1;
            n++;
        }
        start = i + 1;
    }
    return n;
}

/* The only ways a message may be refused. */
static int refusal(nt_status st)
{
    return st == NT_ERR_BUS_MALFORMED || st == NT_ERR_BUS_AUTH || st == NT_ERR_BUS_AGENT ||
           st == NT_ERR_NOMEM;
}

static uint64_t items_max_seq(const nt_bus_msg *items, size_t n)
{
    uint64_t max = 0;
    size_t i;
    for (i = 0; i < n; i++)
        if (items[i].seq > max)
            max = items[i].seq;
    return max;
}

static void run(const piece *p, size_t n, const uint8_t *pin)
{
    static nt_bus_msg items[MSGS_MAX];
    nt_bus_ver v;
    nt_bus_msg m;
    size_t i, given = 0, out = 0, ni = 0;
    uint8_t nonce[NT_BUS_NONCE_LEN] = {0}, hash[32];
    uint64_t seq;
    if (nt_bus_ver_init(&v, pin, NULL) != NT_OK)
        return;
    for (i = 0; i < n; i++) {
        given += !(p[i].tlen == 8 && memcmp(p[i].topic, "bus.head", 8) == 0);
        nt_status st = nt_bus_ver_input(&v, p[i].topic, p[i].tlen, p[i].body, p[i].blen);
        if (st != NT_OK && !refusal(st))
            abort();
        while (nt_bus_ver_pop(&v, &m)) {
            if (m.seq < 1 || !m.topic || !m.body || strlen(m.body) != m.blen)
                abort();
            nt_bus_msg_free(&m);
            out++;
        }
    }
    if (out > given)
        abort();
    for (i = 0; i + 1 < n; i++)
        if (nt_bus_msg_parse(&items[ni], p[i].topic, p[i].tlen, p[i].body, p[i].blen) == NT_OK)
            ni++;
    if (n > 0) {
        nt_status st = nt_bus_ver_snapshot(&v, items, ni, p[n - 1].body, p[n - 1].blen, nonce,
                                           &seq, hash);
        if (st == NT_OK ? seq < items_max_seq(items, ni) : !refusal(st))
            abort(); /* a snapshot never stands for less than its items */
    }
    while (ni)
        nt_bus_msg_free(&items[--ni]);
    nt_bus_ver_cleanup(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static piece p[MSGS_MAX];
    static const uint8_t other[32] = {9};
    size_t n = split(data, size, p);
    run(p, n, NULL);
    run(p, n, other); /* pinned to an agent that is not the one speaking */
    return 0;
}
