/*
 * `schedsim mlfq`: a drop-in for the book's mlfq.py (chapter 8 homework),
 * running kernel/sched/policy_mlfq.c.  Same options (-n, -q/-Q, -a/-A, -B,
 * -i, -S, -I, -l start,run,iofreq:..., -j, -m, -M, -s, -c), same output
 * layout, priorities numbered as mlfq.py does (highest queue = n-1), and
 * with -s the same random jobs.  One time unit is 1 ms of the policy clock.
 *
 * Mapping: -Q/-q give the per-level slices, -A/-a the allotments in slices
 * (0 = unlimited), -B the boost period, -S turns the anti-gaming accounting
 * off (rules 4a/4b: an I/O resets the job's slice and allotment), -I makes a
 * job returning from I/O join the front of its queue.  The simulator gives
 * the running job back to the policy at the end of every unit
 * (sim.requeue_each_unit), as mlfq.py keeps it at the head of its queue: a
 * boost then re-queues it in its place among the lower queues' jobs, and
 * with -I a job back from I/O goes ahead of it.  README.md lists the one
 * case where the output still differs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sched/policy_mlfq.h>

#include "common.h"
#include "modes.h"
#include "pyrandom.h"

#define MAXJOBS 1024

struct mlfq_view {
    int nq;
    long boost;
};

static void mlfq_print(struct sim *s, enum sim_event ev, int j)
{
    const struct mlfq_view *v = s->ctx;
    long t = (long)s->now;
    switch (ev) {
    case SIM_UNIT_BEGIN:
        if (v->boost > 0 && t != 0 && t % v->boost == 0)
            printf("[ time %ld ] BOOST ( every %ld )\n", t, v->boost);
        break;
    case SIM_ARRIVE:
        printf("[ time %ld ] JOB BEGINS by JOB %d\n", t, j);
        break;
    case SIM_IO_DONE:
        printf("[ time %ld ] IO_DONE by JOB %d\n", t, j);
        break;
    case SIM_IDLE:
        printf("[ time %ld ] IDLE\n", t);
        break;
    case SIM_FINISH:
        printf("[ time %ld ] FINISHED JOB %d\n", t, j);
        break;
    case SIM_IO_START:
        printf("[ time %ld ] IO_START by JOB %d\nIO DONE\n", t, j);
        break;
    case SIM_RUN: {
        /* The job's standing as mlfq.py shows it: after this unit's tick
         * is counted, before the slice-end processing. */
        const struct sim_job *jb = &s->jobs[j];
        const struct mlfq_entity *e = mlfq_se(&jb->se);
        int level = e->level;
        uint64_t slice_used = e->slice_used_ns, allot_used = e->allot_used_ns;
        if (e->boost_epoch != mlfq_rq(&s->q.sys)->boost_epoch) /* a boost it has not seen yet */
            level = 0, slice_used = allot_used = 0;
        uint64_t q = s->tun.mlfq_slice_ns[level], a = s->tun.mlfq_allot_ns[level];
        long ticks = (long)((q - slice_used) / s->unit_ns) - 1;
        long allot = (long)((a - (allot_used - slice_used)) / q);
        printf("[ time %ld ] Run JOB %d at PRIORITY %d [ TICKS %ld ALLOT %ld TIME %ld (of %ld) ]\n", t, j,
               v->nq - 1 - level, ticks, allot, (long)(jb->run - jb->ran), (long)jb->run);
        break;
    }
    default:
        break;
    }
}

/* "x,y,z" per level, highest priority first, into vals[0..]; returns count. */
static int parse_levels(const char *list, long *vals, const char *what)
{
    char *copy = strdup(list), *f[SCHED_MLFQ_MAX_LEVELS + 1];
    int n = split(copy, ',', f, SCHED_MLFQ_MAX_LEVELS + 1);
    if (n > SCHED_MLFQ_MAX_LEVELS)
        die("at most %d queues", SCHED_MLFQ_MAX_LEVELS);
    for (int i = 0; i < n; i++)
        if (!parse_long(f[i], &vals[i]))
            die("bad %s '%s'", what, f[i]);
    free(copy);
    return n;
}

int mode_mlfq(int argc, char **argv)
{
    long seed = 0, nq = 3, quantum = 10, allotment = 1, njobs = 3, maxlen = 100, maxio = 10, boost = 0,
         iotime = 5;
    const char *qlist = "", *alist = "", *jlist = "";
    bool stay = false, iobump = false, solve = false;
    const struct opt opts[] = {
        {'s', "seed", OPT_INT, &seed, "the random seed"},
        {'n', "numQueues", OPT_INT, &nq, "number of queues in MLFQ (if not using -Q)"},
        {'q', "quantum", OPT_INT, &quantum, "length of time slice (if not using -Q)"},
        {'a', "allotment", OPT_INT, &allotment, "length of allotment, in slices (if not using -A)"},
        {'Q', "quantumList", OPT_STR, &qlist, "slice per queue, highest priority first: x,y,z"},
        {'A', "allotmentList", OPT_STR, &alist, "allotment per queue, in slices: x,y,z"},
        {'j', "numJobs", OPT_INT, &njobs, "number of jobs in the system"},
        {'m', "maxlen", OPT_INT, &maxlen, "max run-time of a job (if randomly generating)"},
        {'M', "maxio", OPT_INT, &maxio, "max I/O frequency of a job (if randomly generating)"},
        {'B', "boost", OPT_INT, &boost, "how often to boost all jobs to the top (0 = never)"},
        {'i', "iotime", OPT_INT, &iotime, "how long an I/O lasts"},
        {'S', "stay", OPT_FLAG, &stay, "reset and stay at the same level on I/O (rules 4a/4b)"},
        {'I', "iobump", OPT_FLAG, &iobump, "jobs back from I/O go to the front of their queue"},
        {'l', "jlist", OPT_STR, &jlist, "jobs as start,run,iofreq:start,run,iofreq:..."},
        {'c', NULL, OPT_FLAG, &solve, "compute answers for me"},
        {0, NULL, 0, NULL, NULL},
    };
    int rc = opts_parse(argc, argv, 2, opts, "schedsim mlfq");
    if (rc)
        return rc == -2 ? 0 : 2;

    long q[SCHED_MLFQ_MAX_LEVELS], a[SCHED_MLFQ_MAX_LEVELS]; /* index 0 = highest */
    if (*qlist) {
        nq = parse_levels(qlist, q, "quantum");
    } else {
        if (nq < 1 || nq > SCHED_MLFQ_MAX_LEVELS)
            die("-n must be 1..%d", SCHED_MLFQ_MAX_LEVELS);
        for (int i = 0; i < nq; i++)
            q[i] = quantum;
    }
    if (*alist) {
        if (parse_levels(alist, a, "allotment") != nq) {
            printf("number of allotments specified must match number of quantums\n");
            return 1;
        }
        for (int i = 0; i < nq - 1; i++)
            if (a[i] <= 0) {
                printf("allotment must be positive integer\n");
                return 1;
            }
    } else {
        for (int i = 0; i < nq; i++)
            a[i] = allotment;
    }
    for (int i = 0; i < nq; i++)
        if (q[i] <= 0)
            die("quantum lengths must be positive");

    static struct sim_job jobs[MAXJOBS];
    int n = 0;
    struct pyrandom rng;
    py_seed(&rng, seed);
    if (*jlist) {
        char *copy = strdup(jlist), *f[MAXJOBS];
        int nf = split(copy, ':', f, MAXJOBS);
        for (n = 0; n < nf; n++) {
            char *g[4];
            long v[3];
            if (split(f[n], ',', g, 4) != 3 || !parse_long(g[0], &v[0]) || !parse_long(g[1], &v[1]) ||
                !parse_long(g[2], &v[2]) || v[0] < 0 || v[1] <= 0 || v[2] < 0) {
                printf("Badly formatted job string. Should be x1,y1,z1:x2,y2,z2:...\n"
                       "where x is the startTime, y is the runTime, and z is the I/O frequency.\n");
                return 1;
            }
            jobs[n] = (struct sim_job){.arrival = (uint64_t)v[0], .run = (uint64_t)v[1], .io_freq = (uint64_t)v[2]};
        }
        free(copy);
    } else {
        if (njobs < 0 || njobs > MAXJOBS)
            die("-j must be 0..%d", MAXJOBS);
        for (n = 0; n < njobs; n++) {
            long run = (long)(py_random(&rng) * (double)(maxlen - 1) + 1);
            long io = (long)(py_random(&rng) * (double)(maxio - 1) + 1);
            jobs[n] = (struct sim_job){.arrival = 0, .run = (uint64_t)run, .io_freq = (uint64_t)io};
        }
    }
    for (int j = 0; j < n; j++)
        jobs[j].io_time = (uint64_t)iotime;

    printf("Here is the list of inputs:\nOPTIONS jobs %d\nOPTIONS queues %ld\n", n, nq);
    for (int i = 0; i < nq; i++) {
        printf("OPTIONS allotments for queue %2ld is %3ld\n", nq - 1 - i, a[i]);
        printf("OPTIONS quantum length for queue %2ld is %3ld\n", nq - 1 - i, q[i]);
    }
    printf("OPTIONS boost %ld\nOPTIONS ioTime %ld\nOPTIONS stayAfterIO %s\nOPTIONS iobump %s\n\n\n", boost, iotime,
           stay ? "True" : "False", iobump ? "True" : "False");
    printf("For each job, three defining characteristics are given:\n"
           "  startTime : at what time does the job enter the system\n"
           "  runTime   : the total CPU time needed by the job to finish\n"
           "  ioFreq    : every ioFreq time units, the job issues an I/O\n"
           "              (the I/O takes ioTime units to complete)\n\nJob List:\n");
    for (int j = 0; j < n; j++)
        printf("  Job %2d: startTime %3ld - runTime %3ld - ioFreq %3ld\n", j, (long)jobs[j].arrival,
               (long)jobs[j].run, (long)jobs[j].io_freq);
    printf("\n");
    if (!solve) {
        printf("Compute the execution trace for the given workloads.\n"
               "If you would like, also compute the response and turnaround\n"
               "times for each of the jobs.\n\n"
               "Use the -c flag to get the exact results when you are finished.\n\n");
        return 0;
    }

    struct sched_tunables tun;
    sched_tunables_default(&tun);
    tun.mlfq_levels = (int)nq;
    for (int i = 0; i < nq; i++) {
        tun.mlfq_slice_ns[i] = SCHED_MS(q[i]);
        tun.mlfq_allot_ns[i] = a[i] > 0 ? SCHED_MS(a[i] * q[i]) : (1ull << 40); /* 0: unlimited */
    }
    tun.mlfq_boost_ns = boost > 0 ? SCHED_MS(boost) : 0;
    tun.mlfq_antigaming = !stay;
    tun.mlfq_iobump = iobump;
    if (sched_tunables_check(&tun))
        die("these MLFQ parameters are out of range");

    printf("\nExecution Trace:\n\n");
    struct mlfq_view view = {(int)nq, boost};
    struct sim s = {.hook = mlfq_print, .ctx = &view};
    sim_init(&s, &sched_policy_mlfq, &tun, SCHED_MS(1), jobs, n);
    s.requeue_each_unit = true;
    if (sim_run(&s)) {
        fprintf(stderr, "schedsim: gave up after %llu time units\n", (unsigned long long)s.max_units);
        return 1;
    }

    printf("\nFinal statistics:\n");
    long rsum = 0, tsum = 0;
    for (int j = 0; j < n; j++) {
        long r = (long)(jobs[j].first_run - jobs[j].arrival), t = (long)(jobs[j].finish - jobs[j].arrival);
        printf("  Job %2d: startTime %3ld - response %3ld - turnaround %3ld\n", j, (long)jobs[j].arrival, r, t);
        rsum += r, tsum += t;
    }
    if (n)
        printf("\n  Avg %2d: startTime n/a - response %.2f - turnaround %.2f\n\n\n", n - 1, (double)rsum / n,
               (double)tsum / n);
    rc = write_traces(&s, "MLFQ", 1000.0, "time units");
    sim_free(&s);
    return rc ? 1 : 0;
}
