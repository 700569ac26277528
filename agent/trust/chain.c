/* Bindings of host names to keys as read from the on-chain Registry
 * (trust.h, DESIGN §1.5): a table the decision consults, filled by
 * whoever reads the chain. */
#include <string.h>

#include "nautilus/mem.h"
#include "nautilus/trust.h"
#include "table.h"

_Static_assert(sizeof(nt_trust_chain_info) <= sizeof(((nt_trust_entry *)0)->value),
               "chain information fits in a table value");

struct nt_trust_chain {
    nt_trust_table t;
};

nt_status nt_trust_chain_create(nt_trust_chain **out, size_t cap)
{
    nt_trust_chain *c = nt_calloc(1, sizeof *c);
    nt_status st;
    if (!c)
        return NT_ERR_NOMEM;
    if ((st = nt_trust_table_init(&c->t, cap ? cap : 1024)) != NT_OK) {
        nt_free(c);
        return st;
    }
    *out = c;
    return NT_OK;
}

void nt_trust_chain_destroy(nt_trust_chain *c)
{
    if (!c)
        return;
    nt_trust_table_cleanup(&c->t);
    nt_free(c);
}

nt_status nt_trust_chain_set(nt_trust_chain *c, const nt_dns_name *name,
                             const nt_trust_chain_info *info)
{
    nt_dns_name lower = *name;
    nt_trust_entry *e;
    nt_dns_name_lower(&lower);
    /* A binding defends its name: never evicted by answers about other
     * names (an unbound answer may go, it is read again when needed). */
    e = nt_trust_table_put_kept(&c->t, lower.wire, lower.len,
                                info->state == NT_TRUST_CHAIN_BOUND, 0, 0, NULL);
    if (!e)
        return NT_ERR_TRUST_TABLE_FULL;
    memcpy(e->value, info, sizeof *info);
    return NT_OK;
}

nt_status nt_trust_chain_get(const nt_trust_chain *c, const nt_dns_name *name,
                             nt_trust_chain_info *info)
{
    nt_dns_name lower = *name;
    const nt_trust_entry *e;
    nt_dns_name_lower(&lower);
    e = nt_trust_table_get((nt_trust_table *)&c->t, lower.wire, lower.len);
    if (!e)
        return NT_ERR_NOT_FOUND;
    memcpy(info, e->value, sizeof *info);
    return NT_OK;
}

bool nt_trust_chain_binds(const nt_trust_chain *c, const nt_dns_name *name, uint8_t digest[32])
{
    nt_trust_chain_info info;
    if (!c || nt_trust_chain_get(c, name, &info) != NT_OK || info.state != NT_TRUST_CHAIN_BOUND)
        return false;
    if (digest)
        memcpy(digest, info.digest, 32);
    return true;
}
