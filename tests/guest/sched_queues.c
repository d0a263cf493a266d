/* gt-side: guest-only (Tessera's /proc/sys/kernel/sched_queues, /proc/sched_queues,
 * /proc/schedstat and the nr_migrations line of /proc/<pid>/sched)
 *
 * Single-queue (SQMS) and per-CPU (MQMS) scheduling, switched while tasks
 * run, block and migrate: no task is lost.  Workers of every kind run at
 * once: bursty ones (2 ms of CPU, then a short sleep), a ping-pong pair
 * over pipes, a yielder, migrators that pin themselves to each CPU in turn,
 * and one pinned to CPU 0.  Each counts its rounds in shared memory.
 *
 *   - under every policy in both modes, every worker makes progress;
 *   - the mode is switched 60 times, every few milliseconds, and every
 *     worker still makes progress afterwards;
 *   - once they are gone, the runnable count (/proc/stat procs_running)
 *     is back to the reader alone: no task was counted twice or lost;
 *   - the migrators have migrations, the pinned worker none;
 *   - bad values are EINVAL and leave the mode as it was;
 *   - /proc/schedstat has Linux's layout, /proc/sched_queues the mode.
 * Every worker blocks now and then, so even the non-preemptive policies
 * (FIFO, SJF) let all of them run.  Run on 2 CPUs (test-guest) and 4
 * (test-smp4). */
#define _GNU_SOURCE
#include "gt.h"
#include <sched.h>
#include <sys/mman.h>
#include <time.h>

#define MAXW (2 * 64 + 8)   /* 2 bursty workers per CPU, up to 64 CPUs, and the rest */

enum kind { BURSTY, PING, PONG, YIELDER, MIGRATOR, PINNED };

static volatile unsigned long *count;   /* shared: rounds per worker */
static int ncpu;



static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void spin_ns(long long ns)
{
    long long end = now_ns() + ns;
    while (now_ns() < end)
        ;
}

static void nap_us(long us)
{
    struct timespec ts = {0, us * 1000};
    nanosleep(&ts, NULL);
}

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (cpu < 0)
        for (int c = 0; c < ncpu; c++)
            CPU_SET(c, &set);
    else
        CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

static void __attribute__((noreturn)) worker(int i, enum kind k, int rd, int wr)
{
    for (unsigned long r = 0;; r++) {
        char c = 0;
        switch (k) {
        case BURSTY:
            spin_ns(2000000);
            nap_us(500);
            break;
        case PING:
            if (write(wr, &c, 1) != 1 || read(rd, &c, 1) != 1)
                _exit(1);
            break;
        case PONG:
            if (read(rd, &c, 1) != 1 || write(wr, &c, 1) != 1)
                _exit(1);
            break;
        case YIELDER:
            spin_ns(200000);
            sched_yield();
            if (r % 8 == 0)
                nap_us(300);
            break;
        case MIGRATOR:
            pin((int)(r % (unsigned long)ncpu));
            spin_ns(500000);
            pin(-1);
            nap_us(300);
            break;
        case PINNED:
            spin_ns(1000000);
            nap_us(500);
            break;
        }
        count[i]++;
    }
}

static pid_t pids[MAXW];
static enum kind kinds[MAXW];
static int nw;

static void start_workers(void)
{
    int ab[2], ba[2];
    if (pipe(ab) < 0 || pipe(ba) < 0)
        exit(2);
    int nbursty = 2 * ncpu;
    for (int i = 0; i < nbursty; i++)
        kinds[nw++] = BURSTY;
    kinds[nw++] = PING;
    kinds[nw++] = PONG;
    kinds[nw++] = YIELDER;
    kinds[nw++] = MIGRATOR;
    kinds[nw++] = MIGRATOR;
    kinds[nw++] = PINNED;
    for (int i = 0; i < nw; i++) {
        pids[i] = fork();
        if (pids[i] < 0)
            exit(2);
        if (pids[i] == 0) {
            if (kinds[i] == PINNED)
                pin(0);
            worker(i, kinds[i], kinds[i] == PING ? ba[0] : ab[0], kinds[i] == PING ? ab[1] : ba[1]);
        }
    }
    close(ab[0]), close(ab[1]), close(ba[0]), close(ba[1]);
}

/* Does every worker make progress within `ms` (checked every 10 ms)? */
static int all_progress(int ms)
{
    unsigned long before[MAXW];
    for (int i = 0; i < nw; i++)
        before[i] = count[i];
    for (int t = 0; t < ms; t += 10) {
        nap_us(10000);
        int stuck = 0;
        for (int i = 0; i < nw; i++)
            stuck += count[i] == before[i];
        if (!stuck)
            return 1;
    }
    for (int i = 0; i < nw; i++)
        if (count[i] == before[i])
            say("  worker %d (kind %d) made no progress\n", i, kinds[i]);
    return 0;
}

static unsigned long migrations_of(pid_t p)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/sched", p);
    if (read_file(path, buf, sizeof buf) <= 0)
        return ~0UL;
    char *l = strstr(buf, "\nnr_migrations:");
    return l ? strtoul(l + 15, NULL, 10) : ~0UL;
}

static int procs_running(void)
{
    char buf[4096];
    if (read_file("/proc/stat", buf, sizeof buf) <= 0)
        return -1;
    char *l = strstr(buf, "procs_running ");
    return l ? atoi(l + 14) : -1;
}

static int count_words(const char *line)
{
    int n = 0;
    for (const char *p = line; *p && *p != '\n';) {
        while (*p == ' ')
            p++;
        if (!*p || *p == '\n')
            break;
        n++;
        while (*p && *p != ' ' && *p != '\n')
            p++;
    }
    return n;
}

/* Linux's version 15 layout: a cpuN line of 10 words and a domainN line
 * of 38 per CPU. */
static void check_schedstat(void)
{
    static char buf[65536];             /* a cpu and a domain line for each of up to 64 CPUs */
    int ok = read_file("/proc/schedstat", buf, sizeof buf) > 0 && !strncmp(buf, "version 15\ntimestamp ", 21);
    int cpus = 0, domains = 0;
    for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (!strncmp(l, "cpu", 3)) {
            cpus++;
            ok &= count_words(l) == 10;
        } else if (!strncmp(l, "domain", 6)) {
            domains++;
            ok &= count_words(l) == 38;
        }
    }
    expect(ok && cpus == ncpu && domains == ncpu, "/proc/schedstat: version 15, a cpu and a domain line per CPU");
}

/* /proc/sched_queues: "mode M", then a row of ten numbers per CPU; the
 * run-queue locks have been taken. */
static void check_queues_file(const char *mode)
{
    char buf[4096], want[32];
    snprintf(want, sizeof want, "mode %s\n", mode);
    int ok = read_file("/proc/sched_queues", buf, sizeof buf) > 0 && !strncmp(buf, want, strlen(want));
    int rows = 0;
    unsigned long locks = 0;
    char *l = strstr(buf, "\ncpu switches");
    for (l = l ? strchr(l + 1, '\n') : NULL; l && l[1]; l = strchr(l + 1, '\n')) {
        unsigned long v[10];
        if (sscanf(l + 1, "%lu %lu %lu %lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                   &v[6], &v[7], &v[8], &v[9]) == 10) {
            rows++;
            locks += v[6];
        }
    }
    char what[64];
    snprintf(what, sizeof what, "/proc/sched_queues: mode %s, a row per CPU", mode);
    expect(ok && rows == ncpu && locks > 0, what);
}

int main(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    ncpu = CPU_COUNT(&set);
    count = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (count == MAP_FAILED)
        return 2;
    char old_policy[64], old_mode[32], buf[256];
    sysctl_get("sched_policy", old_policy, sizeof old_policy);
    sysctl_get("sched_queues", old_mode, sizeof old_mode);
    char cmdline[1024];
    read_file("/proc/cmdline", cmdline, sizeof cmdline);
    const char *boot = strstr(cmdline, "sched_queues=single") ? "single" : "per-cpu";
    expect(!strcmp(old_mode, boot), "the mode is the boot's (sched_queues=, per-cpu by default)");

    /* bad values change nothing */
    const char *bad[] = {"bogus", "", "single per-cpu", "Single", "per_cpu"};
    int refused = 1;
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused &= sysctl_put("sched_queues", bad[i]) == EINVAL;
    sysctl_get("sched_queues", buf, sizeof buf);
    expect(refused && !strcmp(buf, old_mode), "bad modes are EINVAL and the mode stays");
    expect(sysctl_put("sched_work_stealing", "2") == EINVAL && sysctl_put("sched_work_stealing", "x") == EINVAL,
           "sched_work_stealing takes 0 or 1 only");
    expect(sysctl_put("sched_queues", "single\n") == 0 && sysctl_get("sched_queues", buf, sizeof buf) > 0 && !strcmp(buf, "single"),
           "write single (with a newline), read it back");
    check_queues_file("single");
    expect(sysctl_put("sched_queues", "per-cpu") == 0 && sysctl_get("sched_queues", buf, sizeof buf) > 0 &&
               !strcmp(buf, "per-cpu"),
           "write per-cpu, read it back");
    check_queues_file("per-cpu");

    start_workers();
    all_progress(3000);                 /* the pinned worker has reached CPU 0 */
    unsigned long pinned0 = migrations_of(pids[nw - 1]);
    say("workers: %d kinds, %s CPUs\n", 6, ncpu > 1 ? "several" : "one");

    /* every policy in both modes */
    char policies[256];
    sysctl_get("sched_policies", policies, sizeof policies);
    int all_ok = 1;
    for (char *p = strtok(policies, " "); p; p = strtok(NULL, " ")) {
        for (int m = 0; m < 2; m++) {
            const char *mode = m ? "per-cpu" : "single";
            if (sysctl_put("sched_policy", p) || sysctl_put("sched_queues", mode)) {
                say("  cannot set %s / %s\n", p, mode);
                all_ok = 0;
                continue;
            }
            if (!all_progress(3000)) {
                say("  under %s with %s queues\n", p, mode);
                all_ok = 0;
            }
        }
    }
    sysctl_put("sched_policy", old_policy);
    expect(all_ok, "under every policy, single and per-cpu, every worker makes progress");

    /* back and forth under load, every 2 to 13 ms */
    int switched = 1;
    for (int i = 0; i < 60; i++) {
        switched &= sysctl_put("sched_queues", i % 2 ? "per-cpu" : "single") == 0;
        nap_us(2000 + (i * 3779) % 11000);
    }
    expect(switched, "60 switches accepted");
    expect(all_progress(2000), "after 60 switches every worker makes progress");
    sysctl_put("sched_work_stealing", "0");
    expect(all_progress(2000), "per-cpu without work stealing: every worker makes progress");
    sysctl_put("sched_work_stealing", "1");

    unsigned long mig = migrations_of(pids[nw - 2]), pinned = migrations_of(pids[nw - 1]);
    if (ncpu > 1)
        expect(mig > 0 && mig != ~0UL, "a migrator has migrations in /proc/<pid>/sched");
    expect(pinned == pinned0 && pinned != ~0UL, "the worker pinned to CPU 0 has none once there");
    check_schedstat();

    for (int i = 0; i < nw; i++)
        kill(pids[i], SIGKILL);
    int reaped = 0, st;
    for (int i = 0; i < nw; i++)
        reaped += waitpid(pids[i], &st, 0) == pids[i] && WIFSIGNALED(st);
    expect(reaped == nw, "every worker is killed and reaped");
    sysctl_put("sched_queues", "single");
    int alone = 0;
    for (int t = 0; t < 50 && !alone; t++, nap_us(20000))
        alone = procs_running() == 1;
    expect(alone, "single: procs_running comes back to 1");
    sysctl_put("sched_queues", "per-cpu");
    alone = 0;
    for (int t = 0; t < 50 && !alone; t++, nap_us(20000))
        alone = procs_running() == 1;
    expect(alone, "per-cpu: procs_running comes back to 1");
    sysctl_put("sched_queues", old_mode);
    gt_exit();
}
