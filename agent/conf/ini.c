/* agent/conf: the INI file (nautilus.conf(5)), read with inih.
 *
 * inih splits lines into section, key and value and strips comments; what
 * it does not do strictly is done in a first pass over the text (prescan):
 * it refuses NUL bytes, lines longer than inih's buffer (it would split
 * them silently), lines that are neither blank, comment, [section] nor
 * KEY = VALUE, unknown and repeated sections, and it strips indentation
 * (inih would take an indented line as the continuation of the previous
 * value). Section headers are rewritten to their index ("[3]"), so inih's
 * 50-byte section buffer never cuts an instance name. Line numbers stay
 * those of the file. */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"
#include "core/lazy.h"
#include "nautilus/mem.h"

#define SECTIONS_MAX (16u + NT_CONF_SERVICES_MAX)

typedef struct sect {
    char name[16];        /* "agent", ..., "service" */
    nt_conf_service *svc; /* [service NAME] */
    unsigned line;
    uint64_t seen;        /* keys given (duplicates) */
} sect;

typedef struct parse_ctx {
    nt_conf *c;
    nt_conf_error *err;
    const char *file;
    sect sects[SECTIONS_MAX];
    size_t n_sects;
    nt_status st;
    char why[200];
} parse_ctx;

static const char *skip_blank(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static const char *trim_end(const char *start, const char *end)
{
    while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return end;
}

/* [service NAME]: a new service slot; NAME unique (case-insensitive, as
 * DNS compares names). */
static nt_status open_service(parse_ctx *x, sect *s, const char *name, unsigned line)
{
    size_t i;
    if (!nt_conf_label_ok(name))
        return nt_conf_fail(x->err, line, NT_ERR_CONF_VALUE,
                            "service name must be 1..63 bytes without control characters");
    for (i = 0; i < x->n_sects; i++)
        if (x->sects[i].svc && strcasecmp(x->sects[i].svc->instance, name) == 0)
            return nt_conf_fail(x->err, line, NT_ERR_CONF_DUPLICATE,
                                "[service %s] given twice (first at line %u)", name,
                                x->sects[i].line);
    s->svc = nt_conf_service_new(x->c, x->file, line);
    if (!s->svc)
        return nt_conf_fail(x->err, line, NT_ERR_CAP, "more than %u services",
                            NT_CONF_SERVICES_MAX);
    memcpy(s->svc->instance, name, strlen(name) + 1);
    strcpy(s->name, "service");
    return NT_OK;
}

/* Checks a section header "[...]" (p..end, trimmed) and records it. */
static nt_status header(parse_ctx *x, const char *p, const char *end, unsigned line)
{
    char name[NT_CONF_LINE_MAX + 1];
    const char *in = skip_blank(p + 1, end - 1), *in_end = trim_end(in, end - 1);
    sect *s;
    size_t i, n = (size_t)(in_end - in);

    if (end - p < 2 || end[-1] != ']')
        return nt_conf_fail(x->err, line, NT_ERR_CONF_SYNTAX, "section header without ']'");
    if (x->n_sects == SECTIONS_MAX)
        return nt_conf_fail(x->err, line, NT_ERR_CAP, "more than %u sections", SECTIONS_MAX);
    memcpy(name, in, n);
    name[n] = 0;
    s = &x->sects[x->n_sects];
    memset(s, 0, sizeof *s);
    s->line = line;
    if (strncmp(name, "service", 7) == 0 && (name[7] == ' ' || name[7] == '\t')) {
        nt_status st = open_service(x, s, skip_blank(name + 7, name + n), line);
        if (st != NT_OK)
            return st;
    } else {
        if (strcmp(name, "service") == 0)
            return nt_conf_fail(x->err, line, NT_ERR_CONF_SYNTAX,
                                "[service] needs a name: [service NAME]");
        if (!nt_conf_section_known(name))
            return nt_conf_fail(x->err, line, NT_ERR_CONF_UNKNOWN, "unknown section [%s]", name);
        for (i = 0; i < x->n_sects; i++)
            if (strcmp(x->sects[i].name, name) == 0)
                return nt_conf_fail(x->err, line, NT_ERR_CONF_DUPLICATE,
                                    "section [%s] given twice (first at line %u)", name,
                                    x->sects[i].line);
        memcpy(s->name, name, n + 1);
    }
    x->n_sects++;
    return NT_OK;
}

/* One line p..end (no newline): checked, then written to *o for inih. */
static nt_status prescan_line(parse_ctx *x, const char *p, const char *end, unsigned line,
                              char **o)
{
    const char *sep;
    size_t klen;

    if (end > p && end[-1] == '\r')
        end--;
    if ((size_t)(end - p) > NT_CONF_LINE_MAX)
        return nt_conf_fail(x->err, line, NT_ERR_CONF_SYNTAX, "line longer than %u bytes",
                            NT_CONF_LINE_MAX);
    p = skip_blank(p, end);
    end = trim_end(p, end);
    if (p == end || *p == ';' || *p == '#')
        return NT_OK;
    if (*p == '[') {
        nt_status st = header(x, p, end, line);
        if (st == NT_OK)
            *o += sprintf(*o, "[%zu]", x->n_sects - 1);
        return st;
    }
    /* The line is not NUL-terminated (the file need not end in one). */
    for (sep = p; sep < end && *sep != '=' && *sep != ':'; sep++)
        ;
    if (sep >= end)
        return nt_conf_fail(x->err, line, NT_ERR_CONF_SYNTAX,
                            "want KEY = VALUE, [SECTION] or a comment");
    klen = (size_t)(trim_end(p, sep) - p);
    if (klen == 0)
        return nt_conf_fail(x->err, line, NT_ERR_CONF_SYNTAX, "empty key");
    if (klen > NT_CONF_KEY_MAX)
        return nt_conf_fail(x->err, line, NT_ERR_CONF_SYNTAX, "key longer than %u bytes",
                            NT_CONF_KEY_MAX);
    if (x->n_sects == 0)
        return nt_conf_fail(x->err, line, NT_ERR_CONF_SYNTAX, "'%.*s' before any [section]",
                            (int)klen, p);
    memcpy(*o, p, (size_t)(end - p));
    *o += end - p;
    return NT_OK;
}

static nt_status prescan(parse_ctx *x, const char *text, size_t len, char *out)
{
    const char *p = text, *end = text + len, *nl, *zero = memchr(text, 0, len);
    unsigned line = 1;
    char *o = out;
    nt_status st;

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* UTF-8 byte order mark */
    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        if (zero && zero < nl)
            return nt_conf_fail(x->err, line, NT_ERR_CONF_SYNTAX, "NUL byte in the file");
        st = prescan_line(x, p, nl, line, &o);
        if (st != NT_OK)
            return st;
        *o++ = '\n';
        p = nl + 1;
        line++;
    }
    *o = 0;
    return NT_OK;
}

/* inih's callback: section is the index written by prescan. Returns 0 on
 * the first error (inih then reports its line); later calls do nothing. */
static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *x = user;
    sect *s;
    char *end;
    unsigned long i;

    if (x->st != NT_OK)
        return 1;
    i = strtoul(section, &end, 10);
    if (*end != 0 || i >= x->n_sects) {
        x->st = NT_ERR_CONF_SYNTAX;
        snprintf(x->why, sizeof x->why, "line outside a known section");
        return 0;
    }
    s = &x->sects[i];
    x->st = nt_conf_key_set(x->c, s->svc, s->name, name, value, &s->seen, x->why, sizeof x->why);
    return x->st == NT_OK;
}

/* After the pass: every [service] has its type and port. */
static nt_status check_services(parse_ctx *x)
{
    size_t i;
    for (i = 0; i < x->n_sects; i++) {
        sect *s = &x->sects[i];
        if (s->svc && !nt_conf_service_complete(s->svc, s->seen, x->why, sizeof x->why))
            return nt_conf_fail(x->err, s->line, NT_ERR_CONF_MISSING, "%s", x->why);
    }
    return NT_OK;
}

nt_status nt_conf_parse(nt_conf *c, nt_conf_error *err, const char *file, const char *text,
                        size_t len)
{
    parse_ctx *x;
    char *buf;
    int line;
    nt_status st;

    if (!c || !err || !file || (!text && len))
        return NT_ERR_INVALID_ARG;
    memset(err, 0, sizeof *err);
    if (!nt_conf_copy(err->file, sizeof err->file, file))
        memcpy(err->file, "(config)", 9);
    if (len > NT_CONF_FILE_MAX)
        return nt_conf_fail(err, 0, NT_ERR_CAP, "larger than %u bytes", NT_CONF_FILE_MAX);
    x = nt_calloc(1, sizeof *x);
    buf = nt_malloc(2 * len + 2);
    if (!x || !buf) {
        st = nt_conf_fail(err, 0, NT_ERR_NOMEM, "out of memory");
        goto out;
    }
    x->c = c;
    x->err = err;
    x->file = file;
    st = prescan(x, text ? text : "", len, buf);
    if (st != NT_OK)
        goto out;
    if (nt_lazy_ready(&nt_lazy_inih) != NT_OK) { /* opened on first use */
        st = nt_conf_fail(err, 0, NT_ERR_LIB_LOAD, "%s", nt_lazy_inih.error);
        goto out;
    }
    line = ini_parse_string(buf, on_pair, x);
    if (line != 0) {
        st = x->st != NT_OK ? x->st : NT_ERR_CONF_SYNTAX;
        nt_conf_fail(err, line > 0 ? (unsigned)line : 0, st, "%s",
                     x->why[0] ? x->why : "malformed line");
        goto out;
    }
    st = check_services(x);
out:
    nt_free(buf);
    nt_free(x);
    return st;
}

nt_status nt_conf_load(nt_conf *c, nt_conf_error *err, const char *path)
{
    char *text;
    size_t n;
    nt_status st;

    if (!c || !err || !path)
        return NT_ERR_INVALID_ARG;
    memset(err, 0, sizeof *err);
    if (!nt_conf_copy(err->file, sizeof err->file, path))
        memcpy(err->file, "(config)", 9);
    if ((st = nt_conf_read_file(err, path, &text, &n)) != NT_OK)
        return st;
    st = nt_conf_parse(c, err, path, text, n);
    nt_free(text);
    return st;
}
