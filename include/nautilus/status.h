/*
 * nautilus/status.h - the one status type of the project.
 *
 * Every function that can fail returns nt_status; only NT_OK means success.
 * Values are grouped by module in reserved ranges and are never reused or
 * renumbered: a status seen in a log, an event or a test stays meaningful.
 *
 *   0          NT_OK
 *   1..99      core (memory, cursors, codecs, files, arguments)
 *   100..199   agent/wire (DNS message codec)
 *   200..299   agent/mdns (engine)
 *   300..399   agent/net (sockets, interfaces, loop)
 *   400..499   agent/trust (signatures, trust store, policy)
 *   500..599   zk (BN254, Groth16, Poseidon, snarkjs JSON)
 *   600..699   ledger (RLP, ABI, RPC, outbox, Merkle log)
 *   700..799   agent/bus
 *   800..899   crypto (keys, key files)
 *   900..999   ledger: the Merkle log (nt_ledger_log; 600..699 is the chain client)
 *   1000..1099 agent/rank (ranking state file)
 *   1200..1299 agent/ctl (the control socket)
 */
#ifndef NAUTILUS_STATUS_H
#define NAUTILUS_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NT_WUR __attribute__((warn_unused_result))
#define NT_API __attribute__((visibility("default")))
#define NT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NT_WUR
#define NT_API
#define NT_PRINTF(f, a)
#endif

typedef enum nt_status {
    NT_OK = 0,

    /* core: 1..99 */
    NT_ERR_NOMEM = 1,          /* an allocation failed */
    NT_ERR_INVALID_ARG = 2,    /* a caller broke a documented precondition */
    NT_ERR_SHORT = 3,          /* a read ran past the end of its window */
    NT_ERR_NOSPACE = 4,        /* a write did not fit in the output buffer */
    NT_ERR_CAP = 5,            /* a capped buffer or table reached its cap */
    NT_ERR_TRAILING = 6,       /* a window was not consumed exactly */
    NT_ERR_HEX = 7,            /* malformed hexadecimal text */
    NT_ERR_BASE64 = 8,         /* malformed or non-canonical base64 text */
    NT_ERR_OVERFLOW = 9,       /* size arithmetic would overflow */
    NT_ERR_IO = 10,            /* an operating-system I/O call failed (see errno) */
    NT_ERR_NOT_FOUND = 11,     /* the thing looked up does not exist */
    NT_ERR_JSON = 12,          /* malformed JSON or a JSON value of the wrong shape */
    NT_ERR_PERM = 13,          /* permission denied or unsafe permissions */
    NT_ERR_RANGE = 14,         /* a number outside its allowed range */
    NT_ERR_EXISTS = 15,        /* the thing to create exists already */
    NT_ERR_TIMEOUT = 16,       /* an operation did not finish in time */
    NT_ERR_UNSUPPORTED = 17,   /* valid input that this build does not handle */
    NT_ERR_LIB_LOAD = 18,      /* a shared library needed now could not be loaded */

    /* agent/wire: 100..199 */
    NT_ERR_DNS_HEADER_SHORT = 100,      /* fewer than 12 bytes: no complete header */
    NT_ERR_DNS_COUNT = 101,             /* section counts promise more than the packet holds */
    NT_ERR_DNS_PTR_SELF = 102,          /* compression pointer to its own offset */
    NT_ERR_DNS_PTR_LOOP = 103,          /* pointer chain does not move strictly backwards */
    NT_ERR_DNS_PTR_FORWARD = 104,       /* compression pointer to a later offset */
    NT_ERR_DNS_PTR_HEADER = 105,        /* compression pointer into the 12-byte header */
    NT_ERR_DNS_PTR_PAST_END = 106,      /* compression pointer past the end of the message */
    NT_ERR_DNS_PTR_CHAIN = 107,         /* too many pointers in one name */
    NT_ERR_DNS_LABEL_TYPE = 108,        /* reserved label type 0x40 or 0x80 */
    NT_ERR_DNS_LABEL_OVERRUN = 109,     /* a label runs past the end of its window */
    NT_ERR_DNS_NAME_TOO_LONG = 110,     /* name longer than 255 octets */
    NT_ERR_DNS_NAME_LABELS = 111,       /* name with more than 127 labels */
    NT_ERR_DNS_NAME_NO_ROOT = 112,      /* name ends without its root label */
    NT_ERR_DNS_RDLENGTH = 113,          /* rdlength runs past the end of the message */
    NT_ERR_DNS_RDATA_SHORT = 114,       /* RDATA too short for its type */
    NT_ERR_DNS_RDATA_NAME = 115,        /* a name inside RDATA escapes rdlength */
    NT_ERR_DNS_TXT_OVERRUN = 116,       /* a TXT character-string overruns RDATA */
    NT_ERR_DNS_NSEC_BITMAP = 117,       /* NSEC type bitmap with bad window or length */
    NT_ERR_DNS_DUP_OPT = 118,           /* more than one OPT record */
    NT_ERR_DNS_RDATA_TRAILING = 119,    /* RDATA longer than its type's content */
    NT_ERR_DNS_TOO_MANY_RECORDS = 120,  /* more records than the parser's cap */
    NT_ERR_DNS_OPT_PLACEMENT = 121,     /* OPT outside the additional section or not at root */
    NT_ERR_DNS_TXT_TOO_LONG = 122,      /* TXT data beyond the configured cap */
    NT_ERR_DNS_NAME_SYNTAX = 123,       /* text form of a name is malformed */
    NT_ERR_DNS_TRAILING = 124,          /* bytes after the last record */
    NT_ERR_DNS_LABEL_TOO_LONG = 125,    /* text form of a label longer than 63 octets */
    NT_ERR_DNS_MSG_TOO_LONG = 126,      /* message longer than 65535 bytes */
    NT_ERR_DNS_SHORT_RECORD = 127,      /* a question or record header is cut off */
    NT_ERR_DNS_TXT_KEY = 128,           /* TXT key empty, with '=' or not printable ASCII */

    /* agent/mdns: 200..299 */
    NT_ERR_MDNS_NAME = 200,             /* instance, type, domain or host name unusable */
    NT_ERR_MDNS_SHUT_DOWN = 201,        /* the engine was shut down */
    NT_ERR_MDNS_NO_IFACE = 202,         /* interface unknown to the engine */
    NT_ERR_MDNS_TXT = 203,              /* TXT entries malformed or too long */
    /* agent/net: 300..399 */
    NT_ERR_NET_SOCKET = 300,            /* a socket could not be created or configured */
    NT_ERR_NET_BIND = 301,              /* the port could not be bound */
    NT_ERR_NET_JOIN = 302,              /* joining the multicast group failed */
    NT_ERR_NET_SEND = 303,              /* sending a datagram failed */
    NT_ERR_NET_RECV = 304,              /* receiving a datagram failed */
    NT_ERR_NET_NO_IFACE = 305,          /* no such interface, or none usable */
    NT_ERR_NET_IFACE_DOWN = 306,        /* the interface is down or cannot multicast */
    NT_ERR_NET_ADDR_SYNTAX = 307,       /* malformed IP address text */
    NT_ERR_NET_SCOPE = 308,             /* address scope names no interface */
    NT_ERR_NET_WOULDBLOCK = 309,        /* nothing to read, or no room to send, right now */
    NT_ERR_NET_TRUNCATED = 310,         /* datagram larger than the receive buffer */
    NT_ERR_NET_SIGNAL = 311,            /* signal handling could not be set up */
    NT_ERR_NET_POLL = 312,              /* poll() failed */
    NT_ERR_NET_RANDOM = 313,            /* the system random source failed */
    NT_ERR_NET_UNREACHABLE = 314,       /* no route to the destination from that interface */
    NT_ERR_NET_AF_UNSUPPORTED = 315,    /* the address family is not available */
    NT_ERR_NET_NETMASK = 316,           /* netmask ones are not contiguous */
    /* agent/trust: 400..499 */
    NT_ERR_TRUST_UNSIGNED = 400,        /* unsigned record for a name with a pinned key */
    NT_ERR_TRUST_NO_KEY = 401,          /* RRSIG without the signer's DNSKEY */
    NT_ERR_TRUST_WRONG_KEY = 402,       /* signed by a key not pinned for the name */
    NT_ERR_TRUST_EXPIRED = 403,         /* RRSIG expired */
    NT_ERR_TRUST_NOT_YET_VALID = 404,   /* RRSIG inception in the future */
    NT_ERR_TRUST_BAD_SIGNATURE = 405,   /* RRSIG signature does not verify */
    NT_ERR_TRUST_ALGORITHM = 406,       /* not an Ed25519 (15) zone key / RRSIG */
    NT_ERR_TRUST_COVERAGE = 407,        /* RRSIG type, labels or owner do not match */
    NT_ERR_TRUST_KEY_TAG = 408,         /* RRSIG key tag does not match the DNSKEY */
    NT_ERR_TRUST_REPLAY = 409,          /* inception older than one already accepted */
    NT_ERR_TRUST_BUDGET = 410,          /* too many signature checks */
    NT_ERR_TRUST_STORE_SYNTAX = 411,    /* malformed trust store line */
    NT_ERR_TRUST_ZK_MALFORMED = 412,    /* metadata TXT zk fields malformed */
    NT_ERR_TRUST_ZK_UNKNOWN_VK = 413,   /* zkvk names no verification key we hold */
    NT_ERR_TRUST_ZK_BINDING = 414,      /* proof keyBinding is not the signing key's */
    NT_ERR_TRUST_ZK_INVALID = 415,      /* selective-disclosure proof does not verify */
    NT_ERR_TRUST_OVERSIZE = 416,        /* a bound in the trust path was hit: whole set refused */
    NT_ERR_TRUST_GOODBYE = 417,         /* some but not all records of a set have TTL 0 */
    NT_ERR_TRUST_SIGNER_NAME = 418,     /* RRSIG signer is not a <label>.local host name */
    NT_ERR_TRUST_TABLE_FULL = 419,      /* trust tables full of entries that must be kept */
    NT_ERR_TRUST_ANCHOR_MISMATCH = 420, /* anchor= does not lead to the checkpoint root on chain */
    NT_ERR_TRUST_ANCHOR_MALFORMED = 421, /* anchor= field of the metadata TXT malformed */

    /* zk: 500..599 */
    NT_ERR_ZK_COORD_RANGE = 500,        /* a coordinate is >= p */
    NT_ERR_ZK_NOT_ON_CURVE = 501,       /* G1 point not on y^2 = x^3 + 3 */
    NT_ERR_ZK_NOT_ON_TWIST = 502,       /* G2 point not on the sextic twist */
    NT_ERR_ZK_NOT_IN_SUBGROUP = 503,    /* G2 point outside the r-order subgroup */
    NT_ERR_ZK_PROOF_INFINITY = 504,     /* a proof element is the point at infinity */
    NT_ERR_ZK_INPUT_RANGE = 505,        /* a public input is >= r */
    NT_ERR_ZK_INPUT_COUNT = 506,        /* public input count differs from the key's */
    NT_ERR_ZK_VK_DEGENERATE = 507,      /* delta equals gamma or the G2 generator */
    NT_ERR_ZK_PROOF_INVALID = 508,      /* well-formed proof whose pairing check fails */
    NT_ERR_ZK_SCALAR_RANGE = 509,       /* a scalar is out of range */
    NT_ERR_ZK_ENCODING = 510,           /* malformed number or point encoding */
    NT_ERR_ZK_VK_MISMATCH = 511,        /* vk_alphabeta_12 differs from e(alpha, beta) */
    NT_ERR_ZK_PROTOCOL = 512,           /* not groth16 over bn128 */

    /* ledger: 600..699. 600..659 the chain client (RLP, ABI, transactions,
     * JSON-RPC); 660..699 left for the Merkle log and the outbox. */
    NT_ERR_RLP_TRUNCATED = 600,          /* an RLP item runs past the end of its window */
    NT_ERR_RLP_NONMINIMAL_LEN = 601,     /* long-form RLP length for fewer than 56 bytes */
    NT_ERR_RLP_SINGLE_BYTE = 602,        /* a byte < 0x80 encoded as a one-byte RLP string */
    NT_ERR_RLP_LEN_LEADING_ZERO = 603,   /* an RLP length field with a leading zero byte */
    NT_ERR_RLP_TRAILING = 604,           /* bytes after the RLP item */
    NT_ERR_RLP_DEPTH = 605,              /* RLP lists nested beyond NT_RLP_MAX_DEPTH */
    NT_ERR_RLP_TOO_LARGE = 606,          /* an RLP length beyond 8 bytes, size_t or the caller's cap */
    NT_ERR_RLP_TYPE = 607,               /* an RLP item of the wrong kind (list, string) or size */
    NT_ERR_RLP_INT = 608,                /* an RLP integer with a leading zero or too wide for its type */
    NT_ERR_RLP_COUNT = 609,              /* an RLP list with the wrong number of items */
    NT_ERR_ABI_SHORT = 610,              /* ABI data shorter than its head or a word */
    NT_ERR_ABI_OFFSET = 611,             /* an ABI offset outside the data or not where the encoding puts it */
    NT_ERR_ABI_LENGTH = 612,             /* an ABI length past the data or beyond its cap */
    NT_ERR_ABI_VALUE = 613,              /* an ABI word outside its type's range (address, bool, uint64) */
    NT_ERR_ABI_PADDING = 614,            /* non-zero padding after ABI bytes or string */
    NT_ERR_ABI_TRAILING = 615,           /* bytes after the last ABI value */
    NT_ERR_ABI_TOPIC = 616,              /* log topics do not match the event (topic0 or count) */
    NT_ERR_TX_CHAIN_ID = 620,            /* chain id differs from the one expected: nothing signed or sent */
    NT_ERR_TX_TYPE = 621,                /* unknown or unsupported transaction type */
    NT_ERR_TX_FIELD = 622,               /* a transaction field out of range or of the wrong size */
    NT_ERR_TX_SIGNATURE = 623,           /* transaction signature r, s or v out of range (EIP-2, EIP-155) */
    NT_ERR_RPC_URL = 630,                /* RPC URL malformed or not http/https */
    NT_ERR_RPC_CONNECT = 631,            /* could not connect to the node (refused, unreachable, unresolved) */
    NT_ERR_RPC_TIMEOUT = 632,            /* the node did not answer in time (connect or total timeout) */
    NT_ERR_RPC_TLS = 633,                /* TLS handshake or certificate verification failed */
    NT_ERR_RPC_TRANSPORT = 634,          /* connection broke or another transport failure */
    NT_ERR_RPC_HTTP_STATUS = 635,        /* HTTP status other than 200 */
    NT_ERR_RPC_REDIRECT = 636,           /* the node answered with a redirect (refused) */
    NT_ERR_RPC_BODY_TOO_LARGE = 637,     /* response body beyond its cap */
    NT_ERR_RPC_JSON = 638,               /* response body is not valid JSON */
    NT_ERR_RPC_ENVELOPE = 639,           /* valid JSON but not a JSON-RPC 2.0 response */
    NT_ERR_RPC_ID = 640,                 /* response ids do not match the requests */
    NT_ERR_RPC_RESULT_TYPE = 641,        /* a result of the wrong type or form */
    NT_ERR_RPC_PARSE_ERROR = 642,        /* JSON-RPC error -32700: the node could not parse the request */
    NT_ERR_RPC_INVALID_REQUEST = 643,    /* JSON-RPC error -32600: invalid request */
    NT_ERR_RPC_METHOD_NOT_FOUND = 644,   /* JSON-RPC error -32601: method not found */
    NT_ERR_RPC_INVALID_PARAMS = 645,     /* JSON-RPC error -32602: invalid params */
    NT_ERR_RPC_INTERNAL = 646,           /* JSON-RPC error -32603: internal error */
    NT_ERR_RPC_INVALID_INPUT = 647,      /* JSON-RPC error -32000: invalid input (EIP-1474; geth's generic error) */
    NT_ERR_RPC_RESOURCE_NOT_FOUND = 648, /* JSON-RPC error -32001: resource not found (EIP-1474) */
    NT_ERR_RPC_RESOURCE_UNAVAILABLE = 649, /* JSON-RPC error -32002: resource unavailable (EIP-1474) */
    NT_ERR_RPC_TX_REJECTED = 650,        /* JSON-RPC error -32003: transaction rejected (EIP-1474) */
    NT_ERR_RPC_METHOD_UNSUPPORTED = 651, /* JSON-RPC error -32004 or -32006: method or version not supported */
    NT_ERR_RPC_LIMIT_EXCEEDED = 652,     /* JSON-RPC error -32005: request exceeds a node limit */
    NT_ERR_RPC_SERVER_ERROR = 653,       /* JSON-RPC error -32099..-32007: another server error */
    NT_ERR_RPC_REVERTED = 654,           /* JSON-RPC error 3: execution reverted */
    NT_ERR_RPC_ERROR = 655,              /* a JSON-RPC error with any other code */
    NT_ERR_RPC_HASH_MISMATCH = 656,      /* the node's transaction hash is not the keccak of what was sent */
    /* ledger, the outbox (nt_ledger_outbox): 660..679 */
    NT_ERR_OUTBOX_DB = 660,              /* the outbox's SQLite database failed */
    NT_ERR_OUTBOX_DB_CORRUPT = 661,      /* outbox file damaged */
    NT_ERR_OUTBOX_DB_FOREIGN = 662,      /* a database that is not a Nautilus outbox */
    NT_ERR_OUTBOX_DB_VERSION = 663,      /* outbox schema newer than this build reads */
    NT_ERR_OUTBOX_DB_BUSY = 664,         /* outbox database locked by another writer too long */
    NT_ERR_OUTBOX_ACCOUNT = 665,         /* the outbox belongs to another account or chain */
    /* ledger, the contracts as operations (nt_ledger_chain): 680..699 */
    NT_ERR_CHAIN_NO_CODE = 680,          /* no contract at the address given */
    NT_ERR_CHAIN_MISMATCH = 681,         /* the contracts on chain do not point at each other as deployed */
    NT_ERR_CHAIN_TX_FAILED = 682,        /* the transaction was mined and failed (status 0) */
    /* agent/bus: 700..799 */
    NT_ERR_BUS_ZMQ = 700,               /* a ZeroMQ call failed */
    NT_ERR_BUS_MALFORMED = 701,         /* a bus message not of the documented shape */
    NT_ERR_BUS_AUTH = 702,              /* a bus head or snapshot does not authenticate */
    NT_ERR_BUS_AGENT = 703,             /* a bus message from another agent or key */
    NT_ERR_BUS_CURVE_KEY = 704,         /* a CURVE key or key list is malformed */
    NT_ERR_BUS_SNAPSHOT = 705,          /* no valid snapshot could be had */
    /* crypto: 800..899 */
    NT_ERR_CRYPTO_BAD_SIGNATURE = 800,  /* signature does not verify */
    NT_ERR_CRYPTO_BAD_SECRET = 801,     /* secret key out of range */
    NT_ERR_CRYPTO_STATE_DIR = 802,      /* state directory missing or unreadable */
    NT_ERR_CRYPTO_KEY_MISSING = 803,    /* key file does not exist */
    NT_ERR_CRYPTO_KEY_PERMS = 804,      /* key file readable by others or not a plain file */
    NT_ERR_CRYPTO_KEY_TRUNCATED = 805,  /* key file ends too soon */
    NT_ERR_CRYPTO_KEY_FORMAT = 806,     /* key file garbled */
    NT_ERR_CRYPTO_KEY_CORRUPT = 807,    /* key file secret and public key disagree */
    NT_ERR_CRYPTO_INIT = 808,           /* a crypto library failed to initialise */

    /* ledger, the Merkle log: 900..999 */
    NT_ERR_MERKLE_PROOF = 900,          /* a Merkle proof leads to another root */
    NT_ERR_MERKLE_PROOF_SIZE = 901,     /* a Merkle proof has too many or too few nodes */
    NT_ERR_MERKLE_RANGE = 902,          /* leaf index or tree size outside the tree */
    NT_ERR_MERKLE_LEAF_FORMAT = 903,    /* leaf data does not start with an owner name and type */
    NT_ERR_MERKLE_LEAF_SIZE = 904,      /* leaf data empty or over its cap */
    NT_ERR_MERKLE_FULL = 905,           /* the log reached its cap on leaves or bytes */
    NT_ERR_MERKLE_DB = 906,             /* the log's SQLite database failed */
    NT_ERR_MERKLE_DB_CORRUPT = 907,     /* log file damaged, or leaves and hashes disagree */
    NT_ERR_MERKLE_DB_FOREIGN = 908,     /* a database that is not a Nautilus Merkle log */
    NT_ERR_MERKLE_DB_VERSION = 909,     /* log schema newer than this build reads */
    NT_ERR_MERKLE_DB_BUSY = 910,        /* log database locked by another writer too long */
    NT_ERR_MERKLE_LOG_ID = 911,         /* the log belongs to another key */

    /* agent/rank: 1100..1199 */
    NT_ERR_RANK_STATE_FORMAT = 1100,    /* ranking state file garbled or truncated */
    NT_ERR_RANK_STATE_VERSION = 1101,   /* ranking state file of another version */
    NT_ERR_RANK_STATE_CHECKSUM = 1102,  /* ranking state file checksum wrong */
    /* agent/ctl: 1200..1299 */
    NT_ERR_CTL_FRAME = 1200,            /* a control frame of length 0 or over the limit */
    NT_ERR_CTL_CLOSED = 1201,           /* the control connection is closed */
    NT_ERR_CTL_NO_AGENT = 1202,         /* no agent listens on the control socket */
    NT_ERR_CTL_RATE = 1220,             /* too many requests on the control socket; later */
    NT_ERR_CTL_LEDGER_ELSEWHERE = 1230, /* the agent does not anchor that state and chain */
    NT_ERR_CTL_LEDGER_BUSY = 1231,      /* the agent's ledger queue is full; later */
    /* agent/conf: 1000..1099 */
    NT_ERR_CONF_SYNTAX = 1000,          /* a config line that is no section, pair or comment */
    NT_ERR_CONF_UNKNOWN = 1001,         /* unknown section, key, element or attribute */
    NT_ERR_CONF_VALUE = 1002,           /* a config value that does not parse or is out of range */
    NT_ERR_CONF_DUPLICATE = 1003,       /* a section, key or element given twice */
    NT_ERR_CONF_MISSING = 1004,         /* a required key or element is missing */
    NT_ERR_CONF_XML = 1005,             /* a service file that is not well-formed XML */
} nt_status;

/* Returns a constant, human-readable description of status; never NULL. */
NT_API const char *nt_strerror(nt_status status);

/* Returns the constant symbolic name of status ("NT_ERR_DNS_PTR_LOOP"); never NULL. */
NT_API const char *nt_status_name(nt_status status);

#ifdef __cplusplus
}
#endif
#endif
