/*
 * zk/group_impl.h - private: short-Weierstrass (a = 0) group law over a
 * field FE, instantiated twice by group.c (G1 over Fp, G2 over Fp2), the
 * way bitcoin-core/secp256k1 keeps one formula set per representation.
 *
 * The including file defines FE, the FE_* operations, FE_B (the curve
 * constant), G_AFF, G_JAC and G_FN(name) (function name prefix).
 * Formulas: Explicit-Formulas Database, "dbl-2009-l", "madd-2007-bl",
 * "add-2007-bl" for Jacobian coordinates with a = 0.
 * Variable time (public data only).
 */

static bool G_FN(affine_equation_holds)(const FE *x, const FE *y)
{
    FE l, r;
    FE_SQR(&l, y);
    FE_SQR(&r, x);
    FE_MUL(&r, &r, x);
    FE_ADD(&r, &r, &FE_B);
    return FE_EQ(&l, &r);
}

void G_FN(jac_set_inf)(G_JAC *r)
{
    FE_ONE(&r->x);
    FE_ONE(&r->y);
    FE_ZERO(&r->z);
}

bool G_FN(jac_is_inf)(const G_JAC *a) { return FE_IS_ZERO(&a->z); }

void G_FN(jac_set_affine)(G_JAC *r, const G_AFF *a)
{
    if (a->inf) {
        G_FN(jac_set_inf)(r);
        return;
    }
    r->x = a->x;
    r->y = a->y;
    FE_ONE(&r->z);
}

void G_FN(affine_neg)(G_AFF *r, const G_AFF *a)
{
    r->x = a->x;
    FE_NEG(&r->y, &a->y);
    r->inf = a->inf;
}

bool G_FN(affine_eq)(const G_AFF *a, const G_AFF *b)
{
    if (a->inf || b->inf)
        return a->inf == b->inf;
    return FE_EQ(&a->x, &b->x) && FE_EQ(&a->y, &b->y);
}

void G_FN(jac_dbl)(G_JAC *r, const G_JAC *a)
{
    FE A, B, C, D, E, F, t;
    if (FE_IS_ZERO(&a->z) || FE_IS_ZERO(&a->y)) {
        G_FN(jac_set_inf)(r);
        return;
    }
    FE_SQR(&A, &a->x);
    FE_SQR(&B, &a->y);
    FE_SQR(&C, &B);
    /* D = 2 ((X + B)^2 - A - C) */
    FE_ADD(&t, &a->x, &B);
    FE_SQR(&t, &t);
    FE_SUB(&t, &t, &A);
    FE_SUB(&t, &t, &C);
    FE_DBL(&D, &t);
    /* E = 3A, F = E^2 */
    FE_DBL(&E, &A);
    FE_ADD(&E, &E, &A);
    FE_SQR(&F, &E);
    /* Z3 = 2 Y Z (before X, Y are overwritten: r may alias a) */
    FE_MUL(&t, &a->y, &a->z);
    FE_DBL(&r->z, &t);
    /* X3 = F - 2D */
    FE_DBL(&t, &D);
    FE_SUB(&r->x, &F, &t);
    /* Y3 = E (D - X3) - 8C */
    FE_SUB(&t, &D, &r->x);
    FE_MUL(&t, &E, &t);
    FE_DBL(&C, &C);
    FE_DBL(&C, &C);
    FE_DBL(&C, &C);
    FE_SUB(&r->y, &t, &C);
}

void G_FN(jac_add_affine_var)(G_JAC *r, const G_JAC *a, const G_AFF *b)
{
    FE z1z1, u2, s2, h, hh, i, j, rr, v, t, x3, y3;
    if (b->inf) {
        *r = *a;
        return;
    }
    if (FE_IS_ZERO(&a->z)) {
        G_FN(jac_set_affine)(r, b);
        return;
    }
    FE_SQR(&z1z1, &a->z);
    FE_MUL(&u2, &b->x, &z1z1);
    FE_MUL(&s2, &b->y, &a->z);
    FE_MUL(&s2, &s2, &z1z1);
    FE_SUB(&h, &u2, &a->x);
    FE_SUB(&rr, &s2, &a->y);
    if (FE_IS_ZERO(&h)) {
        if (FE_IS_ZERO(&rr))
            G_FN(jac_dbl)(r, a);
        else
            G_FN(jac_set_inf)(r);
        return;
    }
    FE_DBL(&rr, &rr);
    FE_SQR(&hh, &h);
    FE_DBL(&i, &hh);
    FE_DBL(&i, &i);
    FE_MUL(&j, &h, &i);
    FE_MUL(&v, &a->x, &i);
    /* X3 = r^2 - J - 2V */
    FE_SQR(&x3, &rr);
    FE_SUB(&x3, &x3, &j);
    FE_DBL(&t, &v);
    FE_SUB(&x3, &x3, &t);
    /* Y3 = r (V - X3) - 2 Y1 J */
    FE_SUB(&t, &v, &x3);
    FE_MUL(&y3, &rr, &t);
    FE_MUL(&t, &a->y, &j);
    FE_DBL(&t, &t);
    FE_SUB(&y3, &y3, &t);
    /* Z3 = (Z1 + H)^2 - Z1Z1 - HH */
    FE_ADD(&t, &a->z, &h);
    FE_SQR(&t, &t);
    FE_SUB(&t, &t, &z1z1);
    FE_SUB(&r->z, &t, &hh);
    r->x = x3;
    r->y = y3;
}

void G_FN(jac_add_var)(G_JAC *r, const G_JAC *a, const G_JAC *b)
{
    FE z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
    if (FE_IS_ZERO(&a->z)) {
        *r = *b;
        return;
    }
    if (FE_IS_ZERO(&b->z)) {
        *r = *a;
        return;
    }
    FE_SQR(&z1z1, &a->z);
    FE_SQR(&z2z2, &b->z);
    FE_MUL(&u1, &a->x, &z2z2);
    FE_MUL(&u2, &b->x, &z1z1);
    FE_MUL(&s1, &a->y, &b->z);
    FE_MUL(&s1, &s1, &z2z2);
    FE_MUL(&s2, &b->y, &a->z);
    FE_MUL(&s2, &s2, &z1z1);
    FE_SUB(&h, &u2, &u1);
    FE_SUB(&rr, &s2, &s1);
    if (FE_IS_ZERO(&h)) {
        if (FE_IS_ZERO(&rr))
            G_FN(jac_dbl)(r, a);
        else
            G_FN(jac_set_inf)(r);
        return;
    }
    FE_DBL(&rr, &rr);
    FE_DBL(&i, &h);
    FE_SQR(&i, &i);
    FE_MUL(&j, &h, &i);
    FE_MUL(&v, &u1, &i);
    /* Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H */
    FE_ADD(&t, &a->z, &b->z);
    FE_SQR(&t, &t);
    FE_SUB(&t, &t, &z1z1);
    FE_SUB(&t, &t, &z2z2);
    FE_MUL(&r->z, &t, &h);
    /* X3 = r^2 - J - 2V */
    FE_SQR(&t, &rr);
    FE_SUB(&t, &t, &j);
    FE_DBL(&u2, &v);
    FE_SUB(&r->x, &t, &u2);
    /* Y3 = r (V - X3) - 2 S1 J */
    FE_SUB(&t, &v, &r->x);
    FE_MUL(&t, &rr, &t);
    FE_MUL(&s1, &s1, &j);
    FE_DBL(&s1, &s1);
    FE_SUB(&r->y, &t, &s1);
}

void G_FN(jac_to_affine_var)(G_AFF *r, const G_JAC *a)
{
    FE zi, zi2;
    if (FE_IS_ZERO(&a->z)) {
        FE_ZERO(&r->x);
        FE_ZERO(&r->y);
        r->inf = true;
        return;
    }
    FE_INV(&zi, &a->z);
    FE_SQR(&zi2, &zi);
    FE_MUL(&r->x, &a->x, &zi2);
    FE_MUL(&zi2, &zi2, &zi);
    FE_MUL(&r->y, &a->y, &zi2);
    r->inf = false;
}

void G_FN(mul_var)(G_JAC *r, const G_AFF *a, const uint64_t k[4])
{
    /* Width-4 NAF with the odd multiples P, 3P, 5P, 7P. */
    G_JAC table[4], twice, acc, neg;
    int8_t digits[NT_WNAF_MAX];
    int n, i;

    G_FN(jac_set_inf)(r);
    if (a->inf)
        return;
    n = nt_zk_wnaf(digits, k, 4);
    G_FN(jac_set_affine)(&table[0], a);
    G_FN(jac_dbl)(&twice, &table[0]);
    for (i = 1; i < 4; i++)
        G_FN(jac_add_var)(&table[i], &table[i - 1], &twice);
    G_FN(jac_set_inf)(&acc);
    for (i = n - 1; i >= 0; i--) {
        int d = digits[i];
        G_FN(jac_dbl)(&acc, &acc);
        if (d > 0) {
            G_FN(jac_add_var)(&acc, &acc, &table[d / 2]);
        } else if (d < 0) {
            neg = table[-d / 2];
            FE_NEG(&neg.y, &neg.y);
            G_FN(jac_add_var)(&acc, &acc, &neg);
        }
    }
    *r = acc;
}
