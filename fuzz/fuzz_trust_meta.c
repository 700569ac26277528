/* Metadata TXT parser (trust_meta.h): parse -> write -> parse must give the
 * same key id, proof and public signals; the statement check must not
 * misbehave on whatever decoded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/trust_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t rd[2 * NT_TRUST_META_RDATA_MAX];
    static const uint8_t digest[32] = {1, 2, 3};
    nt_trust_meta a, b;
    nt_trust_zk_claim claim;
    uint8_t pa[NT_ZK_PROOF_BYTES], pb[NT_ZK_PROOF_BYTES];
    size_t len = 0, i;

    if (nt_trust_meta_parse(&a, data, size) != NT_OK)
        return 0;
    if (!a.has_zk)
        return 0;
    /* Only these outcomes exist (a crafted input may even carry the right
     * binding: signals are public). */
    {
        nt_status st = nt_trust_zk_statement(&claim, a.pub, digest);
        if (st != NT_OK && st != NT_ERR_TRUST_ZK_BINDING && st != NT_ERR_TRUST_ZK_MALFORMED)
            abort();
    }
    if (nt_trust_meta_write(rd, sizeof rd, &len, a.vk_id, &a.proof, a.pub) != NT_OK)
        abort(); /* whatever parsed must be writable */
    /* Our 200-character pieces may cost a few bytes more than the input's
     * longer ones: beyond the read cap there is nothing to compare. */
    if (len > NT_TRUST_META_RDATA_MAX) {
        nt_trust_meta_cleanup(&a);
        return 0;
    }
    if (nt_trust_meta_parse(&b, rd, len) != NT_OK || !b.has_zk)
        abort();
    nt_zk_proof_write(pa, &a.proof);
    nt_zk_proof_write(pb, &b.proof);
    if (memcmp(a.vk_id, b.vk_id, sizeof a.vk_id) != 0 || memcmp(pa, pb, sizeof pa) != 0 ||
        nt_zk_public_count(a.pub) != nt_zk_public_count(b.pub))
        abort();
    for (i = 0; i < nt_zk_public_count(a.pub); i++) {
        uint8_t x[32], y[32];
        if (nt_zk_public_get_b32(x, a.pub, i) != NT_OK ||
            nt_zk_public_get_b32(y, b.pub, i) != NT_OK || memcmp(x, y, 32) != 0)
            abort();
    }
    nt_trust_meta_cleanup(&a);
    nt_trust_meta_cleanup(&b);
    return 0;
}
