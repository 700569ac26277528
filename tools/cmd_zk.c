/*
 * nautilus zk: Groth16 verification of snarkjs files, and the commitment and
 * proving steps of the selective-disclosure credential (DESIGN §5,
 * proofs/README.md).
 *
 *   nautilus zk verify [--control PATH|--no-agent] VK.json PROOF.json PUBLIC.json
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
 * stderr naming the file and the problem. With a running agent (and no
 * --no-agent) verify asks the agent, which prints the same (zk_client.h).
 *
 * This file reads options and prints help; the work is in agent/run
 * (zk_run.h: zk_cred.c, zk_verify_run.c, zk_prove_run.c; zk_client.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "zk_client.h"
#include "zk_run.h"

#ifndef NT_PROOFS_DIR
#define NT_PROOFS_DIR "proofs"
#endif

/* ---- verify ---------------------------------------------------------------- */

static const char verify_help[] =
    "usage: nautilus zk verify [--quiet|--json] [--key-digest HEX] [--commitment DEC]\n"
    "                          [--control PATH|--no-agent] VK.json PROOF.json PUBLIC.json\n\n"
    "Verifies a snarkjs Groth16 proof (BN254) with the C verifier and prints\n"
    "valid/invalid (--json: one object; for the selective-disclosure statement\n"
    "with the disclosed attributes, the threshold claim, commitment, keyBinding).\n"
    "--key-digest HEX: the proof must be bound to this DNSKEY digest (keyBinding);\n"
    "--commitment DEC: and be about this issued commitment.\n"
    "With a running agent the files are sent to it and it verifies (keys it has\n"
    "seen before are prepared and cached there); otherwise, or with --no-agent,\n"
    "in this process. The output is the same either way.\n"
    NT_CTLC_HELP
    "Exit 0 valid; 1 invalid (pairing check fails, a proof point off its curve,\n"
    "outside the subgroup or at infinity, or bound to another key/commitment);\n"
    "2 unreadable or malformed input (JSON, encodings, coordinate >= p, public\n"
    "input >= r, counts, unusable key), with one line on stderr naming the file.";

/* One option at argv[*i]; returns an exit code (NT_EXIT_OK to go on). */
static int verify_option(nt_zk_verify_opts *o, nt_ctlc_opts *co, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    int code;
    if (nt_ctlc_option("zk verify", argc, argv, i, co, &code))
        return code;
    if (strcmp(a, "--quiet") == 0) {
        o->quiet = true;
    } else if (strcmp(a, "--json") == 0) {
        o->json = true;
    } else if (strcmp(a, "--key-digest") == 0 && *i + 1 < argc) {
        if (nt_zk_run_parse_digest(o->digest, argv[++*i]) != NT_OK)
            return nt_cli_usage_error("zk verify: --key-digest: want 64 hex digits");
        o->have_digest = true;
    } else if (strcmp(a, "--commitment") == 0 && *i + 1 < argc) {
        if (nt_zk_run_dec_to_b32(o->commitment, argv[++*i]) != NT_OK)
            return nt_cli_usage_error("zk verify: --commitment: not a decimal integer");
        o->have_commitment = true;
    } else {
        return nt_cli_usage_error("zk verify: unknown option '%s' (see --help)", a);
    }
    return NT_EXIT_OK;
}

static int zk_verify(int argc, char **argv)
{
    nt_zk_verify_opts o;
    nt_ctlc_opts co;
    const char *files[3];
    int i, rc, nfiles = 0;

    memset(&o, 0, sizeof o);
    memset(&co, 0, sizeof co);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (nt_cli_is_help(a)) {
            puts(verify_help);
            return NT_EXIT_OK;
        }
        if (a[0] == '-' && a[1] != 0) {
            if ((rc = verify_option(&o, &co, argc, argv, &i)) != NT_EXIT_OK)
                return rc;
        } else if (nfiles < 3) {
            files[nfiles++] = a;
        } else {
            nfiles++;
        }
    }
    if (nfiles != 3)
        return nt_cli_usage_error("zk verify: want VK.json PROOF.json PUBLIC.json (see --help)");
    rc = nt_zk_verify_agent(&co, &o, files);
    if (rc != NT_CTLC_IN_PROCESS)
        return rc;
    return nt_zk_run_verify_files(&o, files);
}

/* ---- commit ---------------------------------------------------------------- */

static const char commit_help[] =
    "usage: nautilus zk commit [--credential FILE] [--attrs A0,...,A7] [--salt DEC]\n"
    "                          [--key-digest HEX] [--json]\n\n"
    "Prints the credential commitment Poseidon(Poseidon(attrs), salt, keyBinding)\n"
    "and keyBinding = Poseidon(hi128(digest), lo128(digest)), in decimal.\n"
    "The key digest is the agent's DNSKEY digest (SHA-256, 64 hex digits); until\n"
    "key files are wired in it is given with --key-digest or in the credential.\n"
    "Flags override the credential file's fields.";

/* One option with its value at argv[*i]; returns an exit code. */
static int commit_option(nt_zk_cred *cred, const char **src, char **argv, int *i)
{
    const char *a = argv[*i], *v = argv[++*i];
    int rc = NT_EXIT_OK;
    if (strcmp(a, "--credential") == 0) {
        if ((rc = nt_zk_cred_load(cred, v)) == NT_EXIT_OK)
            *src = v;
    } else if (strcmp(a, "--attrs") == 0) {
        rc = nt_zk_cred_parse_attrs(cred, v);
    } else if (strcmp(a, "--salt") == 0) {
        if (nt_zk_run_dec_to_b32(cred->salt, v) != NT_OK)
            return nt_cli_usage_error("zk commit: --salt: not a decimal integer");
        cred->have_salt = true;
    } else if (strcmp(a, "--key-digest") == 0) {
        if (nt_zk_run_parse_digest(cred->digest, v) != NT_OK)
            return nt_cli_usage_error("zk commit: --key-digest: want 64 hex digits");
        cred->have_digest = true;
    } else {
        return nt_cli_usage_error("zk commit: unknown option '%s'", a);
    }
    return rc;
}

static int zk_commit(int argc, char **argv)
{
    nt_zk_cred cred;
    uint8_t kb[32], c[32];
    char kb_dec[NT_ZK_RUN_DEC_MAX + 1], c_dec[NT_ZK_RUN_DEC_MAX + 1];
    const char *src = "arguments";
    bool json = false;
    int i, rc;

    memset(&cred, 0, sizeof cred);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (nt_cli_is_help(a)) {
            puts(commit_help);
            return NT_EXIT_OK;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
            continue;
        }
        if (i + 1 >= argc)
            return nt_cli_usage_error("zk commit: '%s' needs a value or is unknown", a);
        if ((rc = commit_option(&cred, &src, argv, &i)) != NT_EXIT_OK)
            return rc;
    }
    if (!cred.have_attr || !cred.have_salt || !cred.have_digest)
        return nt_cli_usage_error("zk commit: need attributes, salt and key digest (see --help)");
    rc = nt_zk_cred_commit(&cred, src, kb, c);
    if (rc != NT_EXIT_OK)
        return rc;
    nt_zk_run_b32_to_dec(kb_dec, kb);
    nt_zk_run_b32_to_dec(c_dec, c);
    if (json)
        printf("{\"commitment\":\"%s\",\"keyBinding\":\"%s\"}\n", c_dec, kb_dec);
    else
        printf("commitment %s\nkeyBinding %s\n", c_dec, kb_dec);
    return NT_EXIT_OK;
}

/* ---- prove ----------------------------------------------------------------- */

static const char prove_help[] =
    "usage: nautilus zk prove CREDENTIAL.json [-o DIR] [--key-digest HEX]\n"
    "                         [--setup main|alt] [--proofs DIR]\n\n"
    "Computes keyBinding and the commitment, writes DIR/input.json and runs the\n"
    "snarkjs prover (node, pinned in node_modules) with the cached development\n"
    "setup (proofs/scripts/setup.sh; built on first use), producing\n"
    "DIR/proof.json and DIR/public.json, then checks them with the C verifier.\n"
    "DIR defaults to '.'; --proofs (or NAUTILUS_PROOFS_DIR) locates proofs/.\n"
    "Exit 1 if the credential does not meet its threshold claim.";

static int zk_prove(int argc, char **argv)
{
    nt_zk_prove_args pa = {NULL, ".", "main", NULL, getenv("NAUTILUS_PROOFS_DIR")};
    int i;

    if (!pa.proofs || !*pa.proofs)
        pa.proofs = NT_PROOFS_DIR;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (nt_cli_is_help(a)) {
            puts(prove_help);
            return NT_EXIT_OK;
        }
        if (a[0] != '-') {
            if (pa.cred_path)
                return nt_cli_usage_error("zk prove: more than one credential file");
            pa.cred_path = a;
            continue;
        }
        if (i + 1 >= argc)
            return nt_cli_usage_error("zk prove: '%s' needs a value or is unknown", a);
        if (strcmp(a, "-o") == 0)
            pa.outdir = argv[++i];
        else if (strcmp(a, "--key-digest") == 0)
            pa.digest_hex = argv[++i];
        else if (strcmp(a, "--setup") == 0)
            pa.setup = argv[++i];
        else if (strcmp(a, "--proofs") == 0)
            pa.proofs = argv[++i];
        else
            return nt_cli_usage_error("zk prove: unknown option '%s'", a);
    }
    if (!pa.cred_path)
        return nt_cli_usage_error("zk prove: want CREDENTIAL.json (see --help)");
    if (strcmp(pa.setup, "main") != 0 && strcmp(pa.setup, "alt") != 0)
        return nt_cli_usage_error("zk prove: --setup: want main or alt");
    return nt_zk_run_prove(&pa);
}

/* ---- dispatch -------------------------------------------------------------- */

int nt_cmd_zk(int argc, char **argv)
{
    if (argc < 2)
        return nt_cli_usage_error("zk: want verify, commit or prove (see 'nautilus zk --help')");
    if (nt_cli_is_help(argv[1])) {
        puts("usage: nautilus zk verify [--control PATH|--no-agent] VK.json PROOF.json PUBLIC.json\n"
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
