/*
 * nautilus/zk.h - Groth16 verification over BN254 (alt_bn128), reading the
 * files snarkjs writes, and the EIP-196/197 precompile operations.
 *
 * PUBLIC DATA ONLY. Everything in this module verifies: verification keys,
 * proofs and public inputs are public, so the arithmetic is variable-time
 * (the _var convention of the private headers) and must never be used with
 * secrets.
 *
 * On x86-64 CPUs with BMI2 and ADX the field products use mulx/adcx/adox
 * (detected at load time); elsewhere, or built with -DNT_ZK_PORTABLE, the
 * same values come from portable C.
 *
 * Strictness (DESIGN §5): every input is validated before any pairing is
 * computed, and each kind of rejection has its own status:
 *   NT_ERR_ZK_COORD_RANGE      a coordinate >= p (never reduced)
 *   NT_ERR_ZK_NOT_ON_CURVE     G1 point not on y^2 = x^3 + 3
 *   NT_ERR_ZK_NOT_ON_TWIST     G2 point not on y^2 = x^3 + 3/(9+u)
 *   NT_ERR_ZK_NOT_IN_SUBGROUP  G2 point outside the r-order subgroup
 *   NT_ERR_ZK_PROOF_INFINITY   A, B or C is the point at infinity
 *   NT_ERR_ZK_INPUT_RANGE      a public input >= r (never reduced)
 *   NT_ERR_ZK_INPUT_COUNT      input count differs from the key's nPublic
 *   NT_ERR_ZK_VK_DEGENERATE    key with delta == gamma or delta == G2 generator
 *   NT_ERR_ZK_VK_MISMATCH      vk_alphabeta_12 differs from e(alpha, beta)
 *                              (checked when a key is prepared)
 *   NT_ERR_ZK_PROTOCOL         not "groth16" / "bn128"
 *   NT_ERR_ZK_PROOF_INVALID    everything well formed, pairing check false
 *   NT_ERR_ZK_ENCODING         malformed number text or byte layout
 *   NT_ERR_JSON                malformed JSON or wrong JSON shape, or a
 *                              document that holds a NUL (a raw NUL byte,
 *                              or a \u escape cJSON decodes to NUL), which
 *                              would cut a number short
 * Only NT_OK means "valid". Groth16 proofs are malleable: never use proof
 * bytes as identifiers.
 *
 * Two ways to use a key (DESIGN section 5), with the same results:
 *  - one-shot (nt_zk_vk_parse_json_oneshot): validated, nothing computed;
 *    a verification computes vk_x by one variable-base multi-scalar
 *    multiplication and checks the equation below with one 4-pair Miller
 *    loop (lines of beta, gamma, delta made as it goes) and one final
 *    exponentiation. For a key used once: the `zk verify` command, the
 *    first sight of an unknown key.
 *  - prepared (nt_zk_vk_parse_json, or nt_zk_vk_prepare later):
 *    e(alpha, beta), fixed-base tables for vk_x (~36 KB per public input,
 *    the first 64 inputs) and the lines of gamma and delta are computed
 *    once, and every verification after that is cheaper (a 3-pair loop).
 *    For a key that verifies many proofs; nt_zk_vk_cache makes the choice
 *    by itself (it prepares a key on its second sight).
 * The two differ in when two key checks happen, both of which come with
 * e(alpha, beta) (see nt_zk_vk_parse_json): a prepared key refuses a beta
 * outside G2 and a wrong vk_alphabeta_12 at parse (or nt_zk_vk_prepare);
 * a one-shot key fails every verification with NT_ERR_ZK_NOT_IN_SUBGROUP
 * for such a beta, and does not cross-check vk_alphabeta_12 at all (a
 * redundant field that snarkjs never reads to verify; verdicts do not
 * depend on it).
 * Figures (bench/README.md) for the 20-input disclosure circuit on the
 * 2-core development VM: parse + check + verify from the JSON texts in one
 * shot ~0.95 ms (the key's parse computes no pairing: ~10 % of it); a
 * prepared verification ~0.5 ms; preparing ~5 ms, nearly all of it the
 * tables, which save ~40 us per verification (the lines of gamma and delta
 * save ~100 us). A key, proof and input list are immutable once parsed
 * (and prepared): verifications may run concurrently on them.
 *
 * Byte layouts (EIP-196 / EIP-197): integers are 32-byte big-endian; a G1
 * point is x || y (64 bytes), infinity is all zero; a G2 point is
 * x.c1 || x.c0 || y.c1 || y.c0 (128 bytes, imaginary part FIRST), infinity
 * all zero. snarkjs JSON writes Fp2 as [c0, c1] (real part first).
 */
#ifndef NAUTILUS_ZK_H
#define NAUTILUS_ZK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps on what a parser accepts. */
#define NT_ZK_MAX_PUBLIC 1024          /* public inputs per key / per statement */
#define NT_ZK_MAX_JSON (4u << 20)      /* bytes of one JSON document */

#define NT_ZK_G1_BYTES 64
#define NT_ZK_G2_BYTES 128
#define NT_ZK_PROOF_BYTES 256          /* A (G1) || B (G2) || C (G1) */
#define NT_ZK_GT_BYTES 384             /* 12 Fp, see nt_zk_bn254_pairing */

/* ---- Groth16 ------------------------------------------------------------ */

/* A validated verification key (opaque; heap), prepared or not (see top). */
typedef struct nt_zk_vk nt_zk_vk;

/* Validated public inputs (opaque; heap). */
typedef struct nt_zk_public nt_zk_public;

/* A validated proof: A and C on G1, B in the r-order subgroup of G2, none
 * at infinity. The fields are the internal representation (Montgomery-form
 * affine coordinates); treat them as opaque and fill the struct only
 * through the parse functions below. */
typedef struct nt_zk_proof {
    uint64_t a[2][4];
    uint64_t b[4][4];
    uint64_t c[2][4];
} nt_zk_proof;

/* Parses snarkjs verification_key.json (json[0..len), need not be
 * NUL-terminated): "protocol":"groth16", "curve":"bn128", "nPublic",
 * vk_alpha_1, vk_beta_2, vk_gamma_2, vk_delta_2, IC (nPublic + 1 points) and,
 * when present, vk_alphabeta_12. Every point is validated (range, curve or
 * twist, G2 subgroup: beta's comes with e(alpha, beta)); delta must differ
 * from gamma and from the G2 generator; e(alpha, beta) is computed and,
 * when the file has vk_alphabeta_12, must equal it exactly
 * (NT_ERR_ZK_VK_MISMATCH). The key is prepared (see top).
 * On success *out is a new key for nt_zk_vk_destroy.
 * Returns NT_OK, NT_ERR_JSON, NT_ERR_ZK_PROTOCOL, NT_ERR_ZK_ENCODING,
 * NT_ERR_ZK_COORD_RANGE, NT_ERR_ZK_NOT_ON_CURVE, NT_ERR_ZK_NOT_ON_TWIST,
 * NT_ERR_ZK_NOT_IN_SUBGROUP, NT_ERR_ZK_INPUT_COUNT (nPublic does not match
 * IC, or exceeds NT_ZK_MAX_PUBLIC), NT_ERR_ZK_VK_DEGENERATE,
 * NT_ERR_ZK_VK_MISMATCH, NT_ERR_CAP (len > NT_ZK_MAX_JSON), NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_zk_vk_parse_json(nt_zk_vk **out, const char *json, size_t len);

/* As nt_zk_vk_parse_json, but the key is not prepared and e(alpha, beta) is
 * not computed: for a key that verifies one proof (see top). So beta is
 * checked for range and twist only (its G2 check is in each verification,
 * which fails with NT_ERR_ZK_NOT_IN_SUBGROUP), and vk_alphabeta_12 is
 * parsed (a malformed one is refused) and kept, but not compared with
 * e(alpha, beta) unless the key is prepared later; never
 * NT_ERR_ZK_VK_MISMATCH. Every other check and status as
 * nt_zk_vk_parse_json. */
NT_API NT_WUR nt_status nt_zk_vk_parse_json_oneshot(nt_zk_vk **out, const char *json,
                                                    size_t len);

/* Prepares a key (nothing to do if it is already prepared). It changes the
 * key: not while other threads verify with it. A one-shot key gets now
 * what its parse skipped: e(alpha, beta), beta's G2 check
 * (NT_ERR_ZK_NOT_IN_SUBGROUP) and the comparison with the file's
 * vk_alphabeta_12 (NT_ERR_ZK_VK_MISMATCH), so a prepared key is the same
 * whether parsed prepared or prepared later. NT_OK, those two, or
 * NT_ERR_NOMEM; on failure the key is unchanged and still verifies
 * one-shot (with the verdicts described at the top). */
NT_API NT_WUR nt_status nt_zk_vk_prepare(nt_zk_vk *vk);

NT_API bool nt_zk_vk_is_prepared(const nt_zk_vk *vk);

/* Frees a key; NULL is a no-op. */
NT_API void nt_zk_vk_destroy(nt_zk_vk *vk);

/* The key's nPublic. */
NT_API size_t nt_zk_vk_public_count(const nt_zk_vk *vk);

/* ---- a cache of keys ------------------------------------------------------ */

/* Keys by the SHA-256 of their JSON text, for a long-running verifier that
 * meets keys in what it hears: a key seen once is parsed one-shot (no
 * preparation that would pay off only over many proofs), a key seen again
 * is prepared in place and stays prepared (unless it refuses preparation:
 * then it stays one-shot, see nt_zk_vk_cache_get). At most cap keys (a prepared
 * 20-input key holds ~0.8 MB, one with 64 inputs or more ~2.4 MB: choose
 * cap with that in mind); when full, the least recently used key seen
 * only once goes first, so a stream of new keys cannot push out the keys
 * in use; if every key has been seen twice, the least recently used goes.
 * Keys that fail to parse are not remembered. Not thread-safe: one cache
 * per thread, or a lock around it. */
typedef struct nt_zk_vk_cache nt_zk_vk_cache;

#define NT_ZK_VK_CACHE_MAX 64

/* cap in 1..NT_ZK_VK_CACHE_MAX, else NT_ERR_INVALID_ARG; NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_zk_vk_cache_create(nt_zk_vk_cache **out, size_t cap);

/* Frees the cache and its keys; NULL is a no-op. */
NT_API void nt_zk_vk_cache_destroy(nt_zk_vk_cache *cache);

/* The key of json[0..len): the cached one if the same text was seen
 * before (prepared from the second sight on), else a new one-shot key.
 * *out belongs to the cache and is valid until the next call on it.
 * Errors as nt_zk_vk_parse_json_oneshot (nothing is cached then). A
 * failed preparation is not an error: the key is handed out one-shot, so
 * a cached key gives the verdicts of a one-shot parse of its text, every
 * time. Out of memory, preparing is tried again at the next sight; a key
 * that refuses it (NT_ERR_ZK_NOT_IN_SUBGROUP, NT_ERR_ZK_VK_MISMATCH: see
 * nt_zk_vk_prepare) stays cached one-shot and is not prepared again. */
NT_API NT_WUR nt_status nt_zk_vk_cache_get(nt_zk_vk_cache *cache, const nt_zk_vk **out,
                                           const char *json, size_t len);

/* Keys held. */
NT_API size_t nt_zk_vk_cache_count(const nt_zk_vk_cache *cache);

/* What the cache has done since it was created (for a daemon's status):
 * lookups that found the key (hits) or parsed a new one (misses), keys
 * prepared on a later sight, keys pushed out to make room, and keys that
 * refused preparation (kept one-shot). */
typedef struct nt_zk_vk_cache_stats {
    uint64_t hits, misses, prepared, evictions, refused;
} nt_zk_vk_cache_stats;

NT_API void nt_zk_vk_cache_stats_get(const nt_zk_vk_cache *cache, nt_zk_vk_cache_stats *out);

/* ---- proofs and public inputs ------------------------------------------- */

/* Parses snarkjs proof.json: "pi_a" [x, y, "1"], "pi_b" [[x0,x1],[y0,y1],
 * ["1","0"]], "pi_c" [x, y, "1"], "protocol":"groth16", and "curve":"bn128"
 * when present. A z other than 1 is NT_ERR_ZK_PROOF_INFINITY when zero and
 * NT_ERR_ZK_ENCODING otherwise. Errors as nt_zk_proof_parse plus NT_ERR_JSON,
 * NT_ERR_ZK_PROTOCOL, NT_ERR_CAP. *out is written only on success. */
NT_API NT_WUR nt_status nt_zk_proof_parse_json(nt_zk_proof *out, const char *json, size_t len);

/* Parses the 256-byte binary form A || B || C (EIP-197 layouts, see top).
 * NT_ERR_ZK_ENCODING if len != 256; NT_ERR_ZK_COORD_RANGE,
 * NT_ERR_ZK_NOT_ON_CURVE, NT_ERR_ZK_NOT_ON_TWIST, NT_ERR_ZK_NOT_IN_SUBGROUP,
 * NT_ERR_ZK_PROOF_INFINITY. */
NT_API NT_WUR nt_status nt_zk_proof_parse(nt_zk_proof *out, const uint8_t *in, size_t len);

/* Writes the 256-byte binary form of a parsed proof. */
NT_API void nt_zk_proof_write(uint8_t out[NT_ZK_PROOF_BYTES], const nt_zk_proof *proof);

/* Parses snarkjs public.json: a JSON array of decimal strings, each < r
 * (no sign, no leading zeros). NT_ERR_JSON, NT_ERR_ZK_ENCODING,
 * NT_ERR_ZK_INPUT_RANGE, NT_ERR_ZK_INPUT_COUNT (more than NT_ZK_MAX_PUBLIC),
 * NT_ERR_CAP, NT_ERR_NOMEM. On success *out is new, for nt_zk_public_destroy. */
NT_API NT_WUR nt_status nt_zk_public_parse_json(nt_zk_public **out, const char *json, size_t len);

/* Parses n 32-byte big-endian values (len = 32 n). NT_ERR_ZK_ENCODING if len
 * is not a multiple of 32, otherwise as nt_zk_public_parse_json. */
NT_API NT_WUR nt_status nt_zk_public_parse(nt_zk_public **out, const uint8_t *in, size_t len);

/* Writes the 32 n bytes of the binary form into out[0..cap), setting
 * *out_len. NT_ERR_NOSPACE if cap is too small. */
NT_API NT_WUR nt_status nt_zk_public_write(uint8_t *out, size_t cap, size_t *out_len,
                                           const nt_zk_public *pub);

NT_API void nt_zk_public_destroy(nt_zk_public *pub);

NT_API size_t nt_zk_public_count(const nt_zk_public *pub);

/* Input i as 32 bytes big-endian. NT_ERR_INVALID_ARG if i >= count. */
NT_API NT_WUR nt_status nt_zk_public_get_b32(uint8_t out[32], const nt_zk_public *pub, size_t i);

/* Input i as decimal text with a NUL into out[0..cap) (78 bytes always fit).
 * NT_ERR_INVALID_ARG if i >= count, NT_ERR_NOSPACE if cap is too small. */
NT_API NT_WUR nt_status nt_zk_public_get_dec(char *out, size_t cap, const nt_zk_public *pub,
                                             size_t i);

/* Checks e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) == 1 with
 * vk_x = IC[0] + sum pub[i] IC[i+1], on a prepared or a one-shot key (same
 * result). NT_OK only if the proof is valid; NT_ERR_ZK_INPUT_COUNT if the
 * input count differs from the key's, NT_ERR_ZK_PROOF_INVALID if the check
 * fails; one-shot keys only: NT_ERR_ZK_NOT_IN_SUBGROUP if the key's beta is
 * not in G2, NT_ERR_NOMEM (the multi-scalar multiplication's workspace). */
NT_API NT_WUR nt_status nt_zk_groth16_verify(const nt_zk_vk *vk, const nt_zk_proof *proof,
                                             const nt_zk_public *pub);

/* ---- EIP-196 / EIP-197 operations (tests, benchmark) -------------------- */

/* EIP-196 ECADD: in is x1||y1||x2||y2, shorter input is zero-padded and
 * bytes past 128 are ignored (precompile semantics). out = P1 + P2.
 * NT_ERR_ZK_COORD_RANGE, NT_ERR_ZK_NOT_ON_CURVE. */
NT_API NT_WUR nt_status nt_zk_bn254_add(uint8_t out[NT_ZK_G1_BYTES], const uint8_t *in,
                                        size_t len);

/* EIP-196 ECMUL: in is x||y||s (96 bytes, padded/truncated as above); s is
 * any 256-bit integer. out = [s]P. Errors as nt_zk_bn254_add. */
NT_API NT_WUR nt_status nt_zk_bn254_mul(uint8_t out[NT_ZK_G1_BYTES], const uint8_t *in,
                                        size_t len);

/* EIP-197 pairing check: in is k 192-byte pairs G1 || G2 (k may be 0).
 * *ok = (prod e(P_i, Q_i) == 1). NT_ERR_ZK_ENCODING if len % 192 != 0 or
 * len > 192 * NT_ZK_MAX_PUBLIC; NT_ERR_ZK_COORD_RANGE, NT_ERR_ZK_NOT_ON_CURVE,
 * NT_ERR_ZK_NOT_ON_TWIST, NT_ERR_ZK_NOT_IN_SUBGROUP. */
NT_API NT_WUR nt_status nt_zk_bn254_pairing_check(bool *ok, const uint8_t *in, size_t len);

/* The reduced pairing e(P, Q) (final exponent s (p^12 - 1)/r, the one
 * snarkjs uses for vk_alphabeta_12), written as 12 big-endian Fp values in
 * snarkjs order: f = a + b w, a = (a0, a1, a2) in Fp6 = Fp2[v], each Fp2
 * c0 then c1: a0.c0, a0.c1, a1.c0, a1.c1, a2.c0, a2.c1, b0.c0, ..., b2.c1.
 * g1 and g2 in the layouts above. Errors as nt_zk_bn254_pairing_check. */
NT_API NT_WUR nt_status nt_zk_bn254_pairing(uint8_t out[NT_ZK_GT_BYTES],
                                            const uint8_t g1[NT_ZK_G1_BYTES],
                                            const uint8_t g2[NT_ZK_G2_BYTES]);

#ifdef __cplusplus
}
#endif
#endif
