/* log_tool: appends record-set versions to a publisher's Merkle log for the
 * integration test ledger_cli.py (what `publish --anchor` will do once it
 * is built). Not the nautilus CLI: a test tool.
 *
 *   log_tool append STATE_DIR LOG_ID_HEX OWNER N TAG
 *
 * Appends N leaves, each a TXT RRset of OWNER in canonical form (RFC 4034
 * §6.2: owner, type 16, class IN, TTL 4500, RDATA one string
 * "v=TAG-<i>"), to STATE_DIR/merkle-log.sqlite (created for LOG_ID if
 * missing). Prints "size N root <hex>" after the append.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/codec.h"
#include "nautilus/ledger_log.h"
#include "nautilus/wire.h"

static int die(const char *what, nt_status s)
{
    fprintf(stderr, "log_tool: %s: %s\n", what, nt_strerror(s));
    return 2;
}

/* owner | type | class | ttl | rdlength | rdata */
static size_t txt_rrset(uint8_t *out, const nt_dns_name *owner, const char *text)
{
    size_t n = owner->len, t = strlen(text);
    memcpy(out, owner->wire, n);
    const uint8_t fixed[] = {0, 16, 0, 1, 0, 0, 0x11, 0x94, (uint8_t)((t + 1) >> 8),
                             (uint8_t)(t + 1), (uint8_t)t};
    memcpy(out + n, fixed, sizeof fixed);
    memcpy(out + n + sizeof fixed, text, t);
    return n + sizeof fixed + t;
}

int main(int argc, char **argv)
{
    char path[4200], text[200], hex[65];
    uint8_t id[32], rrset[600], root[32];
    size_t got = 0;
    nt_dns_name owner;
    nt_merkle_log *log = NULL;
    nt_status s;
    uint64_t size = 0;

    if (argc != 7 || strcmp(argv[1], "append") != 0 || strlen(argv[6]) > 100 ||
        nt_hex_decode(id, 32, &got, argv[3], strlen(argv[3])) != NT_OK || got != 32 ||
        nt_dns_name_from_str(&owner, argv[4]) != NT_OK)
        return 2;
    nt_dns_name_lower(&owner);
    if ((s = nt_merkle_log_path(path, sizeof path, argv[2])) != NT_OK ||
        (s = nt_merkle_log_open(&log, path, id, NULL)) != NT_OK)
        return die("open", s);
    for (long i = 0; i < atol(argv[5]); i++) {
        nt_merkle_log_entry e;
        snprintf(text, sizeof text, "v=%s-%ld", argv[6], i);
        e.data = rrset;
        e.data_len = txt_rrset(rrset, &owner, text);
        e.time = 1700000000 + i;
        if ((s = nt_merkle_log_append(log, NULL, &e)) != NT_OK)
            return die("append", s);
    }
    if ((s = nt_merkle_log_size(log, &size)) != NT_OK ||
        (s = nt_merkle_log_root(log, root, size)) != NT_OK ||
        (s = nt_hex_encode(hex, sizeof hex, root, 32)) != NT_OK)
        return die("root", s);
    printf("size %" PRIu64 " root %s\n", size, hex);
    nt_merkle_log_close(log);
    return 0;
}
