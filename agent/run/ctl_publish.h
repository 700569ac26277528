/*
 * agent/run/ctl_publish.h - services published through the agent's control
 * socket (DESIGN §8.3): `nautilus publish` with a running agent.
 *
 * A service lives as long as the connection that asked for it: when the
 * client exits, is killed or its connection drops, the agent withdraws it
 * (goodbyes). With persist it stays until a withdraw request names it; the
 * persisted ones are written (atomically) to ctl-services.json in the
 * agent's state directory and published again when the agent starts. They
 * are kept apart from the configured services, so a SIGHUP reload never
 * touches them. Signed with the agent's key, under its host name, with the
 * metadata TXT, as the configured services (agent_publish.c).
 *
 * Limits: NT_CTL_PUB_PER_CONN services per connection and
 * NT_CTL_PUB_TOTAL in all; a request beyond is refused (nothing evicted).
 */
#ifndef NAUTILUS_AGENT_RUN_CTL_PUBLISH_H
#define NAUTILUS_AGENT_RUN_CTL_PUBLISH_H

#include <stdbool.h>

#include "agent.h"
#include "agent_req.h"
#include "mdns_runner.h"
#include "nautilus/ctl.h"

#define NT_CTL_PUB_PER_CONN 8u
#define NT_CTL_PUB_TOTAL 32u
#define NT_CTL_PUB_FILE "ctl-services.json"
#define NT_CTL_PUB_FILE_MAX (256u * 1024u)

typedef struct nt_ctl_pubs nt_ctl_pubs;

/* state_dir: where the persisted services are kept ("" = none: persist is
 * refused). NT_ERR_NOMEM. */
NT_WUR nt_status nt_ctl_pubs_create(nt_ctl_pubs **out, nt_runner *r, const char *state_dir);

/* Once the agent publishes: pubs gives the signing hooks (NULL: the agent
 * does not sign); the persisted services are read back and published (a
 * damaged file is logged in one line and left as it is). */
void nt_ctl_pubs_start(nt_ctl_pubs *p, nt_agent_pubs *pubs);

/* A publish or withdraw request from c; the replies go to c. json[0..len)
 * is the request as sent (kept for the persisted ones). */
void nt_ctl_pubs_request(nt_ctl_pubs *p, nt_ctl_conn *c, const nt_agent_req *req,
                         const char *json, size_t len);

/* An engine event about a published service: reported to the client that
 * asked for it. The caller hands the event on (logging, claims, bus). */
void nt_ctl_pubs_event(nt_ctl_pubs *p, const nt_mdns_event *ev);

/* c is closing: its services (not the persisted ones) are withdrawn. */
void nt_ctl_pubs_conn_closed(nt_ctl_pubs *p, nt_ctl_conn *c);

/* Services held, for the status request. */
size_t nt_ctl_pubs_count(const nt_ctl_pubs *p);

/* NULL ignored. The services are not withdrawn here (the runner's stop
 * sends every goodbye). */
void nt_ctl_pubs_destroy(nt_ctl_pubs *p);

#endif
