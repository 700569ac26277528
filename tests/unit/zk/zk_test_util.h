/* Helpers shared by the zk unit tests: reading files from the source tree
 * (NT_SOURCE_DIR), including the outside vectors committed under
 * tests/vectors/bn254 (origins in tests/vectors/README.md). */
#ifndef NT_ZK_TEST_UTIL_H
#define NT_ZK_TEST_UTIL_H

#include <stdint.h>
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

/* Decimal text of a 32-byte big-endian number (any value < 2^256) into
 * out (80 bytes are enough). */
static inline void zkt_be_to_dec(char *out, const uint8_t in[32])
{
    uint8_t n[32];
    char tmp[80];
    size_t k = 0, i;
    memcpy(n, in, 32);
    for (;;) {
        unsigned rem = 0;
        int nz = 0;
        for (i = 0; i < 32; i++) {
            unsigned cur = (rem << 8) | n[i];
            n[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            nz |= n[i];
        }
        tmp[k++] = (char)('0' + rem);
        if (!nz)
            break;
    }
    for (i = 0; i < k; i++)
        out[i] = tmp[k - 1 - i];
    out[k] = '\0';
}

/* The derived G2 point on the twist outside the subgroup
 * (derived_bn256Pairing_invalid.json, "g2_on_twist_not_in_subgroup"), as
 * snarkjs JSON [[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]; NULL if the
 * vector is missing. */
static inline cJSON *zkt_g2_not_in_subgroup(void)
{
    cJSON *all = zkt_load_vectors("derived_bn256Pairing_invalid.json"), *v, *pt = NULL;
    unsigned char in[192];
    char dec[80];
    /* EIP-197 layout after the G1 point: x.c1, x.c0, y.c1, y.c0 */
    static const int order[2][2] = {{96, 64}, {160, 128}};
    int i, k;
    cJSON_ArrayForEach(v, all) {
        const cJSON *name = cJSON_GetObjectItem(v, "Name"), *hex = cJSON_GetObjectItem(v, "Input");
        if (!cJSON_IsString(name) || strcmp(name->valuestring, "g2_on_twist_not_in_subgroup") != 0 ||
            !cJSON_IsString(hex) || zkt_unhex(in, sizeof in, hex->valuestring) != sizeof in)
            continue;
        pt = cJSON_CreateArray();
        for (i = 0; i < 2; i++) {
            cJSON *fp2 = cJSON_CreateArray();
            for (k = 0; k < 2; k++) {
                zkt_be_to_dec(dec, in + order[i][k]);
                cJSON_AddItemToArray(fp2, cJSON_CreateString(dec));
            }
            cJSON_AddItemToArray(pt, fp2);
        }
        {
            cJSON *z = cJSON_CreateArray();
            cJSON_AddItemToArray(z, cJSON_CreateString("1"));
            cJSON_AddItemToArray(z, cJSON_CreateString("0"));
            cJSON_AddItemToArray(pt, z);
        }
        break;
    }
    cJSON_Delete(all);
    return pt;
}

#endif
