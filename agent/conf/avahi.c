/* agent/conf: Avahi static service files (avahi.service(5)), read with
 * expat, so that an /etc/avahi/services directory carries over as it is.
 *
 * What is accepted is what avahi-daemon's service file grammar accepts
 * (its avahi-service.dtd): <service-group> holding one <name
 * replace-wildcards="yes|no"> and one or more <service protocol="ipv4|ipv6|
 * any">, each with <type>, <subtype>*, <domain-name>?, <host-name>?,
 * <port> and <txt-record value-format="text|binary-hex|binary-base64">*.
 * Anything else is refused with the line it is on. Entity declarations are
 * refused outright (no entity expansion from a file we did not write), and
 * the external DTD named by the DOCTYPE is never loaded. */
#include <dirent.h>
#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"
#include "nautilus/codec.h"
#include "core/lazy.h"
#include "nautilus/mem.h"

#define TEXT_MAX 1024u

enum state { ST_ROOT, ST_GROUP, ST_NAME, ST_SERVICE, ST_LEAF, ST_END };
enum txt_format { FMT_TEXT, FMT_HEX, FMT_BASE64 };

typedef struct ax {
    nt_conf *c;
    nt_conf_error *err;
    const char *file;
    const char *host;
    XML_Parser p;
    nt_status st;
    enum state state;
    char leaf[16];             /* element name in ST_LEAF */
    enum txt_format fmt;
    char text[TEXT_MAX + 1];   /* character data of the current leaf */
    size_t text_len;
    char name[TEXT_MAX + 1];   /* <name> */
    bool have_name, wildcards;
    unsigned name_line;
    size_t first;              /* index of the group's first service in c */
    nt_conf_service *svc;      /* the open <service> */
    bool have_type, have_port, have_domain, have_host;
    char subs[NT_CONF_SUBTYPES_MAX][NT_CONF_NAME_MAX]; /* full subtype names */
    unsigned sub_lines[NT_CONF_SUBTYPES_MAX];
} ax;

static unsigned line_of(const ax *a)
{
    return (unsigned)XML_GetCurrentLineNumber(a->p);
}

static void fail(ax *a, nt_status st, const char *fmt, ...) NT_PRINTF(3, 4);
static void fail(ax *a, nt_status st, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    a->st = nt_conf_fail(a->err, line_of(a), st, "%s", msg);
    XML_StopParser(a->p, XML_FALSE);
}

/* Checks that attrs hold at most the one attribute allowed (allowed NULL:
 * none) and returns its value (NULL if absent). */
static const char *only_attr(ax *a, const char *el, const char **attrs, const char *allowed)
{
    const char *val = NULL;
    size_t i;
    for (i = 0; attrs[i]; i += 2) {
        if (!allowed || strcmp(attrs[i], allowed) != 0) {
            char what[120];
            snprintf(what, sizeof what, "<%s> has no attribute '%.60s'", el, attrs[i]);
            fail(a, NT_ERR_CONF_UNKNOWN, "%s", what);
            return NULL;
        }
        val = attrs[i + 1];
    }
    return val;
}

static void open_service(ax *a, const char **attrs)
{
    const char *proto = only_attr(a, "service", attrs, "protocol");
    if (a->st != NT_OK)
        return;
    a->svc = nt_conf_service_new(a->c, a->file, line_of(a));
    if (!a->svc) {
        fail(a, NT_ERR_CAP, "more than %s services", "64");
        return;
    }
    a->have_type = a->have_port = a->have_domain = a->have_host = false;
    if (!proto || strcmp(proto, "any") == 0)
        a->svc->family = NT_CONF_ANY;
    else if (strcmp(proto, "ipv4") == 0)
        a->svc->family = NT_CONF_IPV4;
    else if (strcmp(proto, "ipv6") == 0)
        a->svc->family = NT_CONF_IPV6;
    else
        fail(a, NT_ERR_CONF_VALUE, "protocol must be ipv4, ipv6 or any, not '%.40s'", proto);
    a->state = ST_SERVICE;
}

static bool is_leaf(const char *el)
{
    static const char *leaves[] = {"type", "subtype", "domain-name", "host-name", "port",
                                   "txt-record"};
    size_t i;
    for (i = 0; i < sizeof leaves / sizeof leaves[0]; i++)
        if (strcmp(el, leaves[i]) == 0)
            return true;
    return false;
}

static void open_leaf(ax *a, const char *el, const char **attrs)
{
    const char *fmt = only_attr(a, el, attrs, strcmp(el, "txt-record") == 0 ? "value-format"
                                                                            : NULL);
    if (a->st != NT_OK)
        return;
    a->fmt = FMT_TEXT;
    if (fmt && strcmp(fmt, "binary-hex") == 0)
        a->fmt = FMT_HEX;
    else if (fmt && strcmp(fmt, "binary-base64") == 0)
        a->fmt = FMT_BASE64;
    else if (fmt && strcmp(fmt, "text") != 0) {
        fail(a, NT_ERR_CONF_VALUE,
             "value-format must be text, binary-hex or binary-base64, not '%.40s'", fmt);
        return;
    }
    memcpy(a->leaf, el, strlen(el) + 1);
    a->text_len = 0;
    a->state = ST_LEAF;
}

static void XMLCALL on_start(void *ud, const XML_Char *el, const XML_Char **attrs)
{
    ax *a = ud;
    if (a->state == ST_ROOT && strcmp(el, "service-group") == 0) {
        (void)only_attr(a, el, attrs, NULL);
        if (a->st == NT_OK) {
            a->state = ST_GROUP;
            a->first = a->c->n_services;
        }
    } else if (a->state == ST_GROUP && strcmp(el, "name") == 0) {
        const char *w = only_attr(a, el, attrs, "replace-wildcards");
        if (a->st != NT_OK)
            return;
        if (a->have_name)
            {
            fail(a, NT_ERR_CONF_DUPLICATE, "<%s> given twice", "name");
            return;
        }
        if (w && strcmp(w, "yes") != 0 && strcmp(w, "no") != 0)
            {
            fail(a, NT_ERR_CONF_VALUE, "replace-wildcards must be yes or no, not '%.40s'", w);
            return;
        }
        a->wildcards = w && strcmp(w, "yes") == 0;
        a->name_line = line_of(a);
        a->text_len = 0;
        a->state = ST_NAME;
    } else if (a->state == ST_GROUP && strcmp(el, "service") == 0) {
        open_service(a, attrs);
    } else if (a->state == ST_SERVICE && is_leaf(el)) {
        open_leaf(a, el, attrs);
    } else {
        char what[120];
        snprintf(what, sizeof what, "unexpected element <%.60s>", el);
        fail(a, NT_ERR_CONF_UNKNOWN, "%s", what);
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    ax *a = ud;
    int i;
    if (a->st != NT_OK)
        return;
    if (a->state == ST_LEAF || a->state == ST_NAME) {
        if ((size_t)len > TEXT_MAX - a->text_len)
            {
            fail(a, NT_ERR_CONF_VALUE, "text of an element longer than %s bytes", "1024");
            return;
        }
        memcpy(a->text + a->text_len, s, (size_t)len);
        a->text_len += (size_t)len;
        return;
    }
    for (i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            {
            fail(a, NT_ERR_CONF_SYNTAX, "text outside an element%s", "");
            return;
        }
}

/* The leaf's text with surrounding blanks removed (for names and numbers). */
static const char *trimmed(ax *a)
{
    char *p = a->text, *e = a->text + a->text_len;
    while (p < e && strchr(" \t\r\n", *p))
        p++;
    while (e > p && strchr(" \t\r\n", e[-1]))
        e--;
    *e = 0;
    return p;
}

/* <txt-record>: "key=value" verbatim, or with the value in hex or base64. */
static void close_txt(ax *a)
{
    uint8_t val[TEXT_MAX];
    char why[160];
    const char *eq;
    size_t key_len, val_len = 0;
    nt_status st = NT_OK;

    a->text[a->text_len] = 0;
    if (memchr(a->text, 0, a->text_len)) {
        fail(a, NT_ERR_CONF_VALUE, "NUL in a txt-record%s", "");
        return;
    }
    eq = memchr(a->text, '=', a->text_len);
    key_len = eq ? (size_t)(eq - a->text) : a->text_len;
    if (eq) {
        const char *v = eq + 1;
        size_t n = a->text_len - key_len - 1;
        if (a->fmt == FMT_TEXT) {
            memcpy(val, v, n);
            val_len = n;
        } else if (a->fmt == FMT_HEX) {
            st = nt_hex_decode(val, sizeof val, &val_len, v, n);
        } else {
            st = nt_base64_decode(val, sizeof val, &val_len, v, n);
        }
        if (st != NT_OK) {
            fail(a, NT_ERR_CONF_VALUE, "txt-record value is not valid %s",
                 a->fmt == FMT_HEX ? "hex" : "base64");
            return;
        }
    }
    if (!nt_conf_txt_add(a->svc, a->text, key_len, val, val_len, eq != NULL, why, sizeof why))
        fail(a, strstr(why, "twice") ? NT_ERR_CONF_DUPLICATE : NT_ERR_CONF_VALUE, "%s", why);
}

/* Sets a single-valued leaf (type, domain-name, host-name, port). */
static void close_single(ax *a, bool *have, const char *v)
{
    uint32_t port;
    bool ok;
    if (*have) {
        fail(a, NT_ERR_CONF_DUPLICATE, "<%s> given twice in one <service>", a->leaf);
        return;
    }
    *have = true;
    if (strcmp(a->leaf, "type") == 0)
        ok = nt_conf_type_ok(v) && nt_conf_copy(a->svc->type, sizeof a->svc->type, v);
    else if (strcmp(a->leaf, "port") == 0) {
        ok = nt_conf_u32(v, 0, 65535, &port);
        a->svc->port = (uint16_t)port;
    } else if (strcmp(a->leaf, "domain-name") == 0)
        ok = nt_conf_dname_ok(v) && nt_conf_copy(a->svc->domain, sizeof a->svc->domain, v);
    else
        ok = nt_conf_dname_ok(v) && nt_conf_copy(a->svc->host, sizeof a->svc->host, v);
    if (!ok) {
        char what[200];
        snprintf(what, sizeof what, "bad <%s> '%.100s'", a->leaf, v);
        fail(a, NT_ERR_CONF_VALUE, "%s", what);
    }
}

static void close_leaf(ax *a)
{
    const char *v;
    if (strcmp(a->leaf, "txt-record") == 0) {
        close_txt(a);
        return;
    }
    v = trimmed(a);
    if (strcmp(a->leaf, "subtype") == 0) {
        size_t n = a->svc->n_subtypes;
        if (n == NT_CONF_SUBTYPES_MAX || !nt_conf_copy(a->subs[n], sizeof a->subs[n], v)) {
            fail(a, NT_ERR_CAP, "more than 8 subtypes, or one too long%s", "");
            return;
        }
        a->sub_lines[n] = line_of(a);
        a->svc->n_subtypes++;
        return;
    }
    close_single(a, strcmp(a->leaf, "type") == 0          ? &a->have_type
                    : strcmp(a->leaf, "port") == 0        ? &a->have_port
                    : strcmp(a->leaf, "domain-name") == 0 ? &a->have_domain
                                                          : &a->have_host,
                 v);
}

static void fail_at(ax *a, unsigned line, nt_status st, const char *msg)
{
    a->st = nt_conf_fail(a->err, line, st, "%s", msg);
    XML_StopParser(a->p, XML_FALSE);
}

/* </service>: type and port given; subtypes "_x._sub.<type>" (RFC 6763
 * §7.1) kept as their first label. */
static void close_service(ax *a)
{
    nt_conf_service *s = a->svc;
    char msg[200];
    size_t i;

    if (!a->have_type || !a->have_port) {
        fail_at(a, s->line, NT_ERR_CONF_MISSING,
                !a->have_type ? "<service> without <type>" : "<service> without <port>");
        return;
    }
    for (i = 0; i < s->n_subtypes; i++) {
        const char *sub = strstr(a->subs[i], "._sub.");
        size_t n = sub ? (size_t)(sub - a->subs[i]) : 0;
        /* One label: "_a.b._sub.<type>" would be published as two labels. */
        if (!sub || n == 0 || n > 63 || strcasecmp(sub + 6, s->type) != 0 ||
            a->subs[i][0] != '_' || memchr(a->subs[i], '.', n) != NULL) {
            snprintf(msg, sizeof msg, "subtype '%.100s' is not _NAME._sub.%s", a->subs[i],
                     s->type);
            fail_at(a, a->sub_lines[i], NT_ERR_CONF_VALUE, msg);
            return;
        }
        memcpy(s->subtypes[i], a->subs[i], n);
        s->subtypes[i][n] = 0;
    }
    a->svc = NULL;
    a->state = ST_GROUP;
}

/* The group's name, with %h replaced when replace-wildcards="yes". */
static bool expand_name(ax *a, char *out, size_t cap)
{
    const char *p = a->name;
    size_t n = 0, hl = strlen(a->host);
    while (*p) {
        if (a->wildcards && p[0] == '%' && p[1] == 'h') {
            if (n + hl >= cap)
                return false;
            memcpy(out + n, a->host, hl);
            n += hl;
            p += 2;
            continue;
        }
        if (n + 1 >= cap)
            return false;
        out[n++] = *p++;
    }
    out[n] = 0;
    return true;
}

static void close_group(ax *a)
{
    char name[NT_CONF_LABEL_MAX];
    size_t i;
    if (!a->have_name) {
        fail(a, NT_ERR_CONF_MISSING, "<service-group> without <name>%s", "");
        return;
    }
    if (a->c->n_services == a->first) {
        fail(a, NT_ERR_CONF_MISSING, "<service-group> without <service>%s", "");
        return;
    }
    if (!expand_name(a, name, sizeof name) || !nt_conf_label_ok(name)) {
        fail_at(a, a->name_line, NT_ERR_CONF_VALUE,
                "<name> must be 1..63 bytes without control characters");
        return;
    }
    for (i = a->first; i < a->c->n_services; i++)
        memcpy(a->c->services[i].instance, name, strlen(name) + 1);
    a->state = ST_END;
}

static void XMLCALL on_end(void *ud, const XML_Char *el)
{
    ax *a = ud;
    (void)el; /* expat has checked that tags match */
    if (a->st != NT_OK)
        return;
    if (a->state == ST_LEAF) {
        close_leaf(a);
        if (a->st == NT_OK)
            a->state = ST_SERVICE;
    } else if (a->state == ST_NAME) {
        if (memchr(a->text, 0, a->text_len)) {
            fail(a, NT_ERR_CONF_VALUE, "NUL in <name>%s", "");
            return;
        }
        a->text[a->text_len] = 0;
        memcpy(a->name, a->text, a->text_len + 1);
        a->have_name = true;
        a->state = ST_GROUP;
    } else if (a->state == ST_SERVICE) {
        close_service(a);
    } else if (a->state == ST_GROUP) {
        close_group(a);
    }
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *v,
                              int v_len, const XML_Char *base, const XML_Char *sys,
                              const XML_Char *pub, const XML_Char *notation)
{
    ax *a = ud;
    (void)is_param, (void)v, (void)v_len, (void)base, (void)sys, (void)pub, (void)notation;
    fail(a, NT_ERR_CONF_XML, "entity declarations are not accepted ('%.60s')", name);
}

static nt_status run_expat(ax *a, const char *text, size_t len)
{
    enum XML_Status xs;
    if (nt_lazy_ready(&nt_lazy_expat) != NT_OK) /* opened on first use */
        return nt_conf_fail(a->err, 0, NT_ERR_LIB_LOAD, "%s", nt_lazy_expat.error);
    a->p = XML_ParserCreate("UTF-8");
    if (!a->p)
        return nt_conf_fail(a->err, 0, NT_ERR_NOMEM, "out of memory");
    XML_SetUserData(a->p, a);
    XML_SetElementHandler(a->p, on_start, on_end);
    XML_SetCharacterDataHandler(a->p, on_text);
    XML_SetEntityDeclHandler(a->p, on_entity);
    /* Never fetch the DTD or any external entity. */
    (void)XML_SetParamEntityParsing(a->p, XML_PARAM_ENTITY_PARSING_NEVER);
    xs = XML_Parse(a->p, text, (int)len, XML_TRUE);
    if (xs != XML_STATUS_OK && a->st == NT_OK)
        a->st = nt_conf_fail(a->err, line_of(a), NT_ERR_CONF_XML, "%s",
                             XML_ErrorString(XML_GetErrorCode(a->p)));
    if (a->st == NT_OK && a->state != ST_END)
        a->st = nt_conf_fail(a->err, line_of(a), NT_ERR_CONF_MISSING, "no <service-group>");
    XML_ParserFree(a->p);
    return a->st;
}

nt_status nt_conf_avahi_parse(nt_conf *c, nt_conf_error *err, const char *file, const char *text,
                              size_t len, const char *host_label)
{
    ax *a;
    size_t before;
    nt_status st;

    if (!c || !err || !file || !host_label || (!text && len))
        return NT_ERR_INVALID_ARG;
    memset(err, 0, sizeof *err);
    if (!nt_conf_copy(err->file, sizeof err->file, file))
        memcpy(err->file, "(service file)", 15);
    if (len > NT_CONF_FILE_MAX)
        return nt_conf_fail(err, 0, NT_ERR_CAP, "larger than %u bytes", NT_CONF_FILE_MAX);
    a = nt_calloc(1, sizeof *a);
    if (!a)
        return nt_conf_fail(err, 0, NT_ERR_NOMEM, "out of memory");
    a->c = c;
    a->err = err;
    a->file = file;
    a->host = host_label;
    before = c->n_services;
    st = run_expat(a, text ? text : "", len);
    if (st != NT_OK)
        c->n_services = before; /* nothing half-added */
    nt_free(a);
    return st;
}

static int cmp_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool is_service_file(const char *n)
{
    size_t len = strlen(n);
    return n[0] != '.' && len > 8 && strcmp(n + len - 8, ".service") == 0;
}

/* Lists the *.service names of dir, sorted, into names (nt_malloc'ed). */
static nt_status list_dir(nt_conf_error *err, const char *dir, char **names, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    *n = 0;
    if (!d)
        return nt_conf_fail(err, 0, NT_ERR_IO, "cannot open directory: %s", strerror(errno));
    while ((e = readdir(d)) != NULL) {
        if (!is_service_file(e->d_name))
            continue;
        if (*n == NT_CONF_SERVICE_FILES_MAX) {
            closedir(d);
            return nt_conf_fail(err, 0, NT_ERR_CAP, "more than %u .service files",
                                NT_CONF_SERVICE_FILES_MAX);
        }
        names[*n] = nt_malloc(strlen(e->d_name) + 1);
        if (!names[*n]) {
            closedir(d);
            return nt_conf_fail(err, 0, NT_ERR_NOMEM, "out of memory");
        }
        memcpy(names[*n], e->d_name, strlen(e->d_name) + 1);
        (*n)++;
    }
    closedir(d);
    qsort(names, *n, sizeof names[0], cmp_names);
    return NT_OK;
}

static nt_status load_one(nt_conf *c, nt_conf_error *err, const char *path, const char *host)
{
    char *text;
    size_t n;
    nt_status st = nt_conf_read_file(err, path, &text, &n);
    if (st != NT_OK)
        return st;
    st = nt_conf_avahi_parse(c, err, path, text, n, host);
    nt_free(text);
    return st;
}

nt_status nt_conf_avahi_load_dir(nt_conf *c, nt_conf_error *err, const char *dir,
                                 const char *host_label)
{
    char *names[NT_CONF_SERVICE_FILES_MAX];
    char path[NT_CONF_PATH_MAX];
    size_t n = 0, i;
    nt_status st;

    if (!c || !err || !dir || !host_label)
        return NT_ERR_INVALID_ARG;
    memset(err, 0, sizeof *err);
    if (!nt_conf_copy(err->file, sizeof err->file, dir))
        memcpy(err->file, "(services directory)", 21);
    st = list_dir(err, dir, names, &n);
    for (i = 0; st == NT_OK && i < n; i++) {
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= sizeof path) {
            memset(err, 0, sizeof *err);
            snprintf(err->file, sizeof err->file, "%s", dir);
            st = nt_conf_fail(err, 0, NT_ERR_CAP, "path too long");
            break;
        }
        memset(err, 0, sizeof *err);
        snprintf(err->file, sizeof err->file, "%s", path);
        st = load_one(c, err, path, host_label);
    }
    for (i = 0; i < n; i++)
        nt_free(names[i]);
    return st;
}
