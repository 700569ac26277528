/* agent/bus: CURVE key files (a Z85 secret key, mode 0600) and the list of
 * allowed client keys the ZAP handler checks. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "bus_int.h"

nt_status nt_bus_curve_key_load(char secret_z85[41], char public_z85[41], const char *path)
{
    char text[NT_BUS_Z85_KEY_LEN + 3];
    uint8_t secret[32];
    struct stat sb;
    ssize_t n;
    size_t len;
    nt_status st = NT_OK;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ELOOP ? NT_ERR_PERM : NT_ERR_IO;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return NT_ERR_PERM;
    }
    if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
        close(fd);
        return NT_ERR_PERM;
    }
    n = read(fd, text, sizeof text);
    close(fd);
    if (n < 0)
        return NT_ERR_IO;
    len = (size_t)n;
    if (len > 0 && text[len - 1] == '\n')
        len--;
    if (nt_bus_z85_key(secret, text, len) != NT_OK) {
        st = NT_ERR_BUS_CURVE_KEY;
        goto out;
    }
    memcpy(secret_z85, text, NT_BUS_Z85_KEY_LEN);
    secret_z85[NT_BUS_Z85_KEY_LEN] = 0;
    if (zmq_curve_public(public_z85, secret_z85) != 0)
        st = NT_ERR_BUS_CURVE_KEY;
out:
    sodium_memzero(text, sizeof text);
    sodium_memzero(secret, sizeof secret);
    return st;
}

nt_status nt_bus_curve_key_create(char public_z85[41], const char *path)
{
    char secret_z85[41], pub[41];
    nt_status st = nt_bus_libs_ready(NULL, 0);
    int fd;
    if (st != NT_OK)
        return st;
    if (zmq_curve_keypair(pub, secret_z85) != 0)
        return NT_ERR_UNSUPPORTED; /* libzmq built without CURVE */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        st = errno == EEXIST ? NT_ERR_EXISTS : NT_ERR_IO;
    } else {
        secret_z85[NT_BUS_Z85_KEY_LEN] = '\n';
        if (write(fd, secret_z85, NT_BUS_Z85_KEY_LEN + 1) != NT_BUS_Z85_KEY_LEN + 1)
            st = NT_ERR_IO;
        if (close(fd) != 0)
            st = NT_ERR_IO;
    }
    sodium_memzero(secret_z85, sizeof secret_z85);
    if (st == NT_OK) /* the caller's buffer changes only on success */
        memcpy(public_z85, pub, sizeof pub);
    return st;
}
