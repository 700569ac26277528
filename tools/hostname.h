/* tools/hostname.h - the --host rules of the subcommands. */
#ifndef NAUTILUS_TOOLS_HOSTNAME_H
#define NAUTILUS_TOOLS_HOSTNAME_H

#include "nautilus/wire.h"

/* Sets out to the host name meant by arg ("printer" or "printer.local" both
 * give printer.local.), or, with arg NULL, this machine's first host-name
 * label in .local. Errors are those of nt_dns_name_from_str, or NT_ERR_IO. */
NT_WUR nt_status nt_cli_host_name(nt_dns_name *out, const char *arg);

#endif
