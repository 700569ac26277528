/*
 * nautilus bench [SUITE ...]: runs the benchmark program nt-bench with the
 * same arguments (DESIGN §9). nt-bench is a separate program because it
 * links peer implementations (ldns) that the agent itself never needs; it is
 * found beside this binary (installed) or at ../bench/nt-bench (build tree).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"

/* Sets out to "<directory of this executable>/<rel>"; false if it does not fit. */
static bool path_beside_self(char *out, size_t cap, const char *rel)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char *slash;
    int m;

    if (n <= 0)
        return false;
    self[n] = 0;
    slash = strrchr(self, '/');
    if (!slash)
        return false;
    *slash = 0;
    m = snprintf(out, cap, "%s/%s", self, rel);
    return m > 0 && (size_t)m < cap;
}

int nt_cmd_bench(int argc, char **argv)
{
    static const char *const candidates[] = {"nt-bench", "../bench/nt-bench"};
    char path[PATH_MAX];
    size_t i;

    if (argc > 1 && nt_cli_is_help(argv[1])) {
        puts("usage: nautilus bench [--smoke] [--time SEC] [--json FILE] [--corpus DIR] [SUITE ...]\n"
             "Runs the nt-bench benchmark program (default: every suite); 'nautilus bench --list'\n"
             "lists the suites.");
        return NT_EXIT_OK;
    }
    for (i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        if (!path_beside_self(path, sizeof path, candidates[i]) || access(path, X_OK) != 0)
            continue;
        /* argv[0] becomes the program's path; the rest pass through unchanged. */
        argv[0] = path;
        execv(path, argv);
        return nt_cli_fail(NT_EXIT_USAGE, "bench: cannot run %s: %s", path, strerror(errno));
    }
    return nt_cli_fail(NT_EXIT_USAGE, "bench: nt-bench not found beside the nautilus program "
                                      "(build with -DNT_BENCH=ON)");
}
