/*
 * nautilus decode [--json] [FILE|-]: prints a DNS message the way dig does.
 *
 * The input is the raw message, or hex text: content made only of hex
 * digits and whitespace is taken as hex (so `xxd -p` or a tcpdump hex dump
 * without offsets can be pasted). A malformed message gives one line on
 * stderr naming the status and the offset where it was found, and exit 2.
 * Records whose RDATA alone is malformed are shown as "; malformed:" lines
 * and do not fail the command (the rest of the message is usable). This
 * file reads the options; agent/run/decode_run.c does the rest.
 */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "decode_run.h"

static const char decode_usage[] =
    "usage: nautilus decode [--json] [FILE|-]\n"
    "Prints a DNS message given as raw bytes or as hex text (detected\n"
    "automatically) from FILE or standard input, as dig would show it.\n"
    "  --json   one JSON object instead of the dig-style text\n"
    "Exit 0 on success, 2 on unreadable or malformed input.\n";

int nt_cmd_decode(int argc, char **argv)
{
    const char *path = "-";
    bool json = false, have_path = false;
    int i;

    for (i = 1; i < argc; i++) {
        if (nt_cli_is_help(argv[i])) {
            fputs(decode_usage, stdout);
            return NT_EXIT_OK;
        }
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (argv[i][0] == '-' && argv[i][1] != 0)
            return nt_cli_usage_error("decode: unknown option '%s' (try --help)", argv[i]);
        else if (have_path)
            return nt_cli_usage_error("decode: more than one input given");
        else {
            path = argv[i];
            have_path = true;
        }
    }
    return nt_decode_run(path, json);
}
