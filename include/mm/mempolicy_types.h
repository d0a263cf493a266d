/*
 * The NUMA memory policy's values and its stored form (include/mm/mempolicy.h
 * has the operations).  Only definitions: struct task embeds a policy
 * (include/kernel/task.h), and includes this without the code that reads
 * tasks.  The values are Linux's (<linux/mempolicy.h>).
 */
#ifndef MM_MEMPOLICY_TYPES_H
#define MM_MEMPOLICY_TYPES_H

#include <kernel/kernel.h>

enum {
    MPOL_DEFAULT,
    MPOL_PREFERRED,
    MPOL_BIND,
    MPOL_INTERLEAVE,
    MPOL_LOCAL,
    MPOL_PREFERRED_MANY,
    MPOL_WEIGHTED_INTERLEAVE,
    MPOL_MAX,
};

/* mode flags, or'ed into the mode */
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_MODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)

/* get_mempolicy flags */
#define MPOL_F_NODE (1 << 0)
#define MPOL_F_ADDR (1 << 1)
#define MPOL_F_MEMS_ALLOWED (1 << 2)

/* mbind and move_pages flags */
#define MPOL_MF_STRICT (1 << 0)
#define MPOL_MF_MOVE (1 << 1)
#define MPOL_MF_MOVE_ALL (1 << 2)
#define MPOL_MF_VALID (MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)

/* One policy, stored by value (all zero: MPOL_DEFAULT). */
struct mempolicy {
    uint16_t mode;              /* MPOL_* (never MPOL_DEFAULT once set: that clears it) */
    uint16_t flags;             /* MPOL_MODE_FLAGS */
    int16_t home_node;          /* set_mempolicy_home_node, or -1 */
    uint64_t nodes;             /* the nodes it uses */
    uint64_t user_nodes;        /* the mask as given (MPOL_F_STATIC_NODES, _RELATIVE_NODES) */
};

#endif
