/*
 * Fuzz target for the Registry's name hash (nt_chain_name_hash), which
 * reads a wire-form name a caller hands it.
 *
 * - It accepts exactly what nt_dns_name_from_wire accepts as a whole input
 *   (an uncompressed name ending at the root label, nothing after it).
 * - An accepted name's hash is keccak-256 of the name lower-cased by
 *   nt_dns_name_lower: the canonical form, computed a second way.
 * Mismatches abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/crypto.h"
#include "nautilus/ledger_chain.h"
#include "nautilus/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t got[32], want[32];
    nt_dns_name name;
    nt_status ours = nt_chain_name_hash(got, data, size);
    nt_status wire = nt_dns_name_from_wire(&name, data, size);

    if ((ours == NT_OK) != (wire == NT_OK))
        abort();
    if (ours != NT_OK)
        return 0;
    nt_dns_name_lower(&name);
    nt_keccak256(want, name.wire, name.len);
    if (memcmp(got, want, 32) != 0)
        abort();
    return 0;
}
