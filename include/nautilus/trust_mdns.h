/*
 * nautilus/trust_mdns.h - signing and verification plugged into the mDNS
 * engine through its attach and verify hooks (nautilus/mdns.h).
 *
 * Layering (DESIGN §8): agent/trust knows nothing of the engine; this
 * adapter (library nt_trust_mdns) sits above both. It does no I/O: the wall
 * clock that RRSIG times need comes from a callback (agent/net's), and the
 * trust store file is read by the caller.
 *
 * Publisher side (attach hook): every RRset the responder sends gets its
 * RRSIG and the host's DNSKEY as additional records. Signatures are cached
 * per RRset content and renewed at half-life; a goodbye (TTL 0) is signed
 * as a goodbye (original TTL 0), so an announcement cannot be replayed as
 * one.
 *
 * Browser side (verify hook): every received RRset is judged by
 * nt_trust_decide; rejected sets never enter the cache and the engine
 * reports them with a reason token (nt_trust_reason_token).
 *
 * Selective-disclosure proofs (DESIGN §2, §5; encoding in trust_meta.h):
 * a publisher publishes its metadata TXT at _nautilus.<instance> as the
 * service's extra RRset (nt_mdns_service_set_extra), which the attach hook
 * signs like any other; it is answered when asked for directly and rides
 * beside the instance's SRV and TXT. A browser given verification keys
 * (nt_trust_hooks_zk_vk_add) judges a metadata set that verified at level
 * trusted or above: decode, known key id, keyBinding equal to
 * Poseidon-keyBinding of the DNSKEY digest of the key that signed it, then
 * Groth16 (8 checks from the source's signature budget). The outcome is
 * cached per instance by SHA-256 of (key digest, RDATA), so a repeated
 * record is verified once. A failure rejects the set ("zk-malformed",
 * "zk-unknown-vk", "zk-binding", "zk-invalid"); the instance keeps its
 * lower level. With cfg.chain, proofs on self-signed records are judged
 * too (the chain's binding may come after them) and count once the key is
 * trusted.
 */
#ifndef NAUTILUS_TRUST_MDNS_H
#define NAUTILUS_TRUST_MDNS_H

#include "nautilus/mdns.h"
#include "nautilus/trust.h"
#include "nautilus/trust_anchor.h"
#include "nautilus/trust_meta.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Returns seconds since the epoch. */
typedef uint32_t (*nt_trust_wall_fn)(void *ctx);

typedef struct nt_trust_hooks_config {
    const nt_trust_signer *signer; /* sign what we publish; NULL: publish unsigned */
    nt_trust_store *store;         /* pins (and TOFU); NULL: nothing pinned */
    bool verify;                   /* judge what we hear (false: everything unsigned-accepted) */
    uint32_t checks_per_source;    /* signature checks per second per source (default 200) */
    uint32_t checks_total;         /* ... and from all sources together (default 2000,
                                      about 7 % of one core here: bench trust) */
    size_t table_cap;              /* replay/signer/budget table caps (default 4096) */
    nt_trust_wall_fn wall;         /* NULL: time(NULL) */
    void *wall_ctx;
    bool chain;                    /* browser: keep name bindings and checkpoint roots
                                      read from the chain, and instances' anchors
                                      (DESIGN §1.5, §4.1) */
} nt_trust_hooks_config;

typedef struct nt_trust_hooks nt_trust_hooks;

/* Creates the adapter. The signer and store are borrowed and must outlive
 * it. NT_ERR_NOMEM, NT_ERR_INVALID_ARG. */
NT_API NT_WUR nt_status nt_trust_hooks_create(nt_trust_hooks **out,
                                              const nt_trust_hooks_config *cfg);
NT_API void nt_trust_hooks_destroy(nt_trust_hooks *h);

/* Publisher: subject (an instance name we publish) is ours; a record for it
 * that is not signed by our key is then a spoof, rejected by the verify
 * hook, and the engine defends the name instead of renaming (the host name
 * is ours from the start). NT_ERR_INVALID_ARG without a signer. */
NT_API NT_WUR nt_status nt_trust_hooks_claim(nt_trust_hooks *h, const nt_dns_name *subject);

/* Publisher: the signer (borrowed at create) was renamed with
 * nt_trust_signer_rename after a host-name conflict. Signatures made under
 * the old name are forgotten, the new name is pinned to the key in the
 * adapter's own store, and every claim made so far is renewed under the new
 * signer. NT_ERR_INVALID_ARG without a signer; NT_ERR_CAP, NT_ERR_TRUST_TABLE_FULL. */
NT_API NT_WUR nt_status nt_trust_hooks_signer_renamed(nt_trust_hooks *h);

/* Points cfg's attach and verify hooks at h (before nt_mdns_create). */
NT_API void nt_trust_hooks_install(nt_trust_hooks *h, nt_mdns_config *cfg);

/* A short, stable token for a rejection status, as events and the browse
 * JSON "reason" field carry it: "unsigned", "no-key", "wrong-key",
 * "expired", "not-yet-valid", "bad-signature", "algorithm", "coverage",
 * "key-tag", "replay", "budget", "zk-malformed", "zk-unknown-vk",
 * "zk-binding", "zk-invalid", "oversize", "goodbye", "signer-name",
 * "table-full", "anchor-mismatch", "anchor-malformed"; "invalid" for
 * anything else. */
NT_API const char *nt_trust_reason_token(nt_status status);

/* The signer and key remembered for subject (an instance name, or a host
 * name), as the browse output reports them. NT_ERR_NOT_FOUND if no valid
 * signature has been seen for it. */
NT_API NT_WUR nt_status nt_trust_hooks_signer_of(const nt_trust_hooks *h,
                                                 const nt_dns_name *subject,
                                                 nt_trust_signer_info *out);

/* ---- selective disclosure ---------------------------------------------- */

#define NT_TRUST_HOOKS_VK_MAX 8   /* verification keys a browser holds */

/* What a verified proof says about an instance. */
typedef struct nt_trust_zk_info {
    nt_trust_zk_claim claim;      /* disclosed attributes and threshold claim */
    uint8_t key_digest[32];       /* the key it is bound to (and signed by) */
    uint8_t vk_id[NT_TRUST_ZK_VK_ID_LEN];
} nt_trust_zk_info;

/* Browser: accepts proofs under the snarkjs verification key json[0..len)
 * and writes its zkvk id into id. Adding the same file twice is a no-op.
 * NT_ERR_CAP beyond NT_TRUST_HOOKS_VK_MAX keys; errors of
 * nt_zk_vk_parse_json. */
NT_API NT_WUR nt_status nt_trust_hooks_zk_vk_add(nt_trust_hooks *h,
                                                 uint8_t id[NT_TRUST_ZK_VK_ID_LEN],
                                                 const char *json, size_t len);

/* The verified proof of instance (full name, e.g. "Web._http._tcp.local"):
 * NT_OK only if its latest metadata verified, was heard within its TTL
 * before now_ms (the engine's clock, as given to nt_mdns_input), the
 * instance has not said goodbye since, and the key the proof is bound to
 * is the trusted key that signed the instance's own records (trusted when
 * judged, or, with cfg.chain, bound to its signer by the chain now); otherwise
 * NT_ERR_NOT_FOUND. */
NT_API NT_WUR nt_status nt_trust_hooks_zk_of(const nt_trust_hooks *h,
                                             const nt_dns_name *instance, uint64_t now_ms,
                                             nt_trust_zk_info *out);

/* Grows whenever an instance's proof outcome changes (for callers that
 * re-report instances). */
NT_API uint64_t nt_trust_hooks_zk_generation(const nt_trust_hooks *h);

/* ---- the chain (DESIGN §1.5, §4.1) -------------------------------------------
 * A browser created with cfg.chain keeps what the chain said about signer
 * names (nt_trust_chain, consulted by every decision from then on) and the
 * checkpoint roots of (log id, size) pairs, and per instance the verified
 * SRV and TXT sets (as their leaf input) and the anchor claim of its
 * verified metadata TXT. The chain itself is read by the caller, outside
 * the receive path; these calls only record the answers. */

/* Records what the Registry says about a signer host name. Statuses of
 * nt_trust_chain_set; NT_ERR_INVALID_ARG without cfg.chain. */
NT_API NT_WUR nt_status nt_trust_hooks_chain_set(nt_trust_hooks *h, const nt_dns_name *name,
                                                 const nt_trust_chain_info *info);
/* NT_ERR_NOT_FOUND if nothing is recorded (or no cfg.chain). */
NT_API NT_WUR nt_status nt_trust_hooks_chain_get(const nt_trust_hooks *h,
                                                 const nt_dns_name *name,
                                                 nt_trust_chain_info *info);

/* Records the checkpoint root on chain for (log_id, size); root NULL: the
 * chain has no checkpoint of that size. NT_ERR_INVALID_ARG without
 * cfg.chain. */
NT_API NT_WUR nt_status nt_trust_hooks_root_set(nt_trust_hooks *h, const uint8_t log_id[32],
                                                uint64_t size, const uint8_t *root);

typedef enum nt_trust_anchor_state {
    NT_TRUST_ANCHOR_NONE = 0,    /* no anchor claimed (or no cfg.chain) */
    NT_TRUST_ANCHOR_WAIT = 1,    /* claimed; records or the root not known yet */
    NT_TRUST_ANCHOR_OK = 2,      /* the verified records are in the checkpoint on chain */
    NT_TRUST_ANCHOR_BAD = 3,     /* rejected: reason says why */
} nt_trust_anchor_state;

typedef struct nt_trust_anchor_info {
    nt_trust_anchor_state state;
    nt_status reason;            /* BAD: NT_ERR_TRUST_ANCHOR_MISMATCH or _MALFORMED */
    bool need_root;              /* WAIT: the root of (log_id, size) is to be read */
    uint8_t log_id[32];          /* WAIT, OK, BAD (when parsed) */
    uint64_t index, size;
    uint8_t key_digest[32];      /* OK: the key that signed the records */
} nt_trust_anchor_info;

/* The anchor state of instance (full name). Pure look-up and hashing. */
NT_API void nt_trust_hooks_anchor_of(nt_trust_hooks *h, const nt_dns_name *instance,
                                     nt_trust_anchor_info *out);

/* Publisher: the leaf input of instance's current version, as last signed
 * (canonical SRV || canonical TXT, DESIGN §4.1), into out[0..cap), and the
 * key digest it was signed with. NT_ERR_NOT_FOUND until both sets have
 * been signed (or without a signer); NT_ERR_NOSPACE if cap is too small. */
NT_API NT_WUR nt_status nt_trust_hooks_leaf_of(nt_trust_hooks *h, const nt_dns_name *instance,
                                               uint8_t *out, size_t cap, size_t *len,
                                               uint8_t key_digest[32]);

/* Grows whenever an instance's records, its anchor claim or a root change. */
NT_API uint64_t nt_trust_hooks_anchor_generation(const nt_trust_hooks *h);

/* Counters, for tests and the benchmark. */
typedef struct nt_trust_hooks_stats {
    uint64_t signed_sets;     /* signatures made */
    uint64_t signature_cache_hits;
    uint64_t verified_sets;   /* sets accepted with a valid signature */
    uint64_t unsigned_sets;   /* sets accepted unsigned */
    uint64_t rejected_sets;
    uint64_t zk_verifications; /* Groth16 verifications run */
    uint64_t zk_cache_hits;    /* metadata records judged before */
    uint64_t zk_rejected;      /* metadata records whose proof failed */
    uint64_t table_refused;    /* new replay or signer entries refused: tables full of
                                  entries that must be kept (rejected "table-full") */
} nt_trust_hooks_stats;
NT_API void nt_trust_hooks_stats_get(const nt_trust_hooks *h, nt_trust_hooks_stats *out);

#ifdef __cplusplus
}
#endif
#endif
