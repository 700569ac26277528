/*
 * agent/bus/bus_int.h - what the publisher and the subscriber share: the
 * message hash, the bytes a head and a snapshot end sign (DESIGN §6), the
 * agent's digest, CURVE key text. Private to agent/bus.
 */
#ifndef NAUTILUS_AGENT_BUS_INT_H
#define NAUTILUS_AGENT_BUS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "nautilus/bus.h"

#define NT_BUS_HEAD_DOMAIN "nautilus-bus-head-v1"
#define NT_BUS_SNAP_DOMAIN "nautilus-bus-snap-v1"
#define NT_BUS_RUN_LEN 8
#define NT_BUS_NONCE_LEN 16
/* domain(20) 0 agent(32) run(8) seq(8) hash(32) time(8) */
#define NT_BUS_HEAD_SIGNED_LEN (20 + 1 + 32 + NT_BUS_RUN_LEN + 8 + 32 + 8)
/* domain(20) 0 agent(32) run(8) seq(8) hash(32) count(8) items(32) nonce(16) time(8) */
#define NT_BUS_SNAP_SIGNED_LEN (20 + 1 + 32 + NT_BUS_RUN_LEN + 8 + 32 + 8 + 32 + NT_BUS_NONCE_LEN + 8)

/* H(m) = SHA-256(topic || 0x00 || body). */
/* libzmq and libcrypto are opened on first use (core/lazy.h): NT_OK, or
 * NT_ERR_LIB_LOAD with the reason in why. Called by every entry point. */
nt_status nt_bus_libs_ready(char *why, size_t why_cap);

void nt_bus_msg_hash(uint8_t out[32], const char *topic, size_t tlen, const char *body,
                     size_t blen);

/* The same through libcrypto (hash.c), for every event. One per thread. */
typedef struct nt_bus_hasher {
    void *md, *ctx; /* EVP_MD, EVP_MD_CTX */
} nt_bus_hasher;
NT_WUR nt_status nt_bus_hasher_init(nt_bus_hasher *h);
void nt_bus_hasher_cleanup(nt_bus_hasher *h);
/* h may be NULL (libsodium then). */
void nt_bus_hasher_msg(nt_bus_hasher *h, uint8_t out[32], const char *topic, size_t tlen,
                       const char *body, size_t blen);

void nt_bus_head_signed(uint8_t out[NT_BUS_HEAD_SIGNED_LEN], const uint8_t agent[32],
                        const uint8_t run[NT_BUS_RUN_LEN], uint64_t seq, const uint8_t hash[32],
                        uint64_t time_ms);

void nt_bus_snap_signed(uint8_t out[NT_BUS_SNAP_SIGNED_LEN], const uint8_t agent[32],
                        const uint8_t run[NT_BUS_RUN_LEN], uint64_t seq, const uint8_t hash[32],
                        uint64_t count, const uint8_t items[32],
                        const uint8_t nonce[NT_BUS_NONCE_LEN], uint64_t time_ms);

/* The DNSKEY digest (DESIGN §3) of Ed25519 key pk at host name text.
 * NT_ERR_INVALID_ARG for a bad host name. */
NT_WUR nt_status nt_bus_agent_digest(uint8_t out[32], const uint8_t pk[32], const char *host);

/* Milliseconds since the Unix epoch. */
uint64_t nt_bus_now_ms(void);

/* Z85 text of exactly 40 characters to 32 bytes. */
NT_WUR nt_status nt_bus_z85_key(uint8_t out[32], const char *text, size_t len);

#endif
