/*
 * agent/run/stats_out.h - the counters of one run (--stats of browse and
 * resolve): the engine's nt_mdns_stats and the trust hooks'
 * nt_trust_hooks_stats, printed once on exit.
 *
 * Key names are stable (scripts read them) and the same in both forms:
 * the engine's counters carry their nt_mdns_stats field names, the trust
 * hooks' theirs with a "trust_" prefix. JSON: one object on one line,
 * {"event":"stats","packets_in":N,...}. Text: a few lines of
 * "stats: key=value key=value ...", grouped by what they count.
 */
#ifndef NAUTILUS_AGENT_RUN_STATS_OUT_H
#define NAUTILUS_AGENT_RUN_STATS_OUT_H

#include <stdbool.h>

#include "nautilus/buf.h"
#include "nautilus/mdns.h"
#include "nautilus/trust_mdns.h"

/* The --stats paragraph of browse's and resolve's --help (every key). */
#define NT_STATS_OUT_HELP                                                                  \
    "  --stats        on exit, print the run's counters to stdout: with --json as\n"       \
    "                 one line {\"event\":\"stats\",KEY:N,...}, else as lines\n"           \
    "                 'stats: KEY=N ...'. The keys (stable):\n"                            \
    "                 traffic: packets_in packets_out queries_sent responses_sent\n"       \
    "                 cache: cache_records cache_evictions\n"                              \
    "                 drops: malformed offlink_dropped own_dropped rate_dropped\n"         \
    "                   records_dropped tc_pending_dropped output_dropped\n"               \
    "                   events_dropped\n"                                                  \
    "                 suppression: answers_suppressed questions_suppressed\n"              \
    "                   suppress_refused\n"                                                \
    "                 judged: rejected conflicts conflicts_refused\n"                      \
    "                 trust: trust_verified_sets trust_unsigned_sets\n"                    \
    "                   trust_rejected_sets trust_table_refused trust_signed_sets\n"       \
    "                   trust_signature_cache_hits trust_zk_verifications\n"               \
    "                   trust_zk_cache_hits trust_zk_rejected\n"

/* Appends the counters to d: one JSON object and a newline if json, else
 * the "stats:" lines. hooks may be NULL (no trust_ keys then).
 * NT_ERR_NOMEM or NT_ERR_CAP if d cannot grow. */
NT_WUR nt_status nt_stats_out_write(nt_dynbuf *d, const nt_mdns_stats *ms,
                                    const nt_trust_hooks_stats *ts, bool json);

/* Reads the counters of engine m and hooks h (may be NULL) and writes them
 * to stdout. A line that cannot be formatted is logged, not printed. */
void nt_stats_out_print(const nt_mdns *m, const nt_trust_hooks *h, bool json);

#endif
