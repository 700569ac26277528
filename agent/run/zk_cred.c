/*
 * The numbers and credentials of `nautilus zk` (zk_run.h): decimal and hex
 * text to 32-byte integers, credential files, the commitment.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "nautilus/codec.h"
#include "nautilus/mem.h"
#include "zk_run.h"

#define N_ATTR NT_ZK_DISCLOSURE_ATTRS
#define DEC_MAX NT_ZK_RUN_DEC_MAX
#define CRED_MAX (64u << 10) /* a credential file is a few hundred bytes */

/* Strict decimal text (no sign, no leading zero, at most 78 digits) to a
 * 32-byte big-endian integer. NT_ERR_INVALID_ARG if malformed, NT_ERR_RANGE
 * if >= 2^256. */
nt_status nt_zk_run_dec_to_b32(uint8_t out[32], const char *s)
{
    uint8_t v[32];
    size_t n = strlen(s), i;
    int j;
    unsigned carry;

    if (n == 0 || n > DEC_MAX || (s[0] == '0' && n > 1))
        return NT_ERR_INVALID_ARG;
    memset(v, 0, sizeof v);
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return NT_ERR_INVALID_ARG;
        carry = (unsigned)(s[i] - '0');
        for (j = 31; j >= 0; j--) {
            carry += 10u * v[j];
            v[j] = (uint8_t)carry;
            carry >>= 8;
        }
        if (carry)
            return NT_ERR_RANGE;
    }
    memcpy(out, v, sizeof v);
    return NT_OK;
}

/* 32-byte big-endian integer to decimal text in out[DEC_MAX + 1]. */
void nt_zk_run_b32_to_dec(char out[DEC_MAX + 1], const uint8_t in[32])
{
    uint8_t v[32];
    char rev[DEC_MAX + 1];
    size_t n = 0, i;
    unsigned rem;
    bool nonzero;

    memcpy(v, in, sizeof v);
    do {
        rem = 0;
        nonzero = false;
        for (i = 0; i < 32; i++) {
            unsigned cur = (rem << 8) | v[i];
            v[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            nonzero = nonzero || v[i] != 0;
        }
        rev[n++] = (char)('0' + rem);
    } while (nonzero && n < DEC_MAX);
    for (i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = 0;
}

/* A JSON value that is a decimal string or a non-negative integer number. */
static nt_status json_to_b32(uint8_t out[32], const cJSON *item)
{
    char tmp[32];
    if (cJSON_IsString(item))
        return nt_zk_run_dec_to_b32(out, item->valuestring);
    if (cJSON_IsNumber(item)) {
        /* Beyond 2^53 a JSON number has already lost digits: refuse it. */
        if (item->valuedouble < 0 || item->valuedouble > 9007199254740991.0 ||
            item->valuedouble != (double)(uint64_t)item->valuedouble)
            return NT_ERR_RANGE;
        snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)item->valuedouble);
        return nt_zk_run_dec_to_b32(out, tmp);
    }
    return NT_ERR_JSON;
}

nt_status nt_zk_run_parse_digest(uint8_t out[32], const char *hex)
{
    size_t len;
    nt_status st = nt_hex_decode(out, 32, &len, hex, strlen(hex));
    if (st != NT_OK)
        return st;
    return len == 32 ? NT_OK : NT_ERR_HEX;
}

/* Reads a credential file (proofs/README.md). Prints the problem and returns
 * NT_EXIT_USAGE on error, NT_EXIT_OK otherwise. */
int nt_zk_cred_load(nt_zk_cred *cred, const char *path)
{
    uint8_t *text = NULL;
    size_t len, i;
    cJSON *root = NULL, *item, *arr;
    const char *what = NULL;
    nt_status st;
    int rc = NT_EXIT_USAGE;

    st = nt_cli_read_file(path, CRED_MAX, &text, &len);
    if (st != NT_OK) {
        nt_cli_usage_error("zk: %s: cannot read: %s", path,
                           st == NT_ERR_IO ? strerror(errno) : nt_strerror(st));
        return NT_EXIT_USAGE;
    }
    root = cJSON_ParseWithLength((const char *)text, len);
    if (!cJSON_IsObject(root)) {
        what = "not a JSON object";
        goto out;
    }
    arr = cJSON_GetObjectItemCaseSensitive(root, "attributes");
    if (arr) {
        if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != N_ATTR) {
            what = "\"attributes\" must be an array of 8 values";
            goto out;
        }
        for (i = 0; i < N_ATTR; i++)
            if (json_to_b32(cred->attr[i], cJSON_GetArrayItem(arr, (int)i)) != NT_OK) {
                what = "an attribute is not a decimal integer below 2^256";
                goto out;
            }
        cred->have_attr = true;
    }
    item = cJSON_GetObjectItemCaseSensitive(root, "salt");
    if (item) {
        if (json_to_b32(cred->salt, item) != NT_OK) {
            what = "\"salt\" is not a decimal integer";
            goto out;
        }
        cred->have_salt = true;
    }
    item = cJSON_GetObjectItemCaseSensitive(root, "keyDigest");
    if (item) {
        if (!cJSON_IsString(item) || nt_zk_run_parse_digest(cred->digest, item->valuestring) != NT_OK) {
            what = "\"keyDigest\" must be 64 hex digits";
            goto out;
        }
        cred->have_digest = true;
    }
    arr = cJSON_GetObjectItemCaseSensitive(root, "mask");
    item = cJSON_GetObjectItemCaseSensitive(root, "idx");
    if (arr || item) {
        if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != N_ATTR) {
            what = "\"mask\" must be an array of 8 bits";
            goto out;
        }
        for (i = 0; i < N_ATTR; i++) {
            const cJSON *m = cJSON_GetArrayItem(arr, (int)i);
            double d = cJSON_IsNumber(m) ? m->valuedouble
                       : cJSON_IsString(m) ? (strcmp(m->valuestring, "1") == 0 ? 1.0
                                              : strcmp(m->valuestring, "0") == 0 ? 0.0 : -1.0)
                                           : -1.0;
            if (d != 0.0 && d != 1.0) {
                what = "\"mask\" entries must be 0 or 1";
                goto out;
            }
            cred->mask[i] = (uint8_t)d;
        }
        if (cJSON_IsString(item)) {
            if (nt_cli_parse_long(item->valuestring, 0, N_ATTR - 1, &cred->idx) != NT_OK)
                item = NULL;
        } else if (cJSON_IsNumber(item) && item->valuedouble >= 0 && item->valuedouble < N_ATTR &&
                   item->valuedouble == (double)(long)item->valuedouble) {
            cred->idx = (long)item->valuedouble;
        } else {
            item = NULL;
        }
        if (!item) {
            what = "\"idx\" must be an integer in [0, 8)";
            goto out;
        }
        item = cJSON_GetObjectItemCaseSensitive(root, "threshold");
        if (!item || json_to_b32(cred->threshold, item) != NT_OK) {
            what = "\"threshold\" is missing or not a decimal integer";
            goto out;
        }
        cred->have_claim = true;
    }
    rc = NT_EXIT_OK;
out:
    if (what)
        nt_cli_usage_error("zk: %s: %s", path, what);
    cJSON_Delete(root);
    nt_free(text);
    return rc;
}

/* Parses "A0,A1,...,A7". */
int nt_zk_cred_parse_attrs(nt_zk_cred *cred, const char *list)
{
    char buf[N_ATTR * (DEC_MAX + 1) + 1];
    char *p, *save = NULL;
    size_t n = 0;

    if (strlen(list) >= sizeof buf)
        return nt_cli_usage_error("zk: --attrs: too long");
    strcpy(buf, list);
    for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        if (n == N_ATTR)
            return nt_cli_usage_error("zk: --attrs: more than %d values", N_ATTR);
        if (nt_zk_run_dec_to_b32(cred->attr[n], p) != NT_OK)
            return nt_cli_usage_error("zk: --attrs: '%s' is not a decimal integer", p);
        n++;
    }
    if (n != N_ATTR)
        return nt_cli_usage_error("zk: --attrs: want %d values, got %zu", N_ATTR, n);
    cred->have_attr = true;
    return NT_EXIT_OK;
}

/* keyBinding and commitment of a complete credential; prints the problem. */
int nt_zk_cred_commit(const nt_zk_cred *cred, const char *src, uint8_t kb[32],
                             uint8_t commitment[32])
{
    nt_status st;
    st = nt_zk_disclosure_key_binding(kb, cred->digest);
    if (st == NT_OK)
        st = nt_zk_disclosure_commitment(commitment, (const uint8_t(*)[32])cred->attr, cred->salt, kb);
    if (st == NT_ERR_RANGE)
        return nt_cli_usage_error("zk: %s: an attribute is >= 2^64 (the circuit range-checks 64 bits)", src);
    if (st == NT_ERR_ZK_SCALAR_RANGE)
        return nt_cli_usage_error("zk: %s: the salt is not below the field order r", src);
    if (st != NT_OK)
        return nt_cli_usage_error("zk: %s: %s", src, nt_strerror(st));
    return NT_EXIT_OK;
}

