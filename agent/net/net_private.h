/* Private helpers shared by the agent/net sources. */
#ifndef NAUTILUS_NET_PRIVATE_H
#define NAUTILUS_NET_PRIVATE_H

#include <sys/socket.h>

#include "nautilus/net.h"

/* Records errno for nt_net_last_errno. */
void nt_net_remember_errno(int err);

/* Converts between nt_net_addr and struct sockaddr_in / sockaddr_in6. */
void nt_net_addr_from_sockaddr(nt_net_addr *out, uint16_t *port, const struct sockaddr *sa);
socklen_t nt_net_addr_to_sockaddr(struct sockaddr_storage *out, const nt_net_addr *a,
                                  uint16_t port);

#endif
