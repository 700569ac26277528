/*
 * agent/run/cli.h - what the front ends of the agent share (the `nautilus`
 * commands and the daemon): exit codes, one-line errors, small readers.
 *
 * Exit codes (DESIGN §9): NT_EXIT_OK success, NT_EXIT_NEGATIVE a negative
 * answer (invalid proof, service not found before timeout), NT_EXIT_USAGE bad
 * usage or bad input, with one clear line on stderr.
 */
#ifndef NAUTILUS_AGENT_RUN_CLI_H
#define NAUTILUS_AGENT_RUN_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nautilus/status.h"

enum { NT_EXIT_OK = 0, NT_EXIT_NEGATIVE = 1, NT_EXIT_USAGE = 2 };

/* Prints "nautilus: <message>" as one line on stderr and returns NT_EXIT_USAGE. */
int nt_cli_usage_error(const char *fmt, ...) NT_PRINTF(1, 2);

/* Prints "nautilus: <message>" as one line on stderr and returns code. */
int nt_cli_fail(int code, const char *fmt, ...) NT_PRINTF(2, 3);

/* The streams of this thread's command output: nt_cli_out() is stdout and
 * the lines above go to stderr, unless nt_cli_capture set others (the
 * agent running a `ledger` operation on its worker thread, the output sent
 * back to the command; DESIGN §8.3). NULL, NULL: back to stdout, stderr. */
void nt_cli_capture(FILE *out, FILE *err);
FILE *nt_cli_out(void);

/* True if argv[i] is "-h" or "--help". */
bool nt_cli_is_help(const char *arg);

/* Reads a whole file ("-" for standard input) up to max bytes into a new
 * NUL-terminated buffer (free with nt_free). NT_ERR_IO if unreadable,
 * NT_ERR_CAP if larger than max. */
NT_WUR nt_status nt_cli_read_file(const char *path, size_t max, uint8_t **out, size_t *out_len);

/* Parses a decimal integer in [min, max]. NT_ERR_RANGE or NT_ERR_INVALID_ARG. */
NT_WUR nt_status nt_cli_parse_long(const char *text, long min, long max, long *out);

#endif
