/* Real-time throttling, as Linux has it: /proc/sys/kernel/sched_rt_runtime_us
 * and sched_rt_period_us read 950000 and 1000000, refuse a runtime longer
 * than the period; and a SCHED_FIFO task spinning for 3 s on a CPU leaves
 * the rest of each period to the other tasks there, so an ordinary task
 * woken on the same CPU runs while the spinner still spins (within a
 * period and a runtime of its start), not after it. */
#include "gt.h"
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

int main(void)
{
    char buf[64];
    read_file("/proc/sys/kernel/sched_rt_runtime_us", buf, sizeof buf);
    say("sched_rt_runtime_us: %s", buf);
    read_file("/proc/sys/kernel/sched_rt_period_us", buf, sizeof buf);
    say("sched_rt_period_us: %s", buf);
    int fd = open("/proc/sys/kernel/sched_rt_runtime_us", O_WRONLY);
    expect_err(write(fd, "2000000\n", 8), EINVAL, "a runtime longer than the period");
    close(fd);
    fd = open("/proc/sys/kernel/sched_rt_period_us", O_WRONLY);
    expect_err(write(fd, "0\n", 2), EINVAL, "a period of 0");
    close(fd);
    read_file("/proc/sys/kernel/sched_rt_runtime_us", buf, sizeof buf);
    say("unchanged: %s", buf);

    gt_pin(0);
    int go[2];
    pipe(go);
    double start = gt_now_s();
    pid_t c = fork();
    if (c == 0) {
        struct sched_param sp = { .sched_priority = 10 };
        if (syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp))
            _exit(2);
        double end = gt_now_s() + 3.0;
        write(go[1], "x", 1);           /* wakes the parent, which cannot preempt it */
        while (gt_now_s() < end)
            ;
        _exit(0);
    }
    char b;
    read(go[0], &b, 1);                 /* returns only when the spinner leaves the CPU */
    double ran = gt_now_s() - start;
    int st;
    pid_t still = waitpid(c, &st, WNOHANG);
    if (!expect(still == 0, "the ordinary task ran while the spinner was still spinning"))
        say("  (it ran after %.3f s)\n", ran);
    /* any 1.05 s holds a whole period, whose first 0.95 s is the limit */
    if (!expect(ran < 2.1, "within a period and a runtime of the spinner's start"))
        say("  (it ran after %.3f s)\n", ran);
    waitpid(c, &st, 0);
    say("spinner exited normally: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
    gt_exit();
}
