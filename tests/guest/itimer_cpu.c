/* setitimer's CPU-time timers: ITIMER_VIRTUAL counts the process's user
 * time (SIGVTALRM), ITIMER_PROF its user and system time (SIGPROF); neither
 * runs while the process sleeps, getitimer shows what is left, an interval
 * re-arms it, fork does not inherit them, and bad arguments are EINVAL or
 * EFAULT as Linux. */
#include "gt.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static uint64_t cpu_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int child_sees_none(void)
{
    struct itimerval v;
    getitimer(ITIMER_VIRTUAL, &v);
    return v.it_value.tv_sec == 0 && v.it_value.tv_usec == 0 ? 0 : 1;
}

static void one(int which, int sig, const char *name)
{
    struct itimerval v = { { 0, 0 }, { 0, 30000 } }, cur;
    expect(setitimer(which, &v, NULL) == 0, name);
    getitimer(which, &cur);
    /* Linux adds a tick (1 to 10 ms, by HZ) so the timer never ends early */
    expect(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 20000 && cur.it_value.tv_usec <= 40000,
           "getitimer: about 30 ms left");
    struct timespec nap = { 0, 50000000 };
    nanosleep(&nap, NULL);
    sigset_t p;
    sigpending(&p);
    say("%s: nothing after sleeping 50 ms: %s\n", name, sigismember(&p, sig) ? "no" : "yes");
    uint64_t c0 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID), limit = cpu_ns(CLOCK_MONOTONIC) + 3000000000u;
    volatile uint64_t spin = 0;
    for (;;) {
        sigpending(&p);
        if (sigismember(&p, sig) || cpu_ns(CLOCK_MONOTONIC) > limit)
            break;
        for (int k = 0; k < 10000; k++)
            spin++;
    }
    expect(sigismember(&p, sig), "its signal comes once CPU time is used");
    expect(cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - c0 >= 20000000, "after most of 30 ms of CPU time");
    getitimer(which, &cur);
    expect(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0, "one-shot: disarmed after");
    siginfo_t si;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigwaitinfo(&s, &si);
    v = (struct itimerval){ { 0, 10000 }, { 0, 10000 } };
    setitimer(which, &v, NULL);
    int got = 0;
    limit = cpu_ns(CLOCK_MONOTONIC) + 3000000000u;
    while (got < 3 && cpu_ns(CLOCK_MONOTONIC) < limit) {
        struct timespec zero = { 0, 0 };
        if (sigtimedwait(&s, &si, &zero) == sig)
            got++;
        for (int k = 0; k < 10000; k++)
            spin++;
    }
    expect(got == 3, "with an interval it fires again and again");
    struct itimerval old;
    v = (struct itimerval){ { 0, 0 }, { 0, 0 } };
    expect(setitimer(which, &v, &old) == 0 && old.it_interval.tv_usec == 10000, "disarmed, the old interval returned");
}

int main(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGVTALRM);
    sigaddset(&s, SIGPROF);
    sigprocmask(SIG_BLOCK, &s, NULL);
    one(ITIMER_VIRTUAL, SIGVTALRM, "ITIMER_VIRTUAL");
    one(ITIMER_PROF, SIGPROF, "ITIMER_PROF");
    struct itimerval v = { { 0, 0 }, { 5, 0 } };
    setitimer(ITIMER_VIRTUAL, &v, NULL);
    say("fork: the child has no ITIMER_VIRTUAL: %s\n", status_str(run_child(child_sees_none)));
    v.it_value.tv_sec = 0;
    setitimer(ITIMER_VIRTUAL, &v, NULL);
    expect_err(syscall(SYS_setitimer, 3, &v, NULL), EINVAL, "setitimer which 3");
    expect_err(syscall(SYS_getitimer, 3, &v), EINVAL, "getitimer which 3");
    v = (struct itimerval){ { 0, 0 }, { 0, 1000000 } };
    expect_err(syscall(SYS_setitimer, ITIMER_PROF, &v, NULL), EINVAL, "tv_usec 1000000");
    expect_err(syscall(SYS_setitimer, ITIMER_PROF, BAD_PTR, NULL), EFAULT, "bad new value");
    expect_err(syscall(SYS_getitimer, ITIMER_PROF, BAD_PTR), EFAULT, "bad getitimer buffer");
    gt_exit();
}
