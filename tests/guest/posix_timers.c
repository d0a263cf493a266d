/* POSIX per-process timers: timer_create with every kind of notification
 * (the default SIGALRM, SIGEV_SIGNAL with a value, SIGEV_THREAD_ID to one
 * thread, SIGEV_NONE), one-shot and periodic, relative and TIMER_ABSTIME,
 * on the wall, monotonic, boot and CPU-time clocks; the siginfo of a timer
 * signal (SI_TIMER, si_timerid, si_value, si_overrun), overruns while the
 * signal waits, timer_gettime, timer_getoverrun, timer_delete; fork does
 * not inherit timers and exec deletes them; and the errors. */
#define _GNU_SOURCE
#include "gt.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

static long create(clockid_t c, struct sigevent *ev, timer_t *t) { return syscall(SYS_timer_create, c, ev, t); }
static int tid_of(timer_t t) { return (int)(intptr_t)t; }

static uint64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int wait_sig(int sig, siginfo_t *si, int ms)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    struct timespec to = { ms / 1000, (ms % 1000) * 1000000L };
    return sigtimedwait(&s, si, &to);
}

static void block(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_BLOCK, &s, NULL);
}

static void one_shot_default(void)
{
    timer_t t;
    expect(create(CLOCK_MONOTONIC, NULL, &t) == 0, "timer_create with no sigevent");
    struct itimerspec its = { { 0, 0 }, { 0, 20000000 } };
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    expect(timer_settime(t, 0, &its, NULL) == 0, "armed for 20 ms");
    struct itimerspec cur;
    timer_gettime(t, &cur);
    expect(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 20000000,
           "timer_gettime: between 0 and 20 ms left");
    siginfo_t si;
    int sig = wait_sig(SIGALRM, &si, 2000);
    uint64_t took = now_ns(CLOCK_MONOTONIC) - t0;
    say("default notification: signal %s, si_code SI_TIMER %s\n", sig == SIGALRM ? "SIGALRM" : "other",
        si.si_code == SI_TIMER ? "yes" : "no");
    expect(si.si_timerid == tid_of(t), "si_timerid is the timer's id");
    expect(si.si_value.sival_int == tid_of(t), "si_value is the id too");
    expect(took >= 20000000, "not before its 20 ms");
    timer_gettime(t, &cur);
    expect(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "disarmed after it fired");
    expect(timer_delete(t) == 0, "timer_delete");
    expect_err(syscall(SYS_timer_delete, t), EINVAL, "timer_delete again");
}

static void periodic_overrun(void)
{
    timer_t t;
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    ev.sigev_value.sival_ptr = (void *)0x1234;
    expect(create(CLOCK_REALTIME, &ev, &t) == 0, "SIGEV_SIGNAL SIGUSR1 on CLOCK_REALTIME");
    struct itimerspec its = { { 0, 5000000 }, { 0, 5000000 } };
    timer_settime(t, 0, &its, NULL);
    struct timespec nap = { 0, 80000000 };
    nanosleep(&nap, NULL);              /* ~16 expiries, one signal waiting */
    siginfo_t si;
    int sig = wait_sig(SIGUSR1, &si, 2000);
    expect(sig == SIGUSR1 && si.si_value.sival_ptr == (void *)0x1234, "the sigev_value comes with it");
    expect(si.si_overrun >= 5, "expiries while it waited count as overruns");
    expect(timer_getoverrun(t) == si.si_overrun, "timer_getoverrun agrees with si_overrun");
    struct itimerspec cur;
    timer_gettime(t, &cur);
    expect(cur.it_interval.tv_nsec == 5000000, "interval kept");
    expect(wait_sig(SIGUSR1, &si, 2000) == SIGUSR1, "it keeps firing");
    expect(si.si_overrun < 1000, "overruns restart after each signal");
    struct itimerspec zero = { { 0, 0 }, { 0, 0 } }, old;
    expect(timer_settime(t, 0, &zero, &old) == 0 && old.it_interval.tv_nsec == 5000000,
           "disarming returns the old setting");
    timer_delete(t);
}

static volatile pid_t got_tid;
static void *thread_waits(void *arg)
{
    siginfo_t si;
    if (wait_sig(SIGUSR2, &si, 3000) == SIGUSR2)
        got_tid = (pid_t)syscall(SYS_gettid);
    return arg;
}

static void thread_id(void)
{
    pthread_t th;
    pid_t me = (pid_t)syscall(SYS_gettid);
    pthread_create(&th, NULL, thread_waits, NULL);
    struct timespec nap = { 0, 20000000 };
    nanosleep(&nap, NULL);
    /* find the thread's id through /proc/self/task: the other entry */
    pid_t other = 0;
    char path[64];
    for (pid_t p = me + 1; p < me + 100 && !other; p++) {
        snprintf(path, sizeof path, "/proc/self/task/%d", p);
        if (access(path, F_OK) == 0)
            other = p;
    }
    struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGUSR2 };
    ev.sigev_notify_thread_id = other;
    timer_t t;
    expect(other && create(CLOCK_MONOTONIC, &ev, &t) == 0, "SIGEV_THREAD_ID to another thread");
    struct itimerspec its = { { 0, 0 }, { 0, 10000000 } };
    timer_settime(t, 0, &its, NULL);
    pthread_join(th, NULL);
    expect(got_tid == other, "that thread took the signal");
    timer_delete(t);
    ev.sigev_notify_thread_id = 1;
    expect_err(create(CLOCK_MONOTONIC, &ev, &t), EINVAL, "SIGEV_THREAD_ID naming another process's thread");
}

static void sigev_none_and_abstime(void)
{
    timer_t t;
    struct sigevent ev = { .sigev_notify = SIGEV_NONE };
    expect(create(CLOCK_BOOTTIME, &ev, &t) == 0, "SIGEV_NONE on CLOCK_BOOTTIME");
    struct itimerspec its = { { 0, 0 }, { 0, 30000000 } }, a, b;
    timer_settime(t, 0, &its, NULL);
    timer_gettime(t, &a);
    struct timespec nap = { 0, 5000000 };
    nanosleep(&nap, NULL);
    timer_gettime(t, &b);
    expect(b.it_value.tv_nsec < a.it_value.tv_nsec, "its time left goes down");
    nap.tv_nsec = 40000000;
    nanosleep(&nap, NULL);
    timer_gettime(t, &b);
    expect(b.it_value.tv_sec == 0 && b.it_value.tv_nsec == 0, "and reaches 0 without a signal");
    timer_delete(t);

    ev = (struct sigevent){ .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    expect(create(CLOCK_REALTIME, &ev, &t) == 0, "a CLOCK_REALTIME timer");
    uint64_t at = now_ns(CLOCK_REALTIME) + 30000000;
    its.it_value.tv_sec = at / 1000000000u;
    its.it_value.tv_nsec = at % 1000000000u;
    expect(timer_settime(t, TIMER_ABSTIME, &its, NULL) == 0, "armed with TIMER_ABSTIME");
    siginfo_t si;
    expect(wait_sig(SIGUSR1, &si, 2000) == SIGUSR1 && now_ns(CLOCK_REALTIME) >= at, "fires at that wall-clock time");
    its.it_value.tv_sec = 1;            /* long past */
    its.it_value.tv_nsec = 0;
    timer_settime(t, TIMER_ABSTIME, &its, NULL);
    expect(wait_sig(SIGUSR1, &si, 2000) == SIGUSR1, "an absolute time already past fires at once");
    timer_delete(t);
}

static void cpu_clocks(void)
{
    clockid_t clocks[2] = { CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID };
    const char *names[2] = { "CLOCK_PROCESS_CPUTIME_ID", "CLOCK_THREAD_CPUTIME_ID" };
    for (int i = 0; i < 2; i++) {
        timer_t t;
        struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
        if (!expect(create(clocks[i], &ev, &t) == 0, names[i]))
            continue;
        struct itimerspec its = { { 0, 0 }, { 0, 30000000 } };
        uint64_t c0 = now_ns(clocks[i]);
        timer_settime(t, 0, &its, NULL);
        struct timespec nap = { 0, 50000000 };
        nanosleep(&nap, NULL);          /* sleeping uses no CPU time */
        sigset_t p;
        sigpending(&p);
        say("%s: no signal after sleeping: %s\n", names[i], sigismember(&p, SIGUSR1) ? "no" : "yes");
        volatile uint64_t spin = 0;
        uint64_t limit = now_ns(CLOCK_MONOTONIC) + 3000000000u;
        for (;;) {
            sigpending(&p);
            if (sigismember(&p, SIGUSR1) || now_ns(CLOCK_MONOTONIC) > limit)
                break;
            for (int k = 0; k < 10000; k++)
                spin++;
        }
        uint64_t used = now_ns(clocks[i]) - c0;
        siginfo_t si;
        expect(wait_sig(SIGUSR1, &si, 100) == SIGUSR1 && si.si_code == SI_TIMER, "fires after CPU time is used");
        expect(used >= 30000000, "not before 30 ms of CPU time");
        timer_delete(t);
    }
}

static timer_t fork_t;
static int child_has_no_timer(void)
{
    struct itimerspec cur;
    return syscall(SYS_timer_gettime, fork_t, &cur) == -1 && errno == EINVAL ? 0 : 1;
}

static void errors(void)
{
    timer_t t;
    struct sigevent ev = { .sigev_notify = SIGEV_NONE };
    expect_err(create(-1, &ev, &t), EINVAL, "clock -1");
    expect_err(create(12, &ev, &t), EINVAL, "clock 12");
    expect_err(create(CLOCK_MONOTONIC_RAW, &ev, &t), EOPNOTSUPP, "CLOCK_MONOTONIC_RAW");
    expect_err(create(CLOCK_REALTIME_COARSE, &ev, &t), EOPNOTSUPP, "CLOCK_REALTIME_COARSE");
    expect_err(create(CLOCK_MONOTONIC_COARSE, &ev, &t), EOPNOTSUPP, "CLOCK_MONOTONIC_COARSE");
    expect(create(CLOCK_TAI, &ev, &t) == 0 && timer_delete(t) == 0, "CLOCK_TAI");
    ev = (struct sigevent){ .sigev_notify = SIGEV_SIGNAL, .sigev_signo = 0 };
    expect_err(create(CLOCK_MONOTONIC, &ev, &t), EINVAL, "signal 0");
    ev.sigev_signo = 65;
    expect_err(create(CLOCK_MONOTONIC, &ev, &t), EINVAL, "signal 65");
    ev.sigev_signo = SIGUSR1;
    ev.sigev_notify = 7;
    expect_err(create(CLOCK_MONOTONIC, &ev, &t), EINVAL, "notify 7");
    ev.sigev_notify = SIGEV_SIGNAL;
    expect_err(create(CLOCK_MONOTONIC, BAD_PTR, &t), EFAULT, "bad sigevent pointer");
    expect_err(create(CLOCK_MONOTONIC, &ev, BAD_PTR), EFAULT, "bad timer-id pointer");
    expect(create(CLOCK_MONOTONIC, &ev, &t) == 0, "a timer to misuse");
    struct itimerspec its = { { 0, 0 }, { 0, 1000000000 } };
    expect_err(syscall(SYS_timer_settime, t, 0, &its, NULL), EINVAL, "tv_nsec 1e9");
    its = (struct itimerspec){ { 0, -1 }, { 1, 0 } };
    expect_err(syscall(SYS_timer_settime, t, 0, &its, NULL), EINVAL, "negative interval");
    expect_err(syscall(SYS_timer_settime, t, 0, BAD_PTR, NULL), EFAULT, "bad new value pointer");
    expect_err(syscall(SYS_timer_settime, 4242, 0, &(struct itimerspec){ 0 }, NULL), EINVAL, "settime of no timer");
    expect_err(syscall(SYS_timer_gettime, 4242, &its), EINVAL, "gettime of no timer");
    expect_err(syscall(SYS_timer_gettime, t, BAD_PTR), EFAULT, "gettime to a bad pointer");
    expect_err(syscall(SYS_timer_getoverrun, 4242), EINVAL, "getoverrun of no timer");
    expect_err(syscall(SYS_timer_delete, 4242), EINVAL, "delete of no timer");
    expect(timer_getoverrun(t) == 0, "no overrun before any expiry");
    timer_delete(t);
}

int main(int argc, char **argv)
{
    if (argc > 2) {                     /* after exec: the timer is gone */
        struct itimerspec cur;
        int id = atoi(argv[2]);
        say("after exec: timer_gettime of the old timer: %s\n",
            syscall(SYS_timer_gettime, id, &cur) == -1 && errno == EINVAL ? "EINVAL" : "found");
        return 0;
    }
    block(SIGALRM);
    block(SIGUSR1);
    block(SIGUSR2);
    one_shot_default();
    periodic_overrun();
    thread_id();
    sigev_none_and_abstime();
    cpu_clocks();
    errors();
    timer_t t;
    create(CLOCK_MONOTONIC, NULL, &t);
    fork_t = t;
    say("fork: the child has no timers: %s\n", status_str(run_child(child_has_no_timer)));
    pid_t p = fork();
    if (p == 0) {
        char id[16];
        snprintf(id, sizeof id, "%d", tid_of(t));
        execl("/proc/self/exe", argv[0], "exec", id, (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    gt_exit();
}
