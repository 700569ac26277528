/* Shared libraries loaded on first use (core/lazy.h, DESIGN §8.2). */
#include "core/lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nautilus/log.h"

static pthread_mutex_t lazy_lock = PTHREAD_MUTEX_INITIALIZER;

/* Opens lib and fills a private table first, so that no slot points into
 * a library that turned out to lack one of its functions; the slots are
 * then published one by one (the stubs read them without a lock: a stale
 * slot still leads here, and the second call finds the library loaded). */
static void load_locked(nt_lazy_lib *lib)
{
    void *handle, **found;
    size_t i;

    handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(lib->error, sizeof lib->error, "%s", why != NULL ? why : "dlopen failed");
        lib->state = -1;
        return;
    }
    found = calloc(lib->n, sizeof *found);
    if (found == NULL) {
        snprintf(lib->error, sizeof lib->error, "out of memory");
        dlclose(handle);
        lib->state = -1;
        return;
    }
    for (i = 0; i < lib->n; i++) {
        found[i] = dlsym(handle, lib->names[i]);
        if (found[i] == NULL) {
            snprintf(lib->error, sizeof lib->error, "%s has no function %s", lib->soname,
                     lib->names[i]);
            free(found);
            dlclose(handle);
            lib->state = -1;
            return;
        }
    }
    for (i = 0; i < lib->n; i++)
        __atomic_store_n(&lib->slots[i], found[i], __ATOMIC_RELEASE);
    free(found);
    lib->state = 1; /* the handle stays open for the life of the process */
}

nt_status nt_lazy_ready(nt_lazy_lib *lib)
{
    int state;
    if (lib->n == 0)
        return NT_OK;
    state = __atomic_load_n(&lib->state, __ATOMIC_ACQUIRE);
    if (state == 0) {
        pthread_mutex_lock(&lazy_lock);
        if (lib->state == 0) {
            load_locked(lib);
            if (lib->state < 0)
                nt_log(NT_LOG_ERROR, "lazy", "cannot load %s (needed for %s): %s", lib->soname,
                       lib->what, lib->error);
        }
        state = lib->state;
        pthread_mutex_unlock(&lazy_lock);
    }
    return state > 0 ? NT_OK : NT_ERR_LIB_LOAD;
}

void *nt_lazy_resolve(nt_lazy_lib *lib, size_t i)
{
    if (nt_lazy_ready(lib) != NT_OK || i >= lib->n) {
        /* Nothing sensible can be returned into the caller's frame. */
        fprintf(stderr, "nautilus: cannot load %s (needed for %s): %s\n", lib->soname,
                lib->what, lib->error);
        _exit(70);
    }
    return __atomic_load_n(&lib->slots[i], __ATOMIC_ACQUIRE);
}
