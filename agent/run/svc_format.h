/*
 * agent/run/svc_format.h - text and JSON forms of discovered services, shared by
 * `browse` and `resolve` (DESIGN §9 browse JSON, avahi-browse-like lines).
 */
#ifndef NAUTILUS_AGENT_RUN_SVC_FORMAT_H
#define NAUTILUS_AGENT_RUN_SVC_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/buf.h"
#include "nautilus/mdns.h"

/* Appends s as a JSON string (quotes included). Control characters are
 * escaped; bytes that are not valid UTF-8 become \u00XX so the output is
 * always valid JSON whatever the network sent. */
NT_WUR nt_status nt_svc_json_str(nt_dynbuf *d, const char *s, size_t len);

/* Appends one more field of an object: ,"key": and s as nt_svc_json_str
 * writes it. key is a plain name that needs no escape. */
NT_WUR nt_status nt_svc_json_field(nt_dynbuf *d, const char *key, const char *s, size_t len);

/* Appends the full service name in DNS presentation form, instance label
 * escaped (RFC 6763 §4.3: '.' and '\' get a backslash):
 * "My\.Printer._ipp._tcp.local". */
NT_WUR nt_status nt_svc_full_name(nt_dynbuf *d, const char *instance, const char *type,
                                  const char *domain);

/* Appends the printed address ("10.0.0.2", "fe80::1%lan0"). */
NT_WUR nt_status nt_svc_addr(nt_dynbuf *d, const nt_mdns_addr *a);

/* Appends one browse event as the JSON object of DESIGN §9 (no newline).
 * kind: "added", "updated", "removed" or "rejected". key_hex: the digest of
 * the key that signed the instance (NULL prints null). */
NT_WUR nt_status nt_svc_event_json(nt_dynbuf *d, const char *kind, const nt_mdns_event *ev,
                                   const char *ifname, const char *key_hex);

/* Appends TXT RDATA as avahi-browse shows it: ["k=v" "flag"]. */
NT_WUR nt_status nt_svc_txt_text(nt_dynbuf *d, const uint8_t *txt, size_t txt_len);

#endif
