/* A shared library for test_lazy: functions whose arguments travel in every
 * way the x86-64 calling convention has (registers, the stack, vector
 * registers, a variadic list with its vector count in al, a returned
 * structure through a hidden pointer), each returning a value that depends
 * on every argument, so a stub that lost or moved one is caught. */
#include <stdarg.h>

typedef struct nt_fx_quad {
    long v[4];
} nt_fx_quad;

long nt_fx_sum8(long a, long b, long c, long d, long e, long f, long g, long h);
double nt_fx_mix(int a, double b, long c, double d, double e, double f, double g, double h,
                 double i, double j, double k, double l);
double nt_fx_var(const char *kinds, ...);
nt_fx_quad nt_fx_quad_of(long x);
int nt_fx_calls(void);

static int calls;

long nt_fx_sum8(long a, long b, long c, long d, long e, long f, long g, long h)
{
    calls++;
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h;
}

double nt_fx_mix(int a, double b, long c, double d, double e, double f, double g, double h,
                 double i, double j, double k, double l)
{
    calls++;
    return a + b * 2 + (double)c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8 + i * 9 + j * 10 +
           k * 11 + l * 12;
}

/* kinds: 'l' a long, 'd' a double; returns sum of position * value. */
double nt_fx_var(const char *kinds, ...)
{
    va_list ap;
    double sum = 0;
    int pos = 1;
    calls++;
    va_start(ap, kinds);
    for (; *kinds != '\0'; kinds++, pos++)
        sum += pos * (*kinds == 'l' ? (double)va_arg(ap, long) : va_arg(ap, double));
    va_end(ap);
    return sum;
}

nt_fx_quad nt_fx_quad_of(long x)
{
    nt_fx_quad q = {{x, x * 2, x * 3, x * 4}};
    calls++;
    return q;
}

int nt_fx_calls(void) { return calls; }
