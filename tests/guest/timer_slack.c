/* Timer slack (prctl PR_SET_TIMERSLACK/PR_GET_TIMERSLACK): a task starts
 * with Linux's 50 us, may set its own, 0 restores the value it inherited,
 * and a child inherits its parent's current slack, which also becomes the
 * child's value to restore.  A sleep never ends before its deadline,
 * whatever the slack. */
#include "gt.h"
#include <sys/prctl.h>
#include <time.h>

static long get(void) { return prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0); }

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

int main(void)
{
    say("initial slack: %ld ns\n", get());
    expect(prctl(PR_SET_TIMERSLACK, 1000, 0, 0, 0) == 0, "set 1000 ns");
    say("after set: %ld ns\n", get());
    pid_t p = fork();
    if (p == 0) {
        say("child inherits: %ld ns\n", get());
        prctl(PR_SET_TIMERSLACK, 777, 0, 0, 0);
        prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0);
        say("child's 0 restores: %ld ns\n", get());
        _exit(0);
    }
    waitpid(p, NULL, 0);
    expect(prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0) == 0, "set 0");
    say("parent's 0 restores: %ld ns\n", get());
    int early = 0;
    for (long slack = 1; slack <= 1000000; slack *= 100) {
        prctl(PR_SET_TIMERSLACK, slack, 0, 0, 0);
        for (int i = 0; i < 20; i++) {
            struct timespec req = { 0, 30000 + i * 1000 };
            uint64_t t0 = now_ns();
            nanosleep(&req, NULL);
            if (now_ns() - t0 < (uint64_t)req.tv_nsec)
                early++;
        }
    }
    expect(early == 0, "no sleep ends before its deadline");
    gt_exit();
}
