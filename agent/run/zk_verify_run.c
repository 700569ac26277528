/*
 * `zk verify` on three JSON texts (zk_run.h): the same code for the command
 * in-process and for the agent's `zk_verify` request, writing the verdict
 * and the error line into buffers so that both print the same.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nautilus/mem.h"
#include "zk_run.h"

#define N_ATTR NT_ZK_DISCLOSURE_ATTRS
#define DEC_MAX NT_ZK_RUN_DEC_MAX

/* Public signals of the selective-disclosure circuit (proofs/README.md). */
enum {
    SIG_DISCLOSED = 0,
    SIG_COMMITMENT = N_ATTR,
    SIG_KEY_BINDING = N_ATTR + 1,
    SIG_MASK = N_ATTR + 2,
    SIG_IDX = 2 * N_ATTR + 2,
    SIG_THRESHOLD = 2 * N_ATTR + 3,
    SIG_COUNT = 2 * N_ATTR + 4
};

enum { F_VK = 0, F_PROOF = 1, F_PUB = 2 };

/* One verification: where its output goes. */
typedef struct run {
    const nt_zk_verify_opts *o;
    const nt_zk_verify_in *in;
    nt_dynbuf *out;
    char *err;
    size_t err_cap;
} run;

static int say(const run *r, int code, const char *fmt, ...) NT_PRINTF(3, 4);
static int say(const run *r, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->err_cap, fmt, ap);
    va_end(ap);
    return code;
}

/* Output that does not fit a buffer sized for it is our bug, not the
 * input's: it is dropped and the exit code still tells. */
static void put(const run *r, const char *s)
{
    if (nt_dynbuf_add_str(r->out, s) != NT_OK)
        nt_dynbuf_reset(r->out);
}

/* Failures of group membership in the proof: the file parses, the proof is
 * simply not a valid one. */
static bool is_invalid_proof_point(nt_status st)
{
    return st == NT_ERR_ZK_NOT_ON_CURVE || st == NT_ERR_ZK_NOT_ON_TWIST ||
           st == NT_ERR_ZK_NOT_IN_SUBGROUP || st == NT_ERR_ZK_PROOF_INFINITY;
}

static void print_invalid(const run *r)
{
    if (r->o->json)
        put(r, "{\"valid\":false}\n");
    else if (!r->o->quiet)
        put(r, "invalid\n");
}

/* The statement's public values as one JSON line; masked-out attributes are
 * left out (they read 0 whatever their value). */
static void print_statement_json(const run *r, const nt_zk_public *pub)
{
    char d[DEC_MAX + 1], m[DEC_MAX + 1], line[2 * DEC_MAX + 64];
    size_t i;
    bool first = true;

    put(r, "{\"valid\":true,\"disclosed\":{");
    for (i = 0; i < N_ATTR; i++) {
        if (nt_zk_public_get_dec(m, sizeof m, pub, SIG_MASK + i) != NT_OK || strcmp(m, "1") != 0)
            continue;
        if (nt_zk_public_get_dec(d, sizeof d, pub, SIG_DISCLOSED + i) != NT_OK)
            continue;
        snprintf(line, sizeof line, "%s\"%zu\":\"%s\"", first ? "" : ",", i, d);
        put(r, line);
        first = false;
    }
    if (nt_zk_public_get_dec(d, sizeof d, pub, SIG_IDX) == NT_OK &&
        nt_zk_public_get_dec(m, sizeof m, pub, SIG_THRESHOLD) == NT_OK)
        snprintf(line, sizeof line, "},\"claim\":{\"idx\":%s,\"atLeast\":\"%s\"}", d, m);
    else
        snprintf(line, sizeof line, "}");
    put(r, line);
    if (nt_zk_public_get_dec(d, sizeof d, pub, SIG_COMMITMENT) == NT_OK &&
        nt_zk_public_get_dec(m, sizeof m, pub, SIG_KEY_BINDING) == NT_OK) {
        snprintf(line, sizeof line, ",\"commitment\":\"%s\",\"keyBinding\":\"%s\"", d, m);
        put(r, line);
    }
    put(r, "}\n");
}

/* After a valid proof: the statement-level checks of --key-digest and
 * --commitment. Returns an exit code (and says why on failure). */
static int check_statement(const run *r, const nt_zk_public *pub)
{
    const nt_zk_verify_opts *o = r->o;
    const char *pub_name = r->in->name[F_PUB];
    uint8_t got[32], kb[32];
    if (!o->have_digest && !o->have_commitment)
        return NT_EXIT_OK;
    if (nt_zk_public_count(pub) != SIG_COUNT)
        return say(r, NT_EXIT_USAGE, "zk verify: %s: %zu public signals, not a selective-disclosure "
                   "statement (%d)", pub_name, nt_zk_public_count(pub), SIG_COUNT);
    if (o->have_digest) {
        /* DESIGN §5: the proof must be bound to the key we saw, else it was
         * lifted from another device. */
        if (nt_zk_disclosure_key_binding(kb, o->digest) != NT_OK ||
            nt_zk_public_get_b32(got, pub, SIG_KEY_BINDING) != NT_OK || memcmp(got, kb, 32) != 0)
            return say(r, NT_EXIT_NEGATIVE, "zk verify: %s: the proof is bound to another key "
                       "(keyBinding does not match --key-digest)", pub_name);
    }
    if (o->have_commitment) {
        if (nt_zk_public_get_b32(got, pub, SIG_COMMITMENT) != NT_OK ||
            memcmp(got, o->commitment, 32) != 0)
            return say(r, NT_EXIT_NEGATIVE, "zk verify: %s: the proof is about another "
                       "commitment than --commitment", pub_name);
    }
    return NT_EXIT_OK;
}

/* The verdict of a verification that ran (st from nt_zk_groth16_verify). */
static int verdict(const run *r, nt_status st, const nt_zk_public *pub)
{
    int rc;
    if (st == NT_OK) {
        rc = check_statement(r, pub);
        if (rc == NT_EXIT_NEGATIVE)
            print_invalid(r);
        else if (rc == NT_EXIT_OK && r->o->json && nt_zk_public_count(pub) == SIG_COUNT)
            print_statement_json(r, pub);
        else if (rc == NT_EXIT_OK && r->o->json)
            put(r, "{\"valid\":true}\n");
        else if (rc == NT_EXIT_OK && !r->o->quiet)
            put(r, "valid\n");
        return rc;
    }
    if (st == NT_ERR_ZK_PROOF_INVALID) {
        print_invalid(r);
        return say(r, NT_EXIT_NEGATIVE, "zk verify: %s: invalid proof: the pairing check fails",
                   r->in->name[F_PROOF]);
    }
    return say(r, NT_EXIT_USAGE, "zk verify: %s: %s (%s)", r->in->name[F_PROOF], nt_strerror(st),
               nt_status_name(st));
}

/* The key: from the cache (prepared from its second sight) or one-shot
 * into *own. */
static nt_status get_key(nt_zk_vk_cache *cache, const nt_zk_verify_in *in, const nt_zk_vk **vk,
                         nt_zk_vk **own)
{
    nt_status st;
    if (cache)
        return nt_zk_vk_cache_get(cache, vk, in->text[F_VK], in->len[F_VK]);
    /* One key, one proof: the one-shot path (nautilus/zk.h) skips the
     * preparation that pays off only over many proofs. */
    st = nt_zk_vk_parse_json_oneshot(own, in->text[F_VK], in->len[F_VK]);
    *vk = *own;
    return st;
}

static int verify_parsed(const run *r, const nt_zk_vk *vk, nt_zk_verify_info *info)
{
    const nt_zk_verify_in *in = r->in;
    nt_zk_public *pub = NULL;
    nt_zk_proof proof;
    nt_status st;
    int rc;

    st = nt_zk_proof_parse_json(&proof, in->text[F_PROOF], in->len[F_PROOF]);
    if (st != NT_OK) {
        if (!is_invalid_proof_point(st))
            return say(r, NT_EXIT_USAGE, "zk verify: %s: malformed proof: %s (%s)",
                       in->name[F_PROOF], nt_strerror(st), nt_status_name(st));
        print_invalid(r);
        return say(r, NT_EXIT_NEGATIVE, "zk verify: %s: invalid proof: %s (%s)", in->name[F_PROOF],
                   nt_strerror(st), nt_status_name(st));
    }
    st = nt_zk_public_parse_json(&pub, in->text[F_PUB], in->len[F_PUB]);
    if (st != NT_OK)
        return say(r, NT_EXIT_USAGE, "zk verify: %s: malformed public signals: %s (%s)",
                   in->name[F_PUB], nt_strerror(st), nt_status_name(st));
    if (nt_zk_public_count(pub) != nt_zk_vk_public_count(vk)) {
        rc = say(r, NT_EXIT_USAGE, "zk verify: %s: %zu public signals, the key expects %zu",
                 in->name[F_PUB], nt_zk_public_count(pub), nt_zk_vk_public_count(vk));
    } else {
        info->prepared = nt_zk_vk_is_prepared(vk);
        info->verified = true;
        rc = verdict(r, nt_zk_groth16_verify(vk, &proof, pub), pub);
    }
    nt_zk_public_destroy(pub);
    return rc;
}

int nt_zk_run_verify(nt_zk_vk_cache *cache, const nt_zk_verify_opts *o, const nt_zk_verify_in *in,
                     nt_dynbuf *out, char *err, size_t err_cap, nt_zk_verify_info *info)
{
    run r = {o, in, out, err, err_cap};
    nt_zk_verify_info dummy;
    const nt_zk_vk *vk = NULL;
    nt_zk_vk *own = NULL;
    nt_status st;
    int rc;

    if (!info)
        info = &dummy;
    memset(info, 0, sizeof *info);
    err[0] = 0;
    st = get_key(cache, in, &vk, &own);
    if (st != NT_OK)
        return say(&r, NT_EXIT_USAGE, "zk verify: %s: unusable verification key: %s (%s)",
                   in->name[F_VK], nt_strerror(st), nt_status_name(st));
    info->key_ok = true;
    rc = verify_parsed(&r, vk, info);
    nt_zk_vk_destroy(own);
    return rc;
}

int nt_zk_run_read(char *texts[3], size_t lens[3], const char *const paths[3], char *err,
                   size_t err_cap)
{
    nt_status st = NT_OK;
    size_t i;

    for (i = 0; i < 3; i++)
        texts[i] = NULL;
    for (i = 0; i < 3 && st == NT_OK; i++) {
        st = nt_cli_read_file(paths[i], NT_ZK_MAX_JSON, (uint8_t **)&texts[i], &lens[i]);
        if (st == NT_ERR_IO)
            snprintf(err, err_cap, "zk verify: %s: cannot read: %s", paths[i], strerror(errno));
        else if (st == NT_ERR_CAP)
            snprintf(err, err_cap, "zk verify: %s: larger than %u bytes", paths[i], NT_ZK_MAX_JSON);
        else if (st != NT_OK)
            snprintf(err, err_cap, "zk verify: %s: %s", paths[i], nt_strerror(st));
    }
    if (st == NT_OK)
        return NT_EXIT_OK;
    for (i = 0; i < 3; i++) {
        nt_free(texts[i]);
        texts[i] = NULL;
    }
    return NT_EXIT_USAGE;
}

int nt_zk_run_print(int code, const char *out, size_t out_len, const char *err)
{
    if (err[0])
        nt_cli_fail(code, "%s", err);
    if (out_len)
        fwrite(out, 1, out_len, stdout);
    fflush(stdout);
    return code;
}

int nt_zk_run_verify_files(const nt_zk_verify_opts *o, const char *const paths[3])
{
    char *texts[3], err[NT_ZK_RUN_ERR_CAP];
    nt_zk_verify_in in;
    nt_dynbuf out;
    size_t i;
    int rc;

    rc = nt_zk_run_read(texts, in.len, paths, err, sizeof err);
    if (rc != NT_EXIT_OK)
        return nt_cli_fail(rc, "%s", err);
    for (i = 0; i < 3; i++) {
        in.text[i] = texts[i];
        in.name[i] = paths[i];
    }
    nt_dynbuf_init(&out, 4096);
    rc = nt_zk_run_verify(NULL, o, &in, &out, err, sizeof err, NULL);
    rc = nt_zk_run_print(rc, (const char *)out.data, out.len, err);
    nt_dynbuf_cleanup(&out);
    for (i = 0; i < 3; i++)
        nt_free(texts[i]);
    return rc;
}
