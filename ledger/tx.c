/* Ethereum transactions (nautilus/ledger.h): EIP-155 replay-protected legacy
 * transactions and EIP-1559 (EIP-2718 type 2) transactions, built, hashed,
 * signed with libsecp256k1 (through nt_crypto: RFC 6979 nonces, low s) and
 * decoded with their sender recovered.
 *
 *   legacy   rlp([nonce, gasPrice, gas, to, value, data, v, r, s]),
 *            signed over rlp([nonce, gasPrice, gas, to, value, data,
 *            chainId, 0, 0]), v = chainId * 2 + 35 + yParity   (EIP-155)
 *   type 2   0x02 || rlp([chainId, nonce, maxPriorityFeePerGas,
 *            maxFeePerGas, gas, to, value, data, accessList, yParity, r,
 *            s]), signed over the same without the last three (EIP-1559)
 */
#include <string.h>

#include "nautilus/crypto.h"
#include "nautilus/ledger.h"

/* secp256k1 group order n and n / 2 (SEC 2 §2.4.1; EIP-2 refuses s > n/2). */
static const nt_u256 secp_n = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41}};
static const nt_u256 secp_half_n = {{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73,
                                     0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b,
                                     0x20, 0xa0}};

#define LEGACY_FIELDS 9
#define TYPE2_FIELDS 12

void nt_tx_init(nt_tx *tx, nt_tx_type type, uint64_t chain_id)
{
    memset(tx, 0, sizeof *tx);
    tx->type = type;
    tx->chain_id = chain_id;
}

void nt_tx_signer_init(nt_tx_signer *s, const nt_secp256k1_key *key, uint64_t chain_id)
{
    s->key = key;
    s->chain_id = chain_id;
}

/* EIP-2930: accessList = [[address, [storageKey, ...]], ...]. */
static nt_status access_list_check(const uint8_t *rlp, size_t len)
{
    nt_rlp_item list, entry, parts[2], key;
    nt_rlp_iter it, keys;
    size_t n;
    nt_status st;
    if (nt_rlp_decode(&list, rlp, len) != NT_OK || nt_rlp_iter_init(&it, &list) != NT_OK)
        return NT_ERR_TX_FIELD;
    while ((st = nt_rlp_iter_next(&it, &entry)) == NT_OK) {
        if (nt_rlp_list_items(parts, 2, &n, &entry) != NT_OK || n != 2 || parts[0].is_list ||
            parts[0].len != 20 || nt_rlp_iter_init(&keys, &parts[1]) != NT_OK)
            return NT_ERR_TX_FIELD;
        while ((st = nt_rlp_iter_next(&keys, &key)) == NT_OK)
            if (key.is_list || key.len != 32)
                return NT_ERR_TX_FIELD;
        if (st != NT_ERR_NOT_FOUND)
            return NT_ERR_TX_FIELD;
    }
    return st == NT_ERR_NOT_FOUND ? NT_OK : NT_ERR_TX_FIELD;
}

static nt_status tx_check(const nt_tx *tx)
{
    if (tx->type != NT_TX_LEGACY && tx->type != NT_TX_EIP1559)
        return NT_ERR_TX_TYPE;
    if (tx->chain_id == 0 || tx->data_len > NT_TX_MAX_DATA)
        return NT_ERR_TX_FIELD;
    if ((tx->data == NULL && tx->data_len > 0) ||
        (tx->access_list == NULL && tx->access_list_len > 0))
        return NT_ERR_INVALID_ARG;
    if (tx->type == NT_TX_LEGACY) /* v = chainId * 2 + 36 must fit in 64 bits */
        return tx->access_list == NULL && tx->chain_id <= (UINT64_MAX - 36) / 2 ? NT_OK
                                                                                : NT_ERR_TX_FIELD;
    if (nt_u256_cmp(&tx->max_priority_fee_per_gas, &tx->max_fee_per_gas) > 0)
        return NT_ERR_TX_FIELD;
    return tx->access_list == NULL ? NT_OK : access_list_check(tx->access_list, tx->access_list_len);
}

/* The transaction's list: the signing form when sig is NULL, else signed. */
static void tx_encode(nt_rlp_enc *e, const nt_tx *tx, const nt_tx_sig *sig)
{
    static const uint8_t type2 = NT_TX_EIP1559, empty_list = 0xc0;
    if (tx->type == NT_TX_EIP1559)
        nt_rlp_enc_raw(e, &type2, 1);
    nt_rlp_enc_list_begin(e);
    if (tx->type == NT_TX_EIP1559)
        nt_rlp_enc_u64(e, tx->chain_id);
    nt_rlp_enc_u64(e, tx->nonce);
    if (tx->type == NT_TX_EIP1559) {
        nt_rlp_enc_u256(e, &tx->max_priority_fee_per_gas);
        nt_rlp_enc_u256(e, &tx->max_fee_per_gas);
    } else {
        nt_rlp_enc_u256(e, &tx->gas_price);
    }
    nt_rlp_enc_u64(e, tx->gas_limit);
    nt_rlp_enc_bytes(e, tx->to, tx->has_to ? 20 : 0);
    nt_rlp_enc_u256(e, &tx->value);
    nt_rlp_enc_bytes(e, tx->data, tx->data_len);
    if (tx->type == NT_TX_EIP1559) {
        if (tx->access_list != NULL)
            nt_rlp_enc_raw(e, tx->access_list, tx->access_list_len);
        else
            nt_rlp_enc_raw(e, &empty_list, 1);
    }
    if (sig != NULL) {
        nt_u256 r, s;
        memcpy(r.be, sig->r, 32);
        memcpy(s.be, sig->s, 32);
        nt_rlp_enc_u64(e, sig->v);
        nt_rlp_enc_u256(e, &r);
        nt_rlp_enc_u256(e, &s);
    } else if (tx->type == NT_TX_LEGACY) {
        nt_rlp_enc_u64(e, tx->chain_id); /* EIP-155: chainId, 0, 0 */
        nt_rlp_enc_u64(e, 0);
        nt_rlp_enc_u64(e, 0);
    }
    nt_rlp_enc_list_end(e);
}

nt_status nt_tx_signing_hash(uint8_t out[32], const nt_tx *tx)
{
    nt_rlp_enc e;
    const uint8_t *enc;
    size_t len;
    nt_status st = tx_check(tx);
    if (st != NT_OK)
        return st;
    nt_rlp_enc_init(&e, NT_TX_MAX_RAW);
    tx_encode(&e, tx, NULL);
    st = nt_rlp_enc_finish(&e, &enc, &len);
    if (st == NT_OK)
        nt_keccak256(out, enc, len);
    nt_rlp_enc_cleanup(&e);
    return st;
}

nt_status nt_tx_sign(const nt_tx_signer *signer, nt_dynbuf *raw, nt_tx_sig *sig, uint8_t hash[32],
                     const nt_tx *tx)
{
    uint8_t h[32], rs[64];
    nt_tx_sig s;
    nt_rlp_enc e;
    const uint8_t *enc;
    size_t len;
    int recid;
    nt_status st;

    /* The chain id is checked before anything is hashed or signed. */
    if (tx->chain_id != signer->chain_id)
        return NT_ERR_TX_CHAIN_ID;
    if ((st = nt_tx_signing_hash(h, tx)) != NT_OK)
        return st;
    if ((st = nt_secp256k1_sign_recoverable(signer->key, rs, &recid, h)) != NT_OK)
        return st;
    if (recid < 0 || recid > 1)
        return NT_ERR_TX_SIGNATURE; /* r >= n: never seen in practice */
    memcpy(s.r, rs, 32);
    memcpy(s.s, rs + 32, 32);
    s.y_parity = (uint8_t)recid;
    s.v = tx->type == NT_TX_LEGACY ? tx->chain_id * 2 + 35 + (uint64_t)recid : (uint64_t)recid;

    nt_rlp_enc_init(&e, NT_TX_MAX_RAW);
    tx_encode(&e, tx, &s);
    st = nt_rlp_enc_finish(&e, &enc, &len);
    if (st == NT_OK) {
        nt_dynbuf_reset(raw);
        st = nt_dynbuf_add(raw, enc, len);
    }
    if (st == NT_OK && hash != NULL)
        nt_keccak256(hash, enc, len);
    if (st == NT_OK && sig != NULL)
        *sig = s;
    nt_rlp_enc_cleanup(&e);
    return st;
}

/* ---- decoding ------------------------------------------------------------ */

/* r and s in [1, n-1], s <= n/2 (EIP-2); y parity 0 or 1. */
static nt_status sig_read(nt_tx_sig *sig, const nt_rlp_item *r, const nt_rlp_item *s)
{
    nt_u256 ru, su;
    nt_status st;
    if ((st = nt_rlp_item_u256(&ru, r)) != NT_OK || (st = nt_rlp_item_u256(&su, s)) != NT_OK)
        return st;
    if (nt_u256_is_zero(&ru) || nt_u256_is_zero(&su) || nt_u256_cmp(&ru, &secp_n) >= 0 ||
        nt_u256_cmp(&su, &secp_half_n) > 0)
        return NT_ERR_TX_SIGNATURE;
    memcpy(sig->r, ru.be, 32);
    memcpy(sig->s, su.be, 32);
    return NT_OK;
}

/* to (empty or 20 bytes), value and data: fields common to both types. */
static nt_status common_read(nt_tx *tx, const nt_rlp_item *to, const nt_rlp_item *value,
                             const nt_rlp_item *data)
{
    nt_status st;
    if (to->is_list || data->is_list)
        return NT_ERR_RLP_TYPE;
    if (to->len != 0 && to->len != 20)
        return NT_ERR_TX_FIELD;
    tx->has_to = to->len == 20;
    if (tx->has_to)
        memcpy(tx->to, to->payload, 20);
    if ((st = nt_rlp_item_u256(&tx->value, value)) != NT_OK)
        return st;
    tx->data = data->len ? data->payload : NULL;
    tx->data_len = data->len;
    return NT_OK;
}

static nt_status legacy_read(nt_tx_decoded *out, const nt_rlp_item *f)
{
    nt_tx *tx = &out->tx;
    nt_status st;
    tx->type = NT_TX_LEGACY;
    if ((st = nt_rlp_item_u64(&tx->nonce, &f[0])) != NT_OK ||
        (st = nt_rlp_item_u256(&tx->gas_price, &f[1])) != NT_OK ||
        (st = nt_rlp_item_u64(&tx->gas_limit, &f[2])) != NT_OK ||
        (st = common_read(tx, &f[3], &f[4], &f[5])) != NT_OK ||
        (st = nt_rlp_item_u64(&out->sig.v, &f[6])) != NT_OK)
        return st;
    /* EIP-155: v = chainId * 2 + 35 + yParity; 27 and 28 are unprotected. */
    if (out->sig.v < 35)
        return NT_ERR_TX_SIGNATURE;
    tx->chain_id = (out->sig.v - 35) / 2;
    out->sig.y_parity = (uint8_t)((out->sig.v - 35) % 2);
    return sig_read(&out->sig, &f[7], &f[8]);
}

static nt_status type2_read(nt_tx_decoded *out, const nt_rlp_item *f)
{
    nt_tx *tx = &out->tx;
    nt_status st;
    tx->type = NT_TX_EIP1559;
    if ((st = nt_rlp_item_u64(&tx->chain_id, &f[0])) != NT_OK ||
        (st = nt_rlp_item_u64(&tx->nonce, &f[1])) != NT_OK ||
        (st = nt_rlp_item_u256(&tx->max_priority_fee_per_gas, &f[2])) != NT_OK ||
        (st = nt_rlp_item_u256(&tx->max_fee_per_gas, &f[3])) != NT_OK ||
        (st = nt_rlp_item_u64(&tx->gas_limit, &f[4])) != NT_OK ||
        (st = common_read(tx, &f[5], &f[6], &f[7])) != NT_OK ||
        (st = nt_rlp_item_u64(&out->sig.v, &f[9])) != NT_OK)
        return st;
    if (!f[8].is_list)
        return NT_ERR_RLP_TYPE;
    tx->access_list = f[8].raw;
    tx->access_list_len = f[8].raw_len;
    if (out->sig.v > 1)
        return NT_ERR_TX_SIGNATURE;
    out->sig.y_parity = (uint8_t)out->sig.v;
    return sig_read(&out->sig, &f[10], &f[11]);
}

nt_status nt_tx_decode(nt_tx_decoded *out, const uint8_t *raw, size_t len)
{
    nt_buf b;
    nt_rlp_item list, f[TYPE2_FIELDS];
    const uint8_t *body;
    size_t n, body_len;
    uint8_t first;
    nt_status st;
    memset(out, 0, sizeof *out);
    nt_buf_init(&b, raw, len);
    if (nt_buf_peek_at(&b, 0, &first) != NT_OK)
        return NT_ERR_RLP_TRUNCATED;
    /* EIP-2718: TransactionType || TransactionPayload; a legacy transaction
     * starts with its list header instead. */
    if (first != NT_TX_EIP1559 && first < 0xc0)
        return NT_ERR_TX_TYPE;
    if (first == NT_TX_EIP1559 && nt_buf_skip(&b, 1) != NT_OK)
        return NT_ERR_RLP_TRUNCATED;
    body_len = nt_buf_left(&b);
    if (nt_buf_get_ptr(&b, &body, body_len) != NT_OK)
        return NT_ERR_RLP_TRUNCATED;
    if ((st = nt_rlp_decode(&list, body, body_len)) != NT_OK)
        return st;
    if ((st = nt_rlp_list_items(f, TYPE2_FIELDS, &n, &list)) != NT_OK)
        return st;
    if (n != (first == NT_TX_EIP1559 ? TYPE2_FIELDS : LEGACY_FIELDS))
        return NT_ERR_RLP_COUNT;
    st = first == NT_TX_EIP1559 ? type2_read(out, f) : legacy_read(out, f);
    /* Canonical decoding means re-encoding gives the signed bytes back. */
    if (st == NT_OK)
        st = nt_tx_signing_hash(out->signing_hash, &out->tx);
    if (st == NT_OK)
        nt_keccak256(out->hash, raw, len);
    return st;
}

nt_status nt_tx_recover_sender(uint8_t address[20], const nt_tx_decoded *tx)
{
    uint8_t rs[64];
    memcpy(rs, tx->sig.r, 32);
    memcpy(rs + 32, tx->sig.s, 32);
    return nt_secp256k1_recover_address(address, rs, tx->sig.y_parity, tx->signing_hash);
}
