/*
 * The kernel's own figure for `make bench-sched`: with sched_bench=ITERS on
 * the command line, the boot CPU times the scheduling-decision benchmark
 * (kernel/sched/class_bench.c, the loop the host program runs) before the
 * scheduler starts, compiled as the kernel is and timed by the kernel's
 * clock (under QEMU's icount, one nanosecond is one instruction).  One
 * line per policy, ns per decision under MQMS and SQMS at 10, 1,000 and
 * 100,000 tasks (0 where the memory could not be had).
 */
#include <kernel/kernel.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <sched/class_bench.h>
#include <sched/policies.h>
#include <sched/sched.h>

static const struct sched_bench_env kernel_env = {kzalloc, kfree, time_ns};

/* Appends "  12.3" (tenths of a nanosecond per decision) to line[*len]. */
static void put_figure(char *line, size_t size, size_t *len, uint64_t ns, unsigned iters)
{
    uint64_t tenths = ns * 10 / iters;
    int n = snprintf(line + *len, size - *len, " %8lu.%lu", (unsigned long)(tenths / 10),
                     (unsigned long)(tenths % 10));
    if (n > 0 && (size_t)n < size - *len)
        *len += (size_t)n;
}

void sched_bench_boot(void)
{
    static const unsigned sizes[] = {10, 1000, 100000};
    const char *arg = cmdline_get("sched_bench");
    if (!arg)
        return;
    unsigned iters = 0;
    while (*arg >= '0' && *arg <= '9' && iters < 100000000)
        iters = iters * 10 + (unsigned)(*arg++ - '0');
    if (!iters)
        iters = 20000;
    kprintf("sched_bench: ns per decision, %u decisions per figure; MQMS n=10 1000 100000, SQMS n=10 1000 100000\n",
            iters);
    for (unsigned p = 0; p <= sched_policies_count; p++) {
        const struct sched_policy *pol = p < sched_policies_count ? sched_policies[p] : &sched_policy_rt;
        char line[128];
        size_t len = 0;
        for (int single = 0; single < 2; single++)
            for (int s = 0; s < 3; s++)
                put_figure(line, sizeof line, &len,
                           sched_bench_decisions(&kernel_env, pol, sizes[s], single, iters), iters);
        line[len] = 0;
        kprintf("sched_bench: %-8s%s\n", pol->name, line);
    }
    kprintf("sched_bench: done\n");
}
