/*
 * `zk prove` once its options are read (zk_run.h): the credential, the
 * circuit input, the snarkjs setup and prover run as children (no shell),
 * and our own verifier's check of what they wrote.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "zk_run.h"

#define N_ATTR NT_ZK_DISCLOSURE_ATTRS
#define DEC_MAX NT_ZK_RUN_DEC_MAX
#define PATH_CAP 4096
#define SETUP_OUT_CAP 4096

/* The value of a big-endian integer that fits in 64 bits, else false. */
static bool b32_to_u64(uint64_t *out, const uint8_t in[32])
{
    uint64_t v = 0;
    size_t i;
    for (i = 0; i < 24; i++)
        if (in[i] != 0)
            return false;
    for (i = 24; i < 32; i++)
        v = (v << 8) | in[i];
    *out = v;
    return true;
}

/* Runs argv as a child (no shell). With out != NULL its stdout is captured
 * into out[0..cap) (NUL-terminated, trailing newline removed). Returns the
 * exit status, or -1 if it could not run or died from a signal. */
static int run_child(char *const *argv, char *out, size_t cap)
{
    int fds[2] = {-1, -1}, status;
    size_t len = 0;
    ssize_t n;
    pid_t pid;

    if (out && pipe(fds) != 0)
        return -1;
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        if (out) {
            close(fds[0]);
            close(fds[1]);
        }
        return -1;
    }
    if (pid == 0) {
        if (out) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
        } else {
            /* snarkjs progress goes to stderr, keep our stdout clean. */
            dup2(STDERR_FILENO, STDOUT_FILENO);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    if (out) {
        close(fds[1]);
        while ((n = read(fds[0], out + len, cap - 1 - len)) > 0) {
            len += (size_t)n;
            if (len == cap - 1)
                break;
        }
        close(fds[0]);
        out[len] = 0;
        while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
            out[--len] = 0;
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Writes the circuit input (proofs/circuits/disclosure.circom). */
static int write_input(const char *path, const nt_zk_cred *cred, const uint8_t kb[32],
                       const uint8_t c[32])
{
    char d[DEC_MAX + 1];
    FILE *f = fopen(path, "w");
    size_t i;
    int bad;

    if (!f)
        return nt_cli_usage_error("zk prove: %s: cannot write: %s", path, strerror(errno));
    fputs("{\n \"attr\": [", f);
    for (i = 0; i < N_ATTR; i++) {
        nt_zk_run_b32_to_dec(d, cred->attr[i]);
        fprintf(f, "%s\"%s\"", i ? ", " : "", d);
    }
    nt_zk_run_b32_to_dec(d, cred->salt);
    fprintf(f, "],\n \"salt\": \"%s\",\n", d);
    nt_zk_run_b32_to_dec(d, c);
    fprintf(f, " \"commitment\": \"%s\",\n", d);
    nt_zk_run_b32_to_dec(d, kb);
    fprintf(f, " \"keyBinding\": \"%s\",\n \"mask\": [", d);
    for (i = 0; i < N_ATTR; i++)
        fprintf(f, "%s\"%u\"", i ? ", " : "", cred->mask[i]);
    nt_zk_run_b32_to_dec(d, cred->threshold);
    fprintf(f, "],\n \"idx\": \"%ld\",\n \"threshold\": \"%s\"\n}\n", cred->idx, d);
    bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return nt_cli_usage_error("zk prove: %s: write failed", path);
    return NT_EXIT_OK;
}

/* The credential, complete for proving, with its keyBinding and
 * commitment; exit 1 if it does not meet its own threshold claim. */
static int prove_cred(const nt_zk_prove_args *a, nt_zk_cred *cred, uint8_t kb[32], uint8_t c[32])
{
    uint64_t value, threshold;
    int rc;

    memset(cred, 0, sizeof *cred);
    rc = nt_zk_cred_load(cred, a->cred_path);
    if (rc != NT_EXIT_OK)
        return rc;
    if (a->digest_hex) {
        if (nt_zk_run_parse_digest(cred->digest, a->digest_hex) != NT_OK)
            return nt_cli_usage_error("zk prove: --key-digest: want 64 hex digits");
        cred->have_digest = true;
    }
    if (!cred->have_attr || !cred->have_salt || !cred->have_digest || !cred->have_claim)
        return nt_cli_usage_error("zk prove: %s: need attributes, salt, keyDigest, mask, idx, threshold",
                                  a->cred_path);
    rc = nt_zk_cred_commit(cred, a->cred_path, kb, c);
    if (rc != NT_EXIT_OK)
        return rc;
    if (!b32_to_u64(&threshold, cred->threshold))
        return nt_cli_usage_error("zk prove: %s: threshold is >= 2^64", a->cred_path);
    /* nt_zk_cred_commit checked every attribute is < 2^64. */
    if (!b32_to_u64(&value, cred->attr[cred->idx]) || value < threshold)
        return nt_cli_fail(NT_EXIT_NEGATIVE, "zk prove: %s: attribute %ld is below the threshold; "
                           "no proof exists", a->cred_path, cred->idx);
    return NT_EXIT_OK;
}

typedef struct prove_paths {
    char script[PATH_CAP], setup_script[PATH_CAP], input[PATH_CAP];
    char vk[PATH_CAP], proof[PATH_CAP], pub[PATH_CAP];
} prove_paths;

static int prove_paths_make(prove_paths *p, const nt_zk_prove_args *a)
{
    if (mkdir(a->outdir, 0755) != 0 && errno != EEXIST)
        return nt_cli_usage_error("zk prove: %s: %s", a->outdir, strerror(errno));
    if ((size_t)snprintf(p->input, sizeof p->input, "%s/input.json", a->outdir) >= sizeof p->input ||
        (size_t)snprintf(p->proof, sizeof p->proof, "%s/proof.json", a->outdir) >= sizeof p->proof ||
        (size_t)snprintf(p->pub, sizeof p->pub, "%s/public.json", a->outdir) >= sizeof p->pub ||
        (size_t)snprintf(p->script, sizeof p->script, "%s/scripts/prove.sh", a->proofs) >=
            sizeof p->script ||
        (size_t)snprintf(p->setup_script, sizeof p->setup_script, "%s/scripts/setup.sh",
                         a->proofs) >= sizeof p->setup_script)
        return nt_cli_usage_error("zk prove: path too long");
    if (access(p->script, R_OK) != 0)
        return nt_cli_usage_error("zk prove: %s: %s (use --proofs DIR)", p->script, strerror(errno));
    return NT_EXIT_OK;
}

int nt_zk_run_prove(const nt_zk_prove_args *a)
{
    char setup[SETUP_OUT_CAP];
    const char *files[3];
    nt_zk_verify_opts o;
    nt_zk_cred cred;
    prove_paths p;
    uint8_t kb[32], c[32];
    int rc;

    rc = prove_cred(a, &cred, kb, c);
    if (rc == NT_EXIT_OK)
        rc = prove_paths_make(&p, a);
    if (rc == NT_EXIT_OK)
        rc = write_input(p.input, &cred, kb, c);
    if (rc != NT_EXIT_OK)
        return rc;
    {
        char *setup_argv[] = {"bash", p.setup_script, (char *)a->setup, NULL};
        char *prove_argv[] = {"bash", p.script, p.input, (char *)a->outdir, (char *)a->setup, NULL};
        if (run_child(setup_argv, setup, sizeof setup) != 0 || setup[0] == 0)
            return nt_cli_usage_error("zk prove: the setup script failed (%s)", p.setup_script);
        if (run_child(prove_argv, NULL, 0) != 0)
            return nt_cli_usage_error("zk prove: the snarkjs prover failed (%s)", p.script);
    }
    if ((size_t)snprintf(p.vk, sizeof p.vk, "%s/verification_key.json", setup) >= sizeof p.vk)
        return nt_cli_usage_error("zk prove: path too long");
    /* Check what snarkjs wrote with our own verifier before handing it out. */
    memset(&o, 0, sizeof o);
    o.quiet = true;
    o.have_digest = true;
    memcpy(o.digest, cred.digest, 32);
    o.have_commitment = true;
    memcpy(o.commitment, c, 32);
    files[0] = p.vk;
    files[1] = p.proof;
    files[2] = p.pub;
    rc = nt_zk_run_verify_files(&o, files);
    if (rc != NT_EXIT_OK)
        return nt_cli_fail(rc, "zk prove: the new proof does not verify");
    printf("proof %s\npublic %s\nverification_key %s\n", p.proof, p.pub, p.vk);
    return NT_EXIT_OK;
}
