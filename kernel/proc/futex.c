/*
 * Futexes: the kernel half of user-space locks.  A program keeps its lock
 * word in its own memory and calls futex() only to sleep while the word
 * has a value it cannot proceed on (FUTEX_WAIT), or to wake sleepers after
 * changing it (FUTEX_WAKE).  The kernel checks the word and queues the
 * caller as one step against wakers, so no wake-up between the program's
 * check and its sleep is lost.
 *
 * Keys.  A waiter is found by the word it waits on: a private futex by
 * (address space, virtual address), without looking at the memory; a
 * shared futex in a MAP_SHARED mapping by the physical address of the
 * word, so processes that map the same memory at different addresses meet;
 * a shared futex in private memory by (address space, address) marked as
 * shared.  As on Linux, a private and a shared operation on the same word
 * do not meet.
 *
 * Waiters sit in one of FUTEX_BUCKETS hashed lists, each behind its own
 * spinlock.  The waiter's record lives on its kernel stack; a waker takes
 * it off the list and marks it woken under the bucket lock, and the waiter
 * looks at it only under the same lock, so the record is never touched
 * after its owner has returned.  Requeueing moves records between buckets
 * with both locks held; a waiter re-checks that its key still hashes to the
 * bucket it locked.
 *
 * The order of a wait: queue, then read the word (the read may fault; no
 * lock is held), then sleep.  A waker that changed the word after the
 * queueing finds the waiter; one that changed it before is seen by the
 * read, which then fails with EAGAIN.
 *
 * Implemented: WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET,
 * WAKE_BITSET, with FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME; robust
 * lists at thread exit; the priority-inheritance locks (LOCK_PI, LOCK_PI2,
 * TRYLOCK_PI, UNLOCK_PI), described above futex_lock_pi.
 */
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <lib/list.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <mm/vm.h>
#include <proc/futex.h>
#include <proc/signal.h>
#include <sched/sched.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_FD 2
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_LOCK_PI2 13
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

#define FUTEX_BUCKETS 256

struct futex_key {
    uint64_t space;             /* the mm (| 1 for a shared key), or 0 for a physical key */
    uint64_t addr;              /* virtual or physical address of the word */
};

struct futex_waiter {
    struct list_node node;      /* in its bucket, while queued */
    struct futex_key key;
    uint32_t bitset;
    struct task *task;
    bool woken;
    int prio;                   /* PI waiters: real-time priority (0: none) */
};

static struct futex_bucket {
    struct spinlock lock;
    struct list_node waiters;
} buckets[FUTEX_BUCKETS];

static void futex_init_once(void)
{
    static bool done;
    if (__atomic_load_n(&done, __ATOMIC_ACQUIRE))
        return;
    static struct spinlock init_lock = SPINLOCK_INIT("futex");
    spin_lock(&init_lock);
    if (!done) {
        for (int i = 0; i < FUTEX_BUCKETS; i++) {
            spin_init(&buckets[i].lock, "futex");
            list_init(&buckets[i].waiters);
        }
        __atomic_store_n(&done, true, __ATOMIC_RELEASE);
    }
    spin_unlock(&init_lock);
}

static struct futex_bucket *bucket_of(const struct futex_key *k)
{
    uint64_t h = (k->space ^ (k->addr >> 2)) * 0x9e3779b97f4a7c15ULL;
    return &buckets[h >> 56];
}

static bool same_key(const struct futex_key *a, const struct futex_key *b)
{
    return a->space == b->space && a->addr == b->addr;
}

/* The key of the word at uaddr.  A shared futex in a MAP_SHARED mapping is
 * keyed by the word's frame, which is faulted in first. */
static int get_key(uint64_t uaddr, bool private, struct futex_key *k)
{
    if (uaddr & 3)
        return -EINVAL;
    struct mm *mm = current->mm;
    k->space = (uint64_t)mm;
    k->addr = uaddr;
    if (private)
        return 0;
    uint32_t probe;
    if (get_user(probe, (uint32_t __user *)uaddr))
        return -EFAULT;
    k->space |= 1;
    spin_lock(&mm->lock);
    struct vma *v = vm_find(mm, uaddr);
    if (v && (v->flags & VMA_SHARED)) {
        pte_t *pte = mm_pte(mm, ALIGN_DOWN(uaddr, PAGE_SIZE), false);
        if (pte && pte_present(*pte)) {
            k->space = 0;
            k->addr = pte_frame(*pte) | (uaddr & (PAGE_SIZE - 1));
        }
    }
    spin_unlock(&mm->lock);
    return 0;
}

/* Locks the bucket w is queued in (it may be moved by a requeue until the
 * lock is held). */
static struct futex_bucket *lock_waiter_bucket(struct futex_waiter *w)
{
    for (;;) {
        struct futex_bucket *b = bucket_of(&w->key);
        spin_lock(&b->lock);
        if (b == bucket_of(&w->key))
            return b;
        spin_unlock(&b->lock);
    }
}

/* Takes w off its queue unless a waker did; returns whether it was woken. */
static bool unqueue(struct futex_waiter *w)
{
    struct futex_bucket *b = lock_waiter_bucket(w);
    bool woken = w->woken;
    if (!woken)
        list_remove(&w->node);
    spin_unlock(&b->lock);
    return woken;
}

static long futex_wait_restart(void);

/* The time_ns() moment the wall clock reads `wall` (at least 1: a deadline). */
static uint64_t wall_deadline(uint64_t wall)
{
    uint64_t now = time_realtime_ns(), mono = time_ns();
    return wall > now ? mono + (wall - now) : (mono ? mono : 1);
}

/* Sleeps while *uaddr == val, until woken, the monotonic deadline (0: none)
 * or a signal.  Interrupted by a signal without a handler (a stop), it goes
 * on after: an untimed wait restarts, a timed one continues to the same
 * deadline through restart_syscall; with a handler, EINTR.  With `wall`,
 * the deadline is a wall-clock time, which setting the clock moves (Linux's
 * FUTEX_CLOCK_REALTIME). */
static long futex_wait(uint64_t uaddr, bool private, uint32_t val, uint64_t deadline, bool wall, uint32_t bitset)
{
    if (!bitset)
        return -EINVAL;
    struct futex_waiter w = { .bitset = bitset, .task = current };
    int r = get_key(uaddr, private, &w.key);
    if (r)
        return r;
    struct futex_bucket *b = bucket_of(&w.key);
    spin_lock(&b->lock);
    list_push_back(&b->waiters, &w.node);
    spin_unlock(&b->lock);

    uint32_t cur;
    if (get_user(cur, (uint32_t __user *)uaddr)) {
        unqueue(&w);
        return -EFAULT;
    }
    if (cur != val)
        return unqueue(&w) ? 0 : -EAGAIN;

    struct task *t = current;
    struct wait_entry cw;               /* wall: woken when the clock is set */
    for (;;) {
        if (wall)
            clock_set_prepare_wait(&cw);
        b = lock_waiter_bucket(&w);
        if (w.woken) {
            spin_unlock(&b->lock);
            r = 0;
            break;
        }
        t->state = TASK_BLOCKED;        /* a wake from here on makes schedule() return */
        spin_unlock(&b->lock);
        if (signal_pending(t)) {
            t->state = TASK_RUNNING;
            if (unqueue(&w)) {
                r = 0;
                break;
            }
            if (!deadline) {
                r = -ERESTARTSYS;
                break;
            }
            t->restart.fn = futex_wait_restart;
            t->restart.arg[0] = uaddr | (private ? 1 : 0) | (wall ? 2 : 0);
            t->restart.arg[1] = val;
            t->restart.arg[2] = deadline;
            t->restart.arg[3] = bitset;
            r = -ERESTART_RESTARTBLOCK;
            break;
        }
        bool expired = schedule_until(wall ? wall_deadline(deadline) : deadline);
        if (wall)
            expired = time_realtime_ns() >= deadline;
        if (expired && deadline) {
            r = unqueue(&w) ? 0 : -ETIMEDOUT;
            break;
        }
    }
    if (wall)
        clock_set_finish_wait(&cw);
    return r;
}

static long futex_wait_restart(void)
{
    uint64_t *a = current->restart.arg;
    return futex_wait(a[0] & ~3UL, a[0] & 1, (uint32_t)a[1], a[2], a[0] & 2, (uint32_t)a[3]);
}

/* Wakes up to n waiters with key k whose bitset meets `bitset`.  Caller
 * holds the bucket lock. */
static int wake_locked(struct futex_bucket *b, const struct futex_key *k, int n, uint32_t bitset)
{
    int woke = 0;
    list_for_each_safe(pos, &b->waiters) {
        if (woke >= n)
            break;
        struct futex_waiter *w = container_of(pos, struct futex_waiter, node);
        if (!same_key(&w->key, k) || !(w->bitset & bitset))
            continue;
        list_remove(&w->node);
        struct task *tk = w->task;
        w->woken = true;
        sched_wake(tk);                 /* w may be gone once the bucket is unlocked */
        woke++;
    }
    return woke;
}

static int wake_key(const struct futex_key *k, int n, uint32_t bitset)
{
    futex_init_once();
    struct futex_bucket *b = bucket_of(k);
    spin_lock(&b->lock);
    int woke = wake_locked(b, k, n, bitset);
    spin_unlock(&b->lock);
    return woke;
}

static long futex_wake(uint64_t uaddr, bool private, int n, uint32_t bitset)
{
    if (!bitset)
        return -EINVAL;
    struct futex_key k;
    int r = get_key(uaddr, private, &k);
    if (r)
        return r;
    return wake_key(&k, MAX(n, 1), bitset);   /* a count of 0 still wakes one, as Linux */
}

int futex_wake_address(struct mm *mm, uint64_t uaddr, int n)
{
    if (!mm || (uaddr & 3))
        return 0;
    struct futex_key k;
    /* the exiting thread's mm is still current here; a shared wake, as
     * Linux's (so a waiter on a private key is not woken by it) */
    if (get_key(uaddr, false, &k))
        return 0;
    return wake_key(&k, n, FUTEX_BITSET_MATCH_ANY);
}

static void lock_two(struct futex_bucket *a, struct futex_bucket *b) { spin_lock_two(&a->lock, &b->lock); }
static void unlock_two(struct futex_bucket *a, struct futex_bucket *b) { spin_unlock_two(&a->lock, &b->lock); }

/* Wake nr_wake waiters of uaddr, move up to nr_requeue more to uaddr2
 * (CMP_REQUEUE: only if *uaddr still equals cmpval). */
static long futex_requeue(uint64_t uaddr, uint64_t uaddr2, bool private, int nr_wake, int nr_requeue,
                          bool cmp, uint32_t cmpval)
{
    if (nr_wake < 0 || nr_requeue < 0)
        return -EINVAL;
    struct futex_key k1, k2;
    int r = get_key(uaddr, private, &k1);
    if (!r)
        r = get_key(uaddr2, private, &k2);
    if (r)
        return r;
    if (cmp) {
        uint32_t cur;
        if (get_user(cur, (uint32_t __user *)uaddr))
            return -EFAULT;
        if (cur != cmpval)
            return -EAGAIN;
    }
    struct futex_bucket *b1 = bucket_of(&k1), *b2 = bucket_of(&k2);
    lock_two(b1, b2);
    long done = wake_locked(b1, &k1, nr_wake, FUTEX_BITSET_MATCH_ANY);
    int moved = 0;
    list_for_each_safe(pos, &b1->waiters) {
        if (moved >= nr_requeue)
            break;
        struct futex_waiter *w = container_of(pos, struct futex_waiter, node);
        if (!same_key(&w->key, &k1))
            continue;
        list_remove(&w->node);
        w->key = k2;
        list_push_back(&b2->waiters, &w->node);
        moved++;
    }
    unlock_two(b1, b2);
    return done + moved;                /* woken and requeued, as Linux */
}

/* FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, oparg) atomically; wake nr_wake on
 * uaddr; and, if cmp(old *uaddr2, cmparg), nr_wake2 on uaddr2. */
static long futex_wake_op(uint64_t uaddr, uint64_t uaddr2, bool private, int nr_wake, int nr_wake2, uint32_t encoded)
{
    unsigned op = (encoded >> 28) & 0xf, cmp = (encoded >> 24) & 0xf;
    /* both arguments are sign-extended 12-bit fields */
    uint32_t oparg = (uint32_t)((int32_t)(encoded << 8) >> 20), cmparg = encoded & 0xfff;
    if (op & 8) {                       /* FUTEX_OP_OPARG_SHIFT: Linux uses the low 5 bits */
        op &= 7;
        oparg = 1u << (oparg & 31);
    }
    if (op > 4)
        return -ENOSYS;
    struct futex_key k1, k2;
    int r = get_key(uaddr, private, &k1);
    if (!r)
        r = get_key(uaddr2, private, &k2);
    if (r)
        return r;
    uint32_t old, seen;
    if (get_user(old, (uint32_t __user *)uaddr2))
        return -EFAULT;
    for (;;) {
        uint32_t nv = op == 0 ? oparg : op == 1 ? old + oparg : op == 2 ? old | oparg : op == 3 ? old & ~oparg : old ^ oparg;
        if (cmpxchg_user32((uint32_t __user *)uaddr2, old, nv, &seen))
            return -EFAULT;
        if (seen == old)
            break;
        old = seen;
    }
    /* sign-extended 12-bit comparison argument, as Linux */
    int32_t a = (int32_t)old, c = (int32_t)(cmparg << 20) >> 20;
    if (cmp > 5)
        return -ENOSYS;                 /* after the operation, as Linux */
    bool hit = cmp == 0 ? a == c : cmp == 1 ? a != c : cmp == 2 ? a < c : cmp == 3 ? a <= c : cmp == 4 ? a > c : a >= c;
    struct futex_bucket *b1 = bucket_of(&k1), *b2 = bucket_of(&k2);
    lock_two(b1, b2);
    long woke = wake_locked(b1, &k1, MAX(nr_wake, 1), FUTEX_BITSET_MATCH_ANY);
    if (hit)
        woke += wake_locked(b2, &k2, MAX(nr_wake2, 1), FUTEX_BITSET_MATCH_ANY);
    unlock_two(b1, b2);
    return woke;
}

struct ktimespec {
    int64_t sec, nsec;
};

/* ---- priority-inheritance locks ----
 *
 * The lock word holds the owner's thread id (0: free), FUTEX_WAITERS when
 * someone may be sleeping on it, and FUTEX_OWNER_DIED after a robust
 * owner's death.  Programs take and release a free lock in user space; the
 * kernel is called when the word says there is contention.
 *
 * LOCK_PI: a free word is taken with a compare-and-exchange (OWNER_DIED is
 * kept for the program to see); otherwise the caller queues itself, sets
 * FUTEX_WAITERS, lends its real-time priority to the owner if that is
 * higher (the owner runs as SCHED_FIFO at that priority until it unlocks),
 * and sleeps.  UNLOCK_PI clears the word (keeping FUTEX_WAITERS if other
 * waiters remain), gives back any lent priority and wakes the
 * highest-priority waiter, which takes the lock again (so a lower-priority
 * thread running at that moment can still take it first).  A waiter that
 * times out keeps the owner boosted until the owner unlocks.  Lending
 * follows chains: an owner that itself waits on another PI lock passes the
 * priority on to that lock's owner, and so on (PI_CHAIN_MAX owners at
 * most); each keeps it until it unlocks.
 */

static int current_rt_prio(void)
{
    struct task *t = current;
    return t->policy == SCHED_FIFO || t->policy == SCHED_RR ? t->se.rt_priority : 0;
}

#define PI_CHAIN_MAX 16

/* o runs at real-time priority prio at least, until it unlocks.  Caller
 * holds tasks_lock. */
static void pi_boost(struct task *o, int prio)
{
    int have = o->policy == SCHED_FIFO || o->policy == SCHED_RR ? o->se.rt_priority : 0;
    if (prio <= have)
        return;
    if (!o->pi_boosted) {
        o->pi_boosted = true;
        o->pi_base_policy = o->policy;
        o->pi_base_prio = o->se.rt_priority;
    }
    sched_set_rt(o, SCHED_FIFO, prio);
}

/* The caller is about to sleep on a PI word owned by owner_tid: it lends
 * its priority to the owner, and through the owner to the owner of the
 * lock the owner waits for, along the chain.  -ESRCH if no such thread. */
static int pi_lend(pid_t owner_tid, int prio)
{
    spin_lock(&tasks_lock);
    struct task *o = task_find(owner_tid);
    int r = o && o->state != TASK_ZOMBIE ? 0 : -ESRCH;
    if (!r)
        current->pi_waiting_on = owner_tid;
    for (int depth = 0; !r && o && o->state != TASK_ZOMBIE && prio > 0 && depth < PI_CHAIN_MAX; depth++) {
        pi_boost(o, prio);
        pid_t next = o->pi_waiting_on;
        if (!next || next == current->pid)
            break;                      /* the end of the chain, or a cycle back to us */
        o = task_find(next);
    }
    spin_unlock(&tasks_lock);
    return r;
}

/* The caller no longer waits on a PI word. */
static void pi_wait_done(void)
{
    spin_lock(&tasks_lock);
    current->pi_waiting_on = 0;
    spin_unlock(&tasks_lock);
}

/* The unlocking owner gives back what was lent to it. */
static void pi_restore(void)
{
    struct task *t = current;
    spin_lock(&tasks_lock);
    if (t->pi_boosted) {
        t->pi_boosted = false;
        sched_set_rt(t, t->pi_base_policy, t->pi_base_prio);
    }
    spin_unlock(&tasks_lock);
}

static long lock_pi(uint64_t uaddr, bool private, uint64_t deadline, bool try);

static long futex_lock_pi(uint64_t uaddr, bool private, uint64_t deadline, bool try)
{
    long r = lock_pi(uaddr, private, deadline, try);
    if (current->pi_waiting_on)
        pi_wait_done();
    return r;
}

static long lock_pi(uint64_t uaddr, bool private, uint64_t deadline, bool try)
{
    uint32_t tid = (uint32_t)current->pid;
    struct futex_waiter w = { .bitset = FUTEX_BITSET_MATCH_ANY, .task = current, .prio = current_rt_prio() };
    int r = get_key(uaddr, private, &w.key);
    if (r)
        return r;
    uint32_t __user *word = (uint32_t __user *)uaddr;
    struct task *t = current;
    for (;;) {
        uint32_t v, seen;
        if (get_user(v, word))
            return -EFAULT;
        if ((v & FUTEX_TID_MASK) == 0) {
            /* free: take it, keeping the waiters and owner-died bits */
            if (cmpxchg_user32(word, v, tid | (v & (FUTEX_WAITERS | FUTEX_OWNER_DIED)), &seen))
                return -EFAULT;
            if (seen == v)
                return 0;
            continue;
        }
        if ((v & FUTEX_TID_MASK) == tid)
            return -EDEADLK;
        if (try)
            return -EAGAIN;
        /* queue, then announce ourselves in the word */
        w.woken = false;
        struct futex_bucket *b = bucket_of(&w.key);
        spin_lock(&b->lock);
        list_push_back(&b->waiters, &w.node);
        spin_unlock(&b->lock);
        if (!(v & FUTEX_WAITERS)) {
            if (cmpxchg_user32(word, v, v | FUTEX_WAITERS, &seen)) {
                unqueue(&w);
                return -EFAULT;
            }
            if (seen != v) {
                unqueue(&w);
                continue;               /* changed meanwhile: look again */
            }
        }
        if (pi_lend((pid_t)(v & FUTEX_TID_MASK), w.prio)) {
            unqueue(&w);
            return -ESRCH;              /* no such owner (and not marked dead) */
        }
        /* sleep until the owner unlocks (and wakes us), the deadline, or a
         * signal, after which the call starts over (Linux restarts it) */
        for (;;) {
            b = lock_waiter_bucket(&w);
            if (w.woken) {
                spin_unlock(&b->lock);
                break;
            }
            t->state = TASK_BLOCKED;
            spin_unlock(&b->lock);
            if (signal_pending(t)) {
                t->state = TASK_RUNNING;
                if (unqueue(&w))
                    break;
                return -ERESTARTNOINTR;
            }
            if (schedule_until(deadline) && deadline) {
                if (unqueue(&w))
                    break;
                return -ETIMEDOUT;
            }
        }
    }
}

static long futex_unlock_pi(uint64_t uaddr, bool private)
{
    uint32_t tid = (uint32_t)current->pid;
    struct futex_key k;
    int r = get_key(uaddr, private, &k);
    if (r)
        return r;
    uint32_t __user *word = (uint32_t __user *)uaddr;
    uint32_t v, seen;
    if (get_user(v, word))
        return -EFAULT;
    if ((v & FUTEX_TID_MASK) != tid)
        return -EPERM;
    /* take the highest-priority waiter off the queue; are there more? */
    struct futex_bucket *b = bucket_of(&k);
    struct futex_waiter *top = NULL;
    bool more = false;
    spin_lock(&b->lock);
    list_for_each(pos, &b->waiters) {
        struct futex_waiter *w = container_of(pos, struct futex_waiter, node);
        if (!same_key(&w->key, &k))
            continue;
        if (!top || w->prio > top->prio) {
            more = more || top;
            top = w;
        } else {
            more = true;
        }
    }
    /* the word first, so the woken waiter finds the lock free */
    for (;;) {
        uint32_t nv = more ? FUTEX_WAITERS : 0;
        if (cmpxchg_user32(word, v, nv, &seen)) {
            spin_unlock(&b->lock);
            return -EFAULT;
        }
        if (seen == v)
            break;
        if ((seen & FUTEX_TID_MASK) != tid) {
            spin_unlock(&b->lock);
            return -EPERM;
        }
        v = seen;
    }
    if (top) {
        list_remove(&top->node);
        struct task *tk = top->task;
        top->woken = true;
        sched_wake(tk);
    }
    spin_unlock(&b->lock);
    pi_restore();
    return 0;
}

/* A timeout's value in ns: 0, -EFAULT or -EINVAL. */
static int timeout_ns(const struct ktimespec __user *ut, uint64_t *ns)
{
    struct ktimespec ts;
    if (copy_from_user(&ts, ut, sizeof ts))
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    *ns = (uint64_t)ts.sec * NSEC_PER_SEC + (uint64_t)ts.nsec;
    return 0;
}

/* An absolute CLOCK_REALTIME timeout, kept on the wall clock (never 0). */
static int wall_time_of(const struct ktimespec __user *ut, uint64_t *wall)
{
    int r = timeout_ns(ut, wall);
    if (!r && !*wall)
        *wall = 1;
    return r;
}

/* A wait's timeout as a monotonic deadline (0: none).  FUTEX_WAIT's is
 * relative; FUTEX_WAIT_BITSET's absolute, on CLOCK_REALTIME if asked. */
static int deadline_of(const struct ktimespec __user *ut, bool absolute, bool realtime, uint64_t *deadline)
{
    *deadline = 0;
    if (!ut)
        return 0;
    uint64_t ns;
    int r = timeout_ns(ut, &ns);
    if (r)
        return r;
    uint64_t now = time_ns();
    if (!absolute) {
        *deadline = now + ns;
    } else if (realtime) {
        uint64_t rt = time_realtime_ns();
        *deadline = ns > rt ? now + (ns - rt) : now;
    } else {
        *deadline = ns;
    }
    if (*deadline == 0)
        *deadline = 1;                  /* already past, but not "no timeout" */
    return 0;
}

static long sys_futex(uint32_t __user *uaddr, int op, uint32_t val, const struct ktimespec __user *timeout,
               uint32_t __user *uaddr2, uint32_t val3)
{
    futex_init_once();
    int cmd = op & FUTEX_CMD_MASK;
    bool private = op & FUTEX_PRIVATE_FLAG;
    bool realtime = op & FUTEX_CLOCK_REALTIME;
    if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_LOCK_PI2)
        return -ENOSYS;
    uint64_t a = (uint64_t)uaddr, a2 = (uint64_t)uaddr2;
    uint64_t deadline;
    long r;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        if (cmd == FUTEX_WAIT_BITSET && realtime && timeout) {
            /* an absolute wall-clock time: kept as such, so that setting
             * the clock moves it */
            r = wall_time_of(timeout, &deadline);
            if (r)
                return r;
            return futex_wait(a, private, val, deadline, true, val3);
        }
        r = deadline_of(timeout, cmd == FUTEX_WAIT_BITSET, realtime, &deadline);
        if (r)
            return r;
        return futex_wait(a, private, val, deadline, false, cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3);
    case FUTEX_WAKE:
        return futex_wake(a, private, (int)MIN(val, (uint32_t)INT32_MAX), FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET:
        return futex_wake(a, private, (int)MIN(val, (uint32_t)INT32_MAX), val3);
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
        /* the timeout slot carries the requeue count */
        return futex_requeue(a, a2, private, (int)val, (int)(uint64_t)timeout, cmd == FUTEX_CMP_REQUEUE, val3);
    case FUTEX_WAKE_OP:
        return futex_wake_op(a, a2, private, (int)val, (int)(uint64_t)timeout, val3);
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
        /* LOCK_PI's timeout is on CLOCK_REALTIME, LOCK_PI2's as asked */
        r = deadline_of(timeout, true, cmd == FUTEX_LOCK_PI || realtime, &deadline);
        if (r)
            return r;
        return futex_lock_pi(a, private, deadline, false);
    case FUTEX_TRYLOCK_PI:
        return futex_lock_pi(a, private, 0, true);
    case FUTEX_UNLOCK_PI:
        return futex_unlock_pi(a, private);
    default:
        return -ENOSYS;
    }
}
SYSCALL_DEFINE(202, futex);

/* ---- robust futexes ---- */

#define ROBUST_LIST_LIMIT 2048

struct robust_list_head {
    uint64_t next;              /* the first entry (a struct robust_list *), or the head itself */
    int64_t futex_offset;       /* from an entry to its lock word */
    uint64_t list_op_pending;   /* an entry being added or removed */
};

/* The lock word of an entry held by the dying thread: owner died, and one
 * waiter woken to recover it. */
static void robust_release(struct task *t, uint64_t entry, int64_t offset)
{
    uint64_t uaddr = entry + (uint64_t)offset;
    uint32_t val, seen;
    if (uaddr & 3 || get_user(val, (uint32_t __user *)uaddr))
        return;
    for (;;) {
        if ((val & FUTEX_TID_MASK) != (uint32_t)t->pid)
            return;
        uint32_t nv = (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (cmpxchg_user32((uint32_t __user *)uaddr, val, nv, &seen))
            return;
        if (seen == val)
            break;
        val = seen;
    }
    if (val & FUTEX_WAITERS)
        futex_wake_address(t->mm, uaddr, 1);
}

void futex_exit_robust(struct task *t)
{
    uint64_t head = t->robust_list;
    if (!head || !t->mm)
        return;
    struct robust_list_head h;
    if (copy_from_user(&h, (void __user *)head, sizeof h))
        return;
    /* bit 0 of a link marks a PI lock; the entry is the rest */
    uint64_t entry = h.next & ~1UL, pending = h.list_op_pending & ~1UL;
    for (int n = 0; entry && entry != head && n < ROBUST_LIST_LIMIT; n++) {
        uint64_t next;
        if (get_user(next, (uint64_t __user *)entry))
            break;
        if (entry != pending)
            robust_release(t, entry, h.futex_offset);
        entry = next & ~1UL;
    }
    if (pending)
        robust_release(t, pending, h.futex_offset);
}
