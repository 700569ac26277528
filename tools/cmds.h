/*
 * tools/cmds.h - the subcommands of the `nautilus` program, one file each
 * (cmd_<name>.c): each parses its options, calls the agent (agent/run/) and
 * prints. main.c has the table.
 */
#ifndef NAUTILUS_TOOLS_CMDS_H
#define NAUTILUS_TOOLS_CMDS_H

#include "cli.h"

/* A subcommand: argv[0] is the subcommand's name. Returns an exit code. */
typedef int (*nt_cli_fn)(int argc, char **argv);

typedef struct nt_cli_command {
    const char *name;
    const char *summary;
    nt_cli_fn run;
} nt_cli_command;

/* Subcommands, one file each (cmd_<name>.c). */
int nt_cmd_agent(int argc, char **argv);
int nt_cmd_bench(int argc, char **argv);
int nt_cmd_browse(int argc, char **argv);
int nt_cmd_decode(int argc, char **argv);
int nt_cmd_feedback(int argc, char **argv);
int nt_cmd_publish(int argc, char **argv);
int nt_cmd_resolve(int argc, char **argv);
int nt_cmd_subscribe(int argc, char **argv);
int nt_cmd_keygen(int argc, char **argv);
int nt_cmd_ledger(int argc, char **argv);
int nt_cmd_version(int argc, char **argv);
int nt_cmd_zk(int argc, char **argv);

#endif
