/*
 * POSIX message queues, as Linux has them (mq_overview(7)).
 *
 * A queue is a regular file of the "mqueue" file system: one instance,
 * made at boot; every `mount -t mqueue` shows it (init mounts it on
 * /dev/mqueue, as systemd does).  mq_open(name) looks `name` up in that instance's
 * root whether it is mounted or not; the name is what libc passes, its
 * leading '/' already gone: another '/', "." or ".." is EACCES, as Linux's
 * lookup says.  Through the file system, open(O_CREAT) makes a queue with
 * the default attributes, unlink removes one, reading one gives Linux's
 * status line (QSIZE: the bytes of the messages queued, NOTIFY, SIGNO,
 * NOTIFY_PID of the registration), and a descriptor from open(2) is as
 * good as one from mq_open.  A queue lives until it is unlinked and its
 * last descriptor closed.
 *
 * Messages are kept highest priority first, first in first out within a
 * priority.  A sender finding a receiver blocked hands the message over
 * directly (no notification then), and a receiver taking from a full
 * queue moves the first blocked sender's message in, as Linux's
 * "pipelined" operations do, so a message never waits in a queue that
 * has a blocked receiver.  Timeouts are absolute CLOCK_REALTIME times
 * (setting the clock moves them).
 *
 * mq_notify: one registration per queue (EBUSY for a second), fired and
 * removed when a message arrives on an empty queue with no receiver
 * blocked; a registration is the registering process's, removed by its
 * mq_notify(NULL) or when it closes any descriptor of the queue.
 * SIGEV_THREAD needs a netlink socket, which Tessera does not have: the
 * call fails as Linux's does for a socket of another family (EINVAL;
 * musl's mq_notify fails earlier, creating the socket, with
 * EAFNOSUPPORT).
 *
 * Limits: /proc/sys/fs/mqueue/ (msg_max, msgsize_max, queues_max,
 * msg_default, msgsize_default, with Linux's defaults and ranges).  A new
 * queue's size, computed as Linux does (the message bytes plus 48 bytes
 * per message and per priority node), is charged to its creator's real
 * user id and bounded by RLIMIT_MSGQUEUE (EMFILE); queues_max bounds the
 * queues alive (ENOSPC), unless CAP_SYS_RESOURCE, which also raises the
 * attribute limits to Linux's hard ones.
 *
 * Locking: the root's entries are protected by vfs_ns_lock (the VFS holds
 * it around the name-space hooks; mq_open and mq_unlink take it); a
 * queue's messages, waiters and registration by its `lock` ("mqueue",
 * docs/locking.md), under which waiters are woken; the per-user charges
 * and the count of queues by mq_users_lock ("mqueue_users").  The tunables
 * are read and written atomically.
 */
#include <fs/mount.h>
#include <fs/mqueue.h>
#include <fs/fsyscall.h>
#include <fs/namei.h>
#include <fs/poll.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/timekeeping.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/cred.h>
#include <proc/rlimit.h>
#include <proc/signal.h>
#include <sched/sched.h>

#define MQUEUE_MAGIC 0x19800202
#define MQ_PRIO_MAX 32768
#define HARD_MSGMAX 65536
#define HARD_MSGSIZEMAX (16 * 1024 * 1024)
#define MIN_MSGMAX 1
#define MIN_MSGSIZEMAX 128
#define FILENT_SIZE 80              /* st_size of a queue file, as Linux */
#define MSG_OVERHEAD 48             /* Linux's charge per message (its struct msg_msg) */
#define NODE_OVERHEAD 48            /* and per priority in use (struct posix_msg_tree_node) */
#define SI_MESGQ (-3)
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define NOTIFY_COOKIE_LEN 32
#define NSIG_MAX 64

struct mq_attr_k {
    int64_t flags, maxmsg, msgsize, curmsgs, reserved[4];
};

struct ksigevent_mq {
    uint64_t value;
    int32_t signo;
    int32_t notify;
    int32_t pad[12];
};
_Static_assert(sizeof(struct ksigevent_mq) == 64, "struct sigevent is 64 bytes");

struct kts_mq {
    int64_t sec, nsec;
};

struct mq_msg {
    struct list_node node;          /* in the queue's `msgs` */
    unsigned prio;
    size_t len;
    char data[];
};

/* A blocked sender or receiver, on its stack; queued in the queue's
 * `senders` or `receivers`.  The waker takes it off, moves the message and
 * sets `done` under the queue's lock. */
struct mq_waiter {
    struct list_node node;
    struct task *task;
    struct mq_msg *msg;             /* a sender's message; a receiver's, handed over */
    bool done;
};

struct mqueue {
    struct spinlock lock;
    long maxmsg, msgsize;           /* immutable */
    uid_t charged_uid;              /* immutable: whose RLIMIT_MSGQUEUE pays */
    uint64_t charged;               /* immutable: bytes charged */
    /* --- under lock --- */
    struct list_node msgs;          /* highest priority first, FIFO within one */
    long curmsgs;
    uint64_t qsize;                 /* bytes of the messages queued */
    struct list_node senders, receivers;
    pid_t notify_pid;               /* the registered process, 0: none */
    int notify, signo;              /* SIGEV_*, the signal */
    uint64_t value;                 /* sigev_value */
    struct waitq poll_wait;         /* pollers and epoll */
};

/* A name in the root; the entry holds a reference to the queue's vnode. */
struct mq_entry {
    struct list_node node;          /* in mq_entries, cookies ascending */
    struct vnode *v;
    uint64_t cookie;                /* readdir position */
    size_t len;
    char name[NAME_MAX + 1];
};

static struct superblock mq_sb = { .name = "mqueue", .magic = MQUEUE_MAGIC };
static struct vnode *mq_root;                       /* permanent */
static struct list_node mq_entries = LIST_INIT(mq_entries);   /* vfs_ns_lock */
static uint64_t mq_next_cookie = 2;                 /* vfs_ns_lock */

/* The tunables, Linux's defaults (atomic). */
static int msg_max = 10, msgsize_max = 8192, queues_max = 256, msg_default = 10, msgsize_default = 8192;

/* Bytes charged per real user id. */
struct mq_user {
    struct list_node node;
    uid_t uid;
    uint64_t bytes;
};
static struct spinlock mq_users_lock = SPINLOCK_INIT("mqueue_users");
static struct list_node mq_users = LIST_INIT(mq_users);   /* mq_users_lock */
static int nr_queues;                                      /* mq_users_lock */

static const struct file_ops mq_fops;

struct vnode *mqueue_root(void) { return mq_root; }

/* ---------------------------------------------------------------- accounting */

/* Counts a new queue of `bytes` for the current task's real user: ENOSPC
 * past queues_max, EMFILE past RLIMIT_MSGQUEUE. */
static int charge(uid_t uid, uint64_t bytes, bool privileged)
{
    struct mq_user *fresh = kzalloc(sizeof(*fresh));
    uint64_t limit = rlimit_cur(current, RLIMIT_MSGQUEUE);
    int err = 0;
    spin_lock(&mq_users_lock);
    struct mq_user *u = NULL;
    list_for_each(n, &mq_users) {
        struct mq_user *c = container_of(n, struct mq_user, node);
        if (c->uid == uid)
            u = c;
    }
    if (nr_queues >= READ_ONCE(queues_max) && !privileged)
        err = -ENOSPC;
    else if ((u ? u->bytes : 0) + bytes > limit || (u ? u->bytes : 0) + bytes < bytes)
        err = -EMFILE;
    else if (!u && !fresh)
        err = -ENOMEM;
    if (!err) {
        if (!u) {
            u = fresh;
            fresh = NULL;
            u->uid = uid;
            list_push_back(&mq_users, &u->node);
        }
        u->bytes += bytes;
        nr_queues++;
    }
    spin_unlock(&mq_users_lock);
    kfree(fresh);
    return err;
}

static void uncharge(uid_t uid, uint64_t bytes)
{
    struct mq_user *gone = NULL;
    spin_lock(&mq_users_lock);
    nr_queues--;
    list_for_each(n, &mq_users) {
        struct mq_user *c = container_of(n, struct mq_user, node);
        if (c->uid == uid) {
            c->bytes -= bytes;
            if (!c->bytes) {
                list_remove(&c->node);
                gone = c;
            }
            break;
        }
    }
    spin_unlock(&mq_users_lock);
    kfree(gone);
}

/* ---------------------------------------------------------------- queues */

static void queue_destroy(struct vnode *v)
{
    struct mqueue *q = v->priv;
    if (!q)
        return;
    while (!list_empty(&q->msgs))
        kfree(container_of(list_pop_front(&q->msgs), struct mq_msg, node));
    uncharge(q->charged_uid, q->charged);
    waitq_release(&q->poll_wait);
    kfree(q);
}

static const struct vnode_ops mq_node_ops = { .destroy = queue_destroy };

/* A new queue vnode in the root (mode: permission bits, umask applied),
 * with attr's sizes or the defaults; *out referenced.  vfs_ns_lock held. */
static int queue_new(mode_t mode, const struct mq_attr_k *attr, struct vnode **out)
{
    bool privileged = capable(CAP_SYS_RESOURCE);
    int64_t maxmsg = MIN(READ_ONCE(msg_max), READ_ONCE(msg_default));
    int64_t msgsize = MIN(READ_ONCE(msgsize_max), READ_ONCE(msgsize_default));
    if (attr) {
        maxmsg = attr->maxmsg;
        msgsize = attr->msgsize;
    }
    if (maxmsg <= 0 || msgsize <= 0)
        return -EINVAL;
    if (privileged ? maxmsg > HARD_MSGMAX || msgsize > HARD_MSGSIZEMAX
                   : maxmsg > READ_ONCE(msg_max) || msgsize > READ_ONCE(msgsize_max))
        return -EINVAL;
    uint64_t bytes = (uint64_t)maxmsg * (uint64_t)msgsize + (uint64_t)maxmsg * MSG_OVERHEAD +
                     (uint64_t)MIN(maxmsg, MQ_PRIO_MAX) * NODE_OVERHEAD;
    struct mqueue *q = kzalloc(sizeof(*q));
    if (!q)
        return -ENOMEM;
    uid_t uid = current ? current->uid : 0;
    int err = charge(uid, bytes, privileged);
    if (err) {
        kfree(q);
        return err;
    }
    spin_init(&q->lock, "mqueue");
    q->maxmsg = (long)maxmsg;
    q->msgsize = (long)msgsize;
    q->charged_uid = uid;
    q->charged = bytes;
    list_init(&q->msgs);
    list_init(&q->senders);
    list_init(&q->receivers);
    waitq_init(&q->poll_wait);
    struct vnode *v = vnode_alloc(&mq_sb, &mq_node_ops, S_IFREG | (mode & S_IALLUGO));
    if (!v) {
        uncharge(uid, bytes);
        kfree(q);
        return -ENOMEM;
    }
    cred_init_new_file(v, mq_root);
    v->size = FILENT_SIZE;
    v->priv = q;
    v->fops = &mq_fops;
    v->fops_priv = q;
    *out = v;
    return 0;
}

/* ---------------------------------------------------------------- the root */

static struct mq_entry *find_entry(const char *name, size_t len)
{
    list_for_each(n, &mq_entries) {
        struct mq_entry *e = container_of(n, struct mq_entry, node);
        if (e->len == len && !memcmp(e->name, name, len))
            return e;
    }
    return NULL;
}

static int mq_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct mq_entry *e = find_entry(name, len);
    if (!e)
        return -ENOENT;
    vnode_get(e->v);
    *out = e->v;
    return 0;
}

static int mq_readdir(struct vnode *dir, struct dir_ctx *ctx)
{
    list_for_each(n, &mq_entries) {
        struct mq_entry *e = container_of(n, struct mq_entry, node);
        if (e->cookie < ctx->pos)
            continue;
        if (!dir_emit(ctx, e->name, e->len, e->v->ino, DT_REG, e->cookie + 1))
            return 0;
    }
    return 0;
}

/* Names a new queue; *out referenced.  vfs_ns_lock held. */
static int make_queue(const char *name, size_t len, mode_t mode, const struct mq_attr_k *attr, struct vnode **out)
{
    struct mq_entry *e = kzalloc(sizeof(*e));
    if (!e)
        return -ENOMEM;
    int err = queue_new(mode, attr, &e->v);
    if (err) {
        kfree(e);
        return err;
    }
    memcpy(e->name, name, len);
    e->len = len;
    e->cookie = mq_next_cookie++;
    list_push_back(&mq_entries, &e->node);
    vnode_touch(mq_root, false, true, true);
    vnode_get(e->v);
    *out = e->v;
    return 0;
}

static int mq_create(struct vnode *dir, const char *name, size_t len, mode_t mode, dev_t rdev, struct vnode **out)
{
    if (!S_ISREG(mode))
        return -EPERM;              /* Linux's mqueue has no mknod */
    if (find_entry(name, len))
        return -EEXIST;
    return make_queue(name, len, mode, NULL, out);
}

/* Takes a name away; the queue lives on while open.  vfs_ns_lock held. */
static int mq_unlink_name(struct vnode *dir, const char *name, size_t len)
{
    struct mq_entry *e = find_entry(name, len);
    if (!e)
        return -ENOENT;
    list_remove(&e->node);
    vnode_drop_link(e->v);
    vnode_put(e->v);
    kfree(e);
    vnode_touch(mq_root, false, true, true);
    return 0;
}

static const struct vnode_ops mq_dir_ops = { .lookup = mq_lookup, .readdir = mq_readdir, .create = mq_create,
                                             .unlink = mq_unlink_name };

/* ---------------------------------------------------------------- messages */

/* Queues m in priority order.  q->lock held. */
static void insert_msg(struct mqueue *q, struct mq_msg *m)
{
    struct list_node *before = &q->msgs;
    list_for_each(n, &q->msgs)
        if (container_of(n, struct mq_msg, node)->prio < m->prio) {
            before = n;
            break;
        }
    list_insert_between(&m->node, before->prev, before);
    q->curmsgs++;
    q->qsize += m->len;
}

struct notification {
    pid_t pid;
    int notify, signo;
    uint64_t value;
};

/* The registration, removed: fired by a message on an empty queue.
 * q->lock held. */
static struct notification take_notification(struct mqueue *q)
{
    struct notification n = { .pid = q->notify_pid, .notify = q->notify, .signo = q->signo, .value = q->value };
    q->notify_pid = 0;
    q->notify = q->signo = 0;
    q->value = 0;
    return n;
}

/* Sends a fired registration's signal (no lock held). */
static void notify(const struct notification *n)
{
    if (!n->pid || n->notify != SIGEV_SIGNAL || !n->signo)
        return;
    siginfo_t info = { 0 };
    info.si_signo = n->signo;
    info.si_code = SI_MESGQ;
    info.u.rt.pid = current->tgid;
    info.u.rt.uid = current->uid;
    info.u.rt.value = n->value;
    spin_lock(&tasks_lock);
    struct task *t = task_find(n->pid);
    if (t && t->pid == t->tgid)
        signal_send_process(t, n->signo, &info);
    spin_unlock(&tasks_lock);
}

/* The time_ns() moment the wall clock reads `wall` (never 0). */
static uint64_t wall_deadline(uint64_t wall)
{
    uint64_t now = time_realtime_ns(), mono = time_ns();
    return wall > now ? mono + (wall - now) : (mono ? mono : 1);
}

/* Blocks the caller as w on `list` until a waker is done with it, a
 * signal (-ERESTARTSYS) or the wall-clock time `wall` (-ETIMEDOUT; 0: no
 * timeout).  Called with q->lock held, returns with it released. */
static int queue_wait(struct mqueue *q, struct list_node *list, struct mq_waiter *w, uint64_t wall)
{
    struct task *t = current;
    w->task = t;
    w->done = false;
    list_push_back(list, &w->node);
    struct wait_entry cw;           /* a timed wait: woken when the clock is set */
    int r;
    for (;;) {
        spin_unlock(&q->lock);
        if (wall)
            clock_set_prepare_wait(&cw);
        spin_lock(&q->lock);
        if (w->done) {
            r = 0;
            break;
        }
        t->state = TASK_BLOCKED;    /* a wake from here on makes schedule() return */
        spin_unlock(&q->lock);
        bool pending = signal_pending(t);
        if (!pending)
            schedule_until(wall ? wall_deadline(wall) : 0);
        t->state = TASK_RUNNING;
        spin_lock(&q->lock);
        if (w->done) {
            r = 0;
            break;
        }
        if (pending || signal_pending(t)) {
            r = -ERESTARTSYS;
            list_remove(&w->node);
            break;
        }
        if (wall && time_realtime_ns() >= wall) {
            r = -ETIMEDOUT;
            list_remove(&w->node);
            break;
        }
    }
    spin_unlock(&q->lock);
    if (wall)
        clock_set_finish_wait(&cw);
    return r;
}

/* An absolute timeout from user space: 0 with *wall (0 for none), -EFAULT
 * or -EINVAL (checked whether or not the call would block, as Linux 4.x+). */
static int read_timeout(long uts, uint64_t *wall)
{
    *wall = 0;
    if (!uts)
        return 0;
    struct kts_mq ts;
    if (copy_from_user(&ts, (const void __user *)uts, sizeof(ts)))
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    *wall = (uint64_t)ts.sec * NSEC_PER_SEC + (uint64_t)ts.nsec;
    if (!*wall)
        *wall = 1;
    return 0;
}

/* The queue behind descriptor fd, with the file referenced in *fp; NULL
 * (EBADF) for another kind of file, or one not open for `need` (O_RDONLY:
 * reading, O_WRONLY: writing, -1: anything). */
static struct mqueue *queue_of(long fd, int need, struct file **fp)
{
    struct file *f = fd_get((int)fd);
    if (!f)
        return NULL;
    int acc = f->flags & O_ACCMODE;
    if (f->ops != &mq_fops || (need >= 0 && acc != need && acc != O_RDWR)) {
        file_put(f);
        return NULL;
    }
    *fp = f;
    return f->private_data;
}

static long sys_mq_timedsend(long mqdes, long uptr, long len, long prio, long uts)
{
    uint64_t wall;
    int err = read_timeout(uts, &wall);
    if (err)
        return err;
    if ((unsigned int)prio >= MQ_PRIO_MAX)
        return -EINVAL;
    struct file *f;
    struct mqueue *q = queue_of(mqdes, O_WRONLY, &f);
    if (!q)
        return -EBADF;
    if ((size_t)len > (size_t)q->msgsize) {
        file_put(f);
        return -EMSGSIZE;
    }
    struct mq_msg *m = kmalloc(sizeof(*m) + (size_t)len);
    if (!m) {
        file_put(f);
        return -ENOMEM;
    }
    m->len = (size_t)len;
    m->prio = (unsigned)prio;
    if (copy_from_user(m->data, (const void __user *)uptr, (size_t)len)) {
        kfree(m);
        file_put(f);
        return -EFAULT;
    }
    struct notification n = { 0 };
    spin_lock(&q->lock);
    if (q->curmsgs >= q->maxmsg) {
        if (READ_ONCE(f->flags) & O_NONBLOCK) {
            spin_unlock(&q->lock);
            err = -EAGAIN;
        } else {
            struct mq_waiter w = { .msg = m };
            err = queue_wait(q, &q->senders, &w, wall);
        }
        if (err)
            kfree(m);
    } else {
        if (!list_empty(&q->receivers)) {
            struct mq_waiter *r = container_of(list_pop_front(&q->receivers), struct mq_waiter, node);
            r->msg = m;
            r->done = true;
            sched_wake(r->task);
        } else {
            insert_msg(q, m);
            if (q->curmsgs == 1 && q->notify_pid)
                n = take_notification(q);
            waitq_wake_all(&q->poll_wait);
        }
        spin_unlock(&q->lock);
    }
    if (!err) {
        vnode_touch(f->vnode, true, true, true);
        notify(&n);
    }
    file_put(f);
    return err;
}
SYSCALL_DEFINE(242, mq_timedsend);

static long sys_mq_timedreceive(long mqdes, long uptr, long len, long uprio, long uts)
{
    uint64_t wall;
    int err = read_timeout(uts, &wall);
    if (err)
        return err;
    struct file *f;
    struct mqueue *q = queue_of(mqdes, O_RDONLY, &f);
    if (!q)
        return -EBADF;
    if ((size_t)len < (size_t)q->msgsize) {
        file_put(f);
        return -EMSGSIZE;
    }
    struct mq_msg *m = NULL;
    spin_lock(&q->lock);
    if (q->curmsgs == 0) {
        if (READ_ONCE(f->flags) & O_NONBLOCK) {
            spin_unlock(&q->lock);
            err = -EAGAIN;
        } else {
            struct mq_waiter w = { 0 };
            err = queue_wait(q, &q->receivers, &w, wall);
            m = w.msg;
        }
    } else {
        m = container_of(list_pop_front(&q->msgs), struct mq_msg, node);
        q->curmsgs--;
        q->qsize -= m->len;
        if (!list_empty(&q->senders)) {     /* room: the first blocked sender's message goes in */
            struct mq_waiter *s = container_of(list_pop_front(&q->senders), struct mq_waiter, node);
            insert_msg(q, s->msg);
            s->done = true;
            sched_wake(s->task);
        } else {
            waitq_wake_all(&q->poll_wait);
        }
        spin_unlock(&q->lock);
    }
    if (err) {
        file_put(f);
        return err;
    }
    vnode_touch(f->vnode, true, true, true);
    long ret = (long)m->len;
    /* the message is taken by now, as on Linux, whatever the copy says */
    if ((uprio && copy_to_user((void __user *)uprio, &m->prio, sizeof(unsigned))) ||
        copy_to_user((void __user *)uptr, m->data, m->len))
        ret = -EFAULT;
    kfree(m);
    file_put(f);
    return ret;
}
SYSCALL_DEFINE(243, mq_timedreceive);

/* ---------------------------------------------------------------- open, unlink */

/* A queue name as mq_open and mq_unlink take it: EACCES for what Linux's
 * lookup refuses, ENAMETOOLONG past NAME_MAX. */
static int check_name(const char *name, size_t len)
{
    if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
        return -EACCES;
    if (strchr(name, '/'))
        return -EACCES;
    return len > NAME_MAX ? -ENAMETOOLONG : 0;
}

/* The user's name, checked: an empty one is ENOENT, as Linux's getname. */
static int name_from_user(long uname, char **name, size_t *len)
{
    int err = path_from_user((const char __user *)uname, name);
    if (err)
        return err;
    *len = strlen(*name);
    err = !*len ? -ENOENT : check_name(*name, *len);
    if (err)
        kfree(*name);
    return err;
}

static long sys_mq_open(long uname, long oflag, long mode, long uattr)
{
    struct mq_attr_k attr;
    if (uattr && copy_from_user(&attr, (const void __user *)uattr, sizeof(attr)))
        return -EFAULT;
    char *name;
    size_t len;
    int err = name_from_user(uname, &name, &len);
    if (err)
        return err;
    int acc = (int)oflag & O_ACCMODE;
    struct vnode *v = NULL;
    vfs_lock();
    struct mq_entry *e = find_entry(name, len);
    if (!e) {
        if (!(oflag & O_CREAT))
            err = -ENOENT;
        else if (!(err = vnode_permission(mq_root, MAY_WRITE | MAY_EXEC)))
            err = make_queue(name, len, (mode_t)mode & ~task_umask(current), uattr ? &attr : NULL, &v);
    } else if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
        err = -EEXIST;
    } else if (acc == O_ACCMODE) {
        err = -EINVAL;
    } else {
        static const int acc_mask[3] = { MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE };
        err = vnode_permission(e->v, acc_mask[acc]);
        if (!err) {
            v = e->v;
            vnode_get(v);
        }
    }
    vfs_unlock();
    kfree(name);
    if (err)
        return err;
    struct file *f;
    err = vfs_open_vnode(v, (int)oflag & (O_ACCMODE | O_NONBLOCK), &f);
    vnode_put(v);
    if (err)
        return err;
    int fd = fd_install(f, O_CLOEXEC);   /* always close-on-exec, as Linux */
    if (fd < 0)
        file_put(f);
    return fd;
}
SYSCALL_DEFINE(240, mq_open);

static long sys_mq_unlink(long uname)
{
    char *name;
    size_t len;
    int err = name_from_user(uname, &name, &len);
    if (err)
        return err;
    vfs_lock();
    struct mq_entry *e = find_entry(name, len);
    if (!e)
        err = -ENOENT;
    else if (!(err = vnode_permission(mq_root, MAY_WRITE | MAY_EXEC)))
        /* another user's queue: EACCES, as Linux's mq_unlink answers */
        err = sticky_check(mq_root, e->v) ? -EACCES : mq_unlink_name(mq_root, name, len);
    vfs_unlock();
    kfree(name);
    return err;
}
SYSCALL_DEFINE(241, mq_unlink);

/* ---------------------------------------------------------------- notify, attributes */

static long sys_mq_notify(long mqdes, long usev)
{
    struct ksigevent_mq sev;
    if (usev) {
        if (copy_from_user(&sev, (const void __user *)usev, sizeof(sev)))
            return -EFAULT;
        if (sev.notify != SIGEV_NONE && sev.notify != SIGEV_SIGNAL && sev.notify != SIGEV_THREAD)
            return -EINVAL;
        if (sev.notify == SIGEV_SIGNAL && (unsigned)sev.signo > NSIG_MAX)
            return -EINVAL;
        if (sev.notify == SIGEV_THREAD) {
            /* the cookie, then the netlink socket sigev_signo names: there
             * are none, so a socket is of another family */
            char cookie[NOTIFY_COOKIE_LEN];
            if (copy_from_user(cookie, (const void __user *)sev.value, sizeof(cookie)))
                return -EFAULT;
            struct file *s = fd_get(sev.signo);
            if (!s)
                return -EBADF;
            int err = s->vnode->type == VSOCK ? -EINVAL : -ENOTSOCK;
            file_put(s);
            return err;
        }
    }
    struct file *f;
    struct mqueue *q = queue_of(mqdes, -1, &f);
    if (!q)
        return -EBADF;
    pid_t me = current->tgid;
    int err = 0;
    spin_lock(&q->lock);
    if (!usev) {
        if (q->notify_pid == me)
            take_notification(q);
    } else if (q->notify_pid) {
        err = -EBUSY;
    } else {
        q->notify_pid = me;
        q->notify = sev.notify;
        q->signo = sev.notify == SIGEV_SIGNAL ? sev.signo : 0;
        q->value = sev.notify == SIGEV_SIGNAL ? sev.value : 0;
    }
    spin_unlock(&q->lock);
    if (!err)
        vnode_touch(f->vnode, true, false, true);
    file_put(f);
    return err;
}
SYSCALL_DEFINE(244, mq_notify);

static long sys_mq_getsetattr(long mqdes, long unew, long uold)
{
    struct mq_attr_k nattr, oattr;
    if (unew && copy_from_user(&nattr, (const void __user *)unew, sizeof(nattr)))
        return -EFAULT;
    if (unew && (nattr.flags & ~(int64_t)O_NONBLOCK))
        return -EINVAL;
    struct file *f;
    struct mqueue *q = queue_of(mqdes, -1, &f);
    if (!q)
        return -EBADF;
    spin_lock(&q->lock);
    memset(&oattr, 0, sizeof(oattr));
    oattr.flags = READ_ONCE(f->flags) & O_NONBLOCK;
    oattr.maxmsg = q->maxmsg;
    oattr.msgsize = q->msgsize;
    oattr.curmsgs = q->curmsgs;
    if (unew) {
        int fl = READ_ONCE(f->flags), want;
        do
            want = (nattr.flags & O_NONBLOCK) ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
        while (!__atomic_compare_exchange_n(&f->flags, &fl, want, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    }
    spin_unlock(&q->lock);
    if (unew)
        vnode_touch(f->vnode, true, false, true);
    file_put(f);
    if (uold && copy_to_user((void __user *)uold, &oattr, sizeof(oattr)))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(245, mq_getsetattr);

/* ---------------------------------------------------------------- the file */

static ssize_t mq_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct mqueue *q = f->private_data;
    char line[FILENT_SIZE];
    spin_lock(&q->lock);
    int n = snprintf(line, sizeof(line), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
                     (unsigned long)q->qsize, q->notify_pid ? q->notify : 0,
                     q->notify_pid && q->notify == SIGEV_SIGNAL ? q->signo : 0, (int)q->notify_pid);
    spin_unlock(&q->lock);
    if (n >= (int)sizeof(line))
        n = (int)sizeof(line) - 1;
    if (*off >= (uint64_t)n)
        return 0;
    size_t c = MIN(len, (size_t)n - (size_t)*off);
    if (iob_copy_to(buf, 0, line + *off, c))
        return -EFAULT;
    *off += c;
    vnode_touch(f->vnode, true, false, true);
    return (ssize_t)c;
}

static unsigned int mq_poll(struct file *f, struct poll_table *pt)
{
    struct mqueue *q = f->private_data;
    poll_wait(pt, &q->poll_wait);
    spin_lock(&q->lock);
    unsigned mask = 0;
    if (q->curmsgs)
        mask |= POLLIN | POLLRDNORM;
    if (q->curmsgs < q->maxmsg)
        mask |= POLLOUT | POLLWRNORM;
    spin_unlock(&q->lock);
    return mask;
}

/* A descriptor closed: the closing process's registration goes. */
static void mq_flush(struct file *f)
{
    struct mqueue *q = f->private_data;
    if (!current)
        return;
    spin_lock(&q->lock);
    if (q->notify_pid == current->tgid)
        take_notification(q);
    spin_unlock(&q->lock);
}

static const struct file_ops mq_fops = {
    .read = mq_read, .lseek = generic_file_lseek, .poll = mq_poll, .flush = mq_flush,
};

/* ---------------------------------------------------------------- tunables */

static int read_int(char *buf, size_t n, const int *var) { return snprintf(buf, n, "%d\n", READ_ONCE(*var)); }

static int write_int(const char *val, int *var, int min, int max)
{
    int v;
    int err = sysctl_parse_int(val, min, max, &v);
    if (!err)
        WRITE_ONCE(*var, v);
    return err;
}

static int msg_max_read(char *buf, size_t n) { return read_int(buf, n, &msg_max); }
static int msg_max_write(const char *val, size_t len) { return write_int(val, &msg_max, MIN_MSGMAX, HARD_MSGMAX); }
static int msgsize_max_read(char *buf, size_t n) { return read_int(buf, n, &msgsize_max); }
static int msgsize_max_write(const char *val, size_t len)
{
    return write_int(val, &msgsize_max, MIN_MSGSIZEMAX, HARD_MSGSIZEMAX);
}
static int queues_max_read(char *buf, size_t n) { return read_int(buf, n, &queues_max); }
static int queues_max_write(const char *val, size_t len) { return write_int(val, &queues_max, -2147483647 - 1, 2147483647); }
static int msg_default_read(char *buf, size_t n) { return read_int(buf, n, &msg_default); }
static int msg_default_write(const char *val, size_t len)
{
    return write_int(val, &msg_default, MIN_MSGMAX, HARD_MSGMAX);
}
static int msgsize_default_read(char *buf, size_t n) { return read_int(buf, n, &msgsize_default); }
static int msgsize_default_write(const char *val, size_t len)
{
    return write_int(val, &msgsize_default, MIN_MSGSIZEMAX, HARD_MSGSIZEMAX);
}

const struct sysctl_entry mqueue_sysctls[] = {
    { "fs/mqueue/msg_default", msg_default_read, msg_default_write },
    { "fs/mqueue/msg_max", msg_max_read, msg_max_write },
    { "fs/mqueue/msgsize_default", msgsize_default_read, msgsize_default_write },
    { "fs/mqueue/msgsize_max", msgsize_max_read, msgsize_max_write },
    { "fs/mqueue/queues_max", queues_max_read, queues_max_write },
    { NULL, NULL, NULL },
};

/* ---------------------------------------------------------------- boot */

void mqueue_init(void)
{
    mq_sb.dev = mount_anon_dev();
    mq_root = vnode_alloc(&mq_sb, &mq_dir_ops, S_IFDIR | 01777);
    if (!mq_root)
        panic("mqueue: out of memory");
    mq_root->ino = 1;
    mq_root->nlink = 2;
}
