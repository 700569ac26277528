/*
 * agent/run/rank_cli.h - the learned ranking (nautilus/rank.h) as the commands
 * use it: its state file in the state directory, TCP connect probes, and
 * the score fields of the JSON output (DESIGN §7.2).
 */
#ifndef NAUTILUS_AGENT_RUN_RANK_CLI_H
#define NAUTILUS_AGENT_RUN_RANK_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/buf.h"
#include "nautilus/mdns.h"
#include "nautilus/rank.h"

#define NT_RANK_STATE_FILE "rank.state"
#define NT_RANK_LOCK_FILE "rank.lock"
#define NT_RANK_STATE_BYTES_MAX (NT_RANK_STATE_MAX_ENTRIES * (NT_RANK_NAME_MAX + 81u) + 24u)

/* The table with its file, locked (flock) from open to close so that
 * concurrent commands do not lose each other's evidence. */
typedef struct nt_rank_store {
    nt_rank *rank;
    char dir[4096];
    int lock_fd;       /* -1: nothing to save to (no state directory) */
} nt_rank_store;

/* Opens the table of dir (NULL: the default state directory). create:
 * make dir (0700) if missing; otherwise a missing dir gives an empty
 * table that is not saved. A damaged file is an error (why says which),
 * never silently replaced. seed: the Thompson draws' RNG seed. */
NT_WUR nt_status nt_rank_store_open(nt_rank_store *s, const char *dir, bool create, uint64_t seed,
                                    char *why, size_t why_cap);

/* Writes the table back (temporary file 0600, fsync, rename). */
NT_WUR nt_status nt_rank_store_save(nt_rank_store *s);

/* Frees the table and drops the lock. */
void nt_rank_store_close(nt_rank_store *s);

/* The clock of the ranking: wall-clock milliseconds, so decay runs across
 * restarts (CLOCK_REALTIME). */
uint64_t nt_rank_clock_ms(void);

/* The key of an instance: its full name as browse --json prints "name". */
NT_WUR nt_status nt_rank_key(char out[NT_RANK_NAME_MAX], const char *instance, const char *type,
                             const char *domain);

/* TCP connect probe to addr:port, at most timeout_ms; *ok and *ms (time to
 * connect or fail). A link-local IPv6 address uses its scope. */
void nt_rank_probe(const nt_mdns_addr *addr, uint16_t port, int timeout_ms, bool *ok, double *ms);

/* Appends ,"score":{"cost_ms":..,"success":..,"latency_ms":..,"evidence":..,
 * "samples":..} for key (no evidence yet: the prior) with weight share r. */
NT_WUR nt_status nt_rank_json(nt_dynbuf *d, nt_rank *rank, const char *key, double r_share,
                              uint64_t now_ms);

/* browse --json: loads the table of dir (NULL: default) and drops the lock
 * at once (browse only reads, and may run for hours). Returns an exit code
 * (a damaged state file is a usage error). */
int nt_rank_cli_load(nt_rank_store *s, const char *dir);

/* Appends the score of ev's instance (nt_rank_json with the weight prior
 * taken as full) to a JSON object being written. */
NT_WUR nt_status nt_rank_cli_event_json(nt_dynbuf *d, nt_rank *rank, const nt_mdns_event *ev);

#endif
