/* gt-clock: icount (run in a boot of its own on one CPU under -icount, where
 * CPU time is the instructions retired: the host's load cannot skew it). */
/* gt-side: guest-only.  Nothing else may run on the machine meanwhile,
 * which the shared Linux host running the oracle side cannot promise.
 *
 * /proc/stat and the load average are exact when the test is all that runs.
 *  - one spinner pinned to each CPU for half a second: each CPU's user
 *    column grows by 0.9 to 1.1 times its spinner's user time, its system
 *    column by under 5 % of that, and in the cpu line (what top shows)
 *    user time is over 90 % of the busy time;
 *  - while the test sleeps and nothing else runs, every CPU's idle column
 *    in /proc/stat advances by most of the time that passed, and the
 *    busy columns hardly move; /proc/uptime's idle seconds advance as much;
 *  - the load average counts runnable tasks, never the idle tasks and not
 *    the reader of /proc/loadavg itself: over a sleep that spans a 5 s
 *    sample, the 1-minute average does not grow, and shrinks if it was
 *    above 0.05 (when the reader was counted it crept towards 1);
 *  - a spinner that runs across a sample raises it again;
 *  - sysinfo's loads follow the same averages.
 * Guards against: busy time split into user and system by the ratio of
 * every task's lifetime totals (two pure spinners showed as 35 % user and
 * 15 % system in top), idle time measured only when a halt ends, and a
 * load average of about 1 on an idle machine. */
#include "gt.h"
#include <sched.h>
#include <sys/sysinfo.h>
#include <time.h>

#define NCOL 10

static int cpu_lines(unsigned long long v[][NCOL], int max)
{
    static char buf[65536];
    if (read_file("/proc/stat", buf, sizeof buf) <= 0)
        return -1;
    int n = 0;
    for (char *line = strstr(buf, "\ncpu"); line && n < max; line = strstr(line + 1, "\ncpu")) {
        char *p = line + 4;
        if (*p == ' ')
            continue;                   /* the all-CPU line */
        strtol(p, &p, 10);
        for (int k = 0; k < NCOL; k++)
            v[n][k] = strtoull(p, &p, 10);
        n++;
    }
    return n;
}

static double load1(void)
{
    char buf[256];
    double l = -1;
    if (read_file("/proc/loadavg", buf, sizeof buf) > 0)
        sscanf(buf, "%lf", &l);
    return l;
}

static double uptime_idle(void)
{
    char buf[128];
    double up = 0, idle = -1;
    if (read_file("/proc/uptime", buf, sizeof buf) > 0)
        sscanf(buf, "%lf %lf", &up, &idle);
    return idle;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void spin_until(long long end_ms)
{
    volatile unsigned long x = 0;
    while (now_ms() < end_ms)
        for (int i = 0; i < 100000; i++)
            x += i;
}

/* One spinner per CPU, pinned, for half a second. */
static void busy_cpus(long hz)
{
    unsigned long long a[64][NCOL], b[64][NCOL];
    int n = cpu_lines(a, 64);
    if (n <= 0 || n > 64) {
        expect(0, "busy: /proc/stat has cpuN lines");
        return;
    }
    pid_t pid[64];
    long long end = now_ms() + 500;
    for (int c = 0; c < n; c++) {
        pid[c] = fork();
        if (pid[c] == 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(c, &set);
            sched_setaffinity(0, sizeof set, &set);
            spin_until(end);
            _exit(0);
        }
    }
    long long user_us[64];
    for (int c = 0; c < n; c++) {
        struct rusage ru;
        wait4(pid[c], NULL, 0, &ru);
        user_us[c] = ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec;
    }
    cpu_lines(b, 64);
    long long tick = 1000000 / hz, user_all = 0, busy_all = 0;
    int user_ok = 1, sys_ok = 1;
    for (int c = 0; c < n; c++) {
        long long du = (long long)(b[c][0] + b[c][1] - a[c][0] - a[c][1]) * tick;
        long long ds = (long long)(b[c][2] - a[c][2]) * tick;
        long long dirq = (long long)(b[c][5] - a[c][5]) * tick;
        user_all += du;
        busy_all += du + ds + dirq;
        if (du + 2 * tick < user_us[c] * 9 / 10 || du > user_us[c] * 11 / 10 + 2 * tick) {
            user_ok = 0;
            say("  (cpu%d: user column +%lld us, its spinner's user time %lld us)\n", c, du, user_us[c]);
        }
        if (ds > du / 20 + 2 * tick) {
            sys_ok = 0;
            say("  (cpu%d: system column +%lld us, user column +%lld us)\n", c, ds, du);
        }
    }
    expect(user_ok, "busy: each CPU's user column grows by its spinner's user time");
    expect(sys_ok, "busy: its system column by under 5% of that");
    if (!expect(user_all * 10 > busy_all * 9, "busy: user time is over 90% of the busy time in the cpu line"))
        say("  (user %lld us of %lld us busy)\n", user_all, busy_all);
}

int main(void)
{
    long hz = sysconf(_SC_CLK_TCK);
    unsigned long long a[64][NCOL], b[64][NCOL];

    busy_cpus(hz);

    /* idle time */
    int n = cpu_lines(a, 64);
    double i0 = uptime_idle();
    long long t0 = now_ms();
    usleep(1000000);
    long long t1 = now_ms();
    double i1 = uptime_idle();
    int m = cpu_lines(b, 64);
    expect(n > 0 && n == m, "/proc/stat: the cpuN lines");
    long long passed = t1 - t0;
    int idle_ok = 1, busy_ok = 1;
    for (int c = 0; c < n && c < m; c++) {
        long long idle = (long long)(b[c][3] - a[c][3]) * 1000 / hz;
        long long busy = 0;
        for (int k = 0; k < NCOL; k++)
            if (k != 3)
                busy += (long long)(b[c][k] - a[c][k]) * 1000 / hz;
        if (idle < passed * 8 / 10) {
            idle_ok = 0;
            say("  (cpu%d: idle +%lld ms of %lld ms)\n", c, idle, passed);
        }
        if (busy > passed / 10 + 20) {
            busy_ok = 0;
            say("  (cpu%d: busy +%lld ms of %lld ms)\n", c, busy, passed);
        }
    }
    expect(idle_ok, "sleeping: every CPU's idle column advances by most of the time");
    expect(busy_ok, "sleeping: the busy columns hardly move");
    if (!expect((i1 - i0) * 1000 >= passed * n * 8 / 10, "/proc/uptime's idle seconds advance as much"))
        say("  (+%.2f s idle over %lld ms)\n", i1 - i0, passed);

    /* the load of an idle machine decays; the reader is not counted */
    double l0 = load1();
    usleep(5600000);                    /* spans at least one 5 s sample */
    double l1 = load1();
    int decays = l0 >= 0 && l1 >= 0 && l1 <= l0 && (l0 < 0.05 || l1 < l0);
    if (!expect(decays, "idle: the 1-minute load average does not grow (and shrinks when above 0.05)"))
        say("  (%.2f, then %.2f)\n", l0, l1);

    /* a runnable task across a sample (5.6 s: one or two of them) keeps
     * the average above where idle decay would take it, l1 * e^(-5/60) per
     * sample: seen for either count only while l1 < 2 (earlier tests may
     * have left it higher; then one spinner cannot be told apart) */
    pid_t p = fork();
    if (p == 0) {
        spin_until(now_ms() + 5600);
        _exit(0);
    }
    waitpid(p, NULL, 0);
    double l2 = load1();
    if (l1 >= 2.0)
        say("a spinner across a sample: load %.2f too high to see one task\n", l1);
    else if (!expect(l2 > l1 * 0.92 + 0.005, "a spinner across a sample keeps it above idle decay"))
        say("  (%.2f, then %.2f)\n", l1, l2);
    struct sysinfo si;
    sysinfo(&si);
    double s1 = si.loads[0] / 65536.0;
    if (!expect(s1 > l2 - 0.011 && s1 < l2 + 0.011, "sysinfo's 1-minute load is the same average"))
        say("  (sysinfo %.3f, loadavg %.2f)\n", s1, l2);
    gt_exit();
}
