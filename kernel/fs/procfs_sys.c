/*
 * The system-wide files of /proc: meminfo, stat, loadavg, uptime, mounts,
 * cpuinfo, version, cmdline, and the self symlink.  Formats are Linux's,
 * because busybox free/top/ps/df/mount parse them (notes/linux-abi.md,
 * Tier 2): meminfo lines are "Key:" padded to 16 columns, a value of 8
 * digits and " kB", each well under the 60 characters free reads per line.
 *
 * Tessera's own: kmemstat (free frames and live heap objects, which the
 * leak checks compare) and, in the debug build, kmemsites (live heap
 * objects per allocation site).
 *
 * CPU time in /proc/stat: each CPU's idle time is measured by the scheduler
 * (percpu idle_ns); the rest of its uptime is busy time, split into user and
 * system in the proportion of all tasks' accumulated utime/stime (the kernel
 * does not yet account user/system per CPU).  The total of a cpu line is
 * therefore the CPU's uptime in ticks, which is what top divides by.
 *
 * Load average: the kernel samples nothing periodically, so the averages are
 * brought up to date lazily when read, feeding the current number of
 * runnable tasks into Linux's fixed-point exponential decay once per elapsed
 * 5-second period (at most an hour's worth).
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <fs/procfs.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <proc/task.h>
#include <sched/sched.h>

#define KB_PER_PAGE (PAGE_SIZE / 1024)

static void meminfo_line(struct seqbuf *s, const char *key, uint64_t kb)
{
    seq_printf(s, "%-16s%8lu kB\n", key, (unsigned long)kb);
}

static int show_meminfo(struct seqbuf *s)
{
    uint64_t total = pmm_total_pages() * KB_PER_PAGE, free = pmm_free_pages() * KB_PER_PAGE;
    struct kheap_stats heap;
    kheap_stats(&heap);
    meminfo_line(s, "MemTotal:", total);
    meminfo_line(s, "MemFree:", free);
    meminfo_line(s, "MemAvailable:", free);
    meminfo_line(s, "Buffers:", 0);
    meminfo_line(s, "Cached:", 0);
    meminfo_line(s, "SwapCached:", 0);
    meminfo_line(s, "Active:", total - free);
    meminfo_line(s, "Inactive:", 0);
    meminfo_line(s, "SwapTotal:", 0);
    meminfo_line(s, "SwapFree:", 0);
    meminfo_line(s, "Dirty:", 0);
    meminfo_line(s, "Writeback:", 0);
    meminfo_line(s, "AnonPages:", 0);
    meminfo_line(s, "Mapped:", 0);
    meminfo_line(s, "Shmem:", 0);
    meminfo_line(s, "Slab:", heap.frames * KB_PER_PAGE);
    meminfo_line(s, "SReclaimable:", 0);
    meminfo_line(s, "SUnreclaim:", heap.frames * KB_PER_PAGE);
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

/* Sum of user and system time of every task (a snapshot). */
static void task_times(uint64_t *user, uint64_t *sys)
{
    *user = *sys = 0;
    spin_lock(&tasks_lock);
    list_for_each(n, &all_tasks) {
        struct task *t = container_of(n, struct task, all_node);
        *user += t->stats.utime_ns + t->stats.cutime_ns;
        *sys += t->stats.stime_ns + t->stats.cstime_ns;
    }
    spin_unlock(&tasks_lock);
}

/* Arguments in clock ticks. */
static void cpu_line(struct seqbuf *s, const char *name, uint64_t user, uint64_t sys, uint64_t idle)
{
    /* user nice system idle iowait irq softirq steal guest guest_nice */
    seq_printf(s, "%s %lu 0 %lu %lu 0 0 0 0 0 0\n", name, (unsigned long)user, (unsigned long)sys,
               (unsigned long)idle);
}

static unsigned nr_running_all(void)
{
    unsigned n = 0;
    for (int c = 0; c < ncpus; c++)
        if (percpu_area[c].online)
            n += sched_nr_running(c);
    return n;
}

static pid_t max_pid(void)
{
    pid_t m = 0;
    spin_lock(&tasks_lock);
    list_for_each(n, &all_tasks) {
        struct task *t = container_of(n, struct task, all_node);
        if (t->pid > m)
            m = t->pid;
    }
    spin_unlock(&tasks_lock);
    return m;
}

/* What /proc/stat last reported per CPU, in ticks (see show_stat). */
struct cpu_times {
    uint64_t user, sys, idle;
};
static struct cpu_times last_times[MAX_CPUS];
static struct spinlock cpu_times_lock = SPINLOCK_INIT("cpu times");

static int show_stat(struct seqbuf *s)
{
    uint64_t up = time_ns();
    uint64_t tu, ts;
    task_times(&tu, &ts);
    /* the user:system ratio, reduced to 20 bits so tick products fit */
    while (tu + ts > (1u << 20)) {
        tu >>= 1;
        ts >>= 1;
    }
    uint64_t sum_user = 0, sum_sys = 0, sum_idle = 0, switches = 0;
    uint64_t cu[MAX_CPUS], cs[MAX_CPUS], ci[MAX_CPUS];
    int n = MIN(ncpus, MAX_CPUS);
    uint64_t up_ticks = ns_to_clock_t(up);
    spin_lock(&cpu_times_lock);
    for (int c = 0; c < n; c++) {
        /* Counters must never go backwards (top subtracts two samples), but
         * idle_ns only grows when an idle period ends and the user:system
         * ratio drifts: clamp every value to at least what was reported. */
        struct cpu_times *l = &last_times[c];
        uint64_t idle = percpu_area[c].online ? ns_to_clock_t(READ_ONCE(percpu_area[c].idle_ns)) : up_ticks;
        idle = MAX(idle, l->idle);
        uint64_t busy = up_ticks > idle ? up_ticks - idle : 0;
        busy = MAX(busy, l->user + l->sys);
        uint64_t user = tu + ts ? busy * tu / (tu + ts) : 0;
        user = MIN(MAX(user, l->user), busy - l->sys);
        l->user = cu[c] = user;
        l->sys = cs[c] = busy - user;
        l->idle = ci[c] = idle;
        sum_user += cu[c];
        sum_sys += cs[c];
        sum_idle += ci[c];
        if (percpu_area[c].online)
            switches += sched_nr_switches(c);
    }
    spin_unlock(&cpu_times_lock);
    cpu_line(s, "cpu ", sum_user, sum_sys, sum_idle);
    for (int c = 0; c < n; c++) {
        char name[8];
        snprintf(name, sizeof(name), "cpu%d", c);
        cpu_line(s, name, cu[c], cs[c], ci[c]);
    }
    uint64_t btime = (time_realtime_ns() - up) / NSEC_PER_SEC;
    seq_printf(s, "intr 0\nctxt %lu\nbtime %lu\nprocesses %d\nprocs_running %u\nprocs_blocked 0\n",
               (unsigned long)switches, (unsigned long)btime, max_pid(), nr_running_all());
    return 0;
}

/* ---- load average (Linux's fixed point: FSHIFT 11) ---- */

#define FSHIFT 11
#define FIXED_1 (1UL << FSHIFT)
static const unsigned long load_exp[3] = { 1884, 2014, 2037 };   /* 1/exp(5s/1m, 5m, 15m) */
static unsigned long load_avg[3];
static uint64_t load_stamp_ns;
static struct spinlock load_lock = SPINLOCK_INIT("loadavg");

static void loadavg_update(unsigned long out[3])
{
    uint64_t now = time_ns();
    unsigned long active = (unsigned long)nr_running_all() * FIXED_1;
    spin_lock(&load_lock);
    uint64_t periods = (now - load_stamp_ns) / (5 * NSEC_PER_SEC);
    if (periods > 720)
        periods = 720;
    for (uint64_t p = 0; p < periods; p++)
        for (int i = 0; i < 3; i++)
            load_avg[i] = (load_avg[i] * load_exp[i] + active * (FIXED_1 - load_exp[i])) >> FSHIFT;
    if (periods)
        load_stamp_ns = now;
    memcpy(out, load_avg, sizeof(load_avg));
    spin_unlock(&load_lock);
}

static int show_loadavg(struct seqbuf *s)
{
    unsigned long l[3];
    loadavg_update(l);
    for (int i = 0; i < 3; i++)
        seq_printf(s, "%lu.%02lu ", l[i] >> FSHIFT, ((l[i] & (FIXED_1 - 1)) * 100) >> FSHIFT);
    seq_printf(s, "%u/%u %d\n", nr_running_all(), task_count(), max_pid());
    return 0;
}

static int show_uptime(struct seqbuf *s)
{
    uint64_t up = time_ns(), idle = 0;
    for (int c = 0; c < ncpus; c++)
        if (percpu_area[c].online)
            idle += READ_ONCE(percpu_area[c].idle_ns);
    seq_printf(s, "%lu.%02lu %lu.%02lu\n", (unsigned long)(up / NSEC_PER_SEC),
               (unsigned long)(up % NSEC_PER_SEC / (10 * NSEC_PER_MSEC)), (unsigned long)(idle / NSEC_PER_SEC),
               (unsigned long)(idle % NSEC_PER_SEC / (10 * NSEC_PER_MSEC)));
    return 0;
}

/* Per-CPU interrupt counts in Linux's layout: LOC (local timer: the tick)
 * and RES (reschedule IPIs).  A tickless CPU (nohz_full) shows LOC still. */
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

/* /dev is a directory of the root ramfs (same st_dev), not a mount of its
 * own: listing it would make df/mount attribute / to it. */
static int show_mounts(struct seqbuf *s)
{
    seq_printf(s, "rootfs / ramfs rw 0 0\n");
    seq_printf(s, "proc /proc proc rw 0 0\n");
    return 0;
}

static int show_cpuinfo(struct seqbuf *s)
{
    uint32_t a, b, c, d, max;
    char vendor[13], brand[49];
    cpuid(0, 0, &max, &b, &c, &d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = '\0';
    cpuid(1, 0, &a, &b, &c, &d);
    unsigned family = (a >> 8) & 0xf, model = (a >> 4) & 0xf, stepping = a & 0xf;
    if (family == 0xf)
        family += (a >> 20) & 0xff;
    if (family >= 6)
        model |= ((a >> 16) & 0xf) << 4;
    strlcpy(brand, "unknown", sizeof(brand));
    cpuid(0x80000000, 0, &max, &b, &c, &d);
    if (max >= 0x80000004) {
        uint32_t *w = (uint32_t *)brand;
        for (uint32_t leaf = 0; leaf < 3; leaf++)
            cpuid(0x80000002 + leaf, 0, &w[leaf * 4], &w[leaf * 4 + 1], &w[leaf * 4 + 2], &w[leaf * 4 + 3]);
        brand[48] = '\0';
    }
    for (int cpu = 0; cpu < ncpus; cpu++) {
        if (!percpu_area[cpu].online)
            continue;
        seq_printf(s, "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n", cpu, vendor, family,
                   model);
        seq_printf(s, "model name\t: %s\nstepping\t: %u\napicid\t\t: %d\ncpu cores\t: %d\n\n", brand, stepping,
                   percpu_area[cpu].apic_id, ncpus);
    }
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

static int link_self(char *buf, size_t n)
{
    char tmp[16];
    int len = snprintf(tmp, sizeof(tmp), "%d", current->pid);
    len = MIN(len, (int)n);
    memcpy(buf, tmp, (size_t)len);
    return len;
}

const struct proc_entry procfs_root_entries[] = {
    { .name = "self", .mode = S_IFLNK | 0777, .link = link_self },
    { .name = "meminfo", .mode = S_IFREG | 0444, .show = show_meminfo },
    { .name = "kmemstat", .mode = S_IFREG | 0444, .show = show_kmemstat },
#ifdef CONFIG_DEBUG
    { .name = "kmemsites", .mode = S_IFREG | 0444, .show = kheap_show_sites },   /* kernel/mm/kheap.c */
#endif
    { .name = "stat", .mode = S_IFREG | 0444, .show = show_stat },
    { .name = "loadavg", .mode = S_IFREG | 0444, .show = show_loadavg },
    { .name = "uptime", .mode = S_IFREG | 0444, .show = show_uptime },
    { .name = "mounts", .mode = S_IFREG | 0444, .show = show_mounts },
    { .name = "cpuinfo", .mode = S_IFREG | 0444, .show = show_cpuinfo },
    { .name = "version", .mode = S_IFREG | 0444, .show = show_version },
    { .name = "cmdline", .mode = S_IFREG | 0444, .show = show_cmdline },
    { .name = "interrupts", .mode = S_IFREG | 0444, .show = show_interrupts },
    { .name = "sched_trace", .mode = S_IFREG | 0444, .show = trace_proc_show },   /* kernel/trace_proc.c */
};
const unsigned procfs_root_count = ARRAY_SIZE(procfs_root_entries);
