/*
 * `schedsim multi`: a drop-in for the book's multi.py (chapter 10
 * homework, multiprocessor scheduling).  Jobs have a run time and a working
 * set; each CPU has a cache, and a job runs -r times faster on a CPU whose
 * cache is warm for it.  Same options (-s, -j, -R, -W, -L name:run:wset,...,
 * -p, -A name:cpu.cpu,..., -n, -q, -P, -w, -r, -M, -o, -t, -T, -C, -S, -c),
 * same output column for column, and for a seed the same random jobs, CPU
 * orders (-o) and steal victims (-P), from Python's generator.
 *
 * The model is the tool's:
 *  - one queue shared by all CPUs, or with -p one queue per CPU, jobs dealt
 *    out round robin (as their affinity allows);
 *  - every -q ticks all running jobs go back to the tail of their CPU's
 *    queue; an idle CPU takes the first job in its queue that may run there;
 *  - with -p, every -P ticks a CPU with an empty queue looks at one other
 *    CPU's queue, drawn at random, and takes its first job that it may
 *    (the tool's test for "may" compares the CPU number with the job's run
 *    time and working set, not its affinity: kept, so the runs agree);
 *  - a cache warms for a job after -w ticks of it running there; warm jobs
 *    whose working sets no longer fit in -M are evicted, last warmed first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "modes.h"
#include "pyrandom.h"

struct mq_list {
    int *v;
    size_t n, cap;
};

static void mq_append(struct mq_list *l, int x)
{
    l->v = grow_array(l->v, &l->cap, l->n + 1, sizeof(int));
    l->v[l->n++] = x;
}

static void mq_insert0(struct mq_list *l, int x)
{
    mq_append(l, x);
    memmove(&l->v[1], &l->v[0], (l->n - 1) * sizeof(int));
    l->v[0] = x;
}

static void mq_del(struct mq_list *l, size_t i)
{
    memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(int));
    l->n--;
}

static long mq_find(const struct mq_list *l, int x)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == x)
            return (long)i;
    return -1;
}

struct mq_job {
    char *name;
    long run, wset, left;
    struct mq_list affinity;
};

struct mq_cache {
    struct mq_list contents, warming;
    long *counter; /* per job */
};

struct mq {
    struct mq_job *jobs;
    size_t njobs, capjobs;
    int ncpu;
    long size, warm_rate, warmup;
    struct mq_cache *cache;
    struct mq_list *queues; /* per CPU; all the same list without -p */
    struct mq_list **q;
    int *current;           /* job per CPU, -1 = idle */
    long *ran, *ran_warm;
};

static bool mq_allowed(const struct mq_job *j, int cpu)
{
    return j->affinity.n == 0 || mq_find(&j->affinity, cpu) >= 0;
}

static void mq_adjust(struct mq *m, struct mq_cache *c)
{
    long total = 0;
    for (size_t i = 0; i < c->contents.n; i++)
        total += m->jobs[c->contents.v[i]].wset;
    while (total > m->size) {
        int gone = c->contents.v[c->contents.n - 1];
        c->contents.n--;
        mq_append(&c->warming, gone);
        c->counter[gone] = m->warmup;
        total -= m->jobs[gone].wset;
    }
}

static void mq_cache_new_job(struct mq *m, struct mq_cache *c, int j)
{
    if (mq_find(&c->contents, j) >= 0 || mq_find(&c->warming, j) >= 0)
        return;
    if (m->warmup == 0) {
        mq_insert0(&c->contents, j);
        mq_adjust(m, c);
    } else {
        mq_append(&c->warming, j);
        c->counter[j] = m->warmup;
    }
}

static void mq_cache_update(struct mq *m, struct mq_cache *c, int j)
{
    long i = mq_find(&c->warming, j);
    if (i < 0)
        return;
    if (--c->counter[j] <= 0) {
        mq_del(&c->warming, (size_t)i);
        mq_insert0(&c->contents, j);
        mq_adjust(m, c);
    }
}

static void mq_print_list(const struct mq *m, const struct mq_list *l)
{
    printf("[");
    for (size_t i = 0; i < l->n; i++) {
        char r[512];
        py_repr(m->jobs[l->v[i]].name, r, sizeof r);
        printf("%s%s", i ? ", " : "", r);
    }
    printf("]");
}

/* Jobs from "name:run:wset,..." (the tool builds the same string from its
 * random draws).  Prints each as it is read, as the tool does. */
static void mq_parse_jobs(struct mq *m, const char *list)
{
    char *copy = strdup(list);
    for (char *e = copy, *next; e; e = next) {
        next = strchr(e, ',');
        if (next)
            *next++ = 0;
        char *f[4], *orig = strdup(e);
        if (split(e, ':', f, 4) != 3) {
            printf("bad job description [%s]: needs triple of name:runtime:working_set_size\n", orig);
            exit(1);
        }
        free(orig);
        long run = py_int_or_raise(f[1]), wset = py_int_or_raise(f[2]);
        printf("Job name:%s run_time:%ld working_set_size:%ld\n", f[0], run, wset);
        for (size_t k = 0; k < m->njobs; k++)
            if (!strcmp(m->jobs[k].name, f[0])) {
                printf("repeated job name %s\n", f[0]);
                exit(1);
            }
        m->jobs = grow_array(m->jobs, &m->capjobs, m->njobs + 1, sizeof(*m->jobs));
        m->jobs[m->njobs++] = (struct mq_job){.name = strdup(f[0]), .run = run, .wset = wset, .left = run};
    }
    free(copy);
    printf("\n");
}

static void mq_parse_affinity(struct mq *m, const char *spec)
{
    char *copy = strdup(spec);
    for (char *e = copy, *next; e; e = next) {
        next = strchr(e, ',');
        if (next)
            *next++ = 0;
        char *f[3];
        if (split(e, ':', f, 3) != 2) {
            printf("bad affinity spec %s\n", spec);
            exit(1);
        }
        long j = -1;
        for (size_t k = 0; k < m->njobs; k++)
            if (!strcmp(m->jobs[k].name, f[0]))
                j = (long)k;
        if (j < 0) {
            printf("job name %s in affinity list does not exist\n", f[0]);
            exit(1);
        }
        for (char *c = f[1], *cn; c; c = cn) {
            cn = strchr(c, '.');
            if (cn)
                *cn++ = 0;
            long cpu = py_int_or_raise(c);
            mq_append(&m->jobs[j].affinity, (int)cpu);
            if (cpu < 0 || cpu >= m->ncpu) {
                printf("bad cpu %ld specified in affinity %s\n", cpu, spec);
                exit(1);
            }
        }
    }
    free(copy);
}

int mode_multi(int argc, char **argv)
{
    long seed = 0, job_num = 3, max_run = 100, max_wset = 200, ncpu = 2, quantum = 10, peek = 30, warmup = 10,
         warm_rate = 2, cache_size = 100;
    const char *job_list = "", *affinity = "";
    bool per_cpu = false, rand_order = false, trace = false, trace_left = false, trace_cache = false,
         trace_sched = false, solve = false;
    const struct opt opts[] = {
        {'s', "seed", OPT_INT, &seed, "the random seed"},
        {'j', "job_num", OPT_INT, &job_num, "number of jobs in the system"},
        {'R', "max_run", OPT_INT, &max_run, "max run time of random-gen jobs"},
        {'W', "max_wset", OPT_INT, &max_wset, "max working set of random-gen jobs"},
        {'L', "job_list", OPT_STR, &job_list, "jobs as name:run_time:working_set_size,... (a:10:100,b:10:50)"},
        {'p', "per_cpu_queues", OPT_FLAG, &per_cpu, "per-CPU scheduling queues (not one)"},
        {'A', "affinity", OPT_STR, &affinity, "which CPUs jobs may run on: a:0.1.2,b:0.1"},
        {'n', "num_cpus", OPT_INT, &ncpu, "number of CPUs"},
        {'q', "quantum", OPT_INT, &quantum, "length of time slice"},
        {'P', "peek_interval", OPT_INT, &peek, "with -p, how often to peek at other queues; 0 = never"},
        {'w', "warmup_time", OPT_INT, &warmup, "time it takes to warm cache"},
        {'r', "warm_rate", OPT_INT, &warm_rate, "how much faster to run with warm cache"},
        {'M', "cache_size", OPT_INT, &cache_size, "cache size"},
        {'o', "rand_order", OPT_FLAG, &rand_order, "has CPUs get jobs in random order"},
        {'t', "trace", OPT_FLAG, &trace, "enable basic tracing (show which jobs got scheduled)"},
        {'T', "trace_time_left", OPT_FLAG, &trace_left, "trace time left for each job"},
        {'C', "trace_cache", OPT_FLAG, &trace_cache, "trace cache status (warm/cold) too"},
        {'S', "trace_sched", OPT_FLAG, &trace_sched, "trace scheduler state"},
        {'c', "compute", OPT_FLAG, &solve, "compute answers for me"},
        {0, NULL, 0, NULL, NULL},
    };
    int rc = homework_opts(argc, argv, opts, "schedsim multi");
    if (rc >= 0)
        return rc;
    struct pyrandom rng;
    py_seed(&rng, seed);
#define TF(b) ((b) ? "True" : "False")
    printf("ARG seed %ld\nARG job_num %ld\nARG max_run %ld\nARG max_wset %ld\nARG job_list %s\nARG affinity %s\n"
           "ARG per_cpu_queues %s\nARG num_cpus %ld\nARG quantum %ld\nARG peek_interval %ld\nARG warmup_time %ld\n"
           "ARG cache_size %ld\nARG random_order %s\nARG trace %s\nARG trace_time %s\nARG trace_cache %s\n"
           "ARG trace_sched %s\nARG compute %s\n\n",
           seed, job_num, max_run, max_wset, job_list, affinity, TF(per_cpu), ncpu, quantum, peek, warmup,
           cache_size, TF(rand_order), TF(trace), TF(trace_left), TF(trace_cache), TF(trace_sched), TF(solve));
#undef TF
    if (ncpu < 1 || ncpu > 4096) {
        /* the tool loops for ever with no CPU */
        fprintf(stderr, "schedsim multi: -n must be 1..4096\n");
        return 1;
    }
    trace = trace || trace_left || trace_cache || trace_sched;

    struct mq m = {.ncpu = (int)ncpu, .size = cache_size, .warm_rate = warm_rate, .warmup = warmup};
    char *generated = NULL;
    if (!*job_list) {
        size_t len = 0, cap = 0;
        for (long j = 0; j < job_num; j++) {
            long run = (long)(py_random(&rng) * (double)max_run / 10.0) * 10;
            long wset = (long)(py_random(&rng) * (double)max_wset / 10.0) * 10;
            char e[80];
            int n = snprintf(e, sizeof e, "%s%ld:%ld:%ld", j ? "," : "", j, run, wset);
            generated = grow_array(generated, &cap, len + (size_t)n + 1, 1);
            memcpy(generated + len, e, (size_t)n + 1);
            len += (size_t)n;
        }
    }
    mq_parse_jobs(&m, generated ? generated : job_list);
    free(generated);
    if (*affinity)
        mq_parse_affinity(&m, affinity);

    int n = m.ncpu, nj = (int)m.njobs;
    m.queues = calloc((size_t)n, sizeof(*m.queues));
    m.q = calloc((size_t)n, sizeof(*m.q));
    m.cache = calloc((size_t)n, sizeof(*m.cache));
    m.current = malloc((size_t)n * sizeof(int));
    m.ran = calloc((size_t)n, sizeof(long));
    m.ran_warm = calloc((size_t)n, sizeof(long));
    if (!m.queues || !m.q || !m.cache || !m.current || !m.ran || !m.ran_warm)
        die("out of memory");
    for (int c = 0; c < n; c++) {
        m.q[c] = per_cpu ? &m.queues[c] : &m.queues[0];
        m.current[c] = -1;
        m.cache[c].counter = calloc((size_t)nj + 1, sizeof(long));
    }
    if (per_cpu) {
        struct mq_list todo = {0};
        for (int j = 0; j < nj; j++)
            mq_append(&todo, j);
        while (todo.n)
            for (int c = 0; c < n; c++)
                for (size_t k = 0; k < todo.n; k++)
                    if (mq_allowed(&m.jobs[todo.v[k]], c)) {
                        mq_append(m.q[c], todo.v[k]);
                        mq_del(&todo, k);
                        break;
                    }
        free(todo.v);
        for (int c = 0; c < n; c++) {
            printf("Scheduler CPU %d queue: ", c);
            mq_print_list(&m, m.q[c]);
            printf("\n");
        }
        printf("\n");
    } else {
        for (int j = 0; j < nj; j++)
            mq_append(m.q[0], j);
        printf("Scheduler central queue: ");
        mq_print_list(&m, m.q[0]);
        printf("\n\n");
    }

    long now = 0;
    int finished = 0;
    int *order = malloc((size_t)n * sizeof(int));
    while (finished < nj) {
        /* the end of a time slice: running jobs go back to their queues */
        if (quantum == 0)
            py_raise("ZeroDivisionError", "integer modulo by zero");
        bool slice_end = now % quantum == 0 && now > 0;
        if (slice_end && trace) {
            long w = 8 + 7 * n - 5;
            if (trace_left)
                w += 6 * n;
            if (trace_cache)
                w += 8 * n + nj * n;
            for (long k = 0; k < w; k++)
                putchar('-');
            putchar('\n');
        }
        if (trace)
            printf(" %3ld   ", now);
        for (int c = 0; c < n; c++)
            if (slice_end && m.current[c] >= 0) {
                mq_append(m.q[c], m.current[c]);
                m.current[c] = -1;
            }
        /* work stealing */
        if (per_cpu && peek > 0 && now > 0 && now % peek == 0)
            for (int c = 0; c < n; c++) {
                if (m.q[c]->n)
                    continue;
                if (n == 1)
                    py_raise("IndexError", "Cannot choose from an empty sequence");
                int other = (int)py_randbelow(&rng, (uint64_t)n - 1);
                if (other >= c)
                    other++;
                struct mq_list *oq = m.q[other];
                for (size_t k = 0; k < oq->n; k++) {
                    const struct mq_job *j = &m.jobs[oq->v[k]];
                    if (j->affinity.n == 0 || c == j->run || c == j->wset) {
                        int v = oq->v[k];
                        mq_del(oq, k);
                        mq_append(m.q[c], v);
                        break;
                    }
                }
            }
        /* idle CPUs take a job */
        for (int c = 0; c < n; c++)
            order[c] = c;
        if (rand_order)
            for (int i = n - 1; i > 0; i--) {
                int k = (int)py_randbelow(&rng, (uint64_t)i + 1), t = order[i];
                order[i] = order[k];
                order[k] = t;
            }
        for (int i = 0; i < n; i++) {
            int c = order[i];
            if (m.current[c] >= 0)
                continue;
            struct mq_list *q = m.q[c];
            for (size_t k = 0; k < q->n; k++)
                if (mq_allowed(&m.jobs[q->v[k]], c)) {
                    m.current[c] = q->v[k];
                    mq_del(q, k);
                    mq_cache_new_job(&m, &m.cache[c], m.current[c]);
                    break;
                }
        }
        /* run a tick */
        for (int c = 0; c < n; c++) {
            int j = m.current[c];
            if (j >= 0) {
                struct mq_job *jb = &m.jobs[j];
                long rate = mq_find(&m.cache[c].contents, j) >= 0 ? warm_rate : 1;
                m.ran[c]++;
                if (rate > 1)
                    m.ran_warm[c]++;
                jb->left -= rate;
                if (jb->left < 0)
                    jb->left = 0;
                if (trace) {
                    printf("%s ", jb->name);
                    if (trace_left)
                        printf("[%3ld] ", jb->left);
                }
                mq_cache_update(&m, &m.cache[c], j);
                if (jb->left <= 0) {
                    m.current[c] = -1;
                    finished++;
                }
            } else if (trace) {
                printf("- ");
                if (trace_left)
                    printf("[   ] ");
            }
            if (trace) {
                if (trace_cache) {
                    printf("cache[");
                    for (int k = 0; k < nj; k++)
                        putchar(mq_find(&m.cache[c].contents, k) >= 0 ? 'w' : ' ');
                    printf("]");
                }
                printf("     ");
            }
        }
        if (trace_sched) {
            if (per_cpu) {
                for (int c = 0; c < n; c++) {
                    printf("Q%d: ", c);
                    for (size_t k = 0; k < m.q[c]->n; k++)
                        printf("%s ", m.jobs[m.q[c]->v[k]].name);
                    printf("  ");
                }
            } else {
                printf("Q: ");
                for (size_t k = 0; k < m.q[0]->n; k++)
                    printf("%s ", m.jobs[m.q[0]->v[k]].name);
            }
            printf("    ");
        }
        if (trace)
            printf("\n");
        now++;
    }
    if (solve) {
        printf("\nFinished time %ld\n\nPer-CPU stats\n", now);
        for (int c = 0; c < n; c++)
            printf("  CPU %d  utilization %3.2f [ warm %3.2f ]\n", c, 100.0 * (double)m.ran[c] / (double)now,
                   100.0 * (double)m.ran_warm[c] / (double)now);
        printf("\n");
    }
    return 0;
}
