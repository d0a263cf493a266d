/* Clocks, timers, scheduling and waiting, error by error as their man
 * pages list them: clock_gettime/clock_getres/clock_settime/clock_nanosleep/
 * nanosleep, gettimeofday/settimeofday/time, getitimer/setitimer/alarm,
 * timer_create and friends, the sched_* calls, getrandom, and wait4/waitid.
 * Unknown clocks, policies and flags (EINVAL), bad times (EINVAL), bad
 * pointers (EFAULT), unknown pids and timers (ESRCH, EINVAL), no children
 * (ECHILD), and as the user nobody EPERM. */
#include "gt_errors.h"
#include <sched.h>
#include <sys/time.h>
#include <time.h>

#define NOPID 4000000

static void as_nobody(void)
{
    struct timespec ts = { 0, 0 };
    struct timeval tv = { 0, 0 };
    E(syscall(SYS_clock_settime, CLOCK_REALTIME, &ts), EPERM);
    E(syscall(SYS_settimeofday, &tv, NULL), EPERM);
    struct sched_param sp = { .sched_priority = 1 };
    E(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp), EPERM);
    sp.sched_priority = 0;
    E(syscall(SYS_sched_setscheduler, 1, SCHED_OTHER, &sp), EPERM);
    E(syscall(SYS_sched_setparam, 1, &sp), EPERM);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    E(syscall(SYS_sched_setaffinity, 1, sizeof set, &set), EPERM);
}

int main(void)
{
    gt_errors_init();
    struct timespec ts, bad_ns = { 0, 1000000000 }, neg = { -1, 0 };
    struct timeval tv;

    say("-- clock_gettime, clock_getres, clock_settime, clock_nanosleep, nanosleep\n");
    E(syscall(SYS_clock_gettime, 99, &ts), EINVAL);
    E(syscall(SYS_clock_gettime, -1000, &ts), EINVAL);
    E(syscall(SYS_clock_gettime, CLOCK_REALTIME, BAD_PTR), EFAULT);
    E(syscall(SYS_clock_getres, 99, &ts), EINVAL);
    E(syscall(SYS_clock_getres, CLOCK_MONOTONIC, BAD_PTR), EFAULT);
    OK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
    E(syscall(SYS_clock_settime, 99, &ts), EINVAL);
    E(syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts), EINVAL);
    E(syscall(SYS_clock_settime, CLOCK_REALTIME, &bad_ns), EINVAL);
    E(syscall(SYS_clock_settime, CLOCK_REALTIME, &neg), EINVAL);
    E(syscall(SYS_clock_settime, CLOCK_REALTIME, BAD_PTR), EFAULT);
    E(syscall(SYS_clock_nanosleep, 99, 0, &ts, NULL), EINVAL);
    E(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad_ns, NULL), EINVAL);
    E(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &neg, NULL), EINVAL);
    E(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, BAD_PTR, NULL), EFAULT);
    E(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL), EOPNOTSUPP);
    E(syscall(SYS_nanosleep, &bad_ns, NULL), EINVAL);
    E(syscall(SYS_nanosleep, &neg, NULL), EINVAL);
    E(syscall(SYS_nanosleep, BAD_PTR, NULL), EFAULT);
    ts = (struct timespec){ 0, 1000 };
    OK(syscall(SYS_nanosleep, &ts, NULL));

    say("-- gettimeofday, settimeofday, time\n");
    E(syscall(SYS_gettimeofday, BAD_PTR, NULL), EFAULT);
    E(syscall(SYS_gettimeofday, NULL, BAD_PTR), EFAULT);
    OK(syscall(SYS_gettimeofday, NULL, NULL));
    tv = (struct timeval){ 0, 1000000 };
    E(syscall(SYS_settimeofday, &tv, NULL), EINVAL);
    tv = (struct timeval){ -1, 0 };
    E(syscall(SYS_settimeofday, &tv, NULL), EINVAL);
    E(syscall(SYS_settimeofday, BAD_PTR, NULL), EFAULT);
    OK(syscall(SYS_settimeofday, NULL, NULL));
    E(syscall(SYS_time, BAD_PTR), EFAULT);

    say("-- getitimer, setitimer, alarm, timer_*\n");
    struct itimerval it = { { 0, 0 }, { 0, 0 } }, badit = { { 0, 0 }, { 0, 1000000 } };
    E(syscall(SYS_getitimer, 99, &it), EINVAL);
    E(syscall(SYS_getitimer, ITIMER_REAL, BAD_PTR), EFAULT);
    E(syscall(SYS_setitimer, 99, &it, NULL), EINVAL);
    E(syscall(SYS_setitimer, ITIMER_REAL, &badit, NULL), EINVAL);
    E(syscall(SYS_setitimer, ITIMER_REAL, BAD_PTR, NULL), EFAULT);
    E(syscall(SYS_setitimer, ITIMER_REAL, &it, BAD_PTR), EFAULT);
    say("alarm(0) with none pending: %ld\n", (long)syscall(SYS_alarm, 0));
    int tid;
    struct sigevent sev = { .sigev_notify = 99 };
    E(syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &tid), EINVAL);
    E(syscall(SYS_timer_create, 99, NULL, &tid), EINVAL);
    E(syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, BAD_PTR), EFAULT);
    E(syscall(SYS_timer_create, CLOCK_MONOTONIC, BAD_PTR, &tid), EFAULT);
    struct itimerspec its = { { 0, 0 }, { 0, 0 } };
    E(syscall(SYS_timer_settime, 12345, 0, &its, NULL), EINVAL);
    E(syscall(SYS_timer_gettime, 12345, &its), EINVAL);
    E(syscall(SYS_timer_getoverrun, 12345), EINVAL);
    E(syscall(SYS_timer_delete, 12345), EINVAL);
    OK(syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &tid));
    struct itimerspec badits = { { 0, 0 }, { 0, 1000000000 } };
    E(syscall(SYS_timer_settime, tid, 0, &badits, NULL), EINVAL);
    E(syscall(SYS_timer_settime, tid, 0, BAD_PTR, NULL), EFAULT);
    E(syscall(SYS_timer_settime, tid, 0, NULL, NULL), EINVAL);
    E(syscall(SYS_timer_settime, 12345, 0, NULL, NULL), EINVAL);
    E(syscall(SYS_timer_gettime, tid, BAD_PTR), EFAULT);
    OK(syscall(SYS_timer_delete, tid));
    E(syscall(SYS_timer_delete, tid), EINVAL);

    say("-- sched_*\n");
    struct sched_param sp = { .sched_priority = 0 };
    E(syscall(SYS_sched_get_priority_max, 99), EINVAL);
    E(syscall(SYS_sched_get_priority_min, -1), EINVAL);
    say("SCHED_FIFO priorities: %ld to %ld\n", (long)syscall(SYS_sched_get_priority_min, SCHED_FIFO),
        (long)syscall(SYS_sched_get_priority_max, SCHED_FIFO));
    E(syscall(SYS_sched_getscheduler, NOPID), ESRCH);
    E(syscall(SYS_sched_getscheduler, -1), EINVAL);
    E(syscall(SYS_sched_getparam, NOPID, &sp), ESRCH);
    E(syscall(SYS_sched_getparam, -1, &sp), EINVAL);
    E(syscall(SYS_sched_getparam, 0, NULL), EINVAL);
    E(syscall(SYS_sched_getparam, 0, BAD_PTR), EFAULT);
    E(syscall(SYS_sched_setparam, NOPID, &sp), ESRCH);
    E(syscall(SYS_sched_setparam, 0, NULL), EINVAL);
    sp.sched_priority = 5;
    E(syscall(SYS_sched_setparam, 0, &sp), EINVAL);
    E(syscall(SYS_sched_setscheduler, 0, 99, &sp), EINVAL);
    E(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp), EINVAL);
    sp.sched_priority = 100;
    E(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp), EINVAL);
    sp.sched_priority = 0;
    E(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp), EINVAL);
    E(syscall(SYS_sched_setscheduler, NOPID, SCHED_OTHER, &sp), ESRCH);
    E(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL);
    E(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, BAD_PTR), EFAULT);
    OK(syscall(SYS_sched_yield));
    E(syscall(SYS_sched_rr_get_interval, NOPID, &ts), ESRCH);
    E(syscall(SYS_sched_rr_get_interval, -1, &ts), EINVAL);
    E(syscall(SYS_sched_rr_get_interval, 0, BAD_PTR), EFAULT);
    cpu_set_t set;
    CPU_ZERO(&set);
    E(syscall(SYS_sched_getaffinity, 0, 4, &set), EINVAL);
    E(syscall(SYS_sched_getaffinity, 0, 7, &set), EINVAL);
    E(syscall(SYS_sched_getaffinity, NOPID, sizeof set, &set), ESRCH);
    E(syscall(SYS_sched_getaffinity, 0, sizeof set, BAD_PTR), EFAULT);
    E(syscall(SYS_sched_setaffinity, 0, sizeof set, &set), EINVAL);
    E(syscall(SYS_sched_setaffinity, NOPID, sizeof set, &set), ESRCH);
    E(syscall(SYS_sched_setaffinity, 0, sizeof set, BAD_PTR), EFAULT);

    say("-- getrandom\n");
    char buf[16];
    E(syscall(SYS_getrandom, buf, sizeof buf, 0x40), EINVAL);
    E(syscall(SYS_getrandom, buf, sizeof buf, 0x2 /* GRND_RANDOM */ | 0x4 /* GRND_INSECURE */), EINVAL);
    E(syscall(SYS_getrandom, BAD_PTR, sizeof buf, 0), EFAULT);
    say("getrandom of 16 bytes: %ld\n", (long)syscall(SYS_getrandom, buf, sizeof buf, 0));

    say("-- wait4, waitid\n");
    int st;
    siginfo_t si;
    E(syscall(SYS_wait4, -1, &st, 0, NULL), ECHILD);
    E(syscall(SYS_wait4, -1, &st, 0x10000000 /* unknown */, NULL), EINVAL);
    E(syscall(SYS_wait4, NOPID, &st, WNOHANG, NULL), ECHILD);
    E(syscall(SYS_wait4, -NOPID, &st, WNOHANG, NULL), ECHILD);
    E(syscall(SYS_wait4, 0x80000000L, &st, 0, NULL), ESRCH);
    E(syscall(SYS_waitid, P_ALL, 0, &si, WEXITED, NULL), ECHILD);
    E(syscall(SYS_waitid, 99, 0, &si, WEXITED, NULL), EINVAL);
    E(syscall(SYS_waitid, P_ALL, 0, &si, 0, NULL), EINVAL);
    E(syscall(SYS_waitid, P_ALL, 0, &si, WNOHANG, NULL), EINVAL);
    E(syscall(SYS_waitid, P_ALL, 0, &si, WEXITED | 0x10000000, NULL), EINVAL);
    E(syscall(SYS_waitid, P_PID, 0, &si, WEXITED, NULL), EINVAL);
    E(syscall(SYS_waitid, P_PGID, -1, &si, WEXITED, NULL), EINVAL);
    pid_t c = fork();
    if (c == 0)
        _exit(3);
    E(syscall(SYS_waitid, P_PID, c, BAD_PTR, WEXITED | WNOWAIT, NULL), EFAULT);
    E(syscall(SYS_wait4, c, BAD_PTR, WNOWAIT, NULL), EINVAL);
    E(syscall(SYS_wait4, c, &st, 0, BAD_PTR), EFAULT);
    /* the wait4 whose rusage copy failed had reaped the child */
    E(waitpid(c, &st, WNOHANG), ECHILD);

    say("-- as nobody\n");
    in_child_as_nobody(as_nobody);
    gt_exit();
}
