/*
 * NUMA topology from the ACPI SRAT and SLIT (see <mm/numa.h>).
 *
 * SRAT entries (after a 48-byte table header):
 *   type 0, processor local APIC affinity (16 bytes): proximity domain
 *          bits 0-7 at byte 2, APIC id at 3, flags at 4 (bit 0: enabled),
 *          domain bits 8-31 at 9-11;
 *   type 1, memory affinity (40 bytes): domain at 2, base at 8, length at
 *          16, flags at 28 (bit 0: enabled);
 *   type 2, processor x2APIC affinity (24 bytes): domain at 4, x2APIC id
 *          at 8, flags at 12.
 * SLIT: the number of localities N (a uint64_t at byte 36), then an N x N
 * byte matrix, row i the distances from domain i.
 *
 * Everything here is written once, during boot on the boot CPU, and only
 * read afterwards, so it needs no lock.
 */
#include <arch/acpi.h>
#include <arch/percpu.h>
#include <lib/string.h>
#include <mm/numa.h>
#include <mm/pmm.h>

#define MAX_MEM_RANGES 64
#define MAX_CPU_AFFINITY 256

int numa_nodes = 1;

static uint32_t node_pxm[NUMA_MAX_NODES];           /* proximity domain of each node */
static struct {
    uint64_t base, end;
    int node;
} mem_ranges[MAX_MEM_RANGES];
static int nr_mem_ranges;
static struct {
    uint32_t apic;
    int node;
} cpu_affinity[MAX_CPU_AFFINITY];
static int nr_cpu_affinity;
static uint8_t distance[NUMA_MAX_NODES][NUMA_MAX_NODES];
static uint8_t fallback[NUMA_MAX_NODES][NUMA_MAX_NODES];

/* The node of a proximity domain, numbering new domains in order of
 * appearance; NUMA_NO_NODE once NUMA_MAX_NODES are taken. */
static int pxm_to_node(uint32_t pxm, bool add)
{
    for (int n = 0; n < numa_nodes; n++)
        if (node_pxm[n] == pxm)
            return n;
    if (!add || numa_nodes == NUMA_MAX_NODES)
        return NUMA_NO_NODE;
    node_pxm[numa_nodes] = pxm;
    return numa_nodes++;
}

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static void srat_cpu(const uint8_t *e, void *arg)
{
    uint32_t pxm, apic, flags;
    if (e[0] == 0 && e[1] >= 16) {
        pxm = e[2] | (uint32_t)e[9] << 8 | (uint32_t)e[10] << 16 | (uint32_t)e[11] << 24;
        apic = e[3];
        flags = rd32(e + 4);
    } else if (e[0] == 2 && e[1] >= 24) {
        pxm = rd32(e + 4);
        apic = rd32(e + 8);
        flags = rd32(e + 12);
    } else {
        return;
    }
    if (!(flags & 1) || nr_cpu_affinity == MAX_CPU_AFFINITY)
        return;
    int node = pxm_to_node(pxm, true);
    if (node != NUMA_NO_NODE)
        cpu_affinity[nr_cpu_affinity++] = (typeof(cpu_affinity[0])){ apic, node };
}

static void srat_memory(const uint8_t *e, void *arg)
{
    if (e[0] != 1 || e[1] < 40 || !(rd32(e + 28) & 1) || nr_mem_ranges == MAX_MEM_RANGES)
        return;
    uint64_t base = rd64(e + 8), len = rd64(e + 16);
    int node = pxm_to_node(rd32(e + 2), true);
    if (len && base + len > base && node != NUMA_NO_NODE)
        mem_ranges[nr_mem_ranges++] = (typeof(mem_ranges[0])){ base, base + len, node };
}

/* Linux accepts a SLIT only if every node is 10 from itself and farther
 * from every other node. */
static void slit_read(void)
{
    const struct acpi_sdt_header *slit = acpi_find_table("SLIT");
    if (!slit || slit->length < 44)
        return;
    const uint8_t *t = (const uint8_t *)slit;
    uint64_t n = rd64(t + 36);
    if (n == 0 || n > 256 || 44 + n * n > slit->length)
        return;
    uint8_t d[NUMA_MAX_NODES][NUMA_MAX_NODES];
    memcpy(d, distance, sizeof d);
    for (uint64_t i = 0; i < n; i++)
        for (uint64_t j = 0; j < n; j++) {
            uint8_t v = t[44 + i * n + j];
            if (i == j ? v != NUMA_LOCAL_DISTANCE : v <= NUMA_LOCAL_DISTANCE) {
                kprintf(KERN_WARNING "numa: SLIT entry %lu,%lu is %u: ignoring the SLIT\n", (unsigned long)i,
                        (unsigned long)j, v);
                return;
            }
            int a = pxm_to_node((uint32_t)i, false), b = pxm_to_node((uint32_t)j, false);
            if (a != NUMA_NO_NODE && b != NUMA_NO_NODE)
                d[a][b] = v;
        }
    memcpy(distance, d, sizeof d);
}

void numa_init(void)
{
    const struct acpi_sdt_header *srat = cmdline_get("numa") && !strcmp(cmdline_get("numa"), "off")
                                             ? NULL : acpi_find_table("SRAT");
    if (srat) {
        numa_nodes = 0;
        /* as Linux: the processor entries first, then memory */
        acpi_for_each_entry(srat, 48, srat_cpu, NULL);
        acpi_for_each_entry(srat, 48, srat_memory, NULL);
        if (numa_nodes == 0)
            numa_nodes = 1;
    }
    for (int a = 0; a < NUMA_MAX_NODES; a++)
        for (int b = 0; b < NUMA_MAX_NODES; b++)
            distance[a][b] = a == b ? NUMA_LOCAL_DISTANCE : NUMA_REMOTE_DISTANCE;
    if (srat)
        slit_read();
    /* fallback order: by distance (a valid SLIT puts the node itself
     * first), then by node id */
    for (int a = 0; a < numa_nodes; a++) {
        uint8_t *o = fallback[a];
        for (int i = 0; i < numa_nodes; i++)
            o[i] = (uint8_t)i;
        for (int i = 1; i < numa_nodes; i++)
            for (int j = i; j > 0 && (distance[a][o[j]] < distance[a][o[j - 1]] ||
                                      (distance[a][o[j]] == distance[a][o[j - 1]] && o[j] < o[j - 1])); j--) {
                uint8_t x = o[j];
                o[j] = o[j - 1];
                o[j - 1] = x;
            }
    }
    if (numa_nodes > 1 || srat) {
        kprintf("numa: %d node%s from the SRAT\n", numa_nodes, numa_nodes > 1 ? "s" : "");
        for (int i = 0; i < nr_mem_ranges; i++)
            kprintf("numa: node %d: memory %#lx-%#lx\n", mem_ranges[i].node, (unsigned long)mem_ranges[i].base,
                    (unsigned long)mem_ranges[i].end - 1);
    }
}

int numa_node_of_phys(phys_t p)
{
    for (int i = 0; i < nr_mem_ranges; i++)
        if (p >= mem_ranges[i].base && p < mem_ranges[i].end)
            return mem_ranges[i].node;
    return 0;
}

int numa_node_run(phys_t p, phys_t end, phys_t *run_end)
{
    /* the run ends where any range begins or ends */
    phys_t e = end;
    for (int i = 0; i < nr_mem_ranges; i++) {
        if (mem_ranges[i].base > p && mem_ranges[i].base < e)
            e = mem_ranges[i].base;
        if (mem_ranges[i].end > p && mem_ranges[i].end < e)
            e = mem_ranges[i].end;
    }
    *run_end = e;
    return numa_node_of_phys(p);
}

int cpu_to_node(int cpu)
{
    if (cpu < 0 || cpu >= nr_cpu_ids)
        return 0;
    uint32_t apic = (uint32_t)percpu_area[cpu].apic_id;
    for (int i = 0; i < nr_cpu_affinity; i++)
        if (cpu_affinity[i].apic == apic)
            return cpu_affinity[i].node;
    return 0;
}

int numa_node_id(void) { return numa_nodes > 1 ? cpu_to_node(this_cpu_id()) : 0; }

void numa_node_cpus(int node, struct cpuset *out)
{
    cpuset_zero(out);
    for_each_cpu(c, &cpus_online)
        if (c < ncpus && cpu_to_node(c) == node)
            cpuset_set(out, c);
}

uint64_t numa_nodes_with_memory(void)
{
    uint64_t m = 0;
    for (int n = 0; n < numa_nodes; n++) {
        struct pmm_node_stats st;
        pmm_node_stats(n, &st);
        if (st.total)
            m |= 1ULL << n;
    }
    return m;
}

int numa_distance(int from, int to)
{
    if (from < 0 || to < 0 || from >= numa_nodes || to >= numa_nodes)
        return NUMA_REMOTE_DISTANCE;
    return distance[from][to];
}

const uint8_t *numa_fallback_order(int node)
{
    return fallback[node >= 0 && node < numa_nodes ? node : 0];
}
