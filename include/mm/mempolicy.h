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
#include <mm/mempolicy_types.h>

struct vma;

/* A frame for page `va` of VMA v (NULL: no VMA) of the current task,
 * placed by the policy in force there; zeroed if `zero`.  0 when out of
 * memory (or, for MPOL_BIND, when the bound nodes are full).  Called with
 * the address space's lock held. */
phys_t mpol_alloc_page(const struct vma *v, uint64_t va, bool zero);

#endif
