/*
 * nautilus zk: Groth16 verification of snarkjs files, and the commitment and
 * proving steps of the selective-disclosure credential (DESIGN §5,
 * proofs/README.md).
 *
 *   nautilus zk verify VK.json PROOF.json PUBLIC.json
 *   nautilus zk commit [--credential FILE] [--attrs A0,...,A7 --salt DEC]
 *                      [--key-digest HEX] [--json]
 *   nautilus zk prove CREDENTIAL.json [-o DIR] [--key-digest HEX]
 *                     [--setup main|alt] [--proofs DIR]
 *
 * verify exits 0 for a valid proof, 1 for a proof that is well formed but
 * not valid (pairing check fails, or a proof point is off its curve, outside
 * the subgroup or at infinity), 2 for input that cannot be read as what it
 * claims to be (unreadable file, bad JSON, bad number encoding, coordinate
 * >= p, public input >= r, wrong count, unusable key), with one line on
 * stderr naming the file and the problem.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmds.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "nautilus/zk.h"
#include "nautilus/zk_poseidon.h"

#ifndef NT_PROOFS_DIR
#define NT_PROOFS_DIR "proofs"
#endif

#define N_ATTR NT_ZK_DISCLOSURE_ATTRS
#define DEC_MAX 78          /* 2^256 has 78 digits */
#define CRED_MAX (64u << 10) /* a credential file is a few hundred bytes */
#define PATH_CAP 4096
#define SETUP_OUT_CAP 4096

/* ---- numbers ------------------------------------------------------------- */

/* Strict decimal text (no sign, no leading zero, at most 78 digits) to a
 * 32-byte big-endian integer. NT_ERR_INVALID_ARG if malformed, NT_ERR_RANGE
 * if >= 2^256. */
static nt_status dec_to_b32(uint8_t out[32], const char *s)
{
    uint8_t v[32];
    size_t n = strlen(s), i;
    int j;
    unsigned carry;

    if (n == 0 || n > DEC_MAX || (s[0] == '0' && n > 1))
        return NT_ERR_INVALID_ARG;
    memset(v, 0, sizeof v);
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return NT_ERR_INVALID_ARG;
        carry = (unsigned)(s[i] - '0');
        for (j = 31; j >= 0; j--) {
            carry += 10u * v[j];
            v[j] = (uint8_t)carry;
            carry >>= 8;
        }
        if (carry)
            return NT_ERR_RANGE;
    }
    memcpy(out, v, sizeof v);
    return NT_OK;
}

/* 32-byte big-endian integer to decimal text in out[DEC_MAX + 1]. */
static void b32_to_dec(char out[DEC_MAX + 1], const uint8_t in[32])
{
    uint8_t v[32];
    char rev[DEC_MAX + 1];
    size_t n = 0, i;
    unsigned rem;
    bool nonzero;

    memcpy(v, in, sizeof v);
    do {
        rem = 0;
        nonzero = false;
        for (i = 0; i < 32; i++) {
            unsigned cur = (rem << 8) | v[i];
            v[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            nonzero = nonzero || v[i] != 0;
        }
        rev[n++] = (char)('0' + rem);
    } while (nonzero && n < DEC_MAX);
    for (i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = 0;
}

/* The value of a big-endian integer that fits in 64 bits, else false. */
static bool b32_to_u64(uint64_t *out, const uint8_t in[32])
{
    uint64_t v = 0;
    size_t i;
    for (i = 0; i < 24; i++)
        if (in[i] != 0)
            return false;
    for (i = 24; i < 32; i++)
        v = (v << 8) | in[i];
    *out = v;
    return true;
}

/* A JSON value that is a decimal string or a non-negative integer number. */
static nt_status json_to_b32(uint8_t out[32], const cJSON *item)
{
    char tmp[32];
    if (cJSON_IsString(item))
        return dec_to_b32(out, item->valuestring);
    if (cJSON_IsNumber(item)) {
        /* Beyond 2^53 a JSON number has already lost digits: refuse it. */
        if (item->valuedouble < 0 || item->valuedouble > 9007199254740991.0 ||
            item->valuedouble != (double)(uint64_t)item->valuedouble)
            return NT_ERR_RANGE;
        snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)item->valuedouble);
        return dec_to_b32(out, tmp);
    }
    return NT_ERR_JSON;
}

/* ---- credentials ----------------------------------------------------------- */

typedef struct credential {
    uint8_t attr[N_ATTR][32];
    uint8_t salt[32];
    uint8_t digest[32];
    bool have_attr, have_salt, have_digest;
    /* Only for prove. */
    uint8_t mask[N_ATTR];
    uint8_t threshold[32];
    long idx;
    bool have_claim;
} credential;

static nt_status parse_digest(uint8_t out[32], const char *hex)
{
    size_t len;
    nt_status st = nt_hex_decode(out, 32, &len, hex, strlen(hex));
    if (st != NT_OK)
        return st;
    return len == 32 ? NT_OK : NT_ERR_HEX;
}

/* Reads a credential file (proofs/README.md). Prints the problem and returns
 * NT_EXIT_USAGE on error, NT_EXIT_OK otherwise. */
static int credential_load(credential *cred, const char *path)
{
    uint8_t *text = NULL;
    size_t len, i;
    cJSON *root = NULL, *item, *arr;
    const char *what = NULL;
    nt_status st;
    int rc = NT_EXIT_USAGE;

    st = nt_cli_read_file(path, CRED_MAX, &text, &len);
    if (st != NT_OK) {
        nt_cli_usage_error("zk: %s: cannot read: %s", path,
                           st == NT_ERR_IO ? strerror(errno) : nt_strerror(st));
        return NT_EXIT_USAGE;
    }
    root = cJSON_ParseWithLength((const char *)text, len);
    if (!cJSON_IsObject(root)) {
        what = "not a JSON object";
        goto out;
    }
    arr = cJSON_GetObjectItemCaseSensitive(root, "attributes");
    if (arr) {
        if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != N_ATTR) {
            what = "\"attributes\" must be an array of 8 values";
            goto out;
        }
        for (i = 0; i < N_ATTR; i++)
            if (json_to_b32(cred->attr[i], cJSON_GetArrayItem(arr, (int)i)) != NT_OK) {
                what = "an attribute is not a decimal integer below 2^256";
                goto out;
            }
        cred->have_attr = true;
    }
    item = cJSON_GetObjectItemCaseSensitive(root, "salt");
    if (item) {
        if (json_to_b32(cred->salt, item) != NT_OK) {
            what = "\"salt\" is not a decimal integer";
            goto out;
        }
        cred->have_salt = true;
    }
    item = cJSON_GetObjectItemCaseSensitive(root, "keyDigest");
    if (item) {
        if (!cJSON_IsString(item) || parse_digest(cred->digest, item->valuestring) != NT_OK) {
            what = "\"keyDigest\" must be 64 hex digits";
            goto out;
        }
        cred->have_digest = true;
    }
    arr = cJSON_GetObjectItemCaseSensitive(root, "mask");
    item = cJSON_GetObjectItemCaseSensitive(root, "idx");
    if (arr || item) {
        if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != N_ATTR) {
            what = "\"mask\" must be an array of 8 bits";
            goto out;
        }
        for (i = 0; i < N_ATTR; i++) {
            const cJSON *m = cJSON_GetArrayItem(arr, (int)i);
            double d = cJSON_IsNumber(m) ? m->valuedouble
                       : cJSON_IsString(m) ? (strcmp(m->valuestring, "1") == 0 ? 1.0
                                              : strcmp(m->valuestring, "0") == 0 ? 0.0 : -1.0)
                                           : -1.0;
            if (d != 0.0 && d != 1.0) {
                what = "\"mask\" entries must be 0 or 1";
                goto out;
            }
            cred->mask[i] = (uint8_t)d;
        }
        if (cJSON_IsString(item)) {
            if (nt_cli_parse_long(item->valuestring, 0, N_ATTR - 1, &cred->idx) != NT_OK)
                item = NULL;
        } else if (cJSON_IsNumber(item) && item->valuedouble >= 0 && item->valuedouble < N_ATTR &&
                   item->valuedouble == (double)(long)item->valuedouble) {
            cred->idx = (long)item->valuedouble;
        } else {
            item = NULL;
        }
        if (!item) {
            what = "\"idx\" must be an integer in [0, 8)";
            goto out;
        }
        item = cJSON_GetObjectItemCaseSensitive(root, "threshold");
        if (!item || json_to_b32(cred->threshold, item) != NT_OK) {
            what = "\"threshold\" is missing or not a decimal integer";
            goto out;
        }
        cred->have_claim = true;
    }
    rc = NT_EXIT_OK;
out:
    if (what)
        nt_cli_usage_error("zk: %s: %s", path, what);
    cJSON_Delete(root);
    nt_free(text);
    return rc;
}

/* Parses "A0,A1,...,A7". */
static int parse_attr_list(credential *cred, const char *list)
{
    char buf[N_ATTR * (DEC_MAX + 1) + 1];
    char *p, *save = NULL;
    size_t n = 0;

    if (strlen(list) >= sizeof buf)
        return nt_cli_usage_error("zk: --attrs: too long");
    strcpy(buf, list);
    for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (n == N_ATTR)
            return nt_cli_usage_error("zk: --attrs: more than %d values", N_ATTR);
        if (dec_to_b32(cred->attr[n], p) != NT_OK)
            return nt_cli_usage_error("zk: --attrs: '%s' is not a decimal integer", p);
        n++;
    }
    if (n != N_ATTR)
        return nt_cli_usage_error("zk: --attrs: want %d values, got %zu", N_ATTR, n);
    cred->have_attr = true;
    return NT_EXIT_OK;
}

/* keyBinding and commitment of a complete credential; prints the problem. */
static int credential_commit(const credential *cred, const char *src, uint8_t kb[32],
                             uint8_t commitment[32])
{
    nt_status st;
    st = nt_zk_disclosure_key_binding(kb, cred->digest);
    if (st == NT_OK)
        st = nt_zk_disclosure_commitment(commitment, (const uint8_t(*)[32])cred->attr, cred->salt, kb);
    if (st == NT_ERR_RANGE)
        return nt_cli_usage_error("zk: %s: an attribute is >= 2^64 (the circuit range-checks 64 bits)", src);
    if (st == NT_ERR_ZK_SCALAR_RANGE)
        return nt_cli_usage_error("zk: %s: the salt is not below the field order r", src);
    if (st != NT_OK)
        return nt_cli_usage_error("zk: %s: %s", src, nt_strerror(st));
    return NT_EXIT_OK;
}

/* ---- verify ---------------------------------------------------------------- */

/* Failures of group membership in the proof: the file parses, the proof is
 * simply not a valid one. */
static bool is_invalid_proof_point(nt_status st)
{
    return st == NT_ERR_ZK_NOT_ON_CURVE || st == NT_ERR_ZK_NOT_ON_TWIST ||
           st == NT_ERR_ZK_NOT_IN_SUBGROUP || st == NT_ERR_ZK_PROOF_INFINITY;
}

static int read_json_file(const char *path, uint8_t **text, size_t *len)
{
    nt_status st = nt_cli_read_file(path, NT_ZK_MAX_JSON, text, len);
    if (st == NT_ERR_IO)
        return nt_cli_usage_error("zk verify: %s: cannot read: %s", path, strerror(errno));
    if (st == NT_ERR_CAP)
        return nt_cli_usage_error("zk verify: %s: larger than %u bytes", path, NT_ZK_MAX_JSON);
    if (st != NT_OK)
        return nt_cli_usage_error("zk verify: %s: %s", path, nt_strerror(st));
    return NT_EXIT_OK;
}

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

typedef struct verify_opts {
    bool quiet;            /* no verdict line on stdout */
    bool json;             /* the verdict as one JSON object */
    bool have_digest;      /* check keyBinding against this DNSKEY digest */
    uint8_t digest[32];
    bool have_commitment;  /* check the commitment against this value */
    uint8_t commitment[32];
} verify_opts;

/* The statement's public values as one JSON line; masked-out attributes are
 * left out (they read 0 whatever their value). */
static void print_statement_json(const nt_zk_public *pub)
{
    char d[DEC_MAX + 1], m[DEC_MAX + 1];
    size_t i;
    bool first = true;

    fputs("{\"valid\":true,\"disclosed\":{", stdout);
    for (i = 0; i < N_ATTR; i++) {
        if (nt_zk_public_get_dec(m, sizeof m, pub, SIG_MASK + i) != NT_OK || strcmp(m, "1") != 0)
            continue;
        if (nt_zk_public_get_dec(d, sizeof d, pub, SIG_DISCLOSED + i) != NT_OK)
            continue;
        printf("%s\"%zu\":\"%s\"", first ? "" : ",", i, d);
        first = false;
    }
    if (nt_zk_public_get_dec(d, sizeof d, pub, SIG_IDX) == NT_OK &&
        nt_zk_public_get_dec(m, sizeof m, pub, SIG_THRESHOLD) == NT_OK)
        printf("},\"claim\":{\"idx\":%s,\"atLeast\":\"%s\"}", d, m);
    else
        fputs("}", stdout);
    if (nt_zk_public_get_dec(d, sizeof d, pub, SIG_COMMITMENT) == NT_OK &&
        nt_zk_public_get_dec(m, sizeof m, pub, SIG_KEY_BINDING) == NT_OK)
        printf(",\"commitment\":\"%s\",\"keyBinding\":\"%s\"", d, m);
    puts("}");
}

/* After a valid proof: the statement-level checks of --key-digest and
 * --commitment. Returns an exit code (and prints why on failure). */
static int check_statement(const verify_opts *o, const nt_zk_public *pub, const char *pub_path)
{
    uint8_t got[32], kb[32];
    if (!o->have_digest && !o->have_commitment)
        return NT_EXIT_OK;
    if (nt_zk_public_count(pub) != SIG_COUNT)
        return nt_cli_usage_error("zk verify: %s: %zu public signals, not a selective-disclosure "
                                  "statement (%d)", pub_path, nt_zk_public_count(pub), SIG_COUNT);
    if (o->have_digest) {
        /* DESIGN §5: the proof must be bound to the key we saw, else it was
         * lifted from another device. */
        if (nt_zk_disclosure_key_binding(kb, o->digest) != NT_OK ||
            nt_zk_public_get_b32(got, pub, SIG_KEY_BINDING) != NT_OK || memcmp(got, kb, 32) != 0)
            return nt_cli_fail(NT_EXIT_NEGATIVE, "zk verify: %s: the proof is bound to another key "
                               "(keyBinding does not match --key-digest)", pub_path);
    }
    if (o->have_commitment) {
        if (nt_zk_public_get_b32(got, pub, SIG_COMMITMENT) != NT_OK ||
            memcmp(got, o->commitment, 32) != 0)
            return nt_cli_fail(NT_EXIT_NEGATIVE, "zk verify: %s: the proof is about another "
                               "commitment than --commitment", pub_path);
    }
    return NT_EXIT_OK;
}

static void print_invalid(const verify_opts *o)
{
    if (o->json)
        puts("{\"valid\":false}");
    else if (!o->quiet)
        puts("invalid");
}

/* Verifies the three files and applies the statement checks in o. */
static int verify_files(const char *vk_path, const char *proof_path, const char *pub_path,
                        const verify_opts *o)
{
    uint8_t *vk_text = NULL, *proof_text = NULL, *pub_text = NULL;
    size_t vk_len, proof_len, pub_len;
    nt_zk_vk *vk = NULL;
    nt_zk_public *pub = NULL;
    nt_zk_proof proof;
    nt_status st;
    int rc;

    rc = read_json_file(vk_path, &vk_text, &vk_len);
    if (rc == NT_EXIT_OK)
        rc = read_json_file(proof_path, &proof_text, &proof_len);
    if (rc == NT_EXIT_OK)
        rc = read_json_file(pub_path, &pub_text, &pub_len);
    if (rc != NT_EXIT_OK)
        goto out;

    /* One key, one proof: the one-shot path (nautilus/zk.h) skips the
     * preparation that pays off only over many proofs. */
    st = nt_zk_vk_parse_json_oneshot(&vk, (const char *)vk_text, vk_len);
    if (st != NT_OK) {
        rc = nt_cli_usage_error("zk verify: %s: unusable verification key: %s (%s)", vk_path,
                                nt_strerror(st), nt_status_name(st));
        goto out;
    }
    st = nt_zk_proof_parse_json(&proof, (const char *)proof_text, proof_len);
    if (st != NT_OK) {
        if (is_invalid_proof_point(st)) {
            rc = nt_cli_fail(NT_EXIT_NEGATIVE, "zk verify: %s: invalid proof: %s (%s)", proof_path,
                             nt_strerror(st), nt_status_name(st));
            print_invalid(o);
        } else {
            rc = nt_cli_usage_error("zk verify: %s: malformed proof: %s (%s)", proof_path,
                                    nt_strerror(st), nt_status_name(st));
        }
        goto out;
    }
    st = nt_zk_public_parse_json(&pub, (const char *)pub_text, pub_len);
    if (st != NT_OK) {
        rc = nt_cli_usage_error("zk verify: %s: malformed public signals: %s (%s)", pub_path,
                                nt_strerror(st), nt_status_name(st));
        goto out;
    }
    if (nt_zk_public_count(pub) != nt_zk_vk_public_count(vk)) {
        rc = nt_cli_usage_error("zk verify: %s: %zu public signals, the key expects %zu", pub_path,
                                nt_zk_public_count(pub), nt_zk_vk_public_count(vk));
        goto out;
    }
    st = nt_zk_groth16_verify(vk, &proof, pub);
    if (st == NT_OK) {
        rc = check_statement(o, pub, pub_path);
        if (rc == NT_EXIT_NEGATIVE)
            print_invalid(o);
        else if (rc == NT_EXIT_OK && o->json && nt_zk_public_count(pub) == SIG_COUNT)
            print_statement_json(pub);
        else if (rc == NT_EXIT_OK && o->json)
            puts("{\"valid\":true}");
        else if (rc == NT_EXIT_OK && !o->quiet)
            puts("valid");
    } else if (st == NT_ERR_ZK_PROOF_INVALID) {
        rc = nt_cli_fail(NT_EXIT_NEGATIVE, "zk verify: %s: invalid proof: the pairing check fails",
                         proof_path);
        print_invalid(o);
    } else {
        rc = nt_cli_usage_error("zk verify: %s: %s (%s)", proof_path, nt_strerror(st),
                                nt_status_name(st));
    }
out:
    nt_zk_public_destroy(pub);
    nt_zk_vk_destroy(vk);
    nt_free(vk_text);
    nt_free(proof_text);
    nt_free(pub_text);
    return rc;
}

static int zk_verify(int argc, char **argv)
{
    verify_opts o;
    const char *files[3];
    int i, nfiles = 0;

    memset(&o, 0, sizeof o);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (nt_cli_is_help(a)) {
            puts("usage: nautilus zk verify [--quiet|--json] [--key-digest HEX] [--commitment DEC]\n"
                 "                          VK.json PROOF.json PUBLIC.json\n\n"
                 "Verifies a snarkjs Groth16 proof (BN254) with the C verifier and prints\n"
                 "valid/invalid (--json: one object; for the selective-disclosure statement\n"
                 "with the disclosed attributes, the threshold claim, commitment, keyBinding).\n"
                 "--key-digest HEX: the proof must be bound to this DNSKEY digest (keyBinding);\n"
                 "--commitment DEC: and be about this issued commitment.\n"
                 "Exit 0 valid; 1 invalid (pairing check fails, a proof point off its curve,\n"
                 "outside the subgroup or at infinity, or bound to another key/commitment);\n"
                 "2 unreadable or malformed input (JSON, encodings, coordinate >= p, public\n"
                 "input >= r, counts, unusable key), with one line on stderr naming the file.");
            return NT_EXIT_OK;
        }
        if (strcmp(a, "--quiet") == 0) {
            o.quiet = true;
        } else if (strcmp(a, "--json") == 0) {
            o.json = true;
        } else if (strcmp(a, "--key-digest") == 0 && i + 1 < argc) {
            if (parse_digest(o.digest, argv[++i]) != NT_OK)
                return nt_cli_usage_error("zk verify: --key-digest: want 64 hex digits");
            o.have_digest = true;
        } else if (strcmp(a, "--commitment") == 0 && i + 1 < argc) {
            if (dec_to_b32(o.commitment, argv[++i]) != NT_OK)
                return nt_cli_usage_error("zk verify: --commitment: not a decimal integer");
            o.have_commitment = true;
        } else if (a[0] == '-' && a[1] != 0) {
            return nt_cli_usage_error("zk verify: unknown option '%s' (see --help)", a);
        } else if (nfiles < 3) {
            files[nfiles++] = a;
        } else {
            nfiles++;
        }
    }
    if (nfiles != 3)
        return nt_cli_usage_error("zk verify: want VK.json PROOF.json PUBLIC.json (see --help)");
    return verify_files(files[0], files[1], files[2], &o);
}

/* ---- commit ---------------------------------------------------------------- */

static int zk_commit(int argc, char **argv)
{
    credential cred;
    uint8_t kb[32], c[32];
    char kb_dec[DEC_MAX + 1], c_dec[DEC_MAX + 1];
    const char *src = "arguments";
    bool json = false;
    int i, rc;

    memset(&cred, 0, sizeof cred);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (nt_cli_is_help(a)) {
            puts("usage: nautilus zk commit [--credential FILE] [--attrs A0,...,A7] [--salt DEC]\n"
                 "                          [--key-digest HEX] [--json]\n\n"
                 "Prints the credential commitment Poseidon(Poseidon(attrs), salt, keyBinding)\n"
                 "and keyBinding = Poseidon(hi128(digest), lo128(digest)), in decimal.\n"
                 "The key digest is the agent's DNSKEY digest (SHA-256, 64 hex digits); until\n"
                 "key files are wired in it is given with --key-digest or in the credential.\n"
                 "Flags override the credential file's fields.");
            return NT_EXIT_OK;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
            continue;
        }
        if (i + 1 >= argc)
            return nt_cli_usage_error("zk commit: '%s' needs a value or is unknown", a);
        if (strcmp(a, "--credential") == 0) {
            rc = credential_load(&cred, argv[++i]);
            if (rc != NT_EXIT_OK)
                return rc;
            src = argv[i];
        } else if (strcmp(a, "--attrs") == 0) {
            rc = parse_attr_list(&cred, argv[++i]);
            if (rc != NT_EXIT_OK)
                return rc;
        } else if (strcmp(a, "--salt") == 0) {
            if (dec_to_b32(cred.salt, argv[++i]) != NT_OK)
                return nt_cli_usage_error("zk commit: --salt: not a decimal integer");
            cred.have_salt = true;
        } else if (strcmp(a, "--key-digest") == 0) {
            if (parse_digest(cred.digest, argv[++i]) != NT_OK)
                return nt_cli_usage_error("zk commit: --key-digest: want 64 hex digits");
            cred.have_digest = true;
        } else {
            return nt_cli_usage_error("zk commit: unknown option '%s'", a);
        }
    }
    if (!cred.have_attr || !cred.have_salt || !cred.have_digest)
        return nt_cli_usage_error("zk commit: need attributes, salt and key digest (see --help)");
    rc = credential_commit(&cred, src, kb, c);
    if (rc != NT_EXIT_OK)
        return rc;
    b32_to_dec(kb_dec, kb);
    b32_to_dec(c_dec, c);
    if (json)
        printf("{\"commitment\":\"%s\",\"keyBinding\":\"%s\"}\n", c_dec, kb_dec);
    else
        printf("commitment %s\nkeyBinding %s\n", c_dec, kb_dec);
    return NT_EXIT_OK;
}

/* ---- prove ----------------------------------------------------------------- */

/* Runs argv as a child (no shell). With out != NULL its stdout is captured
 * into out[0..cap) (NUL-terminated, trailing newline removed). Returns the
 * exit status, or -1 if it could not run or died from a signal. */
static int run_child(char *const *argv, char *out, size_t cap)
{
    int fds[2] = {-1, -1}, status;
    size_t len = 0;
    ssize_t n;
    pid_t pid;

    if (out && pipe(fds) != 0)
        return -1;
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        if (out) {
            close(fds[0]);
            close(fds[1]);
        }
        return -1;
    }
    if (pid == 0) {
        if (out) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
        } else {
            /* snarkjs progress goes to stderr, keep our stdout clean. */
            dup2(STDERR_FILENO, STDOUT_FILENO);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    if (out) {
        close(fds[1]);
        while ((n = read(fds[0], out + len, cap - 1 - len)) > 0) {
            len += (size_t)n;
            if (len == cap - 1)
                break;
        }
        close(fds[0]);
        out[len] = 0;
        while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
            out[--len] = 0;
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Writes the circuit input (proofs/circuits/disclosure.circom). */
static int write_input(const char *path, const credential *cred, const uint8_t kb[32],
                       const uint8_t c[32])
{
    char d[DEC_MAX + 1];
    FILE *f = fopen(path, "w");
    size_t i;
    int bad;

    if (!f)
        return nt_cli_usage_error("zk prove: %s: cannot write: %s", path, strerror(errno));
    fputs("{\n \"attr\": [", f);
    for (i = 0; i < N_ATTR; i++) {
        b32_to_dec(d, cred->attr[i]);
        fprintf(f, "%s\"%s\"", i ? ", " : "", d);
    }
    b32_to_dec(d, cred->salt);
    fprintf(f, "],\n \"salt\": \"%s\",\n", d);
    b32_to_dec(d, c);
    fprintf(f, " \"commitment\": \"%s\",\n", d);
    b32_to_dec(d, kb);
    fprintf(f, " \"keyBinding\": \"%s\",\n \"mask\": [", d);
    for (i = 0; i < N_ATTR; i++)
        fprintf(f, "%s\"%u\"", i ? ", " : "", cred->mask[i]);
    b32_to_dec(d, cred->threshold);
    fprintf(f, "],\n \"idx\": \"%ld\",\n \"threshold\": \"%s\"\n}\n", cred->idx, d);
    bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return nt_cli_usage_error("zk prove: %s: write failed", path);
    return NT_EXIT_OK;
}

static int zk_prove(int argc, char **argv)
{
    credential cred;
    const char *cred_path = NULL, *outdir = ".", *key = "main", *digest_hex = NULL;
    const char *proofs = getenv("NAUTILUS_PROOFS_DIR");
    char script[PATH_CAP], setup_script[PATH_CAP], input[PATH_CAP], setup[SETUP_OUT_CAP];
    char vk[PATH_CAP], proof[PATH_CAP], pub[PATH_CAP];
    uint8_t kb[32], c[32];
    uint64_t value, threshold;
    int i, rc;

    if (!proofs || !*proofs)
        proofs = NT_PROOFS_DIR;
    memset(&cred, 0, sizeof cred);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (nt_cli_is_help(a)) {
            puts("usage: nautilus zk prove CREDENTIAL.json [-o DIR] [--key-digest HEX]\n"
                 "                         [--setup main|alt] [--proofs DIR]\n\n"
                 "Computes keyBinding and the commitment, writes DIR/input.json and runs the\n"
                 "snarkjs prover (node, pinned in node_modules) with the cached development\n"
                 "setup (proofs/scripts/setup.sh; built on first use), producing\n"
                 "DIR/proof.json and DIR/public.json, then checks them with the C verifier.\n"
                 "DIR defaults to '.'; --proofs (or NAUTILUS_PROOFS_DIR) locates proofs/.\n"
                 "Exit 1 if the credential does not meet its threshold claim.");
            return NT_EXIT_OK;
        }
        if (a[0] != '-') {
            if (cred_path)
                return nt_cli_usage_error("zk prove: more than one credential file");
            cred_path = a;
            continue;
        }
        if (i + 1 >= argc)
            return nt_cli_usage_error("zk prove: '%s' needs a value or is unknown", a);
        if (strcmp(a, "-o") == 0)
            outdir = argv[++i];
        else if (strcmp(a, "--key-digest") == 0)
            digest_hex = argv[++i];
        else if (strcmp(a, "--setup") == 0)
            key = argv[++i];
        else if (strcmp(a, "--proofs") == 0)
            proofs = argv[++i];
        else
            return nt_cli_usage_error("zk prove: unknown option '%s'", a);
    }
    if (!cred_path)
        return nt_cli_usage_error("zk prove: want CREDENTIAL.json (see --help)");
    if (strcmp(key, "main") != 0 && strcmp(key, "alt") != 0)
        return nt_cli_usage_error("zk prove: --setup: want main or alt");
    rc = credential_load(&cred, cred_path);
    if (rc != NT_EXIT_OK)
        return rc;
    if (digest_hex) {
        if (parse_digest(cred.digest, digest_hex) != NT_OK)
            return nt_cli_usage_error("zk prove: --key-digest: want 64 hex digits");
        cred.have_digest = true;
    }
    if (!cred.have_attr || !cred.have_salt || !cred.have_digest || !cred.have_claim)
        return nt_cli_usage_error("zk prove: %s: need attributes, salt, keyDigest, mask, idx, threshold",
                                  cred_path);
    rc = credential_commit(&cred, cred_path, kb, c);
    if (rc != NT_EXIT_OK)
        return rc;
    if (!b32_to_u64(&threshold, cred.threshold))
        return nt_cli_usage_error("zk prove: %s: threshold is >= 2^64", cred_path);
    /* credential_commit checked every attribute is < 2^64. */
    if (!b32_to_u64(&value, cred.attr[cred.idx]) || value < threshold)
        return nt_cli_fail(NT_EXIT_NEGATIVE, "zk prove: %s: attribute %ld is below the threshold; "
                           "no proof exists", cred_path, cred.idx);

    if (mkdir(outdir, 0755) != 0 && errno != EEXIST)
        return nt_cli_usage_error("zk prove: %s: %s", outdir, strerror(errno));
    if ((size_t)snprintf(input, sizeof input, "%s/input.json", outdir) >= sizeof input ||
        (size_t)snprintf(proof, sizeof proof, "%s/proof.json", outdir) >= sizeof proof ||
        (size_t)snprintf(pub, sizeof pub, "%s/public.json", outdir) >= sizeof pub ||
        (size_t)snprintf(script, sizeof script, "%s/scripts/prove.sh", proofs) >= sizeof script ||
        (size_t)snprintf(setup_script, sizeof setup_script, "%s/scripts/setup.sh", proofs) >=
            sizeof setup_script)
        return nt_cli_usage_error("zk prove: path too long");
    if (access(script, R_OK) != 0)
        return nt_cli_usage_error("zk prove: %s: %s (use --proofs DIR)", script, strerror(errno));
    rc = write_input(input, &cred, kb, c);
    if (rc != NT_EXIT_OK)
        return rc;

    {
        char *setup_argv[] = {"bash", setup_script, (char *)key, NULL};
        char *prove_argv[] = {"bash", script, input, (char *)outdir, (char *)key, NULL};
        if (run_child(setup_argv, setup, sizeof setup) != 0 || setup[0] == 0)
            return nt_cli_usage_error("zk prove: the setup script failed (%s)", setup_script);
        if (run_child(prove_argv, NULL, 0) != 0)
            return nt_cli_usage_error("zk prove: the snarkjs prover failed (%s)", script);
    }
    if ((size_t)snprintf(vk, sizeof vk, "%s/verification_key.json", setup) >= sizeof vk)
        return nt_cli_usage_error("zk prove: path too long");
    /* Check what snarkjs wrote with our own verifier before handing it out. */
    {
        verify_opts o;
        memset(&o, 0, sizeof o);
        o.quiet = true;
        o.have_digest = true;
        memcpy(o.digest, cred.digest, 32);
        o.have_commitment = true;
        memcpy(o.commitment, c, 32);
        rc = verify_files(vk, proof, pub, &o);
    }
    if (rc != NT_EXIT_OK)
        return nt_cli_fail(rc, "zk prove: the new proof does not verify");
    printf("proof %s\npublic %s\nverification_key %s\n", proof, pub, vk);
    return NT_EXIT_OK;
}

/* ---- dispatch -------------------------------------------------------------- */

int nt_cmd_zk(int argc, char **argv)
{
    if (argc < 2)
        return nt_cli_usage_error("zk: want verify, commit or prove (see 'nautilus zk --help')");
    if (nt_cli_is_help(argv[1])) {
        puts("usage: nautilus zk verify VK.json PROOF.json PUBLIC.json\n"
             "       nautilus zk commit [--credential FILE] [--attrs A0,...,A7] [--salt DEC]\n"
             "                          [--key-digest HEX] [--json]\n"
             "       nautilus zk prove CREDENTIAL.json [-o DIR] [--key-digest HEX] [--setup main|alt]\n\n"
             "Selective-disclosure proofs (Groth16 over BN254, circuits in proofs/).\n"
             "'nautilus zk SUBCOMMAND --help' describes each.");
        return NT_EXIT_OK;
    }
    if (strcmp(argv[1], "verify") == 0)
        return zk_verify(argc - 1, argv + 1);
    if (strcmp(argv[1], "commit") == 0)
        return zk_commit(argc - 1, argv + 1);
    if (strcmp(argv[1], "prove") == 0)
        return zk_prove(argc - 1, argv + 1);
    return nt_cli_usage_error("zk: unknown subcommand '%s' (verify, commit, prove)", argv[1]);
}
