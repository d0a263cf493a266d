/*
 * NUMA memory policies (kernel/mm/mempolicy.c): where the pages a thread
 * faults in are placed, as Linux's set_mempolicy(2) and mbind(2) define it.
 *
 * A thread has its own policy (set_mempolicy; inherited by fork and clone,
 * kept across execve) and each VMA may have one (mbind; split with the
 * VMA, copied by fork).  A page fault uses the VMA's policy, else the
 * thread's, else the default: the node of the CPU that faults.
 *
 * The values are Linux's (<linux/mempolicy.h>).
 */
#ifndef MM_MEMPOLICY_H
#define MM_MEMPOLICY_H

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

struct vma;

/* A frame for page `va` of VMA v (NULL: no VMA) of the current task,
 * placed by the policy in force there; zeroed if `zero`.  0 when out of
 * memory (or, for MPOL_BIND, when the bound nodes are full).  Called with
 * the address space's lock held. */
phys_t mpol_alloc_page(const struct vma *v, uint64_t va, bool zero);

#endif
