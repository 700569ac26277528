/* core/lazy: functions of a shared library reached through stubs that open
 * it on first use (core/lazy.h). The fixture library (lazy_fixture.c) is
 * not linked to this program; the stubs are made by nt_lazy_library() in
 * this directory's CMakeLists.txt, exactly as for libcurl and SQLite. */
#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/lazy.h"

typedef struct nt_fx_quad {
    long v[4];
} nt_fx_quad;

long nt_fx_sum8(long a, long b, long c, long d, long e, long f, long g, long h);
double nt_fx_mix(int a, double b, long c, double d, double e, double f, double g, double h,
                 double i, double j, double k, double l);
double nt_fx_var(const char *kinds, ...);
nt_fx_quad nt_fx_quad_of(long x);
int nt_fx_calls(void);
int nt_fx_absent(void);
int nt_fx_not_there(void);

extern nt_lazy_lib nt_lazy_fx;         /* the fixture */
extern nt_lazy_lib nt_lazy_fx_missing; /* a library that does not exist */
extern nt_lazy_lib nt_lazy_fx_partial; /* the fixture, asked for a function it lacks */

#define THREADS 4

static void *first_call(void *arg)
{
    long k = (long)(intptr_t)arg;
    return (void *)(intptr_t)nt_fx_sum8(k, k, k, k, k, k, k, k);
}

/* Nothing is opened before the first call; four threads making the first
 * call at once all get the right answer. */
static void test_opened_on_first_call(void **state)
{
    pthread_t t[THREADS];
    long i;
    (void)state;
    assert_int_equal(nt_lazy_fx.state, 0);
    assert_null(dlopen(nt_lazy_fx.soname, RTLD_LAZY | RTLD_NOLOAD));
    for (i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, first_call, (void *)(intptr_t)(i + 1)), 0);
    for (i = 0; i < THREADS; i++) {
        void *r;
        assert_int_equal(pthread_join(t[i], &r), 0);
        assert_int_equal((long)(intptr_t)r, 36 * (i + 1));
    }
    assert_int_equal(nt_lazy_fx.state, 1);
    assert_non_null(dlopen(nt_lazy_fx.soname, RTLD_LAZY | RTLD_NOLOAD));
    assert_int_equal(nt_fx_calls(), THREADS);
    assert_int_equal(nt_lazy_ready(&nt_lazy_fx), NT_OK);
}

/* Arguments in registers and on the stack, in vector registers, variadic
 * ones (al holds the vector count) and a structure returned in memory. */
static void test_arguments_pass_through(void **state)
{
    nt_fx_quad q;
    (void)state;
    assert_int_equal(nt_fx_sum8(1, 2, 3, 4, 5, 6, 7, 8), 204);
    assert_int_equal(nt_fx_sum8(-8, 7, -6, 5, -4, 3, -2, 9), 64);
    assert_true(nt_fx_mix(1, 0.5, 2, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5) ==
                1 + 1.0 + 6 + 6.0 + 12.5 + 21.0 + 31.5 + 44.0 + 58.5 + 75.0 + 93.5 + 114.0);
    assert_true(nt_fx_var("ldld", 3L, 0.25, -7L, 1.5) == 3 + 0.5 - 21 + 6);
    assert_true(nt_fx_var("dddddddddl", 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2L) ==
                45 + 20);
    q = nt_fx_quad_of(11);
    assert_int_equal(q.v[0], 11);
    assert_int_equal(q.v[3], 44);
}

/* A library that cannot be opened is a status for nt_lazy_ready, with the
 * reason; so is one that lacks a function. */
static void test_missing_library_is_a_status(void **state)
{
    (void)state;
    assert_int_equal(nt_lazy_ready(&nt_lazy_fx_missing), NT_ERR_LIB_LOAD);
    assert_int_equal(nt_lazy_fx_missing.state, -1);
    assert_non_null(strstr(nt_lazy_fx_missing.error, "libnautilus-test-absent.so.0"));
    assert_int_equal(nt_lazy_ready(&nt_lazy_fx_partial), NT_ERR_LIB_LOAD);
    assert_non_null(strstr(nt_lazy_fx_partial.error, "has no function nt_fx_not_there"));
}

/* A call that reaches a library that cannot be opened ends the process with
 * 70 and one line naming the library, instead of jumping anywhere. */
static void test_call_into_missing_library_exits(void **state)
{
    int fds[2], status;
    char line[512] = "";
    ssize_t got;
    pid_t pid;
    (void)state;
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        _exit(nt_fx_absent() == 0 ? 0 : 1);
    }
    close(fds[1]);
    got = read(fds[0], line, sizeof line - 1);
    close(fds[0]);
    assert_true(got > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 70);
    assert_non_null(strstr(line, "nautilus: cannot load libnautilus-test-absent.so.0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opened_on_first_call),
        cmocka_unit_test(test_arguments_pass_through),
        cmocka_unit_test(test_missing_library_is_a_status),
        cmocka_unit_test(test_call_into_missing_library_exits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
