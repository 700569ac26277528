/* Unit tests for agent/trust: signing and verifying RRsets, validity
 * windows, the trust store, trust-on-first-use, freshness, budgets and the
 * trust decision with its distinct rejection reasons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "nautilus/codec.h"
#include "nautilus/trust.h"

#define NOW 1790000000u /* a fixed time in 2026 */

typedef struct fixture {
    nt_ed25519_key key, other;
    nt_trust_signer signer, other_signer;
    nt_dns_name host, instance, service;
    uint8_t a_rdata[4], srv_rdata[300], ptr_rdata[300];
    uint16_t srv_len, ptr_len;
} fixture;

static void name(nt_dns_name *n, const char *text)
{
    assert_int_equal(nt_dns_name_from_str(n, text), NT_OK);
}

static int setup(void **state)
{
    static fixture f;
    uint8_t seed[32];
    memset(&f, 0, sizeof f);
    memset(seed, 7, sizeof seed);
    assert_int_equal(nt_ed25519_key_from_seed(&f.key, seed), NT_OK);
    memset(seed, 9, sizeof seed);
    assert_int_equal(nt_ed25519_key_from_seed(&f.other, seed), NT_OK);
    name(&f.host, "Printer.local");
    name(&f.instance, "Office Printer._ipp._tcp.local");
    name(&f.service, "_ipp._tcp.local");
    nt_trust_signer_init(&f.signer, &f.key, &f.host, 0);
    nt_trust_signer_init(&f.other_signer, &f.other, &f.host, 0);
    memcpy(f.a_rdata, "\xc0\x00\x02\x05", 4);
    /* SRV 0 0 631 printer.local. */
    f.srv_rdata[0] = 0;
    f.srv_rdata[1] = 0;
    f.srv_rdata[2] = 0;
    f.srv_rdata[3] = 0;
    f.srv_rdata[4] = 631 >> 8;
    f.srv_rdata[5] = 631 & 0xff;
    memcpy(f.srv_rdata + 6, f.host.wire, f.host.len);
    f.srv_len = (uint16_t)(6 + f.host.len);
    memcpy(f.ptr_rdata, f.instance.wire, f.instance.len);
    f.ptr_len = f.instance.len;
    *state = &f;
    return 0;
}

static nt_dns_record rec(const nt_dns_name *owner, uint16_t type, uint32_t ttl,
                         const uint8_t *rdata, uint16_t len)
{
    nt_dns_record r;
    memset(&r, 0, sizeof r);
    r.owner = *owner;
    r.type = type;
    r.rclass = 1;
    r.mdns_bit = true;
    r.ttl = ttl;
    r.rdata = rdata;
    r.rdlength = len;
    return r;
}

/* A received message: the RRset, its RRSIG and the signer's DNSKEY. */
typedef struct message {
    nt_dns_record recs[4];
    size_t n;
    uint8_t sig[NT_TRUST_RRSIG_RDATA_MAX];
    uint8_t key[NT_DNSKEY_ED25519_RDATA_LEN];
} message;

static void sign_into(message *m, const nt_trust_signer *s, const nt_dns_record *set,
                      uint32_t when)
{
    size_t len;
    assert_int_equal(nt_trust_sign_rrset(s, m->sig, sizeof m->sig, &len, set, 1, when), NT_OK);
    m->recs[0] = *set;
    m->recs[1] = rec(&set->owner, 46, set->ttl, m->sig, (uint16_t)len);
    memcpy(m->key, s->dnskey, sizeof m->key);
    m->recs[2] = rec(&s->signer, 48, 120, m->key, sizeof m->key);
    m->n = 3;
}

static nt_dns_rrsig rrsig_of(const message *m)
{
    nt_dns_rrsig sig;
    size_t off = 18;
    nt_buf b;
    const uint8_t *p = m->recs[1].rdata;
    memset(&sig, 0, sizeof sig);
    sig.type_covered = (uint16_t)(p[0] << 8 | p[1]);
    sig.algorithm = p[2];
    sig.labels = p[3];
    sig.original_ttl = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
    sig.expiration = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
    sig.inception = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 | (uint32_t)p[14] << 8 | p[15];
    sig.key_tag = (uint16_t)(p[16] << 8 | p[17]);
    nt_buf_init(&b, p, m->recs[1].rdlength);
    while (p[off])
        off += 1u + p[off];
    off++;
    assert_int_equal(nt_dns_name_from_wire(&sig.signer, p + 18, off - 18), NT_OK);
    sig.signature = p + off;
    sig.signature_len = m->recs[1].rdlength - off;
    return sig;
}

static void test_sign_verify(void **state)
{
    fixture *f = *state;
    nt_dns_record a = rec(&f->host, 1, 120, f->a_rdata, 4);
    message m;
    nt_dns_rrsig sig;
    uint8_t tampered[4];
    nt_dns_record bad;

    sign_into(&m, &f->signer, &a, NOW);
    sig = rrsig_of(&m);
    assert_int_equal(sig.algorithm, 15);
    assert_int_equal(sig.labels, 2);
    assert_int_equal(sig.original_ttl, 120);
    assert_int_equal(sig.inception, NOW);
    assert_int_equal(sig.expiration, NOW + 86400);
    assert_int_equal(sig.key_tag, f->signer.key_tag);
    assert_int_equal(sig.signature_len, 64);
    assert_int_equal(nt_trust_verify_rrset(&sig, m.key, sizeof m.key, &a, 1, NOW + 10), NT_OK);

    /* Case and cache-flush bit do not matter (canonical form); TTL decay
     * does not either (original TTL is signed). */
    bad = a;
    name(&bad.owner, "PRINTER.LOCAL");
    bad.mdns_bit = false;
    bad.ttl = 17;
    assert_int_equal(nt_trust_verify_rrset(&sig, m.key, sizeof m.key, &bad, 1, NOW), NT_OK);

    memcpy(tampered, f->a_rdata, 4);
    tampered[3] ^= 1;
    bad = rec(&f->host, 1, 120, tampered, 4);
    assert_int_equal(nt_trust_verify_rrset(&sig, m.key, sizeof m.key, &bad, 1, NOW),
                     NT_ERR_TRUST_BAD_SIGNATURE);
    /* Signed by another key. */
    assert_int_equal(nt_trust_verify_rrset(&sig, f->other_signer.dnskey, 36, &a, 1, NOW),
                     NT_ERR_TRUST_KEY_TAG);
    {
        nt_dns_rrsig s2 = sig;
        s2.key_tag = f->other_signer.key_tag;
        assert_int_equal(nt_trust_verify_rrset(&s2, f->other_signer.dnskey, 36, &a, 1, NOW),
                         NT_ERR_TRUST_BAD_SIGNATURE);
        s2 = sig;
        s2.algorithm = 13;
        assert_int_equal(nt_trust_verify_rrset(&s2, m.key, 36, &a, 1, NOW),
                         NT_ERR_TRUST_ALGORITHM);
        s2 = sig;
        s2.type_covered = 28;
        assert_int_equal(nt_trust_verify_rrset(&s2, m.key, 36, &a, 1, NOW),
                         NT_ERR_TRUST_COVERAGE);
    }
}

static void test_validity_window(void **state)
{
    fixture *f = *state;
    nt_dns_record a = rec(&f->host, 1, 120, f->a_rdata, 4);
    message m;
    nt_dns_rrsig sig;
    uint32_t skew;

    /* 24 h lifetime: skew 10 % = 2.4 h. */
    assert_int_equal(nt_trust_skew(0, 86400), 8640);
    assert_int_equal(nt_trust_skew(0, 600), 3600);         /* clamped up to 1 h */
    assert_int_equal(nt_trust_skew(0, 30u * 86400), 86400); /* clamped down to 24 h */
    assert_true(nt_trust_time_before(0xfffffff0u, 5));      /* serial arithmetic wraps */
    assert_false(nt_trust_time_before(5, 5));

    sign_into(&m, &f->signer, &a, NOW);
    sig = rrsig_of(&m);
    skew = nt_trust_skew(sig.inception, sig.expiration);
    assert_int_equal(nt_trust_verify_rrset(&sig, m.key, 36, &a, 1, NOW + 86400 + skew), NT_OK);
    assert_int_equal(nt_trust_verify_rrset(&sig, m.key, 36, &a, 1, NOW + 86400 + skew + 1),
                     NT_ERR_TRUST_EXPIRED);
    assert_int_equal(nt_trust_verify_rrset(&sig, m.key, 36, &a, 1, NOW - skew), NT_OK);
    assert_int_equal(nt_trust_verify_rrset(&sig, m.key, 36, &a, 1, NOW - skew - 1),
                     NT_ERR_TRUST_NOT_YET_VALID);
}

static nt_trust_store *store_with(const fixture *f, bool pin)
{
    nt_trust_store *s;
    assert_int_equal(nt_trust_store_create(&s, 16), NT_OK);
    if (pin)
        assert_int_equal(nt_trust_store_add(s, &f->host, f->signer.key_digest), NT_OK);
    return s;
}

static void test_decide_levels(void **state)
{
    fixture *f = *state;
    nt_dns_record a = rec(&f->host, 1, 120, f->a_rdata, 4);
    nt_trust_ctx ctx = {0};
    nt_trust_result res;
    message m;
    static const uint8_t src[4] = {192, 0, 2, 66};

    /* Plain mDNS, nothing pinned: unsigned, accepted. */
    ctx.store = store_with(f, false);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, &a, 1, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_UNSIGNED);

    /* Signed, not pinned: self-signed. */
    sign_into(&m, &f->signer, &a, NOW);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_SELF_SIGNED);
    assert_memory_equal(res.key_digest, f->signer.key_digest, 32);
    nt_trust_store_destroy(ctx.store);

    /* Pinned: trusted; another key for the pinned name: rejected. */
    ctx.store = store_with(f, true);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_TRUSTED);
    sign_into(&m, &f->other_signer, &a, NOW);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW, 0),
                     NT_ERR_TRUST_WRONG_KEY);
    assert_int_equal(res.reason, NT_ERR_TRUST_WRONG_KEY);
    /* Unsigned A for a pinned host: a spoof. */
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, &a, 1, src, 4, NOW, 0),
                     NT_ERR_TRUST_UNSIGNED);
    /* RRSIG without its DNSKEY. */
    sign_into(&m, &f->signer, &a, NOW);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, 2, src, 4, NOW, 0),
                     NT_ERR_TRUST_NO_KEY);
    /* Expired. */
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW + 3 * 86400, 0),
                     NT_ERR_TRUST_EXPIRED);
    nt_trust_store_destroy(ctx.store);
}

/* Once an instance has been seen signed by a pinned key, unsigned records
 * for it, and an unsigned goodbye for its PTR, are spoofs. A signed
 * announcement replayed as a goodbye (TTL 0) is refused too. */
static void test_decide_instance_memory(void **state)
{
    fixture *f = *state;
    nt_dns_record srv = rec(&f->instance, 33, 120, f->srv_rdata, f->srv_len);
    nt_dns_record ptr = rec(&f->service, 12, 4500, f->ptr_rdata, f->ptr_len);
    nt_dns_record bye;
    nt_trust_ctx ctx = {0};
    nt_trust_result res;
    message m;
    static const uint8_t src[4] = {192, 0, 2, 66};

    ctx.store = store_with(f, true);
    assert_int_equal(nt_trust_signers_create(&ctx.signers, 64), NT_OK);
    ptr.mdns_bit = false;

    /* Before anything is known: an unsigned SRV for the instance is plain. */
    assert_int_equal(nt_trust_decide(&ctx, &res, &srv, 1, &srv, 1, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_UNSIGNED);

    sign_into(&m, &f->signer, &srv, NOW);
    assert_int_equal(nt_trust_decide(&ctx, &res, &srv, 1, m.recs, m.n, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_TRUSTED);
    assert_true(nt_dns_name_equal(&res.signer, &f->host));

    assert_int_equal(nt_trust_decide(&ctx, &res, &srv, 1, &srv, 1, src, 4, NOW, 0),
                     NT_ERR_TRUST_UNSIGNED);
    bye = ptr;
    bye.ttl = 0;
    assert_int_equal(nt_trust_decide(&ctx, &res, &bye, 1, &bye, 1, src, 4, NOW, 0),
                     NT_ERR_TRUST_UNSIGNED);

    /* Another host's key (valid signature, its own signer name, not
     * pinned) signing the pinned instance: refused, and the memory of the
     * real signer stays, so an unsigned spoof afterwards is still caught. */
    {
        nt_dns_name evil;
        nt_trust_signer esigner;
        message em;
        name(&evil, "evil.local");
        nt_trust_signer_init(&esigner, &f->other, &evil, 0);
        sign_into(&em, &esigner, &srv, NOW);
        assert_int_equal(nt_trust_decide(&ctx, &res, &srv, 1, em.recs, em.n, src, 4, NOW, 0),
                         NT_ERR_TRUST_WRONG_KEY);
        assert_int_equal(nt_trust_decide(&ctx, &res, &srv, 1, &srv, 1, src, 4, NOW, 0),
                         NT_ERR_TRUST_UNSIGNED);
        nt_trust_signer_cleanup(&esigner);
    }

    /* Nothing pinned: two keys signing one instance contest it. The first
     * is self-signed; the second, and after it the first again, count as
     * unsigned, and no key is remembered for the name. */
    {
        nt_dns_name other_inst, evil, alt;
        nt_trust_signer esigner, asigner;
        nt_trust_signer_info info;
        nt_dns_record srv2 = srv;
        message m1, m2;
        name(&other_inst, "Other._ipp._tcp.local");
        srv2.owner = other_inst;
        name(&evil, "evil.local");
        name(&alt, "alt.local");
        nt_trust_signer_init(&esigner, &f->other, &evil, 0);
        nt_trust_signer_init(&asigner, &f->key, &alt, 0);
        sign_into(&m1, &asigner, &srv2, NOW);
        sign_into(&m2, &esigner, &srv2, NOW + 1);
        assert_int_equal(nt_trust_decide(&ctx, &res, &srv2, 1, m1.recs, m1.n, src, 4, NOW, 0),
                         NT_OK);
        assert_int_equal(res.level, NT_TRUST_SELF_SIGNED);
        assert_int_equal(nt_trust_decide(&ctx, &res, &srv2, 1, m2.recs, m2.n, src, 4, NOW + 1, 0),
                         NT_OK);
        assert_int_equal(res.level, NT_TRUST_UNSIGNED);
        sign_into(&m1, &asigner, &srv2, NOW + 2);
        assert_int_equal(nt_trust_decide(&ctx, &res, &srv2, 1, m1.recs, m1.n, src, 4, NOW + 2, 0),
                         NT_OK);
        assert_int_equal(res.level, NT_TRUST_UNSIGNED);
        assert_int_equal(nt_trust_signers_get(ctx.signers, &other_inst, &info), NT_OK);
        assert_int_equal(info.level, NT_TRUST_UNSIGNED);
        nt_trust_signer_cleanup(&esigner);
        nt_trust_signer_cleanup(&asigner);
    }

    /* A signed PTR, then the same signature with TTL 0. */
    sign_into(&m, &f->signer, &ptr, NOW);
    assert_int_equal(nt_trust_decide(&ctx, &res, &ptr, 1, m.recs, m.n, src, 4, NOW, 0), NT_OK);
    m.recs[0].ttl = 0;
    assert_int_equal(nt_trust_decide(&ctx, &res, &m.recs[0], 1, m.recs, m.n, src, 4, NOW, 0),
                     NT_ERR_TRUST_COVERAGE);
    /* A goodbye signed as one is accepted. */
    sign_into(&m, &f->signer, &bye, NOW + 5);
    assert_int_equal(nt_trust_decide(&ctx, &res, &bye, 1, m.recs, m.n, src, 4, NOW + 5, 0),
                     NT_OK);
    assert_int_equal(res.level, NT_TRUST_TRUSTED);
    nt_trust_signers_destroy(ctx.signers);
    nt_trust_store_destroy(ctx.store);
}

static void test_decide_replay(void **state)
{
    fixture *f = *state;
    nt_dns_record a = rec(&f->host, 1, 120, f->a_rdata, 4);
    nt_trust_ctx ctx = {0};
    nt_trust_result res;
    message old_msg, new_msg;
    static const uint8_t src[4] = {192, 0, 2, 66};

    ctx.store = store_with(f, true);
    assert_int_equal(nt_trust_replay_create(&ctx.replay, 64), NT_OK);
    sign_into(&old_msg, &f->signer, &a, NOW);
    sign_into(&new_msg, &f->signer, &a, NOW + 3600);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, old_msg.recs, 3, src, 4, NOW + 3700, 0),
                     NT_OK);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, new_msg.recs, 3, src, 4, NOW + 3700, 0),
                     NT_OK);
    /* The same (newest) signature again is a repeat, not a replay. */
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, new_msg.recs, 3, src, 4, NOW + 3800, 0),
                     NT_OK);
    /* The older one, still inside its window, is now refused. */
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, old_msg.recs, 3, src, 4, NOW + 3900, 0),
                     NT_ERR_TRUST_REPLAY);
    nt_trust_replay_destroy(ctx.replay);
    nt_trust_store_destroy(ctx.store);
}

/* 100 RRSIGs of random bytes: at most 8 checks, then a budget refusal. */
static void test_decide_budget(void **state)
{
    fixture *f = *state;
    nt_dns_record a = rec(&f->host, 1, 120, f->a_rdata, 4);
    nt_dns_record msg[102];
    static uint8_t junk[100][18 + 15 + 64];
    nt_trust_ctx ctx = {0};
    nt_trust_result res;
    size_t i, j;
    static const uint8_t src[4] = {192, 0, 2, 66};
    static const uint8_t src2[4] = {192, 0, 2, 67};
    unsigned seed = (unsigned)getpid();

    printf("budget test seed %u\n", seed);
    srand(seed);
    msg[0] = a;
    for (i = 0; i < 100; i++) {
        for (j = 0; j < sizeof junk[i]; j++)
            junk[i][j] = (uint8_t)rand();
        junk[i][0] = 0; /* covers A, algorithm 15, signer printer.local. */
        junk[i][1] = 1;
        junk[i][2] = 15;
        junk[i][3] = 2;
        memcpy(junk[i] + 18, f->host.wire, f->host.len);
        msg[i + 1] = rec(&f->host, 46, 120, junk[i], (uint16_t)(18 + f->host.len + 64));
    }
    msg[101] = rec(&f->host, 48, 120, f->signer.dnskey, 36);
    ctx.store = store_with(f, false);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, msg, 102, src, 4, NOW, 0),
                     NT_ERR_TRUST_BUDGET);
    assert_int_equal(res.checks, NT_TRUST_MAX_CHECKS_PER_RRSET);

    /* Per-source budget: 20 checks per second. */
    assert_int_equal(nt_trust_budget_create(&ctx.budget, 8, 20), NT_OK);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, msg, 102, src, 4, NOW, 1000),
                     NT_ERR_TRUST_BUDGET);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, msg, 102, src, 4, NOW, 1000),
                     NT_ERR_TRUST_BUDGET);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, msg, 102, src, 4, NOW, 1000),
                     NT_ERR_TRUST_BUDGET);
    assert_int_equal(res.checks, 4); /* 8 + 8 + 4 = 20 */
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, msg, 102, src, 4, NOW, 1000),
                     NT_ERR_TRUST_BUDGET);
    assert_int_equal(res.checks, 0);
    /* Another source has its own bucket; time refills. */
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, msg, 102, src2, 4, NOW, 1000),
                     NT_ERR_TRUST_BUDGET);
    assert_int_equal(res.checks, 8);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, msg, 102, src, 4, NOW, 1250),
                     NT_ERR_TRUST_BUDGET);
    assert_int_equal(res.checks, 5);
    nt_trust_budget_destroy(ctx.budget);

    /* A new source address for every packet gets a fresh bucket each time;
     * the bucket of all sources bounds the whole: 30 a second. */
    assert_int_equal(nt_trust_budget_create(&ctx.budget, 8, 20), NT_OK);
    assert_int_equal(nt_trust_budget_set_total(ctx.budget, 30), NT_OK);
    {
        uint8_t rot[4] = {192, 0, 2, 0};
        unsigned spent = 0, k;
        for (k = 0; k < 50; k++) {
            rot[3] = (uint8_t)(100 + k);
            assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, msg, 102, rot, 4, NOW, 5000),
                             NT_ERR_TRUST_BUDGET);
            spent += res.checks;
        }
        assert_int_equal(spent, 30);
        rot[3] = 7; /* half a second later: 15 more, from anyone */
        assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, msg, 102, rot, 4, NOW, 5500),
                         NT_ERR_TRUST_BUDGET);
        assert_int_equal(res.checks, 8);
    }
    assert_int_equal(nt_trust_budget_set_total(ctx.budget, 1000001), NT_ERR_INVALID_ARG);
    nt_trust_budget_destroy(ctx.budget);
    nt_trust_store_destroy(ctx.store);
}

static void test_store_file(void **state)
{
    fixture *f = *state;
    char path[] = "/tmp/nt-trust-XXXXXX";
    char hex[65];
    nt_trust_store *s;
    nt_dns_name other;
    size_t line;
    FILE *fp;
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    fp = fdopen(fd, "w");
    assert_int_equal(nt_hex_encode(hex, sizeof hex, f->signer.key_digest, 32), NT_OK);
    fprintf(fp, "# pinned keys\n\nprinter.local %s   # office\n  PRINTER.local. %s\n", hex, hex);
    fclose(fp);
    assert_int_equal(nt_trust_store_create(&s, 8), NT_OK);
    assert_int_equal(nt_trust_store_load(s, path, &line), NT_OK);
    assert_true(nt_trust_store_match(s, &f->host, f->signer.key_digest));
    assert_false(nt_trust_store_match(s, &f->host, f->other_signer.key_digest));
    name(&other, "scanner.local");
    assert_false(nt_trust_store_has_name(s, &other));

    fp = fopen(path, "w");
    fprintf(fp, "scanner.local %s\nprinter.local 12345\n", hex);
    fclose(fp);
    assert_int_equal(nt_trust_store_load(s, path, &line), NT_ERR_TRUST_STORE_SYNTAX);
    assert_int_equal(line, 2);
    /* Nothing of the bad file was taken. */
    assert_false(nt_trust_store_has_name(s, &other));
    fp = fopen(path, "w");
    fprintf(fp, "printer..local %s\n", hex);
    fclose(fp);
    assert_int_equal(nt_trust_store_load(s, path, &line), NT_ERR_TRUST_STORE_SYNTAX);
    unlink(path);
    assert_int_equal(nt_trust_store_load(s, path, &line), NT_ERR_IO);
    nt_trust_store_destroy(s);
}

static void test_tofu(void **state)
{
    fixture *f = *state;
    nt_dns_record a = rec(&f->host, 1, 120, f->a_rdata, 4);
    nt_trust_ctx ctx = {0};
    nt_trust_result res;
    message m;
    char path[] = "/tmp/nt-tofu-XXXXXX";
    char text[512] = {0};
    FILE *fp;
    int fd = mkstemp(path);
    static const uint8_t src[4] = {192, 0, 2, 66};

    assert_true(fd >= 0);
    close(fd);
    ctx.store = store_with(f, false);
    nt_trust_store_set_tofu(ctx.store, true, path);
    sign_into(&m, &f->signer, &a, NOW);
    /* First use is not trust (issue 8 (g)): the key is pinned and
     * defended from now on, but shown as self-signed, learned just now. */
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_SELF_SIGNED);
    assert_int_equal(res.pin, NT_TRUST_PIN_TOFU);
    assert_true(res.first_seen);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_SELF_SIGNED);
    assert_int_equal(res.pin, NT_TRUST_PIN_TOFU);
    assert_true(res.first_seen); /* learned by this run, still */
    /* An unsigned record for the learned host is now a spoof. */
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, NULL, 0, src, 4, NOW, 0),
                     NT_ERR_TRUST_UNSIGNED);
    sign_into(&m, &f->other_signer, &a, NOW);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW, 0),
                     NT_ERR_TRUST_WRONG_KEY);
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_true(fread(text, 1, sizeof text - 1, fp) > 0);
    fclose(fp);
    assert_non_null(strstr(text, "printer.local"));
    /* The recorded file loads back as a TOFU pin, never an operator's, and
     * a later run did not learn it. */
    nt_trust_store_destroy(ctx.store);
    assert_int_equal(nt_trust_store_create(&ctx.store, 8), NT_OK);
    assert_int_equal(nt_trust_store_load_tofu(ctx.store, path, NULL, NULL), NT_OK);
    assert_int_equal(nt_trust_store_pin_of(ctx.store, &f->host, f->signer.key_digest),
                     NT_TRUST_PIN_TOFU);
    sign_into(&m, &f->signer, &a, NOW + 10);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW + 10, 0), NT_OK);
    assert_int_equal(res.pin, NT_TRUST_PIN_TOFU);
    assert_false(res.first_seen);
    nt_trust_store_destroy(ctx.store);
    unlink(path);
}

static void test_levels_and_tables(void **state)
{
    nt_trust_level l;
    nt_trust_signers *t;
    nt_trust_signer_info info, out;
    nt_dns_name a, b;
    size_t i;
    char text[64];
    (void)state;
    assert_string_equal(nt_trust_level_name(NT_TRUST_SELF_SIGNED), "self-signed");
    assert_int_equal(nt_trust_level_parse("zk-verified", &l), NT_OK);
    assert_int_equal(l, NT_TRUST_ZK_VERIFIED);
    assert_int_equal(nt_trust_level_parse("bogus", &l), NT_ERR_INVALID_ARG);

    /* The signer memory stays at its cap. What a pinned key vouched for
     * (kept) is never evicted by traffic; a flood of other names is
     * refused once the table is full of live entries (issue 8 (d)). */
    assert_int_equal(nt_trust_signers_create(&t, 4), NT_OK);
    name(&b, "h.local");
    memset(&info, 0, sizeof info);
    info.signer = b;
    info.level = NT_TRUST_TRUSTED;
    name(&a, "claim.local");
    assert_int_equal(nt_trust_signers_set(t, &a, &info, true, 0, 1000), NT_OK);
    info.level = NT_TRUST_SELF_SIGNED;
    for (i = 0; i < 100; i++) {
        nt_status want = i < 3 ? NT_OK : NT_ERR_TRUST_TABLE_FULL;
        snprintf(text, sizeof text, "s%zu.local", i);
        name(&a, text);
        assert_int_equal(nt_trust_signers_set(t, &a, &info, false, 1100, 1000), want);
    }
    assert_int_equal(nt_trust_signers_refused(t), 97);
    name(&a, "CLAIM.local");
    assert_int_equal(nt_trust_signers_get(t, &a, &out), NT_OK);
    assert_true(nt_dns_name_equal(&out.signer, &b));
    assert_int_equal(out.level, NT_TRUST_TRUSTED);
    name(&a, "s99.local");
    assert_int_equal(nt_trust_signers_get(t, &a, &out), NT_ERR_NOT_FOUND);
    /* An existing entry is still updated when the table is full. */
    name(&a, "s1.local");
    assert_int_equal(nt_trust_signers_set(t, &a, &info, false, 1100, 1050), NT_OK);
    /* A kept newcomer takes the place of the least recently touched entry
     * that is not kept (s0: s1 was just touched, s2 before it). */
    name(&a, "claim2.local");
    info.level = NT_TRUST_TRUSTED;
    assert_int_equal(nt_trust_signers_set(t, &a, &info, true, 0, 1050), NT_OK);
    name(&a, "s0.local");
    assert_int_equal(nt_trust_signers_get(t, &a, &out), NT_ERR_NOT_FOUND);
    name(&a, "s2.local");
    assert_int_equal(nt_trust_signers_get(t, &a, &out), NT_OK);
    /* Once their records have expired, unkept entries make room again. */
    info.level = NT_TRUST_SELF_SIGNED;
    name(&a, "late.local");
    assert_int_equal(nt_trust_signers_set(t, &a, &info, false, 1100, 1090),
                     NT_ERR_TRUST_TABLE_FULL);
    assert_int_equal(nt_trust_signers_set(t, &a, &info, false, 1300, 1101), NT_OK);
    assert_int_equal(nt_trust_signers_get(t, &a, &out), NT_OK);
    /* Kept entries never go: fill the table with claims, then nothing new
     * gets in, kept or not, and every claim is still there. */
    for (i = 0; i < 8; i++) {
        snprintf(text, sizeof text, "c%zu.local", i);
        name(&a, text);
        /* Two stale entries make room for two; then four claims fill it. */
        assert_int_equal(nt_trust_signers_set(t, &a, &info, true, 0, 5000),
                         i < 2 ? NT_OK : NT_ERR_TRUST_TABLE_FULL);
    }
    name(&a, "claim.local");
    assert_int_equal(nt_trust_signers_get(t, &a, &out), NT_OK);
    name(&a, "claim2.local");
    assert_int_equal(nt_trust_signers_get(t, &a, &out), NT_OK);
    name(&a, "new.local");
    assert_int_equal(nt_trust_signers_set(t, &a, &info, false, 9000, 5000),
                     NT_ERR_TRUST_TABLE_FULL);
    nt_trust_signers_destroy(t);
}

/* A signed set of several records with its RRSIG and DNSKEY after it. */
typedef struct big_message {
    nt_dns_record recs[80];
    size_t n;
    uint8_t sig[NT_TRUST_RRSIG_RDATA_MAX];
    uint8_t key[NT_DNSKEY_ED25519_RDATA_LEN];
    uint8_t rdata[70][300];
} big_message;

static void sign_set_into(big_message *m, const nt_trust_signer *s, const nt_dns_record *set,
                          size_t n, uint32_t when)
{
    size_t len, i;
    assert_true(n + 2 <= sizeof m->recs / sizeof m->recs[0]);
    assert_int_equal(nt_trust_sign_rrset(s, m->sig, sizeof m->sig, &len, set, n, when), NT_OK);
    for (i = 0; i < n; i++)
        m->recs[i] = set[i];
    m->recs[n] = rec(&set[0].owner, 46, set[0].ttl, m->sig, (uint16_t)len);
    memcpy(m->key, s->dnskey, sizeof m->key);
    m->recs[n + 1] = rec(&s->signer, 48, 120, m->key, sizeof m->key);
    m->n = n + 2;
}

/* PTR records _ipp._tcp.local -> "<prefix><i>._ipp._tcp.local" for i < n;
 * with last set, the last one points at the fixture's instance. */
static void ptr_set(const fixture *f, big_message *m, nt_dns_record *set, size_t n,
                    const char *prefix, bool last, uint32_t ttl)
{
    size_t i;
    for (i = 0; i < n; i++) {
        nt_dns_name target;
        char text[96];
        if (last && i + 1 == n) {
            target = f->instance;
        } else {
            snprintf(text, sizeof text, "%s%zu._ipp._tcp.local", prefix, i);
            name(&target, text);
        }
        memcpy(m->rdata[i], target.wire, target.len);
        set[i] = rec(&f->service, 12, ttl, m->rdata[i], target.len);
        set[i].mdns_bit = false;
    }
}

/* Issue 8 (a): a set is a goodbye only if every record is; the TTL a
 * verified set is cached with never exceeds what its RRSIG allows. */
static void test_goodbye_and_ttl_clamp(void **state)
{
    fixture *f = *state;
    static big_message m;
    nt_dns_record set[2];
    nt_trust_ctx ctx = {0};
    nt_trust_result res;
    static const uint8_t src[4] = {192, 0, 2, 66};

    ctx.store = store_with(f, true);
    assert_int_equal(nt_trust_replay_create(&ctx.replay, 64), NT_OK);
    ptr_set(f, &m, set, 2, "Shared ", false, 4500);
    sign_set_into(&m, &f->signer, set, 2, NOW);
    assert_int_equal(nt_trust_decide(&ctx, &res, m.recs, 2, m.recs, m.n, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_TRUSTED);
    assert_int_equal(res.ttl_max, 4500);
    /* The captured set replayed with TTLs {2^31-1, 0}: one record would
     * be removed and the other cached for 68 years. */
    m.recs[0].ttl = 0x7fffffffu;
    m.recs[1].ttl = 0;
    assert_int_equal(nt_trust_decide(&ctx, &res, m.recs, 2, m.recs, m.n, src, 4, NOW, 0),
                     NT_ERR_TRUST_GOODBYE);
    assert_int_equal(res.reason, NT_ERR_TRUST_GOODBYE);
    /* The same with both TTLs inflated: accepted, capped at the original. */
    m.recs[1].ttl = 0x7fffffffu;
    assert_int_equal(nt_trust_decide(&ctx, &res, m.recs, 2, m.recs, m.n, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.ttl_max, 4500);
    /* ...and never past the signature's expiration (RFC 4035 §5.3.3). */
    assert_int_equal(nt_trust_decide(&ctx, &res, m.recs, 2, m.recs, m.n, src, 4,
                                     NOW + NT_TRUST_LIFETIME_DEFAULT - 30, 0),
                     NT_OK);
    assert_int_equal(res.ttl_max, 30);
    assert_int_equal(nt_trust_decide(&ctx, &res, m.recs, 2, m.recs, m.n, src, 4,
                                     NOW + NT_TRUST_LIFETIME_DEFAULT + 60, 0),
                     NT_OK); /* inside the skew */
    assert_int_equal(res.ttl_max, 1);
    /* All TTL 0 under a live signature: a goodbye not signed as one. */
    m.recs[0].ttl = m.recs[1].ttl = 0;
    assert_int_equal(nt_trust_decide(&ctx, &res, m.recs, 2, m.recs, m.n, src, 4, NOW, 0),
                     NT_ERR_TRUST_COVERAGE);
    /* A real signed goodbye is accepted. */
    ptr_set(f, &m, set, 2, "Shared ", false, 0);
    sign_set_into(&m, &f->signer, set, 2, NOW + 5);
    assert_int_equal(nt_trust_decide(&ctx, &res, m.recs, 2, m.recs, m.n, src, 4, NOW + 5, 0),
                     NT_OK);
    assert_int_equal(res.ttl_max, 0);
    nt_trust_replay_destroy(ctx.replay);
    nt_trust_store_destroy(ctx.store);
}

/* Issue 8 (b): every subject of a PTR set counts; a set larger than the
 * checks take is refused whole, never cut. */
static void test_no_truncation(void **state)
{
    fixture *f = *state;
    static big_message m;
    static nt_dns_record set[70];
    nt_trust_ctx ctx = {0};
    nt_trust_result res;
    nt_trust_signer_info info;
    static const uint8_t src[4] = {192, 0, 2, 66};

    ctx.store = store_with(f, true);
    assert_int_equal(nt_trust_signers_create(&ctx.signers, 64), NT_OK);
    memset(&info, 0, sizeof info);
    info.signer = f->host;
    memcpy(info.key_digest, f->signer.key_digest, 32);
    info.level = NT_TRUST_TRUSTED;
    info.pin = NT_TRUST_PIN_OPERATOR;
    assert_int_equal(nt_trust_signers_set(ctx.signers, &f->instance, &info, true, 0, NOW), NT_OK);
    /* 32 junk targets, then an unsigned goodbye for the pinned instance. */
    ptr_set(f, &m, set, 40, "Junk ", true, 0);
    assert_int_equal(nt_trust_decide(&ctx, &res, set, 40, set, 40, src, 4, NOW, 0),
                     NT_ERR_TRUST_UNSIGNED);
    /* Junk alone is plain mDNS. */
    assert_int_equal(nt_trust_decide(&ctx, &res, set, 39, set, 39, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_UNSIGNED);
    /* Past the bound: refused whole, with its own reason. */
    ptr_set(f, &m, set, 65, "Junk ", false, 120);
    assert_int_equal(nt_trust_decide(&ctx, &res, set, 65, set, 65, src, 4, NOW, 0),
                     NT_ERR_TRUST_OVERSIZE);
    assert_int_equal(res.reason, NT_ERR_TRUST_OVERSIZE);
    nt_trust_signers_destroy(ctx.signers);
    nt_trust_store_destroy(ctx.store);
}

/* Issue 8 (c): a signer is a "<label>.local" host, nothing else. */
static void test_signer_must_be_host(void **state)
{
    fixture *f = *state;
    nt_dns_name odd;
    nt_trust_signer s;
    nt_dns_record a;
    message m;
    nt_trust_ctx ctx = {0};
    nt_trust_result res;
    static const uint8_t src[4] = {192, 0, 2, 66};
    static const char *const bad[] = {"printer.sub.local", "printer.example", "local"};
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        name(&odd, bad[i]);
        nt_trust_signer_init(&s, &f->key, &odd, 0);
        a = rec(&odd, 1, 120, f->a_rdata, 4);
        sign_into(&m, &s, &a, NOW);
        assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW, 0),
                         NT_ERR_TRUST_SIGNER_NAME);
        nt_trust_signer_cleanup(&s);
    }
    /* Case does not matter: PRINTER.LOCAL is a host. */
    name(&odd, "PRINTER.LOCAL");
    nt_trust_signer_init(&s, &f->key, &odd, 0);
    a = rec(&odd, 1, 120, f->a_rdata, 4);
    sign_into(&m, &s, &a, NOW);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_SELF_SIGNED);
    nt_trust_signer_cleanup(&s);
}

/* A name bound on chain (DESIGN §1.5): its key is trusted with no local
 * pin, another key and an unsigned spoof are refused like a pin would; a
 * revoked or unbound name vouches for nothing; the operator's pin wins,
 * and the chain wins over a key learned by TOFU. */
static void test_decide_chain(void **state)
{
    fixture *f = *state;
    nt_dns_record a = rec(&f->host, 1, 120, f->a_rdata, 4);
    nt_trust_ctx ctx = {0};
    nt_trust_result res;
    nt_trust_chain_info info;
    message m;
    static const uint8_t src[4] = {192, 0, 2, 67};

    assert_int_equal(nt_trust_chain_create(&ctx.chain, 4), NT_OK);
    memset(&info, 0, sizeof info);
    info.state = NT_TRUST_CHAIN_BOUND;
    memcpy(info.digest, f->signer.key_digest, 32);
    info.block = 12;
    assert_int_equal(nt_trust_chain_set(ctx.chain, &f->host, &info), NT_OK);
    sign_into(&m, &f->signer, &a, NOW);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_TRUSTED);
    assert_int_equal(res.pin, NT_TRUST_PIN_CHAIN);
    assert_int_equal(res.original_ttl, 120);
    sign_into(&m, &f->other_signer, &a, NOW);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW, 0),
                     NT_ERR_TRUST_WRONG_KEY);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, &a, 1, src, 4, NOW, 0),
                     NT_ERR_TRUST_UNSIGNED);

    /* Revoked: the key is only self-signed, and nothing is defended. */
    info.state = NT_TRUST_CHAIN_REVOKED;
    assert_int_equal(nt_trust_chain_set(ctx.chain, &f->host, &info), NT_OK);
    assert_false(nt_trust_chain_binds(ctx.chain, &f->host, NULL));
    sign_into(&m, &f->signer, &a, NOW + 1);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW + 1, 0), NT_OK);
    assert_int_equal(res.level, NT_TRUST_SELF_SIGNED);
    assert_int_equal(res.pin, NT_TRUST_PIN_NONE);
    nt_trust_chain_destroy(ctx.chain);

    /* TOFU learned the other key first; the chain binds ours: ours is
     * trusted, the TOFU key is refused. */
    assert_int_equal(nt_trust_chain_create(&ctx.chain, 4), NT_OK);
    ctx.store = store_with(f, false);
    nt_trust_store_set_tofu(ctx.store, true, NULL);
    sign_into(&m, &f->other_signer, &a, NOW + 2);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW + 2, 0), NT_OK);
    assert_int_equal(res.pin, NT_TRUST_PIN_TOFU);
    info.state = NT_TRUST_CHAIN_BOUND;
    assert_int_equal(nt_trust_chain_set(ctx.chain, &f->host, &info), NT_OK);
    sign_into(&m, &f->signer, &a, NOW + 3);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW + 3, 0), NT_OK);
    assert_int_equal(res.pin, NT_TRUST_PIN_CHAIN);
    sign_into(&m, &f->other_signer, &a, NOW + 4);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW + 4, 0),
                     NT_ERR_TRUST_WRONG_KEY);
    nt_trust_store_destroy(ctx.store);

    /* The operator pinned the other key: the operator's word wins. */
    ctx.store = store_with(f, false);
    assert_int_equal(nt_trust_store_add(ctx.store, &f->host, f->other_signer.key_digest), NT_OK);
    sign_into(&m, &f->signer, &a, NOW + 5);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW + 5, 0),
                     NT_ERR_TRUST_WRONG_KEY);
    sign_into(&m, &f->other_signer, &a, NOW + 6);
    assert_int_equal(nt_trust_decide(&ctx, &res, &a, 1, m.recs, m.n, src, 4, NOW + 6, 0), NT_OK);
    assert_int_equal(res.pin, NT_TRUST_PIN_OPERATOR);
    nt_trust_store_destroy(ctx.store);
    nt_trust_chain_destroy(ctx.chain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_verify),        cmocka_unit_test(test_validity_window),
        cmocka_unit_test(test_decide_levels),      cmocka_unit_test(test_decide_instance_memory),
        cmocka_unit_test(test_decide_replay),      cmocka_unit_test(test_decide_budget),
        cmocka_unit_test(test_store_file),         cmocka_unit_test(test_tofu),
        cmocka_unit_test(test_levels_and_tables),  cmocka_unit_test(test_goodbye_and_ttl_clamp),
        cmocka_unit_test(test_no_truncation),      cmocka_unit_test(test_signer_must_be_host),
        cmocka_unit_test(test_decide_chain),
    };
    return cmocka_run_group_tests_name("trust", tests, setup, NULL);
}
