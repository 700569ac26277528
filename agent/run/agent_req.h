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
 *   {"op":"publish","instance":"Web","type":"_http._tcp","port":8080,
 *    "txt":["path=/","k"],"subtypes":["_printer"],"priority":N,"weight":N,
 *    "ttl":N,"sign":true,"persist":true}               (req_publish.c)
 *   {"op":"withdraw","instance":"Web","type":"_http._tcp"} (req_publish.c)
 *   {"op":"browse","type":"_http._tcp","json":true,"resolve":true,
 *    "require":"LEVEL"}                                 (req_publish.c)
 *   {"op":"ledger","sub":"register|rotate|revoke|checkpoint|status",
 *    "name":"NAME","state":"/ABS/DIR","rpc":"URL","registry":"0x..",
 *    "profile":"ethereum|besu","chain_id":N,"confirmations":N,"timeout":SEC,
 *    "json":B}                                          (req_ledger.c)
 */
#ifndef NAUTILUS_AGENT_RUN_AGENT_REQ_H
#define NAUTILUS_AGENT_RUN_AGENT_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/conf.h"
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
    NT_AGENT_OP_PUBLISH = 10,  /* ctl_publish.c */
    NT_AGENT_OP_WITHDRAW = 11, /* ctl_publish.c */
    NT_AGENT_OP_BROWSE = 12,   /* ctl_browse.c */
    NT_AGENT_OP_LEDGER = 30,   /* ctl_ledger.c */
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
    /* publish, withdraw (req_publish.c): svc.instance and svc.type always;
     * for publish also port, subtypes, priority, weight, ttl, TXT RDATA */
    nt_conf_service svc;
    bool sign;                         /* publish: the client asked for --sign */
    bool persist;                      /* publish: kept until withdrawn, across restarts */
    /* browse (req_publish.c): type (may name a subtype), require, and */
    bool json, resolve;                /* as browse --json, --resolve */
    /* ledger (req_ledger.c): `nautilus ledger SUB` and its options as the
     * command resolved them (json above is --json); name only for register,
     * rotate, revoke; rpc and registry for all but status. */
    char ledger_sub[12];
    char ledger_name[NT_MDNS_NAME_MAX];
    char ledger_state[NT_CONF_PATH_MAX];
    char ledger_rpc[NT_CONF_PATH_MAX];
    bool ledger_has_registry;
    uint8_t ledger_registry[20];
    char ledger_profile[16];           /* "" : ethereum */
    uint64_t ledger_chain_id;          /* 1..2^31-1, always given */
    uint32_t ledger_confirmations;     /* 0: the profile's */
    uint32_t ledger_timeout_s;         /* 0: the default */
} nt_agent_req;

/* Parses json[0..len). On failure writes one line to why and returns
 * NT_ERR_INVALID_ARG (not JSON, not an object, unknown op, a field of the
 * wrong kind or out of range), or NT_ERR_NOMEM; nothing is left to clean
 * up then. On success call nt_agent_req_cleanup when done. */
NT_WUR nt_status nt_agent_req_parse(nt_agent_req *out, const char *json, size_t len, char *why,
                                    size_t why_cap);

/* Frees what a parsed request holds (zk_verify's texts); safe twice. */
void nt_agent_req_cleanup(nt_agent_req *r);
struct cJSON;
/* The members of a publish (is_publish) or withdraw request object o into
 * r (op set; the rest of r as nt_agent_req_parse leaves it). Also reads
 * the agent's persisted services back. NT_ERR_INVALID_ARG with one line. */
NT_WUR nt_status nt_agent_req_parse_publish(nt_agent_req *r, const struct cJSON *o,
                                            bool is_publish, char *why, size_t why_cap);

/* The members of a browse request object o into r. NT_ERR_INVALID_ARG. */
NT_WUR nt_status nt_agent_req_parse_browse(nt_agent_req *r, const struct cJSON *o, char *why,
                                           size_t why_cap);

/* The members of a ledger request object o into r. NT_ERR_INVALID_ARG. */
NT_WUR nt_status nt_agent_req_parse_ledger(nt_agent_req *r, const struct cJSON *o, char *why,
                                           size_t why_cap);

#endif
