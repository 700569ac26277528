/* nautilus version: prints the program version. */
#include <stdio.h>

#include "cmds.h"

int nt_cmd_version(int argc, char **argv)
{
    if (argc > 1 && nt_cli_is_help(argv[1])) {
        puts("usage: nautilus version");
        return NT_EXIT_OK;
    }
    if (argc > 1)
        return nt_cli_usage_error("version: unexpected argument '%s'", argv[1]);
    printf("nautilus %s\n", NT_VERSION);
    return NT_EXIT_OK;
}
