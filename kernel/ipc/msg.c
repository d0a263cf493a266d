/*
 * System V message queues: msgget, msgsnd, msgrcv, msgctl.
 *
 * A queue is a list of typed messages, oldest first, in the System V
 * table of queues (include/ipc/ipc.h: keys, ids and permissions as for
 * shared memory and semaphores), at most msgmni of them.  msgsnd copies
 * the message in (at most msgmax bytes) and appends it, sleeping while the
 * queue holds msg_qbytes bytes or messages (EAGAIN with IPC_NOWAIT).
 * msgrcv takes the first message of a type: any (0), exactly mtype (> 0),
 * any but mtype (MSG_EXCEPT), or the lowest type up to -mtype (< 0);
 * sleeping while there is none (ENOMSG with IPC_NOWAIT).  A message longer
 * than the buffer stays queued (E2BIG) unless MSG_NOERROR cuts it;
 * MSG_COPY (with IPC_NOWAIT) copies the message at position mtype without
 * taking it.  A signal ends a sleep (restarted when no handler runs, as
 * on Linux); IPC_RMID wakes every sleeper with EIDRM.
 *
 * Locking: msg_lock (a spinlock) guards the table, every queue and the
 * totals; never held across a user copy or a sleep.  A queue is freed at
 * its last reference: the table's, and one per sleeper (its wait queues).
 */
#include <ipc/ipc.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/wait.h>
#include <lib/list.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/signal.h>

#define MSG_STAT 11
#define MSG_INFO 12
#define MSG_STAT_ANY 13
#define MSG_NOERROR 010000
#define MSG_EXCEPT 020000
#define MSG_COPY 040000
#define MSGMAX_DEFAULT 8192             /* Linux's defaults */
#define MSGMNB_DEFAULT 16384
#define MSGMNI_DEFAULT 32000
#define MSGSSZ 16
#define MSGPOOL (MSGMNI_DEFAULT * MSGMNB_DEFAULT / 1024)

/* The tunables /proc/sys/kernel/msg{max,mnb,mni}: read racily, written
 * under msg_lock. */
static int msgmax = MSGMAX_DEFAULT, msgmnb = MSGMNB_DEFAULT, msgmni = MSGMNI_DEFAULT;

struct kmsg {
    struct list_node node;
    long type;
    size_t len;
    char text[];
};

struct msg_queue {
    struct ipc_obj perm;
    int refs;
    bool removed;
    int64_t stime, rtime, ctime;
    pid_t lspid, lrpid;
    uint64_t cbytes, qnum, qbytes;
    struct list_node msgs;              /* of struct kmsg, oldest first */
    struct waitq readers, writers;
};

static struct spinlock msg_lock = SPINLOCK_INIT("msg");
static struct ipc_table msg_table = IPC_TABLE_INIT;    /* of struct msg_queue, under msg_lock */
static uint64_t msg_hdrs, msg_bytes;                    /* queued in every queue; under msg_lock */

static struct msg_queue *queue_of(struct ipc_obj *o) { return (struct msg_queue *)o; }

static struct msg_queue *queue_find(int id)
{
    struct ipc_obj *o = ipc_find_id(&msg_table, id);
    return o ? queue_of(o) : NULL;
}

/* Caller holds msg_lock. */
static void queue_put(struct msg_queue *q)
{
    if (--q->refs == 0)
        kfree(q);
}

static struct ipc_obj *queue_make(long arg)
{
    struct msg_queue *q = kzalloc(sizeof *q);
    if (!q)
        return NULL;
    q->refs = 1;
    q->qbytes = (uint64_t)READ_ONCE(msgmnb);
    q->ctime = ipc_now();
    list_init(&q->msgs);
    waitq_init(&q->readers);
    waitq_init(&q->writers);
    return &q->perm;
}

static void queue_unmake(struct ipc_obj *o) { kfree(o); }

static const struct ipc_kind msg_kind = {
    .lock = &msg_lock, .table = &msg_table, .limit = &msgmni, .make = queue_make, .unmake = queue_unmake,
};

static long sys_msgget(int32_t key, int flags)
{
    return ipc_get(&msg_kind, key, flags, 0);
}
SYSCALL_DEFINE(68, msgget);

static bool fits(const struct msg_queue *q, size_t len)
{
    return len + q->cbytes <= q->qbytes && 1 + q->qnum <= q->qbytes;
}

/* The queue id names, referenced, if the caller may access it as `want`;
 * else NULL with *err. */
static struct msg_queue *queue_get(int id, int want, long *err)
{
    spin_lock(&msg_lock);
    struct msg_queue *q = queue_find(id);
    *err = !q ? -EINVAL : ipc_access(&q->perm, want);
    if (*err)
        q = NULL;
    else
        q->refs++;
    spin_unlock(&msg_lock);
    return q;
}

/* Calls step(q, arg) under msg_lock until it returns anything but 1 (1:
 * sleep on wq, woken by a change); a removed queue is -EIDRM, a signal
 * while it would sleep -ERESTARTNOHAND.  Drops the caller's reference. */
static long queue_wait(struct msg_queue *q, struct waitq *wq, long (*step)(struct msg_queue *q, void *arg),
                       void *arg)
{
    struct wait_entry w;
    long r;
    for (;;) {
        prepare_to_wait(wq, &w);
        spin_lock(&msg_lock);
        r = q->removed ? -EIDRM : step(q, arg);
        if (r == 1 && signal_pending(current))
            r = -ERESTARTNOHAND;
        spin_unlock(&msg_lock);
        if (r != 1)
            break;
        schedule();
    }
    finish_wait(wq, &w);
    spin_lock(&msg_lock);
    queue_put(q);
    spin_unlock(&msg_lock);
    return r;
}

struct send_arg {
    struct kmsg *m;
    int flags;
};

/* msgsnd's step: 0 (queued), -EAGAIN, or 1 (full: sleep). */
static long try_send(struct msg_queue *q, void *p)
{
    struct send_arg *a = p;
    struct kmsg *m = a->m;
    if (!fits(q, m->len))
        return (a->flags & IPC_NOWAIT) ? -EAGAIN : 1;
    list_push_back(&q->msgs, &m->node);
    q->cbytes += m->len;
    q->qnum++;
    msg_hdrs++;
    msg_bytes += m->len;
    q->lspid = current->tgid;
    q->stime = ipc_now();
    waitq_wake_all(&q->readers);
    return 0;
}

static long sys_msgsnd(int id, const void __user *buf, size_t len, int flags)
{
    if (len > (size_t)READ_ONCE(msgmax) || (long)len < 0 || id < 0)
        return -EINVAL;
    long type;
    if (copy_from_user(&type, buf, sizeof type))
        return -EFAULT;
    if (type < 1)
        return -EINVAL;
    struct kmsg *m = kmalloc(sizeof *m + len);
    if (!m)
        return -ENOMEM;
    m->type = type;
    m->len = len;
    if (copy_from_user(m->text, (const char __user *)buf + sizeof type, len)) {
        kfree(m);
        return -EFAULT;
    }
    long r;
    struct msg_queue *q = queue_get(id, MAY_WRITE, &r);
    if (!q) {
        kfree(m);
        return r;
    }
    struct send_arg arg = { m, flags };
    r = queue_wait(q, &q->writers, try_send, &arg);
    if (r)
        kfree(m);
    return r;
}
SYSCALL_DEFINE(69, msgsnd);

/* The message msgrcv takes: see the top of the file.  Caller holds msg_lock. */
static struct kmsg *find_msg(struct msg_queue *q, long type, int flags)
{
    struct kmsg *best = NULL;
    long n = 0;
    list_for_each(p, &q->msgs) {
        struct kmsg *m = container_of(p, struct kmsg, node);
        if (flags & MSG_COPY) {
            if (n++ == type)
                return m;
        } else if (type == 0) {
            return m;
        } else if (type < 0) {
            long most = type == (long)(1UL << 63) ? 0x7fffffffffffffffL : -type;
            if (m->type <= most && (!best || m->type < best->type))
                best = m;
        } else if ((flags & MSG_EXCEPT) ? m->type != type : m->type == type) {
            return m;
        }
    }
    return best;
}

struct recv_arg {
    long type;
    int flags;
    size_t len;
    struct kmsg *got;                   /* taken, or MSG_COPY's copy */
};

/* msgrcv's step: 0 (a->got set), -E2BIG, -ENOMSG, -ENOMEM, or 1 (none: sleep). */
static long try_recv(struct msg_queue *q, void *p)
{
    struct recv_arg *a = p;
    struct kmsg *m = find_msg(q, a->type, a->flags);
    if (!m)
        return (a->flags & IPC_NOWAIT) ? -ENOMSG : 1;
    if (a->len < m->len && !(a->flags & MSG_NOERROR))
        return -E2BIG;
    if (a->flags & MSG_COPY) {
        size_t n = MIN(a->len, m->len);
        a->got = kmalloc(sizeof *a->got + n);
        if (!a->got)
            return -ENOMEM;
        a->got->type = m->type;
        a->got->len = n;
        memcpy(a->got->text, m->text, n);
        return 0;
    }
    list_remove(&m->node);
    q->cbytes -= m->len;
    q->qnum--;
    msg_hdrs--;
    msg_bytes -= m->len;
    q->lrpid = current->tgid;
    q->rtime = ipc_now();
    a->got = m;
    waitq_wake_all(&q->writers);
    return 0;
}

static long sys_msgrcv(int id, void __user *buf, size_t len, long type, int flags)
{
    if (id < 0 || (long)len < 0)
        return -EINVAL;
    if ((flags & MSG_COPY) && ((flags & MSG_EXCEPT) || !(flags & IPC_NOWAIT)))
        return -EINVAL;
    if (flags & MSG_COPY)
        len = MIN(len, (size_t)READ_ONCE(msgmax));
    long r;
    struct msg_queue *q = queue_get(id, MAY_READ, &r);
    if (!q)
        return r;
    struct recv_arg arg = { .type = type, .flags = flags, .len = len };
    r = queue_wait(q, &q->readers, try_recv, &arg);
    struct kmsg *got = arg.got;
    if (!got)
        return r;
    /* taken: a bad buffer loses it, as on Linux */
    size_t n = MIN(len, got->len);
    if (copy_to_user(buf, &got->type, sizeof got->type) ||
        copy_to_user((char __user *)buf + sizeof got->type, got->text, n))
        r = -EFAULT;
    else
        r = (long)n;
    kfree(got);
    return r;
}
SYSCALL_DEFINE(70, msgrcv);

/* struct msqid64_ds on x86-64. */
struct kmsqid_ds {
    struct kipc64_perm perm;
    int64_t stime, rtime, ctime;
    uint64_t cbytes, qnum, qbytes;
    int32_t lspid, lrpid;
    uint64_t unused4, unused5;
};
_Static_assert(sizeof(struct kmsqid_ds) == 120, "msqid64_ds is 120 bytes on x86-64");

struct kmsginfo {
    int32_t msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
    uint16_t msgseg;
};

static long msg_info(int cmd, void __user *buf)
{
    spin_lock(&msg_lock);
    struct kmsginfo i = { .msgmni = msgmni, .msgmax = msgmax, .msgmnb = msgmnb, .msgssz = MSGSSZ, .msgseg = 0xffff };
    if (cmd == MSG_INFO) {
        i.msgpool = msg_table.used;
        i.msgmap = (int32_t)MIN(msg_hdrs, 0x7fffffffULL);
        i.msgtql = (int32_t)MIN(msg_bytes, 0x7fffffffULL);
    } else {
        i.msgmap = MSGMNB_DEFAULT;
        i.msgpool = MSGPOOL;
        i.msgtql = MSGMNB_DEFAULT;
    }
    int max = msg_table.max_index;
    spin_unlock(&msg_lock);
    if (copy_to_user(buf, &i, sizeof i))
        return -EFAULT;
    return max < 0 ? 0 : max;
}

/* IPC_RMID: sleepers get EIDRM, the messages go.  Caller holds msg_lock. */
static void queue_remove(struct msg_queue *q)
{
    ipc_remove(&msg_table, &q->perm);
    q->removed = true;
    while (!list_empty(&q->msgs)) {
        struct kmsg *m = container_of(list_pop_front(&q->msgs), struct kmsg, node);
        msg_hdrs--;
        msg_bytes -= m->len;
        kfree(m);
    }
    waitq_wake_all(&q->readers);
    waitq_wake_all(&q->writers);
    queue_put(q);
}

static long sys_msgctl(int id, int cmd, struct kmsqid_ds __user *buf)
{
    if (id < 0 || cmd < 0)
        return -EINVAL;
    if (cmd == IPC_INFO || cmd == MSG_INFO)
        return msg_info(cmd, buf);
    if (cmd != IPC_STAT && cmd != MSG_STAT && cmd != MSG_STAT_ANY && cmd != IPC_SET && cmd != IPC_RMID)
        return -EINVAL;
    struct kmsqid_ds k;
    if (cmd == IPC_SET && copy_from_user(&k, buf, sizeof k))
        return -EFAULT;
    bool by_index = cmd == MSG_STAT || cmd == MSG_STAT_ANY;
    long r = 0;
    spin_lock(&msg_lock);
    struct ipc_obj *o = by_index ? ipc_find_index(&msg_table, id) : ipc_find_id(&msg_table, id);
    struct msg_queue *q = o ? queue_of(o) : NULL;
    if (!q) {
        r = -EINVAL;
    } else if (cmd == IPC_SET || cmd == IPC_RMID) {
        if (!ipc_owner(o, CAP_SYS_ADMIN))
            r = -EPERM;
        else if (cmd == IPC_RMID)
            queue_remove(q);
        else if (k.qbytes > (uint64_t)msgmnb && !capable(CAP_SYS_RESOURCE))
            r = -EPERM;
        else if (!(r = ipc_set_perm(o, &k.perm))) {
            q->qbytes = k.qbytes;
            q->ctime = ipc_now();
            waitq_wake_all(&q->writers);    /* there may be room now */
            waitq_wake_all(&q->readers);    /* and they may read no more */
        }
    } else if (cmd == MSG_STAT_ANY || !(r = ipc_access(o, MAY_READ))) {
        memset(&k, 0, sizeof k);
        ipc_fill_perm(&k.perm, o);
        k.stime = q->stime;
        k.rtime = q->rtime;
        k.ctime = q->ctime;
        k.cbytes = q->cbytes;
        k.qnum = q->qnum;
        k.qbytes = q->qbytes;
        k.lspid = q->lspid;
        k.lrpid = q->lrpid;
        r = by_index ? ipc_id(o) : 0;
    }
    spin_unlock(&msg_lock);
    if (r >= 0 && (cmd == IPC_STAT || by_index) && copy_to_user(buf, &k, sizeof k))
        r = -EFAULT;
    return r;
}
SYSCALL_DEFINE(71, msgctl);

bool msg_row(int *index, struct ipc_row *r)
{
    spin_lock(&msg_lock);
    struct ipc_obj *o = ipc_next(&msg_table, index);
    if (o) {
        struct msg_queue *q = queue_of(o);
        *r = (struct ipc_row){ .perm = *o, .id = ipc_id(o), .cbytes = q->cbytes, .qnum = q->qnum,
                               .pid = { q->lspid, q->lrpid }, .time = { q->stime, q->rtime, q->ctime } };
    }
    spin_unlock(&msg_lock);
    return o != NULL;
}

/* The tunables: an int each, as Linux reads them; msgmni at most IPC_MNI. */
static int read_int(int *v, char *buf, size_t n) { return snprintf(buf, n, "%d", READ_ONCE(*v)); }

static int write_int(int *v, const char *val, int max)
{
    int x;
    if (sysctl_parse_int(val, 0, max, &x))
        return -EINVAL;
    spin_lock(&msg_lock);
    *v = x;
    spin_unlock(&msg_lock);
    return 0;
}

static int msgmax_read(char *buf, size_t n) { return read_int(&msgmax, buf, n); }
static int msgmnb_read(char *buf, size_t n) { return read_int(&msgmnb, buf, n); }
static int msgmni_read(char *buf, size_t n) { return read_int(&msgmni, buf, n); }
static int msgmax_write(const char *val, size_t len) { return write_int(&msgmax, val, 0x7fffffff); }
static int msgmnb_write(const char *val, size_t len) { return write_int(&msgmnb, val, 0x7fffffff); }
static int msgmni_write(const char *val, size_t len) { return write_int(&msgmni, val, IPC_MNI); }

const struct sysctl_entry msg_sysctls[] = {
    { "msgmax", msgmax_read, msgmax_write },
    { "msgmnb", msgmnb_read, msgmnb_write },
    { "msgmni", msgmni_read, msgmni_write },
    { NULL, NULL, NULL },
};
