/*
 * core/lazy.h - private: shared libraries loaded on first use.
 *
 * libcurl, libzmq, SQLite and libsystemd cost 3 to 14 ms each to load and
 * initialise when a program starts (measured on the CI machine: a C program
 * that does nothing takes 1.1 ms linked against libc alone, 13.7 ms linked
 * against libcurl, 8.1 ms against libzmq, 3.1 ms against SQLite). Most
 * `nautilus` commands (browse, resolve, zk verify, decode) never touch them,
 * so the program does not name them as dependencies: each function of theirs
 * that the code calls is a small stub (made at build time by
 * nt_lazy_library() in core/lazy.cmake) that jumps through a slot. The first
 * call through any slot of a library opens it with dlopen, fills every slot
 * from dlsym, and continues into the real function with the caller's
 * arguments untouched, so the calling code is ordinary code against the
 * library's own header. DESIGN §8.2.
 *
 * A library that cannot be opened, or lacks a function, is an installation
 * fault: callers that can report it check nt_lazy_ready() first (the chain
 * client, the SQLite stores, the bus do); a call that reaches an unusable
 * library otherwise prints one line naming the library and exits with 70.
 *
 * Built without stubs (NT_LAZY_LIBS=OFF, or not x86-64) the libraries are
 * linked as usual and nt_lazy_ready() always succeeds.
 */
#ifndef NT_CORE_LAZY_H
#define NT_CORE_LAZY_H

#include <stddef.h>

#include "nautilus/status.h"

typedef struct nt_lazy_lib {
    const char *soname;            /* e.g. "libcurl.so.4" */
    const char *what;              /* what needs it, for messages */
    const char *const *names;      /* the functions, slot order */
    void **slots;                  /* where the stubs jump */
    size_t n;                      /* 0: linked directly, nothing to load */
    int state;                     /* 0 not tried, 1 loaded, -1 failed */
    char error[256];               /* why it failed */
} nt_lazy_lib;

/* The libraries with stubs (core/lazy_libs.cmake); each object exists only
 * in programs that link the matching nt_lazy_<name> target. */
extern nt_lazy_lib nt_lazy_curl;
extern nt_lazy_lib nt_lazy_sqlite3;
extern nt_lazy_lib nt_lazy_zmq;
extern nt_lazy_lib nt_lazy_systemd;
extern nt_lazy_lib nt_lazy_inih;
extern nt_lazy_lib nt_lazy_expat;
extern nt_lazy_lib nt_lazy_crypto;
extern nt_lazy_lib nt_lazy_m;

/* Loads lib if it is not loaded yet. NT_OK, or NT_ERR_LIB_LOAD with the
 * reason in lib->error (also logged once). Thread-safe. */
NT_WUR nt_status nt_lazy_ready(nt_lazy_lib *lib);

/* Called by the stubs: loads lib and returns the address of function i;
 * on failure prints one line and exits with 70 (EX_SOFTWARE). */
void *nt_lazy_resolve(nt_lazy_lib *lib, size_t i);

#endif
