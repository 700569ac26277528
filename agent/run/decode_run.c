/* agent/run/decode_run.c - `nautilus decode`: one DNS message, raw or as
 * hex text (content of only hex digits and whitespace is taken as hex, so
 * `xxd -p` or a tcpdump hex dump without offsets can be pasted), printed
 * the way dig does (nautilus/wire_print.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "decode_run.h"
#include "nautilus/buf.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "nautilus/wire.h"
#include "nautilus/wire_print.h"

/* Hex text of a maximal message with generous whitespace. */
#define DECODE_MAX_INPUT (4u * NT_DNS_MSG_MAX)

static bool is_hex_digit(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* True if data is non-empty text of only hex digits and whitespace. */
static bool looks_hex(const uint8_t *data, size_t len)
{
    size_t i, digits = 0;
    for (i = 0; i < len; i++) {
        if (is_hex_digit(data[i]))
            digits++;
        else if (!is_space(data[i]))
            return false;
    }
    return digits > 0;
}

/* Removes whitespace in place; returns the new length. */
static size_t squeeze(uint8_t *data, size_t len)
{
    size_t i, o = 0;
    for (i = 0; i < len; i++)
        if (!is_space(data[i]))
            data[o++] = data[i];
    return o;
}

int nt_decode_run(const char *path, bool json)
{
    static nt_dns_msg msg; /* about 10 KB: not on the stack */
    uint8_t *data = NULL, *pkt;
    size_t len = 0, pkt_len;
    nt_dynbuf out;
    nt_status st;
    int rc = NT_EXIT_OK;

    st = nt_cli_read_file(path, DECODE_MAX_INPUT, &data, &len);
    if (st != NT_OK)
        return nt_cli_usage_error("decode: cannot read %s: %s", strcmp(path, "-") ? path : "standard input",
                                  nt_strerror(st));
    pkt = data;
    pkt_len = len;
    if (looks_hex(data, len)) {
        size_t hex_len = squeeze(data, len);
        /* decode in place: the output never outruns the text it reads */
        st = nt_hex_decode(data, hex_len, &pkt_len, (const char *)data, hex_len);
        if (st != NT_OK) {
            rc = nt_cli_usage_error("decode: malformed hex input: %s", nt_strerror(st));
            goto out;
        }
    }

    st = nt_dns_msg_parse(&msg, pkt, pkt_len);
    if (st != NT_OK) {
        rc = nt_cli_usage_error("decode: %s (%s) at offset %zu", nt_status_name(st), nt_strerror(st),
                                nt_dns_msg_error_offset(&msg));
        goto out;
    }
    nt_dynbuf_init(&out, 1u << 24);
    st = json ? nt_dns_msg_print_json(&out, &msg) : nt_dns_msg_print(&out, &msg);
    if (st == NT_OK) {
        fwrite(nt_dynbuf_str(&out), 1, out.len, stdout);
        if (fflush(stdout) != 0)
            st = NT_ERR_IO;
    }
    nt_dynbuf_cleanup(&out);
    if (st != NT_OK)
        rc = nt_cli_fail(NT_EXIT_USAGE, "decode: cannot print: %s", nt_strerror(st));
out:
    nt_free(data);
    return rc;
}
