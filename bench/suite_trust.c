/*
 * Suite "trust": signed RRsets verified per second through our whole
 * decision path, against the bare Ed25519 check on the same signed data.
 *
 * ours: nt_trust_decide (DESIGN §1-2) on an RRset received in a message
 *       that also carries its RRSIG, the host's DNSKEY and the other records
 *       a responder sends with it, with every table the browser uses: a
 *       trust store pinning the host's key, the replay table, the signer
 *       memory and a per-source budget (rate high enough never to refuse).
 *       That is: find the RRSIG, parse it, find the DNSKEY by key tag,
 *       window checks, RFC 4034 §6.2 canonical form, Ed25519 verify, DS
 *       digest of the key, pin lookup, replay and signer bookkeeping.
 * peer: libsodium crypto_sign_verify_detached on the exact bytes that were
 *       signed (RRSIG prefix + canonical RRset, built once before timing).
 * The ratio ours/peer says how much our bookkeeping costs on top of the
 * signature check itself (goal: within 15 %, ratio >= 0.87).
 *
 * Inputs: an SRV set and a TXT set of a realistic IPP printer (the TXT
 * record carries the keys Bonjour printers publish), each signed by a
 * fixed key so the run is repeatable.
 */
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "bench.h"
#include "nautilus/buf.h"
#include "nautilus/crypto.h"
#include "nautilus/trust.h"
#include "nautilus/wire.h"

#define BATCH 64
#define RRSIG_TYPE 46
#define DNSKEY_TYPE 48
#define MSG_RECORDS 7
#define SIGNED_CAP 2048

typedef struct trust_case {
    const char *name;
    nt_dns_record msg[MSG_RECORDS]; /* SRV, TXT, A, AAAA, RRSIG(SRV), RRSIG(TXT), DNSKEY */
    size_t msg_n;
    size_t set;                     /* index of the measured RRset in msg */
    uint8_t signed_data[SIGNED_CAP];
    size_t signed_len;
    const uint8_t *signature;       /* inside its RRSIG's RDATA */
    uint8_t pk[32];
} trust_case;

typedef struct trust_state {
    nt_trust_ctx ctx;
    trust_case *c;
    uint8_t source[4];
    uint32_t now;
    uint64_t sink;
} trust_state;

static uint64_t mono_ms(void) { return (uint64_t)(nt_bench_now() * 1000.0); }

static nt_status ours_batch(void *arg, uint64_t *ops)
{
    trust_state *s = arg;
    trust_case *c = s->c;
    uint64_t now_ms = mono_ms();
    nt_trust_result res;
    int i;
    for (i = 0; i < BATCH; i++) {
        nt_status st = nt_trust_decide(&s->ctx, &res, &c->msg[c->set], 1, c->msg, c->msg_n,
                                       s->source, sizeof s->source, s->now, now_ms);
        if (st != NT_OK)
            return st;
        s->sink += res.level;
    }
    *ops += BATCH;
    return NT_OK;
}

static nt_status peer_batch(void *arg, uint64_t *ops)
{
    trust_state *s = arg;
    trust_case *c = s->c;
    int i;
    for (i = 0; i < BATCH; i++) {
        if (crypto_sign_verify_detached(c->signature, c->signed_data, c->signed_len, c->pk) != 0)
            return NT_ERR_CRYPTO_BAD_SIGNATURE;
        s->sink++;
    }
    *ops += BATCH;
    return NT_OK;
}

/* RRSIG RDATA (RFC 4034 §3.1) into sig; the signer name is uncompressed. */
static nt_status rrsig_from_rdata(const uint8_t *rdata, size_t len, nt_dns_rrsig *sig)
{
    nt_buf b;
    size_t name_start;
    uint8_t l;
    nt_status st;
    nt_buf_init(&b, rdata, len);
    if (nt_buf_get_u16(&b, &sig->type_covered) != NT_OK ||
        nt_buf_get_u8(&b, &sig->algorithm) != NT_OK || nt_buf_get_u8(&b, &sig->labels) != NT_OK ||
        nt_buf_get_u32(&b, &sig->original_ttl) != NT_OK ||
        nt_buf_get_u32(&b, &sig->expiration) != NT_OK ||
        nt_buf_get_u32(&b, &sig->inception) != NT_OK || nt_buf_get_u16(&b, &sig->key_tag) != NT_OK)
        return NT_ERR_DNS_RDATA_SHORT;
    name_start = nt_buf_tell(&b);
    do {
        if (nt_buf_get_u8(&b, &l) != NT_OK || l > 63 || nt_buf_skip(&b, l) != NT_OK)
            return NT_ERR_DNS_RDATA_SHORT;
    } while (l != 0);
    st = nt_dns_name_from_wire(&sig->signer, rdata + name_start, nt_buf_tell(&b) - name_start);
    if (st != NT_OK)
        return st;
    sig->signature = rdata + nt_buf_tell(&b);
    sig->signature_len = nt_buf_left(&b);
    return NT_OK;
}

/* Storage for the RDATA of both cases (static: the suite runs once). */
static uint8_t g_srv_rdata[64], g_txt_rdata[256], g_a_rdata[4], g_aaaa_rdata[16];
static uint8_t g_sig_rdata[2][NT_TRUST_RRSIG_RDATA_MAX], g_dnskey[NT_DNSKEY_ED25519_RDATA_LEN];

static nt_status build_records(trust_case *c, const nt_trust_signer *signer,
                               const nt_dns_name *instance, const nt_dns_name *host, uint32_t now)
{
    static const char *const txt[] = {"txtvers=1", "qtotal=1", "rp=ipp/print",
                                      "ty=Nautilus Office Printer 4000",
                                      "pdl=application/pdf,image/urf,image/pwg-raster",
                                      "adminurl=http://printer.local/", "Color=T", "Duplex=T",
                                      "UUID=5f2a6c1e-9b7d-4e3a-8c21-0d9e7b6a5f43",
                                      "URF=W8,SRGB24,CP1,RS300-600,DM1"};
    nt_wbuf w;
    size_t i, len;
    nt_status st;

    /* SRV (RFC 2782): priority 0, weight 0, port 631, target host. */
    nt_wbuf_init(&w, g_srv_rdata, sizeof g_srv_rdata);
    if ((st = nt_wbuf_put_u16(&w, 0)) != NT_OK || (st = nt_wbuf_put_u16(&w, 0)) != NT_OK ||
        (st = nt_wbuf_put_u16(&w, 631)) != NT_OK ||
        (st = nt_wbuf_put_bytes(&w, host->wire, host->len)) != NT_OK)
        return st;
    c->msg[0] = (nt_dns_record){*instance, NT_DNS_TYPE_SRV, NT_DNS_CLASS_IN, true, 120,
                                g_srv_rdata, (uint16_t)w.len};
    nt_wbuf_init(&w, g_txt_rdata, sizeof g_txt_rdata);
    for (i = 0; i < sizeof txt / sizeof txt[0]; i++) {
        len = strlen(txt[i]);
        if ((st = nt_wbuf_put_u8(&w, (uint8_t)len)) != NT_OK ||
            (st = nt_wbuf_put_bytes(&w, (const uint8_t *)txt[i], len)) != NT_OK)
            return st;
    }
    c->msg[1] = (nt_dns_record){*instance, NT_DNS_TYPE_TXT, NT_DNS_CLASS_IN, true, 4500,
                                g_txt_rdata, (uint16_t)w.len};
    memcpy(g_a_rdata, (const uint8_t[]){192, 0, 2, 11}, 4);
    memcpy(g_aaaa_rdata, (const uint8_t[]){0xfd, 0x4e, 0x74, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11}, 16);
    c->msg[2] = (nt_dns_record){*host, NT_DNS_TYPE_A, NT_DNS_CLASS_IN, true, 120, g_a_rdata, 4};
    c->msg[3] = (nt_dns_record){*host, NT_DNS_TYPE_AAAA, NT_DNS_CLASS_IN, true, 120, g_aaaa_rdata, 16};
    for (i = 0; i < 2; i++) {
        if ((st = nt_trust_sign_rrset(signer, g_sig_rdata[i], sizeof g_sig_rdata[i], &len,
                                      &c->msg[i], 1, now)) != NT_OK)
            return st;
        c->msg[4 + i] = (nt_dns_record){*instance, RRSIG_TYPE, NT_DNS_CLASS_IN, true, 120,
                                        g_sig_rdata[i], (uint16_t)len};
    }
    memcpy(g_dnskey, signer->dnskey, sizeof g_dnskey);
    c->msg[6] = (nt_dns_record){*host, DNSKEY_TYPE, NT_DNS_CLASS_IN, true, 120, g_dnskey,
                                sizeof g_dnskey};
    c->msg_n = MSG_RECORDS;
    return NT_OK;
}

/* The exact bytes RRSIG number `which` signs, for the bare check. */
static nt_status prepare_peer(trust_case *c, size_t which)
{
    nt_dns_rrsig sig;
    nt_wbuf w;
    nt_status st;
    const nt_dns_record *r = &c->msg[4 + which];
    if ((st = rrsig_from_rdata(r->rdata, r->rdlength, &sig)) != NT_OK)
        return st;
    nt_wbuf_init(&w, c->signed_data, sizeof c->signed_data);
    if ((st = nt_dns_rrsig_signed_data(&w, &sig, &c->msg[which], 1)) != NT_OK)
        return st;
    c->signed_len = w.len;
    c->signature = sig.signature;
    memcpy(c->pk, g_dnskey + 4, 32);
    c->set = which;
    return NT_OK;
}

/* Both paths must accept the genuine set and refuse a one-bit change of it
 * before any timing means anything. */
static nt_status check_case(trust_state *s)
{
    trust_case *c = s->c;
    nt_trust_result res;
    nt_dns_record bad[MSG_RECORDS];
    uint8_t rd[256];
    nt_status st;

    st = nt_trust_decide(&s->ctx, &res, &c->msg[c->set], 1, c->msg, c->msg_n, s->source,
                         sizeof s->source, s->now, mono_ms());
    if (st != NT_OK)
        return st;
    if (res.level != NT_TRUST_TRUSTED)
        return NT_ERR_RANGE;
    if (crypto_sign_verify_detached(c->signature, c->signed_data, c->signed_len, c->pk) != 0)
        return NT_ERR_CRYPTO_BAD_SIGNATURE;
    memcpy(bad, c->msg, sizeof bad);
    memcpy(rd, c->msg[c->set].rdata, c->msg[c->set].rdlength);
    rd[5] ^= 0x01; /* SRV: the port; TXT: inside the first string */
    bad[c->set].rdata = rd;
    st = nt_trust_decide(&s->ctx, &res, &bad[c->set], 1, bad, c->msg_n, s->source,
                         sizeof s->source, s->now, mono_ms());
    if (st != NT_ERR_TRUST_BAD_SIGNATURE)
        return NT_ERR_RANGE;
    c->signed_data[c->signed_len - 1] ^= 0x01;
    st = crypto_sign_verify_detached(c->signature, c->signed_data, c->signed_len, c->pk) == 0
             ? NT_ERR_RANGE
             : NT_OK;
    c->signed_data[c->signed_len - 1] ^= 0x01;
    return st;
}

NT_BENCH_SUITE_DEFINE(trust)
{
    static const uint8_t seed[32] = {'n', 'a', 'u', 't', 'i', 'l', 'u', 's', '-', 'b', 'e',
                                     'n', 'c', 'h', '-', 't', 'r', 'u', 's', 't'};
    static const char *const set_names[2] = {"trust.decide_srv", "trust.decide_txt"};
    static trust_case c;
    nt_ed25519_key key;
    nt_trust_signer signer;
    nt_dns_name instance, host;
    trust_state s;
    nt_trust_store *store = NULL;
    nt_trust_replay *replay = NULL;
    nt_trust_signers *signers = NULL;
    nt_trust_budget *budget = NULL;
    double ours, peer;
    size_t which;
    nt_status st;

    memset(&s, 0, sizeof s);
    memcpy(s.source, (const uint8_t[]){192, 0, 2, 11}, 4);
    s.now = (uint32_t)time(NULL);
    s.c = &c;
    if (sodium_init() < 0)
        return NT_ERR_CRYPTO_INIT;
    if ((st = nt_ed25519_key_from_seed(&key, seed)) != NT_OK ||
        (st = nt_dns_name_from_str(&instance, "Office Printer 4000._ipp._tcp.local")) != NT_OK ||
        (st = nt_dns_name_from_str(&host, "printer-4000.local")) != NT_OK)
        goto out;
    nt_trust_signer_init(&signer, &key, &host, 0);
    nt_ed25519_key_wipe(&key);
    if ((st = build_records(&c, &signer, &instance, &host, s.now)) != NT_OK ||
        (st = nt_trust_store_create(&store, 0)) != NT_OK ||
        (st = nt_trust_store_add(store, &signer.signer, signer.key_digest)) != NT_OK ||
        (st = nt_trust_replay_create(&replay, 0)) != NT_OK ||
        (st = nt_trust_signers_create(&signers, 0)) != NT_OK ||
        (st = nt_trust_budget_create(&budget, 0, 1000000)) != NT_OK ||
        (st = nt_trust_budget_set_total(budget, 1000000)) != NT_OK)
        goto out;
    s.ctx.store = store;
    s.ctx.replay = replay;
    s.ctx.signers = signers;
    s.ctx.budget = budget;

    for (which = 0; which < 2; which++) {
        if ((st = prepare_peer(&c, which)) != NT_OK)
            goto out;
        if ((st = check_case(&s)) != NT_OK) {
            nt_bench_note(ctx, "trust: %s: the genuine set was not accepted as trusted, or a "
                               "changed one was not refused (%s)",
                          set_names[which], nt_strerror(st));
            goto out;
        }
        if ((st = nt_bench_compare(ctx, &ours, ours_batch, &s, &peer, peer_batch, &s)) != NT_OK)
            goto out;
        nt_bench_report(ctx, set_names[which], ours, peer, "rrset/s");
        nt_bench_note(ctx,
                      "trust: %s: %zu signed bytes; %.2f us ours, %.2f us bare "
                      "crypto_sign_verify_detached; overhead %+.1f %% (goal <= 5 %%)",
                      set_names[which], c.signed_len, 1e6 / ours, 1e6 / peer,
                      (peer / ours - 1.0) * 100.0);
    }
out:
    nt_trust_signer_cleanup(&signer);
    nt_trust_budget_destroy(budget);
    nt_trust_signers_destroy(signers);
    nt_trust_replay_destroy(replay);
    nt_trust_store_destroy(store);
    return st;
}
