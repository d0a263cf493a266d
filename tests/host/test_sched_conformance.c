/*
 * One conformance suite run against every scheduling policy (the system
 * policies and rt): an empty queue yields NULL; whatever is enqueued is
 * picked exactly once unless dequeued; dequeue removes; nr_queued tracks the
 * queue; finite jobs all finish under every policy; the policies that promise
 * it (rr, mlfq, lottery, stride, fair, rt with SCHED_RR) starve nobody among
 * CPU-bound jobs; and a random mix of every hook never loses or duplicates
 * an entity.  Each policy gets its own test case, named after it.
 */
#include <check.h>

#include "check_main.h"
#include <stdio.h>
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

#define N 64

static const struct sched_policy *const all[] = {
    &sched_policy_fifo, &sched_policy_sjf,     &sched_policy_stcf,   &sched_policy_rr,   &sched_policy_mlfq,
    &sched_policy_lottery, &sched_policy_stride, &sched_policy_fair, &sched_policy_rt,
};
#define NPOL (int)(sizeof(all) / sizeof(all[0]))

static struct sched_entity ents[N];

static unsigned queued(const struct h_core *h) { return h->q.sys.nr_queued; }

/* Entities with varied parameters, valid for every policy. */
static void make(int n)
{
    for (int i = 0; i < n; i++) {
        h_entity(&ents[i], (uint64_t)i + 1);
        ents[i].nice = (i % 7) - 3;
        ents[i].tickets = 10 + (uint32_t)(i % 5) * 10;
        ents[i].expected_ns = SCHED_MS(5 + (i * 7) % 13);
        ents[i].rt_priority = 1 + (i % 4) * 20;
        ents[i].rt_policy = (i & 1) ? SCHED_RT_RR : SCHED_RT_FIFO;
    }
}

START_TEST(empty_queue_picks_null)
{
    struct h_core h;
    h_init(&h, all[_i], NULL);
    ck_assert_ptr_null(h_pick(&h));
    ck_assert_uint_eq(queued(&h), 0);
}
END_TEST

START_TEST(every_enqueued_entity_is_picked_exactly_once)
{
    struct h_core h;
    h_init(&h, all[_i], NULL);
    make(N);
    for (int i = 0; i < N; i++)
        h_add(&h, &ents[i], ENQ_NEW);
    ck_assert_uint_eq(queued(&h), N);
    int seen[N] = {0};
    for (int i = 0; i < N; i++) {
        struct sched_entity *se = h_pick(&h);
        ck_assert_ptr_nonnull(se);
        ck_assert_int_eq(seen[se->id - 1]++, 0);
        ck_assert_uint_eq(queued(&h), (unsigned)(N - i - 1));
    }
    ck_assert_ptr_null(h_pick(&h));
}
END_TEST

START_TEST(dequeue_removes_the_entity)
{
    struct h_core h;
    h_init(&h, all[_i], NULL);
    make(N);
    for (int i = 0; i < N; i++)
        h_add(&h, &ents[i], ENQ_NEW);
    for (int i = 0; i < N; i += 3)
        h_remove(&h, &ents[i]);
    unsigned expect = N - (N + 2) / 3;
    ck_assert_uint_eq(queued(&h), expect);
    for (unsigned k = 0; k < expect; k++) {
        struct sched_entity *se = h_pick(&h);
        ck_assert_ptr_nonnull(se);
        ck_assert_int_ne((int)((se->id - 1) % 3), 0);
    }
    ck_assert_ptr_null(h_pick(&h));
    /* A dequeued entity can come back. */
    h_add(&h, &ents[0], ENQ_WAKEUP);
    ck_assert_ptr_eq(h_pick(&h), &ents[0]);
}
END_TEST

/* Finite CPU-bound jobs, some blocking now and then: all of them finish. */
START_TEST(finite_jobs_all_complete)
{
    struct h_core h;
    h_init(&h, all[_i / 2], NULL);
    h.shared = _i % 2;
    enum { J = 12 };
    make(J);
    uint64_t need[J], done = 0;
    for (int i = 0; i < J; i++) {
        need[i] = SCHED_MS(3 + i * 4);
        h_add(&h, &ents[i], ENQ_NEW);
    }
    for (int step = 0; step < 100000 && done < J; step++) {
        h_run(&h, SCHED_MS(1), SCHED_MS(1));
        struct sched_entity *c = h.curr;
        if (!c)
            continue;
        int i = (int)c->id - 1;
        if (c->sum_exec_ns >= need[i]) {
            h_put(&h, 0); /* exits */
            done++;
        } else if (c->sum_exec_ns % SCHED_MS(7) == 0) {
            h_put(&h, 0); /* blocks, wakes at once */
            h_add(&h, c, ENQ_WAKEUP);
        }
    }
    ck_assert_uint_eq(done, J);
}
END_TEST

/* CPU-bound jobs that never finish: each gets a fair piece of 10 s. */
START_TEST(no_starvation_among_cpu_bound_jobs)
{
    const struct sched_policy *p = all[_i / 2];
    if (p == &sched_policy_fifo || p == &sched_policy_sjf || p == &sched_policy_stcf)
        return; /* run-to-completion policies promise no such thing */
    struct h_core h;
    h_init(&h, p, NULL);
    h.shared = _i % 2;
    enum { J = 5 };
    make(J);
    for (int i = 0; i < J; i++) {
        ents[i].rt_priority = 50;
        ents[i].rt_policy = SCHED_RT_RR;
        h_add(&h, &ents[i], ENQ_NEW);
    }
    h_run(&h, SCHED_MS(10000), SCHED_MS(1));
    for (int i = 0; i < J; i++)
        ck_assert_msg(ents[i].sum_exec_ns >= SCHED_MS(10000) / J / 8, "%s: job %d got only %llu ns", p->name,
                      i, (unsigned long long)ents[i].sum_exec_ns);
}
END_TEST

/* Random mix of enqueue / dequeue / run / block / reweight against a shadow
 * set: no entity is lost or duplicated. */
START_TEST(random_operations_keep_the_queue_consistent)
{
    struct h_core h;
    h_init(&h, all[_i / 2], NULL);
    h.shared = _i % 2;
    make(N);
    bool in[N] = {0}, blocked[N];
    for (int i = 0; i < N; i++)
        blocked[i] = true;
    srand(1234 + (unsigned)_i);
    unsigned count = 0;
    for (int step = 0; step < 20000; step++) {
        int i = rand() % N, op = rand() % 7;
        struct sched_entity *se = &ents[i];
        if (op == 0 && blocked[i] && h.curr != se) {
            h_add(&h, se, rand() % 2 ? ENQ_NEW : ENQ_WAKEUP);
            in[i] = true, blocked[i] = false, count++;
        } else if (op == 1 && in[i]) {
            h_remove(&h, se);
            in[i] = false, blocked[i] = true, count--;
        } else if (op == 2) {
            if (h.curr) {
                int c = (int)h.curr->id - 1;
                h_put(&h, ENQ_PREEMPTED);
                in[c] = true, count++;
            }
            struct sched_entity *p = h_pick(&h);
            while (!p && h.shared && h.picker == 1)
                p = h_pick(&h); /* CPU 1 may find only entities pinned to CPU 0 */
            if (p) {
                ck_assert(in[p->id - 1]);
                ck_assert(h.picker == 0 || p->id % 4 != 0); /* pinned to CPU 0 */
                in[p->id - 1] = false, count--;
            } else {
                ck_assert_uint_eq(count, 0);
            }
        } else if (op == 3 && h.curr) {
            blocked[h.curr->id - 1] = true;
            h_put(&h, 0);
        } else if (op == 4) {
            se->tickets = 1 + (uint32_t)(rand() % 300);
            se->nice = rand() % 40 - 20;
            se->expected_ns = SCHED_MS(rand() % 50);
            se->lent_tickets = (uint32_t)(rand() % 3 == 0 ? rand() % 100 : 0);
            se->rt_priority = 1 + rand() % SCHED_RT_PRIO_MAX;
            h_reweight(&h, se);
        } else if (op == 5 && h.curr) {
            h.now += SCHED_US(1 + rand() % 3000);
            h_tick(&h);
        } else if (op == 6) {
            h.now += SCHED_US(1 + rand() % 3000); /* time passes, no tick */
        }
        ck_assert_uint_eq(queued(&h), count);
    }
    while (count) {
        struct sched_entity *p = h_pick(&h);
        while (!p && h.shared && h.picker == 1)
            p = h_pick(&h);
        ck_assert_ptr_nonnull(p);
        ck_assert(in[p->id - 1]);
        in[p->id - 1] = false, count--;
    }
    ck_assert_ptr_null(h_pick(&h));
}
END_TEST

/* A yield with nothing else queued keeps the CPU (sched_class_yield), and
 * the policy's yield hook leaves the entity and the queue exactly as
 * giving it back (ENQ_YIELD) and picking it again would: compared at
 * several points of a run, MLFQ also with rules 4a/4b. */
START_TEST(yield_alone_is_enqueue_and_pick)
{
    const struct sched_policy *p = all[_i / 2];
    struct sched_tunables t;
    sched_tunables_default(&t);
    t.mlfq_antigaming = _i % 2 == 0;
    t.mlfq_boost_ns = SCHED_MS(25);
    struct h_core h;
    h_init(&h, p, &t);
    make(1);
    struct sched_entity *se = &ents[0];
    h_add(&h, se, ENQ_NEW);
    ck_assert_ptr_eq(h_pick(&h), se);
    for (int round = 0; round < 12; round++) {
        h_run(&h, SCHED_MS(round % 5 + 1), SCHED_MS(1));
        if (!h.curr)
            ck_assert_ptr_eq(h_pick(&h), se);
        ck_assert_ptr_eq(h.curr, se);
        struct sched_rq saved_rq = h.q.sys;
        uint64_t saved_se[SCHED_SE_PRIV_WORDS];
        memcpy(saved_se, se->policy_data, sizeof saved_se);
        /* the generic path, on the hooks themselves */
        p->enqueue(&h.q.sys, se, ENQ_YIELD);
        ck_assert_ptr_eq(p->pick_next(&h.q.sys), se);
        struct sched_rq generic_rq = h.q.sys;
        uint64_t generic_se[SCHED_SE_PRIV_WORDS];
        memcpy(generic_se, se->policy_data, sizeof generic_se);
        /* the same from the same state, through the class layer */
        h.q.sys = saved_rq;
        memcpy(se->policy_data, saved_se, sizeof saved_se);
        ck_assert(!sched_class_yield(&h.q, se, h.now));
        ck_assert_msg(!memcmp(se->policy_data, generic_se, sizeof generic_se), "%s: entity differs", p->name);
        ck_assert_msg(!memcmp(h.q.sys.policy_data, generic_rq.policy_data, sizeof generic_rq.policy_data),
                      "%s: queue differs", p->name);
        ck_assert_uint_eq(h.q.sys.nr_queued, 0);
    }
}
END_TEST

/* With another entity queued, a yield is the caller's put_prev + pick. */
START_TEST(yield_with_company_asks_for_a_pick)
{
    struct h_core h;
    h_init(&h, all[_i], NULL);
    make(2);
    h_add(&h, &ents[0], ENQ_NEW);
    ck_assert_ptr_nonnull(h_pick(&h));
    h_add(&h, &ents[1], ENQ_NEW);
    ck_assert(sched_class_yield(&h.q, h.curr, h.now));
    ck_assert_uint_eq(queued(&h), 1);
}
END_TEST

static Suite *conformance_suite(void)
{
    static char shared_names[NPOL][48];
    Suite *s = suite_create("sched_conformance");
    for (int i = 0; i < NPOL; i++) {
        TCase *tc = tcase_create(all[i]->name);
        tcase_add_loop_test(tc, empty_queue_picks_null, i, i + 1);
        tcase_add_loop_test(tc, every_enqueued_entity_is_picked_exactly_once, i, i + 1);
        tcase_add_loop_test(tc, dequeue_removes_the_entity, i, i + 1);
        tcase_add_loop_test(tc, yield_alone_is_enqueue_and_pick, 2 * i, 2 * i + 2);
        tcase_add_loop_test(tc, yield_with_company_asks_for_a_pick, i, i + 1);
        /* Loop index 2i: one CPU's queue; 2i + 1: a queue shared by two
         * CPUs, some entities pinned to one (SQMS), in a test case of its own. */
        tcase_add_loop_test(tc, finite_jobs_all_complete, 2 * i, 2 * i + 1);
        tcase_add_loop_test(tc, no_starvation_among_cpu_bound_jobs, 2 * i, 2 * i + 1);
        tcase_add_loop_test(tc, random_operations_keep_the_queue_consistent, 2 * i, 2 * i + 1);
        tcase_set_timeout(tc, 60);
        suite_add_tcase(s, tc);

        snprintf(shared_names[i], sizeof shared_names[i], "%s_shared_queue", all[i]->name);
        tc = tcase_create(shared_names[i]);
        tcase_add_loop_test(tc, finite_jobs_all_complete, 2 * i + 1, 2 * i + 2);
        tcase_add_loop_test(tc, no_starvation_among_cpu_bound_jobs, 2 * i + 1, 2 * i + 2);
        tcase_add_loop_test(tc, random_operations_keep_the_queue_consistent, 2 * i + 1, 2 * i + 2);
        tcase_set_timeout(tc, 60);
        suite_add_tcase(s, tc);
    }
    return s;
}

int main(void) { return run_suite(conformance_suite()); }
