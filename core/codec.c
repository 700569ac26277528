/* Strict hex and base64 codecs (nautilus/codec.h). */
#include <string.h>

#include "nautilus/codec.h"

static const char hex_digits[] = "0123456789abcdef";

nt_status nt_hex_encode(char *out, size_t out_cap, const uint8_t *data, size_t n)
{
    size_t i;
    if (n > (out_cap - (out_cap > 0)) / 2 || out_cap == 0)
        return NT_ERR_NOSPACE;
    for (i = 0; i < n; i++) {
        out[2 * i] = hex_digits[data[i] >> 4];
        out[2 * i + 1] = hex_digits[data[i] & 15];
    }
    out[2 * n] = 0;
    return NT_OK;
}

/* Works on unsigned char, no ctype (codec.h). */
int nt_hex_digit_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

nt_status nt_hex_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *text,
                        size_t text_len)
{
    size_t i, n;
    if (text_len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text += 2;
        text_len -= 2;
    }
    if (text_len % 2)
        return NT_ERR_HEX;
    n = text_len / 2;
    for (i = 0; i < n; i++) {
        int hi = nt_hex_digit_value((unsigned char)text[2 * i]);
        int lo = nt_hex_digit_value((unsigned char)text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return NT_ERR_HEX;
    }
    if (n > out_cap)
        return NT_ERR_NOSPACE;
    for (i = 0; i < n; i++)
        out[i] = (uint8_t)((nt_hex_digit_value((unsigned char)text[2 * i]) << 4) |
                           nt_hex_digit_value((unsigned char)text[2 * i + 1]));
    *out_len = n;
    return NT_OK;
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

nt_status nt_base64_encode(char *out, size_t out_cap, const uint8_t *data, size_t n)
{
    size_t i, o = 0;
    if (n > ((size_t)-1 - 2) / 4 * 3 - 3 || out_cap < nt_base64_encoded_len(n) + 1)
        return NT_ERR_NOSPACE;
    for (i = 0; i + 3 <= n; i += 3) {
        uint32_t v = ((uint32_t)data[i] << 16) | ((uint32_t)data[i + 1] << 8) | data[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = b64_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)data[i] << 16;
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = ((uint32_t)data[i] << 16) | ((uint32_t)data[i + 1] << 8);
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = 0;
    return NT_OK;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

nt_status nt_base64_decode(uint8_t *out, size_t out_cap, size_t *out_len, const char *text,
                           size_t text_len)
{
    size_t i, o = 0, pad = 0, n;
    if (text_len % 4)
        return NT_ERR_BASE64;
    if (text_len >= 1 && text[text_len - 1] == '=')
        pad++;
    if (text_len >= 2 && text[text_len - 2] == '=')
        pad++;
    n = text_len / 4 * 3 - pad;
    for (i = 0; i < text_len - pad; i++)
        if (b64_value((unsigned char)text[i]) < 0)
            return NT_ERR_BASE64;
    if (n > out_cap)
        return NT_ERR_NOSPACE;
    for (i = 0; i < text_len; i += 4) {
        int last = (i + 4 == text_len);
        size_t q = last ? 4 - pad : 4;
        uint32_t v = 0;
        size_t k;
        for (k = 0; k < 4; k++)
            v = (v << 6) | (uint32_t)(k < q ? b64_value((unsigned char)text[i + k]) : 0);
        out[o++] = (uint8_t)(v >> 16);
        if (q > 2)
            out[o++] = (uint8_t)(v >> 8);
        if (q > 3)
            out[o++] = (uint8_t)v;
        /* Canonical form: bits below the last full byte must be zero. */
        if (q == 2 && (v & 0xffff))
            return NT_ERR_BASE64;
        if (q == 3 && (v & 0xff))
            return NT_ERR_BASE64;
    }
    *out_len = n;
    return NT_OK;
}
