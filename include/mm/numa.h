/*
 * NUMA topology (kernel/mm/numa.c): which node each CPU and each physical
 * memory range belongs to, and how far the nodes are from each other.
 *
 * It comes from the firmware's ACPI SRAT (processor and memory affinity)
 * and SLIT (distances), read once at boot before the frame allocator
 * starts.  Proximity domains become node ids 0, 1, ... in the order the
 * SRAT names them, CPUs first, as Linux numbers them.  Without an SRAT
 * (or with "numa=off" on the command line) there is one node, 0, holding
 * every CPU and all memory.  Without a (valid) SLIT a node is 10 from
 * itself and 20 from every other node.
 */
#ifndef MM_NUMA_H
#define MM_NUMA_H

#include <kernel/kernel.h>
#include <lib/cpuset.h>

#define NUMA_MAX_NODES 64               /* node masks are one uint64_t */
#define NUMA_USER_NODES 1024            /* Linux's MAX_NUMNODES: the width of node masks users see */
#define NUMA_NO_NODE (-1)
#define NUMA_LOCAL_DISTANCE 10
#define NUMA_REMOTE_DISTANCE 20

/* Nodes are 0 .. numa_nodes-1, all of them possible and online. */
extern int numa_nodes;

void numa_init(void);                   /* kmain, before pmm_init */
static inline uint64_t numa_all_nodes(void) { return numa_nodes >= 64 ? ~0ULL : (1ULL << numa_nodes) - 1; }
int numa_node_of_phys(phys_t p);        /* 0 for memory the SRAT does not cover */
/* The node of p, and in *run_end where, before end, the physical memory
 * from p on may change node (every frame of [p, *run_end) is on it). */
int numa_node_run(phys_t p, phys_t end, phys_t *run_end);
int cpu_to_node(int cpu);               /* node of an online CPU */
int numa_node_id(void);                 /* node of the CPU this runs on */
void numa_node_cpus(int node, struct cpuset *out);   /* online CPUs of a node */
uint64_t numa_nodes_with_memory(void);  /* a node mask; where every task may place pages */
int numa_distance(int from, int to);
/* The nodes by distance from `node`, nearest (itself) first, numa_nodes
 * entries: the order allocations fall back in. */
const uint8_t *numa_fallback_order(int node);

#endif
