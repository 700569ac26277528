/*
 * agent/run/resolve_out.h - what `nautilus resolve` prints, made in one place
 * so that an answer from a running agent (agent_ctl.c, which sends the
 * text) and one found in-process (cmd_resolve.c) print the same bytes.
 */
#ifndef NAUTILUS_AGENT_RUN_RESOLVE_OUT_H
#define NAUTILUS_AGENT_RUN_RESOLVE_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "nautilus/buf.h"
#include "nautilus/mdns.h"

/* Host addresses: one per line, or with json one object
 * {"host":..,"addresses":[{"address":..,"interface":..}]} and a newline. */
NT_WUR nt_status nt_resolve_host_out(nt_dynbuf *d, const char *host, const nt_mdns_addr *addrs,
                                     const char *const *ifnames, size_t n, bool json);

/* One resolved service instance: its full name, then "  host H port P
 * priority P weight W", "  txt [..]", and "  address A" lines; with json
 * the browse object of DESIGN §9 (kind "resolved") and a newline. */
NT_WUR nt_status nt_resolve_svc_out(nt_dynbuf *d, const nt_mdns_event *ev, const char *ifname,
                                    bool json);

/* A service answer is complete: SRV, TXT and an address of each family
 * asked for (a responder sends the addresses of one family together). */
bool nt_resolve_svc_complete(const nt_mdns_event *ev, bool want4, bool want6);

#endif
