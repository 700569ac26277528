/* Helpers shared by the ledger unit tests: hex in and out, and files from
 * the source tree (NT_SOURCE_DIR), such as the outside vectors under
 * tests/vectors/ethereum (origins in tests/vectors/README.md). */
#ifndef NT_LEDGER_TEST_H
#define NT_LEDGER_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/codec.h"
#include "nautilus/ledger.h"

/* Decodes hex (optional 0x) into fresh storage; *len set. Aborts on bad hex. */
static inline uint8_t *lt_unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex), got;
    uint8_t *out = malloc(n / 2 + 1);
    if (out == NULL || nt_hex_decode(out, n / 2 + 1, &got, hex, n) != NT_OK)
        abort();
    *len = got;
    return out;
}

/* Decodes exactly cap bytes of hex into out. Aborts otherwise. */
static inline void lt_unhex_fixed(uint8_t *out, size_t cap, const char *hex)
{
    size_t got;
    if (nt_hex_decode(out, cap, &got, hex, strlen(hex)) != NT_OK || got != cap)
        abort();
}

/* Lower-case hex of data in a static buffer (one use per statement). */
static inline const char *lt_hex(const uint8_t *data, size_t n)
{
    static char buf[1 << 16];
    if (nt_hex_encode(buf, sizeof buf, data, n) != NT_OK)
        abort();
    return buf;
}

/* Reads a file of the source tree into a NUL-terminated heap buffer. */
static inline char *lt_read_source(const char *rel, size_t *len)
{
    char path[1024];
    const char *src = getenv("NT_SOURCE_DIR");
    FILE *f;
    char *buf;
    long n;
    snprintf(path, sizeof path, "%s/%s", src != NULL ? src : ".", rel);
    if ((f = fopen(path, "rb")) == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (buf = malloc((size_t)n + 1)) == NULL) {
        fclose(f);
        return NULL;
    }
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = 0;
    if (len != NULL)
        *len = (size_t)n;
    return buf;
}

#endif
