/* Text and JSON forms of discovered services (svc_format.h). */
#include <stdio.h>
#include <string.h>

#include "mdns_runner.h"
#include "nautilus/net.h"
#include "nautilus/trust.h"
#include "svc_format.h"

/* Length of the valid UTF-8 sequence at s[0..left), 0 if invalid
 * (RFC 3629 §4: no overlongs, no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t left)
{
    size_t n, i;
    unsigned long cp;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        cp = s[0] & 0x1fu;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        cp = s[0] & 0x0fu;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0u) != 0x80u)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

nt_status nt_svc_json_str(nt_dynbuf *d, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n;
    nt_status st = nt_dynbuf_add_u8(d, '"');

    while (st == NT_OK && i < len) {
        unsigned char c = u[i];
        size_t run = 0;
        /* Printable ASCII that needs no escape: copied as one run. */
        while (i + run < len && u[i + run] >= 0x20 && u[i + run] < 0x7f && u[i + run] != '"' &&
               u[i + run] != '\\')
            run++;
        if (run) {
            st = nt_dynbuf_add(d, u + i, run);
            i += run;
        } else if (c == '"' || c == '\\') {
            st = nt_dynbuf_add_u8(d, '\\');
            if (st == NT_OK)
                st = nt_dynbuf_add_u8(d, c);
            i++;
        } else if (c == '\n') {
            st = nt_dynbuf_add_str(d, "\\n");
            i++;
        } else if (c == '\t') {
            st = nt_dynbuf_add_str(d, "\\t");
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            st = nt_dynbuf_addf(d, "\\u%04x", c);
            i++;
        } else if ((n = utf8_len(u + i, len - i)) == 0) {
            st = nt_dynbuf_addf(d, "\\u%04x", c);
            i++;
        } else {
            st = nt_dynbuf_add(d, u + i, n);
            i += n;
        }
    }
    if (st == NT_OK)
        st = nt_dynbuf_add_u8(d, '"');
    return st;
}

nt_status nt_svc_full_name(nt_dynbuf *d, const char *instance, const char *type,
                           const char *domain)
{
    nt_status st = NT_OK;
    const char *p;
    for (p = instance; *p && st == NT_OK; p++) {
        if (*p == '.' || *p == '\\')
            st = nt_dynbuf_add_u8(d, '\\');
        if (st == NT_OK)
            st = nt_dynbuf_add_u8(d, (uint8_t)*p);
    }
    if (st == NT_OK)
        /* The engine splits every owner name as instance.type.domain; for
         * an owner that is not a service instance (a host name in a
         * rejected A record: "victim" + "local") the parts run out early,
         * and the name is printed as it was, not with a "local" added. */
        st = nt_dynbuf_addf(d, "%s%s%s%s", type[0] ? "." : "", type, domain[0] ? "." : "",
                            domain);
    return st;
}

nt_status nt_svc_addr(nt_dynbuf *d, const nt_mdns_addr *a)
{
    nt_net_addr na;
    char text[NT_NET_ADDR_TEXT_MAX];
    nt_status st;
    nt_runner_addr_from_mdns(&na, a);
    st = nt_net_addr_format(text, sizeof text, &na);
    if (st != NT_OK)
        return st;
    return nt_dynbuf_add_str(d, text);
}

static nt_status json_txt(nt_dynbuf *d, const uint8_t *txt, size_t txt_len)
{
    size_t pos = 0;
    const char *key;
    size_t key_len, value_len;
    const uint8_t *value;
    bool has_value, first = true;
    nt_status st = nt_dynbuf_add_u8(d, '{');

    while (st == NT_OK) {
        nt_status it = nt_mdns_txt_next(txt, txt_len, &pos, &key, &key_len, &value, &value_len,
                                        &has_value);
        if (it != NT_OK)
            break; /* end, or a malformed tail: show what parsed */
        if (key_len == 0)
            continue; /* RFC 6763 §6.4: empty keys are ignored (incl. the lone empty string) */
        if (!first)
            st = nt_dynbuf_add_u8(d, ',');
        first = false;
        if (st == NT_OK)
            st = nt_svc_json_str(d, key, key_len);
        if (st == NT_OK)
            st = nt_dynbuf_add_u8(d, ':');
        /* A bare key is a boolean attribute that is present (§6.4). */
        if (st == NT_OK)
            st = has_value ? nt_svc_json_str(d, (const char *)value, value_len)
                           : nt_dynbuf_add_str(d, "true");
    }
    if (st == NT_OK)
        st = nt_dynbuf_add_u8(d, '}');
    return st;
}

nt_status nt_svc_json_field(nt_dynbuf *d, const char *key, const char *s, size_t len)
{
    nt_status st = nt_dynbuf_addf(d, ",\"%s\":", key);
    return st == NT_OK ? nt_svc_json_str(d, s, len) : st;
}

nt_status nt_svc_event_json(nt_dynbuf *d, const char *kind, const nt_mdns_event *ev,
                            const char *ifname, const char *key_hex)
{
    nt_dynbuf name;
    const char *domain = ev->domain[0] ? ev->domain : "local";
    size_t i;
    nt_status st;

    nt_dynbuf_init(&name, 2048);
    st = nt_svc_full_name(&name, ev->instance, ev->type, ev->domain);
    if (st == NT_OK)
        st = nt_dynbuf_addf(d, "{\"event\":\"%s\",\"name\":", kind);
    if (st == NT_OK)
        st = nt_svc_json_str(d, nt_dynbuf_str(&name), name.len);
    if (st == NT_OK)
        st = nt_svc_json_field(d, "instance", ev->instance, strlen(ev->instance));
    if (st == NT_OK)
        st = nt_svc_json_field(d, "type", ev->type, strlen(ev->type));
    if (st == NT_OK)
        st = nt_svc_json_field(d, "domain", domain, strlen(domain));
    if (st == NT_OK)
        st = nt_dynbuf_add_str(d, ",\"host\":");
    if (st == NT_OK)
        st = ev->have_srv ? nt_svc_json_str(d, ev->host, strlen(ev->host))
                          : nt_dynbuf_add_str(d, "null");
    if (st == NT_OK)
        st = ev->have_srv ? nt_dynbuf_addf(d, ",\"port\":%u", (unsigned)ev->port)
                          : nt_dynbuf_add_str(d, ",\"port\":null");
    if (st == NT_OK)
        st = nt_dynbuf_add_str(d, ",\"addresses\":[");
    for (i = 0; st == NT_OK && i < ev->addr_count && i < NT_MDNS_EVENT_ADDRS_MAX; i++) {
        if (i > 0)
            st = nt_dynbuf_add_u8(d, ',');
        if (st == NT_OK)
            st = nt_dynbuf_add_u8(d, '"');
        if (st == NT_OK)
            st = nt_svc_addr(d, &ev->addrs[i]);
        if (st == NT_OK)
            st = nt_dynbuf_add_u8(d, '"');
    }
    if (st == NT_OK)
        st = nt_dynbuf_add_str(d, "],\"txt\":");
    if (st == NT_OK)
        st = ev->have_txt ? json_txt(d, ev->txt, ev->txt_len) : nt_dynbuf_add_str(d, "{}");
    if (st == NT_OK)
        st = nt_svc_json_field(d, "interface", ifname, strlen(ifname));
    if (st == NT_OK)
        st = nt_dynbuf_addf(d, ",\"trust\":\"%s\",\"key\":", nt_trust_level_name(ev->trust));
    if (st == NT_OK)
        st = key_hex ? nt_dynbuf_addf(d, "\"%s\"", key_hex) : nt_dynbuf_add_str(d, "null");
    if (st == NT_OK)
        st = nt_dynbuf_add_str(d, ",\"reason\":");
    if (st == NT_OK)
        st = ev->reason[0] ? nt_svc_json_str(d, ev->reason, strnlen(ev->reason, sizeof ev->reason))
                           : nt_dynbuf_add_str(d, "null");
    if (st == NT_OK)
        st = nt_dynbuf_add_u8(d, '}');
    nt_dynbuf_cleanup(&name);
    return st;
}

nt_status nt_svc_txt_text(nt_dynbuf *d, const uint8_t *txt, size_t txt_len)
{
    nt_buf b;
    uint8_t slen;
    const uint8_t *s;
    bool first = true;
    nt_status st = nt_dynbuf_add_u8(d, '[');

    /* Each character-string as received (RFC 6763 §6.1), quoted. */
    nt_buf_init(&b, txt, txt_len);
    while (st == NT_OK && nt_buf_left(&b) > 0) {
        size_t i;
        if (nt_buf_get_u8(&b, &slen) != NT_OK || nt_buf_get_ptr(&b, &s, slen) != NT_OK)
            break;
        if (slen == 0)
            continue;
        if (!first)
            st = nt_dynbuf_add_u8(d, ' ');
        first = false;
        if (st == NT_OK)
            st = nt_dynbuf_add_u8(d, '"');
        for (i = 0; st == NT_OK && i < slen; i++) {
            if (s[i] == '"' || s[i] == '\\')
                st = nt_dynbuf_add_u8(d, '\\');
            if (st == NT_OK)
                st = (s[i] < 0x20 || s[i] == 0x7f) ? nt_dynbuf_addf(d, "\\%03o", s[i])
                                                   : nt_dynbuf_add_u8(d, s[i]);
        }
        if (st == NT_OK)
            st = nt_dynbuf_add_u8(d, '"');
    }
    if (st == NT_OK)
        st = nt_dynbuf_add_u8(d, ']');
    return st;
}
