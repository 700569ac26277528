/* The JSON-RPC 2.0 client over libcurl (nautilus/ledger.h).
 *
 * One easy handle per client, configured once: connect and total timeouts,
 * no redirects (a 3xx answer is refused), http and https only (also for
 * redirects, should one ever be followed), TLS peer and host verification,
 * no proxy unless configured (the proxy variables of the environment are
 * ignored), no compression (so a small body cannot inflate past the cap),
 * and the response body capped: a declared Content-Length above the cap is
 * refused before the body is read (CURLOPT_MAXFILESIZE_LARGE), and a body
 * without one is cut off when it passes the cap.
 *
 * Transport failures are retried with exponential backoff and equal jitter;
 * the clock and the random source are the caller's (nt_ledger_env). */
#include <curl/curl.h>
#include <string.h>

#include "core/lazy.h"
#include "ledger_int.h"
#include "nautilus/mem.h"

#define DEFAULT_CONNECT_MS 5000
#define DEFAULT_TOTAL_MS 30000
#define DEFAULT_ATTEMPTS 4
#define DEFAULT_BACKOFF_BASE_MS 250
#define DEFAULT_BACKOFF_MAX_MS 8000
#define DEFAULT_MAX_REQUEST ((size_t)1 << 20)
#define MAX_ATTEMPTS 16

struct nt_rpc_client {
    nt_rpc_config cfg;
    char *url;
    char *ca_file;
    char *proxy;
    CURL *curl;
    struct curl_slist *headers;
    nt_dynbuf body;
    bool body_over_cap;
    int64_t next_id;
    nt_rpc_stats stats;
};

void nt_rpc_config_init(nt_rpc_config *cfg, const char *url, const nt_ledger_env *env)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->url = url;
    cfg->connect_timeout_ms = DEFAULT_CONNECT_MS;
    cfg->total_timeout_ms = DEFAULT_TOTAL_MS;
    cfg->max_attempts = DEFAULT_ATTEMPTS;
    cfg->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;
    cfg->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
    cfg->max_body = NT_RPC_DEFAULT_MAX_BODY;
    cfg->max_request = DEFAULT_MAX_REQUEST;
    if (env != NULL)
        cfg->env = *env;
}

uint64_t nt_rpc_backoff_ms(const nt_rpc_config *cfg, uint32_t attempt, uint64_t random)
{
    uint64_t d = cfg->backoff_base_ms;
    uint32_t i;
    if (attempt < 2)
        return 0;
    for (i = 2; i < attempt && d < cfg->backoff_max_ms; i++)
        d *= 2;
    if (d > cfg->backoff_max_ms)
        d = cfg->backoff_max_ms;
    /* Equal jitter: half the delay fixed, half random, so that clients that
     * failed together do not come back together. */
    return d / 2 + random % (d / 2 + 1);
}

/* http(s)://host[...] only, checked with libcurl's own URL parser. */
static nt_status url_check(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    nt_status st = NT_ERR_RPC_URL;
    if (u == NULL)
        return NT_ERR_NOMEM;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host[0] != 0 &&
        (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0))
        st = NT_OK;
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return st;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
    nt_rpc_client *c = ctx;
    size_t n = size * nmemb; /* libcurl: size is always 1 */
    if (nt_dynbuf_add(&c->body, data, n) != NT_OK) {
        c->body_over_cap = true;
        return 0; /* stops the transfer: CURLE_WRITE_ERROR */
    }
    return n;
}

#define SETOPT(opt, val)                                          \
    do {                                                          \
        if (curl_easy_setopt(c->curl, opt, val) != CURLE_OK)      \
            return NT_ERR_UNSUPPORTED;                            \
    } while (0)

static nt_status handle_setup(nt_rpc_client *c)
{
    const nt_rpc_config *cfg = &c->cfg;
    SETOPT(CURLOPT_URL, c->url);
    SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
    SETOPT(CURLOPT_MAXREDIRS, 0L);
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->connect_timeout_ms);
    SETOPT(CURLOPT_TIMEOUT_MS, (long)cfg->total_timeout_ms);
    SETOPT(CURLOPT_NOSIGNAL, 1L);
    SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
    SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_file != NULL)
        SETOPT(CURLOPT_CAINFO, c->ca_file);
    SETOPT(CURLOPT_PROXY, c->proxy != NULL ? c->proxy : "");
    SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->max_body);
    SETOPT(CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(CURLOPT_WRITEDATA, (void *)c);
    SETOPT(CURLOPT_POST, 1L);
    SETOPT(CURLOPT_HTTPHEADER, c->headers);
    SETOPT(CURLOPT_USERAGENT, "nautilus-ledger");
    return NT_OK;
}

static nt_status config_copy(nt_rpc_client *c, const nt_rpc_config *cfg)
{
    c->cfg = *cfg;
    if (c->cfg.max_attempts == 0)
        c->cfg.max_attempts = 1;
    if (c->cfg.max_attempts > MAX_ATTEMPTS)
        c->cfg.max_attempts = MAX_ATTEMPTS;
    if ((c->url = nt_strdup(cfg->url)) == NULL ||
        (cfg->ca_file != NULL && (c->ca_file = nt_strdup(cfg->ca_file)) == NULL) ||
        (cfg->proxy != NULL && (c->proxy = nt_strdup(cfg->proxy)) == NULL))
        return NT_ERR_NOMEM;
    c->cfg.url = c->url;
    c->cfg.ca_file = c->ca_file;
    c->cfg.proxy = c->proxy;
    return NT_OK;
}

static nt_status headers_make(struct curl_slist **out)
{
    /* "Expect:" turns off the 100-continue round trip for larger requests. */
    static const char *const lines[] = {"Content-Type: application/json",
                                        "Accept: application/json", "Expect:"};
    struct curl_slist *h = NULL, *next;
    size_t i;
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if ((next = curl_slist_append(h, lines[i])) == NULL) {
            curl_slist_free_all(h);
            return NT_ERR_NOMEM;
        }
        h = next;
    }
    *out = h;
    return NT_OK;
}

nt_status nt_rpc_client_create(nt_rpc_client **out, const nt_rpc_config *cfg)
{
    nt_rpc_client *c;
    nt_status st;
    if (cfg->url == NULL)
        return NT_ERR_RPC_URL;
    if (cfg->env.now_ms == NULL || cfg->env.sleep_ms == NULL || cfg->env.u64 == NULL ||
        cfg->connect_timeout_ms == 0 || cfg->total_timeout_ms == 0 || cfg->max_body == 0)
        return NT_ERR_INVALID_ARG;
    /* libcurl is loaded on first use (core/lazy.h). */
    if (nt_lazy_ready(&nt_lazy_curl) != NT_OK)
        return NT_ERR_LIB_LOAD;
    /* Reference counted, and thread-safe since libcurl 7.84; paired with
     * curl_global_cleanup in nt_rpc_client_destroy. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return NT_ERR_UNSUPPORTED;
    if ((st = url_check(cfg->url)) != NT_OK) {
        curl_global_cleanup();
        return st;
    }
    if ((c = nt_calloc(1, sizeof *c)) == NULL) {
        curl_global_cleanup();
        return NT_ERR_NOMEM;
    }
    nt_dynbuf_init(&c->body, cfg->max_body);
    c->next_id = 1;
    st = config_copy(c, cfg);
    if (st == NT_OK && (c->curl = curl_easy_init()) == NULL)
        st = NT_ERR_NOMEM;
    if (st == NT_OK)
        st = headers_make(&c->headers);
    if (st == NT_OK)
        st = handle_setup(c);
    if (st != NT_OK) {
        nt_rpc_client_destroy(c);
        return st;
    }
    *out = c;
    return NT_OK;
}

void nt_rpc_client_destroy(nt_rpc_client *c)
{
    if (c == NULL)
        return;
    if (c->curl != NULL)
        curl_easy_cleanup(c->curl);
    curl_slist_free_all(c->headers);
    nt_dynbuf_cleanup(&c->body);
    nt_free(c->url);
    nt_free(c->ca_file);
    nt_free(c->proxy);
    nt_free(c);
    curl_global_cleanup();
}

const nt_rpc_config *nt_rpc_client_config(const nt_rpc_client *c)
{
    return &c->cfg;
}

void nt_rpc_client_stats(const nt_rpc_client *c, nt_rpc_stats *out)
{
    *out = c->stats;
}

/* ---- one exchange ---------------------------------------------------------- */

static nt_status curl_status(const nt_rpc_client *c, CURLcode rc)
{
    switch (rc) {
    case CURLE_OK:
        return NT_OK;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return NT_ERR_RPC_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return NT_ERR_RPC_TIMEOUT;
    case CURLE_FILESIZE_EXCEEDED:
        return NT_ERR_RPC_BODY_TOO_LARGE;
    case CURLE_WRITE_ERROR:
        return c->body_over_cap ? NT_ERR_RPC_BODY_TOO_LARGE : NT_ERR_RPC_TRANSPORT;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return NT_ERR_RPC_TLS;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return NT_ERR_RPC_URL;
    case CURLE_TOO_MANY_REDIRECTS:
        return NT_ERR_RPC_REDIRECT;
    case CURLE_OUT_OF_MEMORY:
        return NT_ERR_NOMEM;
    default:
        return NT_ERR_RPC_TRANSPORT;
    }
}

/* One HTTP POST; the body is left in c->body. */
static nt_status attempt_once(nt_rpc_client *c, const char *req, size_t req_len)
{
    long code = 0;
    CURLcode rc;
    nt_status st;
    nt_dynbuf_reset(&c->body);
    c->body_over_cap = false;
    if (curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, req) != CURLE_OK ||
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req_len) != CURLE_OK)
        return NT_ERR_UNSUPPORTED;
    rc = curl_easy_perform(c->curl);
    st = curl_status(c, rc);
    if (curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK)
        code = 0;
    c->stats.http_status = code;
    if (st != NT_OK)
        return st;
    if (code >= 300 && code < 400)
        return NT_ERR_RPC_REDIRECT;
    return code == 200 ? NT_OK : NT_ERR_RPC_HTTP_STATUS;
}

static bool retryable(const nt_rpc_client *c, nt_status st)
{
    long code = c->stats.http_status;
    if (st == NT_ERR_RPC_HTTP_STATUS)
        return code >= 500 || code == 429;
    return st == NT_ERR_RPC_CONNECT || st == NT_ERR_RPC_TIMEOUT || st == NT_ERR_RPC_TRANSPORT;
}

static nt_status exchange(nt_rpc_client *c, const char *req, size_t req_len)
{
    const nt_ledger_env *env = &c->cfg.env;
    uint32_t attempt;
    nt_status st = NT_ERR_RPC_TRANSPORT;
    memset(&c->stats, 0, sizeof c->stats);
    if (req_len > c->cfg.max_request)
        return NT_ERR_CAP;
    for (attempt = 1; attempt <= c->cfg.max_attempts; attempt++) {
        if (attempt > 1)
            env->sleep_ms(env->ctx, nt_rpc_backoff_ms(&c->cfg, attempt, env->u64(env->ctx)));
        st = attempt_once(c, req, req_len);
        c->stats.attempts = attempt;
        c->stats.last = st;
        if (!retryable(c, st))
            break;
    }
    return st;
}

/* ---- requests ------------------------------------------------------------ */

static nt_status request_object(cJSON **out, int64_t id, const char *method, const char *params)
{
    cJSON *obj = cJSON_CreateObject(), *p = NULL;
    nt_status st = NT_ERR_NOMEM;
    if (obj == NULL)
        return NT_ERR_NOMEM;
    p = params != NULL ? cJSON_Parse(params) : cJSON_CreateArray();
    if (p == NULL || !cJSON_IsArray(p)) {
        st = p == NULL && params == NULL ? NT_ERR_NOMEM : NT_ERR_INVALID_ARG;
        cJSON_Delete(p);
        goto fail;
    }
    if (cJSON_AddStringToObject(obj, "jsonrpc", "2.0") == NULL ||
        cJSON_AddNumberToObject(obj, "id", (double)id) == NULL ||
        cJSON_AddStringToObject(obj, "method", method) == NULL ||
        !cJSON_AddItemToObject(obj, "params", p)) {
        cJSON_Delete(p);
        goto fail;
    }
    *out = obj;
    return NT_OK;
fail:
    cJSON_Delete(obj);
    return st;
}

/* Sends root, parses the answer into out[0..n). */
static nt_status send_parse(nt_rpc_client *c, nt_rpc_reply *out, const int64_t *ids, size_t n,
                            bool batch, const cJSON *root)
{
    char *req = cJSON_PrintUnformatted(root);
    nt_status st;
    if (req == NULL)
        return NT_ERR_NOMEM;
    st = exchange(c, req, strlen(req));
    cJSON_free(req);
    if (st != NT_OK)
        return st;
    return nt_rpc_response_parse(out, ids, n, batch, c->body.data, c->body.len, c->cfg.max_body);
}

nt_status nt_rpc_call(nt_rpc_client *c, nt_rpc_reply *out, const char *method, const char *params)
{
    cJSON *req;
    int64_t id = c->next_id++;
    nt_status st;
    memset(out, 0, sizeof *out);
    if ((st = request_object(&req, id, method, params)) != NT_OK)
        return st;
    st = send_parse(c, out, &id, 1, false, req);
    cJSON_Delete(req);
    return st != NT_OK ? st : out->status;
}

nt_status nt_rpc_batch(nt_rpc_client *c, nt_rpc_reply *out, const nt_rpc_request *reqs, size_t n)
{
    int64_t ids[NT_RPC_MAX_BATCH];
    cJSON *arr, *obj;
    size_t i;
    nt_status st = NT_OK;
    if (n == 0 || n > NT_RPC_MAX_BATCH)
        return NT_ERR_INVALID_ARG;
    for (i = 0; i < n; i++)
        memset(&out[i], 0, sizeof out[i]);
    if ((arr = cJSON_CreateArray()) == NULL)
        return NT_ERR_NOMEM;
    for (i = 0; i < n && st == NT_OK; i++) {
        ids[i] = c->next_id++;
        st = request_object(&obj, ids[i], reqs[i].method, reqs[i].params);
        if (st == NT_OK && !cJSON_AddItemToArray(arr, obj)) {
            cJSON_Delete(obj);
            st = NT_ERR_NOMEM;
        }
    }
    if (st == NT_OK)
        st = send_parse(c, out, ids, n, true, arr);
    cJSON_Delete(arr);
    return st;
}
