/* Fuzz target: the ranking state file parser (nt_rank_state_parse), with
 * parse -> write -> parse: whatever parses is written back to an image that
 * parses to the same table and writes the same bytes again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/mem.h"
#include "nautilus/rank.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nt_rank_config cfg;
    nt_rank *a = NULL, *b = NULL;
    uint8_t *img1 = NULL, *img2 = NULL;
    size_t len1 = 0, len2 = 0;

    nt_rank_config_init(&cfg);
    cfg.cap = 64;
    if (nt_rank_create(&a, &cfg) != NT_OK || nt_rank_create(&b, &cfg) != NT_OK)
        abort();
    if (nt_rank_state_parse(a, data, size) == NT_OK) {
        /* Written at time 0: no decay, so the sums come back unchanged
         * (entries stamped later than 0 keep their own time). */
        if (nt_rank_state_write(a, &img1, &len1, 0) != NT_OK)
            abort();
        if (nt_rank_state_parse(b, img1, len1) != NT_OK)
            abort();
        if (nt_rank_count(a) != nt_rank_count(b))
            abort();
        if (nt_rank_state_write(b, &img2, &len2, 0) != NT_OK)
            abort();
        if (len1 != len2 || memcmp(img1, img2, len1) != 0)
            abort();
    }
    nt_free(img1);
    nt_free(img2);
    nt_rank_destroy(a);
    nt_rank_destroy(b);
    return 0;
}
