/* /proc/stat, /proc/loadavg and sysinfo as top, vmstat and uptime read them.
 *  - the cpu line and one cpuN line per CPU each have the ten columns
 *    (user nice system idle iowait irq softirq steal guest guest_nice),
 *    and every cpu column is the sum of the cpuN columns;
 *  - intr (a total, then per-interrupt counts), ctxt, btime (in the past),
 *    processes, procs_running (at least the reader) and procs_blocked;
 *  - read over and over while another process spins, no counter of any
 *    line ever goes down (top subtracts two samples);
 *  - a spinner pinned to one CPU advances that CPU's user column by about
 *    its own user time (no less than 0.8 of it, no more than the time
 *    that passed), and its system column by much less;
 *  - forking advances processes and ctxt;
 *  - /proc/loadavg has three averages, running/total (the reader is
 *    running) and the last pid; sysinfo's loads are the same averages.
 * Tessera's own checks (idle time, the load of an idle system) are in
 * proc_stat_idle. */
#include "gt_cputime.h"
#include <sched.h>
#include <stdint.h>
#include <sys/sysinfo.h>

#define MAXCPU 64
#define NCOL 10

struct stat_snap {
    int ncpu;                           /* cpuN lines */
    unsigned long long all[NCOL];       /* the cpu line */
    unsigned long long cpu[MAXCPU][NCOL];
    int cpu_id[MAXCPU];
    unsigned long long intr, ctxt, btime, processes, running, blocked;
    int nintr;                          /* numbers on the intr line */
    int bad;                            /* a line that did not parse */
};

static int parse_cols(const char *p, unsigned long long *v)
{
    int n = 0;
    char *end;
    while (n < NCOL) {
        unsigned long long x = strtoull(p, &end, 10);
        if (end == p)
            break;
        v[n++] = x;
        p = end;
    }
    while (*p == ' ')
        p++;
    return (n == NCOL && (*p == '\n' || *p == 0)) ? 0 : -1;
}

static int snap(struct stat_snap *s)
{
    static char buf[65536];
    memset(s, 0, sizeof *s);
    if (read_file("/proc/stat", buf, sizeof buf) <= 0)
        return -1;
    int have_cpu = 0, have[6] = { 0 };
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (!strncmp(line, "cpu ", 4)) {
            have_cpu = 1;
            if (parse_cols(line + 4, s->all))
                s->bad++;
        } else if (!strncmp(line, "cpu", 3)) {
            char *end;
            long id = strtol(line + 3, &end, 10);
            if (*end != ' ' || s->ncpu >= MAXCPU || parse_cols(end, s->cpu[s->ncpu])) {
                s->bad++;
                continue;
            }
            s->cpu_id[s->ncpu++] = (int)id;
        } else if (!strncmp(line, "intr ", 5)) {
            char *p = line + 5, *end;
            s->intr = strtoull(p, &end, 10);
            while (end != p) {
                s->nintr++;
                p = end;
                strtoull(p, &end, 10);
            }
            have[0] = 1;
        } else if (sscanf(line, "ctxt %llu", &s->ctxt) == 1) {
            have[1] = 1;
        } else if (sscanf(line, "btime %llu", &s->btime) == 1) {
            have[2] = 1;
        } else if (sscanf(line, "processes %llu", &s->processes) == 1) {
            have[3] = 1;
        } else if (sscanf(line, "procs_running %llu", &s->running) == 1) {
            have[4] = 1;
        } else if (sscanf(line, "procs_blocked %llu", &s->blocked) == 1) {
            have[5] = 1;
        }
    }
    for (int i = 0; i < 6; i++)
        if (!have[i])
            s->bad++;
    return have_cpu && s->ncpu > 0 && !s->bad ? 0 : -1;
}

/* does b go back anywhere compared with a? */
static int went_back(const struct stat_snap *a, const struct stat_snap *b)
{
    if (a->ncpu != b->ncpu || b->ctxt < a->ctxt || b->intr < a->intr || b->processes < a->processes)
        return 1;
    for (int k = 0; k < NCOL; k++) {
        if (b->all[k] < a->all[k])
            return 1;
        for (int c = 0; c < a->ncpu; c++)
            if (b->cpu[c][k] < a->cpu[c][k])
                return 1;
    }
    return 0;
}

static int sums_match(const struct stat_snap *s)
{
    for (int k = 0; k < NCOL; k++) {
        unsigned long long sum = 0;
        for (int c = 0; c < s->ncpu; c++)
            sum += s->cpu[c][k];
        /* Linux reads the counters once per line: a tick per CPU of slack */
        if (sum > s->all[k] + s->ncpu || sum + s->ncpu < s->all[k])
            return 0;
    }
    return 1;
}

static int loadavg(double l[3], long *running, long *total, long *last)
{
    char buf[256];
    if (read_file("/proc/loadavg", buf, sizeof buf) <= 0)
        return -1;
    char tail;
    int n = sscanf(buf, "%lf %lf %lf %ld/%ld %ld%c", &l[0], &l[1], &l[2], running, total, last, &tail);
    return n == 7 && tail == '\n' ? 0 : -1;
}

int main(void)
{
    long hz = sysconf(_SC_CLK_TCK);
    struct stat_snap a, b;
    int ok = snap(&a) == 0;
    expect(ok, "/proc/stat: cpu, cpuN, intr, ctxt, btime, processes, procs_running, procs_blocked lines parse");
    if (!ok)
        gt_exit();
    expect(a.ncpu == sysconf(_SC_NPROCESSORS_ONLN), "one cpuN line per online CPU");
    expect(sums_match(&a), "each cpu column is the sum of the cpuN columns");
    expect(a.nintr >= 2, "intr: a total, then per-interrupt counts");
    expect(a.ctxt > 0, "ctxt > 0");
    expect(a.btime > 1000000000ULL && a.btime <= (unsigned long long)time(NULL), "btime is a time in the past");
    expect(a.processes > 0, "processes > 0");
    expect(a.running >= 1, "procs_running counts the reader");

    /* no counter goes back while another process runs */
    cpu_set_t set;
    sched_getaffinity(0, sizeof set, &set);
    int cpu = 0;
    while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set))
        cpu++;
    pid_t sp = fork();
    if (sp == 0) {
        for (;;)
            spin_cpu_ms(1000);
    }
    int back = 0, reads = 0;
    long long until = ns_of(CLOCK_MONOTONIC) + 300000000LL;
    struct stat_snap prev = a;
    while (ns_of(CLOCK_MONOTONIC) < until) {
        if (snap(&b) != 0)
            break;
        reads++;
        back += went_back(&prev, &b);
        prev = b;
    }
    kill(sp, SIGKILL);
    waitpid(sp, NULL, 0);
    expect(reads > 10, "/proc/stat read over and over");
    expect(!back, "no counter ever goes down between two reads");
    expect(b.processes > a.processes, "processes counted the fork");
    expect(b.ctxt > a.ctxt, "ctxt advanced");

    /* a pinned spinner's user time lands in its CPU's user column */
    gt_pin(cpu);
    int idx = -1;
    for (int c = 0; c < a.ncpu; c++)
        if (a.cpu_id[c] == cpu)
            idx = c;
    struct rusage r0, r1;
    snap(&a);
    getrusage(RUSAGE_SELF, &r0);
    long long w0 = ns_of(CLOCK_MONOTONIC);
    spin_cpu_ms(500);
    long long w1 = ns_of(CLOCK_MONOTONIC);
    getrusage(RUSAGE_SELF, &r1);
    snap(&b);
    long long my_user = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1000000LL + r1.ru_utime.tv_usec -
                        r0.ru_utime.tv_usec;
    if (idx >= 0) {
        long long du = (long long)(b.cpu[idx][0] + b.cpu[idx][1] - a.cpu[idx][0] - a.cpu[idx][1]) * 1000000 / hz;
        long long ds = (long long)(b.cpu[idx][2] - a.cpu[idx][2]) * 1000000 / hz;
        long long wall = (w1 - w0) / 1000;
        long long tick = 1000000 / hz;
        if (!expect(du + 2 * tick >= my_user * 8 / 10 && du <= wall + 3 * tick,
                    "pinned spinner: its CPU's user column advanced by about its user time"))
            say("  (user column +%lld us, spinner user %lld us, %lld us passed)\n", du, my_user, wall);
        if (!expect(ds < du / 4 + 2 * tick, "pinned spinner: that CPU's system column advanced much less"))
            say("  (system column +%lld us, user column +%lld us)\n", ds, du);
    } else {
        expect(0, "pinned spinner: its CPU has a cpuN line");
    }

    /* loadavg and sysinfo */
    double l[3];
    long running, total, last;
    ok = loadavg(l, &running, &total, &last) == 0;
    expect(ok, "/proc/loadavg: three averages, running/total, last pid");
    expect(ok && l[0] >= 0 && l[1] >= 0 && l[2] >= 0, "the averages are not negative");
    expect(ok && running >= 1 && total >= running, "running counts the reader; total >= running");
    expect(ok && last > 0, "last pid > 0");
    int same = 0;
    for (int tries = 0; tries < 5 && !same; tries++) {
        double l2[3];
        struct sysinfo si;
        loadavg(l, &running, &total, &last);
        sysinfo(&si);
        loadavg(l2, &running, &total, &last);
        if (memcmp(l, l2, sizeof l))
            continue;                   /* a new sample came in between */
        same = 1;
        for (int i = 0; i < 3; i++)
            if (si.loads[i] / 65536.0 < l[i] - 0.011 || si.loads[i] / 65536.0 > l[i] + 0.011)
                same = 0;
        if (!same)
            say("  (sysinfo %.2f %.2f %.2f, loadavg %.2f %.2f %.2f)\n", si.loads[0] / 65536.0,
                si.loads[1] / 65536.0, si.loads[2] / 65536.0, l[0], l[1], l[2]);
    }
    expect(same, "sysinfo's loads are /proc/loadavg's averages");
    gt_exit();
}
