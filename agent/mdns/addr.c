/* Address helpers of the mDNS engine: group addresses, text forms, TXT
 * iteration. Pure functions, no engine state. */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "nautilus/buf.h"
#include "nautilus/mdns.h"

void nt_mdns_addr_group(nt_mdns_family family, nt_mdns_addr *out)
{
    memset(out, 0, sizeof(*out));
    out->family = family;
    if (family == NT_MDNS_INET4) {
        /* 224.0.0.251, RFC 6762 §3 */
        out->bytes[0] = 224;
        out->bytes[3] = 251;
    } else {
        /* ff02::fb, RFC 6762 §3 */
        out->bytes[0] = 0xff;
        out->bytes[1] = 0x02;
        out->bytes[15] = 0xfb;
    }
}

nt_status nt_mdns_addr_parse(nt_mdns_addr *out, const char *text)
{
    char tmp[64];
    const char *pct;
    size_t n;
    unsigned long scope = 0;

    if (out == NULL || text == NULL)
        return NT_ERR_INVALID_ARG;
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, text, out->bytes) == 1) {
        out->family = NT_MDNS_INET4;
        return NT_OK;
    }
    pct = strchr(text, '%');
    n = pct != NULL ? (size_t)(pct - text) : strlen(text);
    if (n == 0 || n >= sizeof(tmp))
        return NT_ERR_INVALID_ARG;
    memcpy(tmp, text, n);
    tmp[n] = '\0';
    if (pct != NULL) {
        const char *p = pct + 1;
        if (*p == '\0')
            return NT_ERR_INVALID_ARG;
        for (; *p != '\0'; p++) {
            if (*p < '0' || *p > '9')
                return NT_ERR_INVALID_ARG;
            scope = scope * 10u + (unsigned long)(*p - '0');
            if (scope > 0xffffffffUL)
                return NT_ERR_INVALID_ARG;
        }
    }
    if (inet_pton(AF_INET6, tmp, out->bytes) != 1)
        return NT_ERR_INVALID_ARG;
    out->family = NT_MDNS_INET6;
    out->scope = (uint32_t)scope;
    return NT_OK;
}

nt_status nt_mdns_addr_format(char *out, size_t cap, const nt_mdns_addr *addr)
{
    char tmp[INET6_ADDRSTRLEN];
    int n;

    if (out == NULL || addr == NULL)
        return NT_ERR_INVALID_ARG;
    if (inet_ntop(addr->family == NT_MDNS_INET4 ? AF_INET : AF_INET6, addr->bytes, tmp,
                  sizeof(tmp)) == NULL)
        return NT_ERR_INVALID_ARG;
    if (addr->family == NT_MDNS_INET6 && addr->scope != 0)
        n = snprintf(out, cap, "%s%%%u", tmp, (unsigned)addr->scope);
    else
        n = snprintf(out, cap, "%s", tmp);
    if (n < 0 || (size_t)n >= cap)
        return NT_ERR_NOSPACE;
    return NT_OK;
}

nt_status nt_mdns_txt_next(const uint8_t *txt, size_t txt_len, size_t *pos, const char **key,
                           size_t *key_len, const uint8_t **value, size_t *value_len,
                           bool *has_value)
{
    nt_buf b;
    uint8_t slen;
    const uint8_t *s;
    size_t i;
    nt_status st;

    if (txt == NULL && txt_len != 0)
        return NT_ERR_INVALID_ARG;
    if (*pos > txt_len)
        return NT_ERR_INVALID_ARG;
    nt_buf_init(&b, txt, txt_len);
    /* Empty strings carry nothing (RFC 6763 §6.1: a lone zero byte is the
     * empty TXT record); skip them. */
    for (;;) {
        st = nt_buf_seek(&b, *pos);
        if (st != NT_OK)
            return st;
        if (nt_buf_left(&b) == 0)
            return NT_ERR_NOT_FOUND;
        if (nt_buf_get_u8(&b, &slen) != NT_OK)
            return NT_ERR_DNS_TXT_OVERRUN;
        if (nt_buf_get_ptr(&b, &s, slen) != NT_OK)
            return NT_ERR_DNS_TXT_OVERRUN;
        *pos = nt_buf_tell(&b);
        if (slen != 0)
            break;
    }
    for (i = 0; i < slen && s[i] != '='; i++)
        ;
    *key = (const char *)s;
    *key_len = i;
    if (i < slen) {
        *has_value = true;
        *value = s + i + 1;
        *value_len = (size_t)slen - i - 1;
    } else {
        *has_value = false;
        *value = NULL;
        *value_len = 0;
    }
    return NT_OK;
}
