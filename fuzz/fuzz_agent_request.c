/*
 * Fuzz target for the requests of the agent's control socket
 * (agent/run/agent_req.h): any bytes a local client sends in one frame.
 *
 * The parser must accept or refuse (NT_ERR_INVALID_ARG with a non-empty
 * reason), never anything else; what it accepts must hold its promises:
 * a known op, strings terminated inside their fields, a host name of one
 * label in .local, a timeout and a latency in range, zk_verify's three
 * documents and names non-empty and measured, a ledger request's options
 * as the command would give them. Mismatches abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/run/agent_req.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nt_agent_req r;
    char why[160];
    nt_status st;

    why[0] = 0;
    st = nt_agent_req_parse(&r, (const char *)data, size, why, sizeof why);
    if (st != NT_OK) {
        CHECK((st == NT_ERR_INVALID_ARG || st == NT_ERR_NOMEM) && why[0]);
        return 0;
    }
    CHECK((r.op >= NT_AGENT_OP_RESOLVE_HOST && r.op <= NT_AGENT_OP_STATUS) ||
          r.op == NT_AGENT_OP_ZK_VERIFY ||
          r.op == NT_AGENT_OP_PUBLISH || r.op == NT_AGENT_OP_WITHDRAW ||
          r.op == NT_AGENT_OP_BROWSE || r.op == NT_AGENT_OP_LEDGER);
    if (r.op == NT_AGENT_OP_LEDGER) {
        /* req_ledger.c: a known sub, an absolute state, a chain id */
        CHECK(memchr(r.ledger_sub, 0, sizeof r.ledger_sub) && r.ledger_state[0] == '/');
        CHECK(memchr(r.ledger_state, 0, sizeof r.ledger_state) &&
              memchr(r.ledger_rpc, 0, sizeof r.ledger_rpc) &&
              memchr(r.ledger_name, 0, sizeof r.ledger_name));
        CHECK(r.ledger_chain_id >= 1 && r.ledger_chain_id <= 2147483647u);
        CHECK(r.ledger_confirmations <= 1000 && r.ledger_timeout_s <= 86400);
        CHECK(r.ledger_name[0] != '-');
        CHECK(strcmp(r.ledger_sub, "status") == 0 ? !r.ledger_rpc[0] && !r.ledger_has_registry
                                                  : r.ledger_rpc[0] && r.ledger_has_registry);
    }
    if (r.op == NT_AGENT_OP_BROWSE)
        CHECK(r.type[0] == '_' && memchr(r.type, 0, sizeof r.type));
    if (r.op == NT_AGENT_OP_PUBLISH || r.op == NT_AGENT_OP_WITHDRAW) {
        /* req_publish.c: a label, a type, TXT RDATA of whole strings */
        size_t n = strnlen(r.svc.instance, sizeof r.svc.instance), pos = 0;
        CHECK(n >= 1 && n <= 63 && r.svc.type[0] == '_');
        CHECK(r.svc.n_subtypes <= NT_CONF_SUBTYPES_MAX && r.svc.txt_len <= sizeof r.svc.txt);
        while (pos < r.svc.txt_len)
            pos += 1u + r.svc.txt[pos];
        CHECK(pos == r.svc.txt_len);
    }
    CHECK(memchr(r.host, 0, sizeof r.host) && memchr(r.instance, 0, sizeof r.instance));
    CHECK(memchr(r.type, 0, sizeof r.type) && memchr(r.name, 0, sizeof r.name));
    CHECK(r.timeout_ms <= NT_AGENT_REQ_TIMEOUT_MAX);
    if (r.op == NT_AGENT_OP_RESOLVE_HOST) {
        size_t n = strlen(r.host);
        CHECK(n > 6 && n <= 63 + 6 && strcmp(r.host + n - 6, ".local") == 0);
        CHECK(memchr(r.host, '.', n - 6) == NULL);
        CHECK(r.want4 || r.want6);
    }
    if (r.op == NT_AGENT_OP_RESOLVE_SERVICE)
        CHECK(r.instance[0] && r.type[0] == '_');
    if (r.op == NT_AGENT_OP_FEEDBACK) {
        CHECK(r.name[0]);
        CHECK(r.latency_ms == -1 || (r.latency_ms >= 0 && r.latency_ms <= 3600000));
    }
    if (r.op == NT_AGENT_OP_ZK_VERIFY) {
        size_t i;
        for (i = 0; i < 3; i++) {
            CHECK(r.zk_text[i] && r.zk_len[i] > 0 && r.zk_len[i] <= size);
            CHECK(strlen(r.zk_text[i]) == r.zk_len[i]);
            CHECK(r.zk_name[i] && r.zk_name[i][0] &&
                  strlen(r.zk_name[i]) <= NT_AGENT_REQ_ZK_NAME_MAX);
        }
        CHECK(r.zk_digest[0] == 0 || strlen(r.zk_digest) == 64);
        CHECK(memchr(r.zk_commitment, 0, sizeof r.zk_commitment));
    } else {
        CHECK(!r.zk_text[0] && !r.zk_text[1] && !r.zk_text[2] && !r.zk_name[0]);
    }
    nt_agent_req_cleanup(&r);
    return 0;
}
