/*
 * agent/bus/verify.h - the subscriber's checks, without sockets (so the
 * fuzz target drives them directly): message shapes, the hash chain, signed
 * heads and snapshot ends (DESIGN §6). Events are held until a head covers
 * them, then handed out in arrival order. Private to agent/bus.
 */
#ifndef NAUTILUS_AGENT_BUS_VERIFY_H
#define NAUTILUS_AGENT_BUS_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus_int.h"

#define NT_BUS_PENDING_MAX 8192u /* events awaiting a head (heads come every 1,024) */
#define NT_BUS_READY_MAX 16384u

typedef struct nt_bus_msg {
    char *topic; /* NUL-terminated copies */
    char *body;
    size_t tlen, blen;
    uint64_t seq;
    uint8_t hash[32], prev[32], agent[32], run[NT_BUS_RUN_LEN];
    bool verified;
} nt_bus_msg;

typedef struct nt_bus_ver {
    bool pinned_digest, pinned_pk, have_agent, have_run;
    uint8_t agent[32], pk[32], run[NT_BUS_RUN_LEN];
    uint64_t last_time;  /* of the newest valid head or snapshot */
    bool run_changed;    /* set when a newer run's head was accepted; the caller clears it */
    bool head_new;       /* a valid head arrived since the caller last cleared this */
    uint64_t head_seq;   /* the seq it covers */
    nt_bus_msg *pending; /* grown on demand up to NT_BUS_PENDING_MAX */
    size_t npending, pending_cap;
    nt_bus_msg *ready;   /* ready[rhead..rend) waits to be popped; up to NT_BUS_READY_MAX */
    size_t rhead, rend, ready_cap;
    uint64_t malformed, unauthenticated, foreign;
    uint64_t orphaned; /* held events cut from the chain by a gap (their head was lost) */
    nt_bus_hasher hasher;
} nt_bus_ver;

NT_WUR nt_status nt_bus_ver_init(nt_bus_ver *v, const uint8_t *digest, const uint8_t *pk);
void nt_bus_ver_cleanup(nt_bus_ver *v);

/* One message from the SUB socket. NT_OK when held or a valid head;
 * NT_ERR_BUS_MALFORMED, NT_ERR_BUS_AUTH (a head that does not verify),
 * NT_ERR_BUS_AGENT (another agent), each counted and the message dropped. */
NT_WUR nt_status nt_bus_ver_input(nt_bus_ver *v, const char *topic, size_t tlen,
                                  const char *body, size_t blen);

/* The next authenticated event; the caller owns it (nt_bus_msg_free). */
bool nt_bus_ver_pop(nt_bus_ver *v, nt_bus_msg *out);
void nt_bus_msg_free(nt_bus_msg *m);

/* Parses an event message into *m (copies). NT_ERR_BUS_MALFORMED. */
NT_WUR nt_status nt_bus_msg_parse(nt_bus_msg *m, const char *topic, size_t tlen,
                                  const char *body, size_t blen);
/* The same, hashing through h (may be NULL). */
NT_WUR nt_status nt_bus_msg_parse_h(nt_bus_msg *m, nt_bus_hasher *h, const char *topic,
                                    size_t tlen, const char *body, size_t blen);

/* Checks a snapshot: items[0..n) as received, then the end body, against
 * the nonce we sent. On NT_OK *seq and hash are the state's seq and chain
 * hash. NT_ERR_BUS_MALFORMED, NT_ERR_BUS_AUTH, NT_ERR_BUS_AGENT. */
NT_WUR nt_status nt_bus_ver_snapshot(nt_bus_ver *v, const nt_bus_msg *items, size_t n,
                                     const char *end, size_t end_len,
                                     const uint8_t nonce[NT_BUS_NONCE_LEN], uint64_t *seq,
                                     uint8_t hash[32]);

#endif
