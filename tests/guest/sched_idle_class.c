/* SCHED_BATCH and SCHED_IDLE are classes of ordinary tasks, below
 * SCHED_OTHER at most, never above it: a task that sleeps 1 ms at a time
 * 200 times beside a spinner of either class on its CPU keeps its pace
 * (on Linux well under a second in all; a spinner taken for a real-time
 * task would keep it off the CPU for good), and the spinner reads its own
 * class back. */
#define _GNU_SOURCE
#include "gt.h"
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

static void beside(int policy, const char *name)
{
    int ready[2];
    if (pipe(ready))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        struct sched_param sp = { 0 };
        char ok = syscall(SYS_sched_setscheduler, 0, policy, &sp) == 0 &&
                  syscall(SYS_sched_getscheduler, 0) == policy;
        write(ready[1], &ok, 1);
        for (volatile unsigned long x = 0;; x++)
            ;
    }
    char ok = 0;
    read(ready[0], &ok, 1);
    char what[96];
    snprintf(what, sizeof what, "the spinner is %s", name);
    expect(ok, what);
    struct timespec ms = { 0, 1000000 };
    double t0 = gt_now_s();
    for (int i = 0; i < 200; i++)
        nanosleep(&ms, NULL);
    double took = gt_now_s() - t0;
    snprintf(what, sizeof what, "200 sleeps of 1 ms beside a %s spinner end within 5 s", name);
    expect(took < 5.0, what);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(ready[0]);
    close(ready[1]);
}

int main(void)
{
    gt_pin(0);                          /* the spinner inherits it */
    beside(SCHED_BATCH, "SCHED_BATCH");
    beside(SCHED_IDLE, "SCHED_IDLE");
    gt_exit();
}
