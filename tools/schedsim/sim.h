/*
 * The discrete-time simulator core: the part of a kernel scheduler that a
 * policy never sees (clock, arrivals, I/O, the running job, accounting),
 * driving the kernel's own policy files (kernel/sched/policy_*.c) through
 * the kernel's own scheduling-class layer (kernel/sched/class.c), the code
 * kernel/sched/core.c calls: one protocol for both.
 *
 * Time advances one unit at a time; a unit is `unit_ns` of the policies'
 * clock.  Within one unit, in this order:
 *   1. the job that ran during the previous unit is charged (tick); if it
 *      finished, issued I/O or was told to give way it leaves the CPU now,
 *      so a job whose slice just ended is queued ahead of later arrivals;
 *   2. the mode's begin-of-unit hook runs (the MLFQ boost line is printed);
 *   3. arrivals, in job order (ENQ_NEW), each asking check_preempt;
 *   4. I/O completions, in the order the I/Os were issued (ENQ_WAKEUP);
 *   5. if a preemption was asked for, the running job is put back
 *      (ENQ_PREEMPTED); if the CPU is free, pick_next chooses;
 *   6. the chosen job runs for the unit.
 * A policy-level boost (MLFQ rule 5) happens inside the hooks, from
 * rq->now_ns.
 */
#ifndef SCHEDSIM_SIM_H
#define SCHEDSIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sched/class.h>
#include <sched/policies.h>

enum sim_state { JOB_FUTURE, JOB_READY, JOB_RUNNING, JOB_BLOCKED, JOB_DONE };

struct sim_job {
    /* workload, in units */
    uint64_t arrival, run, io_freq, io_time;
    uint64_t expected;      /* declared run time for SJF/STCF (0 = none) */
    int nice;
    uint32_t tickets;
    /* results, in units */
    uint64_t first_run, finish, ran, wait, io_wait;
    bool started;
    /* state */
    enum sim_state state;
    uint64_t ready_since, io_done_at, io_seq;
    struct sched_entity se;
};

/* An instant worth marking on a trace: arrival, I/O start or end, exit. */
struct sim_mark {
    int job;
    uint64_t t;
    enum sim_event_kind { MARK_ARRIVE, MARK_IO_START, MARK_IO_DONE, MARK_FINISH } kind;
};

/* One stint on the CPU: a row of the trace. */
struct sim_seg {
    int job;
    uint64_t start, end; /* units */
};

enum sim_event {
    SIM_UNIT_BEGIN, /* job = -1 */
    SIM_ARRIVE,
    SIM_IO_DONE,
    SIM_PICK,       /* a stint starts */
    SIM_RUN,        /* the job ran unit [now, now + 1); before tick() */
    SIM_IDLE,
    SIM_FINISH,     /* at now */
    SIM_IO_START,   /* at now */
    SIM_PREEMPT,    /* put back at now */
};

struct sim;
typedef void (*sim_hook)(struct sim *s, enum sim_event ev, int job);

struct sim {
    const struct sched_policy *pol;
    struct sched_tunables tun;
    struct sched_class_rq q;    /* the policy alone: no real-time class */
    uint64_t unit_ns;
    struct sim_job *jobs;
    int njobs;
    uint64_t now;           /* units */
    int curr;               /* running job, -1 if none */
    uint64_t stint_start;   /* when curr was picked */
    uint64_t charged_at;    /* when curr's time was last charged (pick or tick) */
    bool resched;
    uint64_t io_seq;
    sim_hook hook;
    void *ctx;
    struct sim_seg *segs;
    size_t nsegs, capsegs;
    struct sim_mark *marks;
    size_t nmarks, capmarks;
    uint64_t max_units;     /* safety stop; 0 = none */
    /* mlfq.py's model: the running job stays at the head of its queue, so
     * whatever happens at a unit's start (a boost, a wake-up joining the
     * front of the queue with -I) sees it there.  The job is charged and
     * given back (ENQ_PREEMPTED) at the end of every unit, on the policy
     * clock an instant before the next unit starts, and pick_next chooses
     * again; consecutive stints of one job make one trace segment. */
    bool requeue_each_unit;
    bool unit_end;          /* internal: the clock reads the end of the last unit */
};

/* Prepare `s` for `jobs` (already filled with the workload). */
void sim_init(struct sim *s, const struct sched_policy *pol, const struct sched_tunables *tun,
              uint64_t unit_ns, struct sim_job *jobs, int njobs);

/* Run until every job has finished.  Returns 0, or -1 if max_units passed. */
int sim_run(struct sim *s);

void sim_free(struct sim *s);

/* Averages over all jobs (units). */
void sim_averages(const struct sim *s, double *resp, double *tat, double *wait);

#endif
