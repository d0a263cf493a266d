/*
 * `schedsim scheduler`: a drop-in for the book's scheduler.py (chapter 7
 * homework), running the kernel's policy files.  Same options (-p FIFO|SJF|RR,
 * -l 100,10,10, -q, -j, -m, -s, -c), same output layout, and with -s the same
 * random workload (Python's generator).  Extensions: -p also takes STCF,
 * MLFQ, LOTTERY, STRIDE and FAIR; a -l entry may be LEN@ARRIVAL.
 *
 * Every job declares its true length (what SJF/STCF need).  One book time
 * unit is 1 ms of the policies' clock; fractional lengths are simulated in
 * steps of 0.01 unit.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "modes.h"
#include "pyrandom.h"

#define MAXJOBS 1024

static const struct { const char *book, *policy; } sched_names[] = {
    {"FIFO", "fifo"}, {"SJF", "sjf"}, {"STCF", "stcf"}, {"RR", "rr"}, {"MLFQ", "mlfq"},
    {"LOTTERY", "lottery"}, {"STRIDE", "stride"}, {"FAIR", "fair"}, {"CFS", "fair"},
};

static const struct sched_policy *sched_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof(sched_names) / sizeof(sched_names[0]); i++)
        if (!strcasecmp(name, sched_names[i].book))
            return sched_policy_find(sched_names[i].policy);
    return NULL;
}

static void print_prompt(void)
{
    printf("Compute the turnaround time, response time, and wait time for each job.\n"
           "When you are done, run this program again, with the same arguments,\n"
           "but with -c, which will thus provide you with the answers. You can use\n"
           "-s <somenumber> or your own job list (-l 10,15,20 for example)\n"
           "to generate different problems for yourself.\n\n");
}

int mode_scheduler(int argc, char **argv)
{
    long seed = 0, njobs = 3, maxlen = 10, quantum = 1;
    const char *jlist = "", *policy = "FIFO";
    bool solve = false;
    const struct opt opts[] = {
        {'s', "seed", OPT_INT, &seed, "the random seed"},
        {'j', "jobs", OPT_INT, &njobs, "number of jobs in the system"},
        {'l', "jlist", OPT_STR, &jlist, "comma-separated run times (LEN or LEN@ARRIVAL)"},
        {'m', "maxlen", OPT_INT, &maxlen, "max length of job"},
        {'p', "policy", OPT_STR, &policy, "FIFO, SJF, RR (also STCF, MLFQ, LOTTERY, STRIDE, FAIR)"},
        {'q', "quantum", OPT_INT, &quantum, "length of time slice for RR policy"},
        {'c', NULL, OPT_FLAG, &solve, "compute answers for me"},
        {0, NULL, 0, NULL, NULL},
    };
    int rc = opts_parse(argc, argv, 2, opts, "schedsim scheduler");
    if (rc)
        return rc == -2 ? 0 : 2;
    if (quantum <= 0)
        die("the quantum must be positive");

    struct pyrandom rng;
    py_seed(&rng, seed);
    printf("ARG policy %s\n", policy);
    if (!*jlist)
        printf("ARG jobs %ld\nARG maxlen %ld\nARG seed %ld\n", njobs, maxlen, seed);
    else
        printf("ARG jlist %s\n", jlist);
    printf("\nHere is the job list, with the run time of each job: \n");

    static struct sim_job jobs[MAXJOBS];
    double len[MAXJOBS], arr[MAXJOBS];
    int n = 0;
    bool fractional = false, arrivals = false;
    if (!*jlist) {
        if (njobs < 0 || njobs > MAXJOBS)
            die("-j must be 0..%d", MAXJOBS);
        for (n = 0; n < njobs; n++) {
            len[n] = floor((double)maxlen * py_random(&rng)) + 1;
            arr[n] = 0;
            printf("  Job %d ( length = %.0f )\n", n, len[n]);
        }
    } else {
        /* all lengths are read before any is printed, as the tool does */
        char *copy = strdup(jlist), *f[MAXJOBS];
        bool has_arr[MAXJOBS];
        int nf = split(copy, ',', f, MAXJOBS);
        for (n = 0; n < nf; n++) {
            char *at = strchr(f[n], '@'), *end;
            if (at)
                *at = 0;
            has_arr[n] = at != NULL;
            if (!py_float(f[n], &len[n])) {
                char r[512];
                if (at)
                    *at = '@';
                py_repr(f[n], r, sizeof r);
                py_raise("ValueError", "could not convert string to float: %s", r);
            }
            if (!(len[n] >= 0))
                die("bad job length '%s' in -l: lengths must not be negative", f[n]);
            arr[n] = at ? strtod(at + 1, &end) : 0;
            if (at && (end == at + 1 || *end || arr[n] < 0))
                die("bad arrival time '%s' in -l", at + 1);
            arrivals |= arr[n] > 0;
            fractional |= len[n] != floor(len[n]) || arr[n] != floor(arr[n]);
        }
        for (int j = 0; j < n; j++) {
            char buf[40];
            py_float_str(len[j], buf, sizeof buf);
            printf("  Job %d ( length = %s", j, buf);
            if (has_arr[j])
                printf(", arrival = %g", arr[j]);
            printf(" )\n");
        }
        free(copy);
    }
    printf("\n\n");
    if (!solve) {
        print_prompt();
        return 0;
    }
    printf("** Solutions **\n\n");
    const struct sched_policy *pol = sched_lookup(policy);
    if (!pol) {
        printf("Error: Policy %s is not available.\n", policy);
        return 0;
    }

    const double scale = fractional ? 100.0 : 1.0;
    for (int j = 0; j < n; j++) {
        jobs[j] = (struct sim_job){0};
        jobs[j].run = (uint64_t)llround(len[j] * scale);
        jobs[j].arrival = (uint64_t)llround(arr[j] * scale);
        jobs[j].expected = jobs[j].run;
    }
    struct sched_tunables tun;
    sched_tunables_default(&tun);
    tun.rr_slice_ns = tun.lottery_slice_ns = tun.stride_slice_ns = SCHED_MS(quantum);
    tun.lottery_seed = (uint64_t)seed;
    struct sim s = {0};
    sim_init(&s, pol, &tun, (uint64_t)(SCHED_MS(1) / scale), jobs, n);
    for (int j = 0; j < n; j++)
        if (!jobs[j].run)
            jobs[j].se.expected_ns = 1; /* shorter than any other job (0 would mean undeclared) */
    if (sim_run(&s)) {
        fprintf(stderr, "schedsim: gave up after %llu time units\n", (unsigned long long)s.max_units);
        return 1;
    }

    bool fifo_style = pol == &sched_policy_fifo || pol == &sched_policy_sjf;
    printf("Execution trace:\n");
    uint64_t prev_end = 0;
    for (size_t i = 0; i < s.nsegs; i++) {
        const struct sim_seg *g = &s.segs[i];
        if (g->start > prev_end)
            printf("  [ time %3ld ] Idle for %.2f secs\n", (long)(prev_end / scale), (g->start - prev_end) / scale);
        prev_end = g->end;
        bool done = jobs[g->job].finish == g->end;
        printf(fifo_style ? "  [ time %3ld ] Run job %d for %.2f secs" : "  [ time %3ld ] Run job %3d for %.2f secs",
               (long)(g->start / scale), g->job, (g->end - g->start) / scale);
        if (done)
            printf(" ( DONE at %.2f )", g->end / scale);
        printf("\n");
    }

    /* FIFO and SJF list jobs in the order they ran (one stint each), as
     * scheduler.py does. */
    int order[MAXJOBS];
    for (int j = 0; j < n; j++)
        order[j] = fifo_style ? s.segs[j].job : j;
    printf("\nFinal statistics:\n");
    for (int k = 0; k < n; k++) {
        const struct sim_job *jb = &jobs[order[k]];
        printf("  Job %3d -- Response: %3.2f  Turnaround %3.2f  Wait %3.2f\n", order[k],
               (jb->first_run - jb->arrival) / scale, (jb->finish - jb->arrival) / scale, jb->wait / scale);
    }
    if (!n)
        py_raise("ZeroDivisionError", "float division by zero");
    double r, t, w;
    sim_averages(&s, &r, &t, &w);
    printf("\n  Average -- Response: %3.2f  Turnaround %3.2f  Wait %3.2f\n\n", r / scale, t / scale, w / scale);
    rc = write_traces(&s, policy, 1000.0 / scale, "time units");
    sim_free(&s);
    return rc ? 1 : 0;
}
