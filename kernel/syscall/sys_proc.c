/*
 * Process identity and environment system calls: ids, process groups and
 * sessions, TLS setup, uname, resource limits, reboot/poweroff, prctl names,
 * getrandom and sysinfo.
 */
#include <arch/abi.h>
#include <arch/cpu.h>
#include <arch/thread.h>
#include <kernel/kernel.h>
#include <kernel/random.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/pid.h>
#include <proc/proc.h>
#include <proc/seccomp.h>
#include <sched/loadavg.h>

static long sys_getpid(void) { return current->tgid; }
SYSCALL_DEFINE(39, getpid);
static long sys_gettid(void) { return current->pid; }
SYSCALL_DEFINE(186, gettid);
static long sys_getppid(void) { return READ_ONCE(task_process(current)->ppid); }
SYSCALL_DEFINE(110, getppid);
/* The robust-futex list head, walked when the thread ends
 * (kernel/proc/futex.c) so its robust mutexes' waiters see EOWNERDEAD. */
static long sys_set_robust_list(void __user *head, size_t len)
{
    if (len != 24)
        return -EINVAL;
    current->robust_list = (uint64_t)head;
    return 0;
}
SYSCALL_DEFINE(273, set_robust_list);

/* Another thread's list too, if the caller may trace it (ESRCH if there is
 * no such thread, EPERM if it may not), as Linux. */
static long sys_get_robust_list(int pid, uint64_t __user *head, size_t __user *len)
{
    uint64_t list = current->robust_list;
    if (pid != 0) {
        spin_lock(&tasks_lock);
        struct task *t = task_find(pid);
        long r = !t ? -ESRCH : !may_ptrace(t) ? -EPERM : 0;
        if (t)
            list = READ_ONCE(t->robust_list);
        spin_unlock(&tasks_lock);
        if (r)
            return r;
    }
    if (put_user(list, head) || put_user((size_t)24, len))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(274, get_robust_list);

/* Restartable sequences are not provided: ENOSYS, which Linux itself
 * returns when built without them.  glibc and musl probe it at every start
 * (and then read the CPU with getcpu), so it is not logged. */
static long sys_rseq(void __user *rseq, uint32_t len, int flags, uint32_t sig) { return -ENOSYS; }
SYSCALL_DEFINE(334, rseq);

static long sys_set_tid_address(int __user *tidptr)
{
    current->clear_child_tid = (uint64_t)tidptr;
    return current->pid;
}
SYSCALL_DEFINE(218, set_tid_address);

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

static long sys_arch_prctl(int code, uint64_t addr)
{
    struct task *t = current;
    switch (code) {
    case ARCH_SET_FS:
        if (addr >= 0x0000800000000000UL)
            return -EPERM;
        t->tls_base = addr;
        arch_set_tls(addr);
        return 0;
    case ARCH_GET_FS:
        return put_user(t->tls_base, (uint64_t *)addr);
    case ARCH_SET_GS:
    case ARCH_GET_GS:
        return -EINVAL;
    default:
        return -EINVAL;
    }
}
SYSCALL_DEFINE(158, arch_prctl);

static char hostname[65] = "tessera";

static long sys_uname(char __user *buf)
{
    char u[6][65];
    memset(u, 0, sizeof u);
    strlcpy(u[0], "Linux", 65);         /* the ABI Tessera speaks; see /proc/version */
    strlcpy(u[1], hostname, 65);
    strlcpy(u[2], "6.1.0-tessera", 65);
    strlcpy(u[3], "#1 SMP Tessera", 65);
    strlcpy(u[4], ARCH_PLATFORM, 65);
    strlcpy(u[5], "(none)", 65);
    return copy_to_user(buf, u, sizeof u);
}
SYSCALL_DEFINE(63, uname);

static long sys_sethostname(const char __user *name, int len)
{
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM;
    if (len < 0 || len > 64)
        return -EINVAL;
    char tmp[65];
    if (copy_from_user(tmp, name, len))
        return -EFAULT;
    tmp[len] = 0;
    memcpy(hostname, tmp, len + 1);
    return 0;
}
SYSCALL_DEFINE(170, sethostname);

/* /proc/sys/kernel: the identity uname gives (hostname is writable, as
 * sethostname).  pid_max and threads-max, which top and ps read too, are
 * the task code's (kernel/proc/pid.c, kernel/proc/task.c). */
static int read_text(char *buf, size_t n, const char *s) { return snprintf(buf, n, "%s\n", s); }
static int hostname_read(char *buf, size_t n) { return read_text(buf, n, hostname); }
static int ostype_read(char *buf, size_t n) { return read_text(buf, n, "Linux"); }
static int osrelease_read(char *buf, size_t n) { return read_text(buf, n, "6.1.0-tessera"); }
static int version_read(char *buf, size_t n) { return read_text(buf, n, "#1 SMP Tessera"); }

static int hostname_write(const char *val, size_t len)
{
    if (len > 64)
        return -EINVAL;
    memcpy(hostname, val, len + 1);
    return 0;
}

const struct sysctl_entry uts_sysctls[] = {
    { "hostname", hostname_read, hostname_write },
    { "ostype", ostype_read, NULL },
    { "osrelease", osrelease_read, NULL },
    { "version", version_read, NULL },
    { NULL, NULL, NULL },
};

/* ---- process groups and sessions ---- */

static long sys_setpgid(pid_t pid, pid_t pgid)
{
    struct task *self = task_process(current);
    if (pgid < 0)
        return -EINVAL;
    spin_lock(&tasks_lock);
    struct task *t = pid == 0 ? self : task_find(pid);
    if (t)
        t = task_process(t);
    long r = 0;
    if (!t || (t != self && t->parent != self)) {
        r = -ESRCH;
    } else if (t != self && t->did_exec) {
        r = -EACCES;                    /* a child that has run execve */
    } else if (t->sid == t->pid) {
        r = -EPERM;                     /* a session leader cannot move */
    } else if (t->sid != self->sid) {
        r = -EPERM;
    } else {
        if (pgid == 0)
            pgid = t->pid;
        if (pgid != t->pid) {
            /* the group must exist in the caller's session (Linux looks
             * at its first member) */
            struct list_node *members = pgrp_members_locked(pgid);
            if (!members || list_first_entry(members, struct task, pgrp_node)->sid != self->sid)
                r = -EPERM;
        }
        if (!r)
            pgrp_move_locked(t, pgid, t->sid);
    }
    spin_unlock(&tasks_lock);
    return r;
}
SYSCALL_DEFINE(109, setpgid);

/* The process group (want_sid false) or session of pid (0 = the caller). */
static long group_of(pid_t pid, bool want_sid)
{
    if (pid == 0)
        return want_sid ? current->sid : current->pgid;
    spin_lock(&tasks_lock);
    struct task *t = task_find(pid);
    long r = !t ? -ESRCH : want_sid ? t->sid : t->pgid;
    spin_unlock(&tasks_lock);
    return r;
}

static long sys_getpgid(pid_t pid) { return group_of(pid, false); }
SYSCALL_DEFINE(121, getpgid);

static long sys_getpgrp(void) { return current->pgid; }
SYSCALL_DEFINE(111, getpgrp);

static long sys_getsid(pid_t pid) { return group_of(pid, true); }
SYSCALL_DEFINE(124, getsid);

/* setsid: a new session and group, led by the caller.  It leaves its
 * controlling terminal with its old session: a terminal belongs to a session
 * id (tty->session, kernel/fs/tty.c), so the caller, now in a session of its
 * own, no longer has one, while the terminal stays with the old session and
 * its foreground group, as on Linux. */
static long sys_setsid(void)
{
    struct task *self = task_process(current);
    spin_lock(&tasks_lock);
    long r = self->pid;
    if (self->pgid == self->pid || pgrp_members_locked(self->pid))
        r = -EPERM;                     /* a process-group leader, or its id names a group */
    if (r > 0)
        pgrp_move_locked(self, self->pid, self->pid);
    spin_unlock(&tasks_lock);
    return r;
}
SYSCALL_DEFINE(112, setsid);

/* ---- misc ---- */

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_GET_KEEPCAPS 7
#define PR_SET_KEEPCAPS 8
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_GET_SECCOMP 21
#define PR_SET_SECCOMP 22
#define PR_CAPBSET_READ 23
#define PR_CAPBSET_DROP 24
#define PR_SET_TIMERSLACK 29
#define PR_GET_TIMERSLACK 30
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_GET_TID_ADDRESS 40
#define PR_CAP_AMBIENT 47


static long prctl_set_name(struct task *t, const char __user *uname)
{
    char name[TASK_COMM_LEN];
    long n = strncpy_from_user(name, uname, sizeof name);
    if (n == -ENAMETOOLONG) {
        if (copy_from_user(name, uname, sizeof name - 1))
            return -EFAULT;
        name[sizeof name - 1] = 0;
    } else if (n < 0) {
        return n;
    }
    strlcpy(t->comm, name, sizeof t->comm);
    return 0;
}

/*
 * prctl: the options Linux programs use, with Linux's checks of the
 * arguments.  PR_SET_SECCOMP is seccomp(2)'s (kernel/proc/seccomp.c); the
 * capability options (keep-caps, the bounding and ambient sets) are
 * kernel/proc/cred.c's.  Unknown options EINVAL.
 */
static long sys_prctl(int option, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct task *t = current;
    switch (option) {
    case PR_SET_NAME:
        return prctl_set_name(t, (const char __user *)a2);
    case PR_GET_NAME:
        return copy_to_user((char __user *)a2, t->comm, sizeof t->comm);
    case PR_SET_TIMERSLACK:
        /* how late a timed sleep may end (kernel/hrtimer.h); 0 restores
         * the value inherited at fork.  Real-time tasks sleep without. */
        t->timer_slack_ns = a2 ? a2 : t->timer_slack_default_ns;
        return 0;
    case PR_GET_TIMERSLACK:
        return (long)t->timer_slack_ns;
    case PR_SET_PDEATHSIG:              /* kernel/proc/exit.c sends it */
        if (a2 >= NSIG)
            return -EINVAL;
        WRITE_ONCE(t->pdeath_signal, (int)a2);
        return 0;
    case PR_GET_PDEATHSIG:
        return put_user((int)READ_ONCE(t->pdeath_signal), (int __user *)a2);
    case PR_SET_CHILD_SUBREAPER:        /* kernel/proc/exit.c gives it orphans */
        spin_lock(&tasks_lock);
        t->group->child_subreaper = a2 != 0;
        spin_unlock(&tasks_lock);
        return 0;
    case PR_GET_CHILD_SUBREAPER:
        return put_user((int)READ_ONCE(t->group->child_subreaper), (int __user *)a2);
    case PR_GET_DUMPABLE:
        return READ_ONCE(t->mm->dumpable);
    case PR_SET_DUMPABLE:
        if (a2 > 1)
            return -EINVAL;             /* 2 (SUID_DUMP_ROOT) is for fs.suid_dumpable only */
        WRITE_ONCE(t->mm->dumpable, (uint8_t)a2);
        return 0;
    case PR_SET_NO_NEW_PRIVS:           /* kernel/proc/cred.c: exec grants nothing */
        if (a2 != 1 || a3 || a4 || a5)
            return -EINVAL;
        t->no_new_privs = true;
        return 0;
    case PR_GET_NO_NEW_PRIVS:
        if (a2 || a3 || a4 || a5)
            return -EINVAL;
        return t->no_new_privs;
    case PR_GET_KEEPCAPS:
    case PR_SET_KEEPCAPS:
    case PR_CAPBSET_READ:
    case PR_CAPBSET_DROP:
    case PR_CAP_AMBIENT:
        return cred_prctl(option, a2, a3, a4, a5);
    case PR_GET_SECCOMP:
        return READ_ONCE(t->seccomp_mode);  /* strict mode never gets here */
    case PR_SET_SECCOMP:
        return seccomp_prctl(a2, a3);
    case PR_GET_TID_ADDRESS:
        return put_user(t->clear_child_tid, (uint64_t __user *)a2);
    default:
        return -EINVAL;
    }
}
SYSCALL_DEFINE(157, prctl);


/* personality(2): the execution domain and its flags, kept for the task
 * and its children; 0xffffffff only asks.  Linux accepts any value.  Exec
 * honours ADDR_NO_RANDOMIZE (kernel/proc/exec.c); the other flags
 * (UNAME26, READ_IMPLIES_EXEC, ...) are only kept. */
static long sys_personality(unsigned int persona)
{
    struct task *t = current;
    unsigned int old = t->personality;
    if (persona != 0xffffffffU)
        t->personality = persona;
    return old;
}
SYSCALL_DEFINE(135, personality);

static long sys_getrandom(void __user *buf, size_t len, unsigned flags)
{
    return random_getrandom(buf, len, flags);
}
SYSCALL_DEFINE(318, getrandom);

struct ksysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char _f[4];
};
_Static_assert(sizeof(struct ksysinfo) == 112, "struct sysinfo is 112 bytes");

static long sys_sysinfo(struct ksysinfo __user *info)
{
    struct ksysinfo s;
    memset(&s, 0, sizeof s);
    s.uptime = (int64_t)(time_ns() / NSEC_PER_SEC);
    unsigned long loads[3];
    sched_loadavg(loads);
    for (int i = 0; i < 3; i++)
        s.loads[i] = (uint64_t)loads[i] << (16 - LOADAVG_FSHIFT);    /* SI_LOAD_SHIFT */
    s.totalram = pmm_total_pages() * PAGE_SIZE;
    s.freeram = pmm_free_pages() * PAGE_SIZE;
    s.procs = (uint16_t)task_count();
    s.mem_unit = 1;
    return copy_to_user(info, &s, sizeof s);
}
SYSCALL_DEFINE(99, sysinfo);

#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_CMD_RESTART 0x01234567
#define LINUX_REBOOT_CMD_HALT 0xcdef0123
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc
#define LINUX_REBOOT_CMD_CAD_ON 0x89abcdef
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000

static long sys_reboot(uint32_t magic1, uint32_t magic2, uint32_t cmd, void __user *arg)
{
    if (!capable(CAP_SYS_BOOT))
        return -EPERM;                  /* checked first, as Linux: before the magic numbers */
    if (magic1 != LINUX_REBOOT_MAGIC1 || (magic2 != 672274793 && magic2 != 85072278 && magic2 != 369367448 &&
                                          magic2 != 537993216))
        return -EINVAL;
    switch (cmd) {
    case LINUX_REBOOT_CMD_POWER_OFF:
    case LINUX_REBOOT_CMD_HALT:
    case LINUX_REBOOT_CMD_RESTART:
        kprintf("reboot(2): %s requested by pid %d (%s)\n",
                cmd == LINUX_REBOOT_CMD_RESTART ? "restart" : "power off", current->pid, current->comm);
        machine_exit(EXIT_POWEROFF);
    case LINUX_REBOOT_CMD_CAD_ON:
    case LINUX_REBOOT_CMD_CAD_OFF:
        return 0;
    default:
        return -EINVAL;
    }
}
SYSCALL_DEFINE(169, reboot);
