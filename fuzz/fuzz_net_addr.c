/*
 * Fuzz target for the network layer's text parsers: IP addresses with an
 * optional scope ("fe80::1%lan0"), netmasks, and the on-link test. An
 * address that parses must print and parse back to the same address, and
 * the prefix test must agree with itself at the full length. Mismatches
 * abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/net.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[128], out[NT_NET_ADDR_TEXT_MAX];
    nt_net_addr a, back;
    nt_net_prefix p;
    uint8_t len;
    size_t n = size < sizeof text - 1 ? size : sizeof text - 1;

    /* Netmasks: any 4 or 16 bytes either give a length or are refused. */
    if (size >= 16 && nt_net_netmask_len(&len, data, 16) == NT_OK)
        CHECK(len <= 128);
    if (size >= 4 && nt_net_netmask_len(&len, data, 4) == NT_OK)
        CHECK(len <= 32);

    memcpy(text, data, n);
    text[n] = 0;
    if (nt_net_addr_parse(&a, text) != NT_OK)
        return 0;
    CHECK(a.family == NT_NET_IPV4 || a.family == NT_NET_IPV6);
    CHECK(a.family == NT_NET_IPV6 || a.scope == 0);
    CHECK(nt_net_addr_format(out, sizeof out, &a) == NT_OK);
    CHECK(nt_net_addr_parse(&back, out) == NT_OK);
    CHECK(nt_net_addr_equal(&a, &back));

    /* A prefix of full length contains exactly its own address. */
    p.addr = a;
    p.len = (uint8_t)(a.family == NT_NET_IPV4 ? 32 : 128);
    CHECK(nt_net_prefix_contains(&p, &a));
    p.len = 0;
    CHECK(nt_net_prefix_contains(&p, &a));
    return 0;
}
