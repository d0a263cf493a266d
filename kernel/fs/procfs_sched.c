/*
 * The scheduler's counters as /proc files, from its public query
 * functions (sched_cpu_stats(), the queue mode: include/sched/sched.h).
 *
 *   /proc/schedstat     Linux's format, version 15: per CPU a "cpuN" line
 *                       (yield calls, 0, schedule calls, of which went idle,
 *                       wake-ups made, of which local, run time ns, wait
 *                       time ns, timeslices) and a "domainN" line with the
 *                       36 load-balancing fields, where Tessera's work
 *                       stealing is the idle balancing (the first eight:
 *                       attempts, balanced, failed, imbalance, gained, and
 *                       three Tessera does not have: 0).  One domain spans
 *                       every CPU.  Linux tools that read it (sar-like
 *                       monitors, perf's schedstat readers) read this.
 *   /proc/sched_queues  Tessera's: the queue mode, whether stealing is on,
 *                       then a row per CPU of the counters behind the book's
 *                       SQMS/MQMS trade-off: context switches, migrations
 *                       in and out, stealing attempts and steals, run-queue
 *                       lock acquisitions, how many found it held, and the
 *                       time spent spinning for it (ns, measured with the
 *                       TSC), and the time tasks ran there.
 *
 * Counters are read without a lock (each is written by one CPU, or
 * atomically), so a row is a near-instant snapshot, not an atomic one.
 */
#include <arch/percpu.h>
#include <fs/procfs.h>
#include <kernel/kernel.h>
#include <kernel/time.h>
#include <sched/sched.h>

#define SCHEDSTAT_VERSION 15

int procfs_show_schedstat(struct seqbuf *s)
{
    struct cpuset mask;
    cpuset_load_atomic(&mask, &cpus_online);
    seq_printf(s, "version %d\ntimestamp %lu\n", SCHEDSTAT_VERSION, (unsigned long)(time_ns() / TICK_NS));
    for_each_cpu(c, &mask) {
        if (c >= ncpus)
            break;
        struct sched_cpu_stats st;
        sched_cpu_stats(c, &st);
        seq_printf(s, "cpu%d %lu 0 %lu %lu %lu %lu %lu %lu %lu\n", c, (unsigned long)st.yld_count,
                   (unsigned long)st.sched_count, (unsigned long)st.sched_goidle, (unsigned long)st.ttwu_count,
                   (unsigned long)st.ttwu_local, (unsigned long)st.run_ns, (unsigned long)st.run_delay_ns,
                   (unsigned long)st.pcount);
        seq_printf(s, "domain0 ");
        seq_bitmask(s, mask.bits, (unsigned)ncpus);
        /* CPU_IDLE: what the idle CPU's stealing did */
        seq_printf(s, " %lu %lu %lu %lu %lu 0 0 0", (unsigned long)st.lb_count, (unsigned long)st.lb_balanced,
                   (unsigned long)st.lb_failed, (unsigned long)(st.lb_gained + st.lb_failed),
                   (unsigned long)st.lb_gained);
        /* CPU_NOT_IDLE and CPU_NEWLY_IDLE balancing, active, exec and fork
         * balancing, wake-up placement: Tessera has none of these */
        for (int i = 0; i < 28; i++)
            seq_printf(s, " 0");
        seq_putc(s, '\n');
    }
    return 0;
}

int procfs_show_sched_queues(struct seqbuf *s)
{
    seq_printf(s, "mode %s\nwork_stealing %d\n", sched_queue_mode_name(sched_queue_mode()),
               sched_work_stealing() ? 1 : 0);
    seq_printf(s, "cpu switches migrations_in migrations_out steal_attempts steals lock_acquired lock_contended "
                  "lock_wait_ns run_ns\n");
    for (int c = 0; c < ncpus; c++) {
        if (!percpu_area[c].online)
            continue;
        struct sched_cpu_stats st;
        sched_cpu_stats(c, &st);
        seq_printf(s, "%d %lu %lu %lu %lu %lu %lu %lu %lu %lu\n", c, (unsigned long)st.nr_switches,
                   (unsigned long)st.migrations_in, (unsigned long)st.migrations_out, (unsigned long)st.lb_count,
                   (unsigned long)st.lb_gained, (unsigned long)st.lock_acquired, (unsigned long)st.lock_contended,
                   (unsigned long)st.lock_wait_ns, (unsigned long)st.run_ns);
    }
    return 0;
}
