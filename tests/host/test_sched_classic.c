/*
 * The book's classic policies on its own worked examples (chapter 7), the
 * real-time policy's Linux semantics, and the policy table and tunables:
 *   FIFO convoy: A=100, B=10, C=10 arriving together, mean turnaround 110;
 *   SJF on the same jobs: 50, and no preemption by a shorter arrival;
 *   STCF with B, C arriving at 10: mean turnaround 50, preemption on arrival;
 *   RR, three jobs of 5 with a slice of 1: responses 0, 1, 2;
 *   rt: highest priority first, FIFO within one, SCHED_RR rotates peers.
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
#include "test_sched_harness.h"

#define U SCHED_MS(1) /* one time unit of the book's examples */
#define MAXJ 8

struct result {
    uint64_t resp[MAXJ], tat[MAXJ];
    double avg_resp, avg_tat;
};

/* Run CPU-only jobs (arrival, length in units) to completion; each job
 * declares its true length.  Arrivals at a tick come after the requeue of a
 * job whose slice ended at that tick. */
static struct result run_jobs(const struct sched_policy *p, const struct sched_tunables *tun, int n,
                              const uint64_t *arr, const uint64_t *len)
{
    struct h_core h;
    struct sched_entity se[MAXJ];
    struct result r = {0};
    bool started[MAXJ] = {0};
    h_init(&h, p, tun);
    for (int j = 0; j < n; j++) {
        h_entity(&se[j], (uint64_t)j);
        se[j].expected_ns = len[j] * U;
    }
    int done = 0;
    while (done < n) {
        for (int j = 0; j < n; j++)
            if (arr[j] * U == h.now)
                h_add(&h, &se[j], ENQ_NEW);
        if (h.resched && h.curr)
            h_put(&h, ENQ_PREEMPTED);
        if (!h.curr && h_pick(&h)) {
            int j = (int)h.curr->id;
            if (!started[j]) {
                started[j] = true;
                r.resp[j] = h.now / U - arr[j];
            }
        }
        h.now += U;
        if (!h.curr)
            continue;
        struct sched_entity *c = h.curr;
        bool pre = h_tick(&h);
        if (c->sum_exec_ns >= len[c->id] * U) {
            h_put(&h, 0);
            r.tat[c->id] = h.now / U - arr[c->id];
            done++;
        } else if (pre) {
            h_put(&h, ENQ_PREEMPTED);
        }
    }
    for (int j = 0; j < n; j++) {
        r.avg_resp += (double)r.resp[j] / n;
        r.avg_tat += (double)r.tat[j] / n;
    }
    return r;
}

static const uint64_t convoy_arr[] = {0, 0, 0}, convoy_len[] = {100, 10, 10};

START_TEST(fifo_convoy_mean_turnaround_is_110)
{
    struct result r = run_jobs(&sched_policy_fifo, NULL, 3, convoy_arr, convoy_len);
    ck_assert_uint_eq(r.tat[0], 100);
    ck_assert_uint_eq(r.tat[1], 110);
    ck_assert_uint_eq(r.tat[2], 120);
    ck_assert_double_eq_tol(r.avg_tat, 110.0, 1e-9);
}
END_TEST

START_TEST(sjf_runs_shortest_first_mean_turnaround_is_50)
{
    struct result r = run_jobs(&sched_policy_sjf, NULL, 3, convoy_arr, convoy_len);
    ck_assert_uint_eq(r.tat[1], 10);
    ck_assert_uint_eq(r.tat[2], 20);
    ck_assert_uint_eq(r.tat[0], 120);
    ck_assert_double_eq_tol(r.avg_tat, 50.0, 1e-9);
}
END_TEST

START_TEST(sjf_does_not_preempt_for_a_shorter_arrival)
{
    static const uint64_t arr[] = {0, 10, 10};
    struct result r = run_jobs(&sched_policy_sjf, NULL, 3, arr, convoy_len);
    ck_assert_uint_eq(r.tat[0], 100); /* A runs to completion */
    ck_assert_double_eq_tol(r.avg_tat, (100.0 + 100 + 110) / 3, 1e-9);
}
END_TEST

START_TEST(sjf_uses_the_default_for_undeclared_jobs)
{
    struct h_core h;
    struct sched_entity a, b, c;
    h_init(&h, &sched_policy_sjf, NULL);
    h_entity(&a, 1), h_entity(&b, 2), h_entity(&c, 3);
    a.expected_ns = h.tun.sjf_default_ns + 1;
    c.expected_ns = h.tun.sjf_default_ns - 1; /* b declares nothing */
    h_add(&h, &a, ENQ_NEW), h_add(&h, &b, ENQ_NEW), h_add(&h, &c, ENQ_NEW);
    ck_assert_ptr_eq(h_pick(&h), &c);
    ck_assert_ptr_eq(h_pick(&h), &b);
    ck_assert_ptr_eq(h_pick(&h), &a);
}
END_TEST

START_TEST(stcf_preempts_on_shorter_arrival_mean_turnaround_is_50)
{
    static const uint64_t arr[] = {0, 10, 10};
    struct result r = run_jobs(&sched_policy_stcf, NULL, 3, arr, convoy_len);
    ck_assert_uint_eq(r.tat[1], 10);  /* B: 10..20 */
    ck_assert_uint_eq(r.tat[2], 20);  /* C: 20..30 */
    ck_assert_uint_eq(r.tat[0], 120); /* A resumes at 30 */
    ck_assert_double_eq_tol(r.avg_tat, 50.0, 1e-9);
}
END_TEST

START_TEST(stcf_compares_remaining_not_total_time)
{
    /* A (100) has run 95: 5 remain, so a new 10-unit job must wait. */
    static const uint64_t arr[] = {0, 95}, len[] = {100, 10};
    struct result r = run_jobs(&sched_policy_stcf, NULL, 2, arr, len);
    ck_assert_uint_eq(r.tat[0], 100);
    ck_assert_uint_eq(r.resp[1], 5);
}
END_TEST

START_TEST(rr_slice_1_gives_responses_0_1_2)
{
    static const uint64_t arr[] = {0, 0, 0}, len[] = {5, 5, 5};
    struct sched_tunables t;
    sched_tunables_default(&t);
    t.rr_slice_ns = U;
    struct result r = run_jobs(&sched_policy_rr, &t, 3, arr, len);
    ck_assert_uint_eq(r.resp[0], 0);
    ck_assert_uint_eq(r.resp[1], 1);
    ck_assert_uint_eq(r.resp[2], 2);
    ck_assert_uint_eq(r.tat[0], 13);
    ck_assert_uint_eq(r.tat[1], 14);
    ck_assert_uint_eq(r.tat[2], 15);
}
END_TEST

START_TEST(rr_slice_is_tunable)
{
    static const uint64_t arr[] = {0, 0}, len[] = {20, 20};
    struct sched_tunables t;
    sched_tunables_default(&t);
    t.rr_slice_ns = 4 * U;
    struct result r = run_jobs(&sched_policy_rr, &t, 2, arr, len);
    ck_assert_uint_eq(r.resp[1], 4);
    t.rr_slice_ns = 100 * U; /* a slice longer than the jobs: FIFO */
    r = run_jobs(&sched_policy_rr, &t, 2, arr, len);
    ck_assert_uint_eq(r.resp[1], 20);
}
END_TEST

static void rt_ent(struct sched_entity *se, int id, int prio, int pol)
{
    h_entity(se, (uint64_t)id);
    se->rt_priority = prio;
    se->rt_policy = pol;
}

START_TEST(rt_highest_priority_first_fifo_within_priority)
{
    struct h_core h;
    struct sched_entity e[5];
    h_init(&h, &sched_policy_rt, NULL);
    rt_ent(&e[0], 0, 10, SCHED_RT_FIFO);
    rt_ent(&e[1], 1, 99, SCHED_RT_FIFO);
    rt_ent(&e[2], 2, 50, SCHED_RT_RR);
    rt_ent(&e[3], 3, 10, SCHED_RT_FIFO);
    rt_ent(&e[4], 4, 1, SCHED_RT_RR);
    for (int i = 0; i < 5; i++)
        h_add(&h, &e[i], ENQ_NEW);
    static const int order[] = {1, 2, 0, 3, 4};
    for (int i = 0; i < 5; i++)
        ck_assert_ptr_eq(h_pick(&h), &e[order[i]]);
    ck_assert_ptr_null(h_pick(&h));
}
END_TEST

START_TEST(rt_higher_priority_wakeup_preempts_and_preempted_keeps_head)
{
    struct h_core h;
    struct sched_entity lo, peer, hi;
    h_init(&h, &sched_policy_rt, NULL);
    rt_ent(&lo, 0, 10, SCHED_RT_FIFO);
    rt_ent(&peer, 1, 10, SCHED_RT_FIFO);
    rt_ent(&hi, 2, 20, SCHED_RT_FIFO);
    h_add(&h, &lo, ENQ_NEW), h_add(&h, &peer, ENQ_NEW);
    ck_assert_ptr_eq(h_pick(&h), &lo);
    h_run(&h, SCHED_MS(500), SCHED_MS(1)); /* FIFO: no rotation, ever */
    ck_assert_ptr_eq(h.curr, &lo);
    h_add(&h, &hi, ENQ_WAKEUP);
    ck_assert(h.resched);
    h_put(&h, ENQ_PREEMPTED);
    ck_assert_ptr_eq(h_pick(&h), &hi);
    ck_assert_ptr_eq(h_pick(&h), &lo); /* back at the head, before its peer */
    /* An equal priority does not preempt; rt beats the system policy. */
    ck_assert(!sched_policy_rt.check_preempt(&h.q.sys, &lo, &peer));
    struct sched_entity normal;
    h_entity(&normal, 9);
    ck_assert(sched_policy_rt.check_preempt(&h.q.sys, &normal, &peer));
}
END_TEST

START_TEST(rt_rr_rotates_peers_each_slice)
{
    struct h_core h;
    struct sched_entity a, b, low;
    h_init(&h, &sched_policy_rt, NULL);
    rt_ent(&a, 0, 30, SCHED_RT_RR);
    rt_ent(&b, 1, 30, SCHED_RT_RR);
    rt_ent(&low, 2, 29, SCHED_RT_RR);
    h_add(&h, &a, ENQ_NEW), h_add(&h, &b, ENQ_NEW), h_add(&h, &low, ENQ_NEW);
    h_run(&h, 10 * h.tun.rt_rr_slice_ns, SCHED_MS(1));
    ck_assert_uint_eq(a.sum_exec_ns, 5 * h.tun.rt_rr_slice_ns);
    ck_assert_uint_eq(b.sum_exec_ns, 5 * h.tun.rt_rr_slice_ns);
    ck_assert_uint_eq(low.sum_exec_ns, 0); /* a lower priority starves */
}
END_TEST

START_TEST(policy_table_lookup_and_tunables)
{
    ck_assert_uint_eq(sched_policies_count, 8);
    for (unsigned i = 0; i < sched_policies_count; i++)
        ck_assert_ptr_eq(sched_policy_find(sched_policies[i]->name), sched_policies[i]);
    ck_assert_ptr_eq(sched_policy_find("rt"), &sched_policy_rt);
    ck_assert_ptr_null(sched_policy_find("mlf"));
    ck_assert_ptr_null(sched_policy_find(""));
    ck_assert_ptr_null(sched_policy_find(NULL));

    struct sched_tunables t;
    sched_tunables_default(&t);
    ck_assert_int_eq(sched_tunables_check(&t), 0);
    ck_assert_uint_eq(t.rr_slice_ns, SCHED_MS(10));
    ck_assert_int_eq(t.mlfq_levels, 3);
    ck_assert_uint_eq(t.mlfq_slice_ns[2], SCHED_MS(40));
    ck_assert_uint_eq(t.mlfq_boost_ns, SCHED_MS(1000));
    struct sched_tunables bad = t;
    bad.rr_slice_ns = 0;
    ck_assert_int_eq(sched_tunables_check(&bad), -22);
    bad = t, bad.mlfq_levels = 0;
    ck_assert_int_eq(sched_tunables_check(&bad), -22);
    bad = t, bad.mlfq_levels = SCHED_MLFQ_MAX_LEVELS + 1;
    ck_assert_int_eq(sched_tunables_check(&bad), -22);
    bad = t, bad.mlfq_allot_ns[1] = 0;
    ck_assert_int_eq(sched_tunables_check(&bad), -22);
    bad = t, bad.fair_min_granularity_ns = t.fair_latency_ns + 1;
    ck_assert_int_eq(sched_tunables_check(&bad), -22);
    bad = t, bad.lottery_slice_ns = 1ull << 50;
    ck_assert_int_eq(sched_tunables_check(&bad), -22);
    bad = t, bad.mlfq_boost_ns = 0; /* 0 = never boost: valid */
    ck_assert_int_eq(sched_tunables_check(&bad), 0);
}
END_TEST

/* A task whose slice ran out at a tick is switched out a little later (the
 * kernel runs on until schedule()): those microseconds, charged by put_prev,
 * must not make it look preempted mid-slice and keep the head of its list.
 * Round robin, MLFQ within a level, and SCHED_RR each rotate to the peer. */
START_TEST(slice_end_rotates_despite_the_time_run_before_the_switch)
{
    const struct sched_policy *pols[] = {&sched_policy_rr, &sched_policy_mlfq, &sched_policy_rt};
    for (int i = 0; i < 3; i++) {
        struct sched_tunables t;
        sched_tunables_default(&t);
        t.mlfq_allot_ns[0] = SCHED_MS(1000); /* stay at level 0 */
        struct h_core h;
        struct sched_entity a, b;
        h_init(&h, pols[i], &t);
        h_entity(&a, 1), h_entity(&b, 2);
        a.rt_priority = b.rt_priority = 10;
        a.rt_policy = b.rt_policy = SCHED_RT_RR;
        h_add(&h, &a, ENQ_NEW);
        h_add(&h, &b, ENQ_NEW);
        ck_assert_ptr_eq(h_pick(&h), &a);
        int ticks = 0;
        while (!h.resched && ticks++ < 1000) {
            h.now += SCHED_MS(1);
            h_tick(&h);
        }
        ck_assert_msg(h.resched, "%s: the slice never ended", pols[i]->name);
        h.now += SCHED_US(30); /* the way to schedule() */
        h_put(&h, ENQ_PREEMPTED);
        ck_assert_msg(h_pick(&h) == &b, "%s: the task whose slice ended ran again", pols[i]->name);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sched_classic");
    TCase *tc = tcase_create("classic");
    tcase_add_test(tc, fifo_convoy_mean_turnaround_is_110);
    tcase_add_test(tc, sjf_runs_shortest_first_mean_turnaround_is_50);
    tcase_add_test(tc, sjf_does_not_preempt_for_a_shorter_arrival);
    tcase_add_test(tc, sjf_uses_the_default_for_undeclared_jobs);
    tcase_add_test(tc, stcf_preempts_on_shorter_arrival_mean_turnaround_is_50);
    tcase_add_test(tc, stcf_compares_remaining_not_total_time);
    tcase_add_test(tc, rr_slice_1_gives_responses_0_1_2);
    tcase_add_test(tc, rr_slice_is_tunable);
    suite_add_tcase(s, tc);
    tc = tcase_create("rt");
    tcase_add_test(tc, rt_highest_priority_first_fifo_within_priority);
    tcase_add_test(tc, rt_higher_priority_wakeup_preempts_and_preempted_keeps_head);
    tcase_add_test(tc, rt_rr_rotates_peers_each_slice);
    tcase_add_test(tc, slice_end_rotates_despite_the_time_run_before_the_switch);
    suite_add_tcase(s, tc);
    tc = tcase_create("table");
    tcase_add_test(tc, policy_table_lookup_and_tunables);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
