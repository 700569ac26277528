/*
 * nautilus/bus.h - the trust-event bus (DESIGN §6): the publisher the agent
 * (and, until the daemon exists, `nautilus browse`) uses, and the C client
 * library for subscribers.
 *
 * Wire: ZeroMQ PUB, two frames (topic, JSON body). Bodies are hash-chained
 * (each carries "prev", the SHA-256 of the message before it) and a signed
 * head ("bus.head") covers the chain at least every head interval (20 ms by
 * default, never more than 100 ms) and every 1,024 events. A ROUTER socket
 * answers snapshot requests (the Clone pattern): the live instances, then a
 * signed end marker with the seq they correspond to. DESIGN §6 is the exact
 * specification a third party needs to verify the bus.
 *
 * Threads: a publisher is used by one thread at a time for publishing; it
 * runs one thread of its own (snapshot requests, ZAP, heads when idle).
 * A subscriber belongs to one thread.
 */
#ifndef NAUTILUS_BUS_H
#define NAUTILUS_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/crypto.h"
#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NT_BUS_VERSION 1
#define NT_BUS_DEFAULT_ENDPOINT "tcp://127.0.0.1:7405"
#define NT_BUS_DEFAULT_SNAPSHOT "tcp://127.0.0.1:7406"
#define NT_BUS_BODY_MAX 61440u          /* largest event body (under NT_BUS_MAXMSGSIZE): a
                                         * browse event with a full 9,000-byte TXT fits */
#define NT_BUS_MAXMSGSIZE 65536         /* ZMQ_MAXMSGSIZE of a subscriber's sockets (the
                                         * publisher's receive only requests: 1,024) */
#define NT_BUS_HEAD_INTERVAL_MS 20u     /* default; at most 100 */
#define NT_BUS_HEAD_EVERY 1024u         /* a head after at most this many events */
#define NT_BUS_HEAD_IDLE_MS 500u        /* the last head again when nothing was published */
#define NT_BUS_SILENCE_MS 2000u         /* a subscriber that hears nothing this long reconnects */
#define NT_BUS_HEAD_TOPIC "bus.head"
#define NT_BUS_SNAPSHOT_END_TOPIC "snapshot.end"
#define NT_BUS_SNAPSHOT_REQUEST "snapshot"
#define NT_BUS_Z85_KEY_LEN 40           /* a CURVE key as Z85 text, without NUL */

typedef enum nt_bus_topic {
    NT_BUS_SERVICE_ADDED = 0,
    NT_BUS_SERVICE_UPDATED,
    NT_BUS_SERVICE_REMOVED,
    NT_BUS_SERVICE_REJECTED,
    NT_BUS_SERVICE_CONFLICT,
    NT_BUS_PROOF_VERIFIED,
    NT_BUS_PROOF_REJECTED,
    NT_BUS_ANCHOR_QUEUED,
    NT_BUS_ANCHOR_CONFIRMED,
    NT_BUS_ANCHOR_FAILED,
    NT_BUS_AGENT_STARTED,
    NT_BUS_AGENT_STOPPING,
    NT_BUS_TOPIC_COUNT
} nt_bus_topic;

/* "service.added", ... NULL for a value out of range. */
NT_API const char *nt_bus_topic_name(nt_bus_topic t);
/* NT_OK and *out for a known topic name of exactly len bytes, else NT_ERR_NOT_FOUND. */
NT_API NT_WUR nt_status nt_bus_topic_parse(nt_bus_topic *out, const char *name, size_t len);

/* Reads a CURVE secret key file: 40 Z85 characters, optionally a newline,
 * mode 0600 or stricter (NT_ERR_PERM otherwise). Writes the Z85 secret and
 * its Z85 public key (each 41 bytes with the NUL). NT_ERR_IO, NT_ERR_PERM,
 * NT_ERR_BUS_CURVE_KEY for anything else in the file. */
NT_API NT_WUR nt_status nt_bus_curve_key_load(char secret_z85[41], char public_z85[41],
                                              const char *path);

/* Writes a fresh CURVE key pair: the secret to path (mode 0600, refusing to
 * overwrite: NT_ERR_EXISTS) and the public key as Z85 into public_z85. */
NT_API NT_WUR nt_status nt_bus_curve_key_create(char public_z85[41], const char *path);

/* ---- publisher ---------------------------------------------------------- */

typedef struct nt_bus_pub nt_bus_pub;

typedef struct nt_bus_pub_config {
    const char *endpoint;          /* PUB bind address, e.g. tcp://0.0.0.0:7405 */
    const char *snapshot_endpoint; /* ROUTER bind address; NULL: no snapshots */
    const nt_ed25519_key *key;     /* the agent's signing key (copied) */
    const char *host;              /* its owner name, e.g. "printer.local" (the key digest covers it) */
    const char *curve_secret_file; /* CURVE server secret (nt_bus_curve_key_load); NULL: no CURVE */
    const char *curve_allow_file;  /* with CURVE: client public keys, Z85, one a line
                                    * (a line starting with '#' is a comment); a client
                                    * not listed is refused */
    int sndhwm;                    /* PUB high-water mark per subscriber; 0: 10,000 */
    unsigned head_interval_ms;     /* 0: NT_BUS_HEAD_INTERVAL_MS; > 100 is refused */
    size_t state_max;              /* live instances kept; 0: 65,536 */
} nt_bus_pub_config;

typedef struct nt_bus_pub_stats {
    uint64_t published;   /* events given a seq */
    uint64_t dropped;     /* events libzmq would not take (send failed; the seq is still used) */
    uint64_t heads;       /* signed heads sent */
    uint64_t snapshots;   /* snapshot requests answered */
    uint64_t bad_requests;/* snapshot requests refused as malformed */
    uint64_t zap_denied;  /* CURVE clients refused by the ZAP handler */
    uint64_t state_full;  /* added/updated events whose instance did not fit the state */
    size_t live;          /* instances in the state now */
} nt_bus_pub_stats;

/* Binds the sockets, starts the publisher's thread and publishes
 * agent.started (seq 1). On failure why[0..why_cap) says what failed in one
 * line. Errors: NT_ERR_INVALID_ARG, NT_ERR_BUS_ZMQ (bind failed, ...),
 * NT_ERR_NOMEM, those of nt_bus_curve_key_load and of the allow file
 * (NT_ERR_BUS_CURVE_KEY with its line). */
NT_API NT_WUR nt_status nt_bus_pub_create(nt_bus_pub **out, const nt_bus_pub_config *cfg,
                                          char *why, size_t why_cap);

/* Publishes agent.stopping and its head, stops the thread, closes. NULL ignored. */
NT_API void nt_bus_pub_destroy(nt_bus_pub *p);

/* Publishes one event: topic, and the JSON object text fields[0..len) whose
 * members follow the bus's own ("v", "seq", "time", "agent", "run",
 * "prev") in the body; it must be an object written by the caller (e.g.
 * "{\"name\":...,\"trust\":\"trusted\",\"reason\":null}"), at most
 * NT_BUS_BODY_MAX - 256 bytes. key names the instance for the snapshot state:
 * service.added/updated store the event under key, service.removed deletes
 * it; other topics leave the state alone (key may be NULL). Never blocks:
 * a message libzmq does not take is counted in `dropped`.
 * Errors: NT_ERR_INVALID_ARG (not an object, too long, NULL key for a state
 * topic), NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_bus_pub_publish(nt_bus_pub *p, nt_bus_topic topic, const char *key,
                                           const char *fields, size_t len);

/* Sends a signed head now if events since the last one are unsigned. */
NT_API NT_WUR nt_status nt_bus_pub_flush(nt_bus_pub *p);

NT_API void nt_bus_pub_get_stats(nt_bus_pub *p, nt_bus_pub_stats *out);

/* The endpoints as bound (a "tcp://127.0.0.1:*" becomes its port), for
 * the caller to pass to subscribers. snap is "" without a snapshot socket. */
NT_API void nt_bus_pub_endpoints(nt_bus_pub *p, char *pub, size_t pub_cap, char *snap,
                                 size_t snap_cap);

/* The agent's key digest (DESIGN §3), as events carry it in "agent". */
NT_API void nt_bus_pub_agent(const nt_bus_pub *p, uint8_t digest[32]);

/* ---- subscriber --------------------------------------------------------- */

typedef struct nt_bus_sub nt_bus_sub;

typedef struct nt_bus_sub_config {
    const char *endpoint;          /* PUB to connect to */
    const char *snapshot_endpoint; /* ROUTER for resync; NULL: gaps are reported, never filled */
    const uint8_t *agent_digest;   /* 32 bytes: accept only this agent; NULL: the first seen */
    const uint8_t *agent_pk;       /* 32 bytes: its Ed25519 key (from its DNSKEY); NULL: from heads */
    const char *curve_server_key;  /* Z85 public key of the publisher; NULL: no CURVE */
    const char *curve_key_file;    /* with CURVE: our secret key file (nt_bus_curve_key_load) */
    const char *const *topics;     /* deliver only these topics (prefixes); NULL: all */
    size_t n_topics;
    unsigned snapshot_timeout_ms;  /* 0: 2,000 */
    unsigned snapshot_tries;       /* 0: 3 */
    bool no_initial_snapshot;      /* do not ask for a snapshot at start (only on a gap) */
    int rcvhwm;                    /* SUB high-water mark; 0: 100,000 messages */
} nt_bus_sub_config;

typedef enum nt_bus_sub_kind {
    NT_BUS_SUB_EVENT = 0,      /* an authenticated event, in seq order */
    NT_BUS_SUB_SNAPSHOT_BEGIN, /* state follows: forget what you knew */
    NT_BUS_SUB_SNAPSHOT_ITEM,  /* one live instance (its last added/updated event) */
    NT_BUS_SUB_SNAPSHOT_END,   /* state complete as of seq; events continue at seq + 1 */
    NT_BUS_SUB_GAP             /* events gap_from..gap_to are lost and no snapshot filled them */
} nt_bus_sub_kind;

typedef struct nt_bus_sub_event {
    nt_bus_sub_kind kind;
    const char *topic;  /* NUL-terminated; valid until the next call */
    const char *body;   /* the body exactly as signed, NUL-terminated; valid until the next call */
    size_t body_len;
    uint64_t seq;       /* event/item seq; for SNAPSHOT_END the state's seq */
    uint64_t gap_from, gap_to;
} nt_bus_sub_event;

typedef struct nt_bus_sub_stats {
    uint64_t received;        /* messages read from the SUB socket */
    uint64_t delivered;       /* events handed out */
    uint64_t malformed;       /* messages not of the documented shape, dropped */
    uint64_t unauthenticated; /* events a valid head's chain should reach and does not
                               * (forged, altered, reordered), bad heads and snapshots */
    uint64_t orphaned;        /* events cut from the chain by a gap (their head was
                               * lost): never delivered, covered by the gap's resync */
    uint64_t stale;           /* authenticated but seq already delivered (replay, reorder) */
    uint64_t gaps;            /* gaps seen */
    uint64_t missed;          /* events lost in those gaps */
    uint64_t resyncs;         /* snapshots taken */
    uint64_t unfilled;        /* gaps reported as NT_BUS_SUB_GAP */
    uint64_t foreign;         /* messages of another agent */
    uint64_t refused;         /* messages refused, all reasons (malformed, unauthenticated, foreign) */
    uint64_t reconnects;      /* SUB reconnected after NT_BUS_SILENCE_MS without a message
                               * (libzmq drops a connection that carried an oversized
                               * message and does not come back by itself) */
} nt_bus_sub_stats;

/* Connects (and, unless no_initial_snapshot, takes a first snapshot on the
 * first nt_bus_sub_next). Errors: NT_ERR_INVALID_ARG, NT_ERR_BUS_ZMQ,
 * NT_ERR_NOMEM, those of nt_bus_curve_key_load; why says which. */
NT_API NT_WUR nt_status nt_bus_sub_create(nt_bus_sub **out, const nt_bus_sub_config *cfg,
                                          char *why, size_t why_cap);
NT_API void nt_bus_sub_destroy(nt_bus_sub *s);

/* The next thing to report, waiting at most timeout_ms (-1: for ever).
 * NT_OK with *ev filled; NT_ERR_TIMEOUT; NT_ERR_BUS_ZMQ if the socket failed
 * (or a signal interrupted the wait: NT_ERR_IO). */
NT_API NT_WUR nt_status nt_bus_sub_next(nt_bus_sub *s, nt_bus_sub_event *ev, int timeout_ms);

NT_API void nt_bus_sub_get_stats(const nt_bus_sub *s, nt_bus_sub_stats *out);

/* The agent followed (false until a valid head or snapshot was seen). */
NT_API bool nt_bus_sub_agent(const nt_bus_sub *s, uint8_t digest[32]);

#ifdef __cplusplus
}
#endif
#endif
