/* Preemption: a child spins forever in user mode without making system
 * calls; the parent still gets the CPU (even with one CPU the timer must
 * take it away from the spinner), sleeps and yields a few times, then kills
 * the spinner with SIGKILL and reaps it: the status says killed by 9. */
#include "gt.h"
#include <sched.h>
#include <time.h>

static volatile unsigned long spins;

int main(void)
{
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        write(p[1], "r", 1);
        close(p[1]);
        for (;;)
            spins++;
    }
    close(p[1]);
    char b;
    read(p[0], &b, 1);                  /* the spinner is running */
    int rounds = 0;
    for (int i = 0; i < 5; i++) {
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        sched_yield();
        rounds++;
    }
    say("parent ran %d rounds while the child spun\n", rounds);
    int st;
    expect(waitpid(c, &st, WNOHANG) == 0, "spinner still running");
    expect(kill(c, SIGKILL) == 0, "kill SIGKILL");
    expect(waitpid(c, &st, 0) == c, "reaped");
    say("spinner: %s\n", status_str(st));
    gt_exit();
}
