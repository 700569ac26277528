/* agent/bus/pub_zap.h - the ZAP handler (RFC 27, ZeroMQ Authentication
 * Protocol) that admits CURVE clients whose public key is allowed. Private. */
#ifndef NAUTILUS_AGENT_BUS_PUB_ZAP_H
#define NAUTILUS_AGENT_BUS_PUB_ZAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

#define NT_BUS_ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define NT_BUS_ALLOW_MAX 1024u

typedef struct nt_bus_zap_list {
    uint8_t (*keys)[32];
    size_t n;
} nt_bus_zap_list;

/* Reads Z85 public keys, one a line (lines starting with '#' are comments;
 * '#' is also a Z85 digit, so never after a key), blank lines. On a bad
 * line NT_ERR_BUS_CURVE_KEY and *bad_line its number; NT_ERR_IO; NT_ERR_CAP
 * past NT_BUS_ALLOW_MAX keys. */
NT_WUR nt_status nt_bus_zap_list_load(nt_bus_zap_list *l, const char *path, unsigned *bad_line);
void nt_bus_zap_list_cleanup(nt_bus_zap_list *l);

/* Answers one ZAP request waiting on the REP socket; *denied when refused. */
void nt_bus_zap_serve(void *rep, const nt_bus_zap_list *l, bool *denied);

#endif
