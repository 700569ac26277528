/* Chain profiles (nautilus/ledger.h): what differs between the chains the
 * ledger writes to, kept in this one table and nt_eth_fill_fees.
 *
 *   ethereum  EIP-1559 transactions, fees from the node.
 *   besu      a private Hyperledger Besu network as usually run: free gas
 *             (min-gas-price 0), legacy transactions, no eth_sendTransaction
 *             (we only ever send raw signed transactions anyway). */
#include <string.h>

#include "nautilus/ledger.h"

static const nt_chain_profile profiles[] = {
    {"ethereum", NT_TX_EIP1559, false, 1},
    {"besu", NT_TX_LEGACY, true, 1},
};

nt_status nt_chain_profile_find(const nt_chain_profile **out, const char *name)
{
    size_t i;
    for (i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
        if (strcmp(profiles[i].name, name) == 0) {
            *out = &profiles[i];
            return NT_OK;
        }
    }
    return NT_ERR_NOT_FOUND;
}

nt_status nt_eth_fill_fees(nt_rpc_client *c, nt_tx *tx, const nt_chain_profile *profile)
{
    nt_eth_fee_history h;
    nt_u256 prio, max_fee;
    nt_status st;
    tx->type = profile->tx_type;
    if (profile->free_gas) {
        nt_u256_from_u64(&tx->gas_price, 0);
        return NT_OK;
    }
    if (profile->tx_type == NT_TX_LEGACY)
        return nt_eth_gas_price(c, &tx->gas_price);
    /* EIP-1559: the next block's base fee is the last entry of the history;
     * twice it leaves room for six full blocks of +12.5 % each. */
    if ((st = nt_eth_max_priority_fee(c, &prio)) != NT_OK ||
        (st = nt_eth_fee_history_get(c, &h, 1, NULL, 0)) != NT_OK)
        return st;
    if (nt_u256_mul_u64(&max_fee, &h.base_fee[h.n_blocks], 2) != NT_OK ||
        nt_u256_add(&max_fee, &max_fee, &prio) != NT_OK)
        return NT_ERR_RPC_RESULT_TYPE; /* a base fee near 2^256 is no answer */
    tx->max_priority_fee_per_gas = prio;
    tx->max_fee_per_gas = max_fee;
    return NT_OK;
}
