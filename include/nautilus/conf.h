/*
 * nautilus/conf.h - the agent's configuration (DESIGN §8.1): an INI file
 * (parsed with inih) and Avahi static service files (.service XML, parsed
 * with expat), both strict.
 *
 * Strict means: an unknown section or key, a key given twice, a value that
 * does not parse, a line that is neither a section, a KEY = VALUE pair, a
 * comment nor blank, each refuse the whole file with one message and the
 * line it is on (nt_conf_error). Nothing is half-applied: a caller that
 * reloads parses into a fresh nt_conf and keeps the old one on failure.
 *
 * Every file read here is untrusted text: sizes are capped (NT_CONF_FILE_MAX),
 * a NUL byte anywhere refuses the file, and every list has a cap that
 * rejects rather than truncates (STYLE rule 7).
 */
#ifndef NAUTILUS_CONF_H
#define NAUTILUS_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/log.h"
#include "nautilus/status.h"
#include "nautilus/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NT_CONF_PREDICT_DEFAULT 60u /* predictive-refresh-per-minute */
#define NT_CONF_FILE_MAX (256u * 1024u) /* bytes of one config or .service file */
#define NT_CONF_LINE_MAX 199u           /* bytes of one INI line (inih's buffer) */
#define NT_CONF_KEY_MAX 48u             /* bytes of one INI key */
#define NT_CONF_PATH_MAX 1024u          /* a path or URL, with its NUL */
#define NT_CONF_NAME_MAX 256u           /* a dotted name, with its NUL */
#define NT_CONF_LABEL_MAX 64u           /* one label (63 octets), with its NUL */
#define NT_CONF_IFACES_MAX 8u
#define NT_CONF_BROWSE_MAX 32u
#define NT_CONF_VKS_MAX 8u
#define NT_CONF_SERVICES_MAX 64u        /* from the INI file and .service files together */
#define NT_CONF_SUBTYPES_MAX 8u         /* = NT_MDNS_SUBTYPES_MAX */
#define NT_CONF_TXT_MAX 1300u           /* TXT RDATA bytes of one service */
#define NT_CONF_SERVICE_FILES_MAX 64u   /* .service files in the services directory */

/* Where a configuration error is: "FILE:LINE: message". */
typedef struct nt_conf_error {
    char file[NT_CONF_PATH_MAX];
    unsigned line;  /* 1-based; 0 when the whole file is at fault (unreadable) */
    char msg[240];
} nt_conf_error;

typedef enum nt_conf_log_target {
    NT_CONF_LOG_STDERR = 0,
    NT_CONF_LOG_SYSLOG = 1, /* syslog(3); journald takes it on systemd hosts */
} nt_conf_log_target;

/* Address families of an Avahi <service protocol="...">. */
typedef enum nt_conf_family { NT_CONF_ANY = 0, NT_CONF_IPV4 = 4, NT_CONF_IPV6 = 6 } nt_conf_family;

/* One service to publish, from a [service NAME] section or a .service file. */
typedef struct nt_conf_service {
    char instance[NT_CONF_LABEL_MAX];   /* raw UTF-8, one label */
    char type[NT_CONF_LABEL_MAX];       /* "_ipp._tcp" */
    char subtypes[NT_CONF_SUBTYPES_MAX][NT_CONF_LABEL_MAX]; /* "_colour" (one label) */
    size_t n_subtypes;
    char domain[NT_CONF_NAME_MAX];      /* "" = local */
    char host[NT_CONF_NAME_MAX];        /* SRV target; "" = this host */
    char ifname[NT_CONF_LABEL_MAX];     /* "" = every interface */
    uint16_t port;
    uint16_t priority;
    uint16_t weight;
    uint32_t ttl;                       /* 0 = the engine's defaults */
    nt_conf_family family;
    uint8_t txt[NT_CONF_TXT_MAX];       /* TXT RDATA: length-prefixed strings */
    size_t txt_len;
    char origin[NT_CONF_PATH_MAX];      /* file it came from */
    unsigned line;                      /* line of its [service] or <service> */
} nt_conf_service;

/* The whole configuration. Empty strings mean "not set" (the built-in
 * default applies; the man page nautilus.conf(5) lists them). */
typedef struct nt_conf {
    /* [agent] */
    char ifnames[NT_CONF_IFACES_MAX][NT_CONF_LABEL_MAX];
    size_t n_ifnames;
    char host_name[NT_CONF_LABEL_MAX];
    char state_dir[NT_CONF_PATH_MAX];
    char services_dir[NT_CONF_PATH_MAX];
    char browse[NT_CONF_BROWSE_MAX][NT_CONF_NAME_MAX];
    size_t n_browse;
    char user[NT_CONF_LABEL_MAX];
    bool ipv4, ipv6;  /* default both true */
    bool sign;        /* sign published services (default true) */
    char control_socket[NT_CONF_PATH_MAX]; /* control-socket (DESIGN §8.3) */
    char control_group[NT_CONF_LABEL_MAX]; /* control-group: may use it too */
    /* [log] */
    nt_conf_log_target log_target;
    nt_log_level log_level;
    /* [trust] */
    char trust_store[NT_CONF_PATH_MAX];
    char tofu_store[NT_CONF_PATH_MAX];
    nt_trust_level require;
    /* [zk] */
    char zk_vks[NT_CONF_VKS_MAX][NT_CONF_PATH_MAX];
    size_t n_zk_vks;
    /* [chain] */
    char chain_profile[NT_CONF_LABEL_MAX];
    char rpc_url[NT_CONF_PATH_MAX];
    char registry[43]; /* "0x" + 40 hex digits */
    /* [chain], anchoring by the daemon (DESIGN §4.1, §8.1; 0 = the default) */
    bool anchor;              /* anchor = yes: log and anchor our signed services */
    uint32_t chain_id;        /* chain-id (ethereum: 1; besu: must be set) */
    uint32_t confirmations;   /* confirmations (0: the profile's) */
    uint32_t anchor_every;    /* anchor-every: leaves per checkpoint (16) */
    uint32_t anchor_interval; /* anchor-interval: seconds a leaf may wait (60) */
    /* [bus] */
    char bus_endpoint[NT_CONF_PATH_MAX];
    char snapshot_endpoint[NT_CONF_PATH_MAX];
    char curve_secret_file[NT_CONF_PATH_MAX];
    char curve_clients_file[NT_CONF_PATH_MAX];
    uint32_t bus_hwm;
    /* [limits] (0 = the engine's default) */
    uint32_t cache_records;
    uint32_t max_services;
    uint32_t max_queries;
    uint32_t packets_per_sec;
    uint32_t checks_per_source;
    uint32_t checks_total;
    /* Predictive refresh (DESIGN §7.2): questions per minute at most;
     * NT_CONF_PREDICT_DEFAULT unless set, 0 = off. */
    uint32_t predict_per_min;
    /* [service NAME] sections, then .service files */
    nt_conf_service services[NT_CONF_SERVICES_MAX];
    size_t n_services;
} nt_conf;

/* Allocates a configuration holding the defaults. NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_conf_create(nt_conf **out);
NT_API void nt_conf_destroy(nt_conf *c);

/* Resets c to the defaults (no services). */
NT_API void nt_conf_reset(nt_conf *c);

/* Formats err as "FILE:LINE: message" (or "FILE: message" for line 0). */
NT_API void nt_conf_error_format(char *out, size_t cap, const nt_conf_error *err);

/* Parses INI text[0..len) named file (for messages) into c, on top of what
 * c holds. On failure err says where and why, and c is left in an
 * unspecified state (parse into a fresh one). NT_ERR_CONF_SYNTAX,
 * NT_ERR_CONF_UNKNOWN, NT_ERR_CONF_VALUE, NT_ERR_CONF_DUPLICATE,
 * NT_ERR_CONF_MISSING, NT_ERR_CAP (a list cap or the file size), NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_conf_parse(nt_conf *c, nt_conf_error *err, const char *file,
                                      const char *text, size_t len);

/* Sets one key of section ("agent", "trust", ...; not "service") as if
 * read from the file, replacing what was there: how command-line flags
 * override the file. why[0..why_cap) says what is wrong on failure.
 * NT_ERR_CONF_UNKNOWN, NT_ERR_CONF_VALUE. */
NT_API NT_WUR nt_status nt_conf_set(nt_conf *c, const char *section, const char *key,
                                    const char *value, char *why, size_t why_cap);

/* Reads path (at most NT_CONF_FILE_MAX bytes) and parses it. Also NT_ERR_IO
 * (err->line 0) when it cannot be read. */
NT_API NT_WUR nt_status nt_conf_load(nt_conf *c, nt_conf_error *err, const char *path);

/* Parses one Avahi static service file (avahi.service(5)): a
 * <service-group> with one <name> and one or more <service>, each with
 * <type>, <subtype>*, <domain-name>?, <host-name>?, <port>, <txt-record>*
 * (value-format text, binary-hex or binary-base64). %h in a name with
 * replace-wildcards="yes" becomes host_label (this host's first label).
 * Appends the services to c. NT_ERR_CONF_XML (not well-formed, or an entity
 * declared), NT_ERR_CONF_UNKNOWN (element or attribute avahi-daemon does not
 * know), NT_ERR_CONF_VALUE, NT_ERR_CONF_MISSING, NT_ERR_CAP, NT_ERR_NOMEM. */
NT_API NT_WUR nt_status nt_conf_avahi_parse(nt_conf *c, nt_conf_error *err, const char *file,
                                            const char *text, size_t len,
                                            const char *host_label);

/* Parses every "*.service" file of dir in name order (as avahi-daemon reads
 * /etc/avahi/services), at most NT_CONF_SERVICE_FILES_MAX. NT_ERR_IO when
 * dir or a file cannot be read; the errors of nt_conf_avahi_parse. */
NT_API NT_WUR nt_status nt_conf_avahi_load_dir(nt_conf *c, nt_conf_error *err, const char *dir,
                                               const char *host_label);

#ifdef __cplusplus
}
#endif
#endif
