/*
 * Host tests of the kernel log's record ring and text forms
 * (kernel/logbuf.c): storing and reading back, dropping the oldest records,
 * the wrap marker, readers' positions across wrap-arounds and overruns,
 * and the syslog, console and /dev/kmsg forms of a record.
 */
#include <check.h>

#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/logbuf.c"

static uint64_t mem[8192 / 8];
static struct logbuf lb;

static void setup(void)
{
    memset(mem, 0xa5, sizeof mem);      /* stale bytes must never be read as records */
    logbuf_init(&lb, mem, sizeof mem);
}

/* The text of record seq in the stress tests: its length varies with seq. */
static size_t make_text(uint64_t seq, char *out)
{
    size_t len = (seq * 37 + seq / 3) % (LOG_TEXT_MAX + 1);
    for (size_t i = 0; i < len; i++)
        out[i] = (char)('a' + (seq + i) % 26);
    return len;
}

static void check_record(const struct log_rec *r, uint64_t seq)
{
    char want[LOG_TEXT_MAX];
    size_t len = make_text(seq, want);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->text_len, len);
    ck_assert_uint_eq(r->ts_ns, seq * 1000);
    ck_assert_uint_eq(r->level, seq % 8);
    ck_assert_int_eq(memcmp(log_rec_text(r), want, len), 0);
    ck_assert_uint_eq(r->size % 8, 0);
    ck_assert((const char *)r >= (const char *)mem);
    ck_assert(log_rec_text(r) + len <= (const char *)mem + sizeof mem);
}

static uint64_t store_seq(uint64_t seq)
{
    char text[LOG_TEXT_MAX];
    size_t len = make_text(seq, text);
    return logbuf_store(&lb, seq * 1000, LOG_FAC_KERN, (int)(seq % 8), text, len);
}

/* Every record from first to next is there, in order, intact. */
static void check_all(void)
{
    struct log_pos p = lb.first;
    const struct log_rec *r;
    uint64_t n = 0;
    while ((r = logbuf_at(&lb, &p))) {
        check_record(r, p.seq);
        logbuf_step(&lb, &p);
        n++;
    }
    ck_assert_uint_eq(p.seq, lb.next.seq);
    ck_assert_uint_eq(n, lb.next.seq - lb.first.seq);
}

START_TEST(empty_ring)
{
    struct log_pos p = lb.first;
    ck_assert_ptr_null(logbuf_at(&lb, &p));
    ck_assert(!logbuf_clamp(&lb, &p));
    ck_assert_uint_eq(lb.next.seq, 0);
}
END_TEST

START_TEST(store_and_read_back)
{
    ck_assert_uint_eq(logbuf_store(&lb, 5, LOG_FAC_KERN, 6, "hello", 5), 0);
    ck_assert_uint_eq(logbuf_store(&lb, 7, LOG_FAC_USER, 3, "", 0), 1);
    struct log_pos p = lb.first;
    const struct log_rec *r = logbuf_at(&lb, &p);
    ck_assert_uint_eq(r->text_len, 5);
    ck_assert_uint_eq(r->level, 6);
    ck_assert_uint_eq(r->facility, 0);
    ck_assert_int_eq(memcmp(log_rec_text(r), "hello", 5), 0);
    logbuf_step(&lb, &p);
    r = logbuf_at(&lb, &p);
    ck_assert_uint_eq(r->text_len, 0);
    ck_assert_uint_eq(r->facility, 1);
    ck_assert_uint_eq(r->ts_ns, 7);
    logbuf_step(&lb, &p);
    ck_assert_ptr_null(logbuf_at(&lb, &p));
}
END_TEST

START_TEST(long_text_is_cut)
{
    static char big[LOG_TEXT_MAX + 100];
    memset(big, 'x', sizeof big);
    logbuf_store(&lb, 0, 0, 0, big, sizeof big);
    struct log_pos p = lb.first;
    ck_assert_uint_eq(logbuf_at(&lb, &p)->text_len, LOG_TEXT_MAX);
}
END_TEST

/* Thousands of records of every length through an 8 KiB ring: the oldest
 * go, the rest stay whole, and the ring never holds less than half. */
START_TEST(wrap_around_keeps_records_whole)
{
    for (uint64_t seq = 0; seq < 5000; seq++) {
        ck_assert_uint_eq(store_seq(seq), seq);
        check_all();
        size_t used = 0;
        struct log_pos p = lb.first;
        for (const struct log_rec *r; (r = logbuf_at(&lb, &p)); logbuf_step(&lb, &p))
            used += r->size;
        if (lb.first.seq > 0)           /* records were dropped: the ring was full */
            ck_assert_uint_ge(used + 2 * (LOG_TEXT_MAX + 2 * sizeof(struct log_rec)), sizeof mem / 2);
    }
    ck_assert_uint_gt(lb.first.seq, 4000);
}
END_TEST

/* A reader's position stays valid while its record is kept, and is moved
 * to the oldest record (reporting the loss) once it is not. */
START_TEST(reader_positions)
{
    for (uint64_t seq = 0; seq < 10; seq++)
        store_seq(seq);
    struct log_pos mid = lb.first;
    logbuf_step(&lb, &mid);
    logbuf_step(&lb, &mid);
    uint64_t seq = 10;
    while (lb.first.seq <= mid.seq) {
        ck_assert(!logbuf_clamp(&lb, &mid));
        check_record(logbuf_at(&lb, &mid), mid.seq);
        store_seq(seq++);
    }
    ck_assert(logbuf_clamp(&lb, &mid));
    ck_assert_uint_eq(mid.seq, lb.first.seq);
    check_record(logbuf_at(&lb, &mid), mid.seq);
}
END_TEST

/* A position at the end follows a record that wraps to offset 0. */
START_TEST(end_position_follows_the_wrap)
{
    for (uint64_t seq = 0; seq < 2000; seq++) {
        struct log_pos end = lb.next;
        store_seq(seq);
        check_record(logbuf_at(&lb, &end), seq);
    }
}
END_TEST

/* ---- text forms ---- */

static char out[8192];
static size_t out_len;

static void collect(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    ck_assert_uint_le(out_len + n, sizeof out);
    memcpy(out + out_len, s, n);
    out_len += n;
}

static const char *lines(const char *text, int facility, int level, uint64_t ts, bool syslog, const char *eol)
{
    struct log_rec r = { .ts_ns = ts, .text_len = (uint16_t)strlen(text), .level = (uint8_t)level,
                         .facility = (uint8_t)facility };
    out_len = 0;
    size_t n = log_format_lines(&r, text, syslog, eol, collect, NULL);
    ck_assert_uint_eq(n, out_len);
    ck_assert_uint_eq(log_format_lines(&r, text, syslog, eol, NULL, NULL), n);
    out[out_len] = 0;
    return out;
}

START_TEST(syslog_and_console_forms)
{
    ck_assert_str_eq(lines("hello", 0, 6, 1000002000ULL, true, "\n"), "<6>[    1.000002] hello\n");
    ck_assert_str_eq(lines("hello", 1, 4, 1000002000ULL, true, "\n"), "<12>[    1.000002] hello\n");
    ck_assert_str_eq(lines("hello", 0, 6, 123456789012345ULL, false, "\r\n"), "[123456.789012] hello\r\n");
    ck_assert_str_eq(lines("a\nb", 0, 3, 0, true, "\n"), "<3>[    0.000000] a\n<3>[    0.000000] b\n");
    ck_assert_str_eq(lines("a\n", 0, 3, 0, false, "\n"), "[    0.000000] a\n[    0.000000] \n");
    ck_assert_str_eq(lines("", 0, 3, 0, false, "\n"), "[    0.000000] \n");
}
END_TEST

START_TEST(kmsg_form)
{
    const char text[] = "a\tb\\c\nd\x80~";
    struct log_rec r = { .ts_ns = 1000002999ULL, .text_len = sizeof text - 1, .level = 6, .facility = 1 };
    out_len = 0;
    size_t n = log_format_kmsg(&r, text, 42, collect, NULL);
    ck_assert_uint_eq(n, out_len);
    ck_assert_uint_eq(log_format_kmsg(&r, text, 42, NULL, NULL), n);
    out[out_len] = 0;
    ck_assert_str_eq(out, "14,42,1000002,-;a\\x09b\\x5cc\\x0ad\\x80~\n");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("logbuf");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, empty_ring);
    tcase_add_test(tc, store_and_read_back);
    tcase_add_test(tc, long_text_is_cut);
    tcase_add_test(tc, wrap_around_keeps_records_whole);
    tcase_add_test(tc, reader_positions);
    tcase_add_test(tc, end_position_follows_the_wrap);
    tcase_add_test(tc, syslog_and_console_forms);
    tcase_add_test(tc, kmsg_form);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(suite()); }
