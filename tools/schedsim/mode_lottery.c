/*
 * `schedsim lottery`: a drop-in for the book's lottery.py (chapter 9
 * homework), running kernel/sched/policy_lottery.c.  Same options (-l
 * len:tickets,..., -j, -m, -T, -q, -s, -c) and output; the draws use
 * Python's generator exactly as lottery.py does (r = int(random() *
 * 1000001), winning ticket = r % total tickets), so the same seed picks the
 * same winners.  The tree-based draw finds the job a walk of the job list in
 * order would find.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "modes.h"
#include "pyrandom.h"

#define MAXJOBS 1024

struct lottery_view {
    struct pyrandom rng;
    uint64_t r, winner, total;
};

/* The policy's random source: lottery.py's formula on Python's generator. */
static uint64_t lottery_py_below(struct sched_rq *rq, uint64_t n)
{
    struct lottery_view *v = rq->rand_ctx;
    v->r = (uint64_t)(py_random(&v->rng) * 1000001.0);
    v->total = n;
    v->winner = v->r % n;
    return v->winner;
}

static void lottery_print(struct sim *s, enum sim_event ev, int j)
{
    const struct lottery_view *v = s->ctx;
    if (ev == SIM_PICK) {
        printf("Random %llu -> Winning ticket %llu (of %llu) -> Run %d\n", (unsigned long long)v->r,
               (unsigned long long)v->winner, (unsigned long long)v->total, j);
        printf("  Jobs:\n");
        for (int k = 0; k < s->njobs; k++) {
            const struct sim_job *jb = &s->jobs[k];
            char tix[16];
            if (jb->state == JOB_DONE)
                snprintf(tix, sizeof tix, "---");
            else
                snprintf(tix, sizeof tix, "%u", jb->tickets);
            printf(" (%s job:%d timeleft:%ld tix:%s ) ", k == j ? "*" : " ", k, (long)(jb->run - jb->ran), tix);
        }
        printf("\n");
    } else if (ev == SIM_FINISH) {
        printf("--> JOB %d DONE at time %ld\n", j, (long)s->now);
    }
}

int mode_lottery(int argc, char **argv)
{
    long seed = 0, njobs = 3, maxlen = 10, maxticket = 100, quantum = 1;
    const char *jlist = "";
    bool solve = false;
    const struct opt opts[] = {
        {'s', "seed", OPT_INT, &seed, "the random seed"},
        {'j', "jobs", OPT_INT, &njobs, "number of jobs in the system"},
        {'l', "jlist", OPT_STR, &jlist, "jobs as run-time:tickets, comma-separated (10:100,20:100)"},
        {'m', "maxlen", OPT_INT, &maxlen, "max length of job"},
        {'T', "maxticket", OPT_INT, &maxticket, "maximum ticket value, if randomly assigned"},
        {'q', "quantum", OPT_INT, &quantum, "length of time slice"},
        {'c', "compute", OPT_FLAG, &solve, "compute answers for me"},
        {0, NULL, 0, NULL, NULL},
    };
    int rc = opts_parse(argc, argv, 2, opts, "schedsim lottery");
    if (rc)
        return rc == -2 ? 0 : 2;
    if (quantum <= 0)
        die("the quantum must be positive");

    static struct lottery_view view;
    py_seed(&view.rng, seed);
    printf("ARG jlist %s\nARG jobs %ld\nARG maxlen %ld\nARG maxticket %ld\nARG quantum %ld\nARG seed %ld\n\n", jlist,
           njobs, maxlen, maxticket, quantum, seed);
    printf("Here is the job list, with the run time of each job: \n");

    static struct sim_job jobs[MAXJOBS];
    int n = 0;
    long run_total = 0;
    if (!*jlist) {
        if (njobs < 0 || njobs > MAXJOBS)
            die("-j must be 0..%d", MAXJOBS);
        if (maxlen < 2 || maxticket < 2)
            die("-m and -T must be at least 2");
        for (n = 0; n < njobs; n++) {
            long run = 0, tix = 0;
            while (run == 0)
                run = (long)((double)maxlen * py_random(&view.rng));
            while (tix == 0)
                tix = (long)((double)maxticket * py_random(&view.rng));
            jobs[n] = (struct sim_job){.run = (uint64_t)run, .tickets = (uint32_t)tix};
        }
    } else {
        char *copy = strdup(jlist), *f[MAXJOBS];
        int nf = split(copy, ',', f, MAXJOBS);
        for (n = 0; n < nf; n++) {
            char *g[3];
            long run, tix;
            if (split(f[n], ':', g, 3) != 2 || !parse_long(g[0], &run) || !parse_long(g[1], &tix) || run <= 0 ||
                tix <= 0 || tix > 0x7fffffff)
                die("bad job '%s' in -l: expected run-time:tickets, both positive", f[n]);
            jobs[n] = (struct sim_job){.run = (uint64_t)run, .tickets = (uint32_t)tix};
        }
        free(copy);
    }
    for (int j = 0; j < n; j++) {
        run_total += (long)jobs[j].run;
        printf("  Job %d ( length = %ld, tickets = %u )\n", j, (long)jobs[j].run, jobs[j].tickets);
    }
    printf("\n\n");
    if (!solve) {
        printf("Here is the set of random numbers you will need (at most):\n");
        for (long i = 0; i < run_total; i++)
            printf("Random %ld\n", (long)(py_random(&view.rng) * 1000001.0));
        return 0;
    }
    printf("** Solutions **\n\n");

    struct sched_tunables tun;
    sched_tunables_default(&tun);
    tun.lottery_slice_ns = SCHED_MS(quantum);
    tun.lottery_seed = (uint64_t)seed;
    struct sim s = {.hook = lottery_print, .ctx = &view};
    sim_init(&s, &sched_policy_lottery, &tun, SCHED_MS(1), jobs, n);
    s.q.sys.rand_below = lottery_py_below;
    s.q.sys.rand_ctx = &view;
    if (sim_run(&s)) {
        fprintf(stderr, "schedsim: gave up after %llu time units\n", (unsigned long long)s.max_units);
        return 1;
    }
    printf("\n");
    rc = write_traces(&s, "lottery", 1000.0, "time units");
    sim_free(&s);
    return rc ? 1 : 0;
}
