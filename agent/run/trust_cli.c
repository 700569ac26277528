/* The verifying side of browse and resolve (agent/run/trust_cli.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "nautilus/mem.h"
#include "nautilus/zk.h"
#include "chain_view.h"
#include "trust_cli.h"

bool nt_cli_trust_option(const char *cmd, int argc, char **argv, int *i, nt_cli_trust_opts *o,
                         int *code)
{
    const char *a = argv[*i];
    *code = NT_EXIT_OK;
    if (strcmp(a, "--require") != 0 && strcmp(a, "--trust") != 0 && strcmp(a, "--tofu") != 0 &&
        strcmp(a, "--rpc") != 0 && strcmp(a, "--registry") != 0 &&
        strcmp(a, "--chain-max-age") != 0)
        return false;
    if (*i + 1 >= argc) {
        *code = nt_cli_usage_error("%s: %s needs a value", cmd, a);
        return true;
    }
    ++*i;
    if (strcmp(a, "--require") == 0) {
        if (nt_trust_level_parse(argv[*i], &o->require) != NT_OK)
            *code = nt_cli_usage_error("%s: --require wants unsigned, self-signed, trusted, "
                                       "anchored or zk-verified, not '%s'", cmd, argv[*i]);
    } else if (strcmp(a, "--rpc") == 0) {
        o->rpc = argv[*i];
    } else if (strcmp(a, "--registry") == 0) {
        if (nt_chain_view_parse_address(o->registry, argv[*i]) != NT_OK)
            *code = nt_cli_usage_error("%s: --registry wants 0x and 40 hex digits, not '%s'",
                                       cmd, argv[*i]);
        o->has_registry = true;
    } else if (strcmp(a, "--chain-max-age") == 0) {
        long v = 0;
        if (nt_cli_parse_long(argv[*i], 1, 86400L * 30, &v) != NT_OK)
            *code = nt_cli_usage_error("%s: --chain-max-age wants seconds (1..2592000), not "
                                       "'%s'", cmd, argv[*i]);
        o->chain_max_age = (uint32_t)v;
    } else if (strcmp(a, "--trust") == 0) {
        o->trust_file = argv[*i];
    } else {
        o->tofu_file = argv[*i];
    }
    return true;
}

/* One warning per bad line of a TOFU file. */
typedef struct tofu_warn {
    const char *cmd;
    const char *path;
} tofu_warn;

static void tofu_bad_line(void *ctx, size_t line, nt_status why)
{
    const tofu_warn *w = ctx;
    fprintf(stderr, "nautilus: %s: %s:%zu: skipped malformed line (%s)\n", w->cmd, w->path, line,
            nt_strerror(why));
}

/* Keys recorded by earlier runs are pinned again (as TOFU pins). The file is
 * written from what the network sent, so a bad line is skipped with a
 * warning rather than locking the browser out; a file that does not exist
 * yet is created on the first key, but one that cannot be read is exit 2. */
static int tofu_start(const char *cmd, nt_trust_store *store, const char *tofu_file)
{
    struct stat sb;
    tofu_warn w = {cmd, tofu_file};
    nt_status st = NT_OK;
    if (stat(tofu_file, &sb) == 0 || errno != ENOENT)
        st = nt_trust_store_load_tofu(store, tofu_file, tofu_bad_line, &w);
    if (st != NT_OK)
        return nt_cli_usage_error("%s: cannot read TOFU file %s: %s", cmd, tofu_file,
                                  nt_strerror(st));
    nt_trust_store_set_tofu(store, true, tofu_file);
    return NT_EXIT_OK;
}

/* Every browser verifies what it hears (DESIGN §1); --trust pins keys and
 * --tofu records first-seen ones. A bad trust file is one line and exit 2. */
int nt_cli_trust_chain_check(const char *cmd, const nt_cli_trust_opts *o)
{
    if (!o->rpc != !o->has_registry)
        return nt_cli_usage_error("%s: --rpc and --registry go together", cmd);
    if (o->chain_max_age && !o->rpc)
        return nt_cli_usage_error("%s: --chain-max-age needs --rpc and --registry", cmd);
    return NT_EXIT_OK;
}

int nt_cli_chain_start(const char *cmd, nt_chain_view **out, nt_trust_hooks *hooks,
                       const nt_cli_trust_opts *o)
{
    nt_chain_view_config cc;
    nt_status st;
    *out = NULL;
    if (!o->rpc)
        return NT_EXIT_OK;
    memset(&cc, 0, sizeof cc);
    cc.hooks = hooks;
    cc.rpc_url = o->rpc;
    memcpy(cc.registry, o->registry, 20);
    cc.max_age_s = o->chain_max_age;
    cc.cmd = cmd;
    if ((st = nt_chain_view_create(out, &cc)) != NT_OK)
        return nt_cli_usage_error("%s: cannot use --rpc %s: %s", cmd, o->rpc, nt_strerror(st));
    return NT_EXIT_OK;
}

int nt_cli_trust_start(const char *cmd, nt_trust_hooks **hooks, nt_trust_store **store,
                       const char *trust_file, const char *tofu_file,
                       const char *const *vk_files, size_t n_vk, bool chain)
{
    return nt_cli_trust_start_signed(cmd, hooks, store, NULL, 0, 0, trust_file, tofu_file,
                                     vk_files, n_vk, chain);
}

int nt_cli_trust_start_signed(const char *cmd, nt_trust_hooks **hooks, nt_trust_store **store,
                              const nt_trust_signer *signer, uint32_t per_source,
                              uint32_t total, const char *trust_file, const char *tofu_file,
                              const char *const *vk_files, size_t n_vk, bool chain)
{
    size_t k;
    nt_trust_hooks_config hc;
    size_t line = 0;
    int code;
    nt_status st = nt_trust_store_create(store, 0);
    if (st != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "%s: %s", cmd, nt_strerror(st));
    if (trust_file && (st = nt_trust_store_load(*store, trust_file, &line)) != NT_OK) {
        if (st == NT_ERR_TRUST_STORE_SYNTAX)
            return nt_cli_usage_error("%s: %s:%zu: malformed line (want '<host name> <key "
                                      "digest hex>')", cmd, trust_file, line);
        return nt_cli_usage_error("%s: cannot read trust file %s: %s", cmd, trust_file,
                                  nt_strerror(st));
    }
    if (tofu_file && (code = tofu_start(cmd, *store, tofu_file)) != NT_EXIT_OK)
        return code;
    memset(&hc, 0, sizeof hc);
    hc.store = *store;
    hc.signer = signer;
    hc.checks_per_source = per_source;
    hc.checks_total = total;
    hc.verify = true;
    hc.chain = chain;
    st = nt_trust_hooks_create(hooks, &hc);
    if (st != NT_OK)
        return nt_cli_fail(NT_EXIT_USAGE, "%s: %s", cmd, nt_strerror(st));
    for (k = 0; k < n_vk; k++) {
        uint8_t *text = NULL, id[NT_TRUST_ZK_VK_ID_LEN];
        size_t len = 0;
        st = nt_cli_read_file(vk_files[k], NT_ZK_MAX_JSON, &text, &len);
        if (st == NT_OK)
            st = nt_trust_hooks_zk_vk_add(*hooks, id, (const char *)text, len);
        nt_free(text);
        if (st != NT_OK)
            return nt_cli_usage_error("%s: cannot use verification key %s: %s", cmd,
                                      vk_files[k], nt_strerror(st));
    }
    return NT_EXIT_OK;
}

