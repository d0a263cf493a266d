/*
 * System V semaphores: semget, semop, semtimedop, semctl.
 *
 * A set is an array of up to SEMMSL counters in the System V table of
 * semaphores (include/ipc/ipc.h: keys, ids and permissions as for shared
 * memory and message queues).  semop applies all its operations or none:
 * they are tried in order on the live values and undone if one would
 * block or fails.  One that would block fails with EAGAIN under
 * IPC_NOWAIT, else the caller queues its operations on the set's pending
 * list, first come first served, and sleeps: whoever changes the set
 * (semop, SETVAL, SETALL, an exit's SEM_UNDO) then tries the queued
 * operations in that order and performs, for each sleeper, those that can
 * go now, before waking it, so a sleeper that was woken has done its work
 * and a later caller cannot overtake it.  After an operation that changed
 * a value the scan starts again from the first sleeper.  The sleeper
 * leaves the queue by itself at its timeout (semtimedop: EAGAIN, as on
 * Linux) or a signal (EINTR: semop is never restarted); IPC_RMID wakes
 * every sleeper with EIDRM.
 *
 * SEM_UNDO records, per process (per undo list: tasks created with
 * CLONE_SYSVSEM share one, as threads do), the opposite of what its
 * operations did to each semaphore; when the last task of the list exits
 * (or leaves it with unshare(CLONE_SYSVSEM)) the adjustments are applied,
 * each value clamped to [0, SEMVMX] as Linux does.  SETVAL and SETALL
 * clear the adjustments of what they set.
 *
 * Locking: sem_lock (a spinlock) guards the table, every set (values,
 * pending list, undo entries), and every undo list's entries; it is never
 * held across a user copy or a sleep.  A set is freed when its last
 * reference goes (the table's, and one per sleeper, which keeps its wait
 * queue alive).
 */
#include <ipc/ipc.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <lib/list.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/signal.h>

#define SEM_UNDO 0x1000
#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL 16
#define SETALL 17
#define SEM_STAT 18
#define SEM_INFO 19
#define SEM_STAT_ANY 20
#define SEMVMX 32767
#define SEMAEM SEMVMX                   /* the largest adjustment */
#define SEMMSL_MAX 32000                /* Linux's defaults for the tunables */
#define SEMMNS_MAX 1024000000
#define SEMOPM_MAX 500
#define SEMMNI_MAX 32000
#define SEMUSZ 20

/* /proc/sys/kernel/sem: SEMMSL, SEMMNS, SEMOPM, SEMMNI (under sem_lock for writes). */
static int sem_ctls[4] = { SEMMSL_MAX, SEMMNS_MAX, SEMOPM_MAX, SEMMNI_MAX };
#define lim_msl sem_ctls[0]
#define lim_mns sem_ctls[1]
#define lim_opm sem_ctls[2]
#define lim_mni sem_ctls[3]

struct ksembuf {
    uint16_t num;
    int16_t op;
    int16_t flg;
};

struct sem {
    int val;
    pid_t pid;                          /* the last process to operate on it */
};

struct sem_set {
    struct ipc_obj perm;
    int refs;
    bool removed;
    int nsems;
    int64_t otime, ctime;
    struct list_node pending;           /* of struct sem_queue, oldest first */
    struct list_node undos;             /* of struct sem_undo, by_set */
    struct waitq wait;                  /* its sleepers */
    struct sem sems[];
};

/* A sleeper's operations. */
struct sem_queue {
    struct list_node node;
    const struct ksembuf *sops;
    int nsops;
    struct sem_undo *undo;
    pid_t pid;
    int blocked;                        /* the index of the operation that blocks it */
    int status;                         /* 1 while queued; then the result */
};

/* One process's adjustments for one set. */
struct sem_undo {
    struct list_node by_list;           /* in its sem_undo_list */
    struct list_node by_set;            /* in its set's undos */
    int semid;
    int nsems;
    int16_t adj[];
};

struct sem_undo_list {
    int refs;                           /* atomic: the tasks sharing it */
    struct list_node undos;             /* of struct sem_undo, by_list; under sem_lock */
};

static struct spinlock sem_lock = SPINLOCK_INIT("sem");
static struct ipc_table sem_table = IPC_TABLE_INIT;   /* of struct sem_set, under sem_lock */
static int used_sems;                                   /* in every set; under sem_lock */

static struct sem_set *set_of(struct ipc_obj *o) { return (struct sem_set *)o; }

static struct sem_set *set_find(int id)
{
    struct ipc_obj *o = ipc_find_id(&sem_table, id);
    return o ? set_of(o) : NULL;
}

/* Drops a reference; the last frees the set.  Caller holds sem_lock. */
static void set_put(struct sem_set *s)
{
    if (--s->refs == 0)
        kfree(s);
}

/* The caller's undo entry for set s, or NULL.  Caller holds sem_lock. */
static struct sem_undo *undo_find(struct sem_undo_list *ul, int semid)
{
    if (!ul)
        return NULL;
    list_for_each(n, &ul->undos) {
        struct sem_undo *u = container_of(n, struct sem_undo, by_list);
        if (u->semid == semid)
            return u;
    }
    return NULL;
}

static void undo_free(struct sem_undo *u)
{
    list_remove(&u->by_list);
    list_remove(&u->by_set);
    kfree(u);
}

/* Tries sops on s for process pid: 0 (done), 1 (would block: *blocked is
 * the operation), -EAGAIN (would block, IPC_NOWAIT), -ERANGE.  On anything
 * but 0 nothing has changed.  Caller holds sem_lock. */
static int try_ops(struct sem_set *s, const struct ksembuf *sops, int nsops, struct sem_undo *un, pid_t pid,
                   int *blocked)
{
    int i, r = 0;
    for (i = 0; i < nsops; i++) {
        const struct ksembuf *op = &sops[i];
        struct sem *sem = &s->sems[op->num];
        int v = sem->val + op->op;
        if ((op->op == 0 && sem->val) || v < 0) {
            r = (op->flg & IPC_NOWAIT) ? -EAGAIN : 1;
            *blocked = i;
            break;
        }
        if (v > SEMVMX) {
            r = -ERANGE;
            break;
        }
        if ((op->flg & SEM_UNDO) && un) {
            int adj = un->adj[op->num] - op->op;
            if (adj < -SEMAEM - 1 || adj > SEMAEM) {
                r = -ERANGE;
                break;
            }
            un->adj[op->num] = (int16_t)adj;
        }
        sem->val = v;
    }
    if (r) {                            /* take back what was done */
        while (--i >= 0) {
            const struct ksembuf *op = &sops[i];
            s->sems[op->num].val -= op->op;
            if ((op->flg & SEM_UNDO) && un)
                un->adj[op->num] = (int16_t)(un->adj[op->num] + op->op);
        }
        return r;
    }
    for (i = 0; i < nsops; i++)
        s->sems[sops[i].num].pid = pid;
    s->otime = ipc_now();
    return 0;
}

static bool changes(const struct ksembuf *sops, int nsops)
{
    for (int i = 0; i < nsops; i++)
        if (sops[i].op)
            return true;
    return false;
}

/* The set's values changed: performs the sleepers' operations that can go
 * now, oldest first, and wakes them.  Caller holds sem_lock. */
static void update_queue(struct sem_set *s)
{
    bool woke = false;
again:
    list_for_each_safe(n, &s->pending) {
        struct sem_queue *q = container_of(n, struct sem_queue, node);
        int r = try_ops(s, q->sops, q->nsops, q->undo, q->pid, &q->blocked);
        if (r == 1)
            continue;
        list_remove(&q->node);
        WRITE_ONCE(q->status, r);
        woke = true;
        if (r == 0 && changes(q->sops, q->nsops))
            goto again;
    }
    if (woke)
        waitq_wake_all(&s->wait);
}

/* Removes a set (IPC_RMID): sleepers get EIDRM, undo entries go. */
static void set_remove(struct sem_set *s)
{
    ipc_remove(&sem_table, &s->perm);
    s->removed = true;
    used_sems -= s->nsems;
    list_for_each_safe(n, &s->pending) {
        struct sem_queue *q = container_of(n, struct sem_queue, node);
        list_remove(&q->node);
        WRITE_ONCE(q->status, -EIDRM);
    }
    while (!list_empty(&s->undos))
        undo_free(container_of(s->undos.next, struct sem_undo, by_set));
    waitq_wake_all(&s->wait);
    set_put(s);
}

static int sem_check_old(struct ipc_obj *o, long nsems) { return nsems > set_of(o)->nsems ? -EINVAL : 0; }

static int sem_check_new(long nsems)
{
    if (nsems == 0)
        return -EINVAL;
    return used_sems + nsems > lim_mns ? -ENOSPC : 0;
}

static struct ipc_obj *set_make(long nsems)
{
    struct sem_set *s = kzalloc(sizeof *s + (size_t)nsems * sizeof s->sems[0]);
    if (!s)
        return NULL;
    s->refs = 1;
    s->nsems = (int)nsems;
    s->ctime = ipc_now();
    list_init(&s->pending);
    list_init(&s->undos);
    waitq_init(&s->wait);
    return &s->perm;
}

static void set_unmake(struct ipc_obj *o) { kfree(o); }

static void set_added(struct ipc_obj *o, long nsems) { used_sems += (int)nsems; }

static const struct ipc_kind sem_kind = {
    .lock = &sem_lock, .table = &sem_table, .limit = &lim_mni, .check_old = sem_check_old,
    .check_new = sem_check_new, .make = set_make, .unmake = set_unmake, .added = set_added,
};

static long sys_semget(int32_t key, int nsems, int flags)
{
    if (nsems < 0 || nsems > READ_ONCE(lim_msl))
        return -EINVAL;
    return ipc_get(&sem_kind, key, flags, nsems);
}
SYSCALL_DEFINE(64, semget);

struct ktimespec {
    int64_t sec, nsec;
};

/* The current task's undo list, made if it has none: NULL on exhaustion. */
static struct sem_undo_list *undo_list(void)
{
    struct task *t = current;
    if (!t->sysvsem) {
        struct sem_undo_list *ul = kzalloc(sizeof *ul);
        if (!ul)
            return NULL;
        ul->refs = 1;
        list_init(&ul->undos);
        t->sysvsem = ul;                /* the task's own pointer: no race */
    }
    return t->sysvsem;
}

/* The caller's undo entry for semid, made if needed: 0 with *out, or
 * -EINVAL (no such set), -ENOMEM.  Takes sem_lock and returns holding it
 * on success. */
static int undo_get(int semid, struct sem_undo **out)
{
    struct task *t = current;
    if (!undo_list())
        return -ENOMEM;
    struct sem_undo *fresh = NULL;
    for (;;) {
        spin_lock(&sem_lock);
        struct sem_set *s = set_find(semid);
        if (!s) {
            spin_unlock(&sem_lock);
            kfree(fresh);
            return -EINVAL;
        }
        struct sem_undo *u = undo_find(t->sysvsem, semid);
        if (u) {
            kfree(fresh);               /* kheap ranks above sem */
            *out = u;
            return 0;
        }
        if (fresh && fresh->nsems == s->nsems) {
            fresh->semid = semid;
            list_push_back(&t->sysvsem->undos, &fresh->by_list);
            list_push_back(&s->undos, &fresh->by_set);
            *out = fresh;
            return 0;
        }
        int nsems = s->nsems;
        spin_unlock(&sem_lock);
        kfree(fresh);
        fresh = kzalloc(sizeof *fresh + (size_t)nsems * sizeof fresh->adj[0]);
        if (!fresh)
            return -ENOMEM;
        fresh->nsems = nsems;
    }
}

/* nsops is an unsigned int, as Linux declares it (the register's upper half is ignored). */
static long sys_semtimedop(int semid, const struct ksembuf __user *usops, unsigned nsops,
                           const struct ktimespec __user *timeout)
{
    if (nsops < 1 || semid < 0)
        return -EINVAL;
    if (nsops > (unsigned)READ_ONCE(lim_opm))
        return -E2BIG;
    struct ksembuf small[8];
    struct ksembuf *sops = nsops <= ARRAY_SIZE(small) ? small : kmalloc(nsops * sizeof *sops);
    if (!sops)
        return -ENOMEM;
    long r = 0;
    if (copy_from_user(sops, usops, nsops * sizeof *sops)) {
        r = -EFAULT;
        goto out;
    }
    uint64_t deadline = 0;
    if (timeout) {
        struct ktimespec ts;
        if (copy_from_user(&ts, timeout, sizeof ts)) {
            r = -EFAULT;
            goto out;
        }
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC) {
            r = -EINVAL;
            goto out;
        }
        deadline = time_ns() + (uint64_t)ts.sec * NSEC_PER_SEC + (uint64_t)ts.nsec;
    }
    unsigned max = 0;
    bool undos = false, alter = false;
    for (unsigned i = 0; i < nsops; i++) {
        max = MAX(max, sops[i].num);
        undos |= (sops[i].flg & SEM_UNDO) != 0;
        alter |= sops[i].op != 0;
    }
    struct sem_undo *un = NULL;
    if (undos) {
        r = undo_get(semid, &un);       /* holds sem_lock on success */
        if (r)
            goto out;
    } else {
        spin_lock(&sem_lock);
    }
    struct sem_set *s = set_find(semid);
    if (!s)
        r = -EINVAL;
    else if (max >= (unsigned)s->nsems)
        r = -EFBIG;
    else
        r = ipc_access(&s->perm, alter ? MAY_WRITE : MAY_READ);
    int blocked = 0;
    pid_t pid = current->tgid;
    if (!r)
        r = try_ops(s, sops, (int)nsops, un, pid, &blocked);
    if (r == 0 && alter)
        update_queue(s);
    if (r != 1) {
        spin_unlock(&sem_lock);
        goto out;
    }
    /* sleep until a waker has done the operations, the set goes, the
     * timeout or a signal */
    struct sem_queue q = { .sops = sops, .nsops = (int)nsops, .undo = un, .pid = pid, .blocked = blocked,
                           .status = 1 };
    list_push_back(&s->pending, &q.node);
    s->refs++;
    spin_unlock(&sem_lock);
    struct wait_entry w;
    for (;;) {
        prepare_to_wait(&s->wait, &w);
        if (READ_ONCE(q.status) != 1)
            break;
        if (signal_pending(current)) {
            r = -EINTR;
            break;
        }
        if (deadline && time_ns() >= deadline) {
            r = -EAGAIN;
            break;
        }
        schedule_until(deadline);
    }
    finish_wait(&s->wait, &w);
    spin_lock(&sem_lock);
    if (q.status == 1)
        list_remove(&q.node);           /* gave up: nothing was done */
    else
        r = q.status;
    set_put(s);
    spin_unlock(&sem_lock);
out:
    if (sops != small)
        kfree(sops);
    return r;
}
SYSCALL_DEFINE(220, semtimedop);

static long sys_semop(int semid, const struct ksembuf __user *sops, unsigned nsops)
{
    return sys_semtimedop(semid, sops, nsops, NULL);
}
SYSCALL_DEFINE(65, semop);

/* struct semid64_ds on x86-64. */
struct ksemid_ds {
    struct kipc64_perm perm;
    int64_t otime;
    uint64_t unused1;
    int64_t ctime;
    uint64_t unused2;
    uint64_t nsems;
    uint64_t unused3, unused4;
};
_Static_assert(sizeof(struct ksemid_ds) == 104, "semid64_ds is 104 bytes on x86-64");

struct kseminfo {
    int32_t semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};

/* How many sleepers wait on semaphore num for it to grow (ncnt) or to be
 * zero: those whose blocking operation is on it.  Caller holds sem_lock. */
static int count_waiters(struct sem_set *s, int num, bool zero)
{
    int n = 0;
    list_for_each(p, &s->pending) {
        struct sem_queue *q = container_of(p, struct sem_queue, node);
        const struct ksembuf *op = &q->sops[q->blocked];
        if (op->num == num && (zero ? op->op == 0 : op->op < 0))
            n++;
    }
    return n;
}

static long sem_info(int cmd, void __user *buf)
{
    spin_lock(&sem_lock);
    struct kseminfo i = { .semmap = SEMMNS_MAX, .semmni = lim_mni, .semmns = lim_mns, .semmnu = SEMMNS_MAX,
                          .semmsl = lim_msl, .semopm = lim_opm, .semume = SEMOPM_MAX, .semvmx = SEMVMX,
                          .semusz = cmd == SEM_INFO ? sem_table.used : SEMUSZ,
                          .semaem = cmd == SEM_INFO ? used_sems : SEMAEM };
    int max = sem_table.max_index;
    spin_unlock(&sem_lock);
    if (copy_to_user(buf, &i, sizeof i))
        return -EFAULT;
    return max < 0 ? 0 : max;
}

/* SETALL's values, read from user memory before the lock. */
static int read_values(int semid, const uint16_t __user *p, uint16_t **out)
{
    spin_lock(&sem_lock);
    struct sem_set *s = set_find(semid);
    int n = s ? s->nsems : 0;
    int r = !s ? -EINVAL : ipc_access(&s->perm, MAY_WRITE);
    spin_unlock(&sem_lock);
    if (r)
        return r;
    uint16_t *v = kmalloc((size_t)n * sizeof *v);
    if (!v)
        return -ENOMEM;
    if (copy_from_user(v, p, (size_t)n * sizeof *v)) {
        kfree(v);
        return -EFAULT;
    }
    for (int i = 0; i < n; i++)
        if (v[i] > SEMVMX) {
            kfree(v);
            return -ERANGE;
        }
    *out = v;
    return n;
}

static long sys_semctl(int semid, int semnum, int cmd, unsigned long arg)
{
    if (semid < 0)
        return -EINVAL;
    void __user *ptr = (void __user *)arg;
    if (cmd == IPC_INFO || cmd == SEM_INFO)
        return sem_info(cmd, ptr);
    struct ksemid_ds k;
    uint16_t *vals = NULL;
    int nvals = 0;
    switch (cmd) {
    case IPC_SET:
        if (copy_from_user(&k, ptr, sizeof k))
            return -EFAULT;
        break;
    case SETVAL:
        if ((int)arg < 0 || (int)arg > SEMVMX)
            return -ERANGE;
        break;
    case SETALL:
        nvals = read_values(semid, ptr, &vals);
        if (nvals < 0)
            return nvals;
        break;
    case IPC_STAT: case SEM_STAT: case SEM_STAT_ANY: case IPC_RMID: case GETALL: case GETVAL: case GETPID:
    case GETNCNT: case GETZCNT:
        break;
    default:
        return -EINVAL;
    }
    bool by_index = cmd == SEM_STAT || cmd == SEM_STAT_ANY;
    long r = 0;
    uint16_t small[64];
    uint16_t *out = NULL;               /* GETALL's copy */
    int nout = 0;
    spin_lock(&sem_lock);
    struct ipc_obj *o = by_index ? ipc_find_index(&sem_table, semid) : ipc_find_id(&sem_table, semid);
    struct sem_set *s = o ? set_of(o) : NULL;
    if (!s) {
        r = cmd == SETALL ? -EIDRM : -EINVAL;   /* SETALL: it went while the values were read */
        goto unlock;
    }
    switch (cmd) {
    case IPC_STAT: case SEM_STAT:
        if ((r = ipc_access(o, MAY_READ)))
            break;
        /* fall through */
    case SEM_STAT_ANY:
        memset(&k, 0, sizeof k);
        ipc_fill_perm(&k.perm, o);
        k.otime = s->otime;
        k.ctime = s->ctime;
        k.nsems = (uint64_t)s->nsems;
        r = by_index ? ipc_id(o) : 0;
        break;
    case IPC_SET:
        if (!ipc_owner(o, CAP_SYS_ADMIN))
            r = -EPERM;
        else if (!(r = ipc_set_perm(o, &k.perm)))
            s->ctime = ipc_now();
        break;
    case IPC_RMID:
        if (!ipc_owner(o, CAP_SYS_ADMIN))
            r = -EPERM;
        else
            set_remove(s);
        break;
    case SETALL:
        if (nvals != s->nsems) {        /* another set with the id: gone, as Linux says */
            r = -EIDRM;
            break;
        }
        for (int i = 0; i < nvals; i++)
            s->sems[i].val = vals[i];
        list_for_each(n, &s->undos)
            memset(container_of(n, struct sem_undo, by_set)->adj, 0, (size_t)nvals * sizeof(int16_t));
        s->ctime = ipc_now();
        update_queue(s);
        break;
    case GETALL:
        if ((r = ipc_access(o, MAY_READ)))
            break;
        nout = s->nsems;
        out = nout <= (int)ARRAY_SIZE(small) ? small : kmalloc((size_t)nout * sizeof *out);
        if (!out) {
            r = -ENOMEM;
            break;
        }
        for (int i = 0; i < nout; i++)
            out[i] = (uint16_t)s->sems[i].val;
        break;
    default:                            /* one semaphore: Linux checks SETVAL's number first */
        if (cmd != SETVAL && (r = ipc_access(o, MAY_READ)))
            break;
        if (semnum < 0 || semnum >= s->nsems) {
            r = -EINVAL;
            break;
        }
        if (cmd == SETVAL && (r = ipc_access(o, MAY_WRITE)))
            break;
        if (cmd == GETVAL)
            r = s->sems[semnum].val;
        else if (cmd == GETPID)
            r = s->sems[semnum].pid;
        else if (cmd == GETNCNT || cmd == GETZCNT)
            r = count_waiters(s, semnum, cmd == GETZCNT);
        else {
            s->sems[semnum].val = (int)arg;
            s->sems[semnum].pid = current->tgid;
            list_for_each(n, &s->undos)
                container_of(n, struct sem_undo, by_set)->adj[semnum] = 0;
            s->ctime = ipc_now();
            update_queue(s);
        }
    }
unlock:
    spin_unlock(&sem_lock);
    kfree(vals);
    if (r >= 0 && (cmd == IPC_STAT || by_index) && copy_to_user(ptr, &k, sizeof k))
        r = -EFAULT;
    if (out && !r && copy_to_user(ptr, out, (size_t)nout * sizeof *out))
        r = -EFAULT;
    if (out != small)
        kfree(out);
    return r;
}
SYSCALL_DEFINE(66, semctl);

int sem_fork(struct task *child, bool share)
{
    child->sysvsem = NULL;
    if (!share)
        return 0;
    struct sem_undo_list *ul = undo_list();     /* made now, so that both see it (Linux) */
    if (!ul)
        return -ENOMEM;
    __atomic_add_fetch(&ul->refs, 1, __ATOMIC_RELAXED);
    child->sysvsem = ul;
    return 0;
}

void sem_exit(struct task *t)
{
    struct sem_undo_list *ul = t->sysvsem;
    t->sysvsem = NULL;
    if (!ul || __atomic_sub_fetch(&ul->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    spin_lock(&sem_lock);
    while (!list_empty(&ul->undos)) {
        struct sem_undo *u = container_of(ul->undos.next, struct sem_undo, by_list);
        struct sem_set *s = set_find(u->semid);
        if (s) {
            for (int i = 0; i < u->nsems; i++) {
                if (!u->adj[i])
                    continue;
                int v = s->sems[i].val + u->adj[i];
                s->sems[i].val = v < 0 ? 0 : v > SEMVMX ? SEMVMX : v;
                s->sems[i].pid = t->tgid;
            }
            undo_free(u);
            update_queue(s);
        } else {
            undo_free(u);
        }
    }
    spin_unlock(&sem_lock);
    kfree(ul);
}

bool sem_row(int *index, struct ipc_row *r)
{
    spin_lock(&sem_lock);
    struct ipc_obj *o = ipc_next(&sem_table, index);
    if (o)
        *r = (struct ipc_row){ .perm = *o, .id = ipc_id(o), .nsems = (uint64_t)set_of(o)->nsems,
                               .time = { set_of(o)->otime, set_of(o)->ctime } };
    spin_unlock(&sem_lock);
    return o != NULL;
}

/* /proc/sys/kernel/sem: four numbers, tab-separated. */
static int sem_ctl_read(char *buf, size_t n)
{
    return snprintf(buf, n, "%d\t%d\t%d\t%d", READ_ONCE(lim_msl), READ_ONCE(lim_mns), READ_ONCE(lim_opm),
                    READ_ONCE(lim_mni));
}

/* Up to four numbers, as Linux's integer vectors read them.  A SEMMNI
 * outside [0, IPC_MNI] is ERANGE and keeps its old value, the others are
 * taken all the same (Linux). */
static int sem_ctl_write(const char *val, size_t len)
{
    int v[4];
    int n = 0;
    const char *p = val;
    while (n < 4) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            break;
        if (sysctl_parse_int(p, -0x7fffffff - 1, 0x7fffffff, &v[n]))
            return -EINVAL;
        n++;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
    }
    if (n == 0)
        return -EINVAL;
    bool bad_mni = n == 4 && (v[3] < 0 || v[3] > IPC_MNI);
    spin_lock(&sem_lock);
    for (int i = 0; i < n && i < (bad_mni ? 3 : 4); i++)
        sem_ctls[i] = v[i];
    spin_unlock(&sem_lock);
    return bad_mni ? -ERANGE : 0;
}

const struct sysctl_entry sem_sysctls[] = {
    { "sem", sem_ctl_read, sem_ctl_write },
    { NULL, NULL, NULL },
};
