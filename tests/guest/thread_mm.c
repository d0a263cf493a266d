/* One address space, several CPUs: the threads of a process change and
 * fault in their shared memory at the same time.
 *  - two threads write to different halves of the same fresh pages at the
 *    same moment (both take the page fault on a page not yet present):
 *    every page ends up with both writes, i.e. one frame per page, never
 *    two;
 *  - four threads each mmap, fill, check and munmap regions in a loop
 *    while others do the same, call malloc/free, and mprotect a region
 *    of their own back and forth: no thread ever faults on memory it has
 *    just mapped, and every region holds what its thread wrote;
 *  - a region mapped by one thread is at once usable by another; a page
 *    that a thread on CPU 1 keeps touching faults there as soon as main on
 *    CPU 0 has unmapped or write-protected it (no stale translation);
 *  - fork while a thread on another CPU keeps writing a page: the child's
 *    copy is a snapshot that never changes, the parent keeps seeing the
 *    thread's writes (its writable translations went when fork made the
 *    page copy-on-write), and the child's writes stay in the child;
 *  - a thread on CPU 1 reads a page and ends; main unmaps it and maps new
 *    memory (at the same address, as a thread stack would be); a new
 *    thread on CPU 1 reads the new contents, not the old page through a
 *    translation the ended thread left behind.
 * Threads were the first users of one address space from several CPUs at
 * once, so this guards against mm structures (the region list, page
 * tables, TLBs) changed by one CPU while another walks or caches them: a
 * fresh mapping reported as "no mapping", lost writes, stale entries. */
#include "gt_thread.h"
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- concurrent first touch of the same pages ---- */

#define PAGES 64
static pthread_barrier_t bar;
static volatile char *region;
static volatile int quit_touch;

static void *toucher(void *arg)
{
    int half = (int)(intptr_t)arg;
    for (;;) {
        pthread_barrier_wait(&bar);     /* main mapped a fresh region */
        if (quit_touch)
            return NULL;
        for (int p = 0; p < PAGES; p++)
            region[p * 4096 + half * 2048] = (char)(1 + half);
        pthread_barrier_wait(&bar);     /* both done: main checks */
    }
}

static void first_touch(void)
{
    step = "first touch";
    pthread_barrier_init(&bar, NULL, 3);
    pthread_t a, b;
    pthread_create(&a, NULL, toucher, (void *)0);
    pthread_create(&b, NULL, toucher, (void *)1);
    int lost = 0, rounds = 0;
    uint64_t end = now_ms() + 1500;
    while (rounds < 20 || (now_ms() < end && rounds < 300)) {
        region = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        pthread_barrier_wait(&bar);
        pthread_barrier_wait(&bar);
        for (int p = 0; p < PAGES; p++)
            if (region[p * 4096] != 1 || region[p * 4096 + 2048] != 2)
                lost++;
        munmap((void *)region, PAGES * 4096);
        rounds++;
    }
    quit_touch = 1;
    pthread_barrier_wait(&bar);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_barrier_destroy(&bar);
    expect(lost == 0, "two threads first-touching the same pages: both writes kept on every page");
    if (lost)
        say("  pages that lost a write: %d\n", lost);
}

/* ---- map, fill, check, unmap, from four threads at once ---- */

static volatile int stop_churn;
struct churn {
    int id;
    long bad, maps;
};

static void *churner(void *arg)
{
    struct churn *c = arg;
    unsigned seed = 77 + c->id;
    char *mine = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(mine, c->id, 8 * 4096);
    while (!stop_churn) {
        size_t pages = 1 + rand_r(&seed) % 16;
        size_t len = pages * 4096;
        unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            c->bad++;
            continue;
        }
        unsigned char tag = (unsigned char)(c->id * 16 + (c->maps & 15));
        for (size_t off = 0; off < len; off += 512)
            m[off] = tag;
        void *heap = malloc(1 + rand_r(&seed) % 20000);
        if (heap)
            memset(heap, tag, 1);
        for (size_t off = 0; off < len; off += 512)
            if (m[off] != tag)
                c->bad++;
        munmap(m, len);
        free(heap);
        /* my own region: read-only, check, writable again */
        mprotect(mine, 8 * 4096, PROT_READ);
        if (mine[4096 * (c->maps & 7)] != (char)c->id)
            c->bad++;
        mprotect(mine, 8 * 4096, PROT_READ | PROT_WRITE);
        mine[4096 * (c->maps & 7)] = (char)c->id;
        c->maps++;
    }
    munmap(mine, 8 * 4096);
    return NULL;
}

static void churn(void)
{
    step = "churn";
    enum { N = 4 };
    struct churn c[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        memset(&c[i], 0, sizeof c[i]);
        c[i].id = i + 1;
        pthread_create(&t[i], NULL, churner, &c[i]);
    }
    uint64_t end = now_ms() + 2000;
    while (now_ms() < end)
        sched_yield();
    stop_churn = 1;
    long bad = 0, maps = 0, min = -1;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        bad += c[i].bad;
        maps += c[i].maps;
        if (min < 0 || c[i].maps < min)
            min = c[i].maps;
    }
    expect(bad == 0, "4 threads mapping, filling, checking, unmapping, mprotecting at once: every byte as written");
    if (bad)
        say("  wrong or failed: %ld\n", bad);
    expect(min > 0, "each thread made progress");
}

/* ---- mapped in one thread, used or unmapped under another ---- */

static volatile unsigned char *handoff;
static volatile int started, phase;
static sigjmp_buf jb;
static void on_segv(int sig) { siglongjmp(jb, 1); }

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *writer(void *arg)
{
    handoff[0] = 9;
    handoff[4096 * 3] = 9;
    return (void *)1;
}

/* Keeps touching the page (its translation cached on this CPU) until main
 * has unmapped or write-protected it, then touches it once more: that
 * access, if not an earlier one, must fault.  mode 0 reads, 1 writes. */
static void *toucher2(void *arg)
{
    int mode = (int)(intptr_t)arg;
    pin(1);
    struct sigaction sa = { .sa_handler = on_segv };
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jb, 1) != 0)
        return (void *)2;               /* faulted, as it must */
    while (!phase) {
        if (mode == 0)
            (void)handoff[0];
        else
            handoff[0] = 5;
        started = 1;
    }
    if (mode == 0)
        (void)handoff[0];
    else
        handoff[0] = 6;
    return (void *)0;                   /* the stale translation was used */
}

static void stale(int mode, const char *what)
{
    handoff = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    handoff[0] = 1;
    started = phase = 0;
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, toucher2, (void *)(intptr_t)mode);
    while (!started)
        sched_yield();
    if (mode == 0)
        munmap((void *)handoff, 4 * 4096);
    else
        mprotect((void *)handoff, 4 * 4096, PROT_READ);
    phase = 1;
    pthread_join(t, &r);
    expect(r == (void *)2, what);
    if (mode == 1)
        munmap((void *)handoff, 4 * 4096);
    signal(SIGSEGV, SIG_DFL);
}

static void handoffs(void)
{
    step = "handoff";
    pin(0);
    handoff = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, writer, NULL);
    pthread_join(t, &r);
    expect(r == (void *)1 && handoff[0] == 9 && handoff[4096 * 3] == 9,
           "a region main mapped is written by another thread, main sees the writes");
    munmap((void *)handoff, 4 * 4096);
    step = "stale unmap";
    stale(0, "main (CPU 0) unmaps a page a thread on CPU 1 keeps reading: the thread's next read faults");
    step = "stale mprotect";
    stale(1, "main write-protects a page a thread on CPU 1 keeps writing: the thread's next write faults");
}

/* ---- fork while another thread writes ---- */

static volatile unsigned long *hot;
static volatile int hot_running, hot_stop;

static void *hot_writer(void *arg)
{
    pin(1);
    hot_running = 1;
    while (!hot_stop)
        hot[0]++;
    return NULL;
}

static void fork_snapshot(void)
{
    step = "fork while writing";
    pin(0);
    hot = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    hot[0] = 0;
    hot_running = hot_stop = 0;
    pthread_t t;
    pthread_create(&t, NULL, hot_writer, NULL);
    while (!hot_running)
        sched_yield();
    int child_saw_change = 0, parent_stuck = 0, child_write_leaked = 0;
    for (int i = 0; i < 20; i++) {
        pid_t c = fork();
        if (c == 0) {
            /* only this thread exists here: the counter must not move */
            unsigned long a = hot[0];
            for (int k = 0; k < 20000; k++)
                if (hot[0] != a)
                    _exit(1);
            struct timespec ts = { 0, 5000000 };
            nanosleep(&ts, NULL);
            hot[2] = 77;                /* the child's own copy */
            _exit(hot[0] != a ? 1 : 0);
        }
        hot[1] = (unsigned long)i;      /* main's write: the parent's copy of the page splits off */
        unsigned long b = hot[0];
        uint64_t until = now_ms() + 200;
        while (hot[0] == b && now_ms() < until)
            sched_yield();
        if (hot[0] == b)
            parent_stuck++;             /* the writer's increments went elsewhere */
        int st;
        waitpid(c, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            child_saw_change++;
        if (hot[2] != 0)
            child_write_leaked++;
    }
    hot_stop = 1;
    pthread_join(t, NULL);
    expect(child_saw_change == 0, "fork while a thread on CPU 1 writes: the child's copy never changes");
    expect(parent_stuck == 0, "the parent's main sees that thread's writes go on after the fork");
    expect(child_write_leaked == 0, "the child's writes stay in the child");
    munmap((void *)hot, 4096);
}

/* ---- a translation left behind by a thread that has ended ---- */

static void *read_on_cpu1(void *arg)
{
    pin(1);
    sched_yield();
    return (void *)(uintptr_t)*(volatile unsigned long *)arg;
}

static void reuse_after_exit(void)
{
    step = "reuse after exit";
    pin(0);
    int wrong = 0, same_address = 0;
    for (int i = 0; i < 100; i++) {
        unsigned long *p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        p[0] = 1000 + 2 * i;
        pthread_t t;
        void *r;
        pthread_create(&t, NULL, read_on_cpu1, p);  /* caches p's translation on CPU 1, then ends */
        pthread_join(t, &r);
        if ((uintptr_t)r != 1000 + 2 * (uintptr_t)i)
            wrong++;
        munmap(p, 4 * 4096);
        unsigned long *q = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        same_address += q == p;
        q[0] = 1001 + 2 * i;
        pthread_create(&t, NULL, read_on_cpu1, q);  /* a new thread on CPU 1 */
        pthread_join(t, &r);
        if ((uintptr_t)r != 1001 + 2 * (uintptr_t)i)
            wrong++;
        munmap(q, 4 * 4096);
    }
    expect(wrong == 0, "memory unmapped and mapped again at once, read by a new thread on the CPU where an ended thread read the old page: the new contents every time");
    if (wrong)
        say("  wrong reads: %d\n", wrong);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(60);
    first_touch();
    handoffs();
    fork_snapshot();
    reuse_after_exit();
    churn();                            /* last: a failure here may take the process down */
    gt_exit();
}
