/* What the `nautilus ledger` subcommands share (ledger_cli.h). */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "cli.h"
#include "ledger_cli.h"
#include "nautilus/codec.h"

#define OUTBOX_FILE_FMT "%s/outbox-%" PRIu64 ".sqlite"

/* ---- options ----------------------------------------------------------------- */

/* "ledger SUB: WHAT 'ARG' (try --help)", exit 2. arg may be NULL. */
static int bad(const nt_ledger_opts *o, const char *what, const char *arg)
{
    if (arg == NULL)
        return nt_cli_usage_error("ledger %s: %s (try --help)", o->sub, what);
    return nt_cli_usage_error("ledger %s: %s '%s' (try --help)", o->sub, what, arg);
}

static bool parse_address(uint8_t out[20], const char *text)
{
    size_t n = 0;
    return strlen(text) == 42 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') &&
           nt_hex_decode(out, 20, &n, text + 2, 40) == NT_OK && n == 20;
}

/* A number flag in [min, max]. */
static bool parse_num(uint64_t *out, const char *text, long min, long max)
{
    long v = 0;
    if (nt_cli_parse_long(text, min, max, &v) != NT_OK)
        return false;
    *out = (uint64_t)v;
    return true;
}

static int parse_name(nt_ledger_opts *o, const char *text)
{
    nt_status st;
    if (o->name_text != NULL)
        return bad(o, "unexpected argument", text);
    o->name_text = text;
    if ((st = nt_dns_name_from_str(&o->name, text)) != NT_OK || o->name.labels == 0)
        return bad(o, "bad name", text);
    nt_dns_name_lower(&o->name);
    if (nt_chain_name_hash(o->name_hash, o->name.wire, o->name.len) != NT_OK)
        return bad(o, "bad name", text);
    return -1;
}

/* One flag with its value at argv[*i]; -1 or an exit code. */
static int parse_flag(nt_ledger_opts *o, int argc, char **argv, int *i, unsigned allowed)
{
    const char *f = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    uint64_t n = 0;

    if (strcmp(f, "--json") == 0 && (allowed & LF_JSON)) {
        o->json = true;
        return -1;
    }
    if (v == NULL)
        return bad(o, "unexpected argument", f);
    (*i)++;
    if (strcmp(f, "--rpc") == 0 && (allowed & LF_RPC))
        o->rpc = v;
    else if (strcmp(f, "--state") == 0 && (allowed & LF_STATE))
        o->state = v;
    else if (strcmp(f, "--contracts") == 0 && (allowed & LF_CONTRACTS))
        o->contracts = v;
    else if (strcmp(f, "--registry") == 0 && (allowed & LF_REGISTRY)) {
        if (!parse_address(o->registry, v))
            return bad(o, "bad --registry (want 0x and 40 hex digits)", v);
        o->has_registry = true;
    } else if (strcmp(f, "--profile") == 0 && (allowed & LF_PROFILE)) {
        if (nt_chain_profile_find(&o->profile, v) != NT_OK)
            return bad(o, "unknown --profile (ethereum or besu)", v);
    } else if (strcmp(f, "--chain-id") == 0 && (allowed & LF_PROFILE)) {
        if (!parse_num(&o->chain_id, v, 1, INT32_MAX))
            return bad(o, "bad --chain-id", v);
    } else if (strcmp(f, "--confirmations") == 0 && (allowed & LF_PROFILE)) {
        if (!parse_num(&n, v, 1, 1000))
            return bad(o, "bad --confirmations", v);
        o->confirmations = (uint32_t)n;
    } else if (strcmp(f, "--timeout") == 0 && (allowed & LF_PROFILE)) {
        if (!parse_num(&n, v, 1, 86400))
            return bad(o, "bad --timeout", v);
        o->timeout_s = (uint32_t)n;
    } else {
        return bad(o, "unexpected argument", f);
    }
    return -1;
}

int nt_ledger_opts_parse(nt_ledger_opts *o, int argc, char **argv, unsigned allowed,
                         unsigned required, void (*usage)(FILE *))
{
    int rc = -1;

    o->sub = argv[0];
    if (nt_chain_profile_find(&o->profile, "ethereum") != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "ledger: no ethereum profile");
    for (int i = 1; i < argc && rc < 0; i++) {
        if (nt_cli_is_help(argv[i])) {
            usage(stdout);
            return NT_EXIT_OK;
        }
        if (strncmp(argv[i], "--", 2) == 0)
            rc = parse_flag(o, argc, argv, &i, allowed);
        else if (allowed & LF_NAME)
            rc = parse_name(o, argv[i]);
        else
            rc = bad(o, "unexpected argument", argv[i]);
    }
    if (rc >= 0)
        return rc;
    if ((required & LF_NAME) && o->name_text == NULL)
        return bad(o, "a NAME is required", NULL);
    if ((required & LF_RPC) && o->rpc == NULL)
        return bad(o, "--rpc URL is required", NULL);
    if ((required & LF_REGISTRY) && !o->has_registry)
        return bad(o, "--registry ADDR is required", NULL);
    /* A signature is for one chain (EIP-155): never guess it. The ethereum
     * profile means mainnet unless told; a besu network has no default. */
    if (o->chain_id == 0 && (required & LF_PROFILE)) {
        if (o->profile->free_gas)
            return bad(o, "the besu profile needs --chain-id N", NULL);
        o->chain_id = 1;
    }
    if (o->state == NULL && (required & LF_STATE)) {
        if (nt_state_dir_default(o->state_buf, sizeof o->state_buf) != NT_OK)
            return bad(o, "no state directory: give --state DIR", NULL);
        o->state = o->state_buf;
    }
    return -1;
}

/* ---- the node and the account ----------------------------------------------- */

uint64_t nt_ledger_wall_ms(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int open_outbox(nt_ledger_session *s, const nt_ledger_opts *o)
{
    char path[4200];
    nt_outbox_config cfg;
    nt_status st;

    snprintf(path, sizeof path, OUTBOX_FILE_FMT, o->state, o->chain_id);
    nt_chain_outbox_config(&cfg, &s->sender);
    st = nt_outbox_open(&s->outbox, path, s->id.chain.address, o->chain_id, &cfg);
    return st == NT_OK ? -1 : nt_ledger_fail(o, st, "outbox");
}

static int session_open(nt_ledger_session *s, const nt_ledger_opts *o, bool keys, bool sign)
{
    nt_rpc_config cfg;
    const char *which = NULL;
    nt_status st;

    memset(s, 0, sizeof *s);
    if (keys) {
        if ((st = nt_identity_load(&s->id, o->state, &which)) != NT_OK)
            return nt_ledger_fail(o, st, which ? which : "keys");
        s->has_id = true;
        nt_tx_signer_init(&s->signer, &s->id.chain, o->chain_id);
    }
    s->sender.signer = &s->signer;
    s->sender.profile = o->profile;
    s->sender.confirmations = o->confirmations;
    s->sender.timeout_ms = o->timeout_s * 1000u;
    s->sender.wall_ms = nt_ledger_wall_ms;
    s->sender.poll_ms = 100;
    if (o->rpc != NULL) {
        nt_rpc_config_init(&cfg, o->rpc, nt_ledger_env_system());
        cfg.connect_timeout_ms = 2000;
        cfg.total_timeout_ms = 10000;
        cfg.max_attempts = 2;
        if ((st = nt_rpc_client_create(&s->client, &cfg)) != NT_OK)
            return nt_ledger_fail(o, st, "--rpc");
        s->sender.client = s->client;
        /* The node's chain must be the one we sign for, before any signing. */
        if (sign && (st = nt_eth_expect_chain_id(s->client, o->chain_id)) != NT_OK)
            return nt_ledger_fail(o, st, "chain id");
    }
    return keys ? open_outbox(s, o) : -1;
}

int nt_ledger_session_open(nt_ledger_session *s, const nt_ledger_opts *o, bool keys, bool sign)
{
    int rc = session_open(s, o, keys, sign);
    if (rc >= 0)
        nt_ledger_session_close(s);
    return rc;
}

void nt_ledger_session_close(nt_ledger_session *s)
{
    nt_outbox_close(s->outbox);
    nt_rpc_client_destroy(s->client);
    if (s->has_id)
        nt_identity_wipe(&s->id);
    memset(s, 0, sizeof *s);
}

void nt_ledger_digest(uint8_t out[32], const nt_ledger_session *s, const nt_ledger_opts *o)
{
    uint8_t rdata[NT_DNSKEY_ED25519_RDATA_LEN];

    nt_dnskey_ed25519_rdata(rdata, s->id.sign.pk);
    nt_dnskey_digest(out, o->name.wire, o->name.len, rdata, sizeof rdata);
}

/* ---- output ------------------------------------------------------------------- */

static int exit_of(nt_status st)
{
    if (st == NT_ERR_RPC_REVERTED)
        return NT_EXIT_REFUSED;
    if ((st >= NT_ERR_CRYPTO_STATE_DIR && st <= NT_ERR_CRYPTO_KEY_CORRUPT) ||
        (st >= NT_ERR_OUTBOX_DB && st <= NT_ERR_OUTBOX_ACCOUNT) ||
        (st >= NT_ERR_MERKLE_DB && st <= NT_ERR_MERKLE_LOG_ID) || st == NT_ERR_IO ||
        st == NT_ERR_PERM)
        return NT_EXIT_LOCAL;
    return NT_EXIT_CHAIN;
}

int nt_ledger_fail(const nt_ledger_opts *o, nt_status st, const char *what)
{
    return nt_cli_fail(exit_of(st), "ledger %s: %s: %s (%s)", o->sub, what, nt_status_name(st),
                       nt_strerror(st));
}

int nt_ledger_fail_local(const nt_ledger_opts *o, nt_status st, const char *what)
{
    return nt_cli_fail(NT_EXIT_LOCAL, "ledger %s: %s: %s (%s)", o->sub, what, nt_status_name(st),
                       nt_strerror(st));
}

void nt_ledger_hex(char *out, const uint8_t *data, size_t n)
{
    out[0] = '0';
    out[1] = 'x';
    if (nt_hex_encode(out + 2, 2 * n + 1, data, n) != NT_OK)
        out[2] = '\0';
}
