/*
 * epoll: one file that watches many.
 *
 * An epoll instance (struct eventpoll) keeps an *item* for each watched
 * (file, descriptor number) pair, in a tree keyed by the pair, and a
 * *ready list* of the items whose file may have something to report.  An
 * item hooks a callback entry onto every wait queue its file's ->poll
 * names (<kernel/wait.h>), so whatever wakes the file's sleepers also puts
 * the item on the ready list, whether or not anyone is in epoll_wait.
 * epoll_wait scans the ready list: it asks each file's ->poll again and
 * reports the events that hold now and were asked for.  Then:
 *  - level-triggered items go back on the list, to be asked again next time;
 *  - EPOLLET items leave it until their file's next wake-up;
 *  - EPOLLONESHOT items are disabled until EPOLL_CTL_MOD arms them again.
 * A wake-up during a scan is remembered (RD_SCAN_AGAIN) so it is not lost.
 *
 * An epoll watched by another epoll does not hook its queues: the outer
 * item sits on the inner's `parents` list, and whatever readies an inner
 * item readies the outer item too, under one lock.  Adding an epoll that
 * would make a cycle, or a chain more than EP_MAX_NESTS deep, is ELOOP.
 * Items hold no reference to their file: the file's last close removes
 * them (eventpoll_release_file, from file_put).
 *
 * Locking
 *  - ep->mtx (sleeping) serializes everything that changes an instance's
 *    items or scans its ready list: ctl, epoll_wait's scan, ->poll of the
 *    instance, a watched file's release.  Scans call other files' ->poll
 *    with it held (an inner epoll's mtx after an outer's: the nesting has
 *    no cycles, so neither has this order).
 *  - ep_lock, one spinlock for every instance (rank "epoll", above
 *    "waitq"), protects ready lists, item states and events, parents
 *    lists and files' ep_links: the wake callback takes it under the
 *    watched file's queue lock, and readying an item readies its parents'
 *    items too without taking a second lock of the same rank.
 *  - Each instance's wq and poll_wq have locks ranked "epoll_wq", taken
 *    under ep_lock to wake.
 */
#include <fs/eventpoll.h>
#include <fs/poll.h>
#include <fs/vfs.h>
#include <kernel/mutex.h>
#include <kernel/task.h>
#include <lib/rbtree.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>
#include <proc/signal.h>

#define EP_MAX_NESTS 4
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLEXCLUSIVE_OK_BITS (POLLIN | POLLOUT | POLLERR | POLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)

enum rdstate {
    RD_IDLE,            /* on no list */
    RD_READY,           /* on ep->rdllist */
    RD_SCANNING,        /* on a scan's private list */
    RD_SCAN_AGAIN,      /* the same, and woken since the scan took it */
};

struct eventpoll {
    struct mutex mtx;
    int refs;                       /* atomic: its file, and releases in flight */
    struct rb_root items;           /* by (file, fd); under mtx */
    struct waitq wq;                /* epoll_wait sleepers */
    struct waitq poll_wq;           /* poll/select on the epoll's descriptor */
    /* --- under ep_lock --- */
    struct list_node rdllist;       /* ready items */
    struct list_node parents;       /* other instances' items watching this one */
    struct list_node nested;        /* this one's items that watch another instance */
    unsigned check_gen;             /* nesting check memo (ep_loop_check) */
    int check_depth;
};

struct ep_hook {                    /* one wait queue an item is hooked on */
    struct wait_entry w;
    struct waitq *wq;
    struct epitem *epi;
    struct ep_hook *next;
};

struct epitem {
    /* --- set before the item is reachable, then immutable --- */
    struct eventpoll *ep;
    struct file *file;              /* not referenced */
    int fd;
    struct eventpoll *child;        /* the watched file's instance, if it is an epoll */
    /* --- under ep->mtx --- */
    struct rb_node rb;
    struct ep_hook *hooks;
    uint64_t data;
    /* --- under ep_lock --- */
    uint32_t events;                /* asked for, EPOLLERR|EPOLLHUP included */
    enum rdstate rdstate;
    struct list_node rdlink;        /* in rdllist or a scan's list */
    struct list_node fnode;         /* in file->ep_links */
    struct list_node parent_node;   /* in child->parents */
    struct list_node nested_node;   /* in ep->nested */
};

static struct spinlock ep_lock = SPINLOCK_INIT("epoll");
static unsigned ep_gen;             /* under ep_lock */
static struct superblock eventpoll_sb = ANON_SUPERBLOCK("eventpoll");
static const struct file_ops eventpoll_fops;

static bool is_epoll(const struct file *f) { return f->ops == &eventpoll_fops; }

static void ep_put(struct eventpoll *ep)
{
    if (__atomic_sub_fetch(&ep->refs, 1, __ATOMIC_ACQ_REL) == 0)
        kfree(ep);
}

/* ---- readiness ---- */

static void ready_locked(struct epitem *epi);

/* Something may be ready in ep: wake its sleepers and pollers, and ready
 * the items that watch it.  Caller holds ep_lock; the depth of the
 * recursion is bounded by the nesting check. */
static void ep_wake_locked(struct eventpoll *ep)
{
    waitq_wake_all(&ep->wq);
    waitq_wake_all(&ep->poll_wq);
    struct epitem *p;
    list_for_each_entry(p, &ep->parents, parent_node)
        ready_locked(p);
}

static void ready_locked(struct epitem *epi)
{
    if (!(epi->events & ~EP_PRIVATE_BITS))
        return;                     /* a one-shot item that has fired */
    switch (epi->rdstate) {
    case RD_IDLE:
        list_push_back(&epi->ep->rdllist, &epi->rdlink);
        epi->rdstate = RD_READY;
        break;
    case RD_SCANNING:
        epi->rdstate = RD_SCAN_AGAIN;
        break;
    default:
        return;
    }
    ep_wake_locked(epi->ep);
}

/* The callback on a watched file's wait queue (its lock held, perhaps in
 * an interrupt). */
static void hook_wake(struct wait_entry *w)
{
    struct ep_hook *h = container_of(w, struct ep_hook, w);
    spin_lock(&ep_lock);
    ready_locked(h->epi);
    spin_unlock(&ep_lock);
}

/* ---- scanning the ready list (ep->mtx held) ---- */

/* What epi's file reports now of what it asked for. */
static unsigned item_poll(struct epitem *epi)
{
    return file_poll(epi->file, NULL) & READ_ONCE(epi->events);
}

/* Moves the ready list onto `tx` for a scan. */
static void scan_begin(struct eventpoll *ep, struct list_node *tx)
{
    list_init(tx);
    spin_lock(&ep_lock);
    while (!list_empty(&ep->rdllist)) {
        struct epitem *epi = list_first_entry(&ep->rdllist, struct epitem, rdlink);
        list_remove(&epi->rdlink);
        list_push_back(tx, &epi->rdlink);
        epi->rdstate = RD_SCANNING;
    }
    spin_unlock(&ep_lock);
}

/* A scanned item leaves the scan: back on the ready list (level-triggered
 * and reported, or woken meanwhile) or off every list.  Caller holds
 * ep_lock. */
static void scan_done_item(struct epitem *epi, bool requeue, struct list_node *again)
{
    list_remove(&epi->rdlink);
    if (requeue || epi->rdstate == RD_SCAN_AGAIN) {
        list_push_back(again, &epi->rdlink);
        epi->rdstate = RD_READY;
    } else {
        epi->rdstate = RD_IDLE;
    }
}

/* The scan is over: what it did not reach goes back first, then what came
 * meanwhile, then the items put back.  Other epoll_wait callers are woken
 * if any remain; pollers and outer instances heard of each item when it
 * first became ready (waking them again would re-report an outer
 * edge-triggered item for every scan of the inner one). */
static void scan_end(struct eventpoll *ep, struct list_node *tx, struct list_node *again)
{
    spin_lock(&ep_lock);
    struct epitem *epi;
    list_for_each_entry(epi, tx, rdlink)
        epi->rdstate = RD_READY;
    while (!list_empty(&ep->rdllist)) {
        struct list_node *n = ep->rdllist.next;
        list_remove(n);
        list_push_back(tx, n);
    }
    while (!list_empty(again)) {
        struct list_node *n = again->next;
        list_remove(n);
        list_push_back(tx, n);
    }
    while (!list_empty(tx)) {
        struct list_node *n = tx->next;
        list_remove(n);
        list_push_back(&ep->rdllist, n);
    }
    if (!list_empty(&ep->rdllist))
        waitq_wake_all(&ep->wq);
    spin_unlock(&ep_lock);
}

/* epoll_wait's scan: up to maxevents events copied to uev.  The count, or
 * -EFAULT if the first copy failed (the event stays ready). */
static int send_events(struct eventpoll *ep, struct epoll_event __user *uev, int maxevents)
{
    struct list_node tx, again;
    list_init(&again);
    scan_begin(ep, &tx);
    int n = 0, err = 0;
    while (n < maxevents && !list_empty(&tx)) {
        struct epitem *epi = list_first_entry(&tx, struct epitem, rdlink);
        unsigned revents = item_poll(epi);
        bool reported = false;
        if (revents) {
            struct epoll_event ev = { revents, epi->data };
            if (copy_to_user(uev + n, &ev, sizeof(ev))) {
                err = -EFAULT;      /* epi stays on tx: ready again */
                break;
            }
            n++;
            reported = true;
        }
        spin_lock(&ep_lock);
        if (reported && (epi->events & EPOLLONESHOT))
            epi->events &= EP_PRIVATE_BITS;
        scan_done_item(epi, reported && !(epi->events & (EPOLLET | EPOLLONESHOT)), &again);
        spin_unlock(&ep_lock);
    }
    scan_end(ep, &tx, &again);
    return n ? n : err;
}

/* Is anything on the ready list really ready?  Items that are not leave
 * the list (their file's next wake-up brings them back). */
static bool read_events(struct eventpoll *ep)
{
    struct list_node tx, again;
    list_init(&again);
    scan_begin(ep, &tx);
    bool any = false;
    while (!any && !list_empty(&tx)) {
        struct epitem *epi = list_first_entry(&tx, struct epitem, rdlink);
        any = item_poll(epi) != 0;
        spin_lock(&ep_lock);
        scan_done_item(epi, any, &again);
        spin_unlock(&ep_lock);
    }
    scan_end(ep, &tx, &again);
    return any;
}

static unsigned int eventpoll_poll(struct file *f, struct poll_table *pt)
{
    struct eventpoll *ep = f->private_data;
    poll_wait(pt, &ep->poll_wq);
    mutex_lock(&ep->mtx);
    bool any = read_events(ep);
    mutex_unlock(&ep->mtx);
    return any ? POLLIN | POLLRDNORM : 0;
}

/* ---- items ---- */

static bool item_less(struct file *fa, int fda, struct file *fb, int fdb)
{
    return fa < fb || (fa == fb && fda < fdb);
}

static struct epitem *item_find(struct eventpoll *ep, struct file *f, int fd)
{
    struct rb_node *n = ep->items.node;
    while (n) {
        struct epitem *epi = rb_entry(n, struct epitem, rb);
        if (item_less(f, fd, epi->file, epi->fd))
            n = n->left;
        else if (item_less(epi->file, epi->fd, f, fd))
            n = n->right;
        else
            return epi;
    }
    return NULL;
}

static bool item_rb_less(const struct rb_node *a, const struct rb_node *b)
{
    const struct epitem *x = rb_entry(a, struct epitem, rb), *y = rb_entry(b, struct epitem, rb);
    return item_less(x->file, x->fd, y->file, y->fd);
}

/* Registration: the watched file's ->poll names its queues through this. */
struct ep_queue {
    struct poll_table pt;
    struct epitem *epi;
    bool nomem;
};

static void queue_proc(struct poll_table *pt, struct waitq *wq)
{
    struct ep_queue *q = container_of(pt, struct ep_queue, pt);
    struct ep_hook *h = kzalloc(sizeof(*h));
    if (!h) {
        q->nomem = true;
        return;
    }
    h->wq = wq;
    h->epi = q->epi;
    h->next = q->epi->hooks;
    q->epi->hooks = h;
    waitq_add_callback(wq, &h->w, hook_wake);
}

static void unhook(struct epitem *epi)
{
    while (epi->hooks) {
        struct ep_hook *h = epi->hooks;
        epi->hooks = h->next;
        waitq_remove_callback(h->wq, &h->w);
        kfree(h);
    }
}

/* Takes epi off its file's queues and every list (not the tree), and
 * frees it.  Caller holds ep->mtx. */
static void item_free(struct epitem *epi)
{
    unhook(epi);                    /* no wake callback runs for it after this */
    spin_lock(&ep_lock);
    list_remove(&epi->parent_node);
    list_remove(&epi->nested_node);
    list_remove(&epi->fnode);
    if (epi->rdstate == RD_READY)
        list_remove(&epi->rdlink);
    spin_unlock(&ep_lock);
    kfree(epi);
}

static void item_remove(struct eventpoll *ep, struct epitem *epi)
{
    rb_erase(&ep->items, &epi->rb, NULL);
    item_free(epi);
}

/* How many levels of instances sit below ep (through `nested`); more than
 * EP_MAX_NESTS if `target` is among them.  Caller holds ep_lock. */
static int depth_down(struct eventpoll *ep, struct eventpoll *target)
{
    if (ep->check_gen == ep_gen)
        return ep->check_depth;
    int d = 0;
    struct epitem *epi;
    list_for_each_entry(epi, &ep->nested, nested_node) {
        int c = epi->child == target ? EP_MAX_NESTS + 1 : depth_down(epi->child, target) + 1;
        d = MAX(d, c);
        if (d > EP_MAX_NESTS)
            break;
    }
    ep->check_gen = ep_gen;
    ep->check_depth = d;
    return d;
}

/* How many levels of instances sit above ep (through `parents`). */
static int depth_up(struct eventpoll *ep, unsigned gen)
{
    if (ep->check_gen == gen)
        return ep->check_depth;
    int d = 0;
    struct epitem *epi;
    list_for_each_entry(epi, &ep->parents, parent_node)
        d = MAX(d, depth_up(epi->ep, gen) + 1);
    ep->check_gen = gen;
    ep->check_depth = d;
    return d;
}

/* Links epi (in ep) to the instance it watches unless that makes a loop
 * or too deep a nest (Linux's rule: levels below the child, plus one, plus
 * levels above ep, at most EP_MAX_NESTS).  Check and link are one hold of
 * ep_lock, so two adds cannot make a loop between them. */
static int link_child(struct eventpoll *ep, struct epitem *epi)
{
    spin_lock(&ep_lock);
    ep_gen++;
    int down = depth_down(epi->child, ep);
    ep_gen++;
    int up = down > EP_MAX_NESTS ? 0 : depth_up(ep, ep_gen);
    bool ok = down + 1 + up <= EP_MAX_NESTS;
    if (ok) {
        list_push_back(&epi->child->parents, &epi->parent_node);
        list_push_back(&ep->nested, &epi->nested_node);
    }
    spin_unlock(&ep_lock);
    return ok ? 0 : -ELOOP;
}

static int item_insert(struct eventpoll *ep, const struct epoll_event *ev, struct file *tf, int fd)
{
    struct epitem *epi = kzalloc(sizeof(*epi));
    if (!epi)
        return -ENOMEM;
    epi->ep = ep;
    epi->file = tf;
    epi->fd = fd;
    epi->data = ev->data;
    epi->events = ev->events | POLLERR | POLLHUP;
    epi->rdstate = RD_IDLE;
    list_init(&epi->rdlink);
    list_init(&epi->fnode);
    list_init(&epi->parent_node);
    list_init(&epi->nested_node);
    if (is_epoll(tf)) {
        epi->child = tf->private_data;
        int err = link_child(ep, epi);
        if (err) {
            kfree(epi);
            return err;
        }
    } else {
        struct ep_queue q = { .epi = epi };
        poll_table_init(&q.pt);
        q.pt.qproc = queue_proc;
        file_poll(tf, &q.pt);
        if (q.nomem) {
            item_free(epi);         /* a wake-up may have readied it meanwhile */
            return -ENOMEM;
        }
    }
    spin_lock(&ep_lock);
    if (!tf->ep_links.next)
        list_init(&tf->ep_links);
    list_push_back(&tf->ep_links, &epi->fnode);
    spin_unlock(&ep_lock);
    rb_add(&ep->items, &epi->rb, item_rb_less, NULL);
    if (item_poll(epi)) {
        spin_lock(&ep_lock);
        ready_locked(epi);
        spin_unlock(&ep_lock);
    }
    return 0;
}

static int item_modify(struct epitem *epi, const struct epoll_event *ev)
{
    spin_lock(&ep_lock);
    epi->events = ev->events | POLLERR | POLLHUP;
    spin_unlock(&ep_lock);
    epi->data = ev->data;
    if (item_poll(epi)) {
        spin_lock(&ep_lock);
        ready_locked(epi);
        spin_unlock(&ep_lock);
    }
    return 0;
}

/* ---- the instance's file ---- */

static void eventpoll_release(struct file *f)
{
    struct eventpoll *ep = f->private_data;
    /* items watching this instance went with eventpoll_release_file */
    mutex_lock(&ep->mtx);
    while (!rb_empty(&ep->items))
        item_remove(ep, rb_entry(rb_first(&ep->items), struct epitem, rb));
    mutex_unlock(&ep->mtx);
    ep_put(ep);
}

static const struct file_ops eventpoll_fops = {
    .poll = eventpoll_poll,
    .release = eventpoll_release,
};

void eventpoll_release_file(struct file *f)
{
    for (;;) {
        spin_lock(&ep_lock);
        if (list_empty(&f->ep_links)) {
            spin_unlock(&ep_lock);
            return;
        }
        struct eventpoll *ep = list_first_entry(&f->ep_links, struct epitem, fnode)->ep;
        __atomic_add_fetch(&ep->refs, 1, __ATOMIC_RELAXED);
        spin_unlock(&ep_lock);
        /* under ep's mtx its items stay put: remove those watching f */
        mutex_lock(&ep->mtx);
        for (;;) {
            struct epitem *epi = NULL, *e;
            spin_lock(&ep_lock);
            list_for_each_entry(e, &f->ep_links, fnode)
                if (e->ep == ep) {
                    epi = e;
                    break;
                }
            spin_unlock(&ep_lock);
            if (!epi)
                break;
            item_remove(ep, epi);
        }
        mutex_unlock(&ep->mtx);
        ep_put(ep);
    }
}

long ep_create(int flags)
{
    struct eventpoll *ep = kzalloc(sizeof(*ep));
    if (!ep)
        return -ENOMEM;
    mutex_init(&ep->mtx, "epoll");
    ep->refs = 1;
    rb_root_init(&ep->items);
    waitq_init_named(&ep->wq, "epoll_wq");
    waitq_init_named(&ep->poll_wq, "epoll_wq");
    list_init(&ep->rdllist);
    list_init(&ep->parents);
    list_init(&ep->nested);
    return anon_fd_install(&eventpoll_sb, &eventpoll_fops, ep, flags & O_CLOEXEC);
}

long ep_ctl(int epfd, int op, int fd, const struct epoll_event *uev)
{
    struct epoll_event ev = uev ? *uev : (struct epoll_event){ 0, 0 };
    /* O_PATH descriptors, the epoll one or the target, are EBADF (fdget) */
    struct file *f = fd_get_io(epfd);
    if (!f)
        return -EBADF;
    struct file *tf = fd_get_io(fd);
    long err = -EBADF;
    if (!tf)
        goto out;
    err = -EPERM;
    if (!tf->ops || !tf->ops->poll)
        goto out;
    err = -EINVAL;
    if (f == tf || !is_epoll(f))
        goto out;
    if (op != EPOLL_CTL_DEL && (ev.events & EPOLLEXCLUSIVE)) {
        if (op == EPOLL_CTL_MOD)
            goto out;
        if (op == EPOLL_CTL_ADD && (is_epoll(tf) || (ev.events & ~EPOLLEXCLUSIVE_OK_BITS)))
            goto out;
    }
    struct eventpoll *ep = f->private_data;
    mutex_lock(&ep->mtx);
    struct epitem *epi = item_find(ep, tf, fd);
    err = -EINVAL;
    switch (op) {
    case EPOLL_CTL_ADD:
        err = epi ? -EEXIST : item_insert(ep, &ev, tf, fd);
        break;
    case EPOLL_CTL_DEL:
        if (epi)
            item_remove(ep, epi);
        err = epi ? 0 : -ENOENT;
        break;
    case EPOLL_CTL_MOD:
        if (!epi)
            err = -ENOENT;
        else if (!(epi->events & EPOLLEXCLUSIVE))
            err = item_modify(epi, &ev);
        break;
    }
    mutex_unlock(&ep->mtx);
out:
    file_put(tf);                   /* after the mutex: a last put removes items */
    file_put(f);
    return err;
}

long ep_wait(int epfd, struct epoll_event __user *uevents, int maxevents, uint64_t deadline)
{
    struct file *f = fd_get_io(epfd);
    if (!f)
        return -EBADF;
    if (!is_epoll(f)) {
        file_put(f);
        return -EINVAL;
    }
    struct eventpoll *ep = f->private_data;
    bool timed_out = deadline == POLL_NO_WAIT;
    long ret;
    for (;;) {
        mutex_lock(&ep->mtx);
        ret = send_events(ep, uevents, maxevents);
        mutex_unlock(&ep->mtx);
        if (ret || timed_out)
            break;
        if (signal_pending(current)) {
            ret = -EINTR;           /* never restarted, as Linux */
            break;
        }
        struct wait_entry w;
        prepare_to_wait(&ep->wq, &w);
        if (list_empty(&ep->rdllist) && !signal_pending(current))
            schedule_until(deadline);
        finish_wait(&ep->wq, &w);
        if (deadline && time_ns() >= deadline)
            timed_out = true;       /* one last scan */
    }
    file_put(f);
    return ret;
}
