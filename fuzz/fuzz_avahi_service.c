/*
 * Fuzz target for Avahi static service files (agent/conf/avahi.c): any
 * bytes either parse into complete services (named, typed, subtypes as
 * labels, well-formed TXT RDATA) or are refused with a message and a line
 * in the input, with no service half-added. Violations abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/conf.h"
#include "fuzz/fuzz.h"

static void check_service(const nt_conf_service *s)
{
    size_t pos = 0, i;
    CHECK(s->instance[0] && strlen(s->instance) <= 63);
    CHECK(s->type[0] == '_');
    for (i = 0; i < s->n_subtypes; i++)
        CHECK(s->subtypes[i][0] == '_' && !strchr(s->subtypes[i], '.'));
    while (pos < s->txt_len) {
        CHECK(s->txt[pos] > 0);
        pos += 1u + s->txt[pos];
    }
    CHECK(pos == s->txt_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static nt_conf *c;
    nt_conf_error err;
    unsigned lines = 1;
    size_t i;

    if (!c && nt_conf_create(&c) != NT_OK)
        abort();
    nt_conf_reset(c);
    if (nt_conf_avahi_parse(c, &err, "fuzz.service", (const char *)data, size, "host") ==
        NT_OK) {
        CHECK(c->n_services >= 1 && c->n_services <= NT_CONF_SERVICES_MAX);
        for (i = 0; i < c->n_services; i++)
            check_service(&c->services[i]);
        return 0;
    }
    CHECK(c->n_services == 0);
    CHECK(err.msg[0] != 0);
    /* XML ends a line at LF, CR LF or a lone CR (XML 1.0 §2.11). */
    for (i = 0; i < size; i++)
        lines += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
    CHECK(err.line <= lines);
    return 0;
}
