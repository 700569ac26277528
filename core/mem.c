/* Allocation wrappers with a failure hook for tests (nautilus/mem.h). */
#include <stdlib.h>
#include <string.h>

#include "nautilus/mem.h"

/* The hook is process-wide and meant for single-threaded tests only. */
static long fail_after = -1;

static int should_fail(void)
{
    if (fail_after < 0)
        return 0;
    if (fail_after == 0)
        return 1;
    fail_after--;
    return 0;
}

void *nt_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *nt_calloc(size_t n, size_t size)
{
    size_t total;
    if (!nt_size_mul(&total, n, size) || should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *nt_realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void nt_free(void *ptr) { free(ptr); }

char *nt_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = nt_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void nt_mem_fail_after(long n) { fail_after = n; }
void nt_mem_fail_reset(void) { fail_after = -1; }
