/*
 * AF_UNIX messages (see include/net/unix.h): sending and receiving,
 * descriptors in flight, and the collector that frees sockets only messages
 * in flight still refer to.
 *
 * A message's bytes follow its header when they are few (INLINE_MAX);
 * more take whole page frames.  A stream send is cut into pieces of at most
 * half the send buffer (STREAM_PIECE_MAX); a datagram or seqpacket record
 * is one message, at most the send buffer less 32 bytes (EMSGSIZE).  The
 * sender's `wmem` carries each message's bytes plus UNIX_MSG_COST until it
 * is consumed, and a send waits while wmem is at the send buffer.  A
 * datagram receiver not connected back to its sender takes at most
 * UNIX_DGRAM_QLEN + 1 messages before senders wait (EAGAIN).
 *
 * Receives follow Linux: a stream read glues messages until the buffer is
 * full, stopping after one that carried descriptors, and, with SO_PASSCRED,
 * before one from other credentials; an error (ECONNRESET) comes after the
 * data, EOF after that.  A datagram receive takes one message (MSG_TRUNC
 * says it was cut) and reports a pending error first.
 *
 * Descriptors in flight: the files of an SCM_RIGHTS message are referenced
 * by it; for each that is a unix socket, `inflight` counts those
 * references.  Files are released through a list that one task at a time
 * works off (release a socket, its queue's files are released, ...: no
 * recursion however long the chain).  The collector (Linux's classic
 * algorithm) runs when a socket closes or a descriptor of one in flight is
 * closed: candidates are sockets in flight whose every file reference is
 * in flight; references from candidates' queues are subtracted; candidates
 * left with references, and what their queues reach, are alive; the rest
 * are garbage, and the messages with descriptors in their queues are
 * freed, which releases the cycle.  Queues of connections not yet accepted
 * count as references from outside (a cycle through one is not freed).
 */
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <net/unix.h>

#define INLINE_MAX 1024
#define STREAM_PIECE_MAX 32768

/* ------------------------------------------------------------------ in flight */

static struct spinlock gc_lock = SPINLOCK_INIT("unix_gc");
static struct list_node inflight_list = LIST_INIT(inflight_list);   /* sockets with inflight > 0 */
static struct list_node deferred = LIST_INIT(deferred);             /* unix_fds to release */
static bool worker_busy, gc_pending;                                /* under gc_lock */

static struct unix_sock *sock_of(struct file *f) { return f && unix_is_socket(f) ? f->private_data : NULL; }

/* Counts (delta +1) or uncounts (-1) the sockets among x's files. */
static void inflight_count(struct unix_fds *x, int delta)
{
    spin_lock(&gc_lock);
    for (int i = 0; i < x->n; i++) {
        struct unix_sock *s = sock_of(x->files[i]);
        if (!s)
            continue;
        if (delta > 0 && s->inflight++ == 0)
            list_push_back(&inflight_list, &s->gc_node);
        else if (delta < 0 && --s->inflight == 0)
            list_remove(&s->gc_node);
    }
    spin_unlock(&gc_lock);
}

bool unix_gc_wanted(void) { return READ_ONCE(inflight_list.next) != &inflight_list; }

/* The collector's passes over one candidate's queue. */
static void scan(struct unix_sock *s, void (*fn)(struct unix_sock *t, struct list_node *work),
                 struct list_node *work)
{
    spin_lock(&s->lock);
    list_for_each(n, &s->queue) {
        struct unix_msg *m = container_of(n, struct unix_msg, node);
        for (int i = 0; m->fds && i < m->fds->n; i++) {
            struct unix_sock *t = sock_of(m->fds->files[i]);
            if (t && t->gc_candidate)
                fn(t, work);
        }
    }
    spin_unlock(&s->lock);
}

static void drop_ref(struct unix_sock *t, struct list_node *work) { t->gc_refs--; }

static void mark_alive(struct unix_sock *t, struct list_node *work)
{
    if (t->gc_alive)
        return;
    t->gc_alive = true;
    list_push_back(work, &t->gc_work);
}

/* One collection (gc_lock held): garbage sockets' messages that carry
 * descriptors move to `hit`.  `closing`'s reference is about to go. */
static void collect(struct file *closing, struct list_node *hit)
{
    struct unix_sock *s;
    list_for_each_entry(s, &inflight_list, gc_node) {
        int refs = __atomic_load_n(&s->file->refcount, __ATOMIC_ACQUIRE) - (s->file == closing);
        s->gc_candidate = refs == (int)s->inflight;
        s->gc_refs = s->inflight;
        s->gc_alive = false;
    }
    list_for_each_entry(s, &inflight_list, gc_node)
        if (s->gc_candidate)
            scan(s, drop_ref, NULL);
    struct list_node work;
    list_init(&work);
    list_for_each_entry(s, &inflight_list, gc_node)
        if (s->gc_candidate && s->gc_refs > 0)
            mark_alive(s, &work);
    for (struct list_node *n; (n = list_pop_front(&work));)
        scan(container_of(n, struct unix_sock, gc_work), mark_alive, &work);
    list_for_each_entry(s, &inflight_list, gc_node) {
        if (!s->gc_candidate || s->gc_alive)
            continue;
        spin_lock(&s->lock);
        list_for_each_safe(n, &s->queue) {
            struct unix_msg *m = container_of(n, struct unix_msg, node);
            if (!m->fds)
                continue;
            list_remove(&m->node);
            s->qlen--;
            s->qbytes -= m->len - m->off;
            list_push_back(hit, &m->node);
        }
        spin_unlock(&s->lock);
    }
}

/* Releases `x` (if any) and runs a collection if asked: the first task
 * here works off everything that comes in meanwhile, others leave theirs
 * on the lists for it. */
static void worker(struct unix_fds *x, struct file *closing, bool want_gc)
{
    spin_lock(&gc_lock);
    if (x)
        list_push_back(&deferred, &x->node);
    if (want_gc)
        gc_pending = true;
    if (worker_busy) {
        spin_unlock(&gc_lock);
        return;
    }
    worker_busy = true;
    for (;;) {
        struct list_node *n = list_pop_front(&deferred);
        if (n) {
            spin_unlock(&gc_lock);
            struct unix_fds *d = container_of(n, struct unix_fds, node);
            for (int i = 0; i < d->n; i++)
                file_put(d->files[i]);
            kfree(d);
            spin_lock(&gc_lock);
            continue;
        }
        if (!gc_pending)
            break;
        gc_pending = false;
        struct list_node hit;
        list_init(&hit);
        collect(closing, &hit);
        spin_unlock(&gc_lock);
        unix_free_msgs(&hit);
        spin_lock(&gc_lock);
    }
    worker_busy = false;
    spin_unlock(&gc_lock);
}

void unix_gc(struct file *closing) { worker(NULL, closing, true); }

int unix_fds_get(const int *fds, int n, struct unix_fds **out)
{
    struct unix_fds *x = kzalloc(sizeof(*x) + (size_t)n * sizeof(struct file *));
    if (!x)
        return -ENOMEM;
    list_init(&x->node);
    for (x->n = 0; x->n < n; x->n++) {
        if (!(x->files[x->n] = fd_get(fds[x->n]))) {
            unix_fds_put(x);
            return -EBADF;
        }
    }
    inflight_count(x, +1);
    x->inflight = true;
    *out = x;
    return 0;
}

void unix_fds_put(struct unix_fds *x)
{
    if (!x)
        return;
    if (x->inflight)
        inflight_count(x, -1);
    x->inflight = false;
    worker(x, NULL, false);
}

/* ------------------------------------------------------------------ messages */

static size_t msg_pages(size_t len) { return (len + PAGE_SIZE - 1) / PAGE_SIZE; }

/* A message of len bytes charged to `sender`; NULL when out of memory. */
static struct unix_msg *msg_alloc(struct unix_sock *sender, size_t len)
{
    struct unix_msg *m;
    if (len <= INLINE_MAX) {
        if (!(m = kmalloc(sizeof(*m) + len)))
            return NULL;
        memset(m, 0, sizeof(*m));
    } else {
        size_t np = msg_pages(len);
        if (!(m = kzalloc(sizeof(*m) + np * sizeof(uint8_t *))))
            return NULL;
        m->pages = (uint8_t **)m->data;
        for (size_t i = 0; i < np; i++) {
            phys_t p = pmm_alloc_nozero();
            if (!p) {
                while (i--)
                    pmm_put(V2P(m->pages[i]));
                kfree(m);
                return NULL;
            }
            m->pages[i] = P2V(p);
        }
    }
    list_init(&m->node);
    m->len = len;
    m->charge = len + UNIX_MSG_COST;
    m->sender = sender;
    unix_get(sender);
    __atomic_add_fetch(&sender->wmem, m->charge, __ATOMIC_RELAXED);
    return m;
}

void unix_msg_free(struct unix_msg *m)
{
    unix_fds_put(m->fds);
    if (m->pages)
        for (size_t i = 0; i < msg_pages(m->len); i++)
            pmm_put(V2P(m->pages[i]));
    struct unix_sock *s = m->sender;
    __atomic_sub_fetch(&s->wmem, m->charge, __ATOMIC_RELAXED);
    waitq_wake_all(&s->wr_wait);        /* room in its send buffer */
    kfree(m);
    unix_put(s);
}

void unix_free_msgs(struct list_node *msgs)
{
    for (struct list_node *n; (n = list_pop_front(msgs));)
        unix_msg_free(container_of(n, struct unix_msg, node));
}

void unix_queue_steal(struct unix_sock *s, struct list_node *out)
{
    while (!list_empty(&s->queue))
        list_push_back(out, list_pop_front(&s->queue));
    s->qlen = 0;
    s->qbytes = 0;
}

/* The contiguous bytes at `off`: a pointer, and their count in *n. */
static uint8_t *msg_span(struct unix_msg *m, size_t off, size_t *n)
{
    if (!m->pages) {
        *n = m->len - off;
        return m->data + off;
    }
    *n = MIN(PAGE_SIZE - off % PAGE_SIZE, m->len - off);
    return m->pages[off / PAGE_SIZE] + off % PAGE_SIZE;
}

/* A position in a vector of segments: user memory, or kernel memory for
 * a write or read of a kernel buffer (sendfile, splice). */
struct iter {
    const struct iovec_k *iov;
    int cnt, idx;
    size_t off;
    bool kernel;
};

static size_t iter_init(struct iter *it, const struct iovec_k *iov, int cnt, bool kernel)
{
    *it = (struct iter){.iov = iov, .cnt = cnt, .kernel = kernel};
    size_t total = 0;
    for (int i = 0; i < cnt; i++)
        total += iov[i].len;
    return total;
}

/* Copies n bytes between kbuf and the segments (never more than they hold). */
static int iter_copy(struct iter *it, uint8_t *kbuf, size_t n, bool to_user)
{
    while (n) {
        while (it->idx < it->cnt && it->off == it->iov[it->idx].len) {
            it->idx++;
            it->off = 0;
        }
        if (it->idx == it->cnt)
            return 0;
        size_t k = MIN(n, it->iov[it->idx].len - it->off);
        struct iobuf b = it->kernel ? iob_kernel((void *)it->iov[it->idx].base)
                                    : iob_user((void __user *)it->iov[it->idx].base);
        if (to_user ? iob_copy_to(b, it->off, kbuf, k) : iob_copy_from(kbuf, b, it->off, k))
            return -EFAULT;
        kbuf += k;
        n -= k;
        it->off += k;
    }
    return 0;
}

static int msg_fill(struct unix_msg *m, struct iter *it)
{
    size_t off = 0;
    while (off < m->len) {
        size_t n;
        uint8_t *p = msg_span(m, off, &n);
        if (iter_copy(it, p, n, false))
            return -EFAULT;
        off += n;
    }
    return 0;
}

static int msg_copy_out(struct unix_msg *m, size_t off, size_t len, struct iter *it)
{
    while (len) {
        size_t n;
        uint8_t *p = msg_span(m, off, &n);
        n = MIN(n, len);
        if (iter_copy(it, p, n, true))
            return -EFAULT;
        off += n;
        len -= n;
    }
    return 0;
}

/* Credentials go with a message when the sender gave them, or when either
 * end has SO_PASSCRED at the time of the send (Linux's maybe_add_creds).
 * Receiver's lock held. */
static void msg_set_cred(struct unix_msg *m, struct unix_sock *s, struct unix_sock *to, const struct unix_scm *scm)
{
    if (scm->cred.set)
        m->cred = scm->cred;
    else if (READ_ONCE(s->passcred) || to->passcred)
        m->cred = (struct unix_cred){.set = true, .ucred = unix_current_cred(false)};
}

/* Receiver's lock held. */
static void enqueue(struct unix_sock *s, struct unix_msg *m)
{
    list_push_back(&s->queue, &m->node);
    s->qlen++;
    s->qbytes += m->len;
}

/* Receiver's lock held; room_woken() after unlocking. */
static unsigned dequeue(struct unix_sock *s, struct unix_msg *m)
{
    unsigned before = s->qlen;
    list_remove(&m->node);
    s->qlen--;
    s->qbytes -= m->len - m->off;
    return before;
}

static void room_woken(struct unix_sock *s, unsigned qlen_before)
{
    waitq_wake_all(&s->room_wait);
    if (qlen_before > UNIX_DGRAM_QLEN && qlen_before - 1 <= UNIX_DGRAM_QLEN)
        unix_room_wake();
}

/* Waits for room in the sender's own buffer; a pending error or a shut
 * sending side ends the wait (Linux's sock_alloc_send_pskb). */
static int wait_wmem(struct unix_sock *s, bool nonblock, uint64_t deadline)
{
    for (;;) {
        int err = 0;
        spin_lock(&s->lock);
        if (!(err = unix_take_err(s)) && (s->shutdown & UNIX_SEND_SHUTDOWN))
            err = -EPIPE;
        spin_unlock(&s->lock);
        if (err)
            return err;
        if (READ_ONCE(s->wmem) < (size_t)READ_ONCE(s->sndbuf))
            return 0;
        if (nonblock)
            return -EAGAIN;
        err = unix_wait(s->wr_wait,
                        READ_ONCE(s->wmem) < (size_t)READ_ONCE(s->sndbuf) || READ_ONCE(s->err) ||
                            (READ_ONCE(s->shutdown) & UNIX_SEND_SHUTDOWN),
                        deadline);
        if (err)
            return err;
    }
}

/* ------------------------------------------------------------------ send */

static ssize_t stream_send(struct unix_sock *s, bool named, struct iter *it, size_t total, struct unix_scm *scm,
                           int flags)
{
    ssize_t err = 0;
    size_t sent = 0;
    struct unix_sock *peer = NULL;
    spin_lock(&s->lock);
    if (named) {
        err = s->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
    } else if (!(peer = s->peer)) {
        err = -ENOTCONN;
    } else {
        unix_get(peer);
        if (s->shutdown & UNIX_SEND_SHUTDOWN)
            err = -EPIPE;
    }
    spin_unlock(&s->lock);
    int64_t timeo = READ_ONCE(s->sndtimeo_ns);
    bool nonblock = (flags & MSG_DONTWAIT) || timeo < 0;
    uint64_t deadline = unix_deadline(timeo);
    while (!err && sent < total) {
        if ((err = wait_wmem(s, nonblock, deadline)))
            break;
        size_t piece = MIN(total - sent, MIN((size_t)READ_ONCE(s->sndbuf) / 2 - 64, (size_t)STREAM_PIECE_MAX));
        struct unix_msg *m = msg_alloc(s, piece);
        if (!m) {
            err = -ENOBUFS;
            break;
        }
        if (msg_fill(m, it)) {
            unix_msg_free(m);
            err = -EFAULT;
            break;
        }
        m->fds = scm->fds;              /* the first piece carries the descriptors */
        scm->fds = NULL;
        spin_lock(&peer->lock);
        if (peer->dead || (peer->shutdown & UNIX_RCV_SHUTDOWN)) {
            spin_unlock(&peer->lock);
            unix_msg_free(m);
            err = -EPIPE;
            break;
        }
        msg_set_cred(m, s, peer, scm);
        enqueue(peer, m);
        spin_unlock(&peer->lock);
        waitq_wake_all(&peer->rd_wait);
        fasync_kill(&peer->fasync, POLL_IN);
        sent += piece;
    }
    if (err == -EPIPE && !sent && !(flags & MSG_NOSIGNAL))
        signal_send(current, SIGPIPE, NULL);
    if (peer)
        unix_put(peer);
    return sent ? (ssize_t)sent : err;
}

/* The datagram (or seqpacket) peer `other` was found closed: a connected
 * socket lets go of it (ECONNREFUSED); true if it did. */
static bool dgram_drop_dead_peer(struct unix_sock *s, struct unix_sock *other)
{
    spin_lock(&s->lock);
    bool was = s->peer == other;
    if (was) {
        s->peer = NULL;
        s->state = UNIX_UNCONNECTED;
    }
    spin_unlock(&s->lock);
    if (was)
        unix_put(other);                /* the socket's reference */
    return was;
}

static ssize_t dgram_send(struct unix_sock *s, const struct linux_sockaddr_un *to, int tolen, struct iter *it,
                          size_t total, struct unix_scm *scm, int flags)
{
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    int err = 0;
    struct unix_sock *other = NULL;
    spin_lock(&s->lock);
    if (s->type == SOCK_SEQPACKET) {
        if (!(err = unix_take_err(s)) && s->state != UNIX_CONNECTED)
            err = -ENOTCONN;
        to = NULL;                      /* a seqpacket record goes to the peer, whatever the address */
    }
    if (!err && !to && !(other = s->peer))
        err = -ENOTCONN;
    if (other)
        unix_get(other);
    spin_unlock(&s->lock);
    if (!err && to)
        err = unix_check_addr(to, tolen);
    if (!err && READ_ONCE(s->passcred) && !READ_ONCE(s->addr))
        err = unix_autobind(s);
    if (!err && total > (size_t)READ_ONCE(s->sndbuf) - 32)
        err = -EMSGSIZE;
    int64_t timeo = READ_ONCE(s->sndtimeo_ns);
    bool nonblock = (flags & MSG_DONTWAIT) || timeo < 0;
    uint64_t deadline = unix_deadline(timeo);
    if (!err)
        err = wait_wmem(s, nonblock, deadline);
    struct unix_msg *m = NULL;
    bool queued = false;
    if (!err && !(m = msg_alloc(s, total)))
        err = -ENOBUFS;
    if (!err && msg_fill(m, it))
        err = -EFAULT;
    if (m) {
        m->fds = scm->fds;
        scm->fds = NULL;
    }
    while (!err) {
        if (!other) {
            if (!to) {
                err = -ECONNRESET;      /* our peer changed under us */
                break;
            }
            if (!(other = unix_find(to, tolen, s->type, &err)))
                break;
        }
        spin_lock(&other->lock);
        if (other->peer && other->peer != s) {
            err = -EPERM;               /* it talks only to the socket it connected to */
        } else if (other->dead) {
            spin_unlock(&other->lock);
            if (s->type == SOCK_SEQPACKET)
                err = -EPIPE;
            else if (dgram_drop_dead_peer(s, other))
                err = -ECONNREFUSED;
            unix_put(other);
            other = NULL;
            continue;                   /* an address: look it up again */
        } else if (other->shutdown & UNIX_RCV_SHUTDOWN) {
            err = -EPIPE;
        } else if (other->peer != s && other->qlen > UNIX_DGRAM_QLEN) {
            spin_unlock(&other->lock);
            if (nonblock) {
                err = -EAGAIN;
                break;
            }
            err = unix_wait(other->room_wait,
                            READ_ONCE(other->qlen) <= UNIX_DGRAM_QLEN || READ_ONCE(other->dead) ||
                                READ_ONCE(other->peer) == s || (READ_ONCE(other->shutdown) & UNIX_RCV_SHUTDOWN),
                            deadline);
            continue;
        } else {
            msg_set_cred(m, s, other, scm);
            enqueue(other, m);
            queued = true;
        }
        spin_unlock(&other->lock);
        break;
    }
    if (queued) {
        waitq_wake_all(&other->rd_wait);
        fasync_kill(&other->fasync, POLL_IN);
    } else if (m)
        unix_msg_free(m);
    if (other)
        unix_put(other);
    return err ? err : (ssize_t)total;
}

ssize_t unix_sendmsg(struct unix_sock *s, const struct linux_sockaddr_un *to, int tolen,
                     const struct iovec_k *iov, int cnt, bool kernel, struct unix_scm *scm, int flags)
{
    struct iter it;
    size_t total = iter_init(&it, iov, cnt, kernel);
    ssize_t r = s->type == SOCK_STREAM ? stream_send(s, to != NULL, &it, total, scm, flags)
                                       : dgram_send(s, to, tolen, &it, total, scm, flags);
    unix_fds_put(scm->fds);             /* never sent */
    scm->fds = NULL;
    return r;
}

/* ------------------------------------------------------------------ receive */

/* The message's descriptors for the receiver: taken, or (MSG_PEEK) copies
 * with references of their own. */
static void take_fds(struct unix_msg *m, bool peek, struct unix_recv *out)
{
    if (!m->fds)
        return;
    if (!peek) {
        out->fds = m->fds;
        m->fds = NULL;
        return;
    }
    struct unix_fds *x = kmalloc(sizeof(*x) + (size_t)m->fds->n * sizeof(struct file *));
    if (!x)
        return;
    list_init(&x->node);
    x->n = m->fds->n;
    x->inflight = false;
    for (int i = 0; i < x->n; i++) {
        x->files[i] = m->fds->files[i];
        file_get(x->files[i]);
    }
    out->fds = x;
}

static bool cred_equal(const struct unix_cred *a, const struct unix_cred *b)
{
    return a->set == b->set && (!a->set || memcmp(&a->ucred, &b->ucred, sizeof(a->ucred)) == 0);
}

static ssize_t dgram_recv(struct unix_sock *s, struct iter *it, size_t total, int flags, struct unix_recv *out)
{
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (s->type == SOCK_SEQPACKET && READ_ONCE(s->state) != UNIX_CONNECTED)
        return -ENOTCONN;
    bool peek = flags & MSG_PEEK;
    int64_t timeo = READ_ONCE(s->rcvtimeo_ns);
    bool nonblock = (flags & MSG_DONTWAIT) || timeo < 0;
    uint64_t deadline = unix_deadline(timeo);
    struct unix_msg *m = NULL;
    int err = 0;
    mutex_lock(&s->iolock);
    for (;;) {
        unsigned qlen = 0;
        spin_lock(&s->lock);
        err = unix_take_err(s);
        if (!err && !list_empty(&s->queue)) {
            m = list_first_entry(&s->queue, struct unix_msg, node);
            if (!peek)
                qlen = dequeue(s, m);
        }
        bool shut = s->shutdown & UNIX_RCV_SHUTDOWN;
        spin_unlock(&s->lock);
        if (m && !peek)
            room_woken(s, qlen);
        if (err || m)
            break;
        if (shut || nonblock) {
            /* after SHUT_RD: EOF, but EAGAIN for a non-blocking datagram socket */
            err = shut && (s->type == SOCK_SEQPACKET || !nonblock) ? 0 : -EAGAIN;
            break;
        }
        mutex_unlock(&s->iolock);
        err = unix_wait(s->rd_wait,
                        !list_empty(&s->queue) || (READ_ONCE(s->shutdown) & UNIX_RCV_SHUTDOWN) || READ_ONCE(s->err),
                        deadline);
        if (err)
            return err;
        mutex_lock(&s->iolock);
    }
    ssize_t ret = err;
    if (m) {
        size_t n = MIN(total, m->len);
        if (msg_copy_out(m, 0, n, it)) {
            ret = -EFAULT;              /* the datagram is gone all the same, as on Linux */
        } else {
            ret = (flags & MSG_TRUNC) ? (ssize_t)m->len : (ssize_t)n;
            if (m->len > total)
                out->msg_flags |= MSG_TRUNC;
            out->from = unix_addr_get(READ_ONCE(m->sender->addr));
            out->cred = m->cred;
            take_fds(m, peek, out);
        }
    }
    mutex_unlock(&s->iolock);
    if (m && !peek)
        unix_msg_free(m);
    return ret;
}

static ssize_t stream_recv(struct unix_sock *s, struct iter *it, size_t total, int flags, struct unix_recv *out)
{
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (READ_ONCE(s->state) != UNIX_CONNECTED)
        return -EINVAL;
    bool peek = flags & MSG_PEEK;
    /* the bytes to wait for: all (MSG_WAITALL) or SO_RCVLOWAT, at least one */
    size_t target = (flags & MSG_WAITALL) ? total : MIN(total, (size_t)READ_ONCE(s->rcvlowat));
    target = MAX(target, (size_t)1);
    int64_t timeo = READ_ONCE(s->rcvtimeo_ns);
    bool nonblock = (flags & MSG_DONTWAIT) || timeo < 0;
    uint64_t deadline = unix_deadline(timeo);
    size_t copied = 0;
    struct unix_msg *last = NULL;       /* MSG_PEEK: the message read last */
    bool first = true;
    int err = 0;
    mutex_lock(&s->iolock);
    for (;;) {
        spin_lock(&s->lock);
        struct unix_msg *m = NULL;
        struct list_node *next = last ? last->node.next : s->queue.next;
        if (next != &s->queue)
            m = container_of(next, struct unix_msg, node);
        if (!m) {
            bool shut = s->shutdown & UNIX_RCV_SHUTDOWN;
            if (copied < target)
                err = unix_take_err(s);
            spin_unlock(&s->lock);
            if (copied >= target || err || shut)
                break;
            if (nonblock) {
                err = -EAGAIN;
                break;
            }
            mutex_unlock(&s->iolock);
            err = unix_wait(s->rd_wait,
                            (last ? last->node.next : s->queue.next) != &s->queue ||
                                (READ_ONCE(s->shutdown) & UNIX_RCV_SHUTDOWN) || READ_ONCE(s->err),
                            deadline);
            if (err)
                goto out;
            mutex_lock(&s->iolock);
            continue;
        }
        /* with SO_PASSCRED, bytes of other senders are not glued on */
        if (!first && s->passcred && !cred_equal(&out->cred, &m->cred)) {
            spin_unlock(&s->lock);
            break;
        }
        spin_unlock(&s->lock);
        size_t chunk = MIN(m->len - m->off, total - copied);
        if (msg_copy_out(m, m->off, chunk, it)) {
            if (!copied)
                err = -EFAULT;
            break;
        }
        if (first) {
            out->from = unix_addr_get(READ_ONCE(m->sender->addr));
            out->cred = m->cred;
            first = false;
        }
        copied += chunk;
        bool fds = m->fds != NULL;
        take_fds(m, peek, out);
        if (peek) {
            last = m;
        } else {
            spin_lock(&s->lock);
            m->off += chunk;
            s->qbytes -= chunk;
            bool done = m->off == m->len;
            unsigned qlen = done ? dequeue(s, m) : 0;
            spin_unlock(&s->lock);
            if (!done)
                break;                  /* the buffer is full */
            room_woken(s, qlen);
            unix_msg_free(m);
        }
        if (fds || copied == total)
            break;
    }
    mutex_unlock(&s->iolock);
out:
    return copied ? (ssize_t)copied : err;
}

ssize_t unix_recvmsg(struct unix_sock *s, const struct iovec_k *iov, int cnt, bool kernel, int flags,
                     struct unix_recv *out)
{
    memset(out, 0, sizeof(*out));
    struct iter it;
    size_t total = iter_init(&it, iov, cnt, kernel);
    return s->type == SOCK_STREAM ? stream_recv(s, &it, total, flags, out) : dgram_recv(s, &it, total, flags, out);
}

void unix_recv_done(struct unix_recv *r)
{
    unix_addr_put(r->from);
    unix_fds_put(r->fds);
    r->from = NULL;
    r->fds = NULL;
}
