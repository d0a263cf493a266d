/* Synchronisation between threads, built by musl on futexes: every
 * primitive must give the exact result, never hang and never let two
 * threads in where one belongs.
 *  - a mutex protecting a counter bumped by 4 threads (exact total), with
 *    trylock EBUSY, an error-checking mutex (EDEADLK, EPERM), a recursive
 *    one, and pthread_mutex_timedlock timing out (ETIMEDOUT);
 *  - a condition-variable ping-pong between two threads pinned to CPU 0
 *    and CPU 1 (strict alternation, nothing lost), broadcast waking every
 *    waiter, pthread_cond_timedwait timing out;
 *  - a barrier across 4 threads, round after round (exactly one serial
 *    thread each round, nobody passes early);
 *  - a read-write lock: readers together, writers alone;
 *  - semaphores: a producer/consumer queue, sem_trywait EAGAIN,
 *    sem_timedwait timing out (ETIMEDOUT) and woken in time;
 *  - pthread_once runs its routine once across 8 racing threads.
 * Guards against: lost futex wake-ups (hangs), wake-ups of the wrong
 * sleeper, timeouts that never fire or fire early, and a futex word read
 * without the atomicity the kernel must give it. */
#include "gt_thread.h"
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <time.h>

/* errno names gt.h does not know */
static const char *ename(int e)
{
    return e == ETIMEDOUT ? "ETIMEDOUT" : e == EDEADLK ? "EDEADLK" : errname(e);
}

/* expect_err with those names */
static int expect_errno(long rc, int want, const char *what)
{
    int e = errno;
    say("%s: %s\n", what, rc >= 0 ? "ok" : ename(e));
    if (rc >= 0 || e != want) {
        gt_failures++;
        return 0;
    }
    return 1;
}

static uint64_t now_ns(int clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* An absolute CLOCK_REALTIME time ms from now (what the timed waits take). */
static struct timespec deadline_ms(int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

/* ---- mutexes ---- */

#define ADDERS 4
#define ADDS 20000
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *adder(void *arg)
{
    for (int i = 0; i < ADDS; i++) {
        pthread_mutex_lock(&mtx);
        long v = counter;
        if ((i & 255) == 0)
            sched_yield();              /* hold it a while now and then: others must wait */
        counter = v + 1;
        pthread_mutex_unlock(&mtx);
    }
    return NULL;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;

static void *try_held(void *arg)
{
    int r1 = pthread_mutex_trylock(&held);
    struct timespec at = deadline_ms(100);
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    int r2 = pthread_mutex_timedlock(&held, &at);
    uint64_t waited = now_ns(CLOCK_MONOTONIC) - t0;
    return (void *)(intptr_t)((r1 == EBUSY) | (r2 == ETIMEDOUT) << 1 | (waited >= 90000000ULL) << 2);
}

static pthread_mutex_t errchk;
static void *unlock_foreign(void *arg) { return (void *)(intptr_t)pthread_mutex_unlock(&errchk); }

static void mutexes(void)
{
    step = "mutex counter";
    pthread_t th[ADDERS];
    for (int i = 0; i < ADDERS; i++)
        pthread_create(&th[i], NULL, adder, NULL);
    for (int i = 0; i < ADDERS; i++)
        pthread_join(th[i], NULL);
    say("mutex counter from %d threads x %d: %ld\n", ADDERS, ADDS, counter);
    if (counter != ADDERS * ADDS)
        gt_failures++;

    step = "trylock/timedlock";
    pthread_mutex_lock(&held);
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, try_held, NULL);
    pthread_join(t, &r);
    intptr_t bits = (intptr_t)r;
    expect(bits & 1, "trylock of a mutex another thread holds: EBUSY");
    expect(bits & 2, "timedlock of it: ETIMEDOUT");
    expect(bits & 4, "timedlock waited its 100 ms");
    pthread_mutex_unlock(&held);

    step = "errorcheck/recursive";
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&errchk, &a);
    pthread_mutex_lock(&errchk);
    expect(pthread_mutex_lock(&errchk) == EDEADLK, "error-checking mutex locked twice: EDEADLK");
    pthread_create(&t, NULL, unlock_foreign, NULL);
    pthread_join(t, &r);
    expect((intptr_t)r == EPERM, "unlocked by another thread: EPERM");
    pthread_mutex_unlock(&errchk);
    pthread_mutex_t rec;
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rec, &a);
    int ok = pthread_mutex_lock(&rec) == 0 && pthread_mutex_lock(&rec) == 0 &&
             pthread_mutex_unlock(&rec) == 0 && pthread_mutex_unlock(&rec) == 0;
    expect(ok, "recursive mutex locked twice, unlocked twice");
    pthread_mutexattr_destroy(&a);
}

/* ---- condition variables ---- */

#define ROUNDS 500
static pthread_mutex_t pp_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pp_c = PTHREAD_COND_INITIALIZER;
static int turn;                        /* 0: ping's move, 1: pong's */
static int ball;

struct pp_arg {
    int cpu, me;
    int pinned, on_cpu, in_order;
};

static void *pinger(void *arg)
{
    struct pp_arg *a = arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(a->cpu, &set);
    a->pinned = pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
    sched_yield();
    unsigned cpu = 99;
    syscall(SYS_getcpu, &cpu, NULL, NULL);
    a->on_cpu = (int)cpu == a->cpu;
    a->in_order = 1;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&pp_m);
        while (turn != a->me)
            pthread_cond_wait(&pp_c, &pp_m);
        if (ball != 2 * i + a->me)
            a->in_order = 0;
        ball++;
        turn = !a->me;
        pthread_cond_signal(&pp_c);
        pthread_mutex_unlock(&pp_m);
    }
    return NULL;
}

static pthread_mutex_t bc_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bc_c = PTHREAD_COND_INITIALIZER;
static int bc_waiting, bc_go, bc_woke;

static void *bc_waiter(void *arg)
{
    pthread_mutex_lock(&bc_m);
    bc_waiting++;
    while (!bc_go)
        pthread_cond_wait(&bc_c, &bc_m);
    bc_woke++;
    pthread_mutex_unlock(&bc_m);
    return NULL;
}

static void condvars(void)
{
    step = "cond ping-pong";
    struct pp_arg a0 = { .cpu = 0, .me = 0 }, a1 = { .cpu = 1, .me = 1 };
    pthread_t t0, t1;
    pthread_create(&t0, NULL, pinger, &a0);
    pthread_create(&t1, NULL, pinger, &a1);
    pthread_join(t0, NULL);
    pthread_join(t1, NULL);
    expect(a0.pinned && a1.pinned, "two threads pinned to CPU 0 and CPU 1");
    expect(a0.on_cpu && a1.on_cpu, "each runs on its CPU");
    say("ping-pong: %d passes\n", ball);
    if (ball != 2 * ROUNDS)
        gt_failures++;
    expect(a0.in_order && a1.in_order, "strict alternation, no pass lost or doubled");

    step = "cond broadcast";
    enum { W = 5 };
    pthread_t w[W];
    for (int i = 0; i < W; i++)
        pthread_create(&w[i], NULL, bc_waiter, NULL);
    for (int i = 0; i < 5000; i++) {
        pthread_mutex_lock(&bc_m);
        int n = bc_waiting;
        pthread_mutex_unlock(&bc_m);
        if (n == W)
            break;
        msleep(1);
    }
    msleep(20);                         /* let the last one get into its wait */
    pthread_mutex_lock(&bc_m);
    bc_go = 1;
    pthread_cond_broadcast(&bc_c);
    pthread_mutex_unlock(&bc_m);
    for (int i = 0; i < W; i++)
        pthread_join(w[i], NULL);
    say("broadcast woke %d waiters (want %d)\n", bc_woke, W);
    if (bc_woke != W)
        gt_failures++;

    step = "cond timedwait";
    pthread_mutex_lock(&bc_m);
    struct timespec at = deadline_ms(100);
    uint64_t t = now_ns(CLOCK_MONOTONIC);
    int r = pthread_cond_timedwait(&bc_c, &bc_m, &at);
    uint64_t waited = now_ns(CLOCK_MONOTONIC) - t;
    pthread_mutex_unlock(&bc_m);
    expect(r == ETIMEDOUT, "pthread_cond_timedwait with nobody signalling: ETIMEDOUT");
    expect(waited >= 90000000ULL, "it waited its 100 ms");
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_t mc;
    pthread_cond_init(&mc, &ca);
    struct timespec mono;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    mono.tv_nsec += 50000000L;
    if (mono.tv_nsec >= 1000000000L) {
        mono.tv_sec++;
        mono.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&bc_m);
    r = pthread_cond_timedwait(&mc, &bc_m, &mono);
    pthread_mutex_unlock(&bc_m);
    expect(r == ETIMEDOUT, "a CLOCK_MONOTONIC condition variable times out too");
}

/* ---- barriers ---- */

#define BT 4
#define BROUNDS 100
static pthread_barrier_t bar;
static int slots[BT];
static int serial_count[BROUNDS];

static void *barrier_main(void *arg)
{
    int me = (int)(intptr_t)arg, ok = 1;
    for (int r = 0; r < BROUNDS; r++) {
        slots[me] = r;
        int s = pthread_barrier_wait(&bar);
        if (s == PTHREAD_BARRIER_SERIAL_THREAD)
            __atomic_add_fetch(&serial_count[r], 1, __ATOMIC_RELAXED);
        else if (s != 0)
            ok = 0;
        for (int k = 0; k < BT; k++)
            if (slots[k] != r)
                ok = 0;                 /* somebody is not at round r: passed early */
        pthread_barrier_wait(&bar);     /* nobody writes round r+1 before all read */
    }
    return (void *)(intptr_t)ok;
}

static void barriers(void)
{
    step = "barrier";
    pthread_barrier_init(&bar, NULL, BT);
    pthread_t th[BT];
    for (int i = 0; i < BT; i++)
        pthread_create(&th[i], NULL, barrier_main, (void *)(intptr_t)i);
    int ok = 1;
    for (int i = 0; i < BT; i++) {
        void *r;
        pthread_join(th[i], &r);
        ok &= (intptr_t)r == 1;
    }
    int serial_ok = 1;
    for (int r = 0; r < BROUNDS; r++)
        serial_ok &= serial_count[r] == 1;
    expect(ok, "barrier: 4 threads, 100 rounds, nobody passed before all arrived");
    expect(serial_ok, "exactly one PTHREAD_BARRIER_SERIAL_THREAD per round");
    pthread_barrier_destroy(&bar);
}

/* ---- read-write locks ---- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int readers_in, max_readers;
static volatile int release_readers;
static long rw_value;
static int rw_torn;

static void *reader_hold(void *arg)
{
    pthread_rwlock_rdlock(&rw);
    int n = __atomic_add_fetch(&readers_in, 1, __ATOMIC_ACQ_REL);
    int m = __atomic_load_n(&max_readers, __ATOMIC_ACQUIRE);
    while (n > m && !__atomic_compare_exchange_n(&max_readers, &m, n, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        ;
    while (!release_readers)
        msleep(1);
    __atomic_sub_fetch(&readers_in, 1, __ATOMIC_ACQ_REL);
    pthread_rwlock_unlock(&rw);
    return NULL;
}

static void *try_write(void *arg) { return (void *)(intptr_t)pthread_rwlock_trywrlock(&rw); }
static void *try_read(void *arg) { return (void *)(intptr_t)pthread_rwlock_tryrdlock(&rw); }

static void *rw_writer(void *arg)
{
    for (int i = 0; i < 2000; i++) {
        pthread_rwlock_wrlock(&rw);
        rw_value++;                     /* two halves that readers must see equal */
        rw_value += 1L << 32;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *rw_reader(void *arg)
{
    for (int i = 0; i < 2000; i++) {
        pthread_rwlock_rdlock(&rw);
        long v = rw_value;
        if ((v & 0xffffffff) != (v >> 32))
            __atomic_store_n(&rw_torn, 1, __ATOMIC_RELAXED);
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void rwlocks(void)
{
    step = "rwlock readers";
    pthread_t r[3], t;
    void *ret;
    for (int i = 0; i < 3; i++)
        pthread_create(&r[i], NULL, reader_hold, NULL);
    for (int i = 0; i < 5000 && __atomic_load_n(&readers_in, __ATOMIC_ACQUIRE) < 3; i++)
        msleep(1);
    expect(max_readers == 3, "3 readers hold the lock at once");
    pthread_create(&t, NULL, try_write, NULL);
    pthread_join(t, &ret);
    expect((intptr_t)ret == EBUSY, "trywrlock while they read: EBUSY");
    release_readers = 1;
    for (int i = 0; i < 3; i++)
        pthread_join(r[i], NULL);

    step = "rwlock writer";
    pthread_rwlock_wrlock(&rw);
    pthread_create(&t, NULL, try_read, NULL);
    pthread_join(t, &ret);
    expect((intptr_t)ret == EBUSY, "tryrdlock while another thread writes: EBUSY");
    pthread_rwlock_unlock(&rw);

    step = "rwlock mix";
    pthread_t w[2], rd[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&w[i], NULL, rw_writer, NULL);
        pthread_create(&rd[i], NULL, rw_reader, NULL);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(w[i], NULL);
        pthread_join(rd[i], NULL);
    }
    expect(rw_value == (4000L | 4000L << 32) && !rw_torn, "2 writers, 2 readers: every write whole, none lost");
}

/* ---- semaphores ---- */

#define QLEN 8
#define ITEMS 2000
static sem_t q_free, q_full;
static int queue_buf[QLEN];

static void *producer(void *arg)
{
    for (int i = 0; i < ITEMS; i++) {
        sem_wait(&q_free);
        queue_buf[i % QLEN] = i;
        sem_post(&q_full);
    }
    return NULL;
}

static sem_t late;
static void *post_later(void *arg)
{
    msleep(50);
    sem_post(&late);
    return NULL;
}

static void semaphores(void)
{
    step = "semaphore queue";
    sem_init(&q_free, 0, QLEN);
    sem_init(&q_full, 0, 0);
    pthread_t p;
    pthread_create(&p, NULL, producer, NULL);
    int in_order = 1;
    for (int i = 0; i < ITEMS; i++) {
        sem_wait(&q_full);
        if (queue_buf[i % QLEN] != i)
            in_order = 0;
        sem_post(&q_free);
    }
    pthread_join(p, NULL);
    expect(in_order, "producer/consumer through two semaphores: 2000 items in order");
    int v = -1;
    sem_getvalue(&q_free, &v);
    say("free slots after: %d\n", v);

    step = "semaphore timeouts";
    sem_t s;
    sem_init(&s, 0, 0);
    errno = 0;
    expect_errno(sem_trywait(&s), EAGAIN, "sem_trywait on 0");
    struct timespec at = deadline_ms(100);
    uint64_t t = now_ns(CLOCK_MONOTONIC);
    int r = sem_timedwait(&s, &at);
    uint64_t waited = now_ns(CLOCK_MONOTONIC) - t;
    expect_errno(r, ETIMEDOUT, "sem_timedwait with nobody posting");
    expect(waited >= 90000000ULL, "it waited its 100 ms");
    struct timespec past = { 0, 0 };
    expect_errno(sem_timedwait(&s, &past), ETIMEDOUT, "sem_timedwait with a deadline in the past");
    struct timespec bad = { 0, 2000000000L };
    expect_errno(sem_timedwait(&s, &bad), EINVAL, "sem_timedwait with tv_nsec out of range");

    sem_init(&late, 0, 0);
    pthread_create(&p, NULL, post_later, NULL);
    at = deadline_ms(5000);
    t = now_ns(CLOCK_MONOTONIC);
    r = sem_timedwait(&late, &at);
    waited = now_ns(CLOCK_MONOTONIC) - t;
    pthread_join(p, NULL);
    expect(r == 0, "sem_timedwait woken by a post from another thread: 0");
    expect(waited < 4000000000ULL, "woken by the post, not by the timeout");
    sem_post(&s);
    sem_post(&s);
    sem_getvalue(&s, &v);
    say("value after two posts: %d\n", v);
    expect(sem_trywait(&s) == 0 && sem_trywait(&s) == 0, "two trywaits succeed");
}

/* ---- pthread_once ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static pthread_barrier_t once_bar;
static void once_routine(void)
{
    msleep(20);                         /* the others arrive meanwhile and must wait */
    once_runs++;
}
static void *once_main(void *arg)
{
    pthread_barrier_wait(&once_bar);
    pthread_once(&once, once_routine);
    return (void *)(intptr_t)once_runs;
}

static void onces(void)
{
    step = "once";
    pthread_barrier_init(&once_bar, NULL, 8);
    pthread_t th[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, once_main, NULL);
    int all_saw_it = 1;
    for (int i = 0; i < 8; i++) {
        void *r;
        pthread_join(th[i], &r);
        all_saw_it &= (intptr_t)r == 1;
    }
    say("pthread_once routine ran %d time(s)\n", once_runs);
    if (once_runs != 1)
        gt_failures++;
    expect(all_saw_it, "every caller returned after it had finished");
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(60);
    mutexes();
    condvars();
    barriers();
    rwlocks();
    semaphores();
    onces();
    gt_exit();
}
