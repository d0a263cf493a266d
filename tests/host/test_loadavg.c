/*
 * Host tests of the load average's arithmetic (kernel/sched/loadavg.c),
 * Linux's fixed-point exponential decay sampled every 5 seconds:
 * an idle system stays at 0.00; one busy task for a minute gives the
 * textbook 1 - 1/e on the 1-minute average (and 1 - e^-1/5, 1 - e^-1/15 on
 * the others); a steady load is reached exactly (rounding up while rising)
 * and a vanished one decays to exactly 0 (rounding down while falling);
 * a late sample covering several periods counts each of them.
 */
#include <check.h>

#include "check_main.h"
#include <math.h>

#include "../../kernel/sched/loadavg.c"

#define FIXED LOADAVG_FIXED_1
#define PER_MINUTE 12           /* samples */

static double as_double(unsigned long v) { return (double)v / FIXED; }

START_TEST(idle_stays_zero)
{
    unsigned long avg[3] = { 0, 0, 0 };
    loadavg_feed(avg, 0, 1000);
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(avg[i], 0);
}
END_TEST

START_TEST(one_task_for_a_minute)
{
    unsigned long avg[3] = { 0, 0, 0 };
    loadavg_feed(avg, 1, 1);
    ck_assert_uint_gt(avg[0], 0);       /* the first sample already shows it */
    loadavg_feed(avg, 1, PER_MINUTE - 1);
    ck_assert_double_eq_tol(as_double(avg[0]), 1 - exp(-1.0), 0.01);
    ck_assert_double_eq_tol(as_double(avg[1]), 1 - exp(-1.0 / 5), 0.01);
    ck_assert_double_eq_tol(as_double(avg[2]), 1 - exp(-1.0 / 15), 0.01);
}
END_TEST

START_TEST(steady_load_is_reached_exactly)
{
    unsigned long avg[3] = { 0, 0, 0 };
    loadavg_feed(avg, 2, 720);          /* an hour */
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(avg[i], 2 * FIXED);
}
END_TEST

START_TEST(vanished_load_decays_to_zero)
{
    unsigned long avg[3] = { FIXED, FIXED, FIXED };
    loadavg_feed(avg, 0, PER_MINUTE);
    ck_assert_double_eq_tol(as_double(avg[0]), exp(-1.0), 0.01);
    unsigned long prev = avg[0];
    int samples = PER_MINUTE;
    while (avg[0] > 0 && samples < 1000) {
        loadavg_feed(avg, 0, 1);
        ck_assert_uint_lt(avg[0], prev);    /* strictly falling, never stuck above 0 */
        prev = avg[0];
        samples++;
    }
    ck_assert_uint_eq(avg[0], 0);
    ck_assert_int_lt(samples, 10 * PER_MINUTE);
    /* a small load left by a short burst (0.01) reads 0.00 within a minute:
     * printing rounds, and 0.00 is anything under 0.005 */
    unsigned long small[3] = { FIXED / 100, 0, 0 };
    loadavg_feed(small, 0, PER_MINUTE);
    ck_assert_uint_lt(small[0] + FIXED / 200, FIXED / 100);
}
END_TEST

START_TEST(late_sample_counts_every_period)
{
    unsigned long a[3] = { 300, 200, 100 }, b[3] = { 300, 200, 100 };
    loadavg_feed(a, 3, 7);
    for (int i = 0; i < 7; i++)
        loadavg_feed(b, 3, 1);
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(a[i], b[i]);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("loadavg");
    TCase *tc = tcase_create("loadavg");
    tcase_add_test(tc, idle_stays_zero);
    tcase_add_test(tc, one_task_for_a_minute);
    tcase_add_test(tc, steady_load_is_reached_exactly);
    tcase_add_test(tc, vanished_load_decays_to_zero);
    tcase_add_test(tc, late_sample_counts_every_period);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(suite()); }
