/*
 * AF_UNIX sockets (see include/net/unix.h): creation, names (a socket node
 * in the file system, an abstract name, autobind), listen/connect/accept,
 * shutdown, close, poll, ioctl and the socket options.  Messages are in
 * unix_io.c.
 *
 * Connections work as Linux's do: connect makes the server end at once
 * (an "embryo" on the listener's `pending` list, already connected to the
 * client, which may send to it), and accept hands it a file.  A full
 * backlog (more pending than listen's backlog) makes a non-blocking
 * connect fail with EAGAIN and a blocking one wait.  Closing a stream or
 * seqpacket socket shuts its peer down both ways, with ECONNRESET if it
 * left data unread; a closed listener resets its embryos' clients.  A
 * datagram peer that closed is found out by the next send (ECONNREFUSED).
 */
#include <fs/namei.h>
#include <fs/path.h>
#include <fs/poll.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <net/unix.h>
#include <proc/cred.h>
#include <proc/signal.h>
#include <uapi/termios.h>

#define ABSTRACT_BUCKETS 64

static struct spinlock names_lock = SPINLOCK_INIT("unix_names");
static struct unix_sock *abstract_table[ABSTRACT_BUCKETS];   /* chains through hnext */
static uint32_t autobind_next;

/* Datagram pollers connected to a peer whose queue is full sleep here:
 * their peer may go away while they poll, its own queues with it. */
struct waitq unix_room_poll = WAITQ_INIT(unix_room_poll);

static const struct file_ops unix_fops;

bool unix_is_socket(struct file *f) { return f->ops == &unix_fops; }

struct linux_ucred unix_current_cred(bool effective)
{
    struct task *t = current;
    return (struct linux_ucred){.pid = t->tgid, .uid = effective ? t->euid : t->uid,
                                .gid = effective ? t->egid : t->gid};
}

uint64_t unix_deadline(int64_t timeo_ns) { return timeo_ns > 0 ? time_ns() + (uint64_t)timeo_ns : 0; }

void unix_room_wake(void) { waitq_wake_all(&unix_room_poll); }

/* ------------------------------------------------------------------ objects */

void unix_get(struct unix_sock *s) { __atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED); }

void unix_addr_put(struct unix_addr *a)
{
    if (a && __atomic_sub_fetch(&a->refs, 1, __ATOMIC_ACQ_REL) == 0)
        kfree(a);
}

struct unix_addr *unix_addr_get(struct unix_addr *a)
{
    if (a)
        __atomic_add_fetch(&a->refs, 1, __ATOMIC_RELAXED);
    return a;
}

void unix_put(struct unix_sock *s)
{
    if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL))
        return;
    struct list_node msgs;
    list_init(&msgs);
    unix_queue_steal(s, &msgs);         /* empty once closed; an embryo never connected may hold none */
    unix_free_msgs(&msgs);
    unix_addr_put(s->addr);
    kfree(s);
}

static struct unix_sock *sock_alloc(int type)
{
    struct unix_sock *s = kzalloc(sizeof(*s));
    if (!s)
        return NULL;
    s->refs = 1;
    s->type = type;
    spin_init(&s->lock, "unix");
    s->state = UNIX_UNCONNECTED;
    list_init(&s->queue);
    list_init(&s->pending);
    list_init(&s->pending_node);
    list_init(&s->gc_node);
    list_init(&s->gc_work);
    s->peercred = (struct linux_ucred){.pid = 0, .uid = (uint32_t)-1, .gid = (uint32_t)-1};
    s->sndbuf = s->rcvbuf = UNIX_BUF_DEFAULT;
    s->rcvlowat = 1;
    waitq_init(&s->rd_wait);
    waitq_init(&s->wr_wait);
    waitq_init(&s->room_wait);
    fasync_list_init(&s->fasync);
    mutex_init(&s->iolock, "unix_io");
    return s;
}

/* A file for s (taking over the caller's reference). */
static struct file *sock_file(struct unix_sock *s, int flags)
{
    struct file *f = file_alloc_mode(&unix_fops, s, O_RDWR | (flags & O_NONBLOCK), S_IFSOCK | 0777);
    if (f)
        s->file = f;
    return f;
}

int unix_create(int type, int flags, struct file **out)
{
    struct unix_sock *s = sock_alloc(type);
    if (!s)
        return -ENOMEM;
    if (!(*out = sock_file(s, flags))) {
        unix_put(s);
        return -ENOMEM;
    }
    return 0;
}

/* Locks two sockets in address order (a and b may be the same). */
static void lock2(struct unix_sock *a, struct unix_sock *b) { spin_lock_two(&a->lock, &b->lock); }
static void unlock2(struct unix_sock *a, struct unix_sock *b) { spin_unlock_two(&a->lock, &b->lock); }

static void wake_all(struct unix_sock *s)
{
    waitq_wake_all(&s->rd_wait);
    waitq_wake_all(&s->wr_wait);
    waitq_wake_all(&s->room_wait);
}

int unix_socketpair(int type, int flags, struct file **fa, struct file **fb)
{
    struct unix_sock *a = sock_alloc(type), *b = sock_alloc(type);
    if (!a || !b || !(*fa = sock_file(a, flags))) {
        unix_put(a);
        unix_put(b);
        return -ENOMEM;
    }
    if (!(*fb = sock_file(b, flags))) {
        file_put(*fa);
        unix_put(b);
        return -ENOMEM;
    }
    /* nobody else sees them yet: no locks */
    unix_get(a);
    unix_get(b);
    a->peer = b;
    b->peer = a;
    a->state = b->state = UNIX_CONNECTED;
    a->peercred = b->peercred = unix_current_cred(true);
    return 0;
}

/* ------------------------------------------------------------------ names */

int unix_check_addr(const struct linux_sockaddr_un *addr, int len)
{
    if (len <= (int)offsetof(struct linux_sockaddr_un, sun_path) || len > (int)sizeof(*addr))
        return -EINVAL;
    return addr->sun_family == AF_UNIX ? 0 : -EINVAL;
}

static uint32_t name_hash(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)p[i]) * 16777619u;
    return h;
}

static struct unix_addr *addr_new(const struct linux_sockaddr_un *sun, unsigned len)
{
    struct unix_addr *a = kzalloc(sizeof(*a));
    if (!a)
        return NULL;
    a->refs = 1;
    a->len = len;
    memcpy(a->raw, sun, MIN((size_t)len, sizeof(*sun)));
    a->sun.sun_family = AF_UNIX;
    a->hash = name_hash(a->sun.sun_path, len - offsetof(struct linux_sockaddr_un, sun_path));
    return a;
}

static bool abstract_equal(const struct unix_addr *a, const struct unix_addr *b)
{
    return a->len == b->len && memcmp(a->raw, b->raw, a->len) == 0;
}

/* The bound socket with abstract name a (names lock held), or NULL. */
static struct unix_sock *abstract_find(const struct unix_addr *a)
{
    for (struct unix_sock *s = abstract_table[a->hash % ABSTRACT_BUCKETS]; s; s = s->hnext)
        if (abstract_equal(s->addr, a))
            return s;
    return NULL;
}

static void abstract_insert(struct unix_sock *s)
{
    struct unix_sock **head = &abstract_table[s->addr->hash % ABSTRACT_BUCKETS];
    s->hnext = *head;
    *head = s;
}

static void abstract_remove(struct unix_sock *s)
{
    for (struct unix_sock **pp = &abstract_table[s->addr->hash % ABSTRACT_BUCKETS]; *pp; pp = &(*pp)->hnext)
        if (*pp == s) {
            *pp = s->hnext;
            return;
        }
}

/* A path name's bytes as a C string (a 108-byte path has no terminator). */
static void path_of(const struct linux_sockaddr_un *addr, int len, char out[UNIX_PATH_MAX + 1])
{
    size_t n = strnlen(addr->sun_path, (size_t)len - offsetof(struct linux_sockaddr_un, sun_path));
    memcpy(out, addr->sun_path, n);
    out[n] = '\0';
}

/* Names s (lock order: names, then s); false if it already has one. */
static bool set_name(struct unix_sock *s, struct unix_addr *a, struct vnode *v, bool abstract)
{
    bool ok;
    spin_lock(&s->lock);
    if ((ok = !s->addr)) {
        s->addr = a;
        s->vnode = v;
        if (v)
            v->sock = s;
        if (abstract)
            abstract_insert(s);
    }
    spin_unlock(&s->lock);
    return ok;
}

int unix_autobind(struct unix_sock *s)
{
    struct unix_addr *a = kzalloc(sizeof(*a));
    if (!a)
        return -ENOMEM;
    a->refs = 1;
    a->len = offsetof(struct linux_sockaddr_un, sun_path) + 6;    /* "\0" and 5 hex digits */
    a->sun.sun_family = AF_UNIX;
    int err = 0;
    spin_lock(&names_lock);
    if (READ_ONCE(s->addr)) {
        spin_unlock(&names_lock);
        kfree(a);
        return 0;
    }
    for (uint32_t tries = 0;; tries++) {
        if (tries > 0xfffff) {
            err = -ENOSPC;
            break;
        }
        uint32_t n = autobind_next++ & 0xfffff;
        snprintf(a->sun.sun_path + 1, 6, "%05x", n);
        a->hash = name_hash(a->sun.sun_path, 6);
        if (!abstract_find(a))
            break;
    }
    if (!err && !set_name(s, a, NULL, true))
        err = 1;                            /* named meanwhile */
    spin_unlock(&names_lock);
    if (err) {
        kfree(a);
        return err > 0 ? 0 : err;
    }
    return 0;
}

static int bind_abstract(struct unix_sock *s, const struct linux_sockaddr_un *addr, int len)
{
    struct unix_addr *a = addr_new(addr, (unsigned)len);
    if (!a)
        return -ENOMEM;
    int err = 0;
    spin_lock(&names_lock);
    if (READ_ONCE(s->addr))
        err = -EINVAL;
    else if (abstract_find(a))
        err = -EADDRINUSE;
    else if (!set_name(s, a, NULL, true))
        err = -EINVAL;
    spin_unlock(&names_lock);
    if (err)
        kfree(a);
    return err;
}

/* A path: the socket node is made first (ENOENT, EADDRINUSE...), then a
 * socket that has a name already gives EINVAL and the node goes again. */
static int bind_path(struct unix_sock *s, const struct linux_sockaddr_un *addr, int len)
{
    char path[UNIX_PATH_MAX + 1];
    path_of(addr, len, path);
    size_t plen = strlen(path);
    struct linux_sockaddr_un sun = {.sun_family = AF_UNIX};
    memcpy(sun.sun_path, path, plen);
    struct unix_addr *a = addr_new(&sun, (unsigned)(offsetof(struct linux_sockaddr_un, sun_path) + plen + 1));
    if (!a)
        return -ENOMEM;
    struct vnode *start = task_cwd(current), *dir = NULL, *v = NULL;
    const char *name;
    size_t nlen;
    bool trailing;
    vfs_lock();
    int err = walk_parent(start, path, &dir, &name, &nlen, &trailing);
    if (!err) {
        if (!name || path_dot_kind(name, nlen))
            err = -EADDRINUSE;
        else if (trailing)
            err = walk_step(dir, name, nlen, &v) ? -ENOENT : -EADDRINUSE;
        else if (!dir->ops || !dir->ops->create)
            err = -EPERM;
        else if (walk_step(dir, name, nlen, &v) == 0)
            err = -EADDRINUSE;
        else if ((err = vnode_permission(dir, MAY_WRITE | MAY_EXEC)))
            ;
        else if ((err = dir->ops->create(dir, name, nlen, S_IFSOCK | (0777 & ~task_umask(current)), 0, &v)) ==
                 -EEXIST)
            err = -EADDRINUSE;
        else if (!err) {
            spin_lock(&names_lock);
            bool named = set_name(s, a, v, false);
            spin_unlock(&names_lock);
            if (!named) {
                dir->ops->unlink(dir, name, nlen);
                err = -EINVAL;
            } else {
                v = NULL;               /* the socket keeps the reference */
                a = NULL;
            }
        }
    }
    vfs_unlock();
    vnode_put(v);
    vnode_put(dir);
    vnode_put(start);
    if (a)
        kfree(a);
    return err;
}

int unix_bind(struct unix_sock *s, const struct linux_sockaddr_un *addr, int len)
{
    if (len == (int)offsetof(struct linux_sockaddr_un, sun_path) && addr->sun_family == AF_UNIX)
        return unix_autobind(s);
    int err = unix_check_addr(addr, len);
    if (err)
        return err;
    return addr->sun_path[0] ? bind_path(s, addr, len) : bind_abstract(s, addr, len);
}

struct unix_sock *unix_find(const struct linux_sockaddr_un *addr, int len, int type, int *err)
{
    struct unix_sock *s = NULL;
    if (addr->sun_path[0]) {
        char path[UNIX_PATH_MAX + 1];
        path_of(addr, len, path);
        struct vnode *start = task_cwd(current), *v;
        vfs_lock();
        *err = walk_path(start, path, WALK_FOLLOW, &v);
        vfs_unlock();
        vnode_put(start);
        if (*err)
            return NULL;
        if ((*err = vnode_permission(v, MAY_WRITE))) {      /* connecting writes to the socket */
            vnode_put(v);
            return NULL;
        }
        if (v->type == VSOCK) {
            spin_lock(&names_lock);
            if ((s = v->sock))
                unix_get(s);
            spin_unlock(&names_lock);
        }
        vnode_put(v);
    } else {
        struct unix_addr *a = addr_new(addr, (unsigned)len);
        if (!a) {
            *err = -ENOMEM;
            return NULL;
        }
        spin_lock(&names_lock);
        if ((s = abstract_find(a)))
            unix_get(s);
        spin_unlock(&names_lock);
        kfree(a);
    }
    if (!s) {
        *err = -ECONNREFUSED;
        return NULL;
    }
    if (s->type != type) {
        unix_put(s);
        *err = -EPROTOTYPE;
        return NULL;
    }
    return s;
}

int unix_getname(struct unix_sock *s, bool peer, struct unix_addr *out)
{
    int err = 0;
    spin_lock(&s->lock);
    struct unix_addr *a = s->addr;
    if (peer) {
        struct unix_sock *p = s->peer;
        if (!p || (s->type != SOCK_DGRAM && s->state != UNIX_CONNECTED))
            err = -ENOTCONN;
        else
            a = READ_ONCE(p->addr);     /* p lives while s refers to it; its name is set once */
    }
    if (!err && a) {
        out->len = a->len;
        memcpy(out->raw, a->raw, sizeof(out->raw));
    } else if (!err) {
        out->len = offsetof(struct linux_sockaddr_un, sun_path);
        out->sun.sun_family = AF_UNIX;
    }
    spin_unlock(&s->lock);
    return err ? err : (int)out->len;
}

/* ------------------------------------------------------------------ connections */

int unix_listen(struct unix_sock *s, int backlog)
{
    if (s->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    if (!READ_ONCE(s->addr))
        return -EINVAL;
    int err = 0;
    if ((unsigned)backlog > UNIX_SOMAXCONN)
        backlog = UNIX_SOMAXCONN;
    spin_lock(&s->lock);
    if (s->state != UNIX_UNCONNECTED && s->state != UNIX_LISTENING) {
        err = -EINVAL;
    } else {
        s->backlog = (unsigned)backlog;
        s->state = UNIX_LISTENING;
        s->peercred = unix_current_cred(true);  /* what connecting clients get as their peer's */
    }
    spin_unlock(&s->lock);
    waitq_wake_all(&s->room_wait);          /* a bigger backlog may let connectors in */
    return err;
}

/* A datagram socket lets go of its peer: what it had received is dropped,
 * and a peer that was connected back learns of it (Linux's rule). */
static void dgram_disconnected(struct unix_sock *s, struct unix_sock *old)
{
    struct list_node msgs;
    list_init(&msgs);
    mutex_lock(&s->iolock);          /* not under a receiver copying one of them */
    spin_lock(&s->lock);
    unix_queue_steal(s, &msgs);
    spin_unlock(&s->lock);
    mutex_unlock(&s->iolock);
    if (list_empty(&msgs))
        return;
    unix_free_msgs(&msgs);
    waitq_wake_all(&s->room_wait);
    unix_room_wake();
    spin_lock(&old->lock);
    if (!old->dead && old->peer == s)
        old->err = ECONNRESET;
    spin_unlock(&old->lock);
    waitq_wake_all(&old->rd_wait);
}

static int dgram_connect(struct unix_sock *s, const struct linux_sockaddr_un *addr, int len)
{
    if (len < (int)sizeof(addr->sun_family))
        return -EINVAL;
    struct unix_sock *other = NULL, *old;
    if (addr->sun_family != AF_UNSPEC) {
        int err = unix_check_addr(addr, len);
        if (!err && READ_ONCE(s->passcred) && !READ_ONCE(s->addr))
            err = unix_autobind(s);
        if (err)
            return err;
        for (;;) {
            if (!(other = unix_find(addr, len, s->type, &err)))
                return err;
            lock2(s, other);
            if (!other->dead)
                break;
            unlock2(s, other);
            unix_put(other);
        }
        if (other->peer && other->peer != s) {
            unlock2(s, other);
            unix_put(other);
            return -EPERM;
        }
        old = s->peer;
        s->peer = other;                /* our reference */
        s->state = UNIX_CONNECTED;
        unlock2(s, other);
    } else {
        spin_lock(&s->lock);
        old = s->peer;
        s->peer = NULL;
        s->state = UNIX_UNCONNECTED;
        spin_unlock(&s->lock);
    }
    if (old && old != other)
        dgram_disconnected(s, old);
    unix_put(old);
    unix_room_wake();
    return 0;
}

int unix_connect(struct unix_sock *s, const struct linux_sockaddr_un *addr, int len, bool nonblock)
{
    if (s->type == SOCK_DGRAM)
        return dgram_connect(s, addr, len);
    int err = unix_check_addr(addr, len);
    if (!err && READ_ONCE(s->passcred) && !READ_ONCE(s->addr))
        err = unix_autobind(s);
    if (err)
        return err;
    int64_t timeo = READ_ONCE(s->sndtimeo_ns);
    nonblock = nonblock || timeo < 0;
    uint64_t deadline = unix_deadline(timeo);
    struct unix_sock *e = sock_alloc(s->type);   /* the server end, for the listener's list */
    if (!e)
        return -ENOMEM;
    struct unix_sock *other;
    for (;;) {
        if (!(other = unix_find(addr, len, s->type, &err)))
            break;
        lock2(s, other);
        if (other->dead) {
            unlock2(s, other);
            unix_put(other);
            continue;
        }
        if (other->state != UNIX_LISTENING || (other->shutdown & UNIX_RCV_SHUTDOWN)) {
            err = -ECONNREFUSED;
        } else if (other->npending > other->backlog) {
            unlock2(s, other);
            err = nonblock ? -EAGAIN
                           : unix_wait(other->room_wait,
                                       READ_ONCE(other->npending) <= READ_ONCE(other->backlog) ||
                                           READ_ONCE(other->dead) || READ_ONCE(other->state) != UNIX_LISTENING,
                                       deadline);
            unix_put(other);
            if (err)
                break;
            continue;
        } else if (s->state != UNIX_UNCONNECTED) {
            err = s->state == UNIX_CONNECTED ? -EISCONN : -EINVAL;
        } else {
            e->state = UNIX_CONNECTED;
            unix_get(s);
            e->peer = s;
            e->peercred = unix_current_cred(true);
            e->addr = unix_addr_get(other->addr);
            unix_get(e);
            s->peer = e;
            s->state = UNIX_CONNECTED;
            s->peercred = other->peercred;
            list_push_back(&other->pending, &e->pending_node);   /* the list takes e's first reference */
            other->npending++;
            e = NULL;
        }
        unlock2(s, other);
        if (!e) {
            waitq_wake_all(&other->rd_wait);    /* acceptors and pollers */
            fasync_kill(&other->fasync, POLL_IN);
        }
        unix_put(other);
        break;
    }
    unix_put(e);
    return e ? err : 0;
}

int unix_accept(struct unix_sock *s, int flags, bool nonblock, struct file **out)
{
    if (s->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    if (READ_ONCE(s->state) != UNIX_LISTENING)
        return -EINVAL;
    struct file *f = file_alloc_mode(&unix_fops, NULL, O_RDWR | (flags & O_NONBLOCK), S_IFSOCK | 0777);
    if (!f)
        return -ENOMEM;
    int64_t timeo = READ_ONCE(s->rcvtimeo_ns);
    nonblock = nonblock || timeo < 0;
    uint64_t deadline = unix_deadline(timeo);
    struct unix_sock *e = NULL;
    int err = 0;
    while (!e && !err) {
        spin_lock(&s->lock);
        struct list_node *n = list_pop_front(&s->pending);
        if (n) {
            e = container_of(n, struct unix_sock, pending_node);
            s->npending--;
            e->passcred = s->passcred;  /* the listener's SO_PASSCRED goes with it */
        }
        bool shut = s->shutdown & UNIX_RCV_SHUTDOWN, listening = s->state == UNIX_LISTENING;
        spin_unlock(&s->lock);
        if (e)
            break;
        if (!listening)
            err = -EINVAL;
        else if (nonblock)
            err = -EAGAIN;
        else if (shut)
            err = -EINVAL;
        else
            err = unix_wait(s->rd_wait,
                            !list_empty(&s->pending) || (READ_ONCE(s->shutdown) & UNIX_RCV_SHUTDOWN) ||
                                READ_ONCE(s->state) != UNIX_LISTENING,
                            deadline);
    }
    if (err) {
        file_put(f);
        return err;
    }
    waitq_wake_all(&s->room_wait);      /* room in the backlog */
    f->private_data = e;
    e->file = f;
    *out = f;
    return 0;
}

int unix_shutdown(struct unix_sock *s, int how)
{
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    uint8_t mode = (uint8_t)(how + 1);       /* SHUT_RD -> RCV, SHUT_WR -> SEND, both */
    spin_lock(&s->lock);
    s->shutdown |= mode;
    struct unix_sock *peer = s->type != SOCK_DGRAM ? s->peer : NULL;
    if (peer)
        unix_get(peer);
    spin_unlock(&s->lock);
    wake_all(s);
    if (peer) {
        uint8_t pm = (mode & UNIX_RCV_SHUTDOWN ? UNIX_SEND_SHUTDOWN : 0) |
                     (mode & UNIX_SEND_SHUTDOWN ? UNIX_RCV_SHUTDOWN : 0);
        spin_lock(&peer->lock);
        peer->shutdown |= pm;
        spin_unlock(&peer->lock);
        wake_all(peer);
        /* O_ASYNC: both sides shut is a hang-up, a shut receiving side
         * input (end of file), as Linux's unix_shutdown */
        if (pm == UNIX_SHUTDOWN_MASK)
            fasync_kill(&peer->fasync, POLL_HUP);
        else if (pm & UNIX_RCV_SHUTDOWN)
            fasync_kill(&peer->fasync, POLL_IN);
        unix_put(peer);
    }
    return 0;
}

/* The socket's file closed (embryo: a connection never accepted, dropped
 * with its listener): it lets go of its name, its peer, its queue and its
 * pending connections. */
static void unix_close(struct unix_sock *s, bool embryo)
{
    struct list_node msgs, embryos;
    list_init(&msgs);
    list_init(&embryos);
    spin_lock(&names_lock);
    struct vnode *vn = s->vnode;
    if (vn && vn->sock == s)
        vn->sock = NULL;
    if (s->addr && !vn && !s->addr->sun.sun_path[0])
        abstract_remove(s);             /* a no-op for an accepted socket sharing its listener's name */
    spin_unlock(&names_lock);

    spin_lock(&s->lock);
    s->vnode = NULL;
    s->dead = true;
    s->shutdown = UNIX_SHUTDOWN_MASK;
    s->state = UNIX_UNCONNECTED;
    struct unix_sock *peer = s->peer;
    s->peer = NULL;
    bool unread = !list_empty(&s->queue), was_full = s->qlen > UNIX_DGRAM_QLEN;
    unix_queue_steal(s, &msgs);
    while (!list_empty(&s->pending))
        list_push_back(&embryos, list_pop_front(&s->pending));
    s->npending = 0;
    spin_unlock(&s->lock);
    wake_all(s);
    if (was_full)
        unix_room_wake();

    if (peer && s->type != SOCK_DGRAM) {
        spin_lock(&peer->lock);
        peer->shutdown = UNIX_SHUTDOWN_MASK;
        if (unread || embryo)
            peer->err = ECONNRESET;
        spin_unlock(&peer->lock);
        wake_all(peer);
        fasync_kill(&peer->fasync, POLL_HUP);   /* as Linux's unix_release_sock */
    }
    unix_put(peer);
    unix_free_msgs(&msgs);
    for (struct list_node *n; (n = list_pop_front(&embryos));) {
        struct unix_sock *e = container_of(n, struct unix_sock, pending_node);
        unix_close(e, true);
        unix_put(e);
    }
    vnode_put(vn);
}

/* ------------------------------------------------------------------ the file */

static void unix_release(struct file *f)
{
    struct unix_sock *s = f->private_data;
    if (!s)
        return;                         /* accept's file that got no socket */
    unix_close(s, false);
    unix_put(s);
    if (unix_gc_wanted())
        unix_gc(NULL);
}

static void unix_flush(struct file *f)
{
    struct unix_sock *s = f->private_data;
    if (s && READ_ONCE(s->inflight))
        unix_gc(f);                     /* it may now be reachable only from messages in flight */
}

/* A stream socket is writable while its messages in flight take at most a
 * quarter of its send buffer (Linux's rule), never while listening. */
static bool writable(struct unix_sock *s)
{
    return READ_ONCE(s->state) != UNIX_LISTENING && READ_ONCE(s->wmem) * 4 <= (size_t)READ_ONCE(s->sndbuf);
}

static unsigned int unix_poll(struct file *f, struct poll_table *pt)
{
    struct unix_sock *s = f->private_data;
    poll_wait(pt, &s->rd_wait);
    poll_wait(pt, &s->wr_wait);
    unsigned mask = 0;
    spin_lock(&s->lock);
    uint8_t shut = s->shutdown;
    if (s->err)
        mask |= POLLERR;
    if (shut == UNIX_SHUTDOWN_MASK)
        mask |= POLLHUP;
    if (shut & UNIX_RCV_SHUTDOWN)
        mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (!list_empty(&s->queue) || !list_empty(&s->pending))
        mask |= POLLIN | POLLRDNORM;
    if (s->type != SOCK_DGRAM && s->state == UNIX_UNCONNECTED)
        mask |= POLLHUP;
    bool out = writable(s);
    struct unix_sock *peer = s->peer;
    if (out && s->type == SOCK_DGRAM && peer) {
        /* a connected datagram socket also waits for room in its peer's
         * queue, unless the peer is connected back to it */
        poll_wait(pt, &unix_room_poll);
        if (READ_ONCE(peer->peer) != s && READ_ONCE(peer->qlen) > UNIX_DGRAM_QLEN && !READ_ONCE(peer->dead))
            out = false;
    }
    spin_unlock(&s->lock);
    if (out)
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

static long unix_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
    struct unix_sock *s = f->private_data;
    int n;
    switch (cmd) {
    case FIONREAD:
        spin_lock(&s->lock);
        if (s->state == UNIX_LISTENING) {
            spin_unlock(&s->lock);
            return -EINVAL;
        }
        if (s->type != SOCK_DGRAM)
            n = (int)s->qbytes;
        else
            n = list_empty(&s->queue) ? 0 : (int)list_first_entry(&s->queue, struct unix_msg, node)->len;
        spin_unlock(&s->lock);
        break;
    case TIOCOUTQ:
        n = (int)READ_ONCE(s->wmem);
        break;
    default:
        return -ENOTTY;
    }
    return copy_to_user((void __user *)arg, &n, sizeof(n));
}

static ssize_t unix_read_vec(struct file *f, const struct iovec_k *iov, int cnt, bool kernel)
{
    struct unix_recv r;
    ssize_t n = unix_recvmsg(f->private_data, iov, cnt, kernel, (f->flags & O_NONBLOCK) ? MSG_DONTWAIT : 0, &r);
    unix_recv_done(&r);                 /* descriptors sent to a read() are closed, as Linux does */
    return n;
}

static ssize_t unix_write_vec(struct file *f, const struct iovec_k *iov, int cnt, bool kernel)
{
    struct unix_scm scm = {0};
    return unix_sendmsg(f->private_data, NULL, 0, iov, cnt, kernel, &scm, (f->flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
}

static ssize_t unix_read_iov(struct file *f, const struct iovec_k *iov, int cnt)
{
    return unix_read_vec(f, iov, cnt, false);
}

static ssize_t unix_write_iov(struct file *f, const struct iovec_k *iov, int cnt)
{
    return unix_write_vec(f, iov, cnt, false);
}

static ssize_t unix_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct iovec_k iov = {buf.is_kernel ? (uint64_t)buf.kernel : (uint64_t)buf.user, len};
    return unix_read_vec(f, &iov, 1, buf.is_kernel);
}

static ssize_t unix_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct iovec_k iov = {buf.is_kernel ? (uint64_t)buf.kernel : (uint64_t)buf.user, len};
    return unix_write_vec(f, &iov, 1, buf.is_kernel);
}

static int unix_fasync(struct file *f, int fd, bool on)
{
    struct unix_sock *s = f->private_data;
    return s ? fasync_helper(&s->fasync, f, fd, on) : 0;
}

static const struct file_ops unix_fops = {
    .read = unix_read,
    .write = unix_write,
    .read_iov = unix_read_iov,
    .write_iov = unix_write_iov,
    .poll = unix_poll,
    .ioctl = unix_ioctl,
    .release = unix_release,
    .flush = unix_flush,
    .fasync = unix_fasync,
};

/* ------------------------------------------------------------------ options */

/* Socket options that are flags: stored and reported, with no effect on
 * an AF_UNIX socket. */
#define FLAG_OPTIONS ((1u << SO_DEBUG) | (1u << SO_REUSEADDR) | (1u << SO_DONTROUTE) | (1u << SO_BROADCAST) | \
                      (1u << SO_KEEPALIVE) | (1u << SO_OOBINLINE) | (1u << SO_REUSEPORT))

/* Linux keeps timeouts in jiffies (HZ 1000 here): a timeval rounds up to
 * the next millisecond; a negative one means "never wait". */
static int set_timeout(int64_t *timeo, const void __user *val, int len)
{
    struct linux_timeval tv;
    if (len < (int)sizeof(tv))
        return -EINVAL;
    if (copy_from_user(&tv, val, sizeof(tv)))
        return -EFAULT;
    if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
        return -EDOM;
    int64_t ns;
    if (tv.tv_sec < 0)
        ns = -1;
    else if (tv.tv_sec > 100LL * 365 * 86400)
        ns = 0;
    else
        ns = tv.tv_sec * 1000000000LL + (tv.tv_usec + 999) / 1000 * 1000000LL;
    WRITE_ONCE(*timeo, ns);
    return 0;
}

int unix_setsockopt(struct unix_sock *s, int level, int name, const void __user *val, int len)
{
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    if (name == SO_RCVTIMEO || name == SO_SNDTIMEO)
        return set_timeout(name == SO_RCVTIMEO ? &s->rcvtimeo_ns : &s->sndtimeo_ns, val, len);
    if (len < (int)sizeof(int))
        return -EINVAL;
    int v;
    if (copy_from_user(&v, val, sizeof(v)))
        return -EFAULT;
    if ((name == SO_SNDBUFFORCE || name == SO_RCVBUFFORCE || (name == SO_PRIORITY && (v < 0 || v > 6))) &&
        !capable(CAP_NET_ADMIN))
        return -EPERM;
    int err = 0;
    spin_lock(&s->lock);
    switch (name) {
    case SO_SNDBUF:
    case SO_SNDBUFFORCE:
        v = name == SO_SNDBUF ? (int)MIN((uint32_t)v, (uint32_t)UNIX_BUF_MAX) : MAX(v, 0);
        s->sndbuf = MAX((int)MIN((int64_t)v * 2, (int64_t)0x7fffffff), UNIX_SNDBUF_MIN);
        break;
    case SO_RCVBUF:
    case SO_RCVBUFFORCE:
        v = name == SO_RCVBUF ? (int)MIN((uint32_t)v, (uint32_t)UNIX_BUF_MAX) : MAX(v, 0);
        s->rcvbuf = MAX((int)MIN((int64_t)v * 2, (int64_t)0x7fffffff), UNIX_RCVBUF_MIN);
        break;
    case SO_PASSCRED:
        s->passcred = v != 0;
        break;
    case SO_LINGER:
        if (len < (int)sizeof(struct linux_linger)) {
            err = -EINVAL;
            break;
        }
        spin_unlock(&s->lock);
        struct linux_linger l;
        if (copy_from_user(&l, val, sizeof(l)))
            return -EFAULT;
        spin_lock(&s->lock);
        s->linger.l_onoff = l.l_onoff != 0;
        s->linger.l_linger = l.l_linger;
        break;
    case SO_PRIORITY:
        s->priority = v;
        break;
    case SO_RCVLOWAT:
        s->rcvlowat = v < 0 ? 0x7fffffff : v;
        break;
    default:
        if (name >= 0 && name < 32 && (FLAG_OPTIONS & (1u << name))) {
            if (v)
                s->options |= 1u << name;
            else
                s->options &= ~(1u << name);
        } else {
            err = -ENOPROTOOPT;
        }
    }
    spin_unlock(&s->lock);
    if (name == SO_SNDBUF || name == SO_SNDBUFFORCE)
        waitq_wake_all(&s->wr_wait);
    return err;
}

static void timeout_value(int64_t ns, struct linux_timeval *tv)
{
    if (ns <= 0) {
        tv->tv_sec = tv->tv_usec = 0;
        return;
    }
    tv->tv_sec = ns / 1000000000LL;
    tv->tv_usec = ns % 1000000000LL / 1000;
}

int unix_getsockopt(struct unix_sock *s, int level, int name, void __user *val, int __user *ulen)
{
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    int len;
    if (copy_from_user(&len, ulen, sizeof(len)))
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    union {
        int i;
        struct linux_ucred cred;
        struct linux_timeval tv;
        struct linux_linger linger;
    } v;
    int size = sizeof(int);
    memset(&v, 0, sizeof(v));
    spin_lock(&s->lock);
    switch (name) {
    case SO_TYPE: v.i = s->type; break;
    case SO_PROTOCOL: v.i = 0; break;
    case SO_DOMAIN: v.i = AF_UNIX; break;
    case SO_ERROR:
        v.i = -unix_take_err(s);
        break;
    case SO_ACCEPTCONN: v.i = s->state == UNIX_LISTENING; break;
    case SO_SNDBUF: v.i = s->sndbuf; break;
    case SO_RCVBUF: v.i = s->rcvbuf; break;
    case SO_PASSCRED: v.i = s->passcred; break;
    case SO_PRIORITY: v.i = s->priority; break;
    case SO_RCVLOWAT: v.i = s->rcvlowat; break;
    case SO_SNDLOWAT: v.i = 1; break;
    case SO_PEERCRED:
        v.cred = s->peercred;
        size = sizeof(v.cred);
        break;
    case SO_RCVTIMEO:
    case SO_SNDTIMEO:
        timeout_value(name == SO_RCVTIMEO ? s->rcvtimeo_ns : s->sndtimeo_ns, &v.tv);
        size = sizeof(v.tv);
        break;
    case SO_LINGER:
        v.linger = s->linger;
        size = sizeof(v.linger);
        break;
    default:
        if (name >= 0 && name < 32 && (FLAG_OPTIONS & (1u << name)))
            v.i = (s->options >> name) & 1;
        else
            size = -1;
    }
    spin_unlock(&s->lock);
    if (size < 0)
        return -ENOPROTOOPT;
    len = MIN(len, size);
    if (copy_to_user(val, &v, (size_t)len) || copy_to_user(ulen, &len, sizeof(len)))
        return -EFAULT;
    return 0;
}
