/* Host-name rules shared by the subcommands (DESIGN §9): "--host printer"
 * and "--host printer.local" both mean printer.local; the default is this
 * machine's host name, first label only, in .local. */
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hostname.h"

nt_status nt_cli_host_name(nt_dns_name *out, const char *arg)
{
    char text[NT_DNS_NAME_TEXT_MAX];
    char sys[256];
    size_t len;
    const char *dot;

    if (!arg) {
        if (gethostname(sys, sizeof sys) != 0)
            return NT_ERR_IO;
        sys[sizeof sys - 1] = 0;
        dot = strchr(sys, '.');
        if (dot)
            sys[dot - sys] = 0;
        if (!sys[0])
            return NT_ERR_DNS_NAME_SYNTAX;
        arg = sys;
    }
    len = strlen(arg);
    if (len && arg[len - 1] == '.')
        len--;
    /* A bare label gets ".local"; a name already in .local stays as it is. */
    if (len >= 6 && strncasecmp(arg + len - 6, ".local", 6) == 0) {
        if (len >= sizeof text)
            return NT_ERR_DNS_NAME_TOO_LONG;
        memcpy(text, arg, len);
        text[len] = 0;
    } else {
        if (len + 7 > sizeof text)
            return NT_ERR_DNS_NAME_TOO_LONG;
        memcpy(text, arg, len);
        memcpy(text + len, ".local", 7);
    }
    return nt_dns_name_from_str(out, text);
}
