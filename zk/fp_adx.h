/*
 * zk/fp_adx.h - private: BN254 Fp products with the BMI2/ADX instructions
 * (mulx, adcx, adox: two independent carry chains), used when the CPU has
 * them (checked once at run time, nt_fp_adx). Included through fp.h (it
 * needs nt_fp), so that nt_fp_mul inlines the ADX product everywhere. The
 * portable C versions in mont.h / tower.c compute the same values; tests
 * run both (nt_fp_set_adx).
 */
#ifndef NT_ZK_FP_ADX_H
#define NT_ZK_FP_ADX_H

/* Included by fp.h after the definition of nt_fp. */
#include <stdbool.h>
#include <stdint.h>

#include "zk/mont.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(NT_ZK_PORTABLE)
#define NT_FP_HAVE_ADX_CODE 1

/* The sum-of-products sequences below are single asm statements whose
 * template strings run past the 4,095 characters C99 promises; GCC and
 * clang both take them, but clang's -Wpedantic says so, which fails an
 * NT_WERROR build. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Woverlength-strings"
#endif

/* The five accumulator words are named by the caller, so that each row
 * and reduction step can rename them (t1..t4 become the next t0..t3, the
 * freed t0 the next top word) instead of moving four words per step. */

/* One row of CIOS: (T0..T3, T4) += a * b[I]; then the reduction step.
 * T4 is zero on entry: the first row's is set so, and every later one is
 * the word the previous reduction step cleared. */
#define NT_FP_ADX_ROW(I, T0, T1, T2, T3, T4)                                  \
    "movq " #I "(%[b]), %%rdx\n\t"                                             \
    "xorl %%eax, %%eax\n\t"                                                    \
    "mulxq 0(%[a]), %[lo], %[hi]\n\t"                                          \
    "adcxq %[lo], %[" #T0 "]\n\t"                                              \
    "adoxq %[hi], %[" #T1 "]\n\t"                                              \
    "mulxq 8(%[a]), %[lo], %[hi]\n\t"                                          \
    "adcxq %[lo], %[" #T1 "]\n\t"                                              \
    "adoxq %[hi], %[" #T2 "]\n\t"                                              \
    "mulxq 16(%[a]), %[lo], %[hi]\n\t"                                         \
    "adcxq %[lo], %[" #T2 "]\n\t"                                              \
    "adoxq %[hi], %[" #T3 "]\n\t"                                              \
    "mulxq 24(%[a]), %[lo], %[hi]\n\t"                                         \
    "adcxq %[lo], %[" #T3 "]\n\t"                                              \
    "adoxq %[hi], %[" #T4 "]\n\t"                                              \
    "adcxq %%rax, %[" #T4 "]\n\t"                                              \
    NT_FP_ADX_REDUCE_STEP(T0, T1, T2, T3, T4)

/* (T1..T4) = (T0..T4 + k p) / 2^64 with k = T0 * (-p^-1) mod 2^64 (T0
 * becomes 0 and is free afterwards). */
#define NT_FP_ADX_REDUCE_STEP(T0, T1, T2, T3, T4)                              \
    "movq %[" #T0 "], %%rdx\n\t"                                               \
    "imulq %[inv], %%rdx\n\t"                                                  \
    "xorl %%eax, %%eax\n\t"                                                    \
    "mulxq 0(%[m]), %[lo], %[hi]\n\t"                                          \
    "adcxq %[lo], %[" #T0 "]\n\t"                                              \
    "adoxq %[hi], %[" #T1 "]\n\t"                                              \
    "mulxq 8(%[m]), %[lo], %[hi]\n\t"                                          \
    "adcxq %[lo], %[" #T1 "]\n\t"                                              \
    "adoxq %[hi], %[" #T2 "]\n\t"                                              \
    "mulxq 16(%[m]), %[lo], %[hi]\n\t"                                         \
    "adcxq %[lo], %[" #T2 "]\n\t"                                              \
    "adoxq %[hi], %[" #T3 "]\n\t"                                              \
    "mulxq 24(%[m]), %[lo], %[hi]\n\t"                                         \
    "adcxq %[lo], %[" #T3 "]\n\t"                                              \
    "adoxq %[hi], %[" #T4 "]\n\t"                                              \
    "adcxq %%rax, %[" #T4 "]\n\t"

/* (R0..R3) -= p when that does not go negative (R < 2p): a copy in lo, hi,
 * rax, rdx, the subtraction, and cmov back, without a branch. */
#define NT_FP_ADX_FINAL(R0, R1, R2, R3)                                        \
    "movq %[" #R0 "], %[lo]\n\t"                                               \
    "subq 0(%[m]), %[lo]\n\t"                                                  \
    "movq %[" #R1 "], %[hi]\n\t"                                               \
    "sbbq 8(%[m]), %[hi]\n\t"                                                  \
    "movq %[" #R2 "], %%rax\n\t"                                               \
    "sbbq 16(%[m]), %%rax\n\t"                                                 \
    "movq %[" #R3 "], %%rdx\n\t"                                               \
    "sbbq 24(%[m]), %%rdx\n\t"                                                 \
    "cmovncq %[lo], %[" #R0 "]\n\t"                                            \
    "cmovncq %[hi], %[" #R1 "]\n\t"                                            \
    "cmovncq %%rax, %[" #R2 "]\n\t"                                            \
    "cmovncq %%rdx, %[" #R3 "]\n\t"

/* r = a b 2^-256 mod p (CIOS; p < 2^254 keeps every row within 5 words). */
static inline void nt_fp_mul_adx(nt_fp *r, const nt_fp *x, const nt_fp *y)
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, lo, hi;
    /* after four renamings the result sits in t4, t0, t1, t2 */
    __asm__(NT_FP_ADX_ROW(0, t0, t1, t2, t3, t4) NT_FP_ADX_ROW(8, t1, t2, t3, t4, t0)
            NT_FP_ADX_ROW(16, t2, t3, t4, t0, t1) NT_FP_ADX_ROW(24, t3, t4, t0, t1, t2)
            NT_FP_ADX_FINAL(t4, t0, t1, t2)
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4),
              [lo] "=&r"(lo), [hi] "=&r"(hi)
            : [a] "r"(x->v), [b] "r"(y->v), [m] "r"(nt_fp_p), [inv] "r"(NT_FP_INV)
            : "rax", "rdx", "cc", "memory");
    r->v[0] = t4;
    r->v[1] = t0;
    r->v[2] = t1;
    r->v[3] = t2;
}

/* r = a + b mod p for a, b < p: the sum (below 2p < 2^255), then the
 * conditional subtraction of p (sbb, cmov). On raw limbs (r may be a). */
static inline NT_MONT_INLINE void nt_u256_addmod_adx(uint64_t r[4], const uint64_t x[4],
                                                     const uint64_t y[4])
{
    uint64_t t0, t1, t2, t3, lo, hi;
    __asm__("movq 0(%[a]), %[t0]\n\t"
            "addq 0(%[b]), %[t0]\n\t"
            "movq 8(%[a]), %[t1]\n\t"
            "adcq 8(%[b]), %[t1]\n\t"
            "movq 16(%[a]), %[t2]\n\t"
            "adcq 16(%[b]), %[t2]\n\t"
            "movq 24(%[a]), %[t3]\n\t"
            "adcq 24(%[b]), %[t3]\n\t"
            NT_FP_ADX_FINAL(t0, t1, t2, t3)
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [lo] "=&r"(lo),
              [hi] "=&r"(hi)
            : [a] "r"(x), [b] "r"(y), [m] "r"(nt_fp_p)
            : "rax", "rdx", "cc", "memory");
    r[0] = t0;
    r[1] = t1;
    r[2] = t2;
    r[3] = t3;
}

static inline NT_MONT_INLINE void nt_fp_add_adx(nt_fp *r, const nt_fp *x, const nt_fp *y)
{
    nt_u256_addmod_adx(r->v, x->v, y->v);
}

/* r = a - b mod p for a, b < p: the difference, and p added back under
 * the borrow's mask. */
static inline NT_MONT_INLINE void nt_u256_submod_adx(uint64_t r[4], const uint64_t x[4],
                                                     const uint64_t y[4]);
static inline NT_MONT_INLINE void nt_fp_sub_adx(nt_fp *r, const nt_fp *x, const nt_fp *y)
{
    nt_u256_submod_adx(r->v, x->v, y->v);
}
static inline NT_MONT_INLINE void nt_u256_submod_adx(uint64_t r[4], const uint64_t x[4],
                                                     const uint64_t y[4])
{
    uint64_t t0, t1, t2, t3, lo, hi;
    __asm__("movq 0(%[a]), %[t0]\n\t"
            "subq 0(%[b]), %[t0]\n\t"
            "movq 8(%[a]), %[t1]\n\t"
            "sbbq 8(%[b]), %[t1]\n\t"
            "movq 16(%[a]), %[t2]\n\t"
            "sbbq 16(%[b]), %[t2]\n\t"
            "movq 24(%[a]), %[t3]\n\t"
            "sbbq 24(%[b]), %[t3]\n\t"
            "sbbq %%rax, %%rax\n\t"
            "movq 0(%[m]), %[lo]\n\t"
            "andq %%rax, %[lo]\n\t"
            "movq 8(%[m]), %[hi]\n\t"
            "andq %%rax, %[hi]\n\t"
            "movq 16(%[m]), %%rdx\n\t"
            "andq %%rax, %%rdx\n\t"
            "andq 24(%[m]), %%rax\n\t"
            "addq %[lo], %[t0]\n\t"
            "adcq %[hi], %[t1]\n\t"
            "adcq %%rdx, %[t2]\n\t"
            "adcq %%rax, %[t3]\n\t"
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [lo] "=&r"(lo),
              [hi] "=&r"(hi)
            : [a] "r"(x), [b] "r"(y), [m] "r"(nt_fp_p)
            : "rax", "rdx", "cc", "memory");
    r[0] = t0;
    r[1] = t1;
    r[2] = t2;
    r[3] = t3;
}

/* -p^-1 mod 2^64 as a memory operand of imul (no register held for it). */
static const uint64_t nt_fp_inv_word = NT_FP_INV;

/* Each sum is one asm block: the operands are named by (offset, base
 * register) pairs, so a few base registers address them all and nothing
 * is spilled between rows (given one asm statement per row, the compiler
 * moved and reloaded about a hundred words per four-product sum). The
 * offsets are assembler expressions.
 *
 * A row adds a * b[I] into the window T0..T4; T4 may be non-zero (the
 * rows of one column share it): both carry chains end in it, and the
 * bounds above keep the sum within five words. Both flags are then clear
 * after a row, yet each row starts with its own xor: without it every
 * row's carry chains wait for the previous row's last carry, and the
 * rows no longer overlap (one instruction less a row, but slower: about
 * 0.47 against 0.41 ms a prepared verification at the minimum, same run). */
#define NT_SOPB_ROW(AO, AP, BO, BP, I, T0, T1, T2, T3, T4)                     \
    "movq " #BO "+8*" #I "(%[" #BP "]), %%rdx\n\t"                             \
    "xorl %%eax, %%eax\n\t"                                                    \
    "mulxq " #AO "+0(%[" #AP "]), %[lo], %[hi]\n\t"                            \
    "adcxq %[lo], %[" #T0 "]\n\t"                                              \
    "adoxq %[hi], %[" #T1 "]\n\t"                                              \
    "mulxq " #AO "+8(%[" #AP "]), %[lo], %[hi]\n\t"                            \
    "adcxq %[lo], %[" #T1 "]\n\t"                                              \
    "adoxq %[hi], %[" #T2 "]\n\t"                                              \
    "mulxq " #AO "+16(%[" #AP "]), %[lo], %[hi]\n\t"                           \
    "adcxq %[lo], %[" #T2 "]\n\t"                                              \
    "adoxq %[hi], %[" #T3 "]\n\t"                                              \
    "mulxq " #AO "+24(%[" #AP "]), %[lo], %[hi]\n\t"                           \
    "adcxq %[lo], %[" #T3 "]\n\t"                                              \
    "adoxq %[hi], %[" #T4 "]\n\t"                                              \
    "adcxq %%rax, %[" #T4 "]\n\t"

/* (T1..T4) = (T0..T4 + k p) / 2^64, k = T0 (-p^-1) mod 2^64; T0 becomes
 * 0 and is the next column's top word. */
#define NT_SOPB_REDUCE(T0, T1, T2, T3, T4)                                     \
    "movq %[" #T0 "], %%rdx\n\t"                                               \
    "imulq %[inv], %%rdx\n\t"                                                  \
    "xorl %%eax, %%eax\n\t"                                                    \
    "mulxq %[p0], %[lo], %[hi]\n\t"                                            \
    "adcxq %[lo], %[" #T0 "]\n\t"                                              \
    "adoxq %[hi], %[" #T1 "]\n\t"                                              \
    "mulxq %[p1], %[lo], %[hi]\n\t"                                            \
    "adcxq %[lo], %[" #T1 "]\n\t"                                              \
    "adoxq %[hi], %[" #T2 "]\n\t"                                              \
    "mulxq %[p2], %[lo], %[hi]\n\t"                                            \
    "adcxq %[lo], %[" #T2 "]\n\t"                                              \
    "adoxq %[hi], %[" #T3 "]\n\t"                                              \
    "mulxq %[p3], %[lo], %[hi]\n\t"                                            \
    "adcxq %[lo], %[" #T3 "]\n\t"                                              \
    "adoxq %[hi], %[" #T4 "]\n\t"                                              \
    "adcxq %%rax, %[" #T4 "]\n\t"

/* (R0..R3) -= p unless that borrows (R < 2p), with lo, hi, rax, rdx. */
#define NT_SOPB_FINAL(R0, R1, R2, R3)                                          \
    "movq %[" #R0 "], %[lo]\n\t"                                               \
    "subq %[p0], %[lo]\n\t"                                                    \
    "movq %[" #R1 "], %[hi]\n\t"                                               \
    "sbbq %[p1], %[hi]\n\t"                                                    \
    "movq %[" #R2 "], %%rax\n\t"                                               \
    "sbbq %[p2], %%rax\n\t"                                                    \
    "movq %[" #R3 "], %%rdx\n\t"                                               \
    "sbbq %[p3], %%rdx\n\t"                                                    \
    "cmovncq %[lo], %[" #R0 "]\n\t"                                            \
    "cmovncq %[hi], %[" #R1 "]\n\t"                                            \
    "cmovncq %%rax, %[" #R2 "]\n\t"                                            \
    "cmovncq %%rdx, %[" #R3 "]\n\t"

/* Column I of a sum of one to four products; the window T0..T4. */
#define NT_SOPB_COL1(I, T0, T1, T2, T3, T4, A1, P1, B1, Q1)                     \
    NT_SOPB_ROW(A1, P1, B1, Q1, I, T0, T1, T2, T3, T4)                         \
    NT_SOPB_REDUCE(T0, T1, T2, T3, T4)
#define NT_SOPB_COL2(I, T0, T1, T2, T3, T4, A1, P1, B1, Q1, A2, P2, B2, Q2)     \
    NT_SOPB_ROW(A1, P1, B1, Q1, I, T0, T1, T2, T3, T4)                         \
    NT_SOPB_ROW(A2, P2, B2, Q2, I, T0, T1, T2, T3, T4)                         \
    NT_SOPB_REDUCE(T0, T1, T2, T3, T4)
#define NT_SOPB_COL3(I, T0, T1, T2, T3, T4, A1, P1, B1, Q1, A2, P2, B2, Q2, A3, P3, B3, Q3) \
    NT_SOPB_ROW(A1, P1, B1, Q1, I, T0, T1, T2, T3, T4)                         \
    NT_SOPB_ROW(A2, P2, B2, Q2, I, T0, T1, T2, T3, T4)                         \
    NT_SOPB_ROW(A3, P3, B3, Q3, I, T0, T1, T2, T3, T4)                         \
    NT_SOPB_REDUCE(T0, T1, T2, T3, T4)
#define NT_SOPB_COL4(I, T0, T1, T2, T3, T4, A1, P1, B1, Q1, A2, P2, B2, Q2, A3, P3, B3, Q3, \
                     A4, P4, B4, Q4)                                           \
    NT_SOPB_ROW(A1, P1, B1, Q1, I, T0, T1, T2, T3, T4)                         \
    NT_SOPB_ROW(A2, P2, B2, Q2, I, T0, T1, T2, T3, T4)                         \
    NT_SOPB_ROW(A3, P3, B3, Q3, I, T0, T1, T2, T3, T4)                         \
    NT_SOPB_ROW(A4, P4, B4, Q4, I, T0, T1, T2, T3, T4)                         \
    NT_SOPB_REDUCE(T0, T1, T2, T3, T4)

/* The whole sum, (offset, base, offset, base) per product, with COL one
 * of the column macros above: the four columns rename the window (as
 * nt_fp_mul_adx), the result is in t4, t0, t1, t2 (NT_SOPB_STORE) before
 * its last subtraction of p. */
#define NT_SOPB_COLS(COL, ...)                                                 \
    COL(0, t0, t1, t2, t3, t4, __VA_ARGS__)                                    \
    COL(1, t1, t2, t3, t4, t0, __VA_ARGS__)                                    \
    COL(2, t2, t3, t4, t0, t1, __VA_ARGS__)                                    \
    COL(3, t3, t4, t0, t1, t2, __VA_ARGS__)
#define NT_SOPB1(...) NT_SOPB_COLS(NT_SOPB_COL1, __VA_ARGS__) NT_SOPB_FINAL(t4, t0, t1, t2)
#define NT_SOPB2(...) NT_SOPB_COLS(NT_SOPB_COL2, __VA_ARGS__) NT_SOPB_FINAL(t4, t0, t1, t2)
#define NT_SOPB3(...) NT_SOPB_COLS(NT_SOPB_COL3, __VA_ARGS__) NT_SOPB_FINAL(t4, t0, t1, t2)
/* A sum of four products plus a reduced addend (at ADO, ADP): the sum's
 * reduction is below 2p before its subtraction (sums below 4 p^2), the
 * addend takes it below 3p, and two subtractions of p finish. */
#define NT_SOPB4_PLUS(ADO, ADP, ...)                                           \
    NT_SOPB_COLS(NT_SOPB_COL4, __VA_ARGS__)                                    \
    "addq " #ADO "+0(%[" #ADP "]), %[t4]\n\t"                                   \
    "adcq " #ADO "+8(%[" #ADP "]), %[t0]\n\t"                                   \
    "adcq " #ADO "+16(%[" #ADP "]), %[t1]\n\t"                                  \
    "adcq " #ADO "+24(%[" #ADP "]), %[t2]\n\t"                                  \
    NT_SOPB_FINAL(t4, t0, t1, t2)                                              \
    NT_SOPB_FINAL(t4, t0, t1, t2)
/* Stores a sum's result (t4, t0, t1, t2) into the four limbs at D. */
#define NT_SOPB_STORE(D)                                                       \
    do {                                                                       \
        (D)[0] = t4;                                                           \
        (D)[1] = t0;                                                           \
        (D)[2] = t1;                                                           \
        (D)[3] = t2;                                                           \
    } while (0)

/* The operands every block shares: the window, two scratch words, and p
 * and -p^-1 from memory. */
#define NT_SOPB_OUT                                                            \
    [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), \
        [lo] "=&r"(lo), [hi] "=&r"(hi)
#define NT_SOPB_CONST                                                          \
    [inv] "m"(nt_fp_inv_word), [p0] "m"(nt_fp_p[0]), [p1] "m"(nt_fp_p[1]),     \
        [p2] "m"(nt_fp_p[2]), [p3] "m"(nt_fp_p[3])
/* The window, rax and both flags cleared: the first row's start. */
#define NT_SOPB_ZERO                                                           \
    "xorl %k[t0], %k[t0]\n\t"                                                  \
    "xorl %k[t1], %k[t1]\n\t"                                                  \
    "xorl %k[t2], %k[t2]\n\t"                                                  \
    "xorl %k[t3], %k[t3]\n\t"                                                  \
    "xorl %k[t4], %k[t4]\n\t"                                                  \
    "xorl %%eax, %%eax\n\t"

/* Sums of six products (three Fp2 products per coefficient): the window
 * has a sixth word, since A can reach 6p and A + p no longer fits in four
 * words between columns. Both chains still end in T4, whose carries go
 * on into T5 (two more instructions a row); the result is below
 * 6 p^2 / 2^256 + p < 2.14 p and takes two conditional subtractions. */
#define NT_SOP6_ROW(AO, AP, BO, BP, I, T0, T1, T2, T3, T4, T5)                \
    NT_SOPB_ROW(AO, AP, BO, BP, I, T0, T1, T2, T3, T4)                         \
    "adoxq %%rax, %[" #T5 "]\n\t"                                              \
    "adcxq %%rax, %[" #T5 "]\n\t"
#define NT_SOP6_REDUCE(T0, T1, T2, T3, T4, T5)                                 \
    NT_SOPB_REDUCE(T0, T1, T2, T3, T4)                                         \
    "adoxq %%rax, %[" #T5 "]\n\t"                                              \
    "adcxq %%rax, %[" #T5 "]\n\t"
#define NT_SOP6_COL(I, T0, T1, T2, T3, T4, T5, A1, P1, B1, Q1, A2, P2, B2, Q2, A3, P3, B3, \
                    Q3, A4, P4, B4, Q4, A5, P5, B5, Q5, A6, P6, B6, Q6)         \
    NT_SOP6_ROW(A1, P1, B1, Q1, I, T0, T1, T2, T3, T4, T5)                     \
    NT_SOP6_ROW(A2, P2, B2, Q2, I, T0, T1, T2, T3, T4, T5)                     \
    NT_SOP6_ROW(A3, P3, B3, Q3, I, T0, T1, T2, T3, T4, T5)                     \
    NT_SOP6_ROW(A4, P4, B4, Q4, I, T0, T1, T2, T3, T4, T5)                     \
    NT_SOP6_ROW(A5, P5, B5, Q5, I, T0, T1, T2, T3, T4, T5)                     \
    NT_SOP6_ROW(A6, P6, B6, Q6, I, T0, T1, T2, T3, T4, T5)                     \
    NT_SOP6_REDUCE(T0, T1, T2, T3, T4, T5)
/* The result is in t4, t5, t0, t1 (t2 is 0 after the last column). */
#define NT_SOP6(...)                                                           \
    "xorl %k[t5], %k[t5]\n\t"                                                  \
    NT_SOPB_ZERO                                                               \
    NT_SOP6_COL(0, t0, t1, t2, t3, t4, t5, __VA_ARGS__)                        \
    NT_SOP6_COL(1, t1, t2, t3, t4, t5, t0, __VA_ARGS__)                        \
    NT_SOP6_COL(2, t2, t3, t4, t5, t0, t1, __VA_ARGS__)                        \
    NT_SOP6_COL(3, t3, t4, t5, t0, t1, t2, __VA_ARGS__)                        \
    NT_SOPB_FINAL(t4, t5, t0, t1)                                              \
    NT_SOPB_FINAL(t4, t5, t0, t1)
#define NT_SOP6_OUT NT_SOPB_OUT, [t5] "=&r"(t5)

#endif

/* 1 when the ADX code runs (CPU has BMI2 and ADX), 0 for the portable C. */
extern int nt_fp_adx;

/* Test hook: force the portable code (on = false) or re-detect (on = true). */
void nt_fp_set_adx(bool on);

#endif
