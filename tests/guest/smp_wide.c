/* However many CPUs there are, every way of counting them agrees: nproc's
 * sysconf, sched_getaffinity through a 1024-bit and a 4096-bit mask,
 * /sys/devices/system/cpu/{online,possible}, the cpuN lines of /proc/stat,
 * the processor entries of /proc/cpuinfo and the columns of
 * /proc/interrupts.  Wide masks (glibc's cpu_set_t, and bigger) are taken
 * by sched_setaffinity, bits beyond the last CPU ignored, a mask with only
 * such bits refused; a short one names the low CPUs.  Then every CPU is
 * visited, by pinning this process and by one forked child pinned to each,
 * which must run where it was put. */
#define _GNU_SOURCE
#include "gt.h"
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>

#define SYS "/sys/devices/system/cpu"

/* The count of CPUs in a list file ("0-3,5"), -1 if it does not parse. */
static int list_count(const char *path)
{
    char buf[512];
    if (read_file(path, buf, sizeof buf) <= 0)
        return -1;
    int n = 0;
    char *p = buf;
    while (*p && *p != '\n') {
        char *e;
        long a = strtol(p, &e, 10), b = a;
        if (e == p)
            return -1;
        p = e;
        if (*p == '-') {
            b = strtol(p + 1, &e, 10);
            if (e == p + 1 || b < a)
                return -1;
            p = e;
        }
        n += (int)(b - a + 1);
        if (*p == ',')
            p++;
    }
    return n;
}

/* Lines of path that start with prefix (and a digit after it if digit). */
static int count_lines(const char *path, const char *prefix, int digit)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[4096];
    int n = 0;
    size_t k = strlen(prefix);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, prefix, k) && (!digit || (line[k] >= '0' && line[k] <= '9')))
            n++;
    fclose(f);
    return n;
}

/* /proc/stat's cpuN lines name CPUs 0 .. n-1 in order, with at least
 * the ten time columns each. */
static int stat_lines_in_order(long n)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return 0;
    char line[512];
    long next = 0;
    int ok = 1;
    while (fgets(line, sizeof line, f)) {
        long c;
        unsigned long long v[10];
        if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
            continue;
        ok &= sscanf(line, "cpu%ld %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &c, &v[0], &v[1], &v[2],
                     &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) == 11 && c == next++;
    }
    fclose(f);
    return ok && next == n;
}

/* The CPU columns of /proc/interrupts' header line. */
static int interrupt_columns(void)
{
    FILE *f = fopen("/proc/interrupts", "r");
    if (!f)
        return -1;
    char line[8192];
    int n = 0;
    if (fgets(line, sizeof line, f))
        for (char *p = strstr(line, "CPU"); p; p = strstr(p + 3, "CPU"))
            n++;
    fclose(f);
    return n;
}

static int where(void)
{
    unsigned cpu = 9999;
    syscall(SYS_getcpu, &cpu, NULL, NULL);
    return (int)cpu;
}

int main(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    expect(n >= 1 && n == sysconf(_SC_NPROCESSORS_CONF), "sysconf online and configured CPUs agree");

    cpu_set_t all;
    CPU_ZERO(&all);
    expect(sched_getaffinity(0, sizeof all, &all) == 0 && CPU_COUNT(&all) == n,
           "sched_getaffinity (1024 bits) has every CPU");
    cpu_set_t *big = CPU_ALLOC(4096);
    size_t bigsz = CPU_ALLOC_SIZE(4096);
    CPU_ZERO_S(bigsz, big);
    long r = syscall(SYS_sched_getaffinity, 0, bigsz, big);
    expect(r > 0 && r % 8 == 0 && r * 8 >= n && CPU_COUNT_S(bigsz, big) == n,
           "raw sched_getaffinity (4096 bits) gives its length and every CPU");
    expect_err(syscall(SYS_sched_getaffinity, 0, 12, big), EINVAL, "a length not a whole number of longs");
    expect_err(syscall(SYS_sched_getaffinity, 0, 0, big), EINVAL, "length 0");

    expect(list_count(SYS "/online") == n, "/sys/devices/system/cpu/online counts them");
    expect(list_count(SYS "/possible") >= n, "possible holds them");
    expect(count_lines("/proc/stat", "cpu", 1) == n, "/proc/stat has a cpuN line each");
    expect(stat_lines_in_order(n), "/proc/stat's cpuN lines: CPUs 0 to n-1 in order, ten columns each");
    expect(count_lines("/proc/cpuinfo", "processor", 0) == n, "/proc/cpuinfo has a processor entry each");
    expect(interrupt_columns() == n, "/proc/interrupts has a column each");

    /* a wide mask: the last CPU, and bits far beyond any CPU there is */
    int last = (int)n - 1;
    CPU_ZERO_S(bigsz, big);
    CPU_SET_S(last, bigsz, big);
    CPU_SET_S(4000, bigsz, big);
    expect(sched_setaffinity(0, bigsz, big) == 0, "a 4096-bit mask with the last CPU is taken");
    sched_yield();
    expect(where() == last, "running on the last CPU");
    cpu_set_t back;
    CPU_ZERO(&back);
    expect(sched_getaffinity(0, sizeof back, &back) == 0 && CPU_COUNT(&back) == 1 && CPU_ISSET(last, &back),
           "the bits beyond the CPUs are not kept");
    CPU_ZERO_S(bigsz, big);
    CPU_SET_S(4000, bigsz, big);
    expect_err(sched_setaffinity(0, bigsz, big), EINVAL, "a mask of no existing CPU");
    unsigned char one = 1;
    expect(syscall(SYS_sched_setaffinity, 0, 1, &one) == 0, "a one-byte mask naming CPU 0 is taken");
    sched_yield();
    expect(where() == 0, "running on CPU 0");
    CPU_FREE(big);

    /* every CPU in turn, this process moving there */
    int visited = 0;
    for (int c = 0; c < n; c++) {
        if (gt_pin(c) != 0)
            break;
        sched_yield();
        visited += where() == c;
    }
    expect(visited == n, "pinned to each CPU in turn, it runs there");

    /* one child pinned to each CPU, all alive together */
    expect(sched_setaffinity(0, sizeof all, &all) == 0, "back to every CPU");
    int ok = 0, forked = 0;
    for (int c = 0; c < n; c++) {
        pid_t p = fork();
        if (p == 0) {
            if (gt_pin(c) != 0)
                _exit(2);
            sched_yield();
            _exit(where() == c ? 0 : 1);
        }
        forked += p > 0;
    }
    int st;
    while (wait(&st) > 0)
        ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    expect(forked == n && ok == n, "a child pinned to each CPU runs there");
    gt_exit();
}
