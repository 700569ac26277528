/*
 * zk/snarkjs_json.c - readers for the files snarkjs writes:
 * verification_key.json, proof.json, public.json (snarkjs 0.7 layouts).
 *
 * Numbers are decimal strings, canonical (no sign, no leading zeros) and
 * checked against their modulus, never reduced. Points are projective
 * triples with z = 1 ("0" / ["0","0"] marks infinity); G2 coordinates are
 * [c0, c1] (real part first). Shapes are exact: an array of the wrong
 * length or a value of the wrong JSON type is NT_ERR_JSON. A document
 * whose strings could hold a NUL is NT_ERR_JSON before cJSON sees it (see
 * holds_nul).
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "nautilus/buf.h"
#include "nautilus/mem.h"
#include "zk/groth16_internal.h"

/* Whether the \u escape whose four hex digits start at b's cursor decodes
 * to a NUL in cJSON: for \u0000, and also for any four bytes that are not
 * all hex digits, because cJSON's hex reader returns 0 on a bad digit and
 * the escape then decodes as code point 0. Peeks only: cJSON's string scan
 * steps over the four bytes as ordinary ones, and so does ours. */
static bool escape_gives_nul(const nt_buf *b)
{
    bool nonzero = false;
    size_t k;
    uint8_t h;
    for (k = 0; k < 4; k++) {
        if (nt_buf_peek_at(b, nt_buf_tell(b) + k, &h) != NT_OK)
            return true;
        if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
            return true;
        nonzero |= h != '0';
    }
    return !nonzero;
}

/* Whether a string cJSON would decode from json[0..len) could contain a NUL
 * byte. cJSON hands strings back as C strings without their length, and it
 * copies a raw NUL byte into a string and decodes \u0000 into one: the
 * number "12\u00003" would then read as "12", a different value from the
 * one the text holds, and "groth16\u0000x" would pass as "groth16". strlen
 * cannot see past the NUL and cJSON keeps no decoded length to compare with,
 * so such documents are refused before cJSON sees them:
 *  - a raw NUL byte anywhere: JSON text never contains one (RFC 8259: it is
 *    not whitespace and may not appear unescaped inside a string);
 *  - a \u escape that decodes to NUL (escape_gives_nul). The scan follows
 *    string syntax as cJSON's does (a quote opens or closes a string; a
 *    backslash always takes the next byte with it), so an escaped backslash
 *    followed by the letters u0000 is not taken for the escape. No other
 *    escape can give a NUL: a surrogate pair decodes to >= 0x10000.
 * snarkjs never writes a NUL, so none of its files is refused. */
static bool holds_nul(const char *json, size_t len)
{
    nt_buf b;
    uint8_t c;
    bool in_string = false;

    if (memchr(json, '\0', len) != NULL)
        return true;
    nt_buf_init(&b, (const uint8_t *)json, len);
    while (nt_buf_get_u8(&b, &c) == NT_OK) {
        if (c == '"') {
            in_string = !in_string;
        } else if (in_string && c == '\\') {
            if (nt_buf_get_u8(&b, &c) != NT_OK)
                break; /* a dangling backslash: cJSON refuses the document */
            if (c == 'u' && escape_gives_nul(&b))
                return true;
        }
    }
    return false;
}

static nt_status parse_doc(cJSON **out, const char *json, size_t len)
{
    if (json == NULL)
        return NT_ERR_INVALID_ARG;
    if (len > NT_ZK_MAX_JSON)
        return NT_ERR_CAP;
    if (holds_nul(json, len))
        return NT_ERR_JSON;
    *out = cJSON_ParseWithLength(json, len);
    return *out != NULL ? NT_OK : NT_ERR_JSON;
}

static const cJSON *array_of(const cJSON *v, int n)
{
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != n)
        return NULL;
    return v;
}

/* valuestring is the whole decoded string: parse_doc refused any document
 * whose strings could hold a NUL, so strlen measures all of it. The decimal
 * must be canonical (digits only, no leading zero unless it is "0"); the
 * number parsers check that and return NT_ERR_ZK_ENCODING otherwise. */
static nt_status get_fp(nt_fp *out, const cJSON *v)
{
    if (!cJSON_IsString(v) || v->valuestring == NULL)
        return NT_ERR_JSON;
    return nt_fp_parse_dec(out, v->valuestring, strlen(v->valuestring));
}

static nt_status get_fp2(nt_fp2 *out, const cJSON *v)
{
    nt_status st;
    if (array_of(v, 2) == NULL)
        return NT_ERR_JSON;
    if ((st = get_fp(&out->c0, cJSON_GetArrayItem(v, 0))) != NT_OK)
        return st;
    return get_fp(&out->c1, cJSON_GetArrayItem(v, 1));
}

/* z must be exactly 1 (affine) or 0 (infinity). */
static nt_status get_z(bool *inf, const nt_fp *z)
{
    nt_fp one;
    nt_fp_set_one(&one);
    if (nt_fp_is_zero(z)) {
        *inf = true;
        return NT_OK;
    }
    *inf = false;
    return nt_fp_eq(z, &one) ? NT_OK : NT_ERR_ZK_ENCODING;
}

/* [x, y, z] -> coordinates and infinity flag, no curve check. */
static nt_status get_g1_raw(nt_fp *x, nt_fp *y, bool *inf, const cJSON *v)
{
    nt_fp z;
    nt_status st;
    if (array_of(v, 3) == NULL)
        return NT_ERR_JSON;
    if ((st = get_fp(x, cJSON_GetArrayItem(v, 0))) != NT_OK ||
        (st = get_fp(y, cJSON_GetArrayItem(v, 1))) != NT_OK ||
        (st = get_fp(&z, cJSON_GetArrayItem(v, 2))) != NT_OK)
        return st;
    return get_z(inf, &z);
}

static nt_status get_g2_raw(nt_fp2 *x, nt_fp2 *y, bool *inf, const cJSON *v)
{
    nt_fp2 z;
    nt_status st;
    if (array_of(v, 3) == NULL)
        return NT_ERR_JSON;
    if ((st = get_fp2(x, cJSON_GetArrayItem(v, 0))) != NT_OK ||
        (st = get_fp2(y, cJSON_GetArrayItem(v, 1))) != NT_OK ||
        (st = get_fp2(&z, cJSON_GetArrayItem(v, 2))) != NT_OK)
        return st;
    if (!nt_fp_is_zero(&z.c1))
        return NT_ERR_ZK_ENCODING;
    return get_z(inf, &z.c0);
}

static nt_status get_g1(nt_g1_affine *out, const cJSON *v)
{
    nt_fp x, y;
    bool inf;
    nt_status st = get_g1_raw(&x, &y, &inf, v);
    if (st != NT_OK)
        return st;
    if (inf) {
        nt_fp_set_zero(&out->x);
        nt_fp_set_zero(&out->y);
        out->inf = true;
        return NT_OK;
    }
    return nt_g1_affine_set_xy(out, &x, &y);
}

/* A G2 point of a key on the twist; in the subgroup too when subgroup is
 * set (beta's is checked with e(alpha, beta), see nt_zk_vk_build). */
static nt_status get_g2(nt_g2_affine *out, const cJSON *v, bool subgroup)
{
    nt_fp2 x, y;
    bool inf;
    nt_status st = get_g2_raw(&x, &y, &inf, v);
    if (st != NT_OK)
        return st;
    if (inf) {
        nt_fp2_set_zero(&out->x);
        nt_fp2_set_zero(&out->y);
        out->inf = true;
        return NT_OK;
    }
    if ((st = nt_g2_affine_set_xy(out, &x, &y)) != NT_OK)
        return st;
    return subgroup ? nt_g2_affine_check_subgroup_var(out) : NT_OK;
}

static nt_status check_string(const cJSON *root, const char *key, const char *want,
                              const char *alt, bool required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (v == NULL)
        return required ? NT_ERR_ZK_PROTOCOL : NT_OK;
    if (!cJSON_IsString(v) || v->valuestring == NULL)
        return NT_ERR_JSON;
    if (strcmp(v->valuestring, want) == 0 || (alt != NULL && strcmp(v->valuestring, alt) == 0))
        return NT_OK;
    return NT_ERR_ZK_PROTOCOL;
}

/* vk_alphabeta_12: [[a0, a1, a2], [b0, b1, b2]], each an Fp2 [c0, c1]. */
static nt_status get_fp12(nt_fp12 *out, const cJSON *v)
{
    nt_fp6 *half[2] = {&out->c0, &out->c1};
    int i;
    nt_status st;
    if (array_of(v, 2) == NULL)
        return NT_ERR_JSON;
    for (i = 0; i < 2; i++) {
        const cJSON *h = cJSON_GetArrayItem(v, i);
        if (array_of(h, 3) == NULL)
            return NT_ERR_JSON;
        if ((st = get_fp2(&half[i]->c0, cJSON_GetArrayItem(h, 0))) != NT_OK ||
            (st = get_fp2(&half[i]->c1, cJSON_GetArrayItem(h, 1))) != NT_OK ||
            (st = get_fp2(&half[i]->c2, cJSON_GetArrayItem(h, 2))) != NT_OK)
            return st;
    }
    return NT_OK;
}

/* nPublic, checked against NT_ZK_MAX_PUBLIC and the length of IC. */
static nt_status get_counts(size_t *n_public, const cJSON **ic_json, const cJSON *root)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "nPublic");
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble != (double)v->valueint)
        return NT_ERR_JSON;
    if (v->valueint > NT_ZK_MAX_PUBLIC)
        return NT_ERR_ZK_INPUT_COUNT;
    *n_public = (size_t)v->valueint;
    *ic_json = cJSON_GetObjectItemCaseSensitive(root, "IC");
    if (!cJSON_IsArray(*ic_json))
        return NT_ERR_JSON;
    if ((size_t)cJSON_GetArraySize(*ic_json) != *n_public + 1)
        return NT_ERR_ZK_INPUT_COUNT;
    return NT_OK;
}

/* The key's points, validated, into parts (parts->ic allocated here). */
static nt_status get_vk_points(nt_zk_vk_parts *parts, const cJSON *root, const cJSON *ic_json)
{
    const cJSON *v;
    size_t i = 0;
    nt_status st;
    if ((st = get_g1(&parts->alpha, cJSON_GetObjectItemCaseSensitive(root, "vk_alpha_1"))) !=
            NT_OK ||
        (st = get_g2(&parts->beta, cJSON_GetObjectItemCaseSensitive(root, "vk_beta_2"), false)) !=
            NT_OK ||
        (st = get_g2(&parts->gamma, cJSON_GetObjectItemCaseSensitive(root, "vk_gamma_2"), true)) !=
            NT_OK ||
        (st = get_g2(&parts->delta, cJSON_GetObjectItemCaseSensitive(root, "vk_delta_2"), true)) !=
            NT_OK)
        return st;
    parts->ic = nt_calloc(parts->n_public + 1, sizeof *parts->ic);
    if (parts->ic == NULL)
        return NT_ERR_NOMEM;
    cJSON_ArrayForEach(v, ic_json) {
        if ((st = get_g1(&parts->ic[i], v)) != NT_OK)
            return st;
        i++;
    }
    return NT_OK;
}

static nt_status vk_parse(nt_zk_vk **out, const char *json, size_t len, bool prepare)
{
    cJSON *root = NULL;
    const cJSON *ic_json = NULL, *ab_json;
    nt_zk_vk_parts parts;
    nt_fp12 ab;
    nt_status st;

    memset(&parts, 0, sizeof parts);
    if ((st = parse_doc(&root, json, len)) != NT_OK)
        return st;
    if (!cJSON_IsObject(root)) {
        st = NT_ERR_JSON;
        goto cleanup;
    }
    if ((st = check_string(root, "protocol", "groth16", NULL, true)) != NT_OK ||
        (st = check_string(root, "curve", "bn128", "bn254", true)) != NT_OK ||
        (st = get_counts(&parts.n_public, &ic_json, root)) != NT_OK ||
        (st = get_vk_points(&parts, root, ic_json)) != NT_OK)
        goto cleanup;
    ab_json = cJSON_GetObjectItemCaseSensitive(root, "vk_alphabeta_12");
    if (ab_json != NULL && (st = get_fp12(&ab, ab_json)) != NT_OK)
        goto cleanup;
    parts.alphabeta_file = ab_json != NULL ? &ab : NULL;
    /* nt_zk_vk_build owns parts.ic from here, on success and on failure. */
    st = nt_zk_vk_build(out, &parts, prepare);
cleanup:
    nt_free(parts.ic);
    cJSON_Delete(root);
    return st;
}

nt_status nt_zk_vk_parse_json(nt_zk_vk **out, const char *json, size_t len)
{
    return vk_parse(out, json, len, true);
}

nt_status nt_zk_vk_parse_json_oneshot(nt_zk_vk **out, const char *json, size_t len)
{
    return vk_parse(out, json, len, false);
}

nt_status nt_zk_proof_parse_json(nt_zk_proof *out, const char *json, size_t len)
{
    cJSON *root = NULL;
    nt_fp ax, ay, cx, cy;
    nt_fp2 bx, by;
    bool a_inf, b_inf, c_inf;
    nt_status st;

    if ((st = parse_doc(&root, json, len)) != NT_OK)
        return st;
    if (!cJSON_IsObject(root)) {
        st = NT_ERR_JSON;
        goto cleanup;
    }
    if ((st = check_string(root, "protocol", "groth16", NULL, true)) != NT_OK ||
        (st = check_string(root, "curve", "bn128", "bn254", false)) != NT_OK)
        goto cleanup;
    if ((st = get_g1_raw(&ax, &ay, &a_inf, cJSON_GetObjectItemCaseSensitive(root, "pi_a"))) !=
            NT_OK ||
        (st = get_g2_raw(&bx, &by, &b_inf, cJSON_GetObjectItemCaseSensitive(root, "pi_b"))) !=
            NT_OK ||
        (st = get_g1_raw(&cx, &cy, &c_inf, cJSON_GetObjectItemCaseSensitive(root, "pi_c"))) !=
            NT_OK)
        goto cleanup;
    st = nt_zk_proof_build(out, &ax, &ay, a_inf, &bx, &by, b_inf, &cx, &cy, c_inf);
cleanup:
    cJSON_Delete(root);
    return st;
}

nt_status nt_zk_public_parse_json(nt_zk_public **out, const char *json, size_t len)
{
    cJSON *root = NULL;
    const cJSON *v;
    nt_zk_public *pub = NULL;
    size_t i = 0;
    nt_status st;

    if ((st = parse_doc(&root, json, len)) != NT_OK)
        return st;
    if (!cJSON_IsArray(root)) {
        st = NT_ERR_JSON;
        goto cleanup;
    }
    if ((st = nt_zk_public_alloc(&pub, (size_t)cJSON_GetArraySize(root))) != NT_OK)
        goto cleanup;
    cJSON_ArrayForEach(v, root) {
        if (!cJSON_IsString(v) || v->valuestring == NULL) {
            st = NT_ERR_JSON;
            goto cleanup;
        }
        st = nt_zk_fr_parse_dec(&pub->v[i], v->valuestring, strlen(v->valuestring));
        if (st == NT_ERR_ZK_SCALAR_RANGE)
            st = NT_ERR_ZK_INPUT_RANGE;
        if (st != NT_OK)
            goto cleanup;
        i++;
    }
    *out = pub;
    pub = NULL;
cleanup:
    nt_free(pub);
    cJSON_Delete(root);
    return st;
}
