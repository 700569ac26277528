/*
 * nautilus/wire.h - the DNS / mDNS wire codec (RFC 1035, RFC 6762, RFC 6763,
 * RFC 4034, RFC 6891, RFC 3597).
 *
 * Three parts:
 *
 *  1. Names (nt_dns_name): an uncompressed wire-form name, valid by
 *     construction (labels <= 63 octets, <= 127 labels, <= 255 octets in all,
 *     ends with the root label). Made from presentation text, from an
 *     uncompressed wire name, or by decompressing a name inside a message.
 *
 *  2. The parser (nt_dns_msg_parse): reads a whole message into a
 *     caller-provided nt_dns_msg WITHOUT allocating. Every name is validated
 *     once (pointers backwards only, bounded chains, sizes) and every record's
 *     RDATA is checked for its type; the message keeps views (offsets into
 *     the packet plus decoded fixed fields). Names are decompressed on request
 *     into a caller nt_dns_name; typed getters decode RDATA on request.
 *     A record whose RDATA is malformed but whose rdlength framing is sound
 *     keeps its own status in nt_dns_rr.status and the rest of the message
 *     stays usable; framing errors fail the whole parse.
 *
 *  3. The builder (nt_dns_builder): writes a message into caller storage with
 *     name compression, typed helpers per record type, header counts kept up
 *     to date after each item. A write that does not fit returns
 *     NT_ERR_NOSPACE and leaves the builder at the last complete item, so a
 *     caller can finish this packet (e.g. set TC) and start another.
 *
 * Plus the RFC 4034 §6.2 canonical form of an RRset and the exact bytes an
 * RRSIG covers (RFC 4034 §3.1.8.1). Presentation (dig-style) printing is in
 * nautilus/wire_print.h.
 *
 * Thread safety: no global state; distinct objects may be used concurrently.
 */
#ifndef NAUTILUS_WIRE_H
#define NAUTILUS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/buf.h"
#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits ---------------------------------------------------------------- */

#define NT_DNS_HEADER_LEN 12
#define NT_DNS_NAME_MAX 255       /* octets of a wire name incl. root (RFC 1035 §3.1) */
#define NT_DNS_LABEL_MAX 63       /* octets of one label (RFC 1035 §2.3.4) */
#define NT_DNS_LABELS_MAX 127     /* labels in a name, not counting the root */
#define NT_DNS_PTR_CHAIN_MAX 32   /* compression pointers followed in one name */
#define NT_DNS_MSG_MAX 65535      /* largest DNS message (16-bit lengths, RFC 1035 §4.2.2) */
#define NT_DNS_MSG_MAX_RECORDS 512 /* questions + records one nt_dns_msg holds */
/* Presentation text of any name fits in this many bytes incl. the NUL:
 * 255 octets, each at most "\DDD" (4 chars), plus the dots. */
#define NT_DNS_NAME_TEXT_MAX 1024
#define NT_DNS_COMP_MAX 64        /* builder compression table entries */
#define NT_DNS_RRSET_MAX 256      /* records in one canonical RRset */

/* ---- numbers --------------------------------------------------------------- */

enum {
    NT_DNS_TYPE_A = 1,
    NT_DNS_TYPE_NS = 2,
    NT_DNS_TYPE_CNAME = 5,
    NT_DNS_TYPE_PTR = 12,
    NT_DNS_TYPE_HINFO = 13,
    NT_DNS_TYPE_TXT = 16,
    NT_DNS_TYPE_AAAA = 28,
    NT_DNS_TYPE_SRV = 33,
    NT_DNS_TYPE_OPT = 41,
    NT_DNS_TYPE_RRSIG = 46,
    NT_DNS_TYPE_NSEC = 47,
    NT_DNS_TYPE_DNSKEY = 48,
    NT_DNS_TYPE_ANY = 255,
};

enum {
    NT_DNS_CLASS_IN = 1,
    NT_DNS_CLASS_ANY = 255,
    /* Top bit of the class: cache-flush in records, unicast-response (QU) in
     * questions (RFC 6762 §10.2, §5.4). Never part of nt_dns_rr.rclass. */
    NT_DNS_CLASS_MDNS_BIT = 0x8000,
};

/* Header flag bits (RFC 1035 §4.1.1, RFC 4035 §3.2 for AD/CD). */
enum {
    NT_DNS_FLAG_QR = 0x8000,
    NT_DNS_FLAG_AA = 0x0400,
    NT_DNS_FLAG_TC = 0x0200,
    NT_DNS_FLAG_RD = 0x0100,
    NT_DNS_FLAG_RA = 0x0080,
    NT_DNS_FLAG_Z = 0x0040,
    NT_DNS_FLAG_AD = 0x0020,
    NT_DNS_FLAG_CD = 0x0010,
};
#define NT_DNS_OPCODE(flags) ((unsigned)(((flags) >> 11) & 0xF))
#define NT_DNS_RCODE(flags) ((unsigned)((flags) & 0xF))

typedef enum nt_dns_section {
    NT_DNS_SEC_QUESTION = 0,
    NT_DNS_SEC_ANSWER = 1,
    NT_DNS_SEC_AUTHORITY = 2,
    NT_DNS_SEC_ADDITIONAL = 3,
} nt_dns_section;

/* ---- names ----------------------------------------------------------------- */

/* An uncompressed wire-form name, e.g. "\7printer\5local\0". Valid by
 * construction when made by the functions below: inner code need not
 * re-check it. len counts every octet including the root (1..255). */
typedef struct nt_dns_name {
    uint16_t len;
    uint8_t labels; /* number of labels, root not counted (0..127) */
    uint8_t wire[NT_DNS_NAME_MAX];
} nt_dns_name;

/* The root name ".". */
NT_API void nt_dns_name_root(nt_dns_name *out);

/* Parses presentation text (RFC 1035 §5.1): labels split at unescaped dots,
 * "\X" for a literal X (e.g. "\." or "\\"), "\DDD" for a decimal octet; a
 * trailing dot is optional (names are always absolute); "." and "" are the
 * root. Bytes >= 0x80 (UTF-8) are taken as they are.
 * NT_ERR_DNS_NAME_SYNTAX: empty label, bad escape, \DDD > 255, NUL byte.
 * NT_ERR_DNS_LABEL_TOO_LONG, NT_ERR_DNS_NAME_TOO_LONG, NT_ERR_DNS_NAME_LABELS. */
NT_API NT_WUR nt_status nt_dns_name_from_text(nt_dns_name *out, const char *text, size_t len);

/* Same, for a NUL-terminated string. */
NT_API NT_WUR nt_status nt_dns_name_from_str(nt_dns_name *out, const char *text);

/* Writes the presentation form with a trailing dot ("printer.local.", "."),
 * escaping '.', '\\', '"', '(', ')', ';', '@', '$' as "\X" and bytes outside
 * 0x21..0x7E (space, controls, UTF-8) as "\DDD" (RFC 1035 §5.1), then a NUL.
 * *out_len (may be NULL) gets the length without the NUL.
 * NT_ERR_NOSPACE if cap is too small (NT_DNS_NAME_TEXT_MAX always suffices). */
NT_API NT_WUR nt_status nt_dns_name_to_text(const nt_dns_name *n, char *out, size_t cap,
                                            size_t *out_len);

/* Takes an uncompressed wire name occupying exactly data[0..len).
 * NT_ERR_DNS_LABEL_TYPE (pointer or reserved label type), NT_ERR_DNS_LABEL_OVERRUN,
 * NT_ERR_DNS_NAME_NO_ROOT, NT_ERR_DNS_NAME_TOO_LONG, NT_ERR_DNS_NAME_LABELS,
 * NT_ERR_DNS_TRAILING (bytes after the root label). */
NT_API NT_WUR nt_status nt_dns_name_from_wire(nt_dns_name *out, const uint8_t *data, size_t len);

/* Reads a possibly compressed name at b's cursor and advances b past it (past
 * the first pointer if any). b->base must be the start of the DNS message:
 * pointer targets are message offsets. Pointers must point strictly
 * backwards, at or after the header, and bytes read after a jump must end
 * before the pointer that jumped (so every chain terminates).
 * out may be NULL to validate only.
 * Statuses: NT_ERR_DNS_PTR_SELF, NT_ERR_DNS_PTR_LOOP, NT_ERR_DNS_PTR_FORWARD,
 * NT_ERR_DNS_PTR_HEADER, NT_ERR_DNS_PTR_PAST_END, NT_ERR_DNS_PTR_CHAIN,
 * NT_ERR_DNS_LABEL_TYPE, NT_ERR_DNS_LABEL_OVERRUN, NT_ERR_DNS_NAME_TOO_LONG,
 * NT_ERR_DNS_NAME_LABELS, NT_ERR_DNS_NAME_NO_ROOT (the window ends where a
 * label length or the root was due). On error b is unchanged. */
NT_API NT_WUR nt_status nt_dns_name_parse(nt_buf *b, nt_dns_name *out);

/* ASCII-only case-insensitive equality (RFC 4343): only A-Z/a-z fold. */
NT_API bool nt_dns_name_equal(const nt_dns_name *a, const nt_dns_name *b);

/* RFC 4034 §6.1 canonical ordering: <0, 0, >0. Labels compared right to
 * left as lower-cased octet strings. */
NT_API int nt_dns_name_compare(const nt_dns_name *a, const nt_dns_name *b);

/* Lower-cases ASCII A-Z in place (RFC 4034 §6.2 canonical form). */
NT_API void nt_dns_name_lower(nt_dns_name *n);

/* Label iteration: *pos starts at 0; each call gives the next label (not the
 * root) and returns true, or returns false at the root.
 *   size_t pos = 0; const uint8_t *l; size_t ll;
 *   while (nt_dns_name_next_label(n, &pos, &l, &ll)) ... */
NT_API bool nt_dns_name_next_label(const nt_dns_name *n, size_t *pos, const uint8_t **label,
                                   size_t *label_len);

/* Builds out = label + "." + parent (e.g. instance name + service type).
 * The label is raw octets (no escapes), 1..63 long.
 * NT_ERR_DNS_LABEL_TOO_LONG, NT_ERR_DNS_NAME_SYNTAX (empty label),
 * NT_ERR_DNS_NAME_TOO_LONG, NT_ERR_DNS_NAME_LABELS. out may alias parent. */
NT_API NT_WUR nt_status nt_dns_name_prepend(nt_dns_name *out, const uint8_t *label, size_t len,
                                            const nt_dns_name *parent);

/* True if n equals suffix or ends with it (ASCII case-insensitive, whole labels). */
NT_API bool nt_dns_name_is_subdomain(const nt_dns_name *n, const nt_dns_name *suffix);

/* ---- parsed messages ------------------------------------------------------- */

/* Flags in nt_dns_rr.flags. */
enum {
    /* Class top bit: cache-flush (records) or QU (questions), RFC 6762. */
    NT_DNS_RR_MDNS_BIT = 0x01,
    /* RDATA was read leniently: NSEC with python-zeroconf's 2-byte window
     * number and bitmap length. Getters and the writer use the standard form. */
    NT_DNS_RR_LENIENT = 0x02,
};

/* One question or record of a parsed message: offsets into the packet plus
 * the fixed fields. For questions ttl, rdata_off and rdlength are 0. */
typedef struct nt_dns_rr {
    uint16_t name_off;  /* owner name (possibly compressed) in the message */
    uint16_t type;
    uint16_t rclass;    /* class with the mDNS top bit removed (see flags) */
    uint16_t rdata_off; /* RDATA start in the message */
    uint16_t rdlength;
    uint8_t section;    /* nt_dns_section */
    uint8_t flags;      /* NT_DNS_RR_* */
    uint32_t ttl;       /* for OPT: the raw extended-rcode/version/flags word */
    /* NT_OK, or why this record's RDATA is unusable (the message still is):
     * NT_ERR_DNS_RDATA_SHORT, NT_ERR_DNS_RDATA_TRAILING, NT_ERR_DNS_RDATA_NAME
     * (or any name status for a name inside RDATA), NT_ERR_DNS_TXT_OVERRUN,
     * NT_ERR_DNS_NSEC_BITMAP, NT_ERR_DNS_OPT_PLACEMENT. */
    nt_status status;
} nt_dns_rr;

/* A parsed message. Large (about 10 KB): keep one per thread or per socket,
 * not on a small stack. Valid only while the packet bytes live. */
typedef struct nt_dns_msg {
    const uint8_t *wire;
    size_t len;
    uint16_t id;
    uint16_t flags;
    uint16_t count[4];     /* records per nt_dns_section, as parsed */
    uint16_t first[4];     /* index in rr[] of each section's first entry */
    uint16_t nrr;          /* entries used in rr[] (questions first) */
    int32_t opt_index;     /* index of the OPT record in rr[], or -1 */
    uint16_t bad_records;  /* entries whose status is not NT_OK */
    size_t err_off;        /* after a failed parse: offset of the bad item */
    nt_dns_rr rr[NT_DNS_MSG_MAX_RECORDS];
} nt_dns_msg;

/* Parses data[0..len) into m without allocating. The bytes are borrowed and
 * must outlive m. On success every name and record is validated; entries
 * with a per-record status are counted in m->bad_records.
 * Statuses (whole message rejected):
 *   NT_ERR_DNS_HEADER_SHORT   len < 12
 *   NT_ERR_DNS_MSG_TOO_LONG   len > 65535
 *   NT_ERR_DNS_COUNT          the counts need more bytes than the packet has
 *   NT_ERR_DNS_TOO_MANY_RECORDS  more than NT_DNS_MSG_MAX_RECORDS entries
 *   NT_ERR_DNS_SHORT_RECORD   a question or record header is cut off
 *   NT_ERR_DNS_RDLENGTH       rdlength runs past the end
 *   NT_ERR_DNS_DUP_OPT        a second OPT record (RFC 6891 §6.1.1)
 *   NT_ERR_DNS_TRAILING       bytes after the last record
 *   any name status of nt_dns_name_parse for an owner name. */
NT_API NT_WUR nt_status nt_dns_msg_parse(nt_dns_msg *m, const uint8_t *data, size_t len);

/* Where the parse stopped: after a failed nt_dns_msg_parse, the message
 * offset at which the offending item starts (for error reports). */
NT_API size_t nt_dns_msg_error_offset(const nt_dns_msg *m);

/* Pointer to the i-th entry of a section, or NULL if i is out of range. */
NT_API const nt_dns_rr *nt_dns_msg_get(const nt_dns_msg *m, nt_dns_section sec, size_t i);

/* Decompresses a name already validated by nt_dns_msg_parse (the owner name
 * at rr->name_off, or one inside a record whose status is NT_OK). */
NT_API void nt_dns_msg_name(const nt_dns_msg *m, size_t off, nt_dns_name *out);

/* The owner name of rr. */
NT_API void nt_dns_rr_owner(const nt_dns_msg *m, const nt_dns_rr *rr, nt_dns_name *out);

/* The RDATA bytes as they are in the packet (may contain compression pointers). */
NT_API void nt_dns_rr_rdata(const nt_dns_msg *m, const nt_dns_rr *rr, const uint8_t **rdata,
                            size_t *len);

/* ---- typed RDATA getters ----------------------------------------------------
 * Each returns NT_ERR_INVALID_ARG if rr has another type, rr->status if that
 * is not NT_OK, else NT_OK. */

NT_API NT_WUR nt_status nt_dns_rr_get_a(const nt_dns_msg *m, const nt_dns_rr *rr, uint8_t addr[4]);
NT_API NT_WUR nt_status nt_dns_rr_get_aaaa(const nt_dns_msg *m, const nt_dns_rr *rr,
                                           uint8_t addr[16]);
/* PTR, CNAME and NS: the target name. */
NT_API NT_WUR nt_status nt_dns_rr_get_ptr(const nt_dns_msg *m, const nt_dns_rr *rr,
                                          nt_dns_name *target);

typedef struct nt_dns_srv {
    uint16_t priority;
    uint16_t weight;
    uint16_t port;
    nt_dns_name target;
} nt_dns_srv;
NT_API NT_WUR nt_status nt_dns_rr_get_srv(const nt_dns_msg *m, const nt_dns_rr *rr,
                                          nt_dns_srv *out);

/* NSEC (RFC 4034 §4.1): next name plus the type bitmap in standard form
 * (window, length 1..32, bitmap) even when the record used the lenient form. */
/* About 8.7 KB: keep it off small stacks. */
typedef struct nt_dns_nsec {
    nt_dns_name next;
    uint16_t bitmap_len;
    uint8_t bitmap[256 * 34]; /* room for every window */
} nt_dns_nsec;
NT_API NT_WUR nt_status nt_dns_rr_get_nsec(const nt_dns_msg *m, const nt_dns_rr *rr,
                                           nt_dns_nsec *out);
/* True if type is set in a standard-form bitmap (as in nt_dns_nsec). */
NT_API bool nt_dns_nsec_has_type(const uint8_t *bitmap, size_t len, uint16_t type);

/* RRSIG (RFC 4034 §3.1). signature points into the packet (or the caller's
 * bytes when building). */
typedef struct nt_dns_rrsig {
    uint16_t type_covered;
    uint8_t algorithm;
    uint8_t labels;
    uint32_t original_ttl;
    uint32_t expiration;
    uint32_t inception;
    uint16_t key_tag;
    nt_dns_name signer;
    const uint8_t *signature;
    size_t signature_len;
} nt_dns_rrsig;
NT_API NT_WUR nt_status nt_dns_rr_get_rrsig(const nt_dns_msg *m, const nt_dns_rr *rr,
                                            nt_dns_rrsig *out);

/* DNSKEY (RFC 4034 §2.1). key points into the packet. */
typedef struct nt_dns_dnskey {
    uint16_t flags;
    uint8_t protocol;
    uint8_t algorithm;
    const uint8_t *key;
    size_t key_len;
} nt_dns_dnskey;
NT_API NT_WUR nt_status nt_dns_rr_get_dnskey(const nt_dns_msg *m, const nt_dns_rr *rr,
                                             nt_dns_dnskey *out);

/* OPT (RFC 6891 §6.1.2, §6.1.3). options: the raw {code, length, data} list. */
typedef struct nt_dns_opt {
    uint16_t udp_size;      /* the CLASS field */
    uint8_t ext_rcode;      /* upper 8 bits of the 12-bit rcode */
    uint8_t version;
    uint16_t flags;         /* bit 0x8000 is DO */
    const uint8_t *options;
    size_t options_len;
} nt_dns_opt;
NT_API NT_WUR nt_status nt_dns_rr_get_opt(const nt_dns_msg *m, const nt_dns_rr *rr,
                                          nt_dns_opt *out);

/* TXT (RFC 6763 §6): iterate the character-strings of a record.
 *   nt_dns_txt_iter it; nt_dns_txt_iter_init(&it, m, rr);
 *   while (nt_dns_txt_iter_next(&it, &s, &n)) ...
 * An empty TXT is one zero-length string (RFC 6763 §6.1). init returns the
 * getter statuses. */
typedef struct nt_dns_txt_iter {
    const uint8_t *p;
    size_t left;
} nt_dns_txt_iter;
NT_API NT_WUR nt_status nt_dns_txt_iter_init(nt_dns_txt_iter *it, const nt_dns_msg *m,
                                             const nt_dns_rr *rr);
/* Same over TXT RDATA bytes that the caller has validated, e.g. via
 * nt_dns_txt_check. */
NT_API void nt_dns_txt_iter_init_raw(nt_dns_txt_iter *it, const uint8_t *rdata, size_t len);
NT_API bool nt_dns_txt_iter_next(nt_dns_txt_iter *it, const uint8_t **s, size_t *len);

/* Checks TXT RDATA framing: NT_ERR_DNS_TXT_OVERRUN or NT_ERR_DNS_RDATA_SHORT (empty). */
NT_API NT_WUR nt_status nt_dns_txt_check(const uint8_t *rdata, size_t len);

/* Splits one string at its first '=' (RFC 6763 §6.3, §6.4). *has_value is
 * false for a bare key ("flag"); value may be empty ("key="). Returns false
 * if the string has no usable key: empty, starting with '=', or with a key
 * octet outside printable ASCII 0x20..0x7E (such strings are ignored). */
NT_API bool nt_dns_txt_split(const uint8_t *s, size_t len, const uint8_t **key, size_t *key_len,
                             const uint8_t **value, size_t *value_len, bool *has_value);

/* Finds key (ASCII case-insensitive) in TXT RDATA; the first occurrence
 * wins (RFC 6763 §6.4). NT_ERR_NOT_FOUND if absent. rdata must be valid. */
NT_API NT_WUR nt_status nt_dns_txt_find(const uint8_t *rdata, size_t len, const char *key,
                                        const uint8_t **value, size_t *value_len,
                                        bool *has_value);

/* One key=value pair for nt_dns_txt_encode. key: printable ASCII without '='
 * (NUL-terminated); has_value false writes a bare "key". */
typedef struct nt_dns_txt_item {
    const char *key;
    const uint8_t *value;
    size_t value_len;
    bool has_value;
} nt_dns_txt_item;

/* Encodes items as TXT RDATA into out[0..cap); n == 0 gives the single empty
 * string (RFC 6763 §6.1). NT_ERR_DNS_TXT_KEY for a bad key,
 * NT_ERR_DNS_TXT_TOO_LONG if one string exceeds 255 octets, NT_ERR_NOSPACE. */
NT_API NT_WUR nt_status nt_dns_txt_encode(uint8_t *out, size_t cap, size_t *out_len,
                                          const nt_dns_txt_item *items, size_t n);

/* ---- records independent of a packet ----------------------------------------
 * An owned-name record with UNCOMPRESSED RDATA (names in RDATA written in
 * full). This is what caches keep, what the builder takes, and what the
 * canonical form works on. rdata is borrowed. */
typedef struct nt_dns_record {
    nt_dns_name owner;
    uint16_t type;
    uint16_t rclass;    /* without the mDNS bit */
    bool mdns_bit;      /* cache-flush (records) / QU (questions) */
    uint32_t ttl;
    const uint8_t *rdata;
    uint16_t rdlength;
} nt_dns_record;

/* Converts a parsed record (status NT_OK) to a record: owner decompressed,
 * RDATA copied into rdata_buf[0..cap) with every embedded name of a known
 * type decompressed (NSEC in standard form); rec->rdata points into rdata_buf.
 * NT_ERR_NOSPACE if cap is too small (65535 + 1024 always suffices:
 * decompression can grow RDATA), NT_ERR_DNS_RDLENGTH if the expanded RDATA
 * would pass 65535 octets, rr->status if not NT_OK. For a question only the
 * owner, type, class and QU bit are set (rdlength 0). */
NT_API NT_WUR nt_status nt_dns_rr_to_record(const nt_dns_msg *m, const nt_dns_rr *rr,
                                            nt_dns_record *rec, uint8_t *rdata_buf, size_t cap);

/* Checks that uncompressed RDATA is valid for its type (the checks of the
 * parser, without compression). Returns the same per-record statuses, and
 * NT_ERR_DNS_LABEL_TYPE for a compression pointer. The python-zeroconf NSEC
 * form is accepted, as by the parser. */
NT_API NT_WUR nt_status nt_dns_rdata_check(uint16_t type, const uint8_t *rdata, size_t len);

/* ---- canonical form (RFC 4034 §6) -------------------------------------------- */

/* Writes the canonical RDATA of uncompressed RDATA: embedded names
 * lower-cased for the types of RFC 4034 §6.2 item 3 as corrected by
 * RFC 6840 §5.1 (PTR, CNAME, NS, SRV, RRSIG signer: lowered; NSEC next name:
 * NOT lowered); NSEC bitmaps in standard form. Output length <= input length.
 * Per-record statuses for bad RDATA, NT_ERR_NOSPACE. */
NT_API NT_WUR nt_status nt_dns_rdata_canonical(nt_wbuf *out, uint16_t type, const uint8_t *rdata,
                                               size_t len);

/* Writes the RRset in canonical form (RFC 4034 §6.2, §6.3): for each record,
 * owner lower-cased and uncompressed, type, class with the mDNS cache-flush
 * bit cleared, TTL = orig_ttl, rdlength, canonical RDATA; records sorted by
 * canonical RDATA as left-justified octet strings; exact duplicates written
 * once. All records must share owner (case-insensitively), type and class:
 * NT_ERR_INVALID_ARG otherwise or for n == 0 or n > NT_DNS_RRSET_MAX.
 * Allocates scratch through nt_malloc (NT_ERR_NOMEM). NT_ERR_NOSPACE. */
NT_API NT_WUR nt_status nt_dns_rrset_canonical(nt_wbuf *out, const nt_dns_record *rrs, size_t n,
                                               uint32_t orig_ttl);

/* Writes the bytes an RRSIG signature covers (RFC 4034 §3.1.8.1):
 * RRSIG RDATA without the signature (signer name lower-cased, uncompressed)
 * followed by nt_dns_rrset_canonical(rrs, n, sig->original_ttl).
 * sig->signature is ignored. Statuses as nt_dns_rrset_canonical. */
NT_API NT_WUR nt_status nt_dns_rrsig_signed_data(nt_wbuf *out, const nt_dns_rrsig *sig,
                                                 const nt_dns_record *rrs, size_t n);

/* ---- building messages --------------------------------------------------- */

/* Builder state. Fields are private; use the functions. */
typedef struct nt_dns_builder {
    nt_wbuf w;
    size_t storage;           /* bytes given to init (capped at 65535) */
    uint16_t count[4];
    uint8_t section;          /* current section; items go in section order */
    uint8_t has_opt;
    uint16_t ncomp;           /* entries in comp[] */
    uint16_t comp[NT_DNS_COMP_MAX]; /* offsets of names/suffixes already written */
} nt_dns_builder;

/* Starts a message in storage[0..cap) with the given id and header flags
 * (NT_DNS_FLAG_*, opcode, rcode), all counts 0. NT_ERR_NOSPACE if cap < 12.
 * cap above 65535 is treated as 65535. */
NT_API NT_WUR nt_status nt_dns_builder_init(nt_dns_builder *b, uint8_t *storage, size_t cap,
                                            uint16_t id, uint16_t flags);

/* Limits the message to limit bytes, so that room stays free for records
 * added last (e.g. signatures, added once a packet's answers are known).
 * The limit is clamped to [bytes written, storage given to init]; raising it
 * again gives the room back. */
NT_API void nt_dns_builder_set_limit(nt_dns_builder *b, size_t limit);

/* Replaces the header flags (e.g. to set TC after NT_ERR_NOSPACE). */
NT_API void nt_dns_builder_set_flags(nt_dns_builder *b, uint16_t flags);

/* Bytes of the message so far: always a complete, parseable message. */
NT_API size_t nt_dns_builder_len(const nt_dns_builder *b);

/* Common statuses of every add function:
 *   NT_ERR_NOSPACE      did not fit; the builder is unchanged
 *   NT_ERR_INVALID_ARG  section out of order (questions, then answers,
 *                       authority, additional), a count would pass 65535,
 *                       or a question added after records
 * The mDNS bit is the class top bit: cache-flush for records, QU for
 * questions (RFC 6762 §10.2, §5.4). Names are compressed against names
 * written before (RFC 1035 §4.1.4), also inside PTR, CNAME, NS, SRV and NSEC
 * RDATA (RFC 6762 §18.14); never inside RRSIG (RFC 4034 §3.1.7). */

NT_API NT_WUR nt_status nt_dns_builder_add_question(nt_dns_builder *b, const nt_dns_name *name,
                                                    uint16_t type, uint16_t qclass, bool qu);

/* Head of a record: owner, class (without the mDNS bit), cache-flush, TTL. */
typedef struct nt_dns_rrhead {
    const nt_dns_name *owner;
    uint16_t rclass;
    bool cache_flush;
    uint32_t ttl;
} nt_dns_rrhead;

NT_API NT_WUR nt_status nt_dns_builder_add_a(nt_dns_builder *b, nt_dns_section sec,
                                             const nt_dns_rrhead *h, const uint8_t addr[4]);
NT_API NT_WUR nt_status nt_dns_builder_add_aaaa(nt_dns_builder *b, nt_dns_section sec,
                                                const nt_dns_rrhead *h, const uint8_t addr[16]);
/* type is NT_DNS_TYPE_PTR, _CNAME or _NS. */
NT_API NT_WUR nt_status nt_dns_builder_add_ptr(nt_dns_builder *b, nt_dns_section sec,
                                               const nt_dns_rrhead *h, uint16_t type,
                                               const nt_dns_name *target);
NT_API NT_WUR nt_status nt_dns_builder_add_srv(nt_dns_builder *b, nt_dns_section sec,
                                               const nt_dns_rrhead *h, uint16_t priority,
                                               uint16_t weight, uint16_t port,
                                               const nt_dns_name *target);
/* rdata: TXT RDATA (e.g. from nt_dns_txt_encode); len 0 writes the single
 * empty string. NT_ERR_DNS_TXT_OVERRUN if its framing is bad. */
NT_API NT_WUR nt_status nt_dns_builder_add_txt(nt_dns_builder *b, nt_dns_section sec,
                                               const nt_dns_rrhead *h, const uint8_t *rdata,
                                               size_t len);
/* types[0..ntypes) in any order, duplicates allowed; written as a standard
 * bitmap (RFC 4034 §4.1.2). NT_ERR_INVALID_ARG if ntypes == 0. */
NT_API NT_WUR nt_status nt_dns_builder_add_nsec(nt_dns_builder *b, nt_dns_section sec,
                                                const nt_dns_rrhead *h, const nt_dns_name *next,
                                                const uint16_t *types, size_t ntypes);
NT_API NT_WUR nt_status nt_dns_builder_add_rrsig(nt_dns_builder *b, nt_dns_section sec,
                                                 const nt_dns_rrhead *h, const nt_dns_rrsig *sig);
NT_API NT_WUR nt_status nt_dns_builder_add_dnskey(nt_dns_builder *b, nt_dns_section sec,
                                                  const nt_dns_rrhead *h,
                                                  const nt_dns_dnskey *key);
/* OPT pseudo-record at the root in the additional section (RFC 6891 §6.1).
 * NT_ERR_DNS_DUP_OPT if one was added already. */
NT_API NT_WUR nt_status nt_dns_builder_add_opt(nt_dns_builder *b, const nt_dns_opt *opt);

/* Any record from uncompressed RDATA (rec->rdata); names in RDATA of known
 * types are checked and compressed, other types are written opaque
 * (RFC 3597). Per-record RDATA statuses if rec->rdata is invalid for its type. */
NT_API NT_WUR nt_status nt_dns_builder_add_record(nt_dns_builder *b, nt_dns_section sec,
                                                  const nt_dns_record *rec);

/* Re-encodes a parsed message: same header (id, flags), every question and
 * every record whose status is NT_OK in its section and order, with fresh
 * compression; records with a per-record status are dropped (counted in
 * *dropped, may be NULL). Lenient NSEC comes out in standard form.
 * Statuses of the add functions (NT_ERR_NOSPACE: nothing useful written). */
NT_API NT_WUR nt_status nt_dns_msg_write(const nt_dns_msg *m, uint8_t *out, size_t cap,
                                         size_t *out_len, size_t *dropped);

/* Names of types, classes and sections for printing: "A", "NSEC", "IN",
 * "ANSWER". NULL for numbers without a mnemonic (print "TYPE123"). */
NT_API const char *nt_dns_type_name(uint16_t type);
NT_API const char *nt_dns_class_name(uint16_t rclass);
NT_API const char *nt_dns_section_name(nt_dns_section sec);

#ifdef __cplusplus
}
#endif
#endif
