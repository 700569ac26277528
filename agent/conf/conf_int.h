/* agent/conf private: what the INI and Avahi parsers share. */
#ifndef NAUTILUS_AGENT_CONF_INT_H
#define NAUTILUS_AGENT_CONF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/conf.h"

/* Records the first error (file, line, message) and returns st. */
nt_status nt_conf_fail(nt_conf_error *err, unsigned line, nt_status st, const char *fmt, ...)
    NT_PRINTF(4, 5);

/* Reads all of path (at most NT_CONF_FILE_MAX bytes) into a new buffer
 * *text (NUL-terminated, nt_free it) of *len bytes. On failure records the
 * error (cannot open / read, too large) and returns its status. */
nt_status nt_conf_read_file(nt_conf_error *err, const char *path, char **text, size_t *len);

/* Copies src into dst[0..cap); false (dst untouched) if it does not fit. */
bool nt_conf_copy(char *dst, size_t cap, const char *src);

/* "_name._tcp" or "_name._udp" (RFC 6763 §7; RFC 6335 §5.1: 1..15 chars,
 * letters, digits and hyphens). */
bool nt_conf_type_ok(const char *t);

/* One DNS label of 1..63 bytes with no control characters. */
bool nt_conf_label_ok(const char *s);

/* A dotted host or domain name: labels of 1..63 bytes of letters, digits,
 * hyphens and underscores, at most 253 bytes; one trailing dot allowed. */
bool nt_conf_dname_ok(const char *s);

/* Decimal in [min, max], digits only. */
bool nt_conf_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out);

/* Appends one TXT string "key[=value]" to s (RFC 6763 §6: key printable
 * ASCII without '=', 1..255 bytes together, no key twice, compared without
 * case). why gets the reason on failure. */
bool nt_conf_txt_add(nt_conf_service *s, const char *key, size_t key_len, const uint8_t *val,
                     size_t val_len, bool has_value, char *why, size_t why_cap);

/* Takes a new service slot (zeroed, origin and line set); NULL when full. */
nt_conf_service *nt_conf_service_new(nt_conf *c, const char *file, unsigned line);

/* Sets one key of the INI file (agent/conf/keys.c). section is "agent",
 * "log", ... or "service"; svc the service for [service NAME] sections.
 * seen: the section's bitset of keys already given (duplicates). */
nt_status nt_conf_key_set(nt_conf *c, nt_conf_service *svc, const char *section, const char *key,
                          const char *value, uint64_t *seen, char *why, size_t why_cap);

/* True if section (without a service name) is known. */
bool nt_conf_section_known(const char *section);

/* Checks a [service] section is complete (type and port given). */
bool nt_conf_service_complete(const nt_conf_service *s, uint64_t seen, char *why, size_t why_cap);

#endif
