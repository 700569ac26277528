/* 256-bit unsigned integers as EVM words (nautilus/ledger.h): conversions
 * to and from u64, decimal text and JSON-RPC QUANTITY text, and the little
 * arithmetic fee computations need. Public data only. */
#include <string.h>

#include "nautilus/codec.h"
#include "nautilus/ledger.h"

void nt_u256_from_u64(nt_u256 *out, uint64_t v)
{
    int i;
    memset(out->be, 0, sizeof out->be);
    for (i = 0; i < 8; i++)
        out->be[31 - i] = (uint8_t)(v >> (8 * i));
}

nt_status nt_u256_to_u64(uint64_t *out, const nt_u256 *v)
{
    uint64_t r = 0;
    int i;
    for (i = 0; i < 24; i++)
        if (v->be[i] != 0)
            return NT_ERR_RANGE;
    for (i = 24; i < 32; i++)
        r = (r << 8) | v->be[i];
    *out = r;
    return NT_OK;
}

int nt_u256_cmp(const nt_u256 *a, const nt_u256 *b)
{
    int c = memcmp(a->be, b->be, sizeof a->be);
    return (c > 0) - (c < 0);
}

bool nt_u256_is_zero(const nt_u256 *v)
{
    return nt_u256_min_len(v) == 0;
}

size_t nt_u256_min_len(const nt_u256 *v)
{
    size_t i = 0;
    while (i < 32 && v->be[i] == 0)
        i++;
    return 32 - i;
}

nt_status nt_u256_add(nt_u256 *out, const nt_u256 *a, const nt_u256 *b)
{
    nt_u256 r;
    unsigned carry = 0;
    int i;
    for (i = 31; i >= 0; i--) {
        unsigned s = (unsigned)a->be[i] + b->be[i] + carry;
        r.be[i] = (uint8_t)s;
        carry = s >> 8;
    }
    if (carry)
        return NT_ERR_RANGE;
    *out = r;
    return NT_OK;
}

/* r = a * m for a 32-bit m; false on overflow. */
static bool mul_u32(nt_u256 *r, const nt_u256 *a, uint32_t m)
{
    uint64_t carry = 0;
    int i;
    for (i = 31; i >= 0; i--) {
        uint64_t p = (uint64_t)a->be[i] * m + carry; /* < 2^40 + 2^33 */
        r->be[i] = (uint8_t)p;
        carry = p >> 8;
    }
    return carry == 0;
}

nt_status nt_u256_mul_u64(nt_u256 *out, const nt_u256 *a, uint64_t m)
{
    /* a * m = a * lo + (a * hi) << 32, with m = hi * 2^32 + lo. */
    nt_u256 lo, hi;
    int i;
    if (!mul_u32(&lo, a, (uint32_t)m) || !mul_u32(&hi, a, (uint32_t)(m >> 32)))
        return NT_ERR_RANGE;
    for (i = 0; i < 4; i++)
        if (hi.be[i] != 0)
            return NT_ERR_RANGE;
    memmove(hi.be, hi.be + 4, 28);
    memset(hi.be + 28, 0, 4);
    return nt_u256_add(out, &lo, &hi);
}

uint32_t nt_u256_div_u32(nt_u256 *out, const nt_u256 *a, uint32_t d)
{
    uint64_t rem = 0;
    int i;
    for (i = 0; i < 32; i++) {
        uint64_t cur = (rem << 8) | a->be[i]; /* rem < d < 2^32 */
        out->be[i] = (uint8_t)(cur / d);
        rem = cur % d;
    }
    return (uint32_t)rem;
}

nt_status nt_u256_from_dec(nt_u256 *out, const char *text, size_t len)
{
    nt_u256 r, digit;
    size_t i;
    if (len == 0 || (len > 1 && text[0] == '0'))
        return NT_ERR_INVALID_ARG;
    nt_u256_from_u64(&r, 0);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < '0' || c > '9')
            return NT_ERR_INVALID_ARG;
        nt_u256_from_u64(&digit, (uint64_t)(c - '0'));
        if (nt_u256_mul_u64(&r, &r, 10) != NT_OK || nt_u256_add(&r, &r, &digit) != NT_OK)
            return NT_ERR_RANGE;
    }
    *out = r;
    return NT_OK;
}

nt_status nt_u256_to_dec(char *out, size_t cap, const nt_u256 *v)
{
    char tmp[80];
    size_t n = 0, i;
    nt_u256 q = *v;
    if (cap < 79)
        return NT_ERR_NOSPACE;
    do {
        tmp[n++] = (char)('0' + nt_u256_div_u32(&q, &q, 10));
    } while (!nt_u256_is_zero(&q));
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
    return NT_OK;
}

nt_status nt_u256_from_quantity(nt_u256 *out, const char *text, size_t len)
{
    nt_u256 r;
    size_t i, digits;
    /* execution-apis: QUANTITY is "0x" + hex without leading zeros; "0x0" is zero. */
    if (len < 3 || text[0] != '0' || text[1] != 'x')
        return NT_ERR_INVALID_ARG;
    digits = len - 2;
    if (digits > 1 && text[2] == '0')
        return NT_ERR_INVALID_ARG;
    if (digits > 64)
        return NT_ERR_RANGE;
    memset(r.be, 0, sizeof r.be);
    for (i = 0; i < digits; i++) {
        int d = nt_hex_digit_value((unsigned char)text[len - 1 - i]);
        if (d < 0)
            return NT_ERR_INVALID_ARG;
        r.be[31 - i / 2] |= (uint8_t)(i % 2 ? d << 4 : d);
    }
    *out = r;
    return NT_OK;
}

nt_status nt_u256_to_quantity(char *out, size_t cap, const nt_u256 *v)
{
    static const char digits[] = "0123456789abcdef";
    size_t i = 0, o = 2;
    if (cap < 67)
        return NT_ERR_NOSPACE;
    out[0] = '0';
    out[1] = 'x';
    /* Skip leading zero nibbles, keeping at least one digit. */
    while (i < 63 && ((v->be[i / 2] >> (i % 2 ? 0 : 4)) & 15) == 0)
        i++;
    for (; i < 64; i++)
        out[o++] = digits[(v->be[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[o] = 0;
    return NT_OK;
}
