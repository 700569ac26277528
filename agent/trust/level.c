/* Trust level names and the validity window (DESIGN §1, §2). */
#include <string.h>

#include "nautilus/trust.h"

static const char *const level_names[] = {"unsigned", "self-signed", "trusted", "anchored",
                                          "zk-verified"};

const char *nt_trust_level_name(nt_trust_level level)
{
    if ((unsigned)level < sizeof level_names / sizeof level_names[0])
        return level_names[level];
    return "unknown";
}

nt_status nt_trust_level_parse(const char *text, nt_trust_level *out)
{
    unsigned i;
    for (i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
        if (strcmp(text, level_names[i]) == 0) {
            *out = (nt_trust_level)i;
            return NT_OK;
        }
    }
    return NT_ERR_INVALID_ARG;
}

uint32_t nt_trust_skew(uint32_t inception, uint32_t expiration)
{
    /* DESIGN §2: 10 % of the lifetime, clamped to [1 h, 24 h]. */
    uint32_t lifetime = expiration - inception;
    uint32_t skew = lifetime / 10;
    if (skew < 3600)
        skew = 3600;
    if (skew > 86400)
        skew = 86400;
    return skew;
}

bool nt_trust_time_before(uint32_t a, uint32_t b)
{
    /* RFC 1982 serial arithmetic, as RFC 4034 §3.1.5 requires for RRSIG
     * times: a < b when b - a, taken modulo 2^32, is in (0, 2^31). */
    uint32_t d = b - a;
    return d != 0 && d < 0x80000000u;
}
