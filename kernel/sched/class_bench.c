/*
 * The scheduling-decision benchmark (include/sched/class_bench.h): the
 * same loop for the host program and the kernel, over the class layer.
 */
#include <sched/class_bench.h>
#include <sched/policies.h>

/* Entities come in chunks: a kernel heap run is at most 4 MiB. */
#define BENCH_CHUNK 1024

struct bench {
    struct sched_class_rq q[SCHED_BENCH_CPUS];   /* MQMS: one per CPU; SQMS: q[0] */
    struct sched_tunables tun;
    struct sched_entity **chunk;                 /* ntasks entities, BENCH_CHUNK a chunk */
    unsigned nchunks;
    int *pin;                                    /* the CPU a task is pinned to, or -1 */
    struct sched_entity *curr[SCHED_BENCH_CPUS];  /* what each CPU runs */
    bool single;
    int picking;                                 /* the CPU deciding */
    uint64_t now;
};

static bool bench_allowed(const struct sched_entity *se, void *ctx)
{
    const struct bench *b = ctx;
    int pin = b->pin[se->id];
    return pin < 0 || pin == b->picking;
}

static struct sched_class_rq *bench_queue(struct bench *b, int cpu) { return &b->q[b->single ? 0 : cpu]; }

static void bench_fill(struct bench *b, const struct sched_policy *p, unsigned n)
{
    /* "rt": the real-time class does the work, the system policy idles */
    const struct sched_policy *sys = p == &sched_policy_rt ? &sched_policy_fifo : p;
    sched_tunables_default(&b->tun);
    for (int c = 0; c < SCHED_BENCH_CPUS; c++)
        sched_class_rq_init(&b->q[c], sys, &sched_policy_rt, &b->tun, 0);
    for (unsigned i = 0; i < n; i++) {
        struct sched_entity *se = &b->chunk[i / BENCH_CHUNK][i % BENCH_CHUNK];
        se->id = i;
        se->nice = (int)(i % 40) - 20;
        se->tickets = 1 + i % 200;
        se->expected_ns = SCHED_MS(1 + (i * 7919u) % 1000);
        if (p == &sched_policy_rt) {
            se->rt_priority = 1 + (int)(i % 99);
            se->rt_policy = SCHED_RT_RR;
        }
        list_init(&se->node);
        bool pinned = i % SCHED_BENCH_PIN_EVERY == SCHED_BENCH_PIN_EVERY - 1;
        b->pin[i] = pinned ? (int)(i / SCHED_BENCH_PIN_EVERY % SCHED_BENCH_CPUS) : -1;
        struct sched_class_rq *q = bench_queue(b, pinned ? b->pin[i] : (int)(i % SCHED_BENCH_CPUS));
        sched_class_task_new(q, se, NULL, 0);
        sched_class_enqueue(q, se, ENQ_NEW, 0);
    }
}

/* CPU `cpu` decides: its task back to the queue, the next one picked. */
static void bench_decide(struct bench *b, int cpu)
{
    const uint64_t slice = SCHED_MS(1);
    struct sched_class_rq *q = bench_queue(b, cpu);
    b->now += slice;
    if (b->curr[cpu])
        sched_class_put_prev(q, b->curr[cpu], b->now, slice, ENQ_PREEMPTED);
    b->picking = cpu;
    b->curr[cpu] = sched_class_pick(q, b->now, false, b->single ? bench_allowed : NULL, b);
}

uint64_t sched_bench_decisions(const struct sched_bench_env *env, const struct sched_policy *p, unsigned ntasks,
                               bool single, unsigned iters)
{
    struct bench *b = env->zalloc(sizeof *b);
    if (!b)
        return 0;
    b->single = single;
    b->nchunks = (ntasks + BENCH_CHUNK - 1) / BENCH_CHUNK;
    b->chunk = env->zalloc(b->nchunks * sizeof *b->chunk);
    bool have = b->chunk != NULL;
    for (unsigned c = 0; have && c < b->nchunks; c++)
        have = (b->chunk[c] = env->zalloc(BENCH_CHUNK * sizeof **b->chunk)) != NULL;
    b->pin = env->zalloc(ntasks * sizeof *b->pin);
    uint64_t ns = 0;
    if (have && b->pin) {
        bench_fill(b, p, ntasks);
        for (unsigned k = 0; k < iters / 10; k++)
            bench_decide(b, (int)(k % SCHED_BENCH_CPUS));
        uint64_t t0 = env->clock_ns();
        for (unsigned k = 0; k < iters; k++)
            bench_decide(b, (int)(k % SCHED_BENCH_CPUS));
        ns = env->clock_ns() - t0;
        ns += !ns;
    }
    env->release(b->pin);
    for (unsigned c = 0; b->chunk && c < b->nchunks; c++)
        env->release(b->chunk[c]);
    env->release(b->chunk);
    env->release(b);
    return ns;
}
