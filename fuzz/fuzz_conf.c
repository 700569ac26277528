/*
 * Fuzz target for the agent's INI configuration (agent/conf/ini.c): any
 * bytes either parse into a configuration whose services are complete and
 * whose TXT RDATA is well formed, or are refused with a message and a line
 * that exists in the input. Violations abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/conf.h"
#include "fuzz/fuzz.h"

static unsigned count_lines(const uint8_t *data, size_t size)
{
    unsigned n = 1;
    size_t i;
    for (i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

static void check_service(const nt_conf_service *s)
{
    size_t pos = 0;
    CHECK(s->instance[0] && strlen(s->instance) <= 63);
    CHECK(s->type[0] == '_');
    CHECK(s->n_subtypes <= NT_CONF_SUBTYPES_MAX);
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
    char line[512];
    size_t i;

    if (!c && nt_conf_create(&c) != NT_OK)
        abort();
    nt_conf_reset(c);
    if (nt_conf_parse(c, &err, "fuzz.conf", (const char *)data, size) == NT_OK) {
        CHECK(c->n_services <= NT_CONF_SERVICES_MAX);
        CHECK(c->n_ifnames <= NT_CONF_IFACES_MAX && c->n_browse <= NT_CONF_BROWSE_MAX);
        for (i = 0; i < c->n_services; i++)
            check_service(&c->services[i]);
        return 0;
    }
    CHECK(err.msg[0] != 0);
    CHECK(err.line <= count_lines(data, size));
    nt_conf_error_format(line, sizeof line, &err);
    CHECK(strncmp(line, "fuzz.conf", 9) == 0);
    return 0;
}
