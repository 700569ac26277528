/* nautilus agent: trust from the chain (agent.h, DESIGN §1.5, §8.1). With
 * [chain] rpc-url and registry the agent judges what it hears as browse
 * --rpc does, whether or not it anchors: a key the Registry binds to the
 * signer's name is trusted (pin "chain"), another key for that name is
 * rejected wrong-key. The reads run on the view's worker thread, never in
 * the receive loop; a node that fails changes nothing but a log line. */
#include <string.h>

#include "agent.h"
#include "chain_view.h"
#include "cli.h"
#include "nautilus/log.h"

bool nt_agent_chain_wanted(const nt_conf *c)
{
    return c->rpc_url[0] && c->registry[0];
}

int nt_agent_chain_start(nt_chain_view **out, const nt_conf *c, nt_trust_hooks *hooks)
{
    nt_chain_view_config cc;
    nt_status st;

    *out = NULL;
    if (!nt_agent_chain_wanted(c)) {
        if (c->rpc_url[0] || c->registry[0])
            NT_LOGW("agent", "[chain] rpc-url and registry go together: trust does not read "
                    "the chain");
        return NT_EXIT_OK;
    }
    memset(&cc, 0, sizeof cc);
    cc.hooks = hooks;
    cc.rpc_url = c->rpc_url;
    if (nt_chain_view_parse_address(cc.registry, c->registry) != NT_OK)
        return nt_cli_usage_error("agent: [chain] registry: bad address '%s'", c->registry);
    cc.cmd = "agent";
    cc.per_query = true; /* the bus and each browse through the socket */
    cc.log = true;
    if ((st = nt_chain_view_create(out, &cc)) != NT_OK)
        return nt_cli_usage_error("agent: cannot read the chain at %s: %s", c->rpc_url,
                                  nt_strerror(st));
    NT_LOGI("agent", "trust reads the chain at %s (registry %s)", c->rpc_url, c->registry);
    return NT_EXIT_OK;
}

void nt_agent_chain_reload(const nt_conf *old, const nt_conf *c)
{
    /* Restarting the reader would wait for an exchange in progress (up to
     * NT_CHAIN_TIMEOUT_MS) in the loop, and the hooks would keep bindings
     * read from the old registry: the settings hold until the restart. */
    if (strcmp(old->rpc_url, c->rpc_url) != 0 || strcmp(old->registry, c->registry) != 0)
        NT_LOGW("agent", "reload: trust keeps reading the chain with the [chain] rpc-url and "
                "registry it started with; changes apply at the next restart");
}

void nt_agent_chain_stop(nt_chain_view *v)
{
    if (!v)
        return;
    if (nt_chain_view_failures(v))
        NT_LOGW("agent", "%llu reads of the chain failed",
                (unsigned long long)nt_chain_view_failures(v));
    nt_chain_view_destroy(v);
}
