/*
 * agent/wire/name.c - DNS names: validation and decompression of names in
 * messages (RFC 1035 §3.1, §4.1.4), presentation text (RFC 1035 §5.1),
 * comparison (RFC 4343, RFC 4034 §6.1).
 *
 * Octets are always handled as uint8_t and classified with explicit ranges:
 * labels carry UTF-8 (RFC 6763 §4.1.3), and ctype functions on plain char
 * would be undefined for them.
 */
#include <string.h>

#include "core/keyed_hash.h"
#include "wire_int.h"

void nt_dns_name_root(nt_dns_name *out)
{
    out->len = 1;
    out->labels = 0;
    out->wire[0] = 0;
}

/* ---- names inside messages ---------------------------------------------- */

nt_status nt_wire_name_walk(nt_buf *b, size_t msg_len, nt_dns_name *out)
{
    /* c.len is the current in-line limit: the window end at first, then
     * the offset of the pointer that jumped. Every byte is read with
     * nt_buf_peek_at against that limit. This is the parser's hot loop:
     * it keeps to inline cursor calls and offset arithmetic. */
    nt_buf c = *b;
    size_t pos = b->pos;
    size_t after = 0;        /* where b continues: set at the first pointer */
    size_t first_ptr = 0;    /* offset of the first pointer followed */
    bool jumped = false;
    unsigned chain = 0;
    size_t total = 1;        /* octets so far, counting the root */
    unsigned labels = 0;
    uint8_t len, lo;

    for (;;) {
        if (nt_buf_peek_at(&c, pos, &len) != NT_OK)
            /* After a jump the limit is the pointer that jumped: running
             * into it means the name would read itself again. */
            return jumped ? NT_ERR_DNS_PTR_LOOP : NT_ERR_DNS_NAME_NO_ROOT;
        if (len == 0) {
            pos++;
            break;
        }
        if (len <= NT_DNS_LABEL_MAX) {
            if (++labels > NT_DNS_LABELS_MAX)
                return NT_ERR_DNS_NAME_LABELS;
            total += (size_t)len + 1;
            if (total > NT_DNS_NAME_MAX)
                return NT_ERR_DNS_NAME_TOO_LONG;
            if (c.len - pos - 1 < len)
                return jumped ? NT_ERR_DNS_PTR_LOOP : NT_ERR_DNS_LABEL_OVERRUN;
            if (out) {
                nt_buf l = c;
                l.pos = pos;
                if (nt_buf_get_bytes(&l, out->wire + total - len - 2, (size_t)len + 1) != NT_OK)
                    return NT_ERR_DNS_LABEL_OVERRUN;
            }
            pos += (size_t)len + 1;
            continue;
        }
        if (len < 0xC0)
            /* 0x40 and 0x80: RFC 6891 §5 retired the extended label types;
             * RFC 2673 bit labels are historic. */
            return NT_ERR_DNS_LABEL_TYPE;
        {
            size_t t;
            if (nt_buf_peek_at(&c, pos + 1, &lo) != NT_OK)
                return jumped ? NT_ERR_DNS_PTR_LOOP : NT_ERR_DNS_LABEL_OVERRUN;
            t = ((size_t)(len & 0x3F) << 8) | lo;
            /* RFC 1035 §4.1.4 only says "prior occurrence"; pointing
             * strictly backwards, with each jump lowering the limit, is what
             * makes every chain finite (DESIGN §11). */
            if (t >= msg_len)
                return NT_ERR_DNS_PTR_PAST_END;
            if (t == pos)
                return NT_ERR_DNS_PTR_SELF;
            if (t > pos)
                return (jumped && t <= first_ptr) ? NT_ERR_DNS_PTR_LOOP : NT_ERR_DNS_PTR_FORWARD;
            if (t < NT_DNS_HEADER_LEN)
                return NT_ERR_DNS_PTR_HEADER;
            if (++chain > NT_DNS_PTR_CHAIN_MAX)
                return NT_ERR_DNS_PTR_CHAIN;
            if (!jumped) {
                after = pos + 2;
                first_ptr = pos;
                jumped = true;
            }
            c.len = pos;
            pos = t;
        }
    }
    if (out) {
        out->wire[total - 1] = 0;
        out->len = (uint16_t)total;
        out->labels = (uint8_t)labels;
    }
    return nt_buf_seek(b, jumped ? after : pos);
}

size_t nt_wire_name_get(const uint8_t *msg, size_t off, nt_dns_name *out)
{
    /* Trusted: the name passed nt_wire_name_walk, so every bound holds. */
    size_t pos = off, after = 0, n = 0;
    bool jumped = false;
    unsigned labels = 0;
    for (;;) {
        uint8_t len = msg[pos];
        if (len >= 0xC0) {
            if (!jumped)
                after = pos + 2;
            jumped = true;
            pos = ((size_t)(len & 0x3F) << 8) | msg[pos + 1];
            continue;
        }
        if (len == 0)
            break;
        if (out) {
            memcpy(out->wire + n, msg + pos, (size_t)len + 1);
        }
        n += (size_t)len + 1;
        pos += (size_t)len + 1;
        labels++;
    }
    if (out) {
        out->wire[n] = 0;
        out->len = (uint16_t)(n + 1);
        out->labels = (uint8_t)labels;
    }
    return jumped ? after : pos + 1;
}

nt_status nt_dns_name_parse(nt_buf *b, nt_dns_name *out)
{
    nt_dns_name tmp;
    nt_status st;
    if (!b)
        return NT_ERR_INVALID_ARG;
    st = nt_wire_name_walk(b, b->len, out ? &tmp : NULL);
    if (st == NT_OK && out)
        *out = tmp;
    return st;
}

nt_status nt_dns_name_from_wire(nt_dns_name *out, const uint8_t *data, size_t len)
{
    nt_buf b;
    nt_dns_name tmp;
    size_t total = 1;
    unsigned labels = 0;
    uint8_t l;

    if (!out || (!data && len))
        return NT_ERR_INVALID_ARG;
    nt_buf_init(&b, data, len);
    for (;;) {
        const uint8_t *p;
        if (nt_buf_get_u8(&b, &l) != NT_OK)
            return NT_ERR_DNS_NAME_NO_ROOT;
        if (l == 0)
            break;
        if (l & 0xC0)
            return NT_ERR_DNS_LABEL_TYPE; /* no pointers in uncompressed names */
        if (++labels > NT_DNS_LABELS_MAX)
            return NT_ERR_DNS_NAME_LABELS;
        total += (size_t)l + 1;
        if (total > NT_DNS_NAME_MAX)
            return NT_ERR_DNS_NAME_TOO_LONG;
        if (nt_buf_get_ptr(&b, &p, l) != NT_OK)
            return NT_ERR_DNS_LABEL_OVERRUN;
        tmp.wire[total - l - 2] = l;
        memcpy(tmp.wire + total - l - 1, p, l);
    }
    if (nt_buf_expect_end(&b) != NT_OK)
        return NT_ERR_DNS_TRAILING;
    tmp.wire[total - 1] = 0;
    tmp.len = (uint16_t)total;
    tmp.labels = (uint8_t)labels;
    *out = tmp;
    return NT_OK;
}

/* ---- presentation text (RFC 1035 §5.1) ------------------------------------ */

static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

nt_status nt_dns_name_from_text(nt_dns_name *out, const char *text, size_t len)
{
    nt_dns_name tmp;
    const uint8_t *s = (const uint8_t *)text;
    size_t i = 0, label_start = 0, n = 0; /* n: octets written to tmp.wire */
    size_t label_len = 0;
    unsigned labels = 0;

    if (!out || (!text && len))
        return NT_ERR_INVALID_ARG;
    /* "." alone (or nothing) is the root. */
    if (len == 0 || (len == 1 && s[0] == '.')) {
        nt_dns_name_root(out);
        return NT_OK;
    }
    label_start = 0;
    n = 1; /* wire[0] is the first label's length, filled at its end */
    while (i < len) {
        uint8_t c = s[i];
        if (c == 0)
            return NT_ERR_DNS_NAME_SYNTAX;
        if (c == '.') {
            if (label_len == 0)
                return NT_ERR_DNS_NAME_SYNTAX; /* empty label: "a..b" or ".a" */
            tmp.wire[label_start] = (uint8_t)label_len;
            i++;
            if (i == len)
                goto done; /* trailing dot: absolute, as every name is */
            label_start = n;
            label_len = 0;
            /* the length octet's room is checked with the label's first
             * octet below, so that wire[] is never written past its end */
            n++;
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= len)
                return NT_ERR_DNS_NAME_SYNTAX;
            if (is_digit(s[i + 1])) {
                unsigned v;
                if (i + 3 >= len || !is_digit(s[i + 2]) || !is_digit(s[i + 3]))
                    return NT_ERR_DNS_NAME_SYNTAX;
                v = (unsigned)(s[i + 1] - '0') * 100 + (unsigned)(s[i + 2] - '0') * 10 +
                    (unsigned)(s[i + 3] - '0');
                if (v > 255)
                    return NT_ERR_DNS_NAME_SYNTAX;
                c = (uint8_t)v;
                i += 4;
            } else {
                c = s[i + 1];
                if (c == 0)
                    return NT_ERR_DNS_NAME_SYNTAX;
                i += 2;
            }
        } else {
            i++;
        }
        if (label_len == NT_DNS_LABEL_MAX)
            return NT_ERR_DNS_LABEL_TOO_LONG;
        /* Count a label at its first octet, before the length check, so
         * that too many labels is reported as such. */
        if (label_len == 0 && ++labels > NT_DNS_LABELS_MAX)
            return NT_ERR_DNS_NAME_LABELS;
        /* room for this octet and the root label */
        if (n + 1 > NT_DNS_NAME_MAX - 1) {
            return NT_ERR_DNS_NAME_TOO_LONG;
        }
        tmp.wire[n++] = c;
        label_len++;
    }
    /* no trailing dot: close the last label */
    tmp.wire[label_start] = (uint8_t)label_len;
done:
    tmp.wire[n] = 0;
    tmp.len = (uint16_t)(n + 1);
    tmp.labels = (uint8_t)labels;
    *out = tmp;
    return NT_OK;
}

nt_status nt_dns_name_from_str(nt_dns_name *out, const char *text)
{
    if (!text)
        return NT_ERR_INVALID_ARG;
    return nt_dns_name_from_text(out, text, strlen(text));
}

nt_status nt_dns_name_to_text(const nt_dns_name *n, char *out, size_t cap, size_t *out_len)
{
    size_t pos = 0, o = 0;
    const uint8_t *label;
    size_t ll, i;

    if (!n || !out)
        return NT_ERR_INVALID_ARG;
    if (n->labels == 0) {
        if (cap < 2)
            return NT_ERR_NOSPACE;
        out[0] = '.';
        out[1] = 0;
        if (out_len)
            *out_len = 1;
        return NT_OK;
    }
    while (nt_dns_name_next_label(n, &pos, &label, &ll)) {
        for (i = 0; i < ll; i++) {
            uint8_t c = label[i];
            if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' ||
                c == '@' || c == '$') {
                if (cap - o < 3)
                    return NT_ERR_NOSPACE;
                out[o++] = '\\';
                out[o++] = (char)c;
            } else if (c >= 0x21 && c <= 0x7E && c != '#') {
                /* '#' goes as \035: trust files (agent/trust/store.c) write
                 * names through here and start comments with it; as a
                 * number it cannot be taken for one by any reader. */
                if (cap - o < 2)
                    return NT_ERR_NOSPACE;
                out[o++] = (char)c;
            } else {
                if (cap - o < 5)
                    return NT_ERR_NOSPACE;
                out[o++] = '\\';
                out[o++] = (char)('0' + c / 100);
                out[o++] = (char)('0' + (c / 10) % 10);
                out[o++] = (char)('0' + c % 10);
            }
        }
        if (cap - o < 2)
            return NT_ERR_NOSPACE;
        out[o++] = '.';
    }
    out[o] = 0;
    if (out_len)
        *out_len = o;
    return NT_OK;
}

/* ---- comparison and iteration --------------------------------------------- */

bool nt_dns_name_equal(const nt_dns_name *a, const nt_dns_name *b)
{
    size_t i, n = a->len;
    uint64_t x = 0, y = 0;
    if (n != b->len)
        return false;
    /* Eight bytes at a time, folded only where they differ. Length octets
     * are < 64 and never letters, so folding them is harmless. */
    for (i = 0; i + 8 <= n; i += 8) {
        memcpy(&x, a->wire + i, 8);
        memcpy(&y, b->wire + i, 8);
        if (x != y && nt_fold8_ascii(x) != nt_fold8_ascii(y))
            return false;
    }
    x = y = 0;
    if (i < n) {
        memcpy(&x, a->wire + i, n - i);
        memcpy(&y, b->wire + i, n - i);
    }
    return x == y || nt_fold8_ascii(x) == nt_fold8_ascii(y);
}

void nt_dns_name_lower(nt_dns_name *n)
{
    size_t i;
    for (i = 0; i < n->len; i++)
        n->wire[i] = nt_wire_lower(n->wire[i]);
}

bool nt_dns_name_next_label(const nt_dns_name *n, size_t *pos, const uint8_t **label,
                            size_t *label_len)
{
    size_t p = *pos;
    if (p >= n->len || n->wire[p] == 0)
        return false;
    *label = n->wire + p + 1;
    *label_len = n->wire[p];
    *pos = p + 1 + n->wire[p];
    return true;
}

/* Offsets of each label of n, for right-to-left walks. */
static unsigned label_offsets(const nt_dns_name *n, uint8_t offs[NT_DNS_LABELS_MAX])
{
    size_t p = 0;
    unsigned k = 0;
    while (p < n->len && n->wire[p] != 0 && k < NT_DNS_LABELS_MAX) {
        offs[k++] = (uint8_t)p;
        p += (size_t)n->wire[p] + 1;
    }
    return k;
}

int nt_dns_name_compare(const nt_dns_name *a, const nt_dns_name *b)
{
    uint8_t oa[NT_DNS_LABELS_MAX], ob[NT_DNS_LABELS_MAX];
    unsigned na = label_offsets(a, oa), nb = label_offsets(b, ob);
    /* RFC 4034 §6.1: compare from the most significant (rightmost) label;
     * each label as a lower-cased octet string, shorter first when a prefix. */
    while (na > 0 && nb > 0) {
        const uint8_t *la = a->wire + oa[na - 1], *lb = b->wire + ob[nb - 1];
        size_t i, m = la[0] < lb[0] ? la[0] : lb[0];
        for (i = 1; i <= m; i++) {
            uint8_t x = nt_wire_lower(la[i]), y = nt_wire_lower(lb[i]);
            if (x != y)
                return x < y ? -1 : 1;
        }
        if (la[0] != lb[0])
            return la[0] < lb[0] ? -1 : 1;
        na--;
        nb--;
    }
    if (na == nb)
        return 0;
    return na < nb ? -1 : 1;
}

nt_status nt_dns_name_prepend(nt_dns_name *out, const uint8_t *label, size_t len,
                              const nt_dns_name *parent)
{
    nt_dns_name tmp;
    if (!out || !parent || (!label && len))
        return NT_ERR_INVALID_ARG;
    if (len == 0)
        return NT_ERR_DNS_NAME_SYNTAX;
    if (len > NT_DNS_LABEL_MAX)
        return NT_ERR_DNS_LABEL_TOO_LONG;
    if (parent->labels + 1u > NT_DNS_LABELS_MAX)
        return NT_ERR_DNS_NAME_LABELS;
    if (parent->len + len + 1 > NT_DNS_NAME_MAX)
        return NT_ERR_DNS_NAME_TOO_LONG;
    tmp.wire[0] = (uint8_t)len;
    memcpy(tmp.wire + 1, label, len);
    memcpy(tmp.wire + 1 + len, parent->wire, parent->len);
    tmp.len = (uint16_t)(parent->len + len + 1);
    tmp.labels = (uint8_t)(parent->labels + 1);
    *out = tmp;
    return NT_OK;
}

bool nt_dns_name_is_subdomain(const nt_dns_name *n, const nt_dns_name *suffix)
{
    size_t pos = 0;
    unsigned skip, i;
    if (suffix->labels > n->labels)
        return false;
    skip = (unsigned)(n->labels - suffix->labels);
    for (i = 0; i < skip; i++)
        pos += (size_t)n->wire[pos] + 1;
    if (n->len - pos != suffix->len)
        return false;
    for (i = 0; i < suffix->len; i++)
        if (nt_wire_lower(n->wire[pos + i]) != nt_wire_lower(suffix->wire[i]))
            return false;
    return true;
}
