/* gt-side: guest-only (tickets and the lottery/stride policies are Tessera's)
 * Proportional share end to end: two CPU-bound children pinned to CPU 0,
 * one with 300 tickets and one with 100, run for the same wall-clock time
 * under stride and then under lottery; the first gets about three quarters
 * of the CPU time they shared (stride: 0.70..0.80; lottery, which draws
 * about 150 tickets in that time: 0.60..0.90).  Then ticket inflation: the
 * 100-ticket child is raised to 900 while running and its share turns.
 * The parent sleeps with nanosleep, not wait4, so it lends nobody tickets. */
#include "gt.h"
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include "../../include/uapi/tessera.h"

static void set_tickets(pid_t pid, uint32_t n)
{
    struct tessera_sched ts = { .tickets = n };
    syscall(__NR_tessera_sched_set, pid, &ts, TESSERA_SCHED_TICKETS);
}

static int put_policy(const char *name)
{
    int fd = open("/proc/sys/kernel/sched_policy", O_WRONLY);
    if (fd < 0)
        return -1;
    int r = write(fd, name, strlen(name)) < 0 ? -1 : 0;
    close(fd);
    return r;
}

static pid_t spinner(uint32_t tickets, double until)
{
    pid_t pid = fork();
    if (pid == 0) {
        set_tickets(0, tickets);
        volatile unsigned long x = 0;
        while (gt_now_s() < until)
            for (int k = 0; k < 10000; k++)
                x += k;
        _exit(0);
    }
    return pid;
}

static double cpu_s(pid_t pid)
{
    struct rusage ru;
    int st;
    if (wait4(pid, &st, 0, &ru) != pid)
        return 0;
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Share of the 300-ticket child over `secs` (inflate: raise the other to
 * 900 half way). */
static double share(double secs, int inflate)
{
    double until = gt_now_s() + secs;
    pid_t a = spinner(300, until), b = spinner(100, until);
    struct timespec half = { (time_t)(secs / 2), (long)((secs / 2 - (int)(secs / 2)) * 1e9) };
    if (inflate) {
        nanosleep(&half, NULL);
        set_tickets(b, 900);
    }
    while (gt_now_s() < until + 0.05)
        nanosleep(&half, NULL);
    double ca = cpu_s(a), cb = cpu_s(b);
    return ca + cb > 0 ? ca / (ca + cb) : 0;
}

int main(void)
{
    char orig[32] = "fair";
    int fd = open("/proc/sys/kernel/sched_policy", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, orig, sizeof orig - 1);
        orig[n > 0 ? n - 1 : 0] = 0;
        close(fd);
    }
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    expect(sched_setaffinity(0, sizeof one, &one) == 0, "pin to CPU 0 (children inherit it)");

    expect(put_policy("stride") == 0, "switch to stride");
    double s = share(1.5, 0);
    say("stride share, tickets 300:100: %.2f\n", s);
    expect(s > 0.70 && s < 0.80, "stride gives 0.70..0.80");

    expect(put_policy("lottery") == 0, "switch to lottery");
    double l = share(1.5, 0);
    say("lottery share, tickets 300:100: %.2f\n", l);
    expect(l > 0.60 && l < 0.90, "lottery gives 0.60..0.90");

    expect(put_policy("stride") == 0, "switch to stride");
    double i = share(2.0, 1);
    say("stride share when the other is inflated to 900 half way: %.2f\n", i);
    /* 0.75 for the first half, 0.25 for the second: about 0.5 */
    expect(i > 0.40 && i < 0.60, "inflation halves it (0.40..0.60)");

    put_policy(orig);
    gt_exit();
}
