/* agent/bus: the ZAP handler (ZeroMQ RFC 27) and its list of allowed keys. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <zmq.h>

#include "bus_int.h"
#include "nautilus/mem.h"
#include "pub_zap.h"

static nt_status list_add(nt_bus_zap_list *l, const uint8_t key[32])
{
    uint8_t (*grown)[32];
    if (l->n == NT_BUS_ALLOW_MAX)
        return NT_ERR_CAP;
    grown = nt_realloc(l->keys, (l->n + 1) * sizeof *l->keys);
    if (!grown)
        return NT_ERR_NOMEM;
    l->keys = grown;
    memcpy(l->keys[l->n++], key, 32);
    return NT_OK;
}

nt_status nt_bus_zap_list_load(nt_bus_zap_list *l, const char *path, unsigned *bad_line)
{
    char line[256];
    unsigned no = 0;
    nt_status st = NT_OK;
    FILE *f = fopen(path, "r");
    memset(l, 0, sizeof *l);
    *bad_line = 0;
    if (!f)
        return NT_ERR_IO;
    while (st == NT_OK && fgets(line, sizeof line, f)) {
        /* '#' is a Z85 digit: a comment is a line that starts with it */
        size_t len = line[0] == '#' ? 0 : strcspn(line, "\r\n");
        uint8_t key[32];
        no++;
        if (!strchr(line, '\n') && !feof(f)) {
            st = NT_ERR_BUS_CURVE_KEY; /* longer than any key line */
            break;
        }
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
        if (len == 0)
            continue;
        st = nt_bus_z85_key(key, line, len);
        if (st == NT_OK)
            st = list_add(l, key);
    }
    if (st == NT_OK && ferror(f))
        st = NT_ERR_IO;
    fclose(f);
    if (st != NT_OK) {
        *bad_line = no;
        nt_bus_zap_list_cleanup(l);
    }
    return st;
}

void nt_bus_zap_list_cleanup(nt_bus_zap_list *l)
{
    nt_free(l->keys);
    memset(l, 0, sizeof *l);
}

static bool allowed(const nt_bus_zap_list *l, const zmq_msg_t *cred)
{
    size_t i;
    if (zmq_msg_size((zmq_msg_t *)cred) != 32)
        return false;
    for (i = 0; i < l->n; i++)
        if (sodium_memcmp(l->keys[i], zmq_msg_data((zmq_msg_t *)cred), 32) == 0)
            return true;
    return false;
}

static bool frame_is(zmq_msg_t *m, const char *text)
{
    return zmq_msg_size(m) == strlen(text) && memcmp(zmq_msg_data(m), text, strlen(text)) == 0;
}

/* Request: version, request id, domain, address, identity, mechanism,
 * credentials (CURVE: the client's 32-byte public key). Reply: version,
 * request id, status code, status text, user id, metadata. */
void nt_bus_zap_serve(void *rep, const nt_bus_zap_list *l, bool *denied)
{
    zmq_msg_t f[8];
    size_t n = 0;
    int more = 1;
    bool ok;
    const char *code;
    *denied = false;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, rep, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            break;
        }
        more = zmq_msg_more(&m);
        if (n < 8)
            f[n++] = m;
        else
            zmq_msg_close(&m);
    }
    if (n < 2) { /* not even a request id: a REP must still answer */
        while (n)
            zmq_msg_close(&f[--n]);
        zmq_send(rep, "1.0", 3, ZMQ_SNDMORE);
        zmq_send(rep, "", 0, ZMQ_SNDMORE);
        zmq_send(rep, "400", 3, ZMQ_SNDMORE);
        zmq_send(rep, "bad request", 11, ZMQ_SNDMORE);
        zmq_send(rep, "", 0, ZMQ_SNDMORE);
        zmq_send(rep, "", 0, 0);
        *denied = true;
        return;
    }
    ok = n == 7 && frame_is(&f[0], "1.0") && frame_is(&f[5], "CURVE") && allowed(l, &f[6]);
    code = ok ? "200" : "400";
    *denied = !ok;
    zmq_send(rep, "1.0", 3, ZMQ_SNDMORE);
    zmq_send(rep, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), ZMQ_SNDMORE);
    zmq_send(rep, code, 3, ZMQ_SNDMORE);
    zmq_send(rep, ok ? "OK" : "key not allowed", ok ? 2 : 15, ZMQ_SNDMORE);
    zmq_send(rep, "", 0, ZMQ_SNDMORE);
    zmq_send(rep, "", 0, 0);
    while (n)
        zmq_msg_close(&f[--n]);
}
