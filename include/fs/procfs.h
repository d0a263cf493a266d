/*
 * /proc: a pseudo file system whose files are generated when opened.
 *
 *   /proc/<pid>/{stat,status,cmdline,maps,sched,exe}   one directory per task
 *   /proc/self -> <pid of the caller>
 *   /proc/{meminfo,stat,loadavg,uptime,mounts,locks,cpuinfo,version,cmdline}
 *   /proc/sys/kernel/<name>                           registered tunables
 *   /proc/sysvipc/{msg,sem,shm}                       System V IPC objects
 *
 * kernel/fs/procfs.c is the file system (directories, lookup, readdir,
 * vnodes, sysctl registry); procfs_pid.c and procfs_sys.c hold the file
 * generators.  Every file is produced into a seqfile buffer at open time, so
 * one read() returns a consistent record (busybox reads /proc/<pid>/stat
 * with a single read).
 */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

#include <fs/seqfile.h>
#include <kernel/sysctl.h>

struct task;

/* Mounts /proc.  Called once at boot, after vfs_init(). */
void procfs_init(void);

/* Adds one /proc/sys tunable (include/kernel/sysctl.h says what name, read
 * and write are).  0, -EEXIST, -ENOSPC (table full) or -EINVAL (bad name). */
int procfs_register_sysctl(const char *name, sysctl_read_fn read, sysctl_write_fn write);

struct mnt_ns;

/* ---- internal to the procfs files ---- */

/* One file of /proc or of /proc/<pid>.  Exactly one generator is set. */
struct proc_entry {
    const char *name;
    mode_t mode;                                         /* S_IFREG|0444, S_IFLNK|0777 */
    int (*show)(struct seqbuf *s);                       /* system file */
    /* per-task file; tasks_lock held.  `process`: shown as /proc/<pid>/...
     * (the whole process's figures) rather than /proc/<pid>/task/<tid>/... */
    int (*task_show)(struct seqbuf *s, struct task *t, bool process);
    int (*link)(char *buf, size_t n);                    /* system symlink: target length */
    int (*task_link)(struct task *t, char *buf, size_t n); /* per-task symlink; tasks_lock held */
    /* per-task file about the task's mount name space (referenced for the
     * call; NULL: the first one), without tasks_lock: it may sleep */
    int (*ns_show)(struct seqbuf *s, struct mnt_ns *ns);
};

/* The address space of t's process (a leader that exited early has none
 * of its own; its threads do).  Caller holds tasks_lock. */
struct mm *process_mm(struct task *t);
/* "Key:" padded to 16 columns, an 8-digit value, " kB": the layout of
 * meminfo and smaps (kernel/fs/procfs_sys.c). */
void procfs_kb_line(struct seqbuf *s, const char *key, uint64_t kb);
/* kernel/fs/procfs_mem.c: smaps, smaps_rollup, statm, /proc/vmstat */
int procfs_show_smaps(struct seqbuf *s, struct task *t, bool process);
int procfs_show_smaps_rollup(struct seqbuf *s, struct task *t, bool process);
int procfs_show_statm(struct seqbuf *s, struct task *t, bool process);
int procfs_show_vmstat(struct seqbuf *s);
/* kernel/fs/procfs_sys.c: tainted, core_pattern */
extern const struct sysctl_entry misc_sysctls[];
/* kernel/fs/procfs_sched.c: /proc/schedstat and /proc/sched_queues */
int procfs_show_schedstat(struct seqbuf *s);
int procfs_show_sched_queues(struct seqbuf *s);
/* kernel/fs/procfs_sched_sysctl.c: /proc/sys/kernel/sched_* */
void procfs_sched_sysctl_init(void);
/* kernel/fs/procfs_trace.c: /proc/sched_trace and
 * /proc/sys/kernel/sched_trace_enabled (and the sched_trace boot option) */
int procfs_show_trace(struct seqbuf *s);
void procfs_trace_init(void);

extern const struct proc_entry procfs_root_entries[];
extern const unsigned procfs_root_count;
extern const struct proc_entry procfs_pid_entries[];
extern const unsigned procfs_pid_count;
extern const struct proc_entry procfs_ns_mnt;     /* /proc/<pid>/ns/mnt */
extern const struct proc_entry procfs_sysvipc_entries[];   /* /proc/sysvipc (procfs_ipc.c) */
extern const unsigned procfs_sysvipc_count;

/* Clock ticks as /proc reports them (USER_HZ = 100). */
#define PROC_USER_HZ 100
static inline uint64_t ns_to_clock_t(uint64_t ns) { return ns / (1000000000ULL / PROC_USER_HZ); }

#endif
