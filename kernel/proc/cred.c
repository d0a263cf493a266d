/*
 * Credentials: the setuid family, supplementary groups, capget/capset, and
 * the permission rules that use them (include/proc/cred.h has the model).
 *
 * The rules are Linux's (credentials(7), setresuid(2), path_resolution(7)):
 *  - an unprivileged task may set each of its real, effective and saved
 *    ids only to one of its current real, effective or saved ids; a
 *    privileged one (CAP_SETUID / CAP_SETGID) to anything;
 *  - the file-system id follows the effective one;
 *  - setuid(x) by a privileged task sets all three ids (and the task is no
 *    longer privileged unless x is 0);
 *  - setreuid/setregid set the saved id to the new effective one when the
 *    real id is set or the effective one differs from the old real id;
 *  - file access: the owner's bits if the file-system user id owns the
 *    file, else the group's bits if the file's group is the file-system
 *    group or a supplementary one, else the others' bits; a privileged
 *    task may read and write anything and search any directory, and
 *    execute a file that has at least one execute bit;
 *  - a change of the effective or file-system ids (a setuid call, or the
 *    exec of a set-user-id file) drops the parent-death signal and makes
 *    the process not dumpable (fs.suid_dumpable 0), as commit_creds does;
 *  - PR_SET_NO_NEW_PRIVS: exec ignores the set-user-id and set-group-id
 *    bits, and gives no capability the process did not have;
 *  - capabilities: the sets of capabilities(7) without file capabilities
 *    (include/proc/cred.h).
 */
#include <fs/vfs.h>
#include <kernel/kernel.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/user.h>
#include <uapi/stat.h>

static bool have_task(void) { return current != NULL; }

bool capable(int cap)
{
    if (!have_task())
        return true;
    return (unsigned)cap <= CAP_LAST_CAP && (current->caps.eff >> cap & 1);
}

#define CAP_BIT(c) (1ULL << (c))
/* The capabilities that follow the file-system user id (Linux's CAP_FS_SET). */
#define CAP_FS_SET (CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_MKNOD) | CAP_BIT(CAP_DAC_OVERRIDE) | \
                    CAP_BIT(CAP_DAC_READ_SEARCH) | CAP_BIT(CAP_FOWNER) | CAP_BIT(CAP_FSETID) | \
                    CAP_BIT(CAP_LINUX_IMMUTABLE) | CAP_BIT(CAP_MAC_OVERRIDE))

void cred_init_root(struct task *t)
{
    t->caps.prm = t->caps.eff = t->caps.bnd = CAP_FULL_SET;
    t->caps.inh = t->caps.amb = 0;
}

/* After the user ids changed from (r, e, s) (Linux's cap_emulate_setxuid). */
static void caps_fix_setuid(struct task *t, uid_t r, uid_t e, uid_t s)
{
    if ((r == 0 || e == 0 || s == 0) && t->uid != 0 && t->euid != 0 && t->suid != 0) {
        if (!t->keepcaps)
            t->caps.prm = t->caps.eff = 0;
        t->caps.amb = 0;
    }
    if (e == 0 && t->euid != 0)
        t->caps.eff = 0;
    if (e != 0 && t->euid == 0)
        t->caps.eff = t->caps.prm;
}

/* After the file-system user id changed from fs. */
static void caps_fix_setfsuid(struct task *t, uid_t fs)
{
    if (fs == 0 && t->fsuid != 0)
        t->caps.eff &= ~CAP_FS_SET;
    if (fs != 0 && t->fsuid == 0)
        t->caps.eff |= t->caps.prm & CAP_FS_SET;
}

static bool in_groups_of(const struct task *t, gid_t fs_or_real, gid_t gid)
{
    if (gid == fs_or_real)
        return true;
    for (uint32_t i = 0; i < t->ngroups; i++)
        if (t->groups[i] == gid)
            return true;
    return false;
}

bool in_group(gid_t gid) { return !have_task() || in_groups_of(current, current->fsgid, gid); }

/* The mode bits that apply to a task with ids (uid, gid) and its groups;
 * caps: the capabilities that count (CAP_DAC_OVERRIDE reads and writes
 * anything, searches any directory and executes a file someone may;
 * CAP_DAC_READ_SEARCH reads any file and reads and searches any directory). */
static int permission_as(const struct vnode *v, int mask, uid_t uid, gid_t gid, uint64_t caps)
{
    struct task *t = current;
    mode_t m = v->mode;
    int bits;
    if (v->uid == uid)
        bits = (m >> 6) & 7;
    else if (in_groups_of(t, gid, v->gid))
        bits = (m >> 3) & 7;
    else
        bits = m & 7;
    if ((bits & mask) == mask)
        return 0;
    if (caps & CAP_BIT(CAP_DAC_OVERRIDE)) {
        if (!(mask & MAY_EXEC) || S_ISDIR(m) || (m & (S_IXUSR | S_IXGRP | S_IXOTH)))
            return 0;
    }
    if ((caps & CAP_BIT(CAP_DAC_READ_SEARCH)) &&
        (mask == MAY_READ || (S_ISDIR(m) && !(mask & MAY_WRITE))))
        return 0;
    return -EACCES;
}

int vnode_permission(const struct vnode *v, int mask)
{
    if (!have_task())
        return 0;
    return permission_as(v, mask, current->fsuid, current->fsgid, current->caps.eff);
}

/* access(2): the real ids, and (Linux's access_override_creds) the
 * permitted set for a real root, none for anyone else. */
int vnode_permission_real(const struct vnode *v, int mask)
{
    if (!have_task())
        return 0;
    return permission_as(v, mask, current->uid, current->gid, current->uid == 0 ? current->caps.prm : 0);
}

int sticky_check(const struct vnode *dir, const struct vnode *victim)
{
    if (!(dir->mode & S_ISVTX) || !have_task())
        return 0;
    uid_t me = current->fsuid;
    if (victim->uid == me || dir->uid == me || capable(CAP_FOWNER))
        return 0;
    return -EPERM;
}

bool owner_or_capable(const struct vnode *v) { return !have_task() || v->uid == current->fsuid || capable(CAP_FOWNER); }

void cred_init_new_file(struct vnode *v, const struct vnode *dir)
{
    if (!have_task())
        return;
    v->uid = current->fsuid;
    v->gid = current->fsgid;
    if (dir && (dir->mode & S_ISGID)) {
        v->gid = dir->gid;              /* a set-group-id directory's group */
        if (S_ISDIR(v->mode))
            v->mode |= S_ISGID;
    }
}

bool may_signal(const struct task *from, const struct task *to)
{
    if (from->caps.eff & CAP_BIT(CAP_KILL))
        return true;
    return from->euid == to->suid || from->euid == to->uid || from->uid == to->suid || from->uid == to->uid;
}

bool may_ptrace(const struct task *t)
{
    struct task *me = current;
    if (capable(CAP_SYS_PTRACE))
        return true;
    return me->uid == t->uid && me->uid == t->euid && me->uid == t->suid && me->gid == t->gid &&
           me->gid == t->egid && me->gid == t->sgid;
}

bool may_schedule(const struct task *t)
{
    struct task *me = current;
    return capable(CAP_SYS_NICE) || me->euid == t->uid || me->euid == t->euid;
}

/* The ids whose change commit_creds treats as a change of identity. */
struct id_snapshot {
    uid_t euid, fsuid;
    gid_t egid, fsgid;
};

static struct id_snapshot ids_of(const struct task *t)
{
    return (struct id_snapshot){ t->euid, t->fsuid, t->egid, t->fsgid };
}

#define SUID_DUMPABLE 0                 /* fs.suid_dumpable: Linux's default */

/* After a call that may have changed t's ids (r: its result): if they did,
 * the parent may no longer signal it at its death, and it is not dumpable. */
static long ids_committed(struct task *t, struct id_snapshot old, long r)
{
    struct id_snapshot now = ids_of(t);
    if (r >= 0 && memcmp(&old, &now, sizeof now)) {
        WRITE_ONCE(t->pdeath_signal, 0);
        if (t->mm)
            WRITE_ONCE(t->mm->dumpable, SUID_DUMPABLE);
    }
    return r;
}

/* The effective ids t would run `file` with: the file's owner and group
 * for its set-user-id and set-group-id bits, except that a traced program
 * does not gain privilege (Linux ignores the bits), nor one that asked for
 * none (PR_SET_NO_NEW_PRIVS).  True if they differ from the real ids. */
static bool exec_ids(const struct task *t, const struct vnode *file, uid_t *euid, gid_t *egid)
{
    *euid = t->euid;
    *egid = t->egid;
    if (!t->tracer && !t->no_new_privs) {
        if (file->mode & S_ISUID)
            *euid = file->uid;
        if ((file->mode & S_ISGID) && (file->mode & S_IXGRP))
            *egid = file->gid;
    }
    return *euid != t->uid || *egid != t->gid;
}

bool cred_exec_secure(const struct task *t, const struct vnode *file)
{
    uid_t euid;
    gid_t egid;
    return exec_ids(t, file, &euid, &egid);
}

bool cred_exec(struct task *t, const struct vnode *file)
{
    struct id_snapshot old = ids_of(t);
    bool readable = vnode_permission(file, MAY_READ) == 0;
    uid_t euid;
    gid_t egid;
    bool changed = exec_ids(t, file, &euid, &egid);
    bool setid = euid != t->euid || egid != t->egid;
    t->euid = t->suid = t->fsuid = euid;
    t->egid = t->sgid = t->fsgid = egid;
    t->keepcaps = false;                /* exec clears it (SECBIT_KEEP_CAPS) */
    /* Capabilities (no file capabilities): a root process gets its bounding
     * and inheritable sets, effective if its effective id is 0; another keeps
     * only its ambient set, which a set-id exec clears.  With no_new_privs or
     * a tracer, nothing it did not have. */
    uint64_t old_prm = t->caps.prm;
    if (setid)
        t->caps.amb = 0;
    uint64_t prm = t->caps.amb;
    if (t->uid == 0 || euid == 0)
        prm |= t->caps.bnd | t->caps.inh;
    if (t->no_new_privs || t->tracer)
        prm &= old_prm;
    t->caps.prm = prm;
    t->caps.eff = euid == 0 ? prm : t->caps.amb;
    ids_committed(t, old, 0);
    /* the new program is dumpable unless its ids differ or it cannot be read */
    if (t->mm)
        WRITE_ONCE(t->mm->dumpable, changed || !readable ? SUID_DUMPABLE : 1);
    return changed;
}

void cred_copy(struct task *to, const struct task *from)
{
    to->uid = from->uid;
    to->euid = from->euid;
    to->suid = from->suid;
    to->fsuid = from->fsuid;
    to->gid = from->gid;
    to->egid = from->egid;
    to->sgid = from->sgid;
    to->fsgid = from->fsgid;
    to->ngroups = from->ngroups;
    memcpy(to->groups, from->groups, sizeof to->groups);
    to->no_new_privs = from->no_new_privs;
    to->keepcaps = from->keepcaps;
    to->caps = from->caps;
}

/* ---------------------------------------------------------------- system calls */

#define NO_ID ((uint32_t)-1)

/* Is id one of the three (an unprivileged task's choices)? */
static bool one_of(uint32_t id, uint32_t r, uint32_t e, uint32_t s) { return id == r || id == e || id == s; }

/* setresuid/setresgid core: ids r, e, s (NO_ID: unchanged) into *pr, *pe,
 * *ps, *pfs. */
static long set_res(uint32_t *pr, uint32_t *pe, uint32_t *ps, uint32_t *pfs, uint32_t r, uint32_t e, uint32_t s,
                    int cap)
{
    if (!capable(cap)) {
        if ((r != NO_ID && !one_of(r, *pr, *pe, *ps)) || (e != NO_ID && !one_of(e, *pr, *pe, *ps)) ||
            (s != NO_ID && !one_of(s, *pr, *pe, *ps)))
            return -EPERM;
    }
    if (r != NO_ID)
        *pr = r;
    if (e != NO_ID)
        *pe = e;
    if (s != NO_ID)
        *ps = s;
    *pfs = *pe;
    return 0;
}

/* A uid call changed the caller's ids from `old` (real, effective, saved,
 * file-system) with result err: a new real uid takes the task's charge
 * in the per-user task count (kernel/proc/user.c); if that cannot be,
 * the ids go back and the call fails with EAGAIN, as on Linux. */
static long uid_commit(long err, const uid_t old[4])
{
    struct task *t = current;
    if (err)
        return err;
    if (t->uid != old[0]) {
        err = user_switch(t->uid);
        if (err) {
            t->uid = old[0];
            t->euid = old[1];
            t->suid = old[2];
            t->fsuid = old[3];
            return err;
        }
    }
    caps_fix_setuid(t, old[0], old[1], old[2]);
    return 0;
}

static long sys_setresuid(uint32_t r, uint32_t e, uint32_t s)
{
    struct task *t = current;
    uid_t old[4] = { t->uid, t->euid, t->suid, t->fsuid };
    struct id_snapshot ids = ids_of(t);
    return ids_committed(t, ids, uid_commit(set_res(&t->uid, &t->euid, &t->suid, &t->fsuid, r, e, s, CAP_SETUID), old));
}
SYSCALL_DEFINE(117, setresuid);

static long sys_setresgid(uint32_t r, uint32_t e, uint32_t s)
{
    struct task *t = current;
    struct id_snapshot old = ids_of(t);
    return ids_committed(t, old, set_res(&t->gid, &t->egid, &t->sgid, &t->fsgid, r, e, s, CAP_SETGID));
}
SYSCALL_DEFINE(119, setresgid);

/* setreuid/setregid: the real id may become the effective one, the
 * effective one the real or saved one; the saved id follows the new
 * effective id when the real id is set or the effective one moves away
 * from the old real id. */
static long set_re(uint32_t *pr, uint32_t *pe, uint32_t *ps, uint32_t *pfs, uint32_t r, uint32_t e, int cap)
{
    uint32_t old_r = *pr;
    if (!capable(cap)) {
        if ((r != NO_ID && r != *pr && r != *pe) || (e != NO_ID && !one_of(e, *pr, *pe, *ps)))
            return -EPERM;
    }
    if (r != NO_ID)
        *pr = r;
    if (e != NO_ID)
        *pe = e;
    if (r != NO_ID || (e != NO_ID && e != old_r))
        *ps = *pe;
    *pfs = *pe;
    return 0;
}

static long sys_setreuid(uint32_t r, uint32_t e)
{
    struct task *t = current;
    uid_t old[4] = { t->uid, t->euid, t->suid, t->fsuid };
    struct id_snapshot ids = ids_of(t);
    return ids_committed(t, ids, uid_commit(set_re(&t->uid, &t->euid, &t->suid, &t->fsuid, r, e, CAP_SETUID), old));
}
SYSCALL_DEFINE(113, setreuid);

static long sys_setregid(uint32_t r, uint32_t e)
{
    struct task *t = current;
    struct id_snapshot old = ids_of(t);
    return ids_committed(t, old, set_re(&t->gid, &t->egid, &t->sgid, &t->fsgid, r, e, CAP_SETGID));
}
SYSCALL_DEFINE(114, setregid);

/* setuid/setgid: a privileged task sets all three ids, another only the
 * effective one, to its real or saved id. */
static long set_one(uint32_t *pr, uint32_t *pe, uint32_t *ps, uint32_t *pfs, uint32_t id, int cap)
{
    if (id == NO_ID)
        return -EINVAL;
    if (capable(cap)) {
        *pr = *ps = id;
    } else if (id != *pr && id != *ps) {
        return -EPERM;
    }
    *pe = *pfs = id;
    return 0;
}

static long sys_setuid(uint32_t u)
{
    struct task *t = current;
    uid_t old[4] = { t->uid, t->euid, t->suid, t->fsuid };
    struct id_snapshot ids = ids_of(t);
    return ids_committed(t, ids, uid_commit(set_one(&t->uid, &t->euid, &t->suid, &t->fsuid, u, CAP_SETUID), old));
}
SYSCALL_DEFINE(105, setuid);

static long sys_setgid(uint32_t g)
{
    struct task *t = current;
    struct id_snapshot old = ids_of(t);
    return ids_committed(t, old, set_one(&t->gid, &t->egid, &t->sgid, &t->fsgid, g, CAP_SETGID));
}
SYSCALL_DEFINE(106, setgid);

/* setfsuid/setfsgid return the old id whether or not they change it. */
static long set_fs(uint32_t *pfs, uint32_t r, uint32_t e, uint32_t s, uint32_t id, int cap)
{
    uint32_t old = *pfs;
    if (id != NO_ID && (capable(cap) || id == r || id == e || id == s || id == old))
        *pfs = id;
    return old;
}

static long sys_setfsuid(uint32_t u)
{
    struct task *t = current;
    struct id_snapshot old = ids_of(t);
    long r = set_fs(&t->fsuid, t->uid, t->euid, t->suid, u, CAP_SETUID);
    caps_fix_setfsuid(t, (uid_t)r);
    return ids_committed(t, old, r);
}
SYSCALL_DEFINE(122, setfsuid);

static long sys_setfsgid(uint32_t g)
{
    struct task *t = current;
    struct id_snapshot old = ids_of(t);
    return ids_committed(t, old, set_fs(&t->fsgid, t->gid, t->egid, t->sgid, g, CAP_SETGID));
}
SYSCALL_DEFINE(123, setfsgid);

static long sys_getuid(void) { return current->uid; }
SYSCALL_DEFINE(102, getuid);
static long sys_geteuid(void) { return current->euid; }
SYSCALL_DEFINE(107, geteuid);
static long sys_getgid(void) { return current->gid; }
SYSCALL_DEFINE(104, getgid);
static long sys_getegid(void) { return current->egid; }
SYSCALL_DEFINE(108, getegid);

static long get_res(uint32_t r, uint32_t e, uint32_t s, uint32_t __user *ur, uint32_t __user *ue, uint32_t __user *us)
{
    if (put_user(r, ur) || put_user(e, ue) || put_user(s, us))
        return -EFAULT;
    return 0;
}

static long sys_getresuid(uint32_t __user *r, uint32_t __user *e, uint32_t __user *s)
{
    struct task *t = current;
    return get_res(t->uid, t->euid, t->suid, r, e, s);
}
SYSCALL_DEFINE(118, getresuid);

static long sys_getresgid(uint32_t __user *r, uint32_t __user *e, uint32_t __user *s)
{
    struct task *t = current;
    return get_res(t->gid, t->egid, t->sgid, r, e, s);
}
SYSCALL_DEFINE(120, getresgid);

static long sys_getgroups(int size, gid_t __user *list)
{
    struct task *t = current;
    if (size < 0)
        return -EINVAL;
    if (size == 0)
        return t->ngroups;
    if ((uint32_t)size < t->ngroups)
        return -EINVAL;
    if (copy_to_user(list, t->groups, t->ngroups * sizeof(gid_t)))
        return -EFAULT;
    return t->ngroups;
}
SYSCALL_DEFINE(115, getgroups);

static long sys_setgroups(int size, const gid_t __user *list)
{
    if (!capable(CAP_SETGID))
        return -EPERM;
    if (size < 0 || size > 65536)
        return -EINVAL;                 /* Linux's NGROUPS_MAX */
    if (size > NGROUPS_KEPT)
        return -ENOMEM;                 /* more than this kernel keeps */
    gid_t g[NGROUPS_KEPT];
    if (size && copy_from_user(g, list, size * sizeof(gid_t)))
        return -EFAULT;
    struct task *t = current;
    memcpy(t->groups, g, size * sizeof(gid_t));
    t->ngroups = (uint32_t)size;
    return 0;
}
SYSCALL_DEFINE(116, setgroups);

/* capget/capset: a version-3 (or 2) header and two data words, or version
 * 1 and one (the low 32 capabilities). */
struct cap_header {
    uint32_t version;
    int pid;
};
struct cap_data {
    uint32_t effective, permitted, inheritable;
};
#define CAP_V1 0x19980330
#define CAP_V2 0x20071026
#define CAP_V3 0x20080522

static long cap_header_check(struct cap_header __user *uh, struct cap_header *h, int *words)
{
    if (copy_from_user(h, uh, sizeof *h))
        return -EFAULT;
    if (h->version != CAP_V1 && h->version != CAP_V2 && h->version != CAP_V3) {
        h->version = CAP_V3;
        put_user(h->version, &uh->version);
        return -EINVAL;                 /* Linux writes back the version it prefers */
    }
    *words = h->version == CAP_V1 ? 1 : 2;
    return 0;
}

static long sys_capget(struct cap_header __user *uh, struct cap_data __user *ud)
{
    struct cap_header h;
    int words;
    long r = cap_header_check(uh, &h, &words);
    if (!ud)
        return r == -EINVAL ? 0 : r;    /* a probe of the version (written back) */
    if (r)
        return r;
    if (h.pid < 0)
        return -EINVAL;
    uint64_t eff = 0, prm = 0, inh = 0;
    spin_lock(&tasks_lock);
    struct task *t = h.pid ? task_find(h.pid) : current;
    if (t) {
        eff = t->caps.eff;
        prm = t->caps.prm;
        inh = t->caps.inh;
    }
    spin_unlock(&tasks_lock);
    if (!t)
        return -ESRCH;
    struct cap_data d[2] = {
        { (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
        { (uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32) },
    };
    return copy_to_user(ud, d, words * sizeof d[0]);
}
SYSCALL_DEFINE(125, capget);

/* Linux's cap_capset rules: the inheritable set within the old inheritable
 * and permitted ones (the bounding set with CAP_SETPCAP) and never beyond
 * the bounding set; the permitted set can only shrink; the effective set
 * within the new permitted one.  The ambient set shrinks to fit. */
static long sys_capset(struct cap_header __user *uh, const struct cap_data __user *ud)
{
    struct cap_header h;
    int words;
    long r = cap_header_check(uh, &h, &words);
    if (r)
        return r;
    if (h.pid != 0 && h.pid != current->pid)
        return -EPERM;                  /* only one's own (Linux) */
    struct cap_data d[2] = { 0 };
    if (copy_from_user(d, ud, words * sizeof d[0]))
        return -EFAULT;
    uint64_t eff = ((uint64_t)d[1].effective << 32 | d[0].effective) & CAP_FULL_SET;
    uint64_t prm = ((uint64_t)d[1].permitted << 32 | d[0].permitted) & CAP_FULL_SET;
    uint64_t inh = ((uint64_t)d[1].inheritable << 32 | d[0].inheritable) & CAP_FULL_SET;
    struct task *t = current;
    if ((inh & ~(t->caps.inh | t->caps.prm)) && !capable(CAP_SETPCAP))
        return -EPERM;
    if (inh & ~(t->caps.inh | t->caps.bnd))
        return -EPERM;
    if (prm & ~t->caps.prm)
        return -EPERM;
    if (eff & ~prm)
        return -EPERM;
    t->caps.eff = eff;
    t->caps.prm = prm;
    t->caps.inh = inh;
    t->caps.amb &= prm & inh;
    return 0;
}
SYSCALL_DEFINE(126, capset);

#define PR_GET_KEEPCAPS 7
#define PR_SET_KEEPCAPS 8
#define PR_CAPBSET_READ 23
#define PR_CAPBSET_DROP 24
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4

long cred_prctl(int option, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct task *t = current;
    switch (option) {
    case PR_GET_KEEPCAPS:
        return t->keepcaps;
    case PR_SET_KEEPCAPS:
        if (a2 > 1)
            return -EINVAL;
        t->keepcaps = a2;
        return 0;
    case PR_CAPBSET_READ:
        return a2 <= CAP_LAST_CAP ? (long)(t->caps.bnd >> a2 & 1) : -EINVAL;
    case PR_CAPBSET_DROP:
        if (a2 > CAP_LAST_CAP)
            return -EINVAL;
        if (!capable(CAP_SETPCAP))
            return -EPERM;
        t->caps.bnd &= ~CAP_BIT(a2);
        return 0;
    case PR_CAP_AMBIENT:
        if (a2 == PR_CAP_AMBIENT_CLEAR_ALL) {
            if (a3 || a4 || a5)
                return -EINVAL;
            t->caps.amb = 0;
            return 0;
        }
        if (a4 || a5)
            return -EINVAL;
        if (a3 > CAP_LAST_CAP)
            return -EINVAL;
        switch (a2) {
        case PR_CAP_AMBIENT_IS_SET:
            return (long)(t->caps.amb >> a3 & 1);
        case PR_CAP_AMBIENT_RAISE:
            if (!(t->caps.prm & t->caps.inh & CAP_BIT(a3)))
                return -EPERM;
            t->caps.amb |= CAP_BIT(a3);
            return 0;
        case PR_CAP_AMBIENT_LOWER:
            t->caps.amb &= ~CAP_BIT(a3);
            return 0;
        default:
            return -EINVAL;
        }
    default:
        return -EINVAL;
    }
}
