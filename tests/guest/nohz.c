/* gt-side: guest-only.  Reads Tessera's /proc/interrupts and kernel command
 * line options (isolcpus=, nohz_full=).
 *
 * The tick and CPU isolation, as a latency-sensitive user sees them.  A CPU
 * ticks (HZ = 1000) only while it has a task to share it with: on an
 * ordinary CPU a task spinning alone runs without ticks, and a second one
 * pinned beside it brings the tick back.  Booted with "isolcpus=1
 * nohz_full=1" (make test-nohz): a new process may not run on CPU 1 unless
 * it asks; there too a task alone runs without ticks and a second task
 * brings the tick back so both share the CPU. */
#define _GNU_SOURCE
#include "gt.h"
#include <sched.h>
#include <time.h>

static long loc_ticks(int cpu)
{
    char buf[4096];
    if (read_file("/proc/interrupts", buf, sizeof buf) <= 0)
        return -1;
    char *p = strstr(buf, "LOC:");
    if (!p)
        return -1;
    p += 4;
    long v = -1;
    for (int c = 0; c <= cpu; c++)
        v = strtol(p, &p, 10);
    return v;
}

static void spin_for(double sec)
{
    double end = gt_now_s() + sec;
    while (gt_now_s() < end)
        ;
}

static int has_option(const char *opt)
{
    char buf[512];
    return read_file("/proc/cmdline", buf, sizeof buf) > 0 && strstr(buf, opt) != NULL;
}

int main(void)
{
    cpu_set_t all;
    CPU_ZERO(&all);
    sched_getaffinity(0, sizeof all, &all);
    int isolated = has_option("isolcpus=1") && has_option("nohz_full=1");
    int cpu = isolated ? 1 : 0;
    if (isolated)
        expect(!CPU_ISSET(1, &all), "a new process may not run on the isolated CPU");
    gt_pin(cpu);
    spin_for(0.05);                     /* let the tick notice it is alone */
    long before = loc_ticks(cpu);
    spin_for(0.3);
    long alone = loc_ticks(cpu) - before;
    say("ticks on CPU %d in 300 ms alone: %s\n", cpu, alone < 10 ? "fewer than 10" : "10 or more");
    expect(before >= 0 && alone < 10, "no tick while one task runs alone on its CPU");

    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {                       /* inherits the pin */
        double start = gt_now_s();
        spin_for(0.3);
        double took = gt_now_s() - start;
        write(p[1], &took, sizeof took);
        _exit(0);
    }
    before = loc_ticks(cpu);
    spin_for(0.3);
    long shared = loc_ticks(cpu) - before;
    double took = 0;
    read(p[0], &took, sizeof took);
    waitpid(c, NULL, 0);
    expect(shared >= 50, "the tick returns when a second task shares the CPU");
    expect(took > 0.3, "both tasks made progress on the shared CPU");
    gt_exit();
}
