/* bench/rank_sim_int.h: the trace's layout, shared by the simulator's files. */
#ifndef NT_RANK_SIM_INT_H
#define NT_RANK_SIM_INT_H

#include "rank_sim.h"

#define SIM_NAME_MAX 128
#define SIM_LOOKUP_NAMES_MAX 4096

typedef struct sim_inst {
    char name[SIM_NAME_MAX];
    uint16_t prio, weight;
} sim_inst;

typedef struct sim_phase {
    uint64_t t;
    int inst;
    double mean, sd, fail;
} sim_phase;

typedef struct sim_lookup {
    uint64_t t;
    int name;
} sim_lookup;

struct sim_trace {
    sim_inst inst[SIM_INSTANCES_MAX];
    int n_inst;
    sim_phase *phase;
    size_t n_phase, cap_phase;
    uint64_t *req;
    size_t n_req, cap_req;
    sim_lookup *look;
    size_t n_look, cap_look;
    char (*lname)[SIM_NAME_MAX];
    int n_lname;
    uint64_t change_t;
    bool has_change;
};

#endif
