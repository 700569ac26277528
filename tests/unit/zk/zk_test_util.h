/* Helpers shared by the zk unit tests: reading files from the source tree
 * (NT_SOURCE_DIR), including the outside vectors committed under
 * tests/vectors/bn254 (origins in tests/vectors/README.md). */
#ifndef NT_ZK_TEST_UTIL_H
#define NT_ZK_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* Reads a whole file into a NUL-terminated heap buffer; NULL if missing. */
static inline char *zkt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf != NULL) {
        buf[n] = '\0';
        if (len != NULL)
            *len = (size_t)n;
    }
    return buf;
}

/* Path under the source tree (rel starts without '/'). */
static inline void zkt_src_path(char *out, size_t cap, const char *rel)
{
    const char *src = getenv("NT_SOURCE_DIR");
    snprintf(out, cap, "%s/%s", src != NULL ? src : ".", rel);
}

/* Parsed JSON of tests/vectors/bn254/<name>; NULL if missing. */
static inline cJSON *zkt_load_vectors(const char *name)
{
    char path[1024];
    char *text;
    cJSON *j;
    char rel[512];
    snprintf(rel, sizeof rel, "tests/vectors/bn254/%s", name);
    zkt_src_path(path, sizeof path, rel);
    text = zkt_read_file(path, NULL);
    if (text == NULL)
        return NULL;
    j = cJSON_Parse(text);
    free(text);
    return j;
}

static inline int zkt_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes up to cap bytes of hex (pairs only; an odd trailing digit is
 * ignored as the erigon vector README says). Returns the byte count. */
static inline size_t zkt_unhex(unsigned char *out, size_t cap, const char *hex)
{
    size_t n = 0, len = strlen(hex);
    while (n < cap && 2 * n + 1 < len) {
        out[n] = (unsigned char)(zkt_hexval(hex[2 * n]) * 16 + zkt_hexval(hex[2 * n + 1]));
        n++;
    }
    return n;
}

#endif
