/* RFC 2782 priority / weighted selection (srv_order.h). */
#include "srv_order.h"

/* Uniform integer in [0, bound] without modulo bias. */
static uint32_t uniform_incl(nt_srv_rng_fn rng, void *ctx, uint32_t bound)
{
    uint64_t range = (uint64_t)bound + 1u;
    uint64_t limit = ((uint64_t)1 << 32) - (((uint64_t)1 << 32) % range);
    uint64_t v;
    do {
        v = rng(ctx);
    } while (v >= limit);
    return (uint32_t)(v % range);
}

/* Stable insertion sort by priority (n is small: instances on one LAN). */
static void sort_priority(nt_srv_item *items, size_t n)
{
    size_t i, j;
    for (i = 1; i < n; i++) {
        nt_srv_item t = items[i];
        for (j = i; j > 0 && items[j - 1].priority > t.priority; j--)
            items[j] = items[j - 1];
        items[j] = t;
    }
}

/* Moves zero-weight items to the front of [lo, hi), keeping order. */
static void zeros_first(nt_srv_item *items, size_t lo, size_t hi)
{
    size_t i, j, k = lo;
    for (i = lo; i < hi; i++) {
        if (items[i].weight == 0) {
            nt_srv_item t = items[i];
            for (j = i; j > k; j--)
                items[j] = items[j - 1];
            items[k++] = t;
        }
    }
}

void nt_srv_order(nt_srv_item *items, size_t n, nt_srv_rng_fn rng, void *ctx)
{
    size_t lo = 0;
    sort_priority(items, n);
    while (lo < n) {
        size_t hi = lo, next;
        while (hi < n && items[hi].priority == items[lo].priority)
            hi++;
        /* Each round fixes position `next` of this priority group. */
        for (next = lo; next + 1 < hi; next++) {
            uint32_t sum = 0, draw, run = 0;
            size_t i, pick = next;
            zeros_first(items, next, hi);
            for (i = next; i < hi; i++)
                sum += items[i].weight; /* <= 65535 * n: no overflow for n < 65537 */
            draw = uniform_incl(rng, ctx, sum);
            for (i = next; i < hi; i++) {
                run += items[i].weight;
                if (run >= draw) {
                    pick = i;
                    break;
                }
            }
            if (pick != next) {
                nt_srv_item t = items[pick];
                size_t j;
                for (j = pick; j > next; j--)
                    items[j] = items[j - 1];
                items[next] = t;
            }
        }
        lo = hi;
    }
}
