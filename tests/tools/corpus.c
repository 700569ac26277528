/* Loads captured packets from a directory tree (corpus.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "corpus.h"
#include "nautilus/mem.h"

#ifndef NT_CORPUS_SOURCE_DIR
#define NT_CORPUS_SOURCE_DIR "."
#endif

static int ends_with_bin(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".bin") == 0;
}

static nt_status read_file(const char *path, uint8_t **out, size_t *out_len)
{
    FILE *f = NULL;
    struct stat sb;
    uint8_t *data = NULL;
    size_t n;
    nt_status st = NT_OK;

    f = fopen(path, "rb");
    if (!f)
        return NT_ERR_IO;
    if (fstat(fileno(f), &sb) != 0 || sb.st_size < 0) {
        st = NT_ERR_IO;
        goto out;
    }
    if ((unsigned long long)sb.st_size > NT_CORPUS_MAX_PACKET) {
        st = NT_ERR_CAP;
        goto out;
    }
    n = (size_t)sb.st_size;
    /* One spare byte so an empty file still gets a non-NULL pointer. */
    data = nt_malloc(n + 1);
    if (!data) {
        st = NT_ERR_NOMEM;
        goto out;
    }
    if (n && fread(data, 1, n, f) != n) {
        st = NT_ERR_IO;
        goto out;
    }
    *out = data;
    *out_len = n;
    data = NULL;
out:
    nt_free(data);
    fclose(f);
    return st;
}

static nt_status add_packet(nt_corpus *c, const char *full, const char *rel)
{
    nt_corpus_packet p = {0};
    nt_status st;

    if (c->count >= NT_CORPUS_MAX_PACKETS)
        return NT_ERR_CAP;
    if (c->count == c->alloc) {
        size_t na = c->alloc ? c->alloc * 2 : 64, bytes;
        nt_corpus_packet *np;
        if (!nt_size_mul(&bytes, na, sizeof *np))
            return NT_ERR_OVERFLOW;
        np = nt_realloc(c->packets, bytes);
        if (!np)
            return NT_ERR_NOMEM;
        c->packets = np;
        c->alloc = na;
    }
    st = read_file(full, &p.data, &p.len);
    if (st != NT_OK)
        return st;
    p.path = nt_strdup(rel);
    if (!p.path) {
        nt_free(p.data);
        return NT_ERR_NOMEM;
    }
    c->packets[c->count++] = p;
    c->total_bytes += p.len;
    return NT_OK;
}

static nt_status walk(nt_corpus *c, const char *root, const char *rel, int depth)
{
    char dir[NT_CORPUS_MAX_PATH], full[NT_CORPUS_MAX_PATH], sub[NT_CORPUS_MAX_PATH];
    DIR *d = NULL;
    struct dirent *e;
    struct stat sb;
    nt_status st = NT_OK;
    int n;

    if (depth > NT_CORPUS_MAX_DEPTH)
        return NT_ERR_CAP;
    n = rel[0] ? snprintf(dir, sizeof dir, "%s/%s", root, rel) : snprintf(dir, sizeof dir, "%s", root);
    if (n < 0 || (size_t)n >= sizeof dir)
        return NT_ERR_NOSPACE;
    d = opendir(dir);
    if (!d)
        return NT_ERR_IO;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        n = snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof full) {
            st = NT_ERR_NOSPACE;
            goto out;
        }
        n = rel[0] ? snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name)
                   : snprintf(sub, sizeof sub, "%s", e->d_name);
        if (n < 0 || (size_t)n >= sizeof sub) {
            st = NT_ERR_NOSPACE;
            goto out;
        }
        if (stat(full, &sb) != 0) {
            st = NT_ERR_IO;
            goto out;
        }
        if (S_ISDIR(sb.st_mode))
            st = walk(c, root, sub, depth + 1);
        else if (S_ISREG(sb.st_mode) && ends_with_bin(e->d_name))
            st = add_packet(c, full, sub);
        if (st != NT_OK)
            goto out;
    }
out:
    closedir(d);
    return st;
}

static int cmp_packet(const void *a, const void *b)
{
    return strcmp(((const nt_corpus_packet *)a)->path, ((const nt_corpus_packet *)b)->path);
}

nt_status nt_corpus_load(nt_corpus *c, const char *root)
{
    nt_status st = walk(c, root, "", 0);
    if (st != NT_OK) {
        nt_corpus_cleanup(c);
        return st;
    }
    if (c->count > 1)
        qsort(c->packets, c->count, sizeof c->packets[0], cmp_packet);
    return NT_OK;
}

void nt_corpus_cleanup(nt_corpus *c)
{
    size_t i;
    for (i = 0; i < c->count; i++) {
        nt_free(c->packets[i].data);
        nt_free(c->packets[i].path);
    }
    nt_free(c->packets);
    memset(c, 0, sizeof *c);
}

nt_status nt_corpus_default_root(char *out, size_t out_cap)
{
    const char *src = getenv("NT_SOURCE_DIR");
    int n;
    if (!src || !src[0])
        src = NT_CORPUS_SOURCE_DIR;
    n = snprintf(out, out_cap, "%s/tests/vectors/mdns", src);
    if (n < 0 || (size_t)n >= out_cap)
        return NT_ERR_NOSPACE;
    return NT_OK;
}
