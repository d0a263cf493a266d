/* Host tests for the physical frame allocator (buddy + reference counts) and
 * the kernel heap, run over a buffer that stands in for physical memory. */
#include <check.h>

#include "check_main.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#include "../../kernel/mm/pmm.c"
#include "../../kernel/mm/kheap.c"

struct mem_region boot_usable[4], boot_reserved[4];
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

static void teardown(void) { free(host_phys_base); }

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
    return run_suite(s);
}
