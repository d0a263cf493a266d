/*
 * The /proc file system: directories, lookup, readdir and the vnodes behind
 * them, and the /proc/sys tunable registry (/proc/sys/kernel and /proc/sys/fs).
 *
 * Nothing is stored: every lookup builds a fresh transient vnode (freed at
 * its last reference) that records what it stands for (a proc_inode: the
 * kind of node, the entry, the pid).  Inode numbers are computed, not
 * allocated, so they are stable: the root is 1, root entries 2.., the
 * directory of pid p is p << 8 and its files (p << 8) + 1 + index.
 * A /proc/<pid> vnode outliving its task answers ENOENT/ESRCH.
 *
 * Directories of tasks are listed from the pid table (kernel/proc/pid.c),
 * in pid order, a batch of pids at a time copied out under tasks_lock,
 * because dir_emit() copies to user memory and must not run under a
 * spinlock.  Readdir cookies: 2.. for the fixed entries, PID_COOKIE + pid
 * for tasks, so a listing resumes where it stopped, at the next pid, even
 * when tasks come and go between getdents64 calls.
 */
#include <fs/fdtable.h>
#include <fs/mount.h>
#include <fs/mqueue.h>
#include <fs/namei.h>
#include <fs/pipe.h>
#include <fs/procfs.h>
#include <ipc/ipc.h>
#include <kernel/log.h>
#include <kernel/perf_event.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/trace.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/pid.h>
#include <proc/proc.h>

#define PROC_SUPER_MAGIC 0x9fa0
#define PID_COOKIE 0x100000ULL
#define INO_SYS 0xf0
#define INO_SYS_KERNEL 0xf1
#define INO_SYS_FS 0xf2
#define INO_SYSVIPC 0xf3
#define INO_SYSVIPC_BASE 0xf4           /* its files: this + index */
#define INO_SYS_FS_MQUEUE 0xef
#define INO_SYSCTL_BASE 0x80000000ULL
#define SYSCTL_MAX 64
#define SYSCTL_NAME_MAX 40
#define SYSCTL_WRITE_MAX 256

enum proc_kind {
    PK_ROOT, PK_PID_DIR, PK_TASK_DIR, PK_FD_DIR, PK_NS_DIR, PK_SYS_DIR, PK_SYSCTL_DIR, PK_SYSVIPC_DIR, PK_ENTRY, PK_PID_ENTRY, PK_SYSCTL, PK_FD
};

#define TASK_DIR_INDEX 0xff             /* /proc/<pid>/task: inode (pid << 8) + this */
#define FD_DIR_INDEX 0xfe               /* /proc/<pid>/fd */
#define NS_DIR_INDEX 0xfd               /* /proc/<pid>/ns */
#define NS_MNT_INDEX 0xfc               /* /proc/<pid>/ns/mnt */
#define INO_FD_BASE (1ULL << 48)        /* /proc/<pid>/fd/<n>: this | pid << 20 | n */
#define FD_MAX_LISTED (1 << 20)

struct proc_inode {
    enum proc_kind kind;
    const struct proc_entry *entry;   /* PK_ENTRY, PK_PID_ENTRY */
    pid_t pid;                        /* PK_PID_DIR, PK_PID_ENTRY, PK_TASK_DIR (the process) */
    bool thread;                      /* under /proc/<pid>/task/: one thread's view */
    int sysctl;                       /* PK_SYSCTL: index in sysctls[]; PK_SYSCTL_DIR: SYSCTL_* */
    int fd;                           /* PK_FD */
};

/* The directories of /proc/sys, in Linux's (alphabetical) order, and the
 * one each is in (-1: /proc/sys itself; a parent comes before its
 * subdirectories). */
enum { SYSCTL_FS, SYSCTL_KERNEL, SYSCTL_FS_MQUEUE, NR_SYSCTL_DIRS };
static const char *const sysctl_dir_names[NR_SYSCTL_DIRS] = { "fs", "kernel", "mqueue" };
static const uint64_t sysctl_dir_inos[NR_SYSCTL_DIRS] = { INO_SYS_FS, INO_SYS_KERNEL, INO_SYS_FS_MQUEUE };
static const int sysctl_dir_parent[NR_SYSCTL_DIRS] = { -1, -1, SYSCTL_FS };

struct sysctl {
    int dir;                          /* SYSCTL_FS, SYSCTL_KERNEL */
    char name[SYSCTL_NAME_MAX];
    sysctl_read_fn read;
    sysctl_write_fn write;
};

static struct superblock proc_sb = { .name = "proc", .magic = PROC_SUPER_MAGIC, .dev = 4 };
static struct vnode *proc_root, *proc_sys, *proc_sys_dirs[NR_SYSCTL_DIRS], *proc_sysvipc;   /* permanent */

static struct spinlock sysctl_lock = SPINLOCK_INIT("sysctl");
static struct sysctl sysctls[SYSCTL_MAX];                     /* append-only */
static int nsysctl;

static const struct vnode_ops proc_dir_ops, proc_link_ops, proc_file_ops;
static const struct file_ops proc_fops, proc_sysctl_fops;

static struct proc_inode *PI(struct vnode *v) { return v->priv; }

/* ---------------------------------------------------------------- vnodes */

/* A new transient vnode under `parent` (referenced by the child, for ".."). */
static struct vnode *proc_vnode(struct vnode *parent, enum proc_kind kind, mode_t mode, uint64_t ino,
                                const struct proc_entry *e, pid_t pid, int sysctl)
{
    const struct vnode_ops *ops = S_ISDIR(mode) ? &proc_dir_ops : S_ISLNK(mode) ? &proc_link_ops : &proc_file_ops;
    struct proc_inode *pi = kzalloc(sizeof(*pi));
    struct vnode *v = pi ? vnode_alloc(&proc_sb, ops, mode) : NULL;
    if (!v) {
        kfree(pi);
        return NULL;
    }
    pi->kind = kind;
    pi->entry = e;
    pi->pid = pid;
    pi->sysctl = sysctl;
    v->priv = pi;
    v->ino = ino;
    if (parent)
        vnode_set_transient(v, parent);
    if (S_ISREG(mode))
        v->fops = kind == PK_SYSCTL ? &proc_sysctl_fops : &proc_fops;
    if (S_ISDIR(mode))
        v->nlink = 2;
    return v;
}

static void proc_destroy(struct vnode *v)
{
    kfree(v->priv);
}

/* Owner of /proc/<pid> files: the task's effective ids (ps shows USER from
 * stat("/proc/<pid>")).  false if the task is gone. */
static bool task_ids(pid_t pid, uid_t *uid, gid_t *gid)
{
    spin_lock(&tasks_lock);
    struct task *t = task_find(pid);
    if (t) {
        *uid = t->euid;
        *gid = t->egid;
    }
    spin_unlock(&tasks_lock);
    return t != NULL;
}

/* A node of /proc/<pid> (index -1: the directory itself, TASK_DIR_INDEX:
 * its task directory, else entry `index`); `thread` for the nodes under
 * /proc/<pid>/task/<tid>. */
static int make_pid_node(struct vnode *dir, pid_t pid, int index, bool thread, struct vnode **out)
{
    uid_t uid;
    gid_t gid;
    if (!task_ids(pid, &uid, &gid))
        return -ENOENT;
    struct vnode *v;
    if (index < 0)
        v = proc_vnode(dir, PK_PID_DIR, S_IFDIR | 0555, (uint64_t)pid << 8, NULL, pid, 0);
    else if (index == TASK_DIR_INDEX)
        v = proc_vnode(dir, PK_TASK_DIR, S_IFDIR | 0555, ((uint64_t)pid << 8) + TASK_DIR_INDEX, NULL, pid, 0);
    else if (index == FD_DIR_INDEX)
        v = proc_vnode(dir, PK_FD_DIR, S_IFDIR | 0500, ((uint64_t)pid << 8) + FD_DIR_INDEX, NULL, pid, 0);
    else if (index == NS_DIR_INDEX)
        v = proc_vnode(dir, PK_NS_DIR, S_IFDIR | 0511, ((uint64_t)pid << 8) + NS_DIR_INDEX, NULL, pid, 0);
    else if (index == NS_MNT_INDEX)
        v = proc_vnode(dir, PK_PID_ENTRY, procfs_ns_mnt.mode, ((uint64_t)pid << 8) + NS_MNT_INDEX, &procfs_ns_mnt,
                       pid, 0);
    else
        v = proc_vnode(dir, PK_PID_ENTRY, procfs_pid_entries[index].mode, ((uint64_t)pid << 8) + 1 + index,
                       &procfs_pid_entries[index], pid, 0);
    if (!v)
        return -ENOMEM;
    PI(v)->thread = thread;
    v->uid = uid;
    v->gid = gid;
    *out = v;
    return 0;
}

/* Is tid a thread of process pid?  Then its directory is in pid's task/. */
static bool thread_of(pid_t tid, pid_t pid)
{
    spin_lock(&tasks_lock);
    struct task *t = task_find(tid);
    bool yes = t && t->tgid == pid;
    spin_unlock(&tasks_lock);
    return yes;
}

static bool name_is(const char *name, size_t len, const char *s)
{
    return strlen(s) == len && memcmp(name, s, len) == 0;
}

/* Decimal pid without sign or leading zero; -1 if not one. */
static pid_t parse_pid(const char *name, size_t len)
{
    if (len == 0 || len > 9 || name[0] == '0')
        return -1;
    pid_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        v = v * 10 + (name[i] - '0');
    }
    return v;
}

/* ---------------------------------------------------------------- fd/ */

/* The descriptor table of task pid, referenced (fdtable_put it), or NULL. */
static struct fdtable *task_files(pid_t pid)
{
    spin_lock(&tasks_lock);
    struct task *t = task_find(pid);
    struct fdtable *ft = t && t->state != TASK_DEAD ? t->files : NULL;
    if (ft)
        fdtable_get(ft);                /* t->files changes under tasks_lock */
    spin_unlock(&tasks_lock);
    return ft;
}

/* Task pid's open file fd, referenced (file_put it), or NULL. */
static struct file *task_file(pid_t pid, int fd)
{
    struct fdtable *ft = task_files(pid);
    struct file *f = ft ? fdt_get(ft, fd) : NULL;
    if (ft)
        fdtable_put(ft);
    return f;
}

/* What /proc/<pid>/fd/<n> points to: the file's path, or for a file
 * without one what Linux shows (pipe:[inode], socket:[inode]; other
 * nameless files anon_inode:[their file system]). */
static ssize_t fd_target(pid_t pid, int fd, char *buf, size_t n)
{
    struct file *f = task_file(pid, fd);
    if (!f)
        return -ENOENT;
    char *path = kmalloc(PATH_MAX);
    int len = -ENOMEM;
    if (path) {
        struct vnode *v = f->vnode;
        len = vfs_path_of(v, path, PATH_MAX);
        if (len < 0 && S_ISFIFO(v->mode))
            len = snprintf(path, PATH_MAX, "pipe:[%lu]", (unsigned long)v->ino);
        else if (len < 0 && S_ISSOCK(v->mode))
            len = snprintf(path, PATH_MAX, "socket:[%lu]", (unsigned long)v->ino);
        else if (len < 0)
            len = snprintf(path, PATH_MAX, "anon_inode:[%s]", v->sb ? v->sb->name : "?");
        len = MIN(len, (int)n);
        memcpy(buf, path, (size_t)len);
    }
    kfree(path);
    file_put(f);
    return len;
}

/* Following /proc/<pid>/fd/N gives the open file's own vnode, as on Linux,
 * not the path readlink shows: a pipe (pipe:[N]) opens as another end of
 * the same pipe, and a walk never takes vfs_ns_lock again (vfs_path_of),
 * which it already holds. */
static int fd_get_link(struct vnode *v, struct vnode **out)
{
    struct file *f = task_file(PI(v)->pid, PI(v)->fd);
    if (!f)
        return -ENOENT;
    vnode_get(f->vnode);
    *out = f->vnode;
    file_put(f);
    return 0;
}

static const struct vnode_ops proc_fd_link_ops;

static int lookup_fd(struct vnode *dir, pid_t pid, const char *name, size_t len, struct vnode **out)
{
    pid_t fd = parse_pid(name, len);
    if (len == 1 && name[0] == '0')
        fd = 0;
    if (fd < 0 || fd >= FD_MAX_LISTED)
        return -ENOENT;
    struct file *f = task_file(pid, fd);
    if (!f)
        return -ENOENT;
    file_put(f);
    struct vnode *v = proc_vnode(dir, PK_FD, S_IFLNK | 0700, INO_FD_BASE | (uint64_t)pid << 20 | (uint64_t)fd, NULL,
                                 pid, 0);
    if (!v)
        return -ENOMEM;
    PI(v)->fd = fd;
    v->ops = &proc_fd_link_ops;
    v->uid = dir->uid;
    v->gid = dir->gid;
    *out = v;
    return 0;
}

static int readdir_fd(struct proc_inode *pi, struct dir_ctx *ctx)
{
    struct fdtable *ft = task_files(pi->pid);
    if (!ft)
        return -ENOENT;
    for (int fd = (int)ctx->pos - 2; fd >= 0 && fd < FD_MAX_LISTED; fd++) {
        spin_lock(&ft->lock);
        int cap = ft->cap, next = -1;
        for (int i = fd; i < cap && next < 0; i++)
            if (ft->used[i / 64] & (1ULL << (i % 64)))
                next = i;
        spin_unlock(&ft->lock);
        if (next < 0)
            break;
        char name[16];
        int len = snprintf(name, sizeof name, "%d", next);
        if (!dir_emit(ctx, name, (size_t)len, INO_FD_BASE | (uint64_t)pi->pid << 20 | (uint64_t)next, DT_LNK,
                      (uint64_t)next + 3))
            break;
        fd = next;
    }
    fdtable_put(ft);
    return 0;
}

/* ---------------------------------------------------------------- lookup */

static int proc_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct proc_inode *pi = PI(dir);
    switch (pi->kind) {
    case PK_ROOT: {
        for (unsigned i = 0; i < procfs_root_count; i++) {
            const struct proc_entry *e = &procfs_root_entries[i];
            if (name_is(name, len, e->name)) {
                *out = proc_vnode(dir, PK_ENTRY, e->mode, 2 + i, e, 0, 0);
                return *out ? 0 : -ENOMEM;
            }
        }
        if (name_is(name, len, "sys") || name_is(name, len, "sysvipc")) {
            *out = len == 3 ? proc_sys : proc_sysvipc;
            vnode_get(*out);
            return 0;
        }
        pid_t pid = parse_pid(name, len);
        return pid > 0 ? make_pid_node(dir, pid, -1, false, out) : -ENOENT;
    }
    case PK_PID_DIR:
        for (unsigned i = 0; i < procfs_pid_count; i++)
            if (name_is(name, len, procfs_pid_entries[i].name))
                return make_pid_node(dir, pi->pid, (int)i, pi->thread, out);
        if (!pi->thread && name_is(name, len, "task"))
            return make_pid_node(dir, pi->pid, TASK_DIR_INDEX, false, out);
        if (name_is(name, len, "fd"))
            return make_pid_node(dir, pi->pid, FD_DIR_INDEX, pi->thread, out);
        if (name_is(name, len, "ns"))
            return make_pid_node(dir, pi->pid, NS_DIR_INDEX, pi->thread, out);
        return -ENOENT;
    case PK_NS_DIR:
        if (name_is(name, len, procfs_ns_mnt.name))
            return make_pid_node(dir, pi->pid, NS_MNT_INDEX, pi->thread, out);
        return -ENOENT;
    case PK_FD_DIR:
        return lookup_fd(dir, pi->pid, name, len, out);
    case PK_TASK_DIR: {
        pid_t tid = parse_pid(name, len);
        if (tid <= 0 || !thread_of(tid, pi->pid))
            return -ENOENT;
        return make_pid_node(dir, tid, -1, true, out);
    }
    case PK_SYS_DIR:
        for (int d = 0; d < NR_SYSCTL_DIRS; d++)
            if (sysctl_dir_parent[d] < 0 && name_is(name, len, sysctl_dir_names[d])) {
                vnode_get(proc_sys_dirs[d]);
                *out = proc_sys_dirs[d];
                return 0;
            }
        return -ENOENT;
    case PK_SYSVIPC_DIR:
        for (unsigned i = 0; i < procfs_sysvipc_count; i++) {
            const struct proc_entry *e = &procfs_sysvipc_entries[i];
            if (name_is(name, len, e->name)) {
                *out = proc_vnode(dir, PK_ENTRY, e->mode, INO_SYSVIPC_BASE + i, e, 0, 0);
                return *out ? 0 : -ENOMEM;
            }
        }
        return -ENOENT;
    case PK_SYSCTL_DIR: {
        for (int d = 0; d < NR_SYSCTL_DIRS; d++)
            if (sysctl_dir_parent[d] == pi->sysctl && name_is(name, len, sysctl_dir_names[d])) {
                vnode_get(proc_sys_dirs[d]);
                *out = proc_sys_dirs[d];
                return 0;
            }
        spin_lock(&sysctl_lock);
        int n = nsysctl, found = -1;
        for (int i = 0; i < n && found < 0; i++)
            if (sysctls[i].dir == pi->sysctl && name_is(name, len, sysctls[i].name))
                found = i;
        bool writable = found >= 0 && sysctls[found].write;
        spin_unlock(&sysctl_lock);
        if (found < 0)
            return -ENOENT;
        *out = proc_vnode(dir, PK_SYSCTL, S_IFREG | (writable ? 0644 : 0444), INO_SYSCTL_BASE + found, NULL, 0,
                          found);
        return *out ? 0 : -ENOMEM;
    }
    default:
        return -ENOTDIR;
    }
}

/* ---------------------------------------------------------------- readdir */

static int emit_pids(struct dir_ctx *ctx, pid_t of_process);

static int readdir_root(struct dir_ctx *ctx)
{
    /* fixed entries: cookies 2 .. 2+count+1 (the last two are "sys" and "sysvipc") */
    while (ctx->pos < 2 + procfs_root_count + 2) {
        unsigned i = (unsigned)(ctx->pos - 2);
        bool dir = i >= procfs_root_count;
        const char *name = !dir ? procfs_root_entries[i].name : i == procfs_root_count ? "sys" : "sysvipc";
        mode_t mode = !dir ? procfs_root_entries[i].mode : S_IFDIR;
        uint64_t ino = !dir ? 2 + i : i == procfs_root_count ? INO_SYS : INO_SYSVIPC;
        if (!dir_emit(ctx, name, strlen(name), ino, S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG,
                      ctx->pos + 1))
            return 0;
    }
    if (ctx->pos < PID_COOKIE)
        ctx->pos = PID_COOKIE;

    return emit_pids(ctx, 0);
}

/* Lists, as directories, the processes (of_process 0) or the threads of
 * process of_process, in pid order from the cookie in ctx.  The pids come
 * from the pid table, PID_BATCH at a time under tasks_lock, starting at
 * the cookie: a call costs what it lists plus a step over the numbers
 * between, never a walk over every task. */
#define PID_BATCH 64
static int emit_pids(struct dir_ctx *ctx, pid_t of_process)
{
    if (ctx->pos < PID_COOKIE)
        ctx->pos = PID_COOKIE;
    for (;;) {
        pid_t pids[PID_BATCH];
        unsigned n = 0;
        pid_t from = (pid_t)MIN(ctx->pos - PID_COOKIE, (uint64_t)PID_MAX_LIMIT);
        spin_lock(&tasks_lock);
        struct task *t;
        for (; n < PID_BATCH && (t = pid_next_task_locked(&from)); from++) {
            if (t->state == TASK_DEAD)
                continue;
            if (of_process ? t->tgid == of_process && t->state != TASK_ZOMBIE : task_is_leader(t))
                pids[n++] = t->pid;
        }
        spin_unlock(&tasks_lock);
        for (unsigned i = 0; i < n; i++) {
            char name[16];
            int len = snprintf(name, sizeof(name), "%d", pids[i]);
            if (!dir_emit(ctx, name, (size_t)len, (uint64_t)pids[i] << 8, DT_DIR, PID_COOKIE + pids[i] + 1))
                return 0;
        }
        if (n < PID_BATCH)
            return 0;                   /* the table has no more */
    }
}

static int proc_readdir(struct vnode *dir, struct dir_ctx *ctx)
{
    struct proc_inode *pi = PI(dir);
    switch (pi->kind) {
    case PK_ROOT:
        return readdir_root(ctx);
    case PK_PID_DIR:
        if (!task_ids(pi->pid, &(uid_t){0}, &(gid_t){0}))
            return -ENOENT;
        for (uint64_t i = ctx->pos - 2; i < procfs_pid_count; i++) {
            const struct proc_entry *e = &procfs_pid_entries[i];
            if (!dir_emit(ctx, e->name, strlen(e->name), ((uint64_t)pi->pid << 8) + 1 + i,
                          S_ISLNK(e->mode) ? DT_LNK : DT_REG, i + 3))
                return 0;
        }
        if (ctx->pos == 2 + procfs_pid_count &&
            !dir_emit(ctx, "fd", 2, ((uint64_t)pi->pid << 8) + FD_DIR_INDEX, DT_DIR, ctx->pos + 1))
            return 0;
        if (ctx->pos == 3 + procfs_pid_count &&
            !dir_emit(ctx, "ns", 2, ((uint64_t)pi->pid << 8) + NS_DIR_INDEX, DT_DIR, ctx->pos + 1))
            return 0;
        if (!pi->thread && ctx->pos == 4 + procfs_pid_count)
            dir_emit(ctx, "task", 4, ((uint64_t)pi->pid << 8) + TASK_DIR_INDEX, DT_DIR, ctx->pos + 1);
        return 0;
    case PK_NS_DIR:
        if (!task_ids(pi->pid, &(uid_t){0}, &(gid_t){0}))
            return -ENOENT;
        if (ctx->pos == 2)
            dir_emit(ctx, procfs_ns_mnt.name, strlen(procfs_ns_mnt.name), ((uint64_t)pi->pid << 8) + NS_MNT_INDEX,
                     DT_LNK, 3);
        return 0;
    case PK_FD_DIR:
        return readdir_fd(pi, ctx);
    case PK_TASK_DIR:
        if (!task_ids(pi->pid, &(uid_t){0}, &(gid_t){0}))
            return -ENOENT;
        return emit_pids(ctx, pi->pid);
    case PK_SYS_DIR:
        for (int d = (int)ctx->pos - 2; d >= 0 && d < NR_SYSCTL_DIRS; d++)
            if (sysctl_dir_parent[d] < 0 &&
                !dir_emit(ctx, sysctl_dir_names[d], strlen(sysctl_dir_names[d]), sysctl_dir_inos[d], DT_DIR,
                          (uint64_t)d + 3))
                return 0;
        return 0;
    case PK_SYSVIPC_DIR:
        for (uint64_t i = ctx->pos - 2; i < procfs_sysvipc_count; i++)
            if (!dir_emit(ctx, procfs_sysvipc_entries[i].name, strlen(procfs_sysvipc_entries[i].name),
                          INO_SYSVIPC_BASE + i, DT_REG, i + 3))
                return 0;
        return 0;
    case PK_SYSCTL_DIR:
        /* cookies: 3 + d after subdirectory d, then 3 + NR_SYSCTL_DIRS + i
         * after tunable i */
        for (int d = (int)ctx->pos - 2; d >= 0 && d < NR_SYSCTL_DIRS; d++)
            if (sysctl_dir_parent[d] == pi->sysctl &&
                !dir_emit(ctx, sysctl_dir_names[d], strlen(sysctl_dir_names[d]), sysctl_dir_inos[d], DT_DIR,
                          (uint64_t)d + 3))
                return 0;
        if (ctx->pos < 2 + NR_SYSCTL_DIRS)
            ctx->pos = 2 + NR_SYSCTL_DIRS;
        for (;;) {
            int i = (int)(ctx->pos - 2 - NR_SYSCTL_DIRS);
            char name[SYSCTL_NAME_MAX];
            spin_lock(&sysctl_lock);
            while (i < nsysctl && sysctls[i].dir != pi->sysctl)
                i++;
            bool have = i < nsysctl;
            if (have)
                strlcpy(name, sysctls[i].name, sizeof(name));
            spin_unlock(&sysctl_lock);
            if (!have || !dir_emit(ctx, name, strlen(name), INO_SYSCTL_BASE + i, DT_REG,
                                   (uint64_t)i + 3 + NR_SYSCTL_DIRS))
                return 0;
        }
    default:
        return -ENOTDIR;
    }
}

/* ---------------------------------------------------------------- symlinks */

static ssize_t proc_readlink(struct vnode *v, char *buf, size_t n)
{
    struct proc_inode *pi = PI(v);
    const struct proc_entry *e = pi->entry;
    if (pi->kind == PK_ENTRY)
        return e->link(buf, n);
    if (pi->kind == PK_FD)
        return fd_target(pi->pid, pi->fd, buf, n);
    spin_lock(&tasks_lock);
    struct task *t = task_find(pi->pid);
    int r = t ? e->task_link(t, buf, n) : -ENOENT;
    spin_unlock(&tasks_lock);
    return r;
}

static const struct vnode_ops proc_dir_ops = { .lookup = proc_lookup, .readdir = proc_readdir, .destroy = proc_destroy };
static const struct vnode_ops proc_link_ops = { .readlink = proc_readlink, .destroy = proc_destroy };
static const struct vnode_ops proc_fd_link_ops = { .readlink = proc_readlink, .get_link = fd_get_link,
                                                   .destroy = proc_destroy };
static const struct vnode_ops proc_file_ops = { .destroy = proc_destroy };

/* ---------------------------------------------------------------- files */

static int show_file(struct seqbuf *s, void *arg)
{
    struct proc_inode *pi = PI(arg);
    const struct proc_entry *e = pi->entry;
    if (pi->kind == PK_ENTRY)
        return e->show(s);
    if (e->show) {        /* the system's view, shown under each task (/proc/<pid>/mounts) */
        if (!task_ids(pi->pid, &(uid_t){0}, &(gid_t){0}))
            return -ESRCH;
        return e->show(s);
    }
    spin_lock(&tasks_lock);
    struct task *t = task_find(pi->pid);
    struct mnt_ns *ns = NULL;
    int r = !t ? -ESRCH : e->ns_show ? mnt_ns_of(t, &ns) : e->task_show(s, t, !pi->thread);
    spin_unlock(&tasks_lock);
    if (e->ns_show && !r) {
        r = e->ns_show(s, ns);
        mnt_ns_put(ns);
    }
    return r;
}

static int proc_open(struct vnode *v, struct file *f)
{
    if ((f->flags & O_ACCMODE) != O_RDONLY)
        return -EACCES;
    return seqfile_open(f, show_file, v);
}

static const struct file_ops proc_fops = {
    .open = proc_open, .read = seqfile_read, .lseek = seqfile_lseek, .release = seqfile_release,
};

/* ---------------------------------------------------------------- sysctl */

static int show_sysctl(struct seqbuf *s, void *arg)
{
    int i = PI(arg)->sysctl;
    spin_lock(&sysctl_lock);
    sysctl_read_fn rd = sysctls[i].read;
    spin_unlock(&sysctl_lock);
    if (!rd)
        return 0;
    size_t room = s->cap - s->len;
    int n = rd(s->buf + s->len, room);
    if (n < 0)
        return n;
    if ((size_t)n >= room) {
        s->overflow = true;            /* seqfile retries with a bigger buffer */
        return 0;
    }
    s->len += (size_t)n;
    if (n == 0 || s->buf[s->len - 1] != '\n')
        seq_putc(s, '\n');
    return 0;
}

static int sysctl_open(struct vnode *v, struct file *f)
{
    return seqfile_open(f, show_sysctl, v);
}

static ssize_t sysctl_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct vnode *v = seqfile_arg(f);
    int i = PI(v)->sysctl;
    spin_lock(&sysctl_lock);
    sysctl_write_fn wr = sysctls[i].write;
    spin_unlock(&sysctl_lock);
    if (!wr)
        return -EACCES;
    if (len >= SYSCTL_WRITE_MAX)
        return -EINVAL;
    char kbuf[SYSCTL_WRITE_MAX];
    if (iob_copy_from(kbuf, buf, 0, len))
        return -EFAULT;
    kbuf[len] = '\0';
    size_t n = len;
    if (n && kbuf[n - 1] == '\n')
        kbuf[--n] = '\0';
    int err = wr(kbuf, n);
    if (err)
        return err;
    *off += len;
    return (ssize_t)len;
}

static const struct file_ops proc_sysctl_fops = {
    .open = sysctl_open, .read = seqfile_read, .write = sysctl_write, .lseek = seqfile_lseek,
    .release = seqfile_release,
};

int procfs_register_sysctl(const char *name, sysctl_read_fn read, sysctl_write_fn write)
{
    int dir = SYSCTL_KERNEL;
    if (!strncmp(name, "fs/mqueue/", 10)) {
        dir = SYSCTL_FS_MQUEUE;
        name += 10;
    } else if (!strncmp(name, "fs/", 3)) {
        dir = SYSCTL_FS;
        name += 3;
    }
    size_t len = strlen(name);
    if (len == 0 || len >= SYSCTL_NAME_MAX || strchr(name, '/'))
        return -EINVAL;
    spin_lock(&sysctl_lock);
    int err = 0;
    for (int i = 0; i < nsysctl; i++)
        if (sysctls[i].dir == dir && !strcmp(sysctls[i].name, name))
            err = -EEXIST;
    if (!err && nsysctl == SYSCTL_MAX)
        err = -ENOSPC;
    if (!err) {
        sysctls[nsysctl].dir = dir;
        strlcpy(sysctls[nsysctl].name, name, SYSCTL_NAME_MAX);
        sysctls[nsysctl].read = read;
        sysctls[nsysctl].write = write;
        nsysctl++;
    }
    spin_unlock(&sysctl_lock);
    return err;
}

/* The subsystems' tunables, pulled from the tables they export
 * (include/kernel/sysctl.h); the scheduler's and the trace's are read and
 * set through their public functions by procfs_sched_sysctl.c and
 * procfs_trace.c. */
static const struct sysctl_entry *const sysctl_tables[] = {
    misc_sysctls, pipe_sysctls, mqueue_sysctls, uts_sysctls, pid_sysctls, task_sysctls, perf_sysctls,
    kmsg_sysctls, sem_sysctls, msg_sysctls,
};

static void register_sysctls(void)
{
    for (size_t t = 0; t < ARRAY_SIZE(sysctl_tables); t++)
        for (const struct sysctl_entry *e = sysctl_tables[t]; e->name; e++) {
            int err = procfs_register_sysctl(e->name, e->read, e->write);
            if (err)
                kprintf(KERN_ERR "procfs: cannot register /proc/sys tunable %s (%d)\n", e->name, err);
        }
}

/* ---------------------------------------------------------------- mount */

struct vnode *procfs_root(void) { return proc_root; }

void procfs_init(void)
{
    proc_root = proc_vnode(NULL, PK_ROOT, S_IFDIR | 0555, 1, NULL, 0, 0);
    if (!proc_root)
        panic("procfs: out of memory");
    proc_sys = proc_vnode(proc_root, PK_SYS_DIR, S_IFDIR | 0555, INO_SYS, NULL, 0, 0);
    if (!proc_sys)
        panic("procfs: out of memory");
    /* The permanent directories keep their initial reference forever. */
    proc_sys->flags &= ~VN_TRANSIENT;
    for (int d = 0; d < NR_SYSCTL_DIRS; d++) {
        struct vnode *parent = sysctl_dir_parent[d] < 0 ? proc_sys : proc_sys_dirs[sysctl_dir_parent[d]];
        proc_sys_dirs[d] = proc_vnode(parent, PK_SYSCTL_DIR, S_IFDIR | 0555, sysctl_dir_inos[d], NULL, 0, d);
        if (!proc_sys_dirs[d])
            panic("procfs: out of memory");
        proc_sys_dirs[d]->flags &= ~VN_TRANSIENT;
    }
    proc_sysvipc = proc_vnode(proc_root, PK_SYSVIPC_DIR, S_IFDIR | 0555, INO_SYSVIPC, NULL, 0, 0);
    if (!proc_sysvipc)
        panic("procfs: out of memory");
    proc_sysvipc->flags &= ~VN_TRANSIENT;
    register_sysctls();
    procfs_sched_sysctl_init();
    procfs_trace_init();
    int err = vfs_mount_kernel("proc", "/proc");
    if (err)
        kprintf(KERN_ERR "procfs: cannot mount /proc (%d)\n", err);
}
