/*
 * zk/poseidon_params.h - private: the per-width parameters of circomlib's
 * Poseidon, defined in the generated zk/poseidon_constants.c.
 */
#ifndef NT_ZK_POSEIDON_PARAMS_H
#define NT_ZK_POSEIDON_PARAMS_H

#include <stddef.h>

#include "nautilus/zk_poseidon.h"
#include "zk/fr.h"

#define NT_ZK_POSEIDON_ROUNDS_F 8

/* One width t = inputs + 1, in circomlibjs's optimized layout. */
typedef struct nt_zk_poseidon_param {
    size_t t;              /* state width, 2..17 */
    size_t rounds_p;       /* partial rounds */
    const nt_zk_fr *c;     /* 8 t + rounds_p folded round constants */
    const nt_zk_fr *s;     /* (2t - 1) rounds_p sparse-matrix entries */
    const nt_zk_fr *m;     /* t x t MDS, [j][i] at j t + i */
    const nt_zk_fr *p;     /* t x t pre-sparse matrix, same layout */
} nt_zk_poseidon_param;

/* Index n - 1 holds the parameters for n inputs. */
extern const nt_zk_poseidon_param nt_zk_poseidon_params[NT_ZK_POSEIDON_MAX_INPUTS];

#endif
