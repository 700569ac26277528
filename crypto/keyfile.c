/*
 * Key files and the state directory (nautilus/crypto.h).
 *
 * A key file is short text, so an operator can see what it is without
 * printing the secret by accident:
 *
 *     nautilus-key v1
 *     type ed25519            (or secp256k1)
 *     secret <64 hex digits>
 *     public <64 hex digits>  (secp256k1: "address <40 hex digits>")
 *
 * The recorded public half lets a load tell a corrupted secret from a good
 * one. Permission checks are explicit (owner, mode) rather than left to
 * access(2), because the agent often runs as root, for whom every file is
 * readable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "nautilus/codec.h"
#include "nautilus/crypto.h"

#define KEYFILE_MAX 1024

nt_status nt_state_dir_default(char *out, size_t cap)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    int n;

    if (xdg && xdg[0] == '/')
        n = snprintf(out, cap, "%s/nautilus", xdg);
    else if (geteuid() == 0)
        n = snprintf(out, cap, "/var/lib/nautilus");
    else if (home && home[0] == '/')
        n = snprintf(out, cap, "%s/.local/state/nautilus", home);
    else
        return NT_ERR_NOT_FOUND;
    if (n < 0 || (size_t)n >= cap)
        return NT_ERR_NOSPACE;
    return NT_OK;
}

static nt_status join_path(char *out, size_t cap, const char *dir, const char *file)
{
    int n = snprintf(out, cap, "%s/%s", dir, file);
    if (n < 0 || (size_t)n >= cap)
        return NT_ERR_NOSPACE;
    return NT_OK;
}

/* The state directory must be a directory we own, readable and searchable
 * by its owner, and not writable by group or others. */
static nt_status check_state_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return NT_ERR_CRYPTO_STATE_DIR;
    if ((st.st_mode & (S_IRUSR | S_IXUSR)) != (S_IRUSR | S_IXUSR))
        return NT_ERR_CRYPTO_STATE_DIR;
    if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
        return NT_ERR_CRYPTO_KEY_PERMS;
    return NT_OK;
}

/* Reads a key file after checking it is a regular file of ours with no
 * group or other access. buf gets a NUL-terminated copy. */
static nt_status read_key_file(const char *path, char *buf, size_t cap)
{
    struct stat st;
    ssize_t n;
    size_t got = 0;
    nt_status status = NT_OK;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0) {
        if (errno == ENOENT)
            return NT_ERR_CRYPTO_KEY_MISSING;
        if (errno == ELOOP)
            return NT_ERR_CRYPTO_KEY_PERMS;
        return NT_ERR_IO;
    }
    if (fstat(fd, &st) != 0) {
        status = NT_ERR_IO;
        goto out;
    }
    if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
        status = NT_ERR_CRYPTO_KEY_PERMS;
        goto out;
    }
    while (got < cap - 1) {
        n = read(fd, buf + got, cap - 1 - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            status = NT_ERR_IO;
            goto out;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got == cap - 1) {
        status = NT_ERR_CRYPTO_KEY_FORMAT; /* far longer than any key file */
        goto out;
    }
    buf[got] = 0;
out:
    close(fd);
    if (status != NT_OK)
        sodium_memzero(buf, cap);
    return status;
}

/* Finds "<field> <value>\n" (the newline may be missing on the last line)
 * and returns the value's span. NT_ERR_CRYPTO_KEY_TRUNCATED if absent. */
static nt_status find_field(const char *text, const char *field, const char **val, size_t *len)
{
    size_t flen = strlen(field);
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t llen = end ? (size_t)(end - line) : strlen(line);
        if (llen > flen && strncmp(line, field, flen) == 0 && line[flen] == ' ') {
            *val = line + flen + 1;
            *len = llen - flen - 1;
            return NT_OK;
        }
        if (!end)
            break;
        line = end + 1;
    }
    return NT_ERR_CRYPTO_KEY_TRUNCATED;
}

/* Decodes a hex field of exactly want bytes. A short value is truncation,
 * anything else malformed. */
static nt_status hex_field(const char *text, const char *field, uint8_t *out, size_t want)
{
    const char *val;
    size_t len, got;
    nt_status st = find_field(text, field, &val, &len);
    if (st != NT_OK)
        return st;
    if (len < 2 * want)
        return NT_ERR_CRYPTO_KEY_TRUNCATED;
    if (len != 2 * want)
        return NT_ERR_CRYPTO_KEY_FORMAT;
    if (nt_hex_decode(out, want, &got, val, len) != NT_OK || got != want)
        return NT_ERR_CRYPTO_KEY_FORMAT;
    return NT_OK;
}

static nt_status check_header(const char *text, const char *type)
{
    const char *val;
    size_t len;
    static const char magic[] = "nautilus-key v1\n";
    nt_status st;
    if (strncmp(text, magic, sizeof magic - 1) != 0)
        return strlen(text) < sizeof magic - 1 && strncmp(text, magic, strlen(text)) == 0
                   ? NT_ERR_CRYPTO_KEY_TRUNCATED
                   : NT_ERR_CRYPTO_KEY_FORMAT;
    st = find_field(text, "type", &val, &len);
    if (st != NT_OK)
        return st;
    if (len != strlen(type) || strncmp(val, type, len) != 0)
        return NT_ERR_CRYPTO_KEY_FORMAT;
    return NT_OK;
}

/* Reads a key file of the given type: its 32-byte secret and the recorded
 * public half (field pub_field, pub_len bytes), which the caller compares
 * with what the secret derives. The file's text is wiped before return. */
static nt_status read_key_fields(const char *path, const char *type, const char *pub_field,
                                 uint8_t secret[32], uint8_t *pub, size_t pub_len)
{
    char text[KEYFILE_MAX];
    nt_status st = read_key_file(path, text, sizeof text);
    if (st != NT_OK)
        return st;
    if ((st = check_header(text, type)) == NT_OK &&
        (st = hex_field(text, "secret", secret, 32)) == NT_OK)
        st = hex_field(text, pub_field, pub, pub_len);
    sodium_memzero(text, sizeof text);
    if (st != NT_OK)
        sodium_memzero(secret, 32);
    return st;
}

static nt_status load_ed25519(nt_ed25519_key *key, const char *path)
{
    uint8_t seed[32], pk[32];
    nt_status st = read_key_fields(path, "ed25519", "public", seed, pk, sizeof pk);
    if (st != NT_OK)
        return st;
    st = nt_ed25519_key_from_seed(key, seed);
    if (st == NT_OK && sodium_memcmp(pk, key->pk, sizeof pk) != 0)
        st = NT_ERR_CRYPTO_KEY_CORRUPT;
    sodium_memzero(seed, sizeof seed);
    if (st != NT_OK)
        nt_ed25519_key_wipe(key);
    return st;
}

static nt_status load_secp256k1(nt_secp256k1_key *key, const char *path)
{
    uint8_t sk[32], address[20];
    nt_status st = read_key_fields(path, "secp256k1", "address", sk, address, sizeof address);
    if (st != NT_OK)
        return st;
    st = nt_secp256k1_key_from_secret(key, sk);
    if (st == NT_ERR_CRYPTO_BAD_SECRET)
        st = NT_ERR_CRYPTO_KEY_CORRUPT;
    if (st == NT_OK && sodium_memcmp(address, key->address, sizeof address) != 0)
        st = NT_ERR_CRYPTO_KEY_CORRUPT;
    sodium_memzero(sk, sizeof sk);
    if (st != NT_OK)
        nt_secp256k1_key_wipe(key);
    return st;
}

/* Writes text to path via a temporary file created 0600 and a rename, so a
 * crash never leaves a half-written key under the real name. */
static nt_status write_key_file(const char *path, const char *text, bool force)
{
    char tmp[4096];
    size_t len = strlen(text), done = 0;
    nt_status st = NT_OK;
    int fd;

    if (!force && access(path, F_OK) == 0)
        return NT_ERR_EXISTS;
    st = join_path(tmp, sizeof tmp, path, "");
    if (st != NT_OK)
        return st;
    tmp[strlen(tmp) - 1] = 0;
    if (strlen(tmp) + 5 >= sizeof tmp)
        return NT_ERR_NOSPACE;
    strcat(tmp, ".tmp");
    unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno == EACCES ? NT_ERR_PERM : NT_ERR_IO;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            st = NT_ERR_IO;
            break;
        }
        done += (size_t)n;
    }
    if (st == NT_OK && fsync(fd) != 0)
        st = NT_ERR_IO;
    if (close(fd) != 0 && st == NT_OK)
        st = NT_ERR_IO;
    if (st == NT_OK && !force && access(path, F_OK) == 0)
        st = NT_ERR_EXISTS;
    if (st == NT_OK && rename(tmp, path) != 0)
        st = NT_ERR_IO;
    if (st != NT_OK)
        unlink(tmp);
    return st;
}

static nt_status format_keys(const nt_identity *id, char *ed, size_t ed_cap, char *sec,
                             size_t sec_cap)
{
    char seed_hex[65], pk_hex[65], sk_hex[65], addr_hex[41];
    nt_status st;
    int n1, n2;

    /* libsodium's secret key is seed || public key: the seed is its first half. */
    if ((st = nt_hex_encode(seed_hex, sizeof seed_hex, id->sign.sk, 32)) != NT_OK ||
        (st = nt_hex_encode(pk_hex, sizeof pk_hex, id->sign.pk, 32)) != NT_OK ||
        (st = nt_hex_encode(sk_hex, sizeof sk_hex, id->chain.sk, 32)) != NT_OK ||
        (st = nt_hex_encode(addr_hex, sizeof addr_hex, id->chain.address, 20)) != NT_OK)
        goto out;
    n1 = snprintf(ed, ed_cap, "nautilus-key v1\ntype ed25519\nsecret %s\npublic %s\n", seed_hex,
                  pk_hex);
    n2 = snprintf(sec, sec_cap, "nautilus-key v1\ntype secp256k1\nsecret %s\naddress %s\n", sk_hex,
                  addr_hex);
    if (n1 < 0 || (size_t)n1 >= ed_cap || n2 < 0 || (size_t)n2 >= sec_cap)
        st = NT_ERR_NOSPACE;
out:
    sodium_memzero(seed_hex, sizeof seed_hex);
    sodium_memzero(sk_hex, sizeof sk_hex);
    return st;
}

nt_status nt_identity_create(nt_identity *id, const char *dir, bool force)
{
    char ed_path[4096], sec_path[4096], ed_text[KEYFILE_MAX], sec_text[KEYFILE_MAX];
    nt_status st;

    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return errno == EACCES ? NT_ERR_PERM : NT_ERR_CRYPTO_STATE_DIR;
    if ((st = check_state_dir(dir)) != NT_OK)
        return st;
    if ((st = join_path(ed_path, sizeof ed_path, dir, NT_KEYFILE_ED25519)) != NT_OK ||
        (st = join_path(sec_path, sizeof sec_path, dir, NT_KEYFILE_SECP256K1)) != NT_OK)
        return st;
    if (!force && (access(ed_path, F_OK) == 0 || access(sec_path, F_OK) == 0))
        return NT_ERR_EXISTS;
    if ((st = nt_ed25519_key_generate(&id->sign)) != NT_OK ||
        (st = nt_secp256k1_key_generate(&id->chain)) != NT_OK ||
        (st = format_keys(id, ed_text, sizeof ed_text, sec_text, sizeof sec_text)) != NT_OK ||
        (st = write_key_file(ed_path, ed_text, force)) != NT_OK ||
        (st = write_key_file(sec_path, sec_text, force)) != NT_OK)
        goto out;
out:
    sodium_memzero(ed_text, sizeof ed_text);
    sodium_memzero(sec_text, sizeof sec_text);
    if (st != NT_OK)
        nt_identity_wipe(id);
    return st;
}

nt_status nt_identity_load(nt_identity *id, const char *dir, const char **which)
{
    char path[4096];
    nt_status st;

    if (which)
        *which = dir;
    if ((st = check_state_dir(dir)) != NT_OK)
        goto out;
    if (which)
        *which = NT_KEYFILE_ED25519;
    if ((st = join_path(path, sizeof path, dir, NT_KEYFILE_ED25519)) != NT_OK ||
        (st = load_ed25519(&id->sign, path)) != NT_OK)
        goto out;
    if (which)
        *which = NT_KEYFILE_SECP256K1;
    if ((st = join_path(path, sizeof path, dir, NT_KEYFILE_SECP256K1)) != NT_OK ||
        (st = load_secp256k1(&id->chain, path)) != NT_OK)
        goto out;
out:
    if (st != NT_OK)
        nt_identity_wipe(id);
    return st;
}

void nt_identity_wipe(nt_identity *id) { sodium_memzero(id, sizeof *id); }
