/* CPU sets wider than one 64-bit word.  The test pins itself to CPU 100
 * when there are more than 100 CPUs (the last CPU otherwise, so a machine
 * with fewer prints the same lines): getcpu, sched_getaffinity and
 * /proc/self/status (Cpus_allowed in 32-bit groups, Cpus_allowed_list)
 * agree, a child inherits it, busybox taskset -c pins there.  Linux's rules
 * for the mask length: sched_getaffinity returns its mask size (whole
 * longs, at least one bit per possible CPU: NR_CPUS bits or only the
 * possible CPUs' longs, as the kernel was built) or the buffer's if that
 * is smaller, and refuses a buffer with fewer bits than there are possible
 * CPUs; sched_setaffinity takes a shorter buffer (the
 * CPUs it does not cover left out) or a longer one (bits beyond the
 * kernel's ignored), and refuses a mask with no online CPU.  With more than
 * 64 CPUs the CPUs from 64 up are also used through a one-long buffer
 * (they cannot be named there) and a pin to the range 64 .. last. */
#define _GNU_SOURCE
#include "gt.h"
#include <sched.h>
#include <sys/syscall.h>

#define BIGBITS 4096

static int online_cpus;      /* online CPUs: 0 .. online_cpus-1 on the machines this runs on */
static int possible_cpus;    /* the highest possible CPU + 1 (Linux's nr_cpu_ids) */

/* The last number of a CPU list file ("0-127" -> 127), or -1. */
static int last_in_list(const char *path)
{
    char buf[4096];
    if (read_file(path, buf, sizeof buf) < 0)
        return -1;
    int last = -1;
    for (char *p = buf; *p;) {
        if (*p >= '0' && *p <= '9') {
            last = (int)strtol(p, &p, 10);
        } else {
            p++;
        }
    }
    return last;
}

/* Linux's mask text for exactly CPU `cpu` of `nbits`: hex in comma-separated
 * 32-bit groups, most significant first, the first as wide as its bits. */
static void expected_mask(char *out, size_t cap, int nbits, int cpu)
{
    int groups = (nbits + 31) / 32;
    size_t len = 0;
    out[0] = 0;
    for (int g = groups - 1; g >= 0 && len < cap; g--) {
        int width = nbits - g * 32 < 32 ? nbits - g * 32 : 32;
        unsigned v = cpu / 32 == g ? 1U << (cpu % 32) : 0;
        len += (size_t)snprintf(out + len, cap - len, "%s%0*x", g == groups - 1 ? "" : ",", (width + 3) / 4, v);
    }
}

static void spin(void)
{
    for (volatile unsigned long i = 0; i < 3000000UL; i++)
        ;
}

static int where(void)
{
    unsigned cpu = ~0U;
    syscall(SYS_getcpu, &cpu, NULL, NULL);
    return (int)cpu;
}

int main(void)
{
    cpu_set_t all;
    CPU_ZERO(&all);
    sched_getaffinity(0, sizeof all, &all);
    online_cpus = CPU_COUNT(&all);
    possible_cpus = last_in_list("/sys/devices/system/cpu/possible") + 1;
    expect(online_cpus > 0 && possible_cpus >= online_cpus, "online and possible CPUs counted");
    long least = (possible_cpus + 63) / 64 * 8;     /* the smallest buffer taken */
    int target = online_cpus > 100 ? 100 : online_cpus - 1;

    /* the lengths sched_getaffinity takes */
    unsigned long big[BIGBITS / 64];
    memset(big, 0, sizeof big);
    long ksize = syscall(SYS_sched_getaffinity, 0, sizeof big, big);
    expect(ksize >= least && ksize % 8 == 0 && ksize <= (long)sizeof big,
           "sched_getaffinity returns the kernel's mask size: whole longs for every possible CPU");
    expect(syscall(SYS_sched_getaffinity, 0, ksize, big) == ksize, "a buffer of exactly that size is taken");
    expect(syscall(SYS_sched_getaffinity, 0, least, big) == least,
           "a buffer of the possible CPUs' longs is taken, and its length returned");
    expect_err(syscall(SYS_sched_getaffinity, 0, least - 8, big), EINVAL, "one long fewer is refused");

    /* pinned to the target */
    expect(gt_pin(target) == 0, "pinned to CPU 100 (the last CPU if fewer)");
    spin();
    expect(where() == target, "getcpu names it after a while");
    cpu_set_t back;
    CPU_ZERO(&back);
    expect(sched_getaffinity(0, sizeof back, &back) == 0 && CPU_COUNT(&back) == 1 && CPU_ISSET(target, &back),
           "sched_getaffinity reads it back");
    char want[256];
    snprintf(want, sizeof want, "%d", target);
    const char *list = proc_status_field("Cpus_allowed_list");
    if (!expect(!strcmp(list, want), "Cpus_allowed_list names it"))
        say("  Cpus_allowed_list '%s', want '%s'\n", list, want);
    expected_mask(want, sizeof want, possible_cpus, target);
    const char *mask = proc_status_field("Cpus_allowed");
    if (!expect(!strcmp(mask, want), "Cpus_allowed is its bit, in 32-bit groups as wide as the possible CPUs"))
        say("  Cpus_allowed '%s', want '%s'\n", mask, want);
    pid_t c = fork();
    if (c == 0) {
        spin();
        _exit(where() == target ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child inherits it and runs there");

    /* busybox taskset -c: the program it runs is pinned there */
    char cpu_arg[16], out[512];
    snprintf(cpu_arg, sizeof cpu_arg, "%d", target);
    char *taskset[] = { "/bin/busybox", "taskset", "-c", cpu_arg, "/bin/busybox", "grep", "Cpus_allowed_list",
                        "/proc/self/status", NULL };
    st = run_capture(taskset, out, sizeof out);
    snprintf(want, sizeof want, "Cpus_allowed_list:\t%d\n", target);
    if (!expect(WIFEXITED(st) && WEXITSTATUS(st) == 0 && !strcmp(out, want), "busybox taskset -c pins the program"))
        say("  taskset printed '%s'\n", out);

    /* lengths sched_setaffinity takes */
    unsigned long one = ~0UL;
    expect(syscall(SYS_sched_setaffinity, 0, sizeof one, &one) == 0, "a one-long mask of all ones is taken");
    CPU_ZERO(&back);
    sched_getaffinity(0, sizeof back, &back);
    int low = online_cpus < 64 ? online_cpus : 64;
    expect(CPU_COUNT(&back) == low && CPU_ISSET(0, &back) && !CPU_ISSET(64, &back),
           "it allows the online CPUs below 64 only");
    memset(big, 0, sizeof big);
    big[target / 64] = 1UL << (target % 64);
    big[BIGBITS / 64 - 1] = 1UL << 63;  /* far beyond any CPU */
    expect(syscall(SYS_sched_setaffinity, 0, sizeof big, big) == 0, "a 4096-bit mask is taken");
    CPU_ZERO(&back);
    sched_getaffinity(0, sizeof back, &back);
    expect(CPU_COUNT(&back) == 1 && CPU_ISSET(target, &back), "its bits beyond the CPUs are ignored");
    memset(big, 0, sizeof big);
    big[online_cpus / 64] = 1UL << (online_cpus % 64);
    expect_err(syscall(SYS_sched_setaffinity, 0, sizeof big, big), EINVAL, "a mask naming only a CPU past the last");
    expect_err(syscall(SYS_sched_setaffinity, 0, 0, big), EINVAL, "an empty buffer");

    /* the CPUs from 64 up as one range (nothing to do below 65 CPUs) */
    int high_ok = 1;
    if (online_cpus > 64) {
        cpu_set_t high;
        CPU_ZERO(&high);
        for (int i = 64; i < online_cpus; i++)
            CPU_SET(i, &high);
        high_ok = sched_setaffinity(0, sizeof high, &high) == 0;
        for (int i = 0; i < 4 && high_ok; i++) {
            spin();
            high_ok = where() >= 64;
        }
    }
    expect(high_ok, "pinned to the CPUs from 64 up, it runs only there");
    expect(sched_setaffinity(0, sizeof all, &all) == 0, "back to every CPU");
    gt_exit();
}
