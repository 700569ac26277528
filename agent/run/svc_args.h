/*
 * agent/run/svc_args.h - what a service to publish may be called and carry:
 * its type, its subtypes and its TXT entries, checked alike whether they
 * come from `nautilus publish`'s command line (tools/cmd_publish.c) or from
 * a publish request to the agent (req_publish.c). Text only: no network.
 */
#ifndef NAUTILUS_AGENT_RUN_SVC_ARGS_H
#define NAUTILUS_AGENT_RUN_SVC_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/* "_name._tcp" or "_name._udp" (RFC 6763 §7): the service name 1..15
 * characters (RFC 6335 §5.1). */
bool nt_svc_type_ok(const char *t);

/* A subtype "_printer" or "printer" (RFC 6763 §7.1): one label of 1..62
 * bytes, no dot. Written to out (cap bytes, 64 hold any) with its leading
 * underscore; false when s is not one or does not fit. */
bool nt_svc_subtype_label(char *out, size_t cap, const char *s);

/* "KEY=VALUE" or "KEY" as one TXT string: the key printable US-ASCII
 * without '=', 1 character at least (RFC 6763 §6.4), the whole at most 255
 * bytes (§6.1). */
bool nt_svc_txt_item_ok(const char *item);

#endif
