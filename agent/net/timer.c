/* A binary min-heap of timers (deadline, then insertion order). Lookup by
 * id is linear: the heap is capped small (a runner has a handful of timers). */
#include <string.h>

#include "nautilus/mem.h"
#include "nautilus/net.h"

nt_status nt_net_timer_heap_init(nt_net_timer_heap *h, size_t cap)
{
    if (!h || cap == 0)
        return NT_ERR_INVALID_ARG;
    memset(h, 0, sizeof *h);
    h->items = nt_calloc(cap, sizeof *h->items);
    h->seq = nt_calloc(cap, sizeof *h->seq);
    if (!h->items || !h->seq) {
        nt_free(h->items);
        nt_free(h->seq);
        h->items = NULL;
        h->seq = NULL;
        return NT_ERR_NOMEM;
    }
    h->cap = cap;
    return NT_OK;
}

void nt_net_timer_heap_cleanup(nt_net_timer_heap *h)
{
    if (!h)
        return;
    nt_free(h->items);
    nt_free(h->seq);
    memset(h, 0, sizeof *h);
}

static bool before(const nt_net_timer_heap *h, size_t a, size_t b)
{
    if (h->items[a].deadline != h->items[b].deadline)
        return h->items[a].deadline < h->items[b].deadline;
    return h->seq[a] < h->seq[b];
}

static void swap(nt_net_timer_heap *h, size_t a, size_t b)
{
    nt_net_timer t = h->items[a];
    uint64_t s = h->seq[a];
    h->items[a] = h->items[b];
    h->seq[a] = h->seq[b];
    h->items[b] = t;
    h->seq[b] = s;
}

static void sift_up(nt_net_timer_heap *h, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(h, i, parent))
            break;
        swap(h, i, parent);
        i = parent;
    }
}

static void sift_down(nt_net_timer_heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && before(h, l, m))
            m = l;
        if (r < h->n && before(h, r, m))
            m = r;
        if (m == i)
            break;
        swap(h, i, m);
        i = m;
    }
}

static void remove_at(nt_net_timer_heap *h, size_t i)
{
    h->n--;
    if (i == h->n)
        return;
    h->items[i] = h->items[h->n];
    h->seq[i] = h->seq[h->n];
    sift_down(h, i);
    sift_up(h, i);
}

static bool find(const nt_net_timer_heap *h, uint64_t id, size_t *at)
{
    size_t i;
    for (i = 0; i < h->n; i++)
        if (h->items[i].id == id) {
            *at = i;
            return true;
        }
    return false;
}

nt_status nt_net_timer_heap_set(nt_net_timer_heap *h, uint64_t id, uint64_t deadline)
{
    size_t at;
    if (!h || !h->items)
        return NT_ERR_INVALID_ARG;
    if (find(h, id, &at))
        remove_at(h, at);
    if (h->n == h->cap)
        return NT_ERR_CAP;
    at = h->n++;
    h->items[at].id = id;
    h->items[at].deadline = deadline;
    h->seq[at] = h->next_seq++;
    sift_up(h, at);
    return NT_OK;
}

nt_status nt_net_timer_heap_del(nt_net_timer_heap *h, uint64_t id)
{
    size_t at;
    if (!h)
        return NT_ERR_INVALID_ARG;
    if (!find(h, id, &at))
        return NT_ERR_NOT_FOUND;
    remove_at(h, at);
    return NT_OK;
}

nt_status nt_net_timer_heap_peek(const nt_net_timer_heap *h, nt_net_timer *out)
{
    if (!h || h->n == 0)
        return NT_ERR_NOT_FOUND;
    *out = h->items[0];
    return NT_OK;
}

nt_status nt_net_timer_heap_pop_due(nt_net_timer_heap *h, uint64_t now, nt_net_timer *out)
{
    if (!h || h->n == 0 || h->items[0].deadline > now)
        return NT_ERR_NOT_FOUND;
    *out = h->items[0];
    remove_at(h, 0);
    return NT_OK;
}
