/* Priority inheritance through a chain of PTHREAD_PRIO_INHERIT mutexes
 * (FUTEX_LOCK_PI), the book's priority-inversion example made worse by a
 * chain: on one CPU, L (SCHED_FIFO 10) holds mutex A; M (15) holds B and
 * waits for A; H (30) waits for B; then S (20) starts spinning for 1 s of
 * CPU.  H's priority reaches L through M, so L finishes its 0.3 s critical
 * section above S, M then passes B on, and H gets B before S is done.
 * Without lending along the chain, S would keep L (at 15) off the CPU and
 * H would wait for the whole spin.  Also: a PI mutex's owner-died bit
 * (EOWNERDEAD) is not involved here; TRYLOCK on a held PI mutex is EBUSY; a
 * lent priority is not what sched_getparam reads (Linux shows the own). */
#include "gt_thread.h"
#include <pthread.h>
#include <sched.h>

static pthread_mutex_t A, B;
static volatile int l_has_a, m_has_b, h_done, s_done;
static volatile int order;              /* who finished first: 1 = H, 2 = S */

static void cpu_spin(double seconds)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    do
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
}

static void *low(void *arg)
{
    pthread_mutex_lock(&A);
    l_has_a = 1;
    cpu_spin(0.3);
    pthread_mutex_unlock(&A);
    return NULL;
}

static void *middle(void *arg)
{
    pthread_mutex_lock(&B);
    m_has_b = 1;
    pthread_mutex_lock(&A);             /* waits for L, lending it 15 */
    pthread_mutex_unlock(&A);
    pthread_mutex_unlock(&B);
    return NULL;
}

static void *high(void *arg)
{
    pthread_mutex_lock(&B);             /* waits for M, lending 30 to M and through it to L */
    __atomic_compare_exchange_n(&order, &(int){ 0 }, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    h_done = 1;
    pthread_mutex_unlock(&B);
    return NULL;
}

static void *spinner(void *arg)
{
    cpu_spin(1.0);
    __atomic_compare_exchange_n(&order, &(int){ 0 }, 2, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    s_done = 1;
    return NULL;
}

static pthread_t start(void *(*fn)(void *), int prio)
{
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setinheritsched(&at, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&at, SCHED_FIFO);
    struct sched_param sp = { .sched_priority = prio };
    pthread_attr_setschedparam(&at, &sp);
    pthread_t t;
    int r = pthread_create(&t, &at, fn, NULL);
    if (r)
        say("pthread_create (priority %d): %s\n", prio, errname(r));
    return t;
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(30);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    expect(sched_setaffinity(0, sizeof one, &one) == 0, "pinned to CPU 0");
    struct sched_param sp = { .sched_priority = 40 };
    expect(pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0, "main thread SCHED_FIFO 40");

    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    expect(pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT) == 0, "PTHREAD_PRIO_INHERIT");
    pthread_mutex_init(&A, &ma);
    pthread_mutex_init(&B, &ma);

    step = "L takes A";
    pthread_t l = start(low, 10);
    expect(wait_for(&l_has_a, 1, 2000), "L holds A");
    step = "M takes B";
    pthread_t m = start(middle, 15);
    expect(wait_for(&m_has_b, 1, 2000), "M holds B and waits for A");
    msleep(20);
    expect(pthread_mutex_trylock(&A) == EBUSY, "trylock of the held PI mutex A: EBUSY");
    step = "H waits for B";
    pthread_t h = start(high, 30);
    msleep(20);
    int pol;
    struct sched_param lp;
    pthread_getschedparam(l, &pol, &lp);
    say("L's policy and priority as read while H lends it 30: %s %d\n", pol == SCHED_FIFO ? "SCHED_FIFO" : "other",
        lp.sched_priority);
    step = "the spinner";
    pthread_t s = start(spinner, 20);
    pthread_join(h, NULL);
    pthread_join(s, NULL);
    pthread_join(m, NULL);
    pthread_join(l, NULL);
    say("H got B before the spinner finished: %s\n", order == 1 ? "yes" : "no");
    if (order != 1)
        gt_failures++;
    gt_exit();
}
