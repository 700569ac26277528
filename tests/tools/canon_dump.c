/*
 * nt-canon-dump: prints the bytes our code would sign for an RRset (the
 * RFC 4034 §3.1.8.1 signed data: RRSIG RDATA without the signature, then
 * the RRset in RFC 4034 §6.2/§6.3 canonical form), so an independent
 * implementation (dnspython, tests/integration/canonical/) can compare.
 *
 * Input, one case per line on stdin:
 *     <case-id> <message-hex> <rrsig-hex> [<section> <type> <owner-hex>]
 * message-hex: a whole DNS message (names possibly compressed, class
 * possibly with the mDNS cache-flush bit); the RRset is its whole answer
 * section, or, when the last three fields are given, the records of that
 * section (1 answer, 2 authority, 3 additional) with that type (decimal)
 * and owner (uncompressed wire name in hex, compared case-insensitively),
 * which is how a real capture's RRsets are picked out;
 * rrsig-hex: RRSIG RDATA up to and including the signer name, without a
 * signature (RFC 4034 §3.1).
 * Output, one line per case:
 *     <case-id> <signed-data-hex>      or     <case-id> ERROR <status> <why>
 * Exit 0 when every line was read (even with ERROR cases), 2 on bad input.
 *
 * Test helper only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/buf.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "nautilus/wire.h"

#define MAX_LINE (4 * NT_DNS_MSG_MAX + 1024)
#define MAX_ID 128
/* Scratch for one record's decompressed RDATA (wire.h: always suffices). */
#define RDATA_SCRATCH (NT_DNS_MSG_MAX + NT_DNS_NAME_TEXT_MAX)
/* Signed data: RRSIG head + up to NT_DNS_RRSET_MAX uncompressed records,
 * bounded by the message size plus per-record name expansion. */
#define OUT_CAP (NT_DNS_RRSET_MAX * (NT_DNS_NAME_MAX + 10) + 2 * NT_DNS_MSG_MAX)

typedef struct dump_state {
    nt_dns_msg msg;
    uint8_t packet[NT_DNS_MSG_MAX];
    uint8_t rrsig[NT_DNS_MSG_MAX];
    nt_dns_record recs[NT_DNS_RRSET_MAX];
    uint8_t *rdata[NT_DNS_RRSET_MAX];
    uint8_t out[OUT_CAP];
    char hex[2 * OUT_CAP + 1];
} dump_state;

static nt_status parse_rrsig(nt_dns_rrsig *sig, const uint8_t *data, size_t len)
{
    nt_buf b;
    uint8_t u8;
    nt_status st;

    memset(sig, 0, sizeof *sig);
    nt_buf_init(&b, data, len);
    /* RFC 4034 §3.1: type covered, algorithm, labels, original TTL,
     * expiration, inception, key tag, signer name. */
    if ((st = nt_buf_get_u16(&b, &sig->type_covered)) != NT_OK ||
        (st = nt_buf_get_u8(&b, &sig->algorithm)) != NT_OK ||
        (st = nt_buf_get_u8(&b, &u8)) != NT_OK)
        return st;
    sig->labels = u8;
    if ((st = nt_buf_get_u32(&b, &sig->original_ttl)) != NT_OK ||
        (st = nt_buf_get_u32(&b, &sig->expiration)) != NT_OK ||
        (st = nt_buf_get_u32(&b, &sig->inception)) != NT_OK ||
        (st = nt_buf_get_u16(&b, &sig->key_tag)) != NT_OK)
        return st;
    return nt_dns_name_from_wire(&sig->signer, data + nt_buf_tell(&b), nt_buf_left(&b));
}

/* Which records of the message form the RRset. */
typedef struct selector {
    bool all_answers;
    nt_dns_section section;
    uint16_t type;
    nt_dns_name owner;
} selector;

static nt_status parse_selector(selector *sel, const char *section, const char *type,
                                const char *owner_hex)
{
    uint8_t wire[NT_DNS_NAME_MAX];
    size_t len;
    char *end;
    long v;
    nt_status st;

    memset(sel, 0, sizeof *sel);
    if (!section) {
        sel->all_answers = true;
        return NT_OK;
    }
    if (!type || !owner_hex)
        return NT_ERR_INVALID_ARG;
    v = strtol(section, &end, 10);
    if (*end || v < NT_DNS_SEC_ANSWER || v > NT_DNS_SEC_ADDITIONAL)
        return NT_ERR_RANGE;
    sel->section = (nt_dns_section)v;
    v = strtol(type, &end, 10);
    if (*end || v < 0 || v > 65535)
        return NT_ERR_RANGE;
    sel->type = (uint16_t)v;
    if ((st = nt_hex_decode(wire, sizeof wire, &len, owner_hex, strlen(owner_hex))) != NT_OK)
        return st;
    return nt_dns_name_from_wire(&sel->owner, wire, len);
}

/* Computes the signed data of one case into s->out; *why names the step. */
static nt_status dump_case(dump_state *s, const char *msg_hex, const char *sig_hex,
                           const selector *sel, size_t *out_len, const char **why)
{
    size_t plen, slen, i, n = 0;
    nt_dns_section sec = sel->all_answers ? NT_DNS_SEC_ANSWER : sel->section;
    nt_dns_rrsig sig;
    nt_wbuf w;
    nt_status st;

    *why = "message hex";
    if ((st = nt_hex_decode(s->packet, sizeof s->packet, &plen, msg_hex, strlen(msg_hex))) != NT_OK)
        return st;
    *why = "rrsig hex";
    if ((st = nt_hex_decode(s->rrsig, sizeof s->rrsig, &slen, sig_hex, strlen(sig_hex))) != NT_OK)
        return st;
    *why = "rrsig";
    if ((st = parse_rrsig(&sig, s->rrsig, slen)) != NT_OK)
        return st;
    *why = "message";
    if ((st = nt_dns_msg_parse(&s->msg, s->packet, plen)) != NT_OK)
        return st;
    *why = "answer record";
    for (i = 0; i < s->msg.count[sec]; i++) {
        const nt_dns_rr *rr = nt_dns_msg_get(&s->msg, sec, i);
        if (!rr)
            return NT_ERR_INVALID_ARG;
        if (!sel->all_answers) {
            nt_dns_name owner;
            if (rr->type != sel->type)
                continue;
            nt_dns_rr_owner(&s->msg, rr, &owner);
            if (!nt_dns_name_equal(&owner, &sel->owner))
                continue;
        }
        if (n == NT_DNS_RRSET_MAX)
            return NT_ERR_CAP;
        st = nt_dns_rr_to_record(&s->msg, rr, &s->recs[n], s->rdata[n], RDATA_SCRATCH);
        if (st != NT_OK)
            return st;
        n++;
    }
    if (n == 0)
        return NT_ERR_NOT_FOUND;
    *why = "signed data";
    nt_wbuf_init(&w, s->out, sizeof s->out);
    if ((st = nt_dns_rrsig_signed_data(&w, &sig, s->recs, n)) != NT_OK)
        return st;
    *out_len = w.len;
    return NT_OK;
}

int main(void)
{
    dump_state *s = NULL;
    char *line = NULL;
    size_t line_cap = 0, i;
    ssize_t got;
    int rc = 0;

    s = nt_calloc(1, sizeof *s);
    if (!s) {
        fputs("nt-canon-dump: out of memory\n", stderr);
        return 2;
    }
    for (i = 0; i < NT_DNS_RRSET_MAX; i++) {
        s->rdata[i] = nt_malloc(RDATA_SCRATCH);
        if (!s->rdata[i]) {
            fputs("nt-canon-dump: out of memory\n", stderr);
            rc = 2;
            goto out;
        }
    }
    while ((got = getline(&line, &line_cap, stdin)) > 0) {
        char *id, *msg_hex, *sig_hex, *save = NULL;
        selector sel;
        const char *why = "";
        size_t out_len = 0;
        nt_status st;

        if ((size_t)got > MAX_LINE) {
            fputs("nt-canon-dump: line too long\n", stderr);
            rc = 2;
            goto out;
        }
        id = strtok_r(line, " \t\r\n", &save);
        if (!id || id[0] == '#')
            continue;
        msg_hex = strtok_r(NULL, " \t\r\n", &save);
        sig_hex = strtok_r(NULL, " \t\r\n", &save);
        if (!msg_hex || !sig_hex || strlen(id) > MAX_ID) {
            fprintf(stderr, "nt-canon-dump: want '<id> <message-hex> <rrsig-hex>'\n");
            rc = 2;
            goto out;
        }
        {
            char *f_sec = strtok_r(NULL, " \t\r\n", &save);
            char *f_type = strtok_r(NULL, " \t\r\n", &save);
            char *f_owner = strtok_r(NULL, " \t\r\n", &save);
            if (parse_selector(&sel, f_sec, f_type, f_owner) != NT_OK) {
                fprintf(stderr, "nt-canon-dump: bad selector in case %s\n", id);
                rc = 2;
                goto out;
            }
        }
        st = dump_case(s, msg_hex, sig_hex, &sel, &out_len, &why);
        if (st == NT_OK)
            st = nt_hex_encode(s->hex, sizeof s->hex, s->out, out_len);
        if (st != NT_OK)
            printf("%s ERROR %s %s\n", id, nt_status_name(st), why);
        else
            printf("%s %s\n", id, s->hex);
    }
out:
    free(line); /* from getline, which uses malloc */
    for (i = 0; i < NT_DNS_RRSET_MAX; i++)
        nt_free(s->rdata[i]);
    nt_free(s);
    return rc;
}
