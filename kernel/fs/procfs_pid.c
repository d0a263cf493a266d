/*
 * The per-process files of /proc/<pid>: stat, status, cmdline, maps, sched
 * and the exe symlink.  Every generator runs with tasks_lock held and the
 * task alive (see show_file in procfs.c); it only formats, never sleeps.
 *
 * stat follows Linux's 52-field layout (proc(5)) because busybox ps/top parse
 * it positionally: comm sits between the first '(' and the last ')', times
 * are in clock ticks of 1/100 s, vsize is in bytes and rss in pages.  tty_nr
 * is the serial console's device number (4, 64) = ttyS0 for members of the
 * session the console controls, 0 otherwise; tpgid is the console's
 * foreground process group for them, -1 otherwise.
 *
 * status shows the affinity as Linux does: Cpus_allowed is a hex mask as
 * wide as the CPUs there are (3 on a 2-CPU machine), Cpus_allowed_list the
 * same set as ranges ("0-1"); Mems_allowed and Mems_allowed_list the NUMA
 * nodes.
 *
 * sched is Tessera's own: the book's metrics (arrival, first run, completion,
 * response and turnaround time, CPU time, time spent ready) and the context
 * switch counts, in nanoseconds, one "name: value" per line, then the
 * scheduling parameters (nice, tickets, tickets lent to it and the pid it
 * lends its own to, expected run time, MLFQ level).
 */
#include <arch/percpu.h>
#include <fs/mount.h>
#include <fs/procfs.h>
#include <fs/tty.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/numa.h>
#include <mm/pmm.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/proc.h>
#include <sched/sched.h>

static char state_char(const struct task *t)
{
    switch (t->state) {
    case TASK_RUNNING: return 'R';
    case TASK_BLOCKED: return 'S';
    case TASK_STOPPED: return 'T';
    case TASK_TRACED: return 't';
    case TASK_ZOMBIE: return 'Z';
    default: return 'X';
    }
}

static const char *state_name(const struct task *t)
{
    switch (t->state) {
    case TASK_RUNNING: return "R (running)";
    case TASK_BLOCKED: return "S (sleeping)";
    case TASK_STOPPED: return "T (stopped)";
    case TASK_TRACED: return "t (tracing stop)";
    case TASK_ZOMBIE: return "Z (zombie)";
    default: return "X (dead)";
    }
}

static pid_t ppid_of(const struct task *t)
{
    return READ_ONCE(task_process(t)->ppid);
}

/* The address space of t's process: a leader that has exited early has
 * none of its own, its threads still do.  Caller holds tasks_lock. */
struct mm *process_mm(struct task *t)
{
    if (t->mm)
        return t->mm;
    struct task *u;
    list_for_each_entry(u, &t->group->threads, thread_node)
        if (u->mm)
            return u->mm;
    return NULL;
}

/* What t used, or with `process` what its whole process used: the live
 * threads and the ones that have exited.  Caller holds tasks_lock. */
static struct task_stats usage(struct task *t, bool process)
{
    struct task_stats sum;
    if (process)
        process_usage_locked(t, &sum);
    else
        task_usage(t, &sum);
    return sum;
}

/* Signals with a handler installed / ignored, as masks (stat fields 33, 34). */
static void sig_masks(const struct task *t, uint64_t *ignored, uint64_t *caught)
{
    *ignored = *caught = 0;
    if (!t->sighand)
        return;
    for (int s = 1; s < NSIG; s++) {
        uint64_t h = t->sighand->action[s].handler;
        if (h == SIG_IGN)
            *ignored |= SIGBIT(s);
        else if (h != SIG_DFL)
            *caught |= SIGBIT(s);
    }
}

static int show_stat(struct seqbuf *s, struct task *t, bool process)
{
    int csid = tty_console_session();
    bool has_tty = csid && t->sid == csid;
    unsigned tty_nr = has_tty ? (TTY_CONSOLE_MAJOR << 8) | TTY_CONSOLE_MINOR : 0;
    int tpgid = has_tty ? tty_console_fg_pgrp() : -1;
    struct task_stats stats = usage(t, process);
    const struct task_stats *st = &stats;
    int nice = t->se.nice;
    int prio = t->se.rt_priority ? -1 - t->se.rt_priority : 20 + nice;
    struct mm *mm = process_mm(t);
    uint64_t vsize = mm_vsize(mm), rss = mm_rss_pages(mm);
    uint64_t sigign, sigcatch;
    sig_masks(t, &sigign, &sigcatch);
    int exit_code = t->state == TASK_ZOMBIE ? t->exit_status : 0;

    /* 1-13: pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt */
    seq_printf(s, "%d (%s) %c %d %d %d %u %d %u %lu %lu %lu %lu ", t->pid, t->comm, state_char(t), ppid_of(t),
               t->pgid, t->sid, tty_nr, tpgid, 0u, (unsigned long)st->minflt, 0ul, (unsigned long)st->majflt, 0ul);
    /* 14-21: utime stime cutime cstime priority nice num_threads itrealvalue */
    seq_printf(s, "%lu %lu %lu %lu %d %d %d 0 ", (unsigned long)ns_to_clock_t(st->utime_ns),
               (unsigned long)ns_to_clock_t(st->stime_ns), (unsigned long)ns_to_clock_t(st->cutime_ns),
               (unsigned long)ns_to_clock_t(st->cstime_ns), prio, nice, MAX(t->group->live, 1));
    /* 22-24: starttime (ticks since boot) vsize (bytes) rss (pages) */
    seq_printf(s, "%lu %lu %lu ", (unsigned long)ns_to_clock_t(st->arrival_ns), (unsigned long)vsize,
               (unsigned long)rss);
    /* 25-31: rsslim startcode endcode startstack kstkesp kstkeip signal */
    seq_printf(s, "%lu %lu %lu %lu 0 0 %lu ", ~0ul, 0ul, 0ul, (unsigned long)(mm ? mm->stack_top : 0),
               (unsigned long)(t->pending & 0xffffffffffffffffull));
    /* 32-41: blocked sigignore sigcatch wchan nswap cnswap exit_signal processor rt_priority policy */
    seq_printf(s, "%lu %lu %lu 0 0 0 %d %d %d %d ", (unsigned long)t->blocked, (unsigned long)sigign,
               (unsigned long)sigcatch, t->exit_signal, t->on_cpu >= 0 ? t->on_cpu : t->se.cpu, t->se.rt_priority,
               t->policy);
    /* 42-52: delayacct_blkio guest_time cguest_time start_data end_data start_brk
     *        arg_start arg_end env_start env_end exit_code */
    seq_printf(s, "0 0 0 0 0 %lu 0 0 0 0 %d\n", (unsigned long)(mm ? mm->brk_start : 0), exit_code);
    return 0;
}

/* The affinity among the CPUs that exist, as a mask and as a list, then
 * the NUMA nodes it may use (every node with memory), as wide as Linux's
 * MAX_NUMNODES: libnuma sizes its node masks from that line. */
static void show_cpus_allowed(struct seqbuf *s, const struct cpuset *affinity)
{
    struct cpuset mask;
    cpuset_upto(&mask, ncpus);
    cpuset_and(&mask, &mask, affinity);
    uint64_t nodes[NUMA_USER_NODES / 64] = { numa_nodes_with_memory() };
    seq_printf(s, "Cpus_allowed:\t");
    seq_bitmask(s, mask.bits, (unsigned)ncpus);
    seq_printf(s, "\nCpus_allowed_list:\t");
    seq_bitlist(s, mask.bits, NR_CPUS);
    seq_printf(s, "\nMems_allowed:\t");
    seq_bitmask(s, nodes, NUMA_USER_NODES);
    seq_printf(s, "\nMems_allowed_list:\t");
    seq_bitlist(s, nodes, 64);
    seq_printf(s, "\n");
}

static int show_status(struct seqbuf *s, struct task *t, bool process)
{
    struct mm *mm = process_mm(t);
    uint64_t vsize = mm_vsize(mm), rss = mm_rss_pages(mm);
    uint64_t sigign, sigcatch;
    sig_masks(t, &sigign, &sigcatch);
    struct task *tracer = READ_ONCE(t->tracer);     /* a leader: alive under tasks_lock */
    seq_printf(s, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\nTracerPid:\t%d\n",
               t->comm, (unsigned)task_umask(t), state_name(t), t->tgid, t->pid, ppid_of(t), tracer ? tracer->pid : 0);
    seq_printf(s, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nGroups:\t", t->uid, t->euid, t->suid, t->fsuid,
               t->gid, t->egid, t->sgid, t->fsgid);
    for (uint32_t i = 0; i < t->ngroups; i++)
        seq_printf(s, "%u ", t->groups[i]);
    seq_printf(s, "\n");
    seq_printf(s, "NSpgid:\t%d\nNSsid:\t%d\n", t->pgid, t->sid);
    if (mm)
        seq_printf(s, "VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\nVmLck:\t%8lu kB\n", (unsigned long)(vsize >> 10),
                   (unsigned long)(rss * (PAGE_SIZE >> 10)), (unsigned long)(mm->locked_pages * (PAGE_SIZE >> 10)));
    seq_printf(s, "Threads:\t%d\nShdPnd:\t%016lx\nSigPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
               MAX(t->group->live, 1), (unsigned long)t->group->pending, (unsigned long)t->pending,
               (unsigned long)t->blocked, (unsigned long)sigign,
               (unsigned long)sigcatch);
    seq_printf(s, "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\nCapAmb:\t%016lx\n",
               (unsigned long)t->caps.inh, (unsigned long)t->caps.prm, (unsigned long)t->caps.eff,
               (unsigned long)t->caps.bnd, (unsigned long)t->caps.amb);
    seq_printf(s, "NoNewPrivs:\t%d\nSeccomp:\t%d\nSeccomp_filters:\t%d\n", t->no_new_privs,
               READ_ONCE(t->seccomp_mode), READ_ONCE(t->seccomp_filter_count));
    show_cpus_allowed(s, &t->cpu_mask);
    seq_printf(s, "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n",
               (unsigned long)usage(t, process).nvcsw, (unsigned long)usage(t, process).nivcsw);
    return 0;
}

static int show_comm(struct seqbuf *s, struct task *t, bool process)
{
    seq_printf(s, "%s\n", t->comm);
    return 0;
}

static int show_cmdline(struct seqbuf *s, struct task *t, bool process)
{
    if (t->cmdline && t->cmdline_len)
        seq_write(s, t->cmdline, t->cmdline_len);
    return 0;
}

static int show_maps(struct seqbuf *s, struct task *t, bool process)
{
    struct mm *mm = process_mm(t);
    if (!mm)
        return 0;
    size_t room = s->cap - s->len;
    int n = mm_format_maps(mm, s->buf + s->len, room);
    if (n < 0)
        return n;
    if ((size_t)n + 1 >= room)
        s->overflow = true;               /* may be cut: retry with a larger buffer */
    else
        s->len += (size_t)n;
    return 0;
}

static void put_ns(struct seqbuf *s, const char *name, uint64_t ns)
{
    seq_printf(s, "%-22s %lu\n", name, (unsigned long)ns);
}

static int show_sched(struct seqbuf *s, struct task *t, bool process)
{
    struct task_stats stats = usage(t, false);
    const struct task_stats *st = &stats;
    uint64_t end = st->exit_ns ? st->exit_ns : time_ns();
    seq_printf(s, "%s (%d, #threads: 1)\n", t->comm, t->pid);
    const char *policy = t->policy == SCHED_FIFO ? "rt SCHED_FIFO"
                         : t->policy == SCHED_RR ? "rt SCHED_RR"
                                                 : sched_system_policy_name();
    seq_printf(s, "%-22s %s\n", "policy:", policy);
    put_ns(s, "arrival_ns:", st->arrival_ns);
    put_ns(s, "first_run_ns:", st->first_run_ns);
    put_ns(s, "completion_ns:", st->exit_ns);
    /* the book's metrics: response = first run - arrival, turnaround =
     * completion - arrival (so far, for a live task) */
    put_ns(s, "response_ns:", st->first_run_ns ? st->first_run_ns - st->arrival_ns : 0);
    put_ns(s, "turnaround_ns:", end - st->arrival_ns);
    put_ns(s, "cpu_ns:", st->utime_ns + st->stime_ns);
    put_ns(s, "user_ns:", st->utime_ns);
    put_ns(s, "system_ns:", st->stime_ns);
    put_ns(s, "ready_ns:", st->ready_ns);
    seq_printf(s, "%-22s %lu\n%-22s %lu\n%-22s %lu\n", "nr_voluntary_switches:", (unsigned long)st->nvcsw,
               "nr_involuntary_switches:", (unsigned long)st->nivcsw, "nr_migrations:",
               (unsigned long)st->nr_migrations);
    seq_printf(s, "%-22s %lu\n%-22s %lu\n", "minor_faults:", (unsigned long)st->minflt, "major_faults:",
               (unsigned long)st->majflt);
    seq_printf(s, "%-22s %d\n%-22s %u\n%-22s %u\n%-22s %d\n%-22s %lu\n", "nice:", t->se.nice, "tickets:",
               t->se.tickets, "lent_tickets:", t->se.lent_tickets, "lending_to:", sched_lend_target(t),
               "expected_ns:", (unsigned long)t->se.expected_ns);
    int level = sched_task_level(t);
    if (level >= 0)
        seq_printf(s, "%-22s %d\n", "mlfq_level:", level);
    seq_printf(s, "%-22s %d\n%-22s %d\n", "rt_priority:", t->se.rt_priority, "cpu:", t->se.cpu);
    return 0;
}

/* io: characters read and written by read- and write-like calls, and the
 * calls; there is no block device, so nothing reached storage. */
static int show_io(struct seqbuf *s, struct task *t, bool process)
{
    struct task_stats st = usage(t, process);
    seq_printf(s, "rchar: %lu\nwchar: %lu\nsyscr: %lu\nsyscw: %lu\nread_bytes: 0\nwrite_bytes: 0\n"
                  "cancelled_write_bytes: 0\n",
               (unsigned long)st.rchar, (unsigned long)st.wchar, (unsigned long)st.syscr, (unsigned long)st.syscw);
    return 0;
}

/* Only for a caller that may trace t (EACCES otherwise), as on Linux. */
static int link_exe(struct task *t, char *buf, size_t n)
{
    if (!may_ptrace(t))
        return -EACCES;
    size_t len = strnlen(t->exe_path, sizeof(t->exe_path));
    if (len == 0)
        return -ENOENT;                   /* a kernel task: no executable */
    len = MIN(len, n);
    memcpy(buf, t->exe_path, len);
    return (int)len;
}

const struct proc_entry procfs_pid_entries[] = {
    { .name = "stat", .mode = S_IFREG | 0444, .task_show = show_stat },
    { .name = "status", .mode = S_IFREG | 0444, .task_show = show_status },
    { .name = "cmdline", .mode = S_IFREG | 0444, .task_show = show_cmdline },
    { .name = "comm", .mode = S_IFREG | 0444, .task_show = show_comm },
    { .name = "maps", .mode = S_IFREG | 0444, .task_show = show_maps },
    { .name = "sched", .mode = S_IFREG | 0444, .task_show = show_sched },
    { .name = "exe", .mode = S_IFLNK | 0777, .task_link = link_exe },
    { .name = "smaps", .mode = S_IFREG | 0444, .task_show = procfs_show_smaps },            /* procfs_mem.c */
    { .name = "smaps_rollup", .mode = S_IFREG | 0444, .task_show = procfs_show_smaps_rollup },
    { .name = "statm", .mode = S_IFREG | 0444, .task_show = procfs_show_statm },
    { .name = "io", .mode = S_IFREG | 0400, .task_show = show_io },
    /* the process's mount name space (kernel/fs/mount.c) */
    { .name = "mounts", .mode = S_IFREG | 0444, .ns_show = mount_show_mounts },
    { .name = "mountinfo", .mode = S_IFREG | 0444, .ns_show = mount_show_mountinfo },
};
const unsigned procfs_pid_count = ARRAY_SIZE(procfs_pid_entries);

/* "mnt:[N]", N the number of the task's mount name space (a link to read,
 * not to follow: there is no name-space file system to open). */
static int link_ns_mnt(struct task *t, char *buf, size_t n)
{
    char text[32];
    int len = snprintf(text, sizeof text, "mnt:[%u]", mnt_ns_ino(t));
    len = MIN(len, (int)n);
    memcpy(buf, text, (size_t)len);
    return len;
}

const struct proc_entry procfs_ns_mnt = { .name = "mnt", .mode = S_IFLNK | 0777, .task_link = link_ns_mnt };
