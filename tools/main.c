/* The `nautilus` program: dispatches to one subcommand per file. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"

/* Keep sorted by name; each entry's code lives in cmd_<name>.c. */
static const nt_cli_command commands[] = {
    {"agent", "run the agent daemon (nautilus-agent(8))", nt_cmd_agent},
    {"bench", "run the benchmark suites (nt-bench)", nt_cmd_bench},
    {"browse", "browse for DNS-SD services of a type", nt_cmd_browse},
    {"decode", "print a DNS message (raw or hex) the way dig does", nt_cmd_decode},
    {"feedback", "tell the learned ranking how using an instance went", nt_cmd_feedback},
    {"keygen", "create the signing and chain keys", nt_cmd_keygen},
    {"ledger", "deploy, register, anchor and audit on chain", nt_cmd_ledger},
    {"publish", "publish a DNS-SD service over mDNS", nt_cmd_publish},
    {"resolve", "resolve a .local host, or pick the best instance of a type", nt_cmd_resolve},
    {"subscribe", "print the events of an agent's trust-event bus, authenticated", nt_cmd_subscribe},
    {"version", "print the program version", nt_cmd_version},
    {"zk", "verify, commit to and prove selective-disclosure credentials", nt_cmd_zk},
};

static void usage(FILE *out)
{
    size_t i;
    fputs("usage: nautilus COMMAND [ARGS...]\n\ncommands:\n", out);
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'nautilus COMMAND --help' describes each command.\n", out);
}

int main(int argc, char **argv)
{
    size_t i;
    if (argc < 2) {
        usage(stderr);
        return NT_EXIT_USAGE;
    }
    if (nt_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return NT_EXIT_OK;
    }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    return nt_cli_usage_error("unknown command '%s' (try 'nautilus --help')", argv[1]);
}
