/*
 * agent/run/decode_run.h - `nautilus decode` as a call into the agent
 * library: read one DNS message and print it as dig does (decode_run.c).
 */
#ifndef NAUTILUS_AGENT_RUN_DECODE_RUN_H
#define NAUTILUS_AGENT_RUN_DECODE_RUN_H

#include <stdbool.h>

/* Reads the message from path ("-": standard input), raw or as hex text,
 * and prints it on stdout (json: one JSON object). NT_EXIT_OK, or one line
 * on stderr and NT_EXIT_USAGE: unreadable input, malformed hex, a
 * malformed message (its status and the offset where it was found), a
 * failure to print. Records whose RDATA alone is malformed are printed as
 * "; malformed:" lines and do not fail. */
int nt_decode_run(const char *path, bool json);

#endif
