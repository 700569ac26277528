/*
 * agent/run/reject_agg.h - rejected records, aggregated for display.
 *
 * A hostile LAN can make every record set of every packet a rejection, and
 * browse would print a line for each. Rejections are grouped by (name,
 * reason), where the name is the instance, type and domain the event
 * carries: the first of a group is shown at once, then at most one line per
 * interval, carrying how many rejections it stands for since the group's
 * last line (like syslog's "last message repeated N times"). Nothing is
 * lost: a pending count is shown when its interval has passed (tick), when
 * its slot is reused, or at exit (flush).
 *
 * Pure: time is passed in (milliseconds on a monotonic clock, never the
 * wall clock), and what is to be shown goes to the emit callback.
 */
#ifndef NAUTILUS_AGENT_RUN_REJECT_AGG_H
#define NAUTILUS_AGENT_RUN_REJECT_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nautilus/mdns.h"

#define NT_REJECT_AGG_CAP 256u            /* groups remembered */
#define NT_REJECT_AGG_INTERVAL_MS 10000u  /* at most one line per group per interval */

/* Shows one line: ev is the group's latest rejection, count how many
 * rejections the line stands for (>= 1). */
typedef void (*nt_reject_agg_emit_fn)(void *ctx, const nt_mdns_event *ev, uint32_t count);

typedef struct nt_reject_agg nt_reject_agg;

/* Creates an aggregator of at most cap groups (0: NT_REJECT_AGG_CAP) that
 * shows each group at most once per interval_ms. NT_ERR_NOMEM. */
NT_WUR nt_status nt_reject_agg_create(nt_reject_agg **out, size_t cap, uint64_t interval_ms,
                                      nt_reject_agg_emit_fn emit, void *ctx);

/* Frees a. Pending counts are not shown: flush first. NULL ignored. */
void nt_reject_agg_destroy(nt_reject_agg *a);

/* Counts the rejection ev (kind NT_MDNS_EV_REJECTED) seen at now_ms. It is
 * shown at once if its group is new or its interval has passed since the
 * group's last line; otherwise it is counted. When all groups are in use,
 * the one least recently seen is flushed and takes the new group. */
void nt_reject_agg_add(nt_reject_agg *a, const nt_mdns_event *ev, uint64_t now_ms);

/* Shows the pending count of every group whose interval has passed. */
void nt_reject_agg_tick(nt_reject_agg *a, uint64_t now_ms);

/* When the next pending count falls due; false if nothing is pending. */
bool nt_reject_agg_next_due(const nt_reject_agg *a, uint64_t *due_ms);

/* Shows every pending count now (at exit). */
void nt_reject_agg_flush(nt_reject_agg *a);

#endif
