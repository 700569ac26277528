/* Private helpers of the chain client (not part of nautilus/ledger.h):
 * reading JSON-RPC values out of cJSON trees that nt_rpc_response_parse
 * produced. A tree from the parser holds no NUL inside any string (bodies
 * with a NUL byte or a \u0000 escape are refused), so strlen() measures
 * its strings exactly. */
#ifndef NT_LEDGER_INT_H
#define NT_LEDGER_INT_H

#include <cjson/cJSON.h>

#include "nautilus/ledger.h"

/* Member name of an object, exact case; NULL if absent or obj is not one. */
const cJSON *nt_json_member(const cJSON *obj, const char *name);

/* A QUANTITY string. NT_ERR_RPC_RESULT_TYPE for anything else. */
NT_WUR nt_status nt_json_u64(uint64_t *out, const cJSON *j);
NT_WUR nt_status nt_json_u256(nt_u256 *out, const cJSON *j);

/* A DATA string of exactly n bytes (addresses, hashes). */
NT_WUR nt_status nt_json_fixed(uint8_t *out, size_t n, const cJSON *j);

/* A DATA string of at most max bytes into fresh storage (*out NULL when
 * empty; free with nt_free). */
NT_WUR nt_status nt_json_data_alloc(uint8_t **out, size_t *len, size_t max, const cJSON *j);

/* A DATA string appended to out. */
NT_WUR nt_status nt_json_data_append(nt_dynbuf *out, const cJSON *j);

/* A log object into out (data allocated). */
NT_WUR nt_status nt_eth_log_from_json(nt_eth_log *out, const cJSON *j);

/* Frees logs appended after the first keep ones. */
void nt_eth_logs_truncate(nt_eth_logs *l, size_t keep);

/* The client's configuration (its clock for polling). */
const nt_rpc_config *nt_rpc_client_config(const nt_rpc_client *c);

/* The status of a refused log query that is worth splitting. */
bool nt_eth_range_refused(const nt_rpc_reply *r);

#endif
