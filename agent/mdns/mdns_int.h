/*
 * agent/mdns/mdns_int.h - private state of the mDNS engine, shared by its
 * source files (engine.c, cache.c, responder.c, querier.c, out.c).
 */
#ifndef NAUTILUS_MDNS_INT_H
#define NAUTILUS_MDNS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/keyed_hash.h"
#include "nautilus/mdns.h"
#include "nautilus/wire.h"

/* Record slots of one published entity (see ent_record): fixed so that the
 * per-record "last multicast" times of RFC 6762 §6 have a home. */
enum {
    SLOT_PTR = 0,      /* service: <type> PTR <instance> */
    SLOT_SRV = 1,
    SLOT_TXT = 2,
    SLOT_ENUM = 3,     /* _services._dns-sd._udp PTR <type> (RFC 6763 §9) */
    SLOT_SUB0 = 4,     /* subtype PTRs, NT_MDNS_SUBTYPES_MAX of them (RFC 6763 §7.1) */
    SLOT_SVC_NSEC = SLOT_SUB0 + NT_MDNS_SUBTYPES_MAX,
    SLOT_EXTRA = SLOT_SVC_NSEC + 1, /* <label>.<instance>: one extra RRset of one record */
    SLOT_HOST_ADDR0 = 0, /* host: one slot per interface address */
    SLOT_HOST_NSEC = NT_MDNS_IFACE_ADDRS_MAX,
    NSLOT = 17,
};

/* Phases of an entity on one interface (RFC 6762 §8). */
enum {
    PH_NONE = 0,       /* not published here */
    PH_WAIT = 1,       /* waiting before (re)probing */
    PH_PROBING = 2,
    PH_ANNOUNCING = 3,
    PH_ESTABLISHED = 4,
};

#define PROBE_INTERVAL_MS 250u     /* §8.1 */
#define PROBE_COUNT 3u             /* §8.1 */
#define ANNOUNCE_COUNT 3u          /* §8.3: at least two, intervals doubling from 1 s */
#define RENAME_MAX 100u            /* give up renaming after this many conflicts */
#define QUERY_INTERVAL_MAX_MS 3600000u /* §5.2: 60 minutes */
#define GOODBYE_GRACE_MS 1000u     /* §10.1: TTL 0 records go 1 s later */
#define POOF_WINDOW_MS 10000u      /* §10.5 */
#define CONFLICT_RING 15u          /* §8.1: 15 conflicts in 10 s -> 5 s between probes */
#define MAX_PENDING_ANSWERS 1024u
#define MAX_ONESHOT 128u
#define MAX_DIRTY 64u              /* dirty names besides two per record taken from a packet */
#define EV_SPARE_MAX 32u           /* event nodes kept for reuse: no allocation per event */
#define MAX_PTR_CHANGES 512u       /* PTR additions/removals noted per batch */
#define SRC_RATE_SLOTS 64u         /* sources tracked per interface for the input budget */
#define EVICT_RATE 64u             /* evictions per second one source may cause in a full cache */
#define EVICT_BURST 256u
#define EVICT_IF_RATE 128u         /* ... and all sources together, per interface */
#define EVICT_IF_BURST 512u
#define EXTRA_MAX 8u               /* records the attach hook may add per RRset */

typedef struct centry {
    nt_dns_record r;         /* r.rdata points to data */
    uint8_t *data;
    uint64_t recv_ms;
    uint64_t expires_ms;
    uint64_t refresh_ms;     /* next refresh point, UINT64_MAX when none */
    uint8_t refresh_stage;   /* 0..4: 80, 85, 90, 95 % (§5.2) */
    uint8_t poof;            /* unanswered queries seen (§10.5) */
    uint8_t trust;
    uint64_t poof_first_ms;
    uint32_t hname;          /* mdns_name_hash(&r.owner) */
    int32_t next, prev;      /* neighbours in the owner-name bucket, -1 at the ends */
    uint32_t hrec;           /* hash of owner, type and rdata (cache.c) */
    int32_t next_rec, prev_rec; /* neighbours in the record bucket */
    int32_t hpos_exp;        /* position in its trust class's expiry heap */
    int32_t hpos_wake;       /* position in the wake heap, -1 when not in it */
    /* §10.2, as of the last look at its set for a cache-flush record of
     * trust up to flush_trust: nothing in the set can be flushed before
     * flush_ripe_ms (0: no look yet). */
    uint64_t flush_ripe_ms;
    uint8_t flush_trust;
} centry;

/* An indexed binary min-heap of cache entry numbers (cache.c). */
typedef struct cheap {
    int32_t *a;
    size_t n, cap;
} cheap;

#define CACHE_TRUST_CLASSES 8u     /* trust levels kept apart for eviction (0..7) */

typedef struct estate {
    uint8_t phase;
    uint8_t count;           /* probes or announcements sent in this phase */
    bool announced;          /* records went out here: goodbyes due on withdrawal */
    uint64_t next_ms;
    uint64_t last_mcast[NSLOT];
} estate;

/* A budget of cache evictions (cache.c): used of a burst spent, paid back
 * at a rate per second since ms. Zeroed, it is full. */
typedef struct ebudget {
    uint64_t ms;
    uint32_t used;
} ebudget;

typedef struct srcrate {         /* one source's share of the input budget */
    nt_mdns_addr addr;
    uint64_t window_ms;
    uint32_t count;
    ebudget evict[CACHE_TRUST_CLASSES]; /* evictions it may cause, per trust class */
} srcrate;

typedef struct ptrchg {          /* a PTR record entered or left a cache */
    size_t ifslot;
    bool added;
    nt_dns_name owner;
    nt_dns_name target;
} ptrchg;

typedef struct iface {
    bool used;
    uint32_t ifindex;
    char name[16];
    nt_mdns_ifaddr addrs[NT_MDNS_IFACE_ADDRS_MAX];
    size_t naddr;
    bool v4, v6;
    centry *cache;
    size_t ncache, cache_alloc;
    int32_t *bucket;             /* owner-name hash -> first entry (chained by next) */
    int32_t *rbucket;            /* record hash -> first entry (chained by next_rec) */
    size_t nbucket;              /* power of two, >= cache_cap */
    /* Entries by expiry, one heap per trust class (eviction takes the
     * soonest to expire among those no more trusted than a newcomer), and
     * by their next refresh point or POOF deadline: nothing on the receive
     * path or the timers scans the cache. */
    cheap hexp[CACHE_TRUST_CLASSES];
    cheap hwake;
    uint64_t rate_window_ms;
    uint32_t rate_count;
    srcrate src[SRC_RATE_SLOTS];
    /* Evictions all sources together may cause, per trust class: an on-
     * link attacker sends from as many addresses as it likes, and a flood
     * of one class must not hold back a more trusted newcomer. */
    ebudget evict[CACHE_TRUST_CLASSES];
} iface;

typedef struct ent {
    bool used;
    bool is_host;
    nt_mdns_service_id id;
    uint32_t ifindex;            /* 0 = all */
    char base[NT_MDNS_LABEL_MAX];/* instance as requested */
    char instance[NT_MDNS_LABEL_MAX];
    unsigned renames;
    nt_dns_name type_name;       /* _ipp._tcp.local */
    nt_dns_name inst_name;       /* Name._ipp._tcp.local */
    nt_dns_name target;          /* SRV target */
    bool own_target;             /* target is our host name (follows renames) */
    nt_dns_name sub_names[NT_MDNS_SUBTYPES_MAX];
    size_t nsub;
    nt_dns_name enum_name;       /* _services._dns-sd._udp.<domain> */
    uint16_t port, priority, weight;
    uint8_t *txt;
    size_t txt_len;
    uint32_t ttl;                /* 0 = defaults */
    estate *st;                  /* one per interface slot */
    /* nt_mdns_service_set_extra: one more record under the instance. */
    char extra_label[NT_MDNS_LABEL_MAX];
    nt_dns_name extra_name;      /* <extra_label>.<inst_name>, follows renames */
    uint16_t extra_type;         /* 0: none */
    uint32_t extra_ttl;
    uint8_t *extra_rdata;
    size_t extra_len;
} ent;

typedef struct pans {
    bool used;
    uint8_t section;             /* NT_DNS_SEC_ANSWER or _ADDITIONAL */
    uint16_t ent;
    uint8_t slot;
    size_t ifslot;
    bool unicast;
    nt_mdns_endpoint dst;
    uint64_t due_ms;
    uint32_t ka_tag;             /* TC reassembly tag (§7.2), 0 if none */
    bool defend;                 /* probe defence: 250 ms limit instead of 1 s */
} pans;

typedef struct kaset {           /* pending known-answer reassembly (§7.2) */
    bool used;
    uint32_t tag;
    size_t ifslot;
    nt_mdns_endpoint src;
    uint64_t deadline_ms;
    size_t answers;
} kaset;

typedef struct qst {             /* one question the querier keeps asking */
    bool used;
    int32_t nx;                  /* next in its name bucket, or in the free list */
    uint32_t hname;              /* mdns_name_hash(&name) */
    nt_mdns_query_id owner;
    nt_dns_name name;
    uint16_t type;
    uint32_t ifindex;
    uint64_t next_ms;
    uint32_t interval_ms;
    uint32_t sent;
} qst;

typedef struct oneshot {         /* one question to send once (refresh, §5.2) */
    bool used;
    nt_dns_name name;
    uint16_t type;
    size_t ifslot;
} oneshot;

typedef struct qinst {
    bool used;
    nt_dns_name name;            /* instance name (browse/resolve), host (host), type (types) */
    nt_dns_name target;          /* SRV target last seen (browse/resolve) */
    uint32_t hname, htarget;     /* mdns_name_hash of name and target */
    uint32_t ifindex;
    uint64_t hash;
    int32_t nx_name;             /* next in its name bucket (or the free list) */
    int32_t nx_target;           /* next in its target bucket */
} qinst;

typedef struct query {
    bool used;
    nt_mdns_query_id id;
    nt_mdns_query_kind kind;
    nt_dns_name name;            /* PTR name, instance name or host name */
    nt_dns_name svc;             /* browse: <Service>.<Domain> its instances sit under */
    bool want4, want6, resolve;
    uint32_t ifindex;
    qinst *inst;                 /* grows up to config.cache_cap */
    size_t inst_alloc;
    /* Instances by name and by SRV target (hash buckets, nbuck a power of
     * two >= cache_cap), and the free slots: a changed record finds the
     * instances it touches without a walk over all of them. */
    int32_t *by_name, *by_target;
    size_t nbuck;
    int32_t free_head;
} query;

typedef struct outq {
    struct outq *next;
    uint32_t ifindex;
    nt_mdns_endpoint dst;
    size_t len;
    uint8_t data[];
} outq;

typedef struct evq {
    struct evq *next;
    nt_mdns_event ev;
} evq;

struct nt_mdns {
    nt_mdns_config cfg;
    char host_base[NT_MDNS_LABEL_MAX];
    char host_label[NT_MDNS_LABEL_MAX];
    unsigned host_renames;
    nt_dns_name host;            /* box.local */
    bool shut;
    uint64_t now_ms;             /* time of the call being served */
    uint64_t conflict_ring[15];  /* §8.1: times of the last CONFLICT_RING conflicts */
    uint32_t conflict_pos;
    uint32_t conflict_count;
    bool conflict_slow;
    uint64_t rng_state;
    nt_hkey hkey;                /* key of mdns_name_hash: rng draws, or from seed */
    uint32_t next_id;
    uint32_t next_tag;
    nt_mdns_stats stats;

    iface *ifs;                  /* max_interfaces */
    ent *ents;                   /* max_services + 1 (slot 0 = host) */
    size_t nents;
    size_t ents_hi;              /* no entry at or past this is used: loops stop here */
    query *qs;                   /* max_queries */
    size_t qs_hi;                /* one past the last used slot of qs */
    qst *qsts;                   /* 4 * max_queries */
    size_t nqsts;
    size_t nqst_used;
    size_t qsts_hi;              /* no question at or past this is used */
    int32_t *qst_bucket;         /* name hash -> first question (chained by nx) */
    size_t nqbucket;             /* power of two >= nqsts */
    int32_t qst_free;            /* free slots, chained by nx */
    oneshot os[MAX_ONESHOT];
    struct nt_predict *pred;     /* predictive refresh (predict.c); NULL: off */
    pans *pa;                    /* MAX_PENDING_ANSWERS */
    kaset *ka;                   /* max_known_answer_sets */

    outq *out_head, *out_tail;
    size_t nout;
    evq *ev_head, *ev_tail;
    size_t nev;
    evq *ev_spare;               /* popped nodes kept for reuse (EV_SPARE_MAX) */
    size_t nspare;

    /* Names whose records changed since the last query update: room for
     * all that one packet can touch (its records and as many evicted), so
     * that a packet naming many hosts does not force a rescan of every
     * browse (dirty_all); found through an open-addressed index. */
    nt_dns_name *dirty;          /* dirty_cap */
    uint32_t *dirty_hash;
    size_t ndirty, dirty_cap;
    int32_t *dirty_idx;          /* ndirty_idx slots (a power of two), -1 free */
    size_t ndirty_idx;
    bool dirty_all;
    bool ev_missed;   /* a query event did not fit the queue: re-run the queries once it drains */
    ptrchg *pchg;                /* MAX_PTR_CHANGES */
    size_t npchg;
    nt_dns_record *kas;          /* known-answer scratch: max_known_answers + 1 */

    nt_dns_msg msg;              /* parse scratch */
    /* Per entry of msg: the verify hook rejected its RRset (take_records),
     * so it is no claim on an established name (mdns_resp_response). */
    uint8_t rx_rejected[NT_DNS_MSG_MAX_RECORDS];
    uint8_t rdbuf[65535 + 1024]; /* rdata decompression scratch */
    size_t rd_used;              /* bytes of rdbuf holding the current query's known answers */
    uint8_t pkt[NT_MDNS_PACKET_MAX];
};

/* engine.c */
uint32_t mdns_rand(nt_mdns *m);
uint64_t mdns_rand_range(nt_mdns *m, uint64_t lo, uint64_t hi); /* [lo, hi] */
iface *mdns_iface_by_index(nt_mdns *m, uint32_t ifindex, size_t *slot);
void mdns_out_push(nt_mdns *m, size_t ifslot, const nt_mdns_endpoint *dst, const uint8_t *data,
                   size_t len);
void mdns_out_multicast(nt_mdns *m, size_t ifslot, const uint8_t *data, size_t len);
nt_mdns_event *mdns_event_new(nt_mdns *m, nt_mdns_event_kind kind);
/* Queues a copy of view (kind set from it): no zeroing of a node that is
 * overwritten whole anyway. false if the queue is full or memory short. */
bool mdns_event_push(nt_mdns *m, const nt_mdns_event *view);
bool mdns_rr_equal(const nt_dns_record *a, const nt_dns_record *b); /* name/type/class/rdata */
/* The hooks' view of a codec record; pointers into r, which must outlive out. */
void mdns_rr_view(nt_mdns_rr *out, const nt_dns_record *r);
/* Judges records one RRset at a time with the verify hook (engine.c). */
NT_WUR nt_status mdns_judge(nt_mdns *m, size_t ifslot, const nt_mdns_endpoint *src,
                            const nt_dns_record *recs, size_t n, uint64_t now,
                            nt_mdns_judgement *jd, bool *lead);
int mdns_rr_lexcmp(const nt_dns_record *a, const nt_dns_record *b); /* §8.2 */
void mdns_name_label_text(const nt_dns_name *n, char *out, size_t cap);   /* first label, raw */
void mdns_name_text(const nt_dns_name *n, size_t skip_labels, size_t take, char *out, size_t cap);
void mdns_mark_dirty(nt_mdns *m, const nt_dns_name *n);
void mdns_mark_dirty_h(nt_mdns *m, const nt_dns_name *n, uint32_t h); /* h: mdns_name_hash */
/* Keyed hashes (nt_keyed_hash under m->hkey) of a name and of bytes, ASCII
 * letters folded to lower case: names equal under nt_dns_name_equal hash
 * alike, and a LAN host cannot choose names that share a bucket. */
uint32_t mdns_name_hash(const nt_mdns *m, const nt_dns_name *n);
uint64_t mdns_hash_folded(const nt_mdns *m, uint64_t tweak, const uint8_t *p, size_t len);
bool mdns_is_dirty(const nt_mdns *m, const nt_dns_name *n, uint32_t h); /* h: its name hash */
void mdns_dirty_clear(nt_mdns *m);
void mdns_note_ptr(nt_mdns *m, size_t ifslot, const nt_dns_record *r, bool added);
nt_status mdns_host_build(nt_mdns *m);

/* cache.c */
void mdns_cache_add(nt_mdns *m, size_t ifslot, const nt_dns_record *r, uint8_t trust,
                    srcrate *src, uint64_t now);
srcrate *mdns_src_find(iface *f, const nt_mdns_addr *addr);
void mdns_cache_expire(nt_mdns *m, uint64_t now);
void mdns_cache_clear(nt_mdns *m, size_t ifslot);
/* First cached entry on f whose owner hashes to h (then follow .next and
 * compare the names); -1 if none. */
int32_t mdns_cache_first(const iface *f, uint32_t h);
/* The cached entry equal to r (mdns_rr_equal), or -1: one bucket, not the
 * owner's whole chain (a shared PTR owner may hold thousands). */
int32_t mdns_cache_find(const nt_mdns *m, const iface *f, const nt_dns_record *r);
/* The cached PTR owner -> target (names compared case-insensitively), or -1. */
int32_t mdns_cache_find_ptr(const nt_mdns *m, const iface *f, const nt_dns_name *owner,
                            const nt_dns_name *target);
uint64_t mdns_cache_next(const nt_mdns *m);
void mdns_cache_poof_note(nt_mdns *m, size_t ifslot, const nt_dns_name *name, uint16_t type,
                          const nt_dns_record *kas, size_t nka, bool skip_fresh, uint64_t now);

/* responder.c */
void mdns_resp_iface_up(nt_mdns *m, size_t ifslot, uint64_t now);
/* The host's addresses changed on a link where its name is already held:
 * announce them at once. false if the host is not established there. */
bool mdns_resp_host_reannounce(nt_mdns *m, size_t ifslot, uint64_t now);
void mdns_resp_start(nt_mdns *m, size_t e, uint64_t now);
void mdns_resp_goodbye(nt_mdns *m, size_t e, size_t ifslot);
void mdns_resp_addrs_changed(nt_mdns *m, size_t ifslot, const nt_mdns_ifaddr *keep, size_t nkeep);
void mdns_resp_query(nt_mdns *m, size_t ifslot, const nt_mdns_packet_in *pkt, uint64_t now);
void mdns_resp_response(nt_mdns *m, size_t ifslot, uint64_t now);
void mdns_resp_run(nt_mdns *m, uint64_t now);
uint64_t mdns_resp_next(const nt_mdns *m);
bool ent_record(nt_mdns *m, size_t e, size_t ifslot, size_t slot, nt_dns_record *out,
                uint8_t *buf, size_t cap);
bool ent_is_own_name(nt_mdns *m, const nt_dns_name *n);

/* querier.c */
void mdns_query_seen(nt_mdns *m, size_t ifslot, const nt_mdns_packet_in *pkt, uint64_t now);
void mdns_query_run(nt_mdns *m, uint64_t now);
uint64_t mdns_query_next(const nt_mdns *m);
void mdns_query_update(nt_mdns *m);   /* dirty names -> events */
void mdns_query_release(query *q);    /* frees a query's instance table */
bool mdns_query_wants(const nt_mdns *m, size_t ifslot, const nt_dns_name *name, uint16_t type);
void mdns_oneshot_add(nt_mdns *m, size_t ifslot, const nt_dns_name *name, uint16_t type);

/* predict.c: predictive refresh (DESIGN §7.2). */
nt_status mdns_predict_init(nt_mdns *m);
void mdns_predict_free(nt_mdns *m);
void mdns_predict_lookup(nt_mdns *m, const nt_dns_name *name, uint16_t type, uint64_t now);
void mdns_predict_cached(nt_mdns *m, const nt_dns_record *r, uint64_t now);
size_t mdns_predict_take(nt_mdns *m, nt_dns_name *names, uint16_t *types, size_t cap,
                         bool riding, uint64_t now);
uint64_t mdns_predict_next(const nt_mdns *m);

#endif
