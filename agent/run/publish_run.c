/* nautilus publish in this process (publish_run.h): announce one DNS-SD
 * service until SIGINT/SIGTERM, then say goodbye (RFC 6762 §8, §10.1;
 * RFC 6763). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nautilus/codec.h"
#include "nautilus/crypto.h"
#include "nautilus/log.h"
#include "nautilus/mem.h"
#include "nautilus/trust_mdns.h"
#include "nautilus/trust_meta.h"
#include "nautilus/zk.h"
#include "publish_run.h"

typedef struct publish_state {
    nt_pub_anchor *anchor; /* --anchor */
    nt_trust_hooks *hooks; /* --sign */
    nt_trust_signer *signer; /* --sign: follows a host rename */
    const char *type;      /* service type, for the names we claim */
    int exit_code;
    bool withdrawn;
    bool no_addresses;     /* --no-addresses */
    char instance[NT_MDNS_LABEL_MAX * 4];
    char where[NT_PUBLISH_WHERE_MAX];
} publish_state;

void nt_publish_where(char *out, size_t cap, nt_runner *r, uint32_t ifindex)
{
    const nt_net_iface_set *set = nt_runner_ifaces(r);
    size_t i, len = 0;
    if (ifindex != 0) {
        snprintf(out, cap, "%s", nt_runner_ifname(r, ifindex));
        return;
    }
    out[0] = 0;
    for (i = 0; i < set->n; i++) {
        int n = snprintf(out + len, cap - len, "%s%s", i ? ", " : "", set->ifs[i].name);
        if (n < 0 || (size_t)n >= cap - len)
            break;
        len += (size_t)n;
    }
}

/* --sign: the instance name is ours, so a record for it not signed by our
 * key is a spoof to defend against, not a conflict to yield to (after our
 * probing won; during probing any answer still wins, RFC 6762 §8.1). */
static void claim_instance(publish_state *ps, const char *instance)
{
    nt_dns_name parent, full;
    char text[NT_MDNS_NAME_MAX + 8];
    if (!ps->hooks)
        return;
    snprintf(text, sizeof text, "%s.local", ps->type);
    if (nt_dns_name_from_str(&parent, text) != NT_OK ||
        nt_dns_name_prepend(&full, (const uint8_t *)instance, strlen(instance), &parent) != NT_OK ||
        nt_trust_hooks_claim(ps->hooks, &full) != NT_OK)
        NT_LOGW("publish", "cannot claim \"%s\" for its signature", instance);
}

/* --sign, after a host-name conflict: the records now live at the new host
 * name, so the signatures name it as signer and the DNSKEY rides there; the
 * key's identity (its DNSKEY digest covers the owner name) changes too. */
static void resign_as(publish_state *ps, const char *host_text)
{
    nt_dns_name host;
    char hex[65];
    if (!ps->hooks)
        return;
    if (nt_dns_name_from_str(&host, host_text) != NT_OK) {
        NT_LOGW("publish", "cannot sign as renamed host \"%s\"", host_text);
        return;
    }
    nt_trust_signer_rename(ps->signer, &host);
    if (nt_trust_hooks_signer_renamed(ps->hooks) != NT_OK)
        NT_LOGW("publish", "cannot renew claims for renamed host \"%s\"", host_text);
    if (nt_hex_encode(hex, sizeof hex, ps->signer->key_digest, 32) == NT_OK)
        printf("signing as %s key %s\n", host_text, hex);
}

static void on_event(void *ctx, nt_runner *r, const nt_mdns_event *ev)
{
    publish_state *ps = ctx;
    const char *ifname = ps->where;

    nt_publish_where(ps->where, sizeof ps->where, r, ev->ifindex);

    switch (ev->kind) {
    case NT_MDNS_EV_PUBLISH_PROBING:
        printf("probing \"%s\" on %s\n", ev->instance, ifname);
        break;
    case NT_MDNS_EV_PUBLISH_ESTABLISHED:
        claim_instance(ps, ev->instance);
        printf("published \"%s\" on %s\n", ev->instance, ifname);
        break;
    case NT_MDNS_EV_PUBLISH_CONFLICT:
        if (ev->instance[0]) {
            snprintf(ps->instance, sizeof ps->instance, "%s", ev->instance);
            printf("renamed to \"%s\" after conflict\n", ev->instance);
        } else {
            printf("host renamed to \"%s\" after conflict\n", ev->host);
            resign_as(ps, ev->host);
        }
        break;
    case NT_MDNS_EV_PUBLISH_WITHDRAWN:
        printf("withdrawn \"%s\"\n", ev->instance[0] ? ev->instance : ps->instance);
        ps->withdrawn = true;
        break;
    case NT_MDNS_EV_PUBLISH_FAILED:
        printf("failed \"%s\": %s\n", ev->instance, ev->reason[0] ? ev->reason : "gave up");
        ps->exit_code = NT_EXIT_NEGATIVE;
        nt_runner_stop(r, true);
        break;
    case NT_MDNS_EV_SERVICE_ADDED:
    case NT_MDNS_EV_SERVICE_UPDATED:
    case NT_MDNS_EV_SERVICE_REMOVED:
    case NT_MDNS_EV_HOST_RESOLVED:
    case NT_MDNS_EV_HOST_REMOVED:
    case NT_MDNS_EV_TYPE_ADDED:
    case NT_MDNS_EV_TYPE_REMOVED:
    case NT_MDNS_EV_REJECTED:
        break;
    }
    fflush(stdout);
}

static void on_timer(void *ctx, nt_runner *r, uint64_t id)
{
    publish_state *ps = ctx;
    (void)r;
    (void)nt_pub_anchor_timer(ps->anchor, id);
}

static void configure(void *ctx, nt_mdns_config *mc)
{
    publish_state *ps = ctx;
    if (ps->hooks)
        nt_trust_hooks_install(ps->hooks, mc);
    if (ps->no_addresses)
        mc->host_records = NT_MDNS_HOST_NEVER;
}

/* --sign: loads the signing key from the state directory (refusing unsafe or
 * damaged key files with one line and exit 2, DESIGN §3) and prepares the
 * hooks that add RRSIG and DNSKEY records to everything we send. */
static int start_signing(nt_trust_signer *signer, nt_trust_hooks **hooks, const char *state,
                         const char *host_text)
{
    char state_buf[4096], digest_hex[65];
    const char *which = NULL;
    nt_identity id;
    nt_dns_name host;
    nt_trust_hooks_config hc;
    nt_status st;

    if (!state) {
        if (nt_state_dir_default(state_buf, sizeof state_buf) != NT_OK)
            return nt_cli_usage_error("publish: no state directory: give --state DIR");
        state = state_buf;
    }
    st = nt_identity_load(&id, state, &which);
    if (st != NT_OK) {
        if (which && which != state)
            return nt_cli_usage_error("publish: cannot use key %s/%s: %s (%s)", state, which,
                                      nt_strerror(st), nt_status_name(st));
        return nt_cli_usage_error("publish: cannot use state directory %s: %s (%s)", state,
                                  nt_strerror(st), nt_status_name(st));
    }
    st = nt_dns_name_from_str(&host, host_text);
    if (st != NT_OK) {
        nt_identity_wipe(&id);
        return nt_cli_usage_error("publish: bad host name '%s': %s", host_text, nt_strerror(st));
    }
    nt_trust_signer_init(signer, &id.sign, &host, 0);
    nt_identity_wipe(&id);
    memset(&hc, 0, sizeof hc);
    hc.signer = signer;
    /* Judge what we hear: records for our own names must carry our key. */
    hc.verify = true;
    st = nt_trust_hooks_create(hooks, &hc);
    if (st != NT_OK) {
        nt_trust_signer_cleanup(signer);
        return nt_cli_fail(NT_EXIT_USAGE, "publish: cannot prepare signing: %s", nt_strerror(st));
    }
    if (nt_hex_encode(digest_hex, sizeof digest_hex, signer->key_digest, 32) == NT_OK)
        printf("signing as %s key %s\n", host_text, digest_hex);
    return NT_EXIT_OK;
}

static nt_status read_text(const char *dir, const char *file, uint8_t **out, size_t *len)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
        return NT_ERR_CAP;
    return nt_cli_read_file(path, NT_ZK_MAX_JSON, out, len);
}

/* --proof: reads the proof, checks it belongs to this agent's key (and to
 * the named key, when the file is given), and writes the metadata TXT
 * RDATA (DESIGN §2, trust_meta.h) into meta[0..NT_TRUST_META_RDATA_MAX). */
static int start_proof(uint8_t *meta, size_t *meta_len, const nt_trust_signer *signer,
                       const nt_publish_proof_opts *po)
{
    uint8_t *proof_text = NULL, *pub_text = NULL, *vk_text = NULL;
    size_t proof_len = 0, pub_len = 0, vk_len = 0, n = 0;
    uint8_t vk_id[NT_TRUST_ZK_VK_ID_LEN];
    nt_zk_proof proof;
    nt_zk_public *pub = NULL;
    nt_zk_vk *vk = NULL;
    nt_trust_zk_claim claim;
    char hex[2 * NT_TRUST_ZK_VK_ID_LEN + 1];
    int code = NT_EXIT_OK;
    nt_status st;

    if ((st = read_text(po->dir, "proof.json", &proof_text, &proof_len)) != NT_OK ||
        (st = read_text(po->dir, "public.json", &pub_text, &pub_len)) != NT_OK) {
        code = nt_cli_usage_error("publish: cannot read %s/proof.json and public.json: %s",
                                  po->dir, nt_strerror(st));
        goto cleanup;
    }
    if ((st = nt_zk_proof_parse_json(&proof, (const char *)proof_text, proof_len)) != NT_OK ||
        (st = nt_zk_public_parse_json(&pub, (const char *)pub_text, pub_len)) != NT_OK) {
        code = nt_cli_usage_error("publish: bad proof in %s: %s", po->dir, nt_strerror(st));
        goto cleanup;
    }
    if (po->vk_file) {
        if ((st = nt_cli_read_file(po->vk_file, NT_ZK_MAX_JSON, &vk_text, &vk_len)) != NT_OK ||
            (st = nt_zk_vk_parse_json(&vk, (const char *)vk_text, vk_len)) != NT_OK) {
            code = nt_cli_usage_error("publish: cannot use verification key %s: %s",
                                      po->vk_file, nt_strerror(st));
            goto cleanup;
        }
        nt_trust_zk_vk_id(vk_id, vk_text, vk_len);
        if (nt_zk_groth16_verify(vk, &proof, pub) != NT_OK) {
            code = nt_cli_usage_error("publish: the proof in %s does not verify under %s",
                                      po->dir, po->vk_file);
            goto cleanup;
        }
    } else if (strlen(po->vk_id_hex) != 2 * NT_TRUST_ZK_VK_ID_LEN ||
               nt_hex_decode(vk_id, sizeof vk_id, &n, po->vk_id_hex, strlen(po->vk_id_hex)) !=
                   NT_OK) {
        code = nt_cli_usage_error("publish: --zk-vk-id wants 16 hex digits, not '%s'",
                                  po->vk_id_hex);
        goto cleanup;
    }
    /* Caught early: browsers would reject a proof bound to another key. */
    st = nt_trust_zk_statement(&claim, pub, signer->key_digest);
    if (st != NT_OK && !(po->unchecked && st == NT_ERR_TRUST_ZK_BINDING)) {
        code = nt_cli_usage_error("publish: the proof in %s %s", po->dir,
                                  st == NT_ERR_TRUST_ZK_BINDING
                                      ? "is bound to another key (keyBinding differs from this "
                                        "agent's key digest)"
                                      : "is not a selective-disclosure statement");
        goto cleanup;
    }
    if ((st = nt_trust_meta_write(meta, NT_TRUST_META_RDATA_MAX, meta_len, vk_id, &proof, pub)) !=
        NT_OK) {
        code = nt_cli_usage_error("publish: cannot encode the proof: %s", nt_strerror(st));
        goto cleanup;
    }
    if (nt_hex_encode(hex, sizeof hex, vk_id, sizeof vk_id) == NT_OK)
        printf("proof zkvk=%s (%zu bytes of metadata)\n", hex, *meta_len);
cleanup:
    nt_free(proof_text);
    nt_free(pub_text);
    nt_free(vk_text);
    nt_zk_public_destroy(pub);
    nt_zk_vk_destroy(vk);
    return code;
}

/* The signer, the hooks and the metadata TXT: what --sign and --proof set
 * up before the network is touched. */
typedef struct publish_keys {
    nt_trust_signer signer;
    nt_trust_hooks *hooks;
    uint8_t meta[NT_TRUST_META_RDATA_MAX];
    size_t meta_len;
    char state_buf[4096];
} publish_keys;

static void keys_cleanup(publish_keys *k)
{
    if (k->hooks) {
        nt_trust_hooks_destroy(k->hooks);
        nt_trust_signer_cleanup(&k->signer);
        k->hooks = NULL;
    }
}

static int keys_start(publish_keys *k, nt_publish_opts *o)
{
    char host[NT_MDNS_NAME_MAX];
    int code;
    if (o->anchor.on && !o->state) {
        if (nt_state_dir_default(k->state_buf, sizeof k->state_buf) != NT_OK)
            return nt_cli_usage_error("publish: no state directory: give --state DIR");
        o->state = k->state_buf;
    }
    if (nt_runner_host_name(host, sizeof host, o->rc.host_name) != NT_OK)
        return nt_cli_usage_error("publish: bad --host '%s' (want NAME or NAME.local)",
                                  o->rc.host_name ? o->rc.host_name : "");
    if (o->sign && (code = start_signing(&k->signer, &k->hooks, o->state, host)) != NT_EXIT_OK)
        return code;
    if (o->proof.dir &&
        (code = start_proof(k->meta, &k->meta_len, &k->signer, &o->proof)) != NT_EXIT_OK) {
        keys_cleanup(k);
        return code;
    }
    /* Without a proof the metadata TXT says just its version (DESIGN §2);
     * it is signed like every other RRset. */
    if (o->sign && !o->proof.dir) {
        static const uint8_t v1[] = {3, 'v', '=', '1'};
        memcpy(k->meta, v1, sizeof v1);
        k->meta_len = sizeof v1;
    }
    return NT_EXIT_OK;
}

/* The service and its metadata TXT on the engine, then --anchor. */
static int add_service(publish_state *ps, publish_keys *k, nt_publish_opts *o, nt_runner *r)
{
    nt_mdns_service_id id;
    nt_pub_anchor_config ac;
    nt_status st;

    /* --host names the SRV target; the engine's own host is the same name,
     * so the A/AAAA records of this machine are published under it. */
    o->svc.host = NULL;
    st = nt_mdns_service_add(nt_runner_engine(r), &id, &o->svc, nt_runner_now(r));
    /* The metadata TXT is an RRset of the service's own: answered when
     * asked for, and beside the SRV and TXT in every answer. */
    if (st == NT_OK && k->meta_len != 0)
        st = nt_mdns_service_set_extra(nt_runner_engine(r), id, NT_TRUST_META_LABEL,
                                       NT_DNS_TYPE_TXT, k->meta, k->meta_len, 0, nt_runner_now(r));
    if (st != NT_OK)
        return nt_cli_usage_error("publish: cannot publish: %s", nt_strerror(st));
    if (!o->anchor.on)
        return NT_EXIT_OK;
    memset(&ac, 0, sizeof ac);
    ac.opts = &o->anchor;
    ac.state = o->state;
    ac.signer = &k->signer;
    ac.hooks = k->hooks;
    ac.runner = r;
    ac.service = id;
    ac.instance = ps->instance;
    ac.type = ps->type;
    ac.meta = k->meta;
    ac.meta_len = k->meta_len;
    return nt_pub_anchor_start(&ps->anchor, &ac);
}

int nt_publish_run(nt_publish_opts *o)
{
    static publish_keys k; /* large; one publish per process */
    publish_state ps;
    nt_runner *r = NULL;
    char why[160];
    int code;
    nt_status st;

    memset(&ps, 0, sizeof ps);
    memset(&k, 0, sizeof k);
    if (!o->anchor.every)
        o->anchor.every = NT_PUB_ANCHOR_EVERY_DEFAULT;
    if (!o->anchor.interval_s)
        o->anchor.interval_s = NT_PUB_ANCHOR_INTERVAL_DEFAULT;
    if ((code = keys_start(&k, o)) != NT_EXIT_OK)
        return code;
    snprintf(ps.instance, sizeof ps.instance, "%s", o->svc.instance);
    ps.type = o->svc.type;
    ps.hooks = k.hooks;
    ps.signer = &k.signer;
    ps.no_addresses = o->no_addresses;
    o->rc.on_event = on_event;
    o->rc.ctx = &ps;
    o->rc.configure = configure;
    o->rc.on_timer = on_timer;
    st = nt_runner_create(&r, &o->rc, why, sizeof why);
    if (st != NT_OK) {
        code = nt_cli_fail(NT_EXIT_USAGE, "publish: cannot start mDNS: %s", why);
        goto out;
    }
    if ((code = add_service(&ps, &k, o, r)) != NT_EXIT_OK)
        goto out;
    st = nt_runner_run(r);
    /* Goodbyes went out in nt_runner_run (RFC 6762 §10.1). */
    if (st == NT_OK && nt_runner_signalled(r) && !ps.withdrawn)
        printf("withdrawn \"%s\"\n", ps.instance);
    code = st == NT_OK ? ps.exit_code
                       : nt_cli_fail(NT_EXIT_NEGATIVE, "publish: %s", nt_strerror(st));
out:
    nt_pub_anchor_stop(ps.anchor);
    nt_runner_destroy(r);
    keys_cleanup(&k);
    fflush(stdout);
    return code;
}

const char *nt_publish_in_process_only(const nt_publish_opts *o)
{
    if (o->rc.n_ifnames)
        return "-i";
    if (o->rc.host_name)
        return "--host";
    if (o->state)
        return "--state";
    if (o->no_addresses)
        return "--no-addresses";
    if (o->rc.no_ipv4 || o->rc.no_ipv6)
        return o->rc.no_ipv4 ? "-6" : "-4";
    if (o->proof.dir)
        return "--proof";
    if (o->anchor.on)
        return "--anchor";
    return NULL;
}
