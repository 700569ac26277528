/*
 * agent/run/zk_run.h - the work of `nautilus zk` (DESIGN §5), shared by the
 * command (tools/cmd_zk.c: options, output) and the agent's control socket
 * (ctl_zk.c: `zk_verify` requests).
 *
 * Verification is one function on the three JSON texts that writes what
 * the command prints (stdout text, and at most one stderr line without the
 * "nautilus: " prefix) and returns the exit code: the command run
 * in-process and the agent answering a request use it alike, so both print
 * the same. With a key cache (nautilus/zk.h) a key seen before is taken
 * from it, prepared from its second sight; without one the key is parsed
 * one-shot. All data here is public.
 */
#ifndef NAUTILUS_AGENT_RUN_ZK_RUN_H
#define NAUTILUS_AGENT_RUN_ZK_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/buf.h"
#include "nautilus/zk.h"
#include "nautilus/zk_poseidon.h"

#define NT_ZK_RUN_DEC_MAX 78   /* 2^256 has 78 digits */
#define NT_ZK_RUN_ERR_CAP 1024 /* one stderr line */

/* ---- numbers -------------------------------------------------------------- */

/* Strict decimal text (no sign, no leading zero, at most 78 digits) to a
 * 32-byte big-endian integer. NT_ERR_INVALID_ARG if malformed, NT_ERR_RANGE
 * if >= 2^256. */
NT_WUR nt_status nt_zk_run_dec_to_b32(uint8_t out[32], const char *s);

/* 32-byte big-endian integer to decimal text. */
void nt_zk_run_b32_to_dec(char out[NT_ZK_RUN_DEC_MAX + 1], const uint8_t in[32]);

/* 64 hex digits to 32 bytes; NT_ERR_HEX otherwise. */
NT_WUR nt_status nt_zk_run_parse_digest(uint8_t out[32], const char *hex);

/* ---- credentials ------------------------------------------------------------ */

typedef struct nt_zk_cred {
    uint8_t attr[NT_ZK_DISCLOSURE_ATTRS][32];
    uint8_t salt[32];
    uint8_t digest[32];
    bool have_attr, have_salt, have_digest;
    /* Only for prove. */
    uint8_t mask[NT_ZK_DISCLOSURE_ATTRS];
    uint8_t threshold[32];
    long idx;
    bool have_claim;
} nt_zk_cred;

/* Reads a credential file (proofs/README.md) into cred (fields it has).
 * Prints the problem ("zk: PATH: ...") and returns NT_EXIT_USAGE on error,
 * NT_EXIT_OK otherwise. */
int nt_zk_cred_load(nt_zk_cred *cred, const char *path);

/* Parses "A0,A1,...,A7" into cred->attr; prints the problem (exit 2). */
int nt_zk_cred_parse_attrs(nt_zk_cred *cred, const char *list);

/* keyBinding and commitment of a complete credential; src names it in the
 * error line. Returns an exit code. */
int nt_zk_cred_commit(const nt_zk_cred *cred, const char *src, uint8_t kb[32],
                      uint8_t commitment[32]);

/* ---- verify ----------------------------------------------------------------- */

typedef struct nt_zk_verify_opts {
    bool quiet;            /* no verdict line on stdout */
    bool json;             /* the verdict as one JSON object */
    bool have_digest;      /* check keyBinding against this DNSKEY digest */
    uint8_t digest[32];
    bool have_commitment;  /* check the commitment against this value */
    uint8_t commitment[32];
} nt_zk_verify_opts;

/* The three documents of a verification and the names the messages give
 * them (the command's file names). */
typedef struct nt_zk_verify_in {
    const char *text[3]; /* verification key, proof, public signals */
    size_t len[3];
    const char *name[3];
} nt_zk_verify_in;

/* How the key was used, for the agent's counters. */
typedef struct nt_zk_verify_info {
    bool key_ok;       /* the key parsed */
    bool prepared;     /* the verification ran on a prepared key */
    bool verified;     /* the pairing check ran */
} nt_zk_verify_info;

/* Reads the three files named in paths (at most NT_ZK_MAX_JSON bytes
 * each) into texts for nt_free. Returns an exit code; on error one line in
 * err ("zk verify: PATH: ...") and nothing is left to free. */
int nt_zk_run_read(char *texts[3], size_t lens[3], const char *const paths[3], char *err,
                   size_t err_cap);

/* Verifies in (with the statement checks of o) as `zk verify` does: the
 * verdict for stdout is appended to out, one error line (if any) written
 * to err (else err[0] = 0); returns the exit code (0 valid, 1 invalid, 2
 * malformed input). cache NULL: a one-shot key. info may be NULL. */
int nt_zk_run_verify(nt_zk_vk_cache *cache, const nt_zk_verify_opts *o, const nt_zk_verify_in *in,
                     nt_dynbuf *out, char *err, size_t err_cap, nt_zk_verify_info *info);

/* nt_zk_run_read and nt_zk_run_verify without a cache, printed: the
 * verdict on stdout, the error line on stderr. Returns the exit code. */
int nt_zk_run_verify_files(const nt_zk_verify_opts *o, const char *const paths[3]);

/* Prints what nt_zk_run_verify wrote (out on stdout, err as one stderr
 * line if not empty) and returns code. */
int nt_zk_run_print(int code, const char *out, size_t out_len, const char *err);

/* ---- prove ------------------------------------------------------------------ */

typedef struct nt_zk_prove_args {
    const char *cred_path;
    const char *outdir;     /* "." by default */
    const char *setup;      /* "main" or "alt" */
    const char *digest_hex; /* NULL: the credential's keyDigest */
    const char *proofs;     /* the proofs/ directory */
} nt_zk_prove_args;

/* `zk prove` once its options are read: the credential, the circuit
 * input, the snarkjs setup and prover, and our check of what it wrote.
 * Prints as the command does and returns its exit code. */
int nt_zk_run_prove(const nt_zk_prove_args *a);

#endif
