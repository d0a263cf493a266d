/* The NUMA memory policy calls for the numa and numa_nodes guest tests:
 * Linux's constants (<linux/mempolicy.h>; musl has no <numaif.h>) and thin
 * wrappers around the raw system calls. */
#ifndef GT_NUMA_H
#define GT_NUMA_H

#include "gt.h"
#include <sys/syscall.h>

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4
#define MPOL_PREFERRED_MANY 5
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_F_MEMS_ALLOWED 4
#define MPOL_MF_STRICT 1
#define MPOL_MF_MOVE 2

#define PAGE 4096UL

GT_FN long get_mempolicy(int *mode, unsigned long *mask, unsigned long maxnode, void *addr, unsigned long flags)
{
    return syscall(SYS_get_mempolicy, mode, mask, maxnode, addr, flags);
}

GT_FN long set_mempolicy(int mode, const unsigned long *mask, unsigned long maxnode)
{
    return syscall(SYS_set_mempolicy, mode, mask, maxnode);
}

GT_FN long mbind(void *addr, unsigned long len, int mode, const unsigned long *mask, unsigned long maxnode,
                 unsigned flags)
{
    return syscall(SYS_mbind, addr, len, mode, mask, maxnode, flags);
}

GT_FN long move_pages(int pid, unsigned long count, void **pages, const int *nodes, int *status, int flags)
{
    return syscall(SYS_move_pages, pid, count, pages, nodes, status, flags);
}

GT_FN long migrate_pages(int pid, unsigned long maxnode, const unsigned long *from, const unsigned long *to)
{
    return syscall(SYS_migrate_pages, pid, maxnode, from, to);
}

#endif
