/* agent/conf: value checks shared by the INI and Avahi parsers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"
#include "nautilus/mem.h"

nt_status nt_conf_fail(nt_conf_error *err, unsigned line, nt_status st, const char *fmt, ...)
{
    va_list ap;
    if (!err || err->msg[0])
        return st; /* the first error is the one reported */
    err->line = line;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return st;
}

void nt_conf_error_format(char *out, size_t cap, const nt_conf_error *err)
{
    if (!out || cap == 0)
        return;
    if (err->line)
        snprintf(out, cap, "%s:%u: %s", err->file, err->line, err->msg);
    else
        snprintf(out, cap, "%s: %s", err->file, err->msg);
}

bool nt_conf_copy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

static bool is_alnum(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

bool nt_conf_type_ok(const char *t)
{
    const char *dot = strchr(t, '.');
    const char *p;
    size_t n;
    if (t[0] != '_' || !dot)
        return false;
    n = (size_t)(dot - t) - 1;
    if (n < 1 || n > 15 || t[1] == '-' || dot[-1] == '-')
        return false;
    for (p = t + 1; p < dot; p++)
        if (!is_alnum((unsigned char)*p) && *p != '-')
            return false;
    return strcmp(dot, "._tcp") == 0 || strcmp(dot, "._udp") == 0;
}

bool nt_conf_label_ok(const char *s)
{
    size_t n = strlen(s), i;
    if (n < 1 || n > 63)
        return false;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

bool nt_conf_dname_ok(const char *s)
{
    size_t n = strlen(s), label = 0, i;
    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n < 1 || n > 253)
        return false;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (!is_alnum(ch) && ch != '-' && ch != '_')
            return false;
        if (++label > 63)
            return false;
    }
    return label > 0;
}

bool nt_conf_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    const char *p = text;
    if (!*p)
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10u + (uint64_t)(*p - '0');
        if (v > max)
            return false;
    }
    if (v < min)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* True if the TXT RDATA already holds key (RFC 6763 §6.4: case-insensitive). */
static bool txt_has(const nt_conf_service *s, const char *key, size_t key_len)
{
    size_t pos = 0;
    while (pos < s->txt_len) {
        size_t n = s->txt[pos], k = 0;
        const char *str = (const char *)&s->txt[pos + 1];
        while (k < n && str[k] != '=')
            k++;
        if (k == key_len && strncasecmp(str, key, key_len) == 0)
            return true;
        pos += 1 + n;
    }
    return false;
}

bool nt_conf_txt_add(nt_conf_service *s, const char *key, size_t key_len, const uint8_t *val,
                     size_t val_len, bool has_value, char *why, size_t why_cap)
{
    size_t i, n = key_len + (has_value ? 1 + val_len : 0);
    if (key_len == 0) {
        snprintf(why, why_cap, "TXT entry with an empty key");
        return false;
    }
    for (i = 0; i < key_len; i++)
        if (key[i] < 0x20 || key[i] > 0x7e || key[i] == '=') {
            snprintf(why, why_cap, "TXT key must be printable ASCII without '='");
            return false;
        }
    if (n > 255) {
        snprintf(why, why_cap, "TXT entry of %zu bytes (at most 255)", n);
        return false;
    }
    if (txt_has(s, key, key_len)) {
        snprintf(why, why_cap, "TXT key '%.*s' given twice", (int)key_len, key);
        return false;
    }
    if (s->txt_len + 1 + n > sizeof s->txt) {
        snprintf(why, why_cap, "TXT record over %u bytes", NT_CONF_TXT_MAX);
        return false;
    }
    s->txt[s->txt_len++] = (uint8_t)n;
    memcpy(&s->txt[s->txt_len], key, key_len);
    s->txt_len += key_len;
    if (has_value) {
        s->txt[s->txt_len++] = '=';
        if (val_len)
            memcpy(&s->txt[s->txt_len], val, val_len);
        s->txt_len += val_len;
    }
    return true;
}

nt_conf_service *nt_conf_service_new(nt_conf *c, const char *file, unsigned line)
{
    nt_conf_service *s;
    if (c->n_services == NT_CONF_SERVICES_MAX)
        return NULL;
    s = &c->services[c->n_services++];
    memset(s, 0, sizeof *s);
    if (!nt_conf_copy(s->origin, sizeof s->origin, file))
        s->origin[0] = 0;
    s->line = line;
    return s;
}

nt_status nt_conf_read_file(nt_conf_error *err, const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    nt_status st = NT_OK;
    size_t n;

    *text = NULL;
    *len = 0;
    if (!f)
        return nt_conf_fail(err, 0, NT_ERR_IO, "cannot open: %s", strerror(errno));
    *text = nt_malloc(NT_CONF_FILE_MAX + 1);
    if (!*text) {
        fclose(f);
        return nt_conf_fail(err, 0, NT_ERR_NOMEM, "out of memory");
    }
    n = fread(*text, 1, NT_CONF_FILE_MAX + 1, f);
    if (ferror(f))
        st = nt_conf_fail(err, 0, NT_ERR_IO, "cannot read");
    else if (n > NT_CONF_FILE_MAX)
        st = nt_conf_fail(err, 0, NT_ERR_CAP, "larger than %u bytes", NT_CONF_FILE_MAX);
    fclose(f);
    if (st != NT_OK) {
        nt_free(*text);
        *text = NULL;
        return st;
    }
    (*text)[n] = '\0';
    *len = n;
    return NT_OK;
}
