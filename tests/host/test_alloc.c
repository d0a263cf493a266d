/* Host tests for the physical frame allocator (buddy + reference counts),
 * its NUMA nodes (read from ACPI SRAT and SLIT tables the test builds) and
 * the kernel heap, run over a buffer that stands in for physical memory. */
#define HOST_PHYS_BUFFER        /* host_phys_base below (include/mm/pmm.h) */
#include <check.h>

#include "check_main.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <arch/percpu.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>

/* ---- shims for the kernel services the allocators use ---- */
char *host_phys_base;
void spin_init(struct spinlock *l, const char *name) { (void)l; (void)name; }
void spin_lock(struct spinlock *l) { l->locked = 1; }
void spin_unlock(struct spinlock *l) { l->locked = 0; }
bool spin_held(struct spinlock *l) { return l->locked; }
int kprintf(const char *fmt, ...) { (void)fmt; return 0; }
void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

const char *cmdline_get(const char *key) { (void)key; return NULL; }
uint64_t acpi_rsdp_phys;
static struct percpu cpu_blocks[2];
struct percpu *percpu_area = cpu_blocks;
int nr_cpu_ids = 2;
int ncpus = 1;
struct cpuset cpus_online;

#include "../../arch/x86_64/acpi.c"
#include "../../kernel/mm/numa.c"
#include "../../kernel/boot_mem.c"
#include "../../kernel/mm/pmm.c"
#include "../../kernel/mm/kheap.c"

struct mem_region boot_usable[BOOT_MAX_REGIONS], boot_reserved[BOOT_MAX_REGIONS];
int boot_usable_count, boot_reserved_count;

#define RAM (64UL << 20)

static void setup(void)
{
    host_phys_base = aligned_alloc(1 << 22, RAM);
    ck_assert_ptr_nonnull(host_phys_base);
    memset(host_phys_base, 0xa5, RAM);
    /* RAM from 1 MiB to 64 MiB, with a reserved hole at 8..9 MiB */
    boot_usable[0] = (struct mem_region){ 0, RAM };
    boot_usable_count = 1;
    boot_reserved[0] = (struct mem_region){ 8UL << 20, 1UL << 20 };
    boot_reserved_count = 1;
    pmm_init();
    kheap_init();
}

/* ---- two NUMA nodes, described by ACPI tables placed below 1 MiB (memory
 * the allocator leaves alone), as QEMU's -numa options produce them ---- */

#define NODE1_BASE 0x2001000UL     /* not aligned to a maximal block */
#define ACPI_AT 0x80000UL

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void acpi_table(uint64_t at, const char *sig, uint32_t len)
{
    uint8_t *t = P2V(at);
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[9] = 0;
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++)
        sum += t[i];
    t[9] = (uint8_t)-sum;
}

/* RSDP -> XSDT -> SRAT (CPU with APIC id i and memory below/above
 * NODE1_BASE in domain i) and SLIT (10 on the diagonal, `remote` off it). */
static void build_acpi(uint8_t remote)
{
    uint8_t *base = P2V(ACPI_AT);
    memset(base, 0, 0x1000);
    uint8_t *rsdp = base;
    memcpy(rsdp, "RSD PTR ", 8);
    rsdp[15] = 2;
    put64(rsdp + 24, ACPI_AT + 0x100);
    uint8_t *xsdt = base + 0x100;
    put64(xsdt + 36, ACPI_AT + 0x200);
    put64(xsdt + 44, ACPI_AT + 0x400);
    uint8_t *srat = base + 0x200, *e = srat + 48;
    for (int i = 0; i < 2; i++, e += 16) {          /* processor local APIC affinity */
        e[0] = 0, e[1] = 16, e[2] = (uint8_t)i, e[3] = (uint8_t)i;
        put32(e + 4, 1);
    }
    uint64_t ranges[2][2] = { { 0, NODE1_BASE }, { NODE1_BASE, RAM - NODE1_BASE } };
    for (int i = 0; i < 3; i++, e += 40) {          /* memory affinity; the third disabled */
        e[0] = 1, e[1] = 40;
        if (i < 2) {
            put32(e + 2, (uint32_t)i);
            put64(e + 8, ranges[i][0]);
            put64(e + 16, ranges[i][1]);
            put32(e + 28, 1);
        }
    }
    acpi_table(ACPI_AT + 0x200, "SRAT", (uint32_t)(e - srat));
    uint8_t *slit = base + 0x400;
    put64(slit + 36, 2);
    slit[44] = slit[47] = 10;
    slit[45] = slit[46] = remote;
    acpi_table(ACPI_AT + 0x400, "SLIT", 48);
    acpi_table(ACPI_AT + 0x100, "XSDT", 52);
    acpi_rsdp_phys = ACPI_AT;
}

static void setup_numa_with(uint8_t remote)
{
    host_phys_base = aligned_alloc(1 << 22, RAM);
    ck_assert_ptr_nonnull(host_phys_base);
    memset(host_phys_base, 0xa5, RAM);
    boot_usable[0] = (struct mem_region){ 0, RAM };
    boot_usable_count = 1;
    boot_reserved_count = 0;
    build_acpi(remote);
    /* this_cpu_id() reads %gs:32: point GS at CPU 0's block (APIC id 0) */
    percpu_area[0].cpu_id = 0;
    percpu_area[1].apic_id = 1;
    ck_assert_int_eq(syscall(SYS_arch_prctl, ARCH_SET_GS, &percpu_area[0]), 0);
    numa_init();
    pmm_init();
}

static void setup_numa(void) { setup_numa_with(21); }
static void setup_numa_bad_slit(void) { setup_numa_with(9); }

static void teardown(void) { free(host_phys_base); }

/* ---- a firmware map with a hole, unsorted, and overlapping reserved
 * ranges (one of them not page-aligned) ---- */

static void setup_holes(void)
{
    host_phys_base = aligned_alloc(1 << 22, RAM);
    ck_assert_ptr_nonnull(host_phys_base);
    memset(host_phys_base, 0xa5, RAM);
    boot_usable[0] = (struct mem_region){ 32UL << 20, RAM - (32UL << 20) };   /* above the hole first */
    boot_usable[1] = (struct mem_region){ 0, 16UL << 20 };
    boot_usable_count = 2;
    boot_reserved[0] = (struct mem_region){ 40UL << 20, 2UL << 20 };
    boot_reserved[1] = (struct mem_region){ (41UL << 20) + 100, 2UL << 20 };  /* 41 MiB .. 43 MiB + 100 */
    boot_reserved[2] = (struct mem_region){ 1UL << 20, 1UL << 20 };           /* where a table would go */
    boot_reserved_count = 3;
    numa_nodes = 1;
    acpi_rsdp_phys = 0;
    numa_init();
    pmm_init();
}

static void note_piece(uint64_t b, uint64_t e, void *arg)
{
    uint64_t *v = arg;
    v[v[0] * 2 + 1] = b;
    v[v[0] * 2 + 2] = e;
    v[0]++;
}

START_TEST(holes_and_reserved_ranges)
{
    /* the frame table went into the first free run that fits, in the
     * map's order: the start of the upper range */
    uint64_t table = ALIGN_UP((RAM >> PAGE_SHIFT) * sizeof(struct frame), PAGE_SIZE);
    ck_assert_int_eq(boot_reserved_count, 4);
    ck_assert_uint_eq(boot_reserved[3].base, 32UL << 20);
    ck_assert_uint_eq(boot_reserved[3].size, table);
    /* the pieces of the upper range: between the reserved ranges */
    uint64_t v[9] = { 0 };
    boot_for_each_free(32UL << 20, RAM, note_piece, v);
    ck_assert_uint_eq(v[0], 2);
    ck_assert_uint_eq(v[1], (32UL << 20) + table);
    ck_assert_uint_eq(v[2], 40UL << 20);
    ck_assert_uint_eq(v[3], (43UL << 20) + PAGE_SIZE);     /* 43 MiB + 100 rounds up to a page */
    ck_assert_uint_eq(v[4], RAM);
    uint64_t want = ((16UL << 20) - (2UL << 20) + RAM - (32UL << 20) - table - (3UL << 20) - PAGE_SIZE) / PAGE_SIZE;
    ck_assert_uint_eq(pmm_total_pages(), want);
    ck_assert_uint_eq(pmm_free_pages(), want);
    ck_assert_int_eq(pmm_node_of(20UL << 20), NUMA_NO_NODE);   /* the hole */
    ck_assert_int_eq(pmm_node_of(42UL << 20), NUMA_NO_NODE);   /* reserved */
    ck_assert_int_eq(pmm_node_of(50UL << 20), 0);
    uint64_t n = 0;
    phys_t p;
    static phys_t got[20000];
    while ((p = pmm_alloc_nozero()) != 0) {
        ck_assert(p >= (2UL << 20));
        ck_assert(p < (16UL << 20) || p >= (32UL << 20) + table);
        ck_assert(p < (40UL << 20) || p >= (43UL << 20) + PAGE_SIZE);
        got[n++] = p;
    }
    ck_assert_uint_eq(n, want);
    for (uint64_t i = 0; i < n; i++)
        pmm_put(got[i]);
    ck_assert_uint_eq(pmm_free_pages(), want);
    /* boot_alloc: the first free run that fits, below the limit, aligned */
    ck_assert_uint_eq(boot_alloc(64UL << 20, PAGE_SIZE, ~0UL), 0);
    ck_assert_uint_eq(boot_alloc(15UL << 20, PAGE_SIZE, 50UL << 20), 0);
    ck_assert_uint_eq(boot_alloc(15UL << 20, PAGE_SIZE, ~0UL), (43UL << 20) + PAGE_SIZE);
    ck_assert_uint_eq(boot_alloc(PAGE_SIZE, 4UL << 20, ~0UL), 36UL << 20);
    ck_assert_int_eq(boot_reserved_count, 6);
}
END_TEST

START_TEST(every_frame_once)
{
    uint64_t total = pmm_total_pages();
    ck_assert_uint_eq(pmm_free_pages(), total);
    ck_assert_uint_gt(total, 14000);
    static phys_t got[20000];
    uint64_t n = 0;
    phys_t p;
    while ((p = pmm_alloc_nozero()) != 0) {
        ck_assert_uint_lt(n, 20000);
        ck_assert_uint_ge(p, 0x100000);
        ck_assert(p < (8UL << 20) || p >= (9UL << 20));     /* never the reserved hole */
        ck_assert_uint_eq(p % PAGE_SIZE, 0);
        got[n++] = p;
    }
    ck_assert_uint_eq(n, total);
    ck_assert_uint_eq(pmm_free_pages(), 0);
    /* distinct: mark each frame's first byte */
    for (uint64_t i = 0; i < n; i++)
        *(uint32_t *)P2V(got[i]) = 0;
    for (uint64_t i = 0; i < n; i++) {
        ck_assert_uint_eq(*(uint32_t *)P2V(got[i]), 0);
        *(uint32_t *)P2V(got[i]) = 1;
    }
    for (uint64_t i = 0; i < n; i++)
        pmm_put(got[i]);
    ck_assert_uint_eq(pmm_free_pages(), total);
    /* everything merged back: a maximal block exists again */
    phys_t big = pmm_alloc_contig(PMM_MAX_ORDER);
    ck_assert_uint_ne(big, 0);
    pmm_free_contig(big, PMM_MAX_ORDER);
}
END_TEST

START_TEST(contiguous_blocks_are_aligned)
{
    for (unsigned order = 0; order <= PMM_MAX_ORDER; order++) {
        phys_t p = pmm_alloc_contig(order);
        ck_assert_uint_ne(p, 0);
        ck_assert_uint_eq(p % (PAGE_SIZE << order), 0);
        pmm_free_contig(p, order);
    }
    ck_assert_uint_eq(pmm_alloc_contig(PMM_MAX_ORDER + 1), 0);
    ck_assert_uint_eq(pmm_free_pages(), pmm_total_pages());
}
END_TEST

START_TEST(zeroed_and_refcounted)
{
    phys_t p = pmm_alloc();
    ck_assert_uint_ne(p, 0);
    for (size_t i = 0; i < PAGE_SIZE; i++)
        ck_assert_int_eq(((unsigned char *)P2V(p))[i], 0);
    uint64_t free_before = pmm_free_pages();
    pmm_get(p);
    ck_assert_uint_eq(pmm_refcount(p), 2);
    pmm_put(p);
    ck_assert_uint_eq(pmm_free_pages(), free_before);   /* still referenced */
    pmm_put(p);
    ck_assert_uint_eq(pmm_free_pages(), free_before + 1);
}
END_TEST

static bool filled(const char *p, size_t n, int v)
{
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)p[k] != v)
            return false;
    return true;
}

START_TEST(kmalloc_sizes_do_not_overlap)
{
    enum { N = 3000 };
    static char *ptr[N];
    static size_t len[N];
    uint64_t free_before = pmm_free_pages();
    srand(7);
    for (int i = 0; i < N; i++) {
        len[i] = 1 + (size_t)rand() % (i % 10 == 0 ? 20000 : 300);
        ptr[i] = kmalloc(len[i]);
        ck_assert_ptr_nonnull(ptr[i]);
        ck_assert_uint_eq((uintptr_t)ptr[i] % 16, 0);
        memset(ptr[i], i & 0xff, len[i]);
    }
    for (int i = 0; i < N; i++)
        ck_assert_msg(filled(ptr[i], len[i], i & 0xff), "allocation %d was overwritten", i);
    for (int i = 0; i < N; i += 2)
        kfree(ptr[i]);
    for (int i = 0; i < N; i += 2) {
        ptr[i] = kzalloc(len[i]);
        ck_assert_ptr_nonnull(ptr[i]);
        ck_assert(filled(ptr[i], len[i], 0));
    }
    for (int i = 0; i < N; i++)
        kfree(ptr[i]);
    kfree(NULL);
    ck_assert_uint_eq(pmm_free_pages(), free_before);   /* every slab page returned */
}
END_TEST

START_TEST(exhaustion_returns_null)
{
    uint64_t n = 0;
    void *last = NULL;
    void **chain = NULL;
    while ((last = kmalloc(100000)) != NULL) {
        *(void **)last = chain;
        chain = last;
        n++;
    }
    ck_assert_uint_gt(n, 100);
    ck_assert_ptr_null(kmalloc(64 * 1024));
    while (chain) {
        void **next = *chain;
        kfree(chain);
        chain = next;
    }
    ck_assert_uint_eq(pmm_free_pages(), pmm_total_pages());
}
END_TEST

/* The counters behind /proc/kmemstat follow every allocation and free: a
 * leak check that compares them can only be as exact as they are. */
START_TEST(heap_stats_follow_allocations)
{
    struct kheap_stats st;
    kheap_stats(&st);
    ck_assert_uint_eq(st.objects, 0);
    ck_assert_uint_eq(st.bytes, 0);
    ck_assert_uint_eq(st.frames, 0);
    uint64_t free_before = pmm_free_pages();

    void *small[300], *big = kmalloc(5000);    /* 5000 + header: an order-1 run */
    for (int i = 0; i < 300; i++)
        small[i] = kmalloc(100);               /* the 128-byte class, 31 to a slab */
    kheap_stats(&st);
    ck_assert_uint_eq(st.objects, 301);
    ck_assert_uint_eq(st.bytes, 300 * 128 + 2 * 4096);
    ck_assert_uint_eq(st.frames, 10 + 2);      /* ceil(300 / 31) slabs and the run */
    ck_assert_uint_eq(pmm_free_pages(), free_before - st.frames);

    kfree(big);
    for (int i = 0; i < 300; i += 2)
        kfree(small[i]);
    kheap_stats(&st);
    ck_assert_uint_eq(st.objects, 150);
    ck_assert_uint_eq(st.bytes, 150 * 128);
    ck_assert_uint_eq(pmm_free_pages(), free_before - st.frames);

    for (int i = 1; i < 300; i += 2)
        kfree(small[i]);
    kheap_stats(&st);
    ck_assert_uint_eq(st.objects, 0);
    ck_assert_uint_eq(st.bytes, 0);
    ck_assert_uint_eq(st.frames, 0);
    ck_assert_uint_eq(pmm_free_pages(), free_before);
}
END_TEST

START_TEST(numa_topology_from_srat_and_slit)
{
    ck_assert_int_eq(numa_nodes, 2);
    ck_assert_int_eq(numa_distance(0, 0), 10);
    ck_assert_int_eq(numa_distance(0, 1), 21);
    ck_assert_int_eq(numa_distance(1, 0), 21);
    ck_assert_int_eq(numa_fallback_order(1)[0], 1);
    ck_assert_int_eq(numa_fallback_order(1)[1], 0);
    ck_assert_int_eq(numa_node_of_phys(NODE1_BASE - 1), 0);
    ck_assert_int_eq(numa_node_of_phys(NODE1_BASE), 1);
    ck_assert_int_eq(cpu_to_node(0), 0);
    ck_assert_int_eq(cpu_to_node(1), 1);
    ck_assert_int_eq(numa_node_id(), 0);
}
END_TEST

START_TEST(numa_bad_slit_is_ignored)
{
    ck_assert_int_eq(numa_nodes, 2);
    ck_assert_int_eq(numa_distance(0, 1), 20);
    ck_assert_int_eq(numa_distance(1, 1), 10);
}
END_TEST

START_TEST(frames_stay_on_their_node)
{
    struct pmm_node_stats n0, n1;
    pmm_node_stats(0, &n0);
    pmm_node_stats(1, &n1);
    ck_assert_uint_eq(n0.total + n1.total, pmm_total_pages());
    ck_assert_uint_eq(n1.total, (RAM - NODE1_BASE) / PAGE_SIZE);
    ck_assert_uint_eq(n1.free, n1.total);
    /* node 1 only: exactly its frames, then nothing */
    static phys_t got[20000];
    uint64_t n = 0;
    phys_t p;
    while ((p = pmm_alloc_node(1, 1ULL << 1, 0, 0)) != 0) {
        ck_assert_uint_ge(p, NODE1_BASE);
        ck_assert_int_eq(pmm_node_of(p), 1);
        got[n++] = p;
    }
    ck_assert_uint_eq(n, n1.total);
    /* any node: falls back to node 0, counted as a miss there */
    p = pmm_alloc_node(1, ~0ULL, 0, 0);
    ck_assert_uint_ne(p, 0);
    ck_assert_uint_lt(p, NODE1_BASE);
    pmm_node_stats(0, &n0);
    pmm_node_stats(1, &n1);
    ck_assert_uint_eq(n0.numa_miss, 1);
    ck_assert_uint_eq(n1.numa_foreign, 1);
    ck_assert_uint_eq(n1.numa_hit, n);
    pmm_put(p);
    for (uint64_t i = 0; i < n; i++)
        pmm_put(got[i]);
    ck_assert_uint_eq(pmm_free_pages(), pmm_total_pages());
    /* no block straddles the boundary, whichever way it was merged */
    uint64_t blocks = 0;
    for (unsigned order = PMM_MAX_ORDER + 1; order-- > 0;)
        while ((p = pmm_alloc_contig(order)) != 0) {
            ck_assert_int_eq(pmm_node_of(p), pmm_node_of(p + (PAGE_SIZE << order) - PAGE_SIZE));
            blocks += 1UL << order;
        }
    ck_assert_uint_eq(blocks, pmm_total_pages());
}
END_TEST

int main(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("pmm_kheap");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_frame_once);
    tcase_add_test(tc, contiguous_blocks_are_aligned);
    tcase_add_test(tc, zeroed_and_refcounted);
    tcase_add_test(tc, kmalloc_sizes_do_not_overlap);
    tcase_add_test(tc, exhaustion_returns_null);
    tcase_add_test(tc, heap_stats_follow_allocations);
    suite_add_tcase(s, tc);
    TCase *holes = tcase_create("holes");
    tcase_add_checked_fixture(holes, setup_holes, teardown);
    tcase_add_test(holes, holes_and_reserved_ranges);
    suite_add_tcase(s, holes);
    TCase *numa = tcase_create("numa");
    tcase_add_checked_fixture(numa, setup_numa, teardown);
    tcase_add_test(numa, numa_topology_from_srat_and_slit);
    tcase_add_test(numa, frames_stay_on_their_node);
    suite_add_tcase(s, numa);
    TCase *bad = tcase_create("numa_bad_slit");
    tcase_add_checked_fixture(bad, setup_numa_bad_slit, teardown);
    tcase_add_test(bad, numa_bad_slit_is_ignored);
    suite_add_tcase(s, bad);
    return run_suite(s);
}
