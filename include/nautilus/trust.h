/*
 * nautilus/trust.h - signed records: RRSIG/DNSKEY with Ed25519, the trust
 * store, freshness and signature-check budgets, trust levels (DESIGN §1-3).
 *
 * Signing (publisher side): every RRset the responder owns gets one RRSIG
 * (RFC 4034 §3, algorithm 15 of RFC 8080) whose signer is the host name that
 * carries the DNSKEY. Validity: inception now, expiration now + lifetime
 * (default 24 h); signatures are renewed at half-life.
 *
 * Verification (browser side) decides one nt_trust_level per RRset:
 *   unsigned     no usable signature, and nothing pins the owner's key;
 *   self-signed  the RRSIG verifies with the DNSKEY that came with it;
 *   trusted      ... and that DNSKEY's digest is pinned for the signer name
 *                by the operator (a --trust file, nt_trust_store_add), or
 *                bound to it by the on-chain Registry (nt_trust_chain).
 * A key learned on first use (TOFU) is remembered and defended like a pin
 * (an unsigned or other-key record for its names is rejected) but shown as
 * self-signed with pin NT_TRUST_PIN_TOFU: first use is not trust.
 * For a name whose key is known (pinned), anything that is unsigned, badly
 * signed, expired, replayed or signed by another key is rejected, with a
 * distinct status as the reason.
 *
 * Pure logic: time is passed in (seconds since the epoch, as RRSIG uses);
 * only the trust store's load/save touch files.
 */
#ifndef NAUTILUS_TRUST_H
#define NAUTILUS_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/crypto.h"
#include "nautilus/status.h"
#include "nautilus/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NT_TRUST_ALG_ED25519 15
#define NT_TRUST_LIFETIME_DEFAULT (24u * 3600u)
#define NT_TRUST_MAX_CHECKS_PER_RRSET 8u   /* KeyTrap bound (DESIGN §11) */
#define NT_TRUST_RRSIG_RDATA_MAX (18u + 255u + 64u)

/* ---- trust levels --------------------------------------------------------- */

typedef enum nt_trust_level {
    NT_TRUST_UNSIGNED = 0,
    NT_TRUST_SELF_SIGNED = 1,
    NT_TRUST_TRUSTED = 2,
    NT_TRUST_ANCHORED = 3,
    NT_TRUST_ZK_VERIFIED = 4,
} nt_trust_level;

/* "unsigned", "self-signed", "trusted", "anchored", "zk-verified". */
NT_API const char *nt_trust_level_name(nt_trust_level level);

/* Parses one of the names above. NT_ERR_INVALID_ARG otherwise. */
NT_API NT_WUR nt_status nt_trust_level_parse(const char *text, nt_trust_level *out);

/* ---- validity window (DESIGN §2) ------------------------------------------ */

/* Clock skew allowed around [inception, expiration]: 10 % of the lifetime,
 * clamped to [1 h, 24 h]. */
NT_API uint32_t nt_trust_skew(uint32_t inception, uint32_t expiration);

/* RFC 4034 §3.1.5 serial-number arithmetic (RFC 1982) for 32-bit times:
 * true if a is strictly before b. */
NT_API bool nt_trust_time_before(uint32_t a, uint32_t b);

/* ---- signing --------------------------------------------------------------- */

typedef struct nt_trust_signer {
    nt_ed25519_key key;
    nt_dns_name signer;          /* host name, lower-cased */
    uint8_t dnskey[NT_DNSKEY_ED25519_RDATA_LEN];
    uint16_t key_tag;
    uint8_t key_digest[32];      /* the key's identity (DESIGN §3) */
    uint32_t lifetime;           /* seconds a signature is valid */
} nt_trust_signer;

/* Prepares a signer for key at host name. Copies the key (wiped by
 * nt_trust_signer_cleanup). lifetime 0 means NT_TRUST_LIFETIME_DEFAULT. */
NT_API void nt_trust_signer_init(nt_trust_signer *s, const nt_ed25519_key *key,
                                 const nt_dns_name *host, uint32_t lifetime);
NT_API void nt_trust_signer_cleanup(nt_trust_signer *s);

/* The host was renamed (RFC 6762 §9 conflict): signatures from now on name
 * host as signer, and the key's identity (its DNSKEY digest, which covers
 * the owner name) changes with it. */
NT_API void nt_trust_signer_rename(nt_trust_signer *s, const nt_dns_name *host);

/* Signs the RRset rrs[0..n) (same owner, type, class; records as published,
 * their TTL the original TTL) valid from now for the signer's lifetime.
 * Writes the RRSIG RDATA into out[0..cap) and its length into *out_len.
 * Statuses: those of nt_dns_rrsig_signed_data, NT_ERR_NOSPACE, NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_trust_sign_rrset(const nt_trust_signer *s, uint8_t *out, size_t cap,
                                            size_t *out_len, const nt_dns_record *rrs, size_t n,
                                            uint32_t now);

/* ---- verification ------------------------------------------------------ */

/* Verifies one RRSIG over rrs[0..n) with one DNSKEY (RDATA form), at time
 * now (seconds). Checks, in order, each with its own status:
 *   NT_ERR_TRUST_ALGORITHM   RRSIG or DNSKEY algorithm is not 15, or the
 *                            DNSKEY is not a 32-byte zone key of protocol 3;
 *   NT_ERR_TRUST_COVERAGE    type covered, labels or owner do not match the
 *                            RRset;
 *   NT_ERR_TRUST_KEY_TAG     key tag does not match the DNSKEY;
 *   NT_ERR_TRUST_NOT_YET_VALID / NT_ERR_TRUST_EXPIRED  outside the window
 *                            widened by nt_trust_skew;
 *   NT_ERR_TRUST_BAD_SIGNATURE  the Ed25519 check fails.
 * NT_OK only if the signature is valid. */
NT_API NT_WUR nt_status nt_trust_verify_rrset(const nt_dns_rrsig *sig, const uint8_t *dnskey,
                                              size_t dnskey_len, const nt_dns_record *rrs,
                                              size_t n, uint32_t now);

/* ---- trust store ------------------------------------------------------------
 * A file of lines "<host name> <key digest hex>"; '#' starts a comment; blank
 * lines are ignored. One name may pin several keys (rotation). In
 * trust-on-first-use mode, the first key seen for an unpinned name is added
 * and (if the store has a path) appended to the file. */

typedef struct nt_trust_store nt_trust_store;

/* Where a (name, key) pin came from. */
typedef enum nt_trust_pin {
    NT_TRUST_PIN_NONE = 0,     /* not pinned */
    NT_TRUST_PIN_OPERATOR = 1, /* pinned by the operator: --trust file, nt_trust_store_add */
    NT_TRUST_PIN_TOFU = 2,     /* learned on first use (this run or a --tofu file) */
    NT_TRUST_PIN_CHAIN = 3,    /* bound to the name by the on-chain Registry (nt_trust_chain) */
} nt_trust_pin;

/* Creates an empty store holding at most cap pins (0: 4096). */
NT_API NT_WUR nt_status nt_trust_store_create(nt_trust_store **out, size_t cap);
NT_API void nt_trust_store_destroy(nt_trust_store *s);

/* Loads path into s. NT_ERR_TRUST_STORE_SYNTAX with *line set to the first
 * bad line (1-based) for a malformed line; NT_ERR_IO if unreadable;
 * NT_ERR_CAP past the cap. On error s keeps what it had before. */
NT_API NT_WUR nt_status nt_trust_store_load(nt_trust_store *s, const char *path, size_t *line);

/* Enables trust on first use: new keys are recorded and appended to path
 * (NULL: in memory only). */
NT_API void nt_trust_store_set_tofu(nt_trust_store *s, bool on, const char *path);

/* Adds a pin. NT_ERR_CAP when full; a duplicate is NT_OK. */
NT_API NT_WUR nt_status nt_trust_store_add(nt_trust_store *s, const nt_dns_name *name,
                                           const uint8_t digest[32]);

/* True if any key is pinned for name. */
NT_API bool nt_trust_store_has_name(const nt_trust_store *s, const nt_dns_name *name);

/* True if digest is pinned for name. */
NT_API bool nt_trust_store_match(const nt_trust_store *s, const nt_dns_name *name,
                                 const uint8_t digest[32]);

/* How digest is pinned for name: NT_TRUST_PIN_OPERATOR wins over
 * NT_TRUST_PIN_TOFU when both hold; NT_TRUST_PIN_NONE if it is not. */
NT_API nt_trust_pin nt_trust_store_pin_of(const nt_trust_store *s, const nt_dns_name *name,
                                          const uint8_t digest[32]);

/* Called for each bad line of a TOFU file: 1-based line number and why. */
typedef void (*nt_trust_store_bad_line_fn)(void *ctx, size_t line, nt_status why);

/* Loads a TOFU file (as written by trust on first use) into s as
 * NT_TRUST_PIN_TOFU pins. Lenient: a bad line is reported through bad_line
 * (may be NULL) and skipped, so one poisoned line never locks a browser
 * out. NT_ERR_IO if unreadable; NT_ERR_CAP past the cap. */
NT_API NT_WUR nt_status nt_trust_store_load_tofu(nt_trust_store *s, const char *path,
                                                 nt_trust_store_bad_line_fn bad_line,
                                                 void *ctx);

/* ---- freshness (replay) -------------------------------------------------
 * Per (key, owner, type), the RRSIG inception must not go backwards: an old
 * signed RRset replayed inside its validity window is refused. Capped
 * table. An entry lives as long as the signatures it guards can verify
 * (expiration + skew); one for a pinned key is never evicted before that,
 * and when the table is full of live entries a new entry for an unpinned
 * key is refused (NT_ERR_TRUST_TABLE_FULL) rather than one dropped. */

typedef struct nt_trust_replay nt_trust_replay;

NT_API NT_WUR nt_status nt_trust_replay_create(nt_trust_replay **out, size_t cap);
NT_API void nt_trust_replay_destroy(nt_trust_replay *r);

/* NT_ERR_TRUST_REPLAY if inception is before the newest seen for the same
 * key, owner and type; otherwise records it (kept: the key is pinned;
 * expiration: the RRSIG's, which with the skew bounds how long the entry
 * matters; now: wall seconds) and returns NT_OK. NT_ERR_TRUST_TABLE_FULL
 * if a new entry finds no room. */
NT_API NT_WUR nt_status nt_trust_replay_check(nt_trust_replay *r, const uint8_t key_digest[32],
                                              const nt_dns_name *owner, uint16_t type,
                                              uint32_t inception, uint32_t expiration,
                                              bool kept, uint32_t now);

/* New entries refused for want of room so far. */
NT_API uint64_t nt_trust_replay_refused(const nt_trust_replay *r);

/* ---- signature-check budget (KeyTrap, DESIGN §11) ------------------------
 * A token bucket per source address: at most rate checks per second with a
 * burst of the same size. Capped table of sources (the least recently used
 * is forgotten when full). Since a forgotten or new source starts with a
 * full bucket, an attacker who changes source address with every packet
 * would get a fresh bucket each time: an optional bucket for all sources
 * together (nt_trust_budget_set_total) bounds the whole. */

typedef struct nt_trust_budget nt_trust_budget;

NT_API NT_WUR nt_status nt_trust_budget_create(nt_trust_budget **out, size_t sources,
                                               uint32_t rate);
NT_API void nt_trust_budget_destroy(nt_trust_budget *b);

/* At most total checks per second from all sources together (burst of
 * the same size); 0: no such bound. NT_ERR_INVALID_ARG above 1000000. */
NT_API NT_WUR nt_status nt_trust_budget_set_total(nt_trust_budget *b, uint32_t total);

/* Takes one check for source (address bytes) at now_ms. NT_ERR_TRUST_BUDGET
 * if its bucket, or the bucket of all sources, is empty. */
NT_API NT_WUR nt_status nt_trust_budget_take(nt_trust_budget *b, const uint8_t *source,
                                             size_t source_len, uint64_t now_ms);

/* ---- who signs what ------------------------------------------------------
 * Remembers, per subject name, the signer and key that last vouched for it
 * with a valid signature (the subject of a PTR record is its target
 * instance; of any other record, its owner). Once a name has been seen
 * signed by a pinned key, an unsigned record for it is a spoof, not plain
 * mDNS, and a record signed by any other key is refused. Capped: what a
 * pinned key vouched for (and a publisher's claims) is kept for the life
 * of the table; other entries go stale when the records they describe
 * expire, and a new one is refused when the table is full of live ones. */

typedef struct nt_trust_signers nt_trust_signers;

typedef struct nt_trust_signer_info {
    nt_dns_name signer;
    uint8_t key_digest[32];
    nt_trust_level level;
    nt_trust_pin pin;             /* how the key is pinned (NONE for unpinned keys) */
    bool first_seen;              /* its TOFU pin was learned by this run */
} nt_trust_signer_info;

NT_API NT_WUR nt_status nt_trust_signers_create(nt_trust_signers **out, size_t cap);
NT_API void nt_trust_signers_destroy(nt_trust_signers *t);
/* Remembers info for subject. kept: never evicted (a pinned key vouched for
 * it, or it is a claim); otherwise stale after stale_after (wall seconds,
 * 0: never). NT_ERR_TRUST_TABLE_FULL if a new entry finds no room. */
NT_API NT_WUR nt_status nt_trust_signers_set(nt_trust_signers *t, const nt_dns_name *subject,
                                             const nt_trust_signer_info *info, bool kept,
                                             uint32_t stale_after, uint32_t now);
/* New entries refused for want of room so far. */
NT_API uint64_t nt_trust_signers_refused(const nt_trust_signers *t);
/* NT_ERR_NOT_FOUND if nothing is remembered for subject. */
NT_API NT_WUR nt_status nt_trust_signers_get(const nt_trust_signers *t,
                                             const nt_dns_name *subject,
                                             nt_trust_signer_info *info);

/* ---- bindings from the chain (DESIGN §1.5) --------------------------------
 * What the on-chain Registry said about a host name, as whoever reads the
 * chain (outside the receive path) hands it in. A name bound to a key
 * (registered, not revoked) is defended like a pin: a set signed by another
 * key is rejected (NT_ERR_TRUST_WRONG_KEY), an unsigned one for a subject it
 * vouched for too, and a set signed by the bound key is trusted with
 * NT_TRUST_PIN_CHAIN. An operator pin for the name wins: the operator's list
 * is the whole truth for the names it pins. A chain binding wins over keys
 * learned by TOFU. Unbound and revoked names vouch for nothing. Capped
 * table; bound entries are never evicted by answers about other names. */

typedef enum nt_trust_chain_state {
    NT_TRUST_CHAIN_UNBOUND = 0,  /* never registered */
    NT_TRUST_CHAIN_BOUND = 1,    /* registered to digest, not revoked */
    NT_TRUST_CHAIN_REVOKED = 2,  /* registered, then revoked by its owner */
} nt_trust_chain_state;

typedef struct nt_trust_chain_info {
    nt_trust_chain_state state;
    uint8_t digest[32];          /* BOUND: the key digest the name is bound to */
    uint64_t block;              /* block the answer was read at */
    uint64_t read_ms;            /* caller's clock when it was read */
} nt_trust_chain_info;

typedef struct nt_trust_chain nt_trust_chain;

/* Creates an empty table of at most cap names (0: 1024). NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_trust_chain_create(nt_trust_chain **out, size_t cap);
NT_API void nt_trust_chain_destroy(nt_trust_chain *c);

/* Records (replacing) what the chain says about name. NT_ERR_TRUST_TABLE_FULL
 * when a new name finds no room. */
NT_API NT_WUR nt_status nt_trust_chain_set(nt_trust_chain *c, const nt_dns_name *name,
                                           const nt_trust_chain_info *info);

/* NT_ERR_NOT_FOUND if nothing was recorded for name. */
NT_API NT_WUR nt_status nt_trust_chain_get(const nt_trust_chain *c, const nt_dns_name *name,
                                           nt_trust_chain_info *info);

/* True if name is bound (registered, not revoked); then *digest (may be
 * NULL) is the bound key digest. False for a NULL table. */
NT_API bool nt_trust_chain_binds(const nt_trust_chain *c, const nt_dns_name *name,
                                 uint8_t digest[32]);

/* ---- the decision for one received RRset ---------------------------------- */

typedef struct nt_trust_ctx {
    nt_trust_store *store;        /* pins (and first-use records); may be NULL */
    nt_trust_replay *replay;      /* may be NULL: no freshness check */
    nt_trust_budget *budget;      /* may be NULL: no per-source budget */
    nt_trust_signers *signers;    /* may be NULL: no memory of signers */
    nt_trust_chain *chain;        /* bindings read from the chain; may be NULL */
} nt_trust_ctx;

typedef struct nt_trust_result {
    nt_trust_level level;
    nt_status reason;             /* NT_OK when accepted */
    nt_dns_name signer;           /* signer name (level >= self-signed) */
    uint8_t key_digest[32];       /* the key that signed it (level >= self-signed) */
    uint32_t expiration;          /* RRSIG expiration: the RRset must not outlive it */
    uint32_t ttl_max;             /* cache no record of the set longer than this
                                     (RFC 4035 §5.3.3: min(original TTL,
                                     expiration - now)); UINT32_MAX if unsigned */
    nt_trust_pin pin;             /* how the signing key is pinned */
    bool first_seen;              /* the key was learned on first use just now */
    uint32_t original_ttl;        /* the RRSIG's original TTL (level >= self-signed) */
    unsigned checks;              /* signature checks spent */
} nt_trust_result;

/* Decides the trust of the RRset rrs[0..n) received together with the
 * records msg[0..msg_n) (where its RRSIGs and the signer's DNSKEY are looked
 * for). RRSIG and DNSKEY sets themselves are not passed here. Returns NT_OK
 * with res->level set when the RRset may be cached, or the reason it must be
 * rejected (also in res->reason):
 *   NT_ERR_TRUST_UNSIGNED        no RRSIG, yet a pinned key is known for
 *                                the subject's signer (or for an A/AAAA
 *                                owner itself)
 *   NT_ERR_TRUST_NO_KEY          RRSIG present but no DNSKEY for its signer
 *   NT_ERR_TRUST_WRONG_KEY       valid signature by a key not pinned for a
 *                                pinned signer, or by any other signer for a
 *                                subject a pinned key has vouched for
 *   NT_ERR_TRUST_EXPIRED, NT_ERR_TRUST_NOT_YET_VALID, NT_ERR_TRUST_BAD_SIGNATURE,
 *   NT_ERR_TRUST_ALGORITHM, NT_ERR_TRUST_COVERAGE, NT_ERR_TRUST_KEY_TAG
 *                                why the (last) RRSIG tried failed
 *   NT_ERR_TRUST_REPLAY          inception older than one already accepted
 *   NT_ERR_TRUST_BUDGET          more than NT_TRUST_MAX_CHECKS_PER_RRSET
 *                                RRSIGs, or the source's budget is spent
 * An RRset with no RRSIG and no pin is accepted as NT_TRUST_UNSIGNED; so is
 * a validly self-signed set for a subject another unpinned key has signed
 * before (contested: the memory then shows no key for it). A
 * signed RRset whose signatures all fail is rejected even for an unpinned
 * name: a failed signature is never shown as valid. source identifies the
 * sender for the budget (address bytes). now is in seconds since the epoch;
 * now_ms is the monotonic clock for the budget. */
NT_API NT_WUR nt_status nt_trust_decide(nt_trust_ctx *ctx, nt_trust_result *res,
                                        const nt_dns_record *rrs, size_t n,
                                        const nt_dns_record *msg, size_t msg_n,
                                        const uint8_t *source, size_t source_len, uint32_t now,
                                        uint64_t now_ms);

#ifdef __cplusplus
}
#endif
#endif
