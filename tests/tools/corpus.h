/*
 * tests/tools/corpus.h - loads a directory tree of captured packets (one
 * UDP payload per *.bin file, as tests/vectors/mdns/<peer>/ holds them) into
 * memory, for the corpus round-trip test and the benchmark program.
 *
 * Test and benchmark code only: not part of the agent.
 */
#ifndef NAUTILUS_TESTS_CORPUS_H
#define NAUTILUS_TESTS_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "nautilus/status.h"

/* Caps: a UDP payload cannot exceed 65535 bytes (RFC 768), a corpus this
 * large is far more than any capture we keep, and directory nesting deeper
 * than a few levels means a symlink loop or a wrong path. */
#define NT_CORPUS_MAX_PACKET 65535u
#define NT_CORPUS_MAX_PACKETS 100000u
#define NT_CORPUS_MAX_DEPTH 8
#define NT_CORPUS_MAX_PATH 1024u

typedef struct nt_corpus_packet {
    uint8_t *data;
    size_t len;
    char *path;  /* file name relative to the corpus root */
} nt_corpus_packet;

typedef struct nt_corpus {
    nt_corpus_packet *packets;  /* sorted by path, so runs are repeatable */
    size_t count;
    size_t alloc;
    size_t total_bytes;
} nt_corpus;

/* Loads every regular file whose name ends in ".bin" under root (recursing
 * into sub-directories). c must be zeroed (or freshly cleaned up); on failure
 * it is left empty. NT_ERR_IO if root or a file cannot be read, NT_ERR_CAP
 * past one of the caps above, NT_ERR_NOMEM. An empty tree loads as count 0. */
NT_WUR nt_status nt_corpus_load(nt_corpus *c, const char *root);

/* Frees everything c holds and zeroes it. */
void nt_corpus_cleanup(nt_corpus *c);

/* Writes "<NT_SOURCE_DIR>/tests/vectors/mdns" into out: from the environment
 * variable NT_SOURCE_DIR when set, else from the source directory compiled
 * in as NT_CORPUS_SOURCE_DIR. NT_ERR_NOSPACE if it does not fit. */
NT_WUR nt_status nt_corpus_default_root(char *out, size_t out_cap);

#endif
