/* Unit tests for crypto: Keccak-256, Ed25519/DNSKEY helpers, secp256k1
 * addresses and key files. Known answers come from outside sources, named
 * beside each vector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "nautilus/codec.h"
#include "nautilus/crypto.h"

static void hex_of(char *out, size_t cap, const uint8_t *data, size_t n)
{
    assert_int_equal(nt_hex_encode(out, cap, data, n), NT_OK);
}

static void unhex(uint8_t *out, size_t cap, const char *hex)
{
    size_t n;
    assert_int_equal(nt_hex_decode(out, cap, &n, hex, strlen(hex)), NT_OK);
    assert_int_equal(n, cap);
}

/* Keccak-256 known answers (Ethereum's keccak256, e.g. `cast keccak`). */
static void test_keccak_known(void **state)
{
    uint8_t h[32];
    char hex[65];
    (void)state;
    nt_keccak256(h, (const uint8_t *)"", 0);
    hex_of(hex, sizeof hex, h, 32);
    assert_string_equal(hex, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    nt_keccak256(h, (const uint8_t *)"abc", 3);
    hex_of(hex, sizeof hex, h, 32);
    assert_string_equal(hex, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    /* The ERC-20 Transfer event topic: keccak256 of its signature. */
    nt_keccak256(h, (const uint8_t *)"Transfer(address,address,uint256)", 33);
    hex_of(hex, sizeof hex, h, 32);
    assert_string_equal(hex, "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

/* Incremental hashing must equal one-shot hashing at every split point,
 * across the 136-byte rate boundary. */
static void test_keccak_incremental(void **state)
{
    uint8_t data[400], a[32], b[32];
    size_t i, split;
    (void)state;
    for (i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    for (split = 0; split <= sizeof data; split += 17) {
        nt_keccak256_ctx ctx;
        nt_keccak256(a, data, split);
        nt_keccak256_init(&ctx);
        for (i = 0; i < split; i += 5)
            nt_keccak256_update(&ctx, data + i, split - i < 5 ? split - i : 5);
        nt_keccak256_final(&ctx, b);
        assert_memory_equal(a, b, 32);
    }
}

/* RFC 8032 §7.1 test 1 and the RFC 8080 §6.1 DNSKEY/DS example. */
static void test_ed25519_rfc8032(void **state)
{
    uint8_t seed[32], pk[32], sig[64], want_sig[64];
    nt_ed25519_key key;
    (void)state;
    unhex(seed, 32, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    unhex(pk, 32, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    unhex(want_sig, 64,
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
          "701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    assert_int_equal(nt_ed25519_key_from_seed(&key, seed), NT_OK);
    assert_memory_equal(key.pk, pk, 32);
    assert_int_equal(nt_ed25519_sign(&key, sig, (const uint8_t *)"", 0), NT_OK);
    assert_memory_equal(sig, want_sig, 64);
    assert_int_equal(nt_ed25519_verify(pk, sig, (const uint8_t *)"", 0), NT_OK);
    sig[10] ^= 1;
    assert_int_equal(nt_ed25519_verify(pk, sig, (const uint8_t *)"", 0),
                     NT_ERR_CRYPTO_BAD_SIGNATURE);
    nt_ed25519_key_wipe(&key);
}

/* RFC 8080 §6.1: example.com. DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=
 * with key tag 3613 and DS digest type 2
 * 3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b. */
static void test_dnskey_rfc8080(void **state)
{
    static const uint8_t owner[] = "\x07" "example" "\x03" "com";
    uint8_t pk[32], rdata[36], digest[32], want[32];
    size_t n;
    static const char b64[] = "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=";
    (void)state;
    assert_int_equal(nt_base64_decode(pk, sizeof pk, &n, b64, strlen(b64)), NT_OK);
    assert_int_equal(n, 32);
    nt_dnskey_ed25519_rdata(rdata, pk);
    assert_int_equal(rdata[0], 1);
    assert_int_equal(rdata[1], 0);
    /* The RFC example is a KSK (flags 257); ours are zone keys (256). */
    rdata[1] = 1;
    assert_int_equal(nt_dnskey_key_tag(rdata, sizeof rdata), 3613);
    nt_dnskey_digest(digest, owner, sizeof owner, rdata, sizeof rdata);
    unhex(want, 32, "3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b");
    assert_memory_equal(digest, want, 32);
}

/* Addresses: the EIP-155 example key and anvil's first development account. */
static void test_secp256k1_address(void **state)
{
    uint8_t sk[32], sig[64], hash[32], rec[20];
    nt_secp256k1_key key;
    char addr[43];
    int recid;
    (void)state;
    unhex(sk, 32, "4646464646464646464646464646464646464646464646464646464646464646");
    assert_int_equal(nt_secp256k1_key_from_secret(&key, sk), NT_OK);
    nt_eth_address_format(addr, key.address);
    assert_string_equal(addr, "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F");
    unhex(sk, 32, "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    assert_int_equal(nt_secp256k1_key_from_secret(&key, sk), NT_OK);
    nt_eth_address_format(addr, key.address);
    assert_string_equal(addr, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

    nt_keccak256(hash, (const uint8_t *)"message", 7);
    assert_int_equal(nt_secp256k1_sign_recoverable(&key, sig, &recid, hash), NT_OK);
    assert_int_equal(nt_secp256k1_recover_address(rec, sig, recid, hash), NT_OK);
    assert_memory_equal(rec, key.address, 20);
    hash[0] ^= 1;
    assert_int_equal(nt_secp256k1_recover_address(rec, sig, recid, hash), NT_OK);
    assert_memory_not_equal(rec, key.address, 20);
    assert_int_equal(nt_secp256k1_recover_address(rec, sig, 7, hash), NT_ERR_CRYPTO_BAD_SIGNATURE);

    memset(sk, 0, 32);
    assert_int_equal(nt_secp256k1_key_from_secret(&key, sk), NT_ERR_CRYPTO_BAD_SECRET);
    /* The group order n itself is out of range. */
    unhex(sk, 32, "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    assert_int_equal(nt_secp256k1_key_from_secret(&key, sk), NT_ERR_CRYPTO_BAD_SECRET);
}

/* ---- key files --------------------------------------------------------- */

static char tmpdir[256];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nt-crypto-test-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    char cmd[300];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *out, size_t cap, const char *file)
{
    snprintf(out, cap, "%s/state/%s", tmpdir, file);
}

static void write_text(const char *file, const char *text, mode_t mode)
{
    char p[512];
    FILE *f;
    path_of(p, sizeof p, file);
    unlink(p);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(p, mode), 0);
}

static char *read_text(const char *file)
{
    static char buf[2048];
    char p[512];
    size_t n;
    FILE *f;
    path_of(p, sizeof p, file);
    f = fopen(p, "r");
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void test_identity_roundtrip(void **state)
{
    char dir[512], p[512], saved_ed[2048];
    nt_identity a, b;
    struct stat st;
    const char *which;
    (void)state;
    snprintf(dir, sizeof dir, "%s/state", tmpdir);

    assert_int_equal(nt_identity_load(&a, dir, &which), NT_ERR_CRYPTO_STATE_DIR);
    assert_int_equal(nt_identity_create(&a, dir, false), NT_OK);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    path_of(p, sizeof p, NT_KEYFILE_ED25519);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    assert_int_equal(nt_identity_load(&b, dir, &which), NT_OK);
    assert_memory_equal(a.sign.pk, b.sign.pk, 32);
    assert_memory_equal(a.chain.address, b.chain.address, 20);

    /* Never overwritten without force. */
    assert_int_equal(nt_identity_create(&b, dir, false), NT_ERR_EXISTS);
    assert_int_equal(nt_identity_load(&b, dir, &which), NT_OK);
    assert_memory_equal(a.sign.pk, b.sign.pk, 32);
    strcpy(saved_ed, read_text(NT_KEYFILE_ED25519));
    assert_int_equal(nt_identity_create(&b, dir, true), NT_OK);
    assert_memory_not_equal(a.sign.pk, b.sign.pk, 32);

    /* Permissions: group- or world-readable keys are refused. */
    write_text(NT_KEYFILE_ED25519, saved_ed, 0644);
    assert_int_equal(nt_identity_load(&b, dir, &which), NT_ERR_CRYPTO_KEY_PERMS);
    assert_string_equal(which, NT_KEYFILE_ED25519);
    write_text(NT_KEYFILE_ED25519, saved_ed, 0600);
    assert_int_equal(nt_identity_load(&b, dir, &which), NT_OK);
    assert_memory_equal(a.sign.pk, b.sign.pk, 32);

    /* A symlink in place of the key is refused. */
    path_of(p, sizeof p, "link.key");
    {
        char target[512];
        path_of(target, sizeof target, NT_KEYFILE_ED25519);
        assert_int_equal(rename(target, p), 0);
        assert_int_equal(symlink(p, target), 0);
        assert_int_equal(nt_identity_load(&b, dir, &which), NT_ERR_CRYPTO_KEY_PERMS);
        unlink(target);
        assert_int_equal(rename(p, target), 0);
    }

    /* Truncated: cut inside the secret line, and cut before it. */
    {
        char cut[2048];
        size_t len = strlen(saved_ed);
        memcpy(cut, saved_ed, len - 40);
        cut[len - 40] = 0;
        write_text(NT_KEYFILE_ED25519, cut, 0600);
        assert_int_equal(nt_identity_load(&b, dir, &which), NT_ERR_CRYPTO_KEY_TRUNCATED);
        write_text(NT_KEYFILE_ED25519, "nautilus-k", 0600);
        assert_int_equal(nt_identity_load(&b, dir, &which), NT_ERR_CRYPTO_KEY_TRUNCATED);
        write_text(NT_KEYFILE_ED25519, "", 0600);
        assert_int_equal(nt_identity_load(&b, dir, &which), NT_ERR_CRYPTO_KEY_TRUNCATED);
    }
    /* Corrupted: a flipped secret digit no longer matches the public key;
     * a non-hex digit is malformed. */
    {
        char bad[2048];
        char *sec;
        strcpy(bad, saved_ed);
        sec = strstr(bad, "secret ") + 7;
        sec[3] = sec[3] == '0' ? '1' : '0';
        write_text(NT_KEYFILE_ED25519, bad, 0600);
        assert_int_equal(nt_identity_load(&b, dir, &which), NT_ERR_CRYPTO_KEY_CORRUPT);
        sec[3] = 'z';
        write_text(NT_KEYFILE_ED25519, bad, 0600);
        assert_int_equal(nt_identity_load(&b, dir, &which), NT_ERR_CRYPTO_KEY_FORMAT);
        write_text(NT_KEYFILE_ED25519, "\x7f" "ELF garbage\n", 0600);
        assert_int_equal(nt_identity_load(&b, dir, &which), NT_ERR_CRYPTO_KEY_FORMAT);
    }
    /* Missing key file. */
    path_of(p, sizeof p, NT_KEYFILE_ED25519);
    unlink(p);
    assert_int_equal(nt_identity_load(&b, dir, &which), NT_ERR_CRYPTO_KEY_MISSING);

    /* An unreadable state directory (checked by mode, since root reads all). */
    assert_int_equal(chmod(dir, 0000), 0);
    assert_int_equal(nt_identity_load(&b, dir, &which), NT_ERR_CRYPTO_STATE_DIR);
    assert_int_equal(chmod(dir, 0700), 0);
    nt_identity_wipe(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keccak_known),
        cmocka_unit_test(test_keccak_incremental),
        cmocka_unit_test(test_ed25519_rfc8032),
        cmocka_unit_test(test_dnskey_rfc8080),
        cmocka_unit_test(test_secp256k1_address),
        cmocka_unit_test_setup_teardown(test_identity_roundtrip, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
