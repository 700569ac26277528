/*
 * Replays fuzz inputs without libFuzzer: every regular file under the
 * directories (or files) given on the command line, recursively, goes
 * through LLVMFuzzerTestOneInput once. A crash, sanitizer report or abort in
 * the target fails the run; so does an unreadable path. Used as the ctest
 * `corpus` tests, so every corpus is also an ordinary regression test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_FILE (1u << 20) /* inputs larger than this are skipped */
#define REPLAY_MAX_DEPTH 8

static unsigned long g_files;

static int run_file(const char *path, off_t size)
{
    FILE *f;
    uint8_t *buf;
    size_t n;
    if (size < 0 || (uint64_t)size > REPLAY_MAX_FILE) {
        fprintf(stderr, "replay: skipping %s (too large)\n", path);
        return 0;
    }
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    /* An exact-size heap copy, so ASan sees reads past the input's end. */
    buf = malloc(size ? (size_t)size : 1);
    if (!buf) {
        fclose(f);
        return 1;
    }
    n = fread(buf, 1, (size_t)size, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    g_files++;
    return 0;
}

static int run_path(const char *path, int depth)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    int rc = 0;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: cannot stat %s\n", path);
        return 1;
    }
    if (S_ISREG(st.st_mode))
        return run_file(path, st.st_size);
    if (!S_ISDIR(st.st_mode) || depth > REPLAY_MAX_DEPTH)
        return 0;
    d = opendir(path);
    if (!d) {
        fprintf(stderr, "replay: cannot open directory %s\n", path);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        char child[4096];
        if (e->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= sizeof child)
            continue;
        rc |= run_path(child, depth + 1);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    int i, rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++)
        rc |= run_path(argv[i], 0);
    printf("replay: %lu inputs\n", g_files);
    if (g_files == 0) {
        fprintf(stderr, "replay: no inputs found\n");
        return 1;
    }
    return rc;
}
