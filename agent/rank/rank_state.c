/* The ranking state file (nautilus/rank.h): a small versioned image with a
 * checksum, kept in the state directory by the caller.
 *
 *   "NTRK" | u16 version (1) | u16 0 | u32 count
 *   count x ( u8 name length (1..255) | name (folded, no NUL)
 *             | f64 s | f64 f | f64 ln | f64 lmean | f64 lm2 | f64 pn | f64 pmean
 *             | f64 fstreak | f64 lstreak | u64 t_ms )
 *   u64 FNV-1a 64 of every byte before it
 *
 * Integers big-endian; f64 as IEEE 754 bits in a big-endian u64. */
#include <math.h>
#include <string.h>

#include "nautilus/buf.h"
#include "nautilus/mem.h"
#include "rank_int.h"

#define STATE_VERSION 1u
#define SUM_MAX 1e9 /* no decayed sum is ever this large (evidence_max caps them) */

static uint64_t fnv64(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    while (n--) {
        h ^= *p++;
        h *= 0x100000001b3ull;
    }
    return h;
}

static nt_status put_u64(nt_dynbuf *d, uint64_t v)
{
    uint8_t b[8];
    int i;
    for (i = 7; i >= 0; i--) {
        b[i] = (uint8_t)v;
        v >>= 8;
    }
    return nt_dynbuf_add(d, b, 8);
}

static nt_status put_f64(nt_dynbuf *d, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return put_u64(d, u);
}

nt_status nt_rank_state_write(nt_rank *r, uint8_t **out, size_t *out_len, uint64_t now_ms)
{
    static const uint8_t head[8] = {'N', 'T', 'R', 'K', 0, STATE_VERSION, 0, 0};
    nt_dynbuf d;
    nt_status st;
    size_t i, len;
    uint8_t cnt[4];

    nt_dynbuf_init(&d, 64u + r->names.count * (NT_RANK_NAME_MAX + 80u));
    cnt[0] = (uint8_t)(r->names.count >> 24);
    cnt[1] = (uint8_t)(r->names.count >> 16);
    cnt[2] = (uint8_t)(r->names.count >> 8);
    cnt[3] = (uint8_t)r->names.count;
    st = nt_dynbuf_add(&d, head, sizeof head);
    if (st == NT_OK)
        st = nt_dynbuf_add(&d, cnt, sizeof cnt);
    for (i = 0; st == NT_OK && i < r->names.count; i++) {
        rank_ev *e = &r->ev[i];
        nt_rank_refresh(r, (nt_rank_id)i, now_ms); /* store decayed to now */
        len = strlen(r->names.name[i]);
        st = nt_dynbuf_add_u8(&d, (uint8_t)len);
        if (st == NT_OK)
            st = nt_dynbuf_add(&d, r->names.name[i], len);
        if (st == NT_OK)
            st = put_f64(&d, e->s);
        if (st == NT_OK)
            st = put_f64(&d, e->f);
        if (st == NT_OK)
            st = put_f64(&d, e->ln);
        if (st == NT_OK)
            st = put_f64(&d, e->lmean);
        if (st == NT_OK)
            st = put_f64(&d, e->lm2);
        if (st == NT_OK)
            st = put_f64(&d, e->pn);
        if (st == NT_OK)
            st = put_f64(&d, e->pmean);
        if (st == NT_OK)
            st = put_f64(&d, e->fstreak);
        if (st == NT_OK)
            st = put_f64(&d, e->lstreak);
        if (st == NT_OK)
            st = put_u64(&d, e->t_ms);
    }
    if (st == NT_OK)
        st = put_u64(&d, fnv64(d.data, d.len));
    if (st != NT_OK) {
        nt_dynbuf_cleanup(&d);
        return NT_ERR_NOMEM;
    }
    nt_dynbuf_take(&d, out, out_len);
    return NT_OK;
}

static nt_status get_u64(nt_buf *b, uint64_t *out)
{
    uint32_t hi = 0, lo = 0;
    nt_status st = nt_buf_get_u32(b, &hi);
    if (st == NT_OK)
        st = nt_buf_get_u32(b, &lo);
    *out = ((uint64_t)hi << 32) | lo;
    return st;
}

/* A stored sum: finite, >= 0 and below SUM_MAX. */
static nt_status get_sum(nt_buf *b, double *out)
{
    uint64_t u;
    nt_status st = get_u64(b, &u);
    if (st != NT_OK)
        return st;
    memcpy(out, &u, sizeof u);
    return isfinite(*out) && *out >= 0 && *out < SUM_MAX ? NT_OK : NT_ERR_RANK_STATE_FORMAT;
}

/* One entry into name[] and *e; the name must be folded already. */
static nt_status get_entry(nt_buf *b, char name[NT_RANK_NAME_MAX], rank_ev *e)
{
    uint8_t len;
    const uint8_t *p;
    char folded[NT_RANK_NAME_MAX];
    nt_status st = nt_buf_get_u8(b, &len);
    if (st == NT_OK && len == 0)
        return NT_ERR_RANK_STATE_FORMAT;
    if (st == NT_OK)
        st = nt_buf_get_ptr(b, &p, len);
    if (st != NT_OK)
        return NT_ERR_RANK_STATE_FORMAT;
    if (memchr(p, 0, len))
        return NT_ERR_RANK_STATE_FORMAT;
    memcpy(name, p, len);
    name[len] = 0;
    if (nt_names_fold(folded, name) != NT_OK || strcmp(folded, name) != 0)
        return NT_ERR_RANK_STATE_FORMAT;
    if (get_sum(b, &e->s) != NT_OK || get_sum(b, &e->f) != NT_OK || get_sum(b, &e->ln) != NT_OK ||
        get_sum(b, &e->lmean) != NT_OK || get_sum(b, &e->lm2) != NT_OK ||
        get_sum(b, &e->pn) != NT_OK || get_sum(b, &e->pmean) != NT_OK ||
        get_sum(b, &e->fstreak) != NT_OK || get_sum(b, &e->lstreak) != NT_OK ||
        get_u64(b, &e->t_ms) != NT_OK)
        return NT_ERR_RANK_STATE_FORMAT;
    return NT_OK;
}

nt_status nt_rank_state_parse(nt_rank *r, const uint8_t *data, size_t len)
{
    nt_buf b;
    uint8_t magic[4];
    uint16_t version, zero;
    uint32_t count, i;
    uint64_t sum;
    nt_status st = NT_OK;
    nt_rank *tmp = NULL;

    if (len < 20)
        return NT_ERR_RANK_STATE_FORMAT;
    nt_buf_init(&b, data, len);
    if (nt_buf_get_bytes(&b, magic, 4) != NT_OK || memcmp(magic, "NTRK", 4) != 0 ||
        nt_buf_get_u16(&b, &version) != NT_OK || nt_buf_get_u16(&b, &zero) != NT_OK ||
        nt_buf_get_u32(&b, &count) != NT_OK)
        return NT_ERR_RANK_STATE_FORMAT;
    if (version != STATE_VERSION)
        return NT_ERR_RANK_STATE_VERSION;
    if (zero != 0)
        return NT_ERR_RANK_STATE_FORMAT;
    /* Checked before any entry is read: the last 8 bytes cover the rest. */
    {
        nt_buf t;
        nt_buf_init(&t, data + len - 8, 8);
        if (get_u64(&t, &sum) != NT_OK)
            return NT_ERR_RANK_STATE_FORMAT;
        if (sum != fnv64(data, len - 8))
            return NT_ERR_RANK_STATE_CHECKSUM;
    }
    if (count > r->cfg.cap)
        return NT_ERR_CAP;
    if (count > (len - 20) / 82) /* each entry takes at least 82 bytes */
        return NT_ERR_RANK_STATE_FORMAT;
    /* Parse into a scratch table, so that r changes only if all is valid. */
    if (nt_rank_create(&tmp, &r->cfg) != NT_OK)
        return NT_ERR_NOMEM;
    b.len = len - 8;
    for (i = 0; st == NT_OK && i < count; i++) {
        char name[NT_RANK_NAME_MAX];
        rank_ev e;
        int32_t k;
        st = get_entry(&b, name, &e);
        if (st == NT_OK && nt_names_find(&tmp->names, name) >= 0)
            st = NT_ERR_RANK_STATE_FORMAT; /* a name twice */
        if (st == NT_OK && (k = nt_names_add(&tmp->names, name)) >= 0)
            tmp->ev[k] = e;
    }
    if (st == NT_OK && nt_buf_left(&b) != 0)
        st = NT_ERR_RANK_STATE_FORMAT;
    if (st == NT_OK) {
        nt_rank_clear(r);
        for (i = 0; i < count; i++) {
            int32_t k = nt_names_add(&r->names, tmp->names.name[i]);
            r->ev[k] = tmp->ev[i];
            nt_rank_refresh(r, (nt_rank_id)k, tmp->ev[i].t_ms);
        }
    }
    nt_rank_destroy(tmp);
    return st;
}
