/*
 * Fuzz target for RLP decoding (nt_rlp_decode) and for raw transactions
 * (nt_tx_decode), which sit on top of it.
 *
 * - Accepted RLP is canonical: re-encoding the decoded tree with nt_rlp_enc
 *   gives back exactly the input (parse -> write -> parse), and every item's
 *   typed reads agree with its bytes.
 * - An accepted transaction's payload is accepted RLP, its hash is the
 *   keccak of the input, and its signing hash is recomputed the same from
 *   the decoded fields; recovering the sender may fail but never crashes.
 * Mismatches abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/crypto.h"
#include "nautilus/ledger.h"
#include "fuzz/fuzz.h"

/* Re-encodes it into e and checks the scalar readers on the way. */
static void reencode(nt_rlp_enc *e, const nt_rlp_item *it, int depth)
{
    nt_rlp_iter iter;
    nt_rlp_item child;
    nt_status st;
    uint64_t v;
    nt_u256 u;
    if (!it->is_list) {
        st = nt_rlp_item_u64(&v, it);
        CHECK(st == NT_OK || st == NT_ERR_RLP_INT);
        CHECK((st == NT_OK) == (it->len <= 8 && (it->len == 0 || it->payload[0] != 0)));
        st = nt_rlp_item_u256(&u, it);
        CHECK(st == NT_OK || st == NT_ERR_RLP_INT);
        nt_rlp_enc_bytes(e, it->payload, it->len);
        return;
    }
    CHECK(depth <= NT_RLP_MAX_DEPTH);
    CHECK(nt_rlp_item_u64(&v, it) == NT_ERR_RLP_TYPE);
    CHECK(nt_rlp_iter_init(&iter, it) == NT_OK);
    nt_rlp_enc_list_begin(e);
    while ((st = nt_rlp_iter_next(&iter, &child)) == NT_OK)
        reencode(e, &child, depth + 1);
    CHECK(st == NT_ERR_NOT_FOUND);
    nt_rlp_enc_list_end(e);
}

static void fuzz_tx(const uint8_t *data, size_t size)
{
    nt_tx_decoded d;
    nt_rlp_item it;
    uint8_t h[32], addr[20];
    nt_status st;
    if (nt_tx_decode(&d, data, size) != NT_OK)
        return;
    CHECK(d.tx.type == NT_TX_LEGACY || d.tx.type == NT_TX_EIP1559);
    CHECK(d.tx.chain_id != 0 && d.sig.y_parity <= 1);
    CHECK(nt_rlp_decode(&it, d.tx.type == NT_TX_LEGACY ? data : data + 1,
                        d.tx.type == NT_TX_LEGACY ? size : size - 1) == NT_OK);
    nt_keccak256(h, data, size);
    CHECK(memcmp(h, d.hash, 32) == 0);
    CHECK(nt_tx_signing_hash(h, &d.tx) == NT_OK);
    CHECK(memcmp(h, d.signing_hash, 32) == 0);
    st = nt_tx_recover_sender(addr, &d);
    CHECK(st == NT_OK || st == NT_ERR_CRYPTO_BAD_SIGNATURE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nt_rlp_item it;
    nt_rlp_enc e;
    const uint8_t *out;
    size_t out_len;
    if (nt_rlp_decode(&it, data, size) == NT_OK) {
        CHECK(it.raw_len == size);
        nt_rlp_enc_init(&e, size + 16);
        reencode(&e, &it, it.is_list ? 1 : 0);
        CHECK(nt_rlp_enc_finish(&e, &out, &out_len) == NT_OK);
        CHECK(out_len == size && memcmp(out, data, size) == 0);
        nt_rlp_enc_cleanup(&e);
    }
    fuzz_tx(data, size);
    return 0;
}
