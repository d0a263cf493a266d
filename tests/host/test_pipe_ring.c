/*
 * Host tests of the pipe's page ring (kernel/fs/pipe_ring.c): capacity,
 * FIFO order across page boundaries and wrap-around, partial reads and
 * writes, spans never crossing a page, lazy page allocation and its failure,
 * resizing (F_SETPIPE_SZ) with data held, and packets (a page each, read
 * one at a time, padding never read, kept across a resize).
 */
#include <check.h>

#include "check_main.h"
#include <stdlib.h>
#include <string.h>

#include "../../kernel/fs/pipe_ring.c"

static int pages_live, allocs, fail_after = -1;

static void *alloc_page(void *ctx)
{
    (void)ctx;
    if (fail_after >= 0 && allocs >= fail_after)
        return NULL;
    allocs++;
    pages_live++;
    return calloc(1, PIPE_PAGE_SIZE);
}

static void free_page(void *ctx, void *p)
{
    (void)ctx;
    pages_live--;
    free(p);
}

static struct pipe_ring r;

static void setup(void)
{
    pages_live = allocs = 0;
    fail_after = -1;
    pipe_ring_init(&r, alloc_page, free_page, NULL);
}

static void teardown(void)
{
    pipe_ring_release(&r);
    ck_assert_int_eq(pages_live, 0);
}

/* A deterministic byte stream: byte i of the stream is pat(i). */
static uint8_t pat(size_t i) { return (uint8_t)(i * 7 + (i >> 8)); }

START_TEST(empty_ring)
{
    uint8_t *p;
    ck_assert_uint_eq(pipe_ring_used(&r), 0);
    ck_assert_uint_eq(pipe_ring_space(&r), 65536);
    ck_assert_uint_eq(pipe_ring_read_span(&r, &p), 0);
    ck_assert_int_eq(allocs, 0);          /* nothing allocated until written */
}
END_TEST

START_TEST(fills_to_exactly_64k)
{
    static uint8_t buf[70000];
    memset(buf, 'a', sizeof(buf));
    ck_assert_uint_eq(pipe_ring_put(&r, buf, sizeof(buf)), 65536);
    ck_assert_uint_eq(pipe_ring_space(&r), 0);
    ck_assert_uint_eq(pipe_ring_put(&r, buf, 1), 0);
    ck_assert_int_eq(allocs, 16);
}
END_TEST

START_TEST(partial_reads_preserve_order)
{
    ck_assert_uint_eq(pipe_ring_put(&r, "hello world", 11), 11);
    char out[16] = {0};
    ck_assert_uint_eq(pipe_ring_get(&r, out, 5), 5);
    ck_assert_str_eq(out, "hello");
    memset(out, 0, sizeof(out));
    ck_assert_uint_eq(pipe_ring_get(&r, out, 100), 6);
    ck_assert_str_eq(out, " world");
    ck_assert_uint_eq(pipe_ring_used(&r), 0);
}
END_TEST

START_TEST(spans_never_cross_a_page)
{
    static uint8_t buf[5000];
    pipe_ring_put(&r, buf, 4000);
    uint8_t *p;
    size_t k = pipe_ring_write_span(&r, &p);
    ck_assert_uint_eq(k, 96);             /* up to the end of page 0 */
    pipe_ring_put(&r, buf, 1000);
    ck_assert_uint_eq(pipe_ring_read_span(&r, &p), 4096);
    pipe_ring_consume(&r, 4096);
    ck_assert_uint_eq(pipe_ring_read_span(&r, &p), 904);
}
END_TEST

START_TEST(wraps_around_many_times)
{
    /* Odd-sized writes and reads push the positions round the ring ~20
     * times; the stream must come out intact. */
    size_t wpos = 0, rpos = 0;
    uint8_t chunk[9001];
    while (rpos < 20 * 65536) {
        size_t wn = 1 + (wpos % 9000);
        for (size_t i = 0; i < wn; i++)
            chunk[i] = pat(wpos + i);
        size_t put = pipe_ring_put(&r, chunk, wn);
        ck_assert_uint_le(pipe_ring_used(&r), 65536);
        wpos += put;
        size_t rn = 1 + (rpos * 13 % 7777);
        size_t got = pipe_ring_get(&r, chunk, rn);
        size_t bad = got;
        for (size_t i = 0; i < got && bad == got; i++)
            if (chunk[i] != pat(rpos + i))
                bad = i;
        ck_assert_uint_eq(bad, got);
        rpos += got;
    }
    ck_assert_int_le(allocs, 16);         /* pages are reused, not leaked */
}
END_TEST

START_TEST(full_then_drain_then_refill)
{
    static uint8_t buf[65536];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = pat(i);
    ck_assert_uint_eq(pipe_ring_put(&r, buf, 65536), 65536);
    static uint8_t out[65536];
    ck_assert_uint_eq(pipe_ring_get(&r, out, 30000), 30000);
    ck_assert_uint_eq(pipe_ring_put(&r, buf, 30000), 30000);   /* wraps */
    ck_assert_uint_eq(pipe_ring_get(&r, out + 30000, 35536), 35536);
    ck_assert_mem_eq(out, buf, 65536);
    ck_assert_uint_eq(pipe_ring_get(&r, out, 30000), 30000);
    ck_assert_mem_eq(out, buf, 30000);
}
END_TEST

START_TEST(empty_ring_rewinds_inside_page)
{
    pipe_ring_put(&r, "abc", 3);
    char out[3];
    pipe_ring_get(&r, out, 3);
    uint8_t *p;
    ck_assert_uint_eq(pipe_ring_write_span(&r, &p), 4096);   /* whole page again */
}
END_TEST

START_TEST(allocation_failure_is_a_short_write)
{
    fail_after = 2;
    static uint8_t buf[3 * 4096];
    ck_assert_uint_eq(pipe_ring_put(&r, buf, sizeof(buf)), 2 * 4096);
    uint8_t *p;
    ck_assert_uint_eq(pipe_ring_write_span(&r, &p), 0);
    ck_assert_ptr_null(p);
    ck_assert_uint_eq(pipe_ring_space(&r), 65536 - 8192);     /* not "full" */
}
END_TEST

/* Reads n bytes and checks them against the stream from byte `from`. */
static void expect_stream(size_t from, size_t n)
{
    static uint8_t buf[256 * 1024];
    ck_assert_uint_eq(pipe_ring_get(&r, buf, n), n);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(buf[i], pat(from + i));
}

static void put_stream(size_t from, size_t n)
{
    static uint8_t buf[256 * 1024];
    for (size_t i = 0; i < n; i++)
        buf[i] = pat(from + i);
    ck_assert_uint_eq(pipe_ring_put(&r, buf, n), n);
}

START_TEST(grow_keeps_data_in_order)
{
    put_stream(0, 50000);
    expect_stream(0, 1000);                     /* the head is inside a page */
    uint8_t **array = calloc(1, PIPE_RING_ARRAY_BYTES(64));
    ck_assert(pipe_ring_resize(&r, array, 64));
    ck_assert_uint_eq(pipe_ring_capacity(&r), 64 * 4096);
    ck_assert_uint_eq(pipe_ring_used(&r), 49000);
    put_stream(50000, 64 * 4096 - 49000 - 100);  /* all but 100 bytes of the new room */
    ck_assert_uint_eq(pipe_ring_space(&r), 100);
    expect_stream(1000, 64 * 4096 - 100);
    ck_assert_uint_eq(pipe_ring_used(&r), 0);
    pipe_ring_release(&r);
    free(array);
    pipe_ring_init(&r, alloc_page, free_page, NULL);    /* for the teardown */
}
END_TEST

START_TEST(shrink_frees_pages_without_data)
{
    put_stream(0, 3 * 4096);
    expect_stream(0, 2 * 4096 + 4000);          /* 96 bytes left, in the third page */
    ck_assert_int_eq(pages_live, 3);
    ck_assert(pipe_ring_resize(&r, r.slots, 1));
    ck_assert_int_eq(pages_live, 1);
    ck_assert_uint_eq(pipe_ring_capacity(&r), 4096);
    put_stream(3 * 4096, 4000);                 /* fills the one page, wrapping inside it */
    ck_assert_uint_eq(pipe_ring_space(&r), 0);
    ck_assert(!pipe_ring_resize(&r, r.slots, 2)); /* data wraps inside the page: refused */
    expect_stream(2 * 4096 + 4000, 96 + 4000);
    ck_assert(pipe_ring_resize(&r, r.slots, 4));
    put_stream(0, 4 * 4096);
    ck_assert_uint_eq(pipe_ring_space(&r), 0);
    ck_assert(!pipe_ring_resize(&r, r.slots, 2)); /* more data than two pages: refused */
    expect_stream(0, 4 * 4096);
}
END_TEST

START_TEST(shrink_within_slots_keeps_data)
{
    put_stream(0, 10 * 4096);
    expect_stream(0, 7 * 4096 + 5);
    ck_assert(pipe_ring_resize(&r, r.slots, 4));
    ck_assert_int_eq(pages_live, 3);
    put_stream(10 * 4096, 4096 + 5);            /* the last 5 bytes wrap into the first page */
    ck_assert_uint_eq(pipe_ring_space(&r), 0);
    expect_stream(7 * 4096 + 5, 4 * 4096);
}
END_TEST

/* Writes a packet as pipe.c does: pad to a page of its own, then seal it. */
static void put_packet(const char *s)
{
    size_t n = strlen(s);
    pipe_ring_pad(&r);
    ck_assert_uint_eq(pipe_ring_put(&r, s, n), n);
    pipe_ring_end_packet(&r, n);
}

/* Reads one span as pipe.c's read does; returns it as a string. */
static const char *take(void)
{
    static char out[PIPE_PAGE_SIZE + 1];
    uint8_t *p;
    size_t n = pipe_ring_read_span(&r, &p);
    memcpy(out, p, n);
    out[n] = 0;
    pipe_ring_consume(&r, n);
    return out;
}

START_TEST(packets_take_a_page_each)
{
    ck_assert_uint_eq(pipe_ring_put(&r, "stream", 6), 6);
    ck_assert(pipe_ring_can_merge(&r, 10));
    ck_assert_uint_eq(pipe_ring_pad_needed(&r), 4096 - 6);
    put_packet("one");
    put_packet("two");
    ck_assert(!pipe_ring_can_merge(&r, 1));           /* after a packet: a new page */
    ck_assert_uint_eq(pipe_ring_used(&r), 3 * 4096);
    ck_assert_uint_eq(pipe_ring_bytes(&r), 12);
    ck_assert(!pipe_ring_at_packet(&r));
    ck_assert_str_eq(take(), "stream");                /* stops at the end of the sealed data */
    ck_assert(pipe_ring_at_packet(&r));
    /* tee's walk sees the same spans without consuming */
    uint8_t *p;
    size_t next, n = pipe_ring_span_at(&r, r.head, &p, &next);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(pipe_ring_span_at(&r, next, &p, &next), 3);
    ck_assert(memcmp(p, "two", 3) == 0);
    ck_assert_uint_eq(next, r.tail);
    ck_assert_str_eq(take(), "one");
    ck_assert_str_eq(take(), "two");
    ck_assert_uint_eq(pipe_ring_used(&r), 0);
    /* sixteen packets fill the ring, whatever their size */
    for (int i = 0; i < 16; i++)
        put_packet("x");
    ck_assert_uint_eq(pipe_ring_space(&r), 0);
    for (int i = 0; i < 16; i++)
        ck_assert_str_eq(take(), "x");
    ck_assert_uint_eq(pipe_ring_used(&r), 0);
}
END_TEST

START_TEST(full_page_packet_and_resize)
{
    static char page[PIPE_PAGE_SIZE + 1];
    memset(page, 'p', PIPE_PAGE_SIZE);
    put_packet(page);                                  /* no padding at all */
    put_packet("after");
    ck_assert_uint_eq(pipe_ring_used(&r), 2 * 4096);
    uint8_t **array = calloc(1, PIPE_RING_ARRAY_BYTES(32));
    ck_assert(pipe_ring_resize(&r, array, 32));
    ck_assert(pipe_ring_at_packet(&r));
    ck_assert_uint_eq(strlen(take()), PIPE_PAGE_SIZE);
    ck_assert(pipe_ring_at_packet(&r));                /* the seal moved with its page */
    ck_assert_str_eq(take(), "after");
    put_packet("back");
    ck_assert(pipe_ring_resize(&r, r.slots, 16));
    ck_assert_str_eq(take(), "back");
    ck_assert_uint_eq(pipe_ring_used(&r), 0);
    free(array);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pipe_ring");
    TCase *tc = tcase_create("ring");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, empty_ring);
    tcase_add_test(tc, packets_take_a_page_each);
    tcase_add_test(tc, full_page_packet_and_resize);
    tcase_add_test(tc, fills_to_exactly_64k);
    tcase_add_test(tc, partial_reads_preserve_order);
    tcase_add_test(tc, spans_never_cross_a_page);
    tcase_add_test(tc, wraps_around_many_times);
    tcase_add_test(tc, full_then_drain_then_refill);
    tcase_add_test(tc, empty_ring_rewinds_inside_page);
    tcase_add_test(tc, allocation_failure_is_a_short_write);
    tcase_add_test(tc, grow_keeps_data_in_order);
    tcase_add_test(tc, shrink_frees_pages_without_data);
    tcase_add_test(tc, shrink_within_slots_keeps_data);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(suite()); }
