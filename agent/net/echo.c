/* Recognising our own datagrams when multicast loop brings them back
 * (net.h, nt_net_echo). */
#include <string.h>

#include "core/keyed_hash.h"
#include "nautilus/net.h"

nt_status nt_net_echo_init(nt_net_echo *e, uint32_t window_ms)
{
    if (!e || window_ms == 0)
        return NT_ERR_INVALID_ARG;
    memset(e, 0, sizeof *e);
    e->window_ms = window_ms;
    return nt_net_random(e->key, sizeof e->key);
}

/* SipHash-1-3 under the random key (core/keyed_hash.h) of the length and
 * the bytes: a peer cannot craft a different datagram that we would take
 * for our own echo; replaying our own bytes back to us gains it nothing. */
static uint64_t echo_hash(const nt_net_echo *e, const uint8_t *data, size_t len)
{
    nt_hkey k;
    memcpy(k.k, e->key, sizeof k.k);
    return nt_keyed_hash(&k, (uint64_t)len, data, len, false);
}

void nt_net_echo_note_sent(nt_net_echo *e, const uint8_t *data, size_t len, uint64_t now_ms)
{
    e->hash[e->next] = echo_hash(e, data, len);
    e->when[e->next] = now_ms ? now_ms : 1;
    e->next = (e->next + 1) % NT_NET_ECHO_SLOTS;
}

bool nt_net_echo_is_own(nt_net_echo *e, const uint8_t *data, size_t len, uint64_t now_ms)
{
    uint64_t h = echo_hash(e, data, len);
    size_t i;
    for (i = 0; i < NT_NET_ECHO_SLOTS; i++) {
        if (e->when[i] == 0 || e->hash[i] != h)
            continue;
        if (now_ms >= e->when[i] && now_ms - e->when[i] <= e->window_ms) {
            e->recognised++;
            return true;
        }
    }
    return false;
}
