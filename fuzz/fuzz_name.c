/*
 * Fuzz target for DNS names: from wire, from text, from a message with
 * compression; to text and back must give the same name; comparison and
 * lower-casing must be consistent. Mismatches abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nautilus/buf.h"
#include "nautilus/wire.h"
#include "fuzz/fuzz.h"

static bool same(const nt_dns_name *a, const nt_dns_name *b)
{
    return a->len == b->len && a->labels == b->labels && memcmp(a->wire, b->wire, a->len) == 0;
}

/* to text, back from text: the identical name. Also equality, order and
 * lower-casing agree with each other. */
static void check_name(const nt_dns_name *n)
{
    char text[NT_DNS_NAME_TEXT_MAX], text2[NT_DNS_NAME_TEXT_MAX];
    size_t tl, tl2, pos = 0, ll, sum = 1;
    const uint8_t *l;
    unsigned k = 0;
    nt_dns_name back, low;

    CHECK(n->len >= 1 && n->len <= NT_DNS_NAME_MAX && n->labels <= NT_DNS_LABELS_MAX);
    CHECK(nt_dns_name_to_text(n, text, sizeof text, &tl) == NT_OK);
    CHECK(strlen(text) == tl);
    CHECK(nt_dns_name_from_text(&back, text, tl) == NT_OK);
    CHECK(same(n, &back));
    CHECK(nt_dns_name_to_text(&back, text2, sizeof text2, &tl2) == NT_OK);
    CHECK(tl == tl2 && memcmp(text, text2, tl) == 0);
    CHECK(nt_dns_name_from_wire(&back, n->wire, n->len) == NT_OK && same(n, &back));
    while (nt_dns_name_next_label(n, &pos, &l, &ll)) {
        CHECK(ll >= 1 && ll <= NT_DNS_LABEL_MAX);
        sum += ll + 1;
        k++;
    }
    CHECK(sum == n->len && k == n->labels);
    low = *n;
    nt_dns_name_lower(&low);
    CHECK(nt_dns_name_equal(n, &low) && nt_dns_name_compare(n, &low) == 0);
    CHECK(nt_dns_name_is_subdomain(n, &low));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nt_dns_name n, m;
    nt_buf b;
    size_t off;

    /* 1. the bytes as an uncompressed wire name */
    if (nt_dns_name_from_wire(&n, data, size) == NT_OK)
        check_name(&n);
    /* 2. the bytes as presentation text */
    if (nt_dns_name_from_text(&n, (const char *)data, size) == NT_OK)
        check_name(&n);
    /* 3. the bytes as a message with a (possibly compressed) name at each
     * offset from 12 on; a name parsed from the message must also come out
     * the same from its own uncompressed form. */
    for (off = 12; off < size && off < 12 + 64; off++) {
        nt_buf_init(&b, data, size);
        if (nt_buf_seek(&b, off) != NT_OK)
            break;
        if (nt_dns_name_parse(&b, &n) != NT_OK) {
            CHECK(nt_buf_tell(&b) == off); /* a failed parse does not move */
            continue;
        }
        CHECK(nt_buf_tell(&b) > off);
        check_name(&n);
        if (nt_dns_name_from_wire(&m, n.wire, n.len) == NT_OK)
            CHECK(same(&n, &m));
        else
            abort();
    }
    /* 4. ordering is antisymmetric for two halves of the input */
    if (size >= 2 && nt_dns_name_from_text(&n, (const char *)data, size / 2) == NT_OK &&
        nt_dns_name_from_text(&m, (const char *)data + size / 2, size - size / 2) == NT_OK) {
        int c1 = nt_dns_name_compare(&n, &m), c2 = nt_dns_name_compare(&m, &n);
        CHECK((c1 < 0 && c2 > 0) || (c1 > 0 && c2 < 0) || (c1 == 0 && c2 == 0));
        CHECK((c1 == 0) == nt_dns_name_equal(&n, &m));
    }
    return 0;
}
