/*
 * The system-wide files of /proc: meminfo, stat, loadavg, uptime,
 * cpuinfo, version, cmdline, filesystems, the self and mounts symlinks, and
 * the /proc/sys/kernel files tainted and core_pattern.  Formats are Linux's,
 * because busybox free/top/ps/df/mount parse them (notes/linux-abi.md,
 * Tier 2): meminfo lines are "Key:" padded to 16 columns, a value of 8
 * digits and " kB", each well under the 60 characters free reads per line.
 *
 * Tessera's own: kmemstat (free frames and live heap objects, which the
 * leak checks compare) and, in the debug build, kmemsites (live heap
 * objects per allocation site).
 *
 * CPU time in /proc/stat is each CPU's own, measured at the events
 * (kernel/cputime.c): user, nice, system, idle and irq time; Tessera has no
 * block I/O, softirqs, steal or guests, so iowait, softirq, steal, guest
 * and guest_nice are 0.  The columns only grow, and a cpu line's total is
 * the time since that CPU started, which is what top divides by.
 *
 * The load average is sampled every 5 seconds by CPU 0's tick
 * (kernel/sched/loadavg.c).
 */
#include <arch/cpu.h>
#include <arch/cpuinfo.h>
#include <arch/percpu.h>
#include <arch/pgtable.h>
#include <fs/locks.h>
#include <fs/mount.h>
#include <fs/procfs.h>
#include <kernel/cputime.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/trace.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <proc/proc.h>
#include <sched/loadavg.h>
#include <sched/sched.h>

#define KB_PER_PAGE (PAGE_SIZE / 1024)

void procfs_kb_line(struct seqbuf *s, const char *key, uint64_t kb)
{
    seq_printf(s, "%-16s%8lu kB\n", key, (unsigned long)kb);
}

static int show_meminfo(struct seqbuf *s)
{
    uint64_t total = pmm_total_pages() * KB_PER_PAGE, free = pmm_free_pages() * KB_PER_PAGE;
    struct kheap_stats heap;
    kheap_stats(&heap);
    procfs_kb_line(s, "MemTotal:", total);
    procfs_kb_line(s, "MemFree:", free);
    procfs_kb_line(s, "MemAvailable:", free);
    procfs_kb_line(s, "Buffers:", 0);
    procfs_kb_line(s, "Cached:", 0);
    procfs_kb_line(s, "SwapCached:", 0);
    procfs_kb_line(s, "Active:", total - free);
    procfs_kb_line(s, "Inactive:", 0);
    procfs_kb_line(s, "SwapTotal:", 0);
    procfs_kb_line(s, "SwapFree:", 0);
    procfs_kb_line(s, "Dirty:", 0);
    procfs_kb_line(s, "Writeback:", 0);
    procfs_kb_line(s, "AnonPages:", 0);
    procfs_kb_line(s, "Mapped:", 0);
    procfs_kb_line(s, "Shmem:", 0);
    procfs_kb_line(s, "Slab:", heap.frames * KB_PER_PAGE);
    procfs_kb_line(s, "SReclaimable:", 0);
    procfs_kb_line(s, "SUnreclaim:", heap.frames * KB_PER_PAGE);
    uint64_t dm_4k, dm_2m, dm_1g;
    bool gb = arch_direct_map_kb(&dm_4k, &dm_2m, &dm_1g);
    procfs_kb_line(s, "DirectMap4k:", dm_4k);
    procfs_kb_line(s, "DirectMap2M:", dm_2m);
    if (gb)
        procfs_kb_line(s, "DirectMap1G:", dm_1g);
    return 0;
}

/* The figures the leak checks compare (docs/procfs.md): one "name value"
 * per line, values in frames, objects and bytes. */
static int show_kmemstat(struct seqbuf *s)
{
    struct kheap_stats heap;
    kheap_stats(&heap);
    seq_printf(s, "frames_total %lu\nframes_free %lu\n", (unsigned long)pmm_total_pages(),
               (unsigned long)pmm_free_pages());
    seq_printf(s, "heap_objects %lu\nheap_bytes %lu\nheap_frames %lu\n", (unsigned long)heap.objects,
               (unsigned long)heap.bytes, (unsigned long)heap.frames);
    return 0;
}

/* Linux's order: user nice system idle iowait irq softirq steal guest
 * guest_nice, in clock ticks. */
static void cpu_line(struct seqbuf *s, const char *name, const uint64_t ns[NR_CPUTIME])
{
    seq_printf(s, "%s %lu %lu %lu %lu 0 %lu 0 0 0 0\n", name, (unsigned long)ns_to_clock_t(ns[CPUTIME_USER]),
               (unsigned long)ns_to_clock_t(ns[CPUTIME_NICE]), (unsigned long)ns_to_clock_t(ns[CPUTIME_SYSTEM]),
               (unsigned long)ns_to_clock_t(ns[CPUTIME_IDLE]), (unsigned long)ns_to_clock_t(ns[CPUTIME_IRQ]));
}

static int show_stat(struct seqbuf *s)
{
    /* each CPU's times are read once, so that the total is their sum: on
     * the heap, as wide as the CPUs started */
    int n = ncpus;
    uint64_t all[NR_CPUTIME] = { 0 }, (*per)[NR_CPUTIME] = kmalloc(sizeof *per * (size_t)n);
    uint64_t switches = 0, irqs = 0, lines[16] = { 0 };
    if (!per)
        return -ENOMEM;
    for (int c = 0; c < n; c++) {
        if (!percpu_area[c].online)
            continue;
        cpu_cputime(c, per[c]);
        for (int k = 0; k < NR_CPUTIME; k++)
            all[k] += per[c][k];
        switches += sched_nr_switches(c);
        irqs += READ_ONCE(percpu_area[c].acct.irqs);
        for (int i = 0; i < 16; i++)
            lines[i] += READ_ONCE(percpu_area[c].irq_lines[i]);
    }
    cpu_line(s, "cpu ", all);
    for (int c = 0; c < n; c++) {
        if (!percpu_area[c].online)
            continue;
        char name[8];
        snprintf(name, sizeof(name), "cpu%d", c);
        cpu_line(s, name, per[c]);
    }
    kfree(per);
    /* every interrupt, then those of each numbered (ISA) line */
    seq_printf(s, "intr %lu", (unsigned long)irqs);
    for (int i = 0; i < 16; i++)
        seq_printf(s, " %lu", (unsigned long)lines[i]);
    uint64_t btime = (time_realtime_ns() - time_ns()) / NSEC_PER_SEC;
    /* procs_blocked counts tasks waiting for block I/O, which Tessera has not */
    seq_printf(s, "\nctxt %lu\nbtime %lu\nprocesses %lu\nprocs_running %u\nprocs_blocked 0\n",
               (unsigned long)switches, (unsigned long)btime, (unsigned long)READ_ONCE(total_forks),
               sched_nr_running_total());
    return 0;
}

/* As Linux prints them: rounded to two decimals. */
static int show_loadavg(struct seqbuf *s)
{
    unsigned long l[3];
    sched_loadavg(l);
    for (int i = 0; i < 3; i++) {
        unsigned long v = l[i] + LOADAVG_FIXED_1 / 200;
        seq_printf(s, "%lu.%02lu ", v >> LOADAVG_FSHIFT, ((v & (LOADAVG_FIXED_1 - 1)) * 100) >> LOADAVG_FSHIFT);
    }
    seq_printf(s, "%u/%u %d\n", sched_nr_running_total(), task_count(), task_last_pid());
    return 0;
}

static int show_uptime(struct seqbuf *s)
{
    uint64_t up = time_ns(), idle = 0;
    for (int c = 0; c < ncpus; c++) {
        uint64_t ns[NR_CPUTIME];
        cpu_cputime(c, ns);
        idle += ns[CPUTIME_IDLE];
    }
    seq_printf(s, "%lu.%02lu %lu.%02lu\n", (unsigned long)(up / NSEC_PER_SEC),
               (unsigned long)(up % NSEC_PER_SEC / (10 * NSEC_PER_MSEC)), (unsigned long)(idle / NSEC_PER_SEC),
               (unsigned long)(idle % NSEC_PER_SEC / (10 * NSEC_PER_MSEC)));
    return 0;
}

/* Per-CPU interrupt counts in Linux's layout: LOC (local timer: the tick)
 * and RES (reschedule IPIs).  A tickless CPU (nohz_full) shows LOC still. */
/* softirqs: Linux's table; Tessera defers no work to softirqs (timers and
 * rescheduling run in the interrupt itself), so every count is 0. */
static int show_softirqs(struct seqbuf *s)
{
    static const char *const names[] = { "HI", "TIMER", "NET_TX", "NET_RX", "BLOCK",
                                         "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU" };
    seq_printf(s, "          ");
    for (int c = 0; c < ncpus; c++)
        seq_printf(s, "      CPU%-4d", c);
    seq_printf(s, "\n");
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        seq_printf(s, "%12s:", names[i]);
        for (int c = 0; c < ncpus; c++)
            seq_printf(s, " %12u", 0u);
        seq_printf(s, "\n");
    }
    return 0;
}

static int show_interrupts(struct seqbuf *s)
{
    seq_printf(s, "     ");
    for (int c = 0; c < ncpus; c++)
        seq_printf(s, "      CPU%-4d", c);
    seq_printf(s, "\nLOC: ");
    for (int c = 0; c < ncpus; c++)
        seq_printf(s, " %12lu", (unsigned long)READ_ONCE(percpu_area[c].ticks));
    seq_printf(s, "   Local timer interrupts\nRES: ");
    for (int c = 0; c < ncpus; c++)
        seq_printf(s, " %12lu", (unsigned long)READ_ONCE(percpu_area[c].resched_ipis));
    seq_printf(s, "   Rescheduling interrupts\n");
    return 0;
}

/* /proc/mounts is a link to the caller's own list, as on Linux. */
static int link_mounts(char *buf, size_t n)
{
    static const char target[] = "self/mounts";
    size_t len = MIN(sizeof(target) - 1, n);
    memcpy(buf, target, len);
    return (int)len;
}

/* /proc/sys/kernel/tainted: the taint flags, which Tessera never sets by
 * itself; root may add bits (written values are ORed in, as on Linux). */
static uint64_t tainted;

static int tainted_read(char *buf, size_t n) { return snprintf(buf, n, "%lu", (unsigned long)READ_ONCE(tainted)); }

static int tainted_write(const char *val, size_t len)
{
    int64_t v;
    if (!sysctl_parse_i64(val, &v) || v < 0)
        return -EINVAL;
    __atomic_or_fetch(&tainted, (uint64_t)v, __ATOMIC_RELAXED);
    return 0;
}

/* /proc/sys/kernel/core_pattern: kept as text (Linux's default "core", at
 * most 127 bytes); Tessera writes no core files, so nothing reads it. */
static struct spinlock core_pattern_lock = SPINLOCK_INIT("core_pattern");
static char core_pattern[128] = "core";   /* core_pattern_lock */

static int core_pattern_read(char *buf, size_t n)
{
    spin_lock(&core_pattern_lock);
    int len = snprintf(buf, n, "%s", core_pattern);
    spin_unlock(&core_pattern_lock);
    return len;
}

static int core_pattern_write(const char *val, size_t len)
{
    if (len >= sizeof(core_pattern))
        return -EINVAL;
    spin_lock(&core_pattern_lock);
    strlcpy(core_pattern, val, sizeof(core_pattern));
    spin_unlock(&core_pattern_lock);
    return 0;
}

const struct sysctl_entry misc_sysctls[] = {
    { "tainted", tainted_read, tainted_write },
    { "core_pattern", core_pattern_read, core_pattern_write },
    { NULL, NULL, NULL },
};

static void put_text(void *s, const char *text) { seq_printf(s, "%s", text); }

static int show_cpuinfo(struct seqbuf *s)
{
    cpu_info_print(put_text, s);
    return 0;
}

static int show_version(struct seqbuf *s)
{
    seq_printf(s, "Tessera version 0.1 (x86_64) Linux-compatible system call interface\n");
    return 0;
}

static int show_cmdline(struct seqbuf *s)
{
    seq_printf(s, "%s\n", kernel_cmdline);
    return 0;
}

/* /proc/self names the process (its thread group id), from any thread, as Linux. */
static int link_self(char *buf, size_t n)
{
    char tmp[16];
    int len = snprintf(tmp, sizeof(tmp), "%d", current->tgid);
    len = MIN(len, (int)n);
    memcpy(buf, tmp, (size_t)len);
    return len;
}

#ifdef CONFIG_DEBUG
static void print_site(struct seqbuf *sb, uint64_t addr)
{
    uint64_t off;
    const char *name = addr ? ksym_lookup(addr, &off) : NULL;
    if (name)
        seq_printf(sb, " %s+0x%lx", name, (unsigned long)off);
    else
        seq_printf(sb, " %#lx", (unsigned long)addr);
}

/* The heap's allocation sites (debug build): live objects, bytes, kmalloc's
 * caller and its caller. */
static int show_kmemsites(struct seqbuf *sb)
{
    static struct kheap_site snap[KHEAP_NSITES];    /* copied under the heap's lock, printed without */
    static struct spinlock snap_lock = SPINLOCK_INIT("kmemsites");
    spin_lock(&snap_lock);
    unsigned n = kheap_sites(snap);
    seq_printf(sb, "# live bytes site caller\n");
    for (unsigned i = 0; i < n; i++) {
        seq_printf(sb, "%lu %lu", (unsigned long)snap[i].live, (unsigned long)snap[i].bytes);
        if (!snap[i].caller[0] && !snap[i].caller[1]) {
            seq_printf(sb, " (other sites)\n");
            continue;
        }
        print_site(sb, snap[i].caller[0]);
        print_site(sb, snap[i].caller[1]);
        seq_printf(sb, "\n");
    }
    spin_unlock(&snap_lock);
    return 0;
}
#endif

const struct proc_entry procfs_root_entries[] = {
    { .name = "self", .mode = S_IFLNK | 0777, .link = link_self },
    { .name = "vmstat", .mode = S_IFREG | 0444, .show = procfs_show_vmstat },     /* procfs_mem.c */
    { .name = "softirqs", .mode = S_IFREG | 0444, .show = show_softirqs },
    { .name = "meminfo", .mode = S_IFREG | 0444, .show = show_meminfo },
    { .name = "kmemstat", .mode = S_IFREG | 0444, .show = show_kmemstat },
#ifdef CONFIG_DEBUG
    { .name = "kmemsites", .mode = S_IFREG | 0444, .show = show_kmemsites },
#endif
    { .name = "stat", .mode = S_IFREG | 0444, .show = show_stat },
    { .name = "loadavg", .mode = S_IFREG | 0444, .show = show_loadavg },
    { .name = "uptime", .mode = S_IFREG | 0444, .show = show_uptime },
    { .name = "mounts", .mode = S_IFLNK | 0777, .link = link_mounts },
    { .name = "locks", .mode = S_IFREG | 0444, .show = locks_show },               /* kernel/fs/locks.c */
    { .name = "filesystems", .mode = S_IFREG | 0444, .show = mount_show_filesystems },   /* mount.c */
    { .name = "cpuinfo", .mode = S_IFREG | 0444, .show = show_cpuinfo },
    { .name = "version", .mode = S_IFREG | 0444, .show = show_version },
    { .name = "cmdline", .mode = S_IFREG | 0444, .show = show_cmdline },
    { .name = "interrupts", .mode = S_IFREG | 0444, .show = show_interrupts },
    { .name = "sched_trace", .mode = S_IFREG | 0444, .show = procfs_show_trace },  /* procfs_trace.c */
    { .name = "schedstat", .mode = S_IFREG | 0444, .show = procfs_show_schedstat }, /* procfs_sched.c */
    { .name = "sched_queues", .mode = S_IFREG | 0444, .show = procfs_show_sched_queues },
};
const unsigned procfs_root_count = ARRAY_SIZE(procfs_root_entries);
