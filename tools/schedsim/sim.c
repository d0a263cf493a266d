/*
 * The simulator core (see sim.h for the order of events within a unit).
 * The policies are driven through the kernel's scheduling-class layer
 * (kernel/sched/class.c), which keeps se->on_rq and se->sum_exec_ns; the
 * simulator keeps the clock, the stint passed to put_prev, and each job's
 * wait (time spent queued).
 */
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *sim_grow(void *p, size_t *cap, size_t elem)
{
    *cap = *cap ? 2 * *cap : 64;
    p = realloc(p, *cap * elem);
    if (!p) {
        perror("schedsim");
        exit(1);
    }
    return p;
}

static void sim_emit(struct sim *s, enum sim_event ev, int job)
{
    int kind = ev == SIM_ARRIVE ? MARK_ARRIVE : ev == SIM_IO_START ? MARK_IO_START
             : ev == SIM_IO_DONE ? MARK_IO_DONE : ev == SIM_FINISH ? MARK_FINISH : -1;
    if (kind >= 0) {
        if (s->nmarks == s->capmarks)
            s->marks = sim_grow(s->marks, &s->capmarks, sizeof(*s->marks));
        s->marks[s->nmarks++] = (struct sim_mark){job, s->now, (enum sim_event_kind)kind};
    }
    if (s->hook)
        s->hook(s, ev, job);
}

void sim_init(struct sim *s, const struct sched_policy *pol, const struct sched_tunables *tun,
              uint64_t unit_ns, struct sim_job *jobs, int njobs)
{
    void *ctx = s->ctx;
    sim_hook hook = s->hook;
    memset(s, 0, sizeof(*s));
    s->ctx = ctx;
    s->hook = hook;
    s->pol = pol;
    s->tun = *tun;
    s->unit_ns = unit_ns;
    s->jobs = jobs;
    s->njobs = njobs;
    s->curr = -1;
    s->max_units = 100000000;
    sched_class_rq_init(&s->q, pol, NULL, &s->tun, 0);
    for (int j = 0; j < njobs; j++) {
        struct sim_job *jb = &jobs[j];
        struct sched_entity *se = &jb->se;
        memset(se, 0, sizeof(*se));
        se->id = (uint64_t)j;
        se->nice = jb->nice;
        se->tickets = jb->tickets ? jb->tickets : SCHED_DEFAULT_TICKETS;
        se->expected_ns = jb->expected * unit_ns;
        list_init(&se->node);
        jb->state = JOB_FUTURE;
        jb->started = false;
        jb->ran = jb->wait = jb->io_wait = 0;
    }
}

/* The policy clock: the start of the current unit, or with `unit_end` the
 * instant before it (the end of the unit just run). */
static uint64_t sim_clock(const struct sim *s)
{
    return s->now * s->unit_ns - (s->unit_end && s->now ? 1 : 0);
}

static void sim_ready(struct sim *s, int j, enum sched_enq_reason why)
{
    struct sim_job *jb = &s->jobs[j];
    uint64_t now = sim_clock(s);
    if (why == ENQ_NEW)
        sched_class_task_new(&s->q, &jb->se, NULL, now);
    sched_class_enqueue(&s->q, &jb->se, why, now);
    jb->state = JOB_READY;
    jb->ready_since = s->now;
    if (s->curr >= 0 && sched_class_check_preempt(&s->q, &s->jobs[s->curr].se, &jb->se, false))
        s->resched = true;
}

static void sim_seg_close(struct sim *s)
{
    struct sim_seg *last = s->nsegs ? &s->segs[s->nsegs - 1] : NULL;
    if (s->requeue_each_unit && last && last->job == s->curr && last->end == s->stint_start) {
        last->end = s->now; /* one stint, however often it was re-picked */
        return;
    }
    if (s->nsegs == s->capsegs)
        s->segs = sim_grow(s->segs, &s->capsegs, sizeof(*s->segs));
    s->segs[s->nsegs++] = (struct sim_seg){s->curr, s->stint_start, s->now};
}

/* The running job leaves the CPU at s->now: back to the queue (why) or
 * blocked/finished (why == 0). */
static void sim_put(struct sim *s, enum sched_enq_reason why)
{
    int j = s->curr;
    struct sim_job *jb = &s->jobs[j];
    sched_class_put_prev(&s->q, &jb->se, sim_clock(s), (s->now - s->charged_at) * s->unit_ns, why);
    sim_seg_close(s);
    s->curr = -1;
    if (why) {
        jb->state = JOB_READY;
        jb->ready_since = s->now;
    }
}

static bool sim_all_done(const struct sim *s)
{
    for (int j = 0; j < s->njobs; j++)
        if (s->jobs[j].state != JOB_DONE)
            return false;
    return true;
}

/* Step 1 of a unit: charge the job that just ran and let it go if needed. */
static void sim_after_run(struct sim *s)
{
    int j = s->curr;
    struct sim_job *jb = &s->jobs[j];
    s->unit_end = s->requeue_each_unit;
    bool give_way = sched_class_tick(&s->q, &jb->se, sim_clock(s), (s->now - s->charged_at) * s->unit_ns, false);
    s->charged_at = s->now;
    if (jb->ran == jb->run) {
        jb->state = JOB_DONE;
        jb->finish = s->now;
        sim_put(s, 0);
        sim_emit(s, SIM_FINISH, j);
    } else if (jb->io_freq && jb->ran % jb->io_freq == 0) {
        jb->state = JOB_BLOCKED;
        jb->io_done_at = s->now + jb->io_time;
        jb->io_seq = s->io_seq++;
        sim_put(s, 0);
        sim_emit(s, SIM_IO_START, j);
    } else if (give_way || s->requeue_each_unit) {
        sim_put(s, ENQ_PREEMPTED);
        sim_emit(s, SIM_PREEMPT, j);
    }
    s->unit_end = false;
}

/* I/O completions due now, in the order they were issued. */
static void sim_io_completions(struct sim *s)
{
    for (;;) {
        int best = -1;
        for (int j = 0; j < s->njobs; j++) {
            struct sim_job *jb = &s->jobs[j];
            if (jb->state == JOB_BLOCKED && jb->io_done_at == s->now &&
                (best < 0 || jb->io_seq < s->jobs[best].io_seq))
                best = j;
        }
        if (best < 0)
            return;
        s->jobs[best].io_wait += s->jobs[best].io_time;
        sim_ready(s, best, ENQ_WAKEUP);
        sim_emit(s, SIM_IO_DONE, best);
    }
}

int sim_run(struct sim *s)
{
    for (;;) {
        if (s->curr >= 0)
            sim_after_run(s);
        if (sim_all_done(s))
            return 0;
        if (s->max_units && s->now >= s->max_units)
            return -1;
        s->q.sys.now_ns = s->now * s->unit_ns;
        sim_emit(s, SIM_UNIT_BEGIN, -1);
        for (int j = 0; j < s->njobs; j++)
            if (s->jobs[j].state == JOB_FUTURE && s->jobs[j].arrival == s->now) {
                sim_ready(s, j, ENQ_NEW);
                sim_emit(s, SIM_ARRIVE, j);
            }
        sim_io_completions(s);
        if (s->curr >= 0 && s->resched) {
            int j = s->curr;
            sim_put(s, ENQ_PREEMPTED);
            sim_emit(s, SIM_PREEMPT, j);
        }
        s->resched = false;
        while (s->curr < 0) {
            struct sched_entity *se = sched_class_pick(&s->q, s->now * s->unit_ns, false, NULL, NULL);
            if (!se)
                break;
            {
                int j = (int)se->id;
                struct sim_job *jb = &s->jobs[j];
                jb->state = JOB_RUNNING;
                jb->wait += s->now - jb->ready_since;
                if (!jb->started) {
                    jb->started = true;
                    jb->first_run = s->now;
                }
                s->curr = j;
                s->stint_start = s->charged_at = s->now;
                sim_emit(s, SIM_PICK, j);
                if (jb->run == 0) { /* a job of length 0 is done as soon as it is picked */
                    jb->state = JOB_DONE;
                    jb->finish = s->now;
                    sim_put(s, 0);
                    sim_emit(s, SIM_FINISH, j);
                }
            }
        }
        if (sim_all_done(s))
            return 0;
        if (s->curr < 0) {
            sim_emit(s, SIM_IDLE, -1);
            s->now++;
            continue;
        }
        struct sim_job *jb = &s->jobs[s->curr];
        jb->ran++;
        sim_emit(s, SIM_RUN, s->curr);
        s->now++;
    }
}

void sim_free(struct sim *s)
{
    free(s->segs);
    free(s->marks);
    s->segs = NULL;
    s->marks = NULL;
    s->nsegs = s->capsegs = s->nmarks = s->capmarks = 0;
}

void sim_averages(const struct sim *s, double *resp, double *tat, double *wait)
{
    double r = 0, t = 0, w = 0;
    for (int j = 0; j < s->njobs; j++) {
        r += (double)(s->jobs[j].first_run - s->jobs[j].arrival);
        t += (double)(s->jobs[j].finish - s->jobs[j].arrival);
        w += (double)s->jobs[j].wait;
    }
    int n = s->njobs ? s->njobs : 1;
    *resp = r / n, *tat = t / n, *wait = w / n;
}
