/* The anchor= field (trust_anchor.h): the input is a metadata TXT RDATA.
 * Whatever value is found and parses must format back to exactly the same
 * text (one spelling per anchor), survive being written into a record and
 * read again, and the check must give only its two answers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/trust_anchor.h"
#include "nautilus/trust_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char text[NT_TRUST_ANCHOR_TEXT_MAX], again[NT_TRUST_ANCHOR_TEXT_MAX];
    static uint8_t rd[NT_TRUST_META_RDATA_MAX];
    static const uint8_t zero[32];
    nt_trust_anchor a, b;
    size_t len = 0, len2 = 0, rlen = 0;
    bool present = false;
    nt_status st;

    /* The raw input as a value too: the parser on its own. */
    if (nt_trust_anchor_parse(&a, (const char *)data, size) == NT_OK) {
        if (nt_trust_anchor_format(text, sizeof text, &len, &a) != NT_OK || len != size ||
            memcmp(text, data, size) != 0)
            abort();
    }
    if (nt_trust_meta_anchor_get(text, sizeof text, &len, &present, data, size) != NT_OK ||
        !present || nt_trust_anchor_parse(&a, text, len) != NT_OK)
        return 0;
    if (nt_trust_anchor_format(again, sizeof again, &len2, &a) != NT_OK || len2 != len ||
        memcmp(again, text, len) != 0)
        abort();
    st = nt_trust_anchor_check(&a, zero, zero, zero);
    if (st != NT_OK && st != NT_ERR_TRUST_ANCHOR_MISMATCH)
        abort();
    /* Written into a fresh record (it may not fit: a long input path). */
    if (nt_trust_meta_set_anchor(rd, sizeof rd, &rlen, NULL, 0, &a) != NT_OK)
        return 0;
    if (nt_trust_meta_anchor_get(again, sizeof again, &len2, &present, rd, rlen) != NT_OK ||
        !present || nt_trust_anchor_parse(&b, again, len2) != NT_OK ||
        memcmp(&a, &b, sizeof a) != 0)
        abort();
    return 0;
}
