/*
 * nautilus/mem.h - allocation wrappers and overflow-checked size arithmetic.
 *
 * All heap allocation in the project goes through nt_malloc and friends so
 * that tests can make the n-th allocation fail (nt_mem_fail_after) and check
 * that every error path frees what it took.
 */
#ifndef NAUTILUS_MEM_H
#define NAUTILUS_MEM_H

#include <stdbool.h>
#include <stddef.h>

#include "nautilus/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* malloc/calloc/realloc/free with the failure hook below. nt_calloc checks
 * n * size for overflow and returns NULL when it would. */
NT_API void *nt_malloc(size_t size);
NT_API void *nt_calloc(size_t n, size_t size);
NT_API void *nt_realloc(void *ptr, size_t size);
NT_API void nt_free(void *ptr);

/* Copies a NUL-terminated string; NULL on allocation failure. */
NT_API char *nt_strdup(const char *s);

/* Test hook: after n more successful allocations, every allocation fails
 * until nt_mem_fail_reset(). n < 0 disables the hook (the default). */
NT_API void nt_mem_fail_after(long n);
NT_API void nt_mem_fail_reset(void);

/* *out = a + b, or false (and *out untouched) on overflow. */
static inline bool nt_size_add(size_t *out, size_t a, size_t b)
{
    if (a > (size_t)-1 - b)
        return false;
    *out = a + b;
    return true;
}

/* *out = a * b, or false (and *out untouched) on overflow. */
static inline bool nt_size_mul(size_t *out, size_t a, size_t b)
{
    if (a != 0 && b > (size_t)-1 / a)
        return false;
    *out = a * b;
    return true;
}

#ifdef __cplusplus
}
#endif
#endif
