/*
 * agent/run/agent_req.h - the requests of the agent's control socket
 * (DESIGN §8.3): one JSON object per frame, parsed into a fixed struct.
 * Pure (no I/O), so that the fuzz target fuzz/fuzz_agent_request.c runs it
 * alone.
 *
 *   {"op":"resolve","host":"h.local","family":"4|6|any","timeout_ms":N,
 *    "require":"LEVEL"}
 *   {"op":"resolve","instance":"Web","type":"_http._tcp","timeout_ms":N,
 *    "require":"LEVEL"}
 *   {"op":"feedback","name":"Web._http._tcp.local","ok":true,"latency_ms":N}
 *   {"op":"feedback","name":"Web","type":"_http._tcp","ok":false}
 *   {"op":"status"}
 *   {"op":"zk_verify","vk":TEXT,"proof":TEXT,"public":TEXT,
 *    "names":[VK,PROOF,PUBLIC],"quiet":B,"json":B,"key_digest":"HEX",
 *    "commitment":"DEC"}   (the three documents' JSON texts as strings)
 */
#ifndef NAUTILUS_AGENT_RUN_AGENT_REQ_H
#define NAUTILUS_AGENT_RUN_AGENT_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/mdns.h"
#include "nautilus/rank.h"
#include "nautilus/trust.h"

#define NT_AGENT_REQ_TIMEOUT_MS 5000u    /* when the request gives none */
#define NT_AGENT_REQ_TIMEOUT_MAX 600000u /* the longest a request may wait */

typedef enum nt_agent_op {
    NT_AGENT_OP_RESOLVE_HOST = 1,
    NT_AGENT_OP_RESOLVE_SERVICE = 2,
    NT_AGENT_OP_FEEDBACK = 3,
    NT_AGENT_OP_STATUS = 4,
    NT_AGENT_OP_ZK_VERIFY = 20,
} nt_agent_op;

#define NT_AGENT_REQ_ZK_NAME_MAX 1024 /* a file name in a zk_verify request */

typedef struct nt_agent_req {
    nt_agent_op op;
    char host[NT_MDNS_NAME_MAX];       /* resolve: "h.local" (normalised) */
    bool want4, want6;                 /* resolve: families */
    char instance[NT_MDNS_LABEL_MAX * 4]; /* resolve, feedback: instance label */
    char type[NT_MDNS_NAME_MAX];       /* "_http._tcp" */
    uint32_t timeout_ms;
    nt_trust_level require;
    char name[NT_RANK_NAME_MAX];       /* feedback: the ranking key, full name */
    bool ok;                           /* feedback */
    double latency_ms;                 /* feedback: -1 if not given */
    /* zk_verify: the verification key, proof and public signals (JSON
     * texts, allocated, freed by nt_agent_req_cleanup; no NUL inside), the
     * names the messages give them, and the options of `zk verify`. */
    char *zk_text[3];
    size_t zk_len[3];
    char *zk_name[3];
    bool zk_quiet, zk_json;
    char zk_digest[65];                /* 64 hex digits, or "" */
    char zk_commitment[79];            /* decimal, or "" */
} nt_agent_req;

/* Parses json[0..len). On failure writes one line to why and returns
 * NT_ERR_INVALID_ARG (not JSON, not an object, unknown op, a field of the
 * wrong kind or out of range), or NT_ERR_NOMEM; nothing is left to clean
 * up then. On success call nt_agent_req_cleanup when done. */
NT_WUR nt_status nt_agent_req_parse(nt_agent_req *out, const char *json, size_t len, char *why,
                                    size_t why_cap);

/* Frees what a parsed request holds (zk_verify's texts); safe twice. */
void nt_agent_req_cleanup(nt_agent_req *r);

#endif
