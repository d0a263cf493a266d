/*
 * The adaptive and proportional-share policies, rule by rule:
 *   MLFQ: new jobs at the top, demotion once the allotment is used, with the
 *         anti-gaming accounting (rule 4) and with the gameable 4a/4b, the
 *         priority boost (queued, running and blocked jobs), round robin
 *         within a level, preemption by a higher level;
 *   lottery: 75:25 tickets give ~75:25 of 100,000 draws with a fixed seed,
 *         the same seed gives the same draws, lent tickets and inflation count;
 *   stride: exact shares, and a newcomer joins at the minimum pass;
 *   fair:  CPU shares follow Linux's nice weights, placement at min_vruntime
 *         with a bounded sleeper credit, wake-up preemption;
 * and a task waking on another CPU's queue (fair, stride, MLFQ) is placed by
 * that queue's clock, not by the one it left.
 */
#include <check.h>

#include "check_main.h"
#include <stdlib.h>

#include "../../kernel/lib/rbtree.c"
#include "../../kernel/sched/policies.c"
#include "../../kernel/sched/policy_fifo.c"
#include "../../kernel/sched/policy_sjf.c"
#include "../../kernel/sched/policy_stcf.c"
#include "../../kernel/sched/policy_rr.c"
#include "../../kernel/sched/policy_mlfq.c"
#include "../../kernel/sched/policy_lottery.c"
#include "../../kernel/sched/policy_stride.c"
#include "../../kernel/sched/policy_fair.c"
#include "../../kernel/sched/policy_rt.c"
#include "../../kernel/sched/class.c"
#include <sched/policy_fair.h>
#include <sched/policy_lottery.h>
#include <sched/policy_mlfq.h>
#include "test_sched_harness.h"

#define MS SCHED_MS(1)

static struct sched_tunables mlfq_tun(bool antigaming, uint64_t boost)
{
    struct sched_tunables t;
    sched_tunables_default(&t); /* 3 levels, slices 10/20/40, allotments 20/40/80 */
    t.mlfq_antigaming = antigaming;
    t.mlfq_boost_ns = boost;
    return t;
}

START_TEST(mlfq_cpu_hog_starts_at_top_and_is_demoted_by_allotment)
{
    struct sched_tunables t = mlfq_tun(true, 0);
    struct h_core h;
    struct sched_entity a;
    h_init(&h, &sched_policy_mlfq, &t);
    h_entity(&a, 1);
    h_add(&h, &a, ENQ_NEW);
    h_run(&h, 1 * MS, MS);
    ck_assert_int_eq(mlfq_se(&a)->level, 0);
    h_run(&h, 19 * MS, MS); /* 20 ms: level 0's allotment */
    ck_assert_int_eq(mlfq_se(&a)->level, 1);
    h_run(&h, 40 * MS, MS);
    ck_assert_int_eq(mlfq_se(&a)->level, 2);
    h_run(&h, 500 * MS, MS); /* the bottom level keeps it */
    ck_assert_int_eq(mlfq_se(&a)->level, 2);
}
END_TEST

/* A job that runs 9 ms and then blocks briefly, forever (it "games" the
 * 10 ms slice).  Rule 4 demotes it after 20 ms of use at level 0 anyway;
 * with rules 4a/4b it stays at the top. */
static int gamer_level(bool antigaming)
{
    struct sched_tunables t = mlfq_tun(antigaming, 0);
    struct h_core h;
    struct sched_entity g, hog;
    h_init(&h, &sched_policy_mlfq, &t);
    h_entity(&g, 1), h_entity(&hog, 2);
    h_add(&h, &g, ENQ_NEW);
    h_add(&h, &hog, ENQ_NEW);
    for (int round = 0; round < 20; round++) {
        while (h.curr != &g)
            h_run(&h, MS, MS);
        uint64_t start = g.sum_exec_ns;
        while (h.curr == &g && g.sum_exec_ns - start < 9 * MS)
            h_run(&h, MS, MS);
        if (h.curr == &g) {
            h_put(&h, 0); /* blocks for I/O */
            h_run(&h, MS, MS);
            h_add(&h, &g, ENQ_WAKEUP);
        }
    }
    return mlfq_se(&g)->level;
}

START_TEST(mlfq_rule4_demotes_a_job_that_games_the_slice)
{
    ck_assert_int_eq(gamer_level(true), 2);
}
END_TEST

START_TEST(mlfq_rules_4a_4b_let_the_gaming_job_stay_on_top)
{
    ck_assert_int_eq(gamer_level(false), 0);
}
END_TEST

START_TEST(mlfq_round_robin_within_a_level)
{
    struct sched_tunables t = mlfq_tun(true, 0);
    t.mlfq_allot_ns[0] = SCHED_MS(1000);
    struct h_core h;
    struct sched_entity a, b;
    h_init(&h, &sched_policy_mlfq, &t);
    h_entity(&a, 1), h_entity(&b, 2);
    h_add(&h, &a, ENQ_NEW), h_add(&h, &b, ENQ_NEW);
    h_run(&h, 10 * MS, MS);
    ck_assert_uint_eq(a.sum_exec_ns, 10 * MS);
    h_run(&h, 10 * MS, MS);
    ck_assert_uint_eq(b.sum_exec_ns, 10 * MS);
    ck_assert_ptr_eq(h.curr, &b);
    h_run(&h, 1 * MS, MS);
    ck_assert_ptr_eq(h.curr, &a);
}
END_TEST

START_TEST(mlfq_higher_level_arrival_preempts_and_the_victim_keeps_its_slice)
{
    struct sched_tunables t = mlfq_tun(true, 0);
    struct h_core h;
    struct sched_entity hog, other, fresh;
    h_init(&h, &sched_policy_mlfq, &t);
    h_entity(&hog, 1), h_entity(&other, 2), h_entity(&fresh, 3);
    h_add(&h, &hog, ENQ_NEW);
    h_run(&h, 25 * MS, MS); /* hog at level 1, 5 ms into its slice */
    ck_assert_int_eq(mlfq_se(&hog)->level, 1);
    h_add(&h, &other, ENQ_NEW);
    ck_assert(h.resched); /* level 0 beats level 1 */
    h_run(&h, 20 * MS, MS); /* other uses its level-0 allotment, drops to 1 */
    ck_assert_int_eq(mlfq_se(&other)->level, 1);
    ck_assert_ptr_eq(h.curr, &other); /* not yet switched */
    h_run(&h, MS, MS);
    ck_assert_ptr_eq(h.curr, &hog); /* hog resumes first: it was at the head */
    h_add(&h, &fresh, ENQ_NEW);
    h_run(&h, MS, MS);
    ck_assert_ptr_eq(h.curr, &fresh);
}
END_TEST

START_TEST(mlfq_boost_moves_queued_running_and_blocked_jobs_to_the_top)
{
    struct sched_tunables t = mlfq_tun(true, SCHED_MS(400));
    struct h_core h;
    struct sched_entity a, b, sleeper;
    h_init(&h, &sched_policy_mlfq, &t);
    h_entity(&a, 1), h_entity(&b, 2), h_entity(&sleeper, 3);
    h_add(&h, &a, ENQ_NEW), h_add(&h, &b, ENQ_NEW), h_add(&h, &sleeper, ENQ_NEW);
    /* Run until the sleeper has been demoted, then block it. */
    while (mlfq_se(&sleeper)->level < 1 || h.curr != &sleeper)
        h_run(&h, MS, MS);
    h_put(&h, 0);
    h_run(&h, 150 * MS, MS);
    ck_assert_uint_lt(h.now, SCHED_MS(400));
    ck_assert_int_eq(mlfq_se(&a)->level + mlfq_se(&b)->level > 2, 1); /* both hogs demoted */
    int slept_at = mlfq_se(&sleeper)->level;
    ck_assert_int_ge(slept_at, 1);
    while (h.now < SCHED_MS(400))
        h_run(&h, MS, MS);
    h_run(&h, MS, MS);
    /* After the boost everyone is at the top: the running one, the queued
     * one (seen when picked) and the sleeper (seen when it wakes). */
    ck_assert_int_eq(mlfq_se(h.curr)->level, 0);
    h_add(&h, &sleeper, ENQ_WAKEUP);
    ck_assert_int_eq(mlfq_se(&sleeper)->level, 0);
    h_put(&h, ENQ_PREEMPTED);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(mlfq_se(h_pick(&h))->level, 0);
    ck_assert_ptr_null(h_pick(&h));
    ck_assert_uint_eq(mlfq_rq(&h.q.sys)->boost_epoch & 0xffffffffu, 1); /* one boost */
}
END_TEST

START_TEST(mlfq_without_boost_a_stream_of_short_jobs_starves_a_hog_with_boost_not)
{
    for (int boost = 0; boost < 2; boost++) {
        struct sched_tunables t = mlfq_tun(true, boost ? SCHED_MS(100) : 0);
        struct h_core h;
        static struct sched_entity hog, shorty[200];
        h_init(&h, &sched_policy_mlfq, &t);
        h_entity(&hog, 1000);
        h_add(&h, &hog, ENQ_NEW);
        h_run(&h, 100 * MS, MS);
        uint64_t before = hog.sum_exec_ns;
        /* Every 5 ms a new 5 ms job arrives: level 0 is never empty. */
        for (int i = 0; i < 200; i++) {
            h_entity(&shorty[i], (uint64_t)i);
            h_add(&h, &shorty[i], ENQ_NEW);
            for (int k = 0; k < 5; k++) {
                h_run(&h, MS, MS);
                if (h.curr == &shorty[i] && shorty[i].sum_exec_ns >= 5 * MS)
                    h_put(&h, 0);
            }
        }
        if (boost)
            ck_assert_uint_gt(hog.sum_exec_ns - before, 0);
        else
            ck_assert_uint_eq(hog.sum_exec_ns - before, 0);
    }
}
END_TEST

/* The class layer gives a preempted job back before charging it
 * (put_prev): a demotion charged then must still move the job to its new
 * level. */
START_TEST(mlfq_demotion_charged_after_requeue_moves_the_job)
{
    struct sched_tunables t = mlfq_tun(true, 0);
    struct h_core h;
    struct sched_entity a, b;
    h_init(&h, &sched_policy_mlfq, &t);
    h_entity(&a, 1), h_entity(&b, 2);
    h_add(&h, &a, ENQ_NEW);
    h_run(&h, 15 * MS, MS); /* a: 15 of its 20 ms at level 0 */
    h_add(&h, &b, ENQ_NEW);
    h.now += 6 * MS;        /* 6 ms more, not yet ticked */
    h_put(&h, ENQ_PREEMPTED);
    ck_assert_int_eq(mlfq_se(&a)->level, 1);
    ck_assert_ptr_eq(h_pick(&h), &b); /* level 0 first */
    ck_assert_ptr_eq(h_pick(&h), &a);
    ck_assert_ptr_null(h_pick(&h));
    ck_assert_uint_eq(mlfq_rq(&h.q.sys)->level_mask, 0);
}
END_TEST

/* The same for fair: the charge re-positions the queued job. */
START_TEST(fair_charge_after_requeue_reorders_the_tree)
{
    struct h_core h;
    struct sched_entity a, b;
    h_init(&h, &sched_policy_fair, NULL);
    h_entity(&a, 1), h_entity(&b, 2);
    h_add(&h, &a, ENQ_NEW);
    ck_assert_ptr_eq(h_pick(&h), &a);
    fair_se(&b)->vruntime = SCHED_MS(2); /* behind a's 0, ahead of a's 5 after the charge */
    h_add(&h, &b, ENQ_PREEMPTED);
    h.now += SCHED_MS(5); /* a ran 5 ms, charged only by put_prev */
    h_put(&h, ENQ_PREEMPTED);
    ck_assert_ptr_eq(h_pick(&h), &b);
}
END_TEST

static uint64_t count_draws(uint64_t seed, uint32_t ta, uint32_t tb, uint32_t lent_b, int draws, uint64_t *first)
{
    struct sched_tunables t;
    sched_tunables_default(&t);
    t.lottery_seed = seed;
    struct h_core h;
    struct sched_entity a, b;
    h_init(&h, &sched_policy_lottery, &t);
    h_entity(&a, 1), h_entity(&b, 2);
    a.tickets = ta, b.tickets = tb, b.lent_tickets = lent_b;
    h_add(&h, &a, ENQ_NEW), h_add(&h, &b, ENQ_NEW);
    uint64_t wins_a = 0, bits = 0;
    for (int i = 0; i < draws; i++) {
        struct sched_entity *w = h_pick(&h);
        wins_a += w == &a;
        if (i < 64)
            bits |= (uint64_t)(w == &a) << i;
        h_put(&h, ENQ_PREEMPTED);
    }
    if (first)
        *first = bits;
    return wins_a;
}

START_TEST(lottery_75_25_tickets_converge_to_75_25_share)
{
    uint64_t a = count_draws(42, 75, 25, 0, 100000, NULL);
    ck_assert_msg(a > 74000 && a < 76000, "A won %llu of 100000", (unsigned long long)a);
}
END_TEST

START_TEST(lottery_same_seed_same_draws_other_seed_differs)
{
    uint64_t x, y, z;
    count_draws(7, 50, 50, 0, 64, &x);
    count_draws(7, 50, 50, 0, 64, &y);
    count_draws(8, 50, 50, 0, 64, &z);
    ck_assert_uint_eq(x, y);
    ck_assert_uint_ne(x, z);
}
END_TEST

START_TEST(lottery_lent_tickets_count_toward_the_draw)
{
    /* B has 25 of its own and 50 lent: 75 of 150. */
    uint64_t a = count_draws(3, 75, 25, 50, 100000, NULL);
    ck_assert_msg(a > 49000 && a < 51000, "A won %llu of 100000", (unsigned long long)a);
}
END_TEST

START_TEST(lottery_inflation_through_reweight_changes_the_share_at_once)
{
    struct sched_tunables t;
    sched_tunables_default(&t);
    struct h_core h;
    struct sched_entity e[3];
    h_init(&h, &sched_policy_lottery, &t);
    for (int i = 0; i < 3; i++) {
        h_entity(&e[i], (uint64_t)i);
        h_add(&h, &e[i], ENQ_NEW);
    }
    e[1].tickets = 0; /* deflate to nothing: counts as one ticket */
    h_reweight(&h, &e[1]);
    e[2].tickets = 9800; /* inflate, while queued */
    h_reweight(&h, &e[2]);
    ck_assert_uint_eq(lottery_rq(&h.q.sys)->total_tickets, 100 + 1 + 9800);
    int wins[3] = {0};
    for (int i = 0; i < 20000; i++) {
        struct sched_entity *w = h_pick(&h);
        wins[w->id]++;
        h_put(&h, ENQ_PREEMPTED);
    }
    ck_assert_int_gt(wins[2], 19500);
    ck_assert_int_gt(wins[0], 100);
    ck_assert_int_lt(wins[1], 20);
}
END_TEST

START_TEST(stride_gives_exact_shares)
{
    struct sched_tunables t;
    sched_tunables_default(&t);
    struct h_core h;
    struct sched_entity a, b, c;
    h_init(&h, &sched_policy_stride, &t);
    h_entity(&a, 1), h_entity(&b, 2), h_entity(&c, 3);
    a.tickets = 300, b.tickets = 100, c.tickets = 200;
    h_add(&h, &a, ENQ_NEW), h_add(&h, &b, ENQ_NEW), h_add(&h, &c, ENQ_NEW);
    h_run(&h, 600 * t.stride_slice_ns, t.stride_slice_ns);
    ck_assert_uint_eq(a.sum_exec_ns / t.stride_slice_ns, 300);
    ck_assert_uint_eq(b.sum_exec_ns / t.stride_slice_ns, 100);
    ck_assert_uint_eq(c.sum_exec_ns / t.stride_slice_ns, 200);
}
END_TEST

START_TEST(stride_newcomer_joins_at_the_minimum_pass)
{
    struct sched_tunables t;
    sched_tunables_default(&t);
    struct h_core h;
    struct sched_entity a, b, late;
    h_init(&h, &sched_policy_stride, &t);
    h_entity(&a, 1), h_entity(&b, 2), h_entity(&late, 3);
    h_add(&h, &a, ENQ_NEW), h_add(&h, &b, ENQ_NEW);
    h_run(&h, 1000 * t.stride_slice_ns, t.stride_slice_ns);
    h_add(&h, &late, ENQ_NEW);
    ck_assert_uint_ge(fair_se(&late)->vruntime, fair_rq(&h.q.sys)->min_vruntime);
    h_run(&h, 300 * t.stride_slice_ns, t.stride_slice_ns);
    /* Equal tickets: a third each from now on, no catching up. */
    ck_assert_uint_le(late.sum_exec_ns / t.stride_slice_ns, 101);
    ck_assert_uint_ge(late.sum_exec_ns / t.stride_slice_ns, 99);
}
END_TEST

/* Two CPU-bound jobs at the given nice values; returns A's share. */
static double fair_share(int nice_a, int nice_b)
{
    struct h_core h;
    struct sched_entity a, b;
    h_init(&h, &sched_policy_fair, NULL);
    h_entity(&a, 1), h_entity(&b, 2);
    a.nice = nice_a, b.nice = nice_b;
    h_add(&h, &a, ENQ_NEW), h_add(&h, &b, ENQ_NEW);
    h_run(&h, SCHED_MS(20000), SCHED_US(250));
    return (double)a.sum_exec_ns / (double)(a.sum_exec_ns + b.sum_exec_ns);
}

START_TEST(fair_shares_follow_nice_weights)
{
    ck_assert_double_eq_tol(fair_share(0, 0), 0.5, 0.01);
    ck_assert_double_eq_tol(fair_share(0, 5), 1024.0 / (1024 + 335), 0.01);
    ck_assert_double_eq_tol(fair_share(-5, 0), 3121.0 / (3121 + 1024), 0.01);
    ck_assert_double_eq_tol(fair_share(19, -20), 15.0 / (15 + 88761), 0.005);
    ck_assert_uint_eq(sched_nice_to_weight(0), 1024);
    ck_assert_uint_eq(sched_nice_to_weight(-100), 88761);
}
END_TEST

START_TEST(fair_places_new_and_waking_jobs_near_min_vruntime)
{
    struct h_core h;
    struct sched_entity a, b, newbie;
    h_init(&h, &sched_policy_fair, NULL);
    h_entity(&a, 1), h_entity(&b, 2), h_entity(&newbie, 3);
    h_add(&h, &a, ENQ_NEW), h_add(&h, &b, ENQ_NEW);
    h_run(&h, SCHED_MS(1000), SCHED_US(250));
    /* b sleeps for a long time */
    if (h.curr == &b)
        h_put(&h, 0);
    else
        h_remove(&h, &b);
    h_run(&h, SCHED_MS(2000), SCHED_US(250));
    h_add(&h, &newbie, ENQ_NEW);
    ck_assert_uint_eq(fair_se(&newbie)->vruntime, fair_rq(&h.q.sys)->min_vruntime);
    h_add(&h, &b, ENQ_WAKEUP);
    /* the sleeper's credit is bounded by half the target latency */
    ck_assert_uint_eq(fair_se(&b)->vruntime, fair_rq(&h.q.sys)->min_vruntime - h.tun.fair_latency_ns / 2);
    uint64_t a0 = a.sum_exec_ns, b0 = b.sum_exec_ns;
    h_run(&h, SCHED_MS(300), SCHED_US(250));
    ck_assert_uint_lt(b.sum_exec_ns - b0, SCHED_MS(110)); /* no monopoly */
    ck_assert_uint_gt(a.sum_exec_ns - a0, SCHED_MS(90));
}
END_TEST

START_TEST(fair_wakeup_preempts_only_beyond_the_granularity)
{
    struct h_core h;
    struct sched_entity a, b;
    h_init(&h, &sched_policy_fair, NULL);
    h_entity(&a, 1), h_entity(&b, 2);
    h_add(&h, &a, ENQ_NEW);
    h_run(&h, SCHED_US(500), SCHED_US(250));
    h_add(&h, &b, ENQ_NEW); /* 0.5 ms behind: within 1 ms, no preemption */
    ck_assert(!h.resched);
    h_remove(&h, &b);
    h_run(&h, SCHED_MS(5), SCHED_US(250));
    fair_se(&b)->vruntime = 0;
    h_add(&h, &b, ENQ_WAKEUP);
    ck_assert(h.resched);
}
END_TEST

/* Two CPUs' queues run at different virtual speeds: one hog on the first,
 * four on the second.  A task that blocks on the first and wakes on the
 * second must get its share there, not wait for the second queue's clock to
 * catch up with the first's (or, for stride, pass values). */
static uint64_t migrated_share(const struct sched_policy *p)
{
    static struct h_core a, b;
    struct sched_entity x, hogs[4];
    h_init(&a, p, NULL);
    h_init(&b, p, NULL);
    h_entity(&x, 99);
    h_add(&a, &x, ENQ_NEW);
    for (int i = 0; i < 4; i++) {
        h_entity(&hogs[i], (uint64_t)i);
        h_add(&b, &hogs[i], ENQ_NEW);
    }
    h_run(&a, SCHED_MS(10000), SCHED_MS(1));
    h_run(&b, SCHED_MS(10000), SCHED_MS(1));
    ck_assert_ptr_eq(a.curr, &x);
    h_put(&a, 0); /* x blocks on the first CPU ... */
    uint64_t before = x.sum_exec_ns;
    h_add(&b, &x, ENQ_WAKEUP); /* ... and wakes on the second */
    h_run(&b, SCHED_MS(1000), SCHED_MS(1));
    return x.sum_exec_ns - before;
}

START_TEST(fair_wakeup_on_another_cpu_keeps_relative_lag)
{
    uint64_t got = migrated_share(&sched_policy_fair);
    ck_assert_msg(got > SCHED_MS(150) && got < SCHED_MS(260), "x got %llu ns of 1 s among 5",
                  (unsigned long long)got);
}
END_TEST

START_TEST(stride_wakeup_on_another_cpu_joins_at_its_minimum_pass)
{
    uint64_t got = migrated_share(&sched_policy_stride);
    ck_assert_msg(got > SCHED_MS(150) && got < SCHED_MS(260), "x got %llu ns of 1 s among 5",
                  (unsigned long long)got);
}
END_TEST

START_TEST(mlfq_job_from_another_cpu_starts_at_the_top)
{
    struct sched_tunables t = mlfq_tun(true, 0);
    struct h_core a, b;
    struct sched_entity x;
    h_init(&a, &sched_policy_mlfq, &t);
    h_init(&b, &sched_policy_mlfq, &t);
    h_entity(&x, 1);
    h_add(&a, &x, ENQ_NEW);
    h_run(&a, SCHED_MS(100), SCHED_MS(1));
    ck_assert_int_eq(mlfq_se(&x)->level, 2);
    h_put(&a, 0);
    h_add(&b, &x, ENQ_WAKEUP);
    ck_assert_int_eq(mlfq_se(&x)->level, 0);
}
END_TEST

/* A task placed by task_new while it sleeps (a policy switch) and woken
 * on another CPU's queue joins that queue's clock without a lag. */
START_TEST(fair_task_new_then_wakeup_elsewhere_has_no_lag)
{
    struct h_core a, b;
    struct sched_entity x, y, z;
    h_init(&a, &sched_policy_fair, NULL);
    h_init(&b, &sched_policy_fair, NULL);
    h_entity(&x, 1), h_entity(&y, 2), h_entity(&z, 3);
    h_add(&a, &x, ENQ_NEW);
    h_run(&a, SCHED_MS(100), SCHED_MS(1));
    h_add(&b, &y, ENQ_NEW);
    h_run(&b, SCHED_MS(30), SCHED_MS(1));
    sched_class_task_new(&a.q, &z, NULL, a.now);
    h_add(&b, &z, ENQ_WAKEUP);
    ck_assert_uint_eq(fair_se(&z)->vruntime, fair_rq(&b.q.sys)->min_vruntime);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sched_share");
    TCase *tc = tcase_create("mlfq");
    tcase_add_test(tc, mlfq_cpu_hog_starts_at_top_and_is_demoted_by_allotment);
    tcase_add_test(tc, mlfq_rule4_demotes_a_job_that_games_the_slice);
    tcase_add_test(tc, mlfq_rules_4a_4b_let_the_gaming_job_stay_on_top);
    tcase_add_test(tc, mlfq_round_robin_within_a_level);
    tcase_add_test(tc, mlfq_higher_level_arrival_preempts_and_the_victim_keeps_its_slice);
    tcase_add_test(tc, mlfq_boost_moves_queued_running_and_blocked_jobs_to_the_top);
    tcase_add_test(tc, mlfq_without_boost_a_stream_of_short_jobs_starves_a_hog_with_boost_not);
    tcase_add_test(tc, mlfq_demotion_charged_after_requeue_moves_the_job);
    tcase_add_test(tc, mlfq_job_from_another_cpu_starts_at_the_top);
    suite_add_tcase(s, tc);
    tc = tcase_create("lottery");
    tcase_add_test(tc, lottery_75_25_tickets_converge_to_75_25_share);
    tcase_add_test(tc, lottery_same_seed_same_draws_other_seed_differs);
    tcase_add_test(tc, lottery_lent_tickets_count_toward_the_draw);
    tcase_add_test(tc, lottery_inflation_through_reweight_changes_the_share_at_once);
    suite_add_tcase(s, tc);
    tc = tcase_create("stride");
    tcase_add_test(tc, stride_gives_exact_shares);
    tcase_add_test(tc, stride_newcomer_joins_at_the_minimum_pass);
    tcase_add_test(tc, stride_wakeup_on_another_cpu_joins_at_its_minimum_pass);
    suite_add_tcase(s, tc);
    tc = tcase_create("fair");
    tcase_add_test(tc, fair_shares_follow_nice_weights);
    tcase_add_test(tc, fair_places_new_and_waking_jobs_near_min_vruntime);
    tcase_add_test(tc, fair_task_new_then_wakeup_elsewhere_has_no_lag);
    tcase_add_test(tc, fair_wakeup_preempts_only_beyond_the_granularity);
    tcase_add_test(tc, fair_charge_after_requeue_reorders_the_tree);
    tcase_add_test(tc, fair_wakeup_on_another_cpu_keeps_relative_lag);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
