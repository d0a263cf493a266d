/* Helpers shared by the thread and futex guest tests (on top of gt.h):
 * a watchdog that names the step that stopped making progress, a
 * millisecond sleep that survives signals, a bounded wait for a counter,
 * and gettid. */
#ifndef GT_THREAD_H
#define GT_THREAD_H

#include "gt.h"
#include <sys/syscall.h>
#include <time.h>

/* What the test is doing now; the watchdog (SIGALRM) prints it and exits 99. */
static const char *step = "start";
GT_FN void on_alarm(int sig)
{
    (void)sig;
    say("watchdog: no progress in step '%s'\n", step);
    _exit(99);
}

GT_FN void msleep(int ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Waits up to ms milliseconds for *p to reach want; whether it did. */
GT_FN int wait_for(volatile int *p, int want, int ms)
{
    for (int i = 0; i < ms; i++) {
        if (__atomic_load_n(p, __ATOMIC_ACQUIRE) >= want)
            return 1;
        msleep(1);
    }
    return __atomic_load_n(p, __ATOMIC_ACQUIRE) >= want;
}

GT_FN pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

#endif
