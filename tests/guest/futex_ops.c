/* The futex system call itself, raw, compared with Linux operation by
 * operation:
 *  - errors: FUTEX_WAIT with a value that differs (EAGAIN), timeouts
 *    (ETIMEDOUT, zero and bad timespecs), misaligned (EINVAL), unmapped,
 *    NULL and PROT_NONE words (EFAULT; a private wake never reads the word),
 *    WAKE_OP on a read-only page, unknown operations (ENOSYS), bitset 0;
 *  - FUTEX_WAKE returns how many it woke (3 waiters: wake 2, then 1, then
 *    none; a count of 0 still wakes one, as Linux does);
 *  - FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: the counts they return, where the
 *    waiters end up, CMP_REQUEUE with a stale value (EAGAIN);
 *  - FUTEX_WAKE_OP: every operation and comparison on the second word,
 *    with and without waiters, signed 12-bit arguments;
 *  - FUTEX_WAIT_BITSET / FUTEX_WAKE_BITSET: only matching waiters wake;
 *  - a wait interrupted by a handler: EINTR without SA_RESTART, resumed
 *    with it (EINTR for a timed wait either way); a stop and continue
 *    (no handler) is invisible: the wait goes on to its timeout or wake-up;
 *  - private and shared keys: a shared futex in MAP_SHARED memory made
 *    and touched before fork joins two processes; private ones do not,
 *    and a private waiter is not woken by a shared wake; in a file mapped
 *    MAP_SHARED the key is the file's page: mappings at different
 *    addresses, in one process or two, meet;
 *  - absolute timeouts: FUTEX_WAIT_BITSET on CLOCK_MONOTONIC and
 *    CLOCK_REALTIME, in the future and in the past;
 *  - robust mutexes: the owner (a thread making the raw exit call, a
 *    process exiting or killed) dies holding it: the next locker, also one
 *    already blocked, gets EOWNERDEAD; pthread_mutex_consistent repairs it,
 *    otherwise it becomes ENOTRECOVERABLE.
 * Waiters are known to be queued before they are woken: they are moved
 * with CMP_REQUEUE (which counts only queued waiters) from the word they
 * wait on to the one the test wakes, so every count is deterministic.
 * Guards against: wrong return counts, lost or extra wake-ups, requeue
 * losing waiters, bitsets ignored, keys that mix address spaces, timeouts
 * measured on the wrong clock, robust lists not walked at exit. */
#include "gt_thread.h"
#include <limits.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

/* <linux/futex.h>, which musl-gcc does not see */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_LT 2
#define FUTEX_OP_CMP_LE 3
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP_CMP_GE 5
#define FUTEX_OP(op, oparg, cmp, cmparg) \
    ((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

static const char *ename(int e)
{
    switch (e) {
    case ETIMEDOUT: return "ETIMEDOUT";
    case EOWNERDEAD: return "EOWNERDEAD";
    case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
    case EDEADLK: return "EDEADLK";
    default: return errname(e);
    }
}

static long futex(volatile uint32_t *uaddr, int op, uint32_t val, const void *ts_or_val2,
                  volatile uint32_t *uaddr2, uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts_or_val2, uaddr2, val3);
}

#define V2(n) ((const void *)(uintptr_t)(n))

/* "what: N" for a count, "what: ENAME" for a failure; checks want
 * (a count >= 0, or -errno). */
static void show(const char *what, long r, long want)
{
    int e = errno;
    if (r >= 0)
        say("%s: %ld\n", what, r);
    else
        say("%s: %s\n", what, ename(e));
    long got = r >= 0 ? r : -e;
    if (got != want)
        gt_failures++;
}

static uint64_t now_ns(int clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static struct timespec ts_at(uint64_t ns)
{
    struct timespec ts = { (time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL) };
    return ts;
}

/* ---- waiter threads ---- */

struct waiter {
    pthread_t th;
    volatile uint32_t *addr;
    int op;                     /* FUTEX_WAIT* (| FUTEX_PRIVATE_FLAG) */
    uint32_t bitset;
    long ret;
    int err;
    volatile int done;
};

/* A waiter blocks SIGCHLD: musl's fork() blocks every signal in the parent
 * until it returns, so a child that exits at once leaves SIGCHLD pending on
 * the process (a blocked signal is kept even if ignored, as on Linux), and a
 * waiter that took it would restart its wait on its original address, not
 * on the one it was requeued to. */
static void *waiter_main(void *arg)
{
    struct waiter *w = arg;
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &chld, NULL);
    struct timespec ts;
    int cmd = w->op & FUTEX_CMD_MASK;
    if (cmd == FUTEX_WAIT_BITSET)
        ts = ts_at(now_ns(CLOCK_MONOTONIC) + 10000000000ULL);      /* absolute */
    else
        ts = (struct timespec){ 10, 0 };                            /* relative */
    w->ret = futex(w->addr, w->op, 0, &ts, NULL, w->bitset);
    w->err = errno;
    __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void start_waiter(struct waiter *w, volatile uint32_t *addr, int op, uint32_t bitset)
{
    memset(w, 0, sizeof *w);
    w->addr = addr;
    w->op = op;
    w->bitset = bitset;
    pthread_create(&w->th, NULL, waiter_main, w);
}

/* Moves n waiters queued on `from` to `to` as they arrive; returns how
 * many it moved within 5 s. */
static int gather(volatile uint32_t *from, volatile uint32_t *to, int n, int priv)
{
    int moved = 0;
    for (int i = 0; i < 5000 && moved < n; i++) {
        long r = futex(from, FUTEX_CMP_REQUEUE | priv, 0, V2(n - moved), to, *from);
        if (r > 0)
            moved += r;
        else
            msleep(1);
    }
    return moved;
}

static int done_within(struct waiter *w, int ms)
{
    for (int i = 0; i < ms; i++) {
        if (__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
            return 1;
        msleep(1);
    }
    return __atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
}

/* Joins n waiters; returns 1 if each returned 0 (woken). */
static int all_woken(struct waiter *w, int n)
{
    int ok = 1;
    for (int i = 0; i < n; i++) {
        pthread_join(w[i].th, NULL);
        ok &= w[i].ret == 0;
    }
    return ok;
}

static int done_count(struct waiter *w, int n)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += __atomic_load_n(&w[i].done, __ATOMIC_ACQUIRE);
    return c;
}

static volatile uint32_t S, A, B, C;   /* staging word and the words tested */
#define P FUTEX_PRIVATE_FLAG

/* ---- errors ---- */

static void errors(void)
{
    step = "errors";
    volatile uint32_t word = 1;
    struct timespec t50 = { 0, 50000000 }, zero = { 0, 0 }, badns = { 0, 1000000000 }, negs = { -1, 0 };
    show("WAIT, word differs (private)", futex(&word, FUTEX_WAIT | P, 0, NULL, NULL, 0), -EAGAIN);
    show("WAIT, word differs (shared)", futex(&word, FUTEX_WAIT, 0, NULL, NULL, 0), -EAGAIN);
    word = 0;
    uint64_t t = now_ns(CLOCK_MONOTONIC);
    show("WAIT 50 ms, nobody wakes", futex(&word, FUTEX_WAIT | P, 0, &t50, NULL, 0), -ETIMEDOUT);
    expect(now_ns(CLOCK_MONOTONIC) - t >= 45000000ULL, "  it waited the 50 ms");
    show("WAIT with a zero timeout", futex(&word, FUTEX_WAIT | P, 0, &zero, NULL, 0), -ETIMEDOUT);
    show("WAIT, tv_nsec = 1e9", futex(&word, FUTEX_WAIT | P, 0, &badns, NULL, 0), -EINVAL);
    show("WAIT, tv_sec = -1", futex(&word, FUTEX_WAIT | P, 0, &negs, NULL, 0), -EINVAL);

    static uint32_t pair[2];
    volatile uint32_t *odd = (volatile uint32_t *)((char *)pair + 1);
    show("WAIT, misaligned address", futex(odd, FUTEX_WAIT | P, 0, NULL, NULL, 0), -EINVAL);
    show("WAKE, misaligned address", futex(odd, FUTEX_WAKE | P, 1, NULL, NULL, 0), -EINVAL);

    char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(page, 4096);
    volatile uint32_t *gone = (volatile uint32_t *)page;
    show("WAIT, unmapped address", futex(gone, FUTEX_WAIT | P, 0, NULL, NULL, 0), -EFAULT);
    show("WAIT, NULL", futex(NULL, FUTEX_WAIT | P, 0, NULL, NULL, 0), -EFAULT);
    show("WAKE (shared), unmapped address", futex(gone, FUTEX_WAKE, 1, NULL, NULL, 0), -EFAULT);
    show("WAKE (private), unmapped address: the word is never read", futex(gone, FUTEX_WAKE | P, 1, NULL, NULL, 0), 0);
    char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    show("WAIT on a PROT_NONE page", futex((volatile uint32_t *)none, FUTEX_WAIT | P, 0, NULL, NULL, 0), -EFAULT);
    munmap(none, 4096);
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    show("WAIT on a read-only page, word differs", futex((volatile uint32_t *)ro, FUTEX_WAIT | P, 1, NULL, NULL, 0), -EAGAIN);
    show("WAKE_OP on a read-only page",
         futex(&word, FUTEX_WAKE_OP | P, 1, V2(1), (volatile uint32_t *)ro, FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0)),
         -EFAULT);
    munmap(ro, 4096);

    show("operation 99", futex(&word, 99, 0, NULL, NULL, 0), -ENOSYS);
    show("FUTEX_FD (removed from Linux)", futex(&word, 2, 0, NULL, NULL, 0), -ENOSYS);
    show("WAKE | FUTEX_CLOCK_REALTIME", futex(&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), -ENOSYS);
    show("WAIT_BITSET, bitset 0", futex(&word, FUTEX_WAIT_BITSET | P, 0, NULL, NULL, 0), -EINVAL);
    show("WAKE_BITSET, bitset 0", futex(&word, FUTEX_WAKE_BITSET | P, 1, NULL, NULL, 0), -EINVAL);
    show("WAKE with nobody waiting", futex(&word, FUTEX_WAKE | P, 1, NULL, NULL, 0), 0);
    word = 3;
    show("CMP_REQUEUE, word differs from the value given",
         futex(&word, FUTEX_CMP_REQUEUE | P, 1, V2(1), &A, 4), -EAGAIN);
    show("CMP_REQUEUE, negative wake count", futex(&word, FUTEX_CMP_REQUEUE | P, (uint32_t)-1, V2(1), &A, 3), -EINVAL);
}

/* ---- wake counts ---- */

static void wake_counts(void)
{
    step = "wake counts";
    struct waiter w[5];
    S = A = 0;
    for (int i = 0; i < 3; i++)
        start_waiter(&w[i], &S, FUTEX_WAIT | P, 0);
    say("3 waiters queued: %d\n", gather(&S, &A, 3, P));
    show("WAKE 2 (3 waiting)", futex(&A, FUTEX_WAKE | P, 2, NULL, NULL, 0), 2);
    show("WAKE 1 (1 waiting)", futex(&A, FUTEX_WAKE | P, 1, NULL, NULL, 0), 1);
    show("WAKE 1 (none left)", futex(&A, FUTEX_WAKE | P, 1, NULL, NULL, 0), 0);
    expect(all_woken(w, 3), "each waiter returned 0");

    for (int i = 0; i < 5; i++)
        start_waiter(&w[i], &S, FUTEX_WAIT | P, 0);
    say("5 waiters queued: %d\n", gather(&S, &A, 5, P));
    show("WAKE INT_MAX (5 waiting)", futex(&A, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0), 5);
    expect(all_woken(w, 5), "each waiter returned 0");

    start_waiter(&w[0], &S, FUTEX_WAIT | P, 0);
    say("1 waiter queued: %d\n", gather(&S, &A, 1, P));
    show("WAKE 0 (1 waiting): Linux still wakes one", futex(&A, FUTEX_WAKE | P, 0, NULL, NULL, 0), 1);
    if (!done_within(&w[0], 100))
        futex(&A, FUTEX_WAKE | P, 1, NULL, NULL, 0);
    pthread_join(w[0].th, NULL);
}

/* ---- requeue ---- */

static void requeues(void)
{
    step = "requeue";
    struct waiter w[4];
    S = A = B = 0;
    for (int i = 0; i < 4; i++)
        start_waiter(&w[i], &S, FUTEX_WAIT | P, 0);
    say("4 waiters queued: %d\n", gather(&S, &A, 4, P));
    show("REQUEUE wake 1, move 2 (4 waiting)", futex(&A, FUTEX_REQUEUE | P, 1, V2(2), &B, 0), 3);
    show("  then WAKE all on the target", futex(&B, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0), 2);
    show("  then WAKE all on the source", futex(&A, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0), 1);
    expect(all_woken(w, 4), "each waiter returned 0");

    for (int i = 0; i < 3; i++)
        start_waiter(&w[i], &S, FUTEX_WAIT | P, 0);
    say("3 waiters queued: %d\n", gather(&S, &A, 3, P));
    A = 7;
    show("CMP_REQUEUE with a stale value", futex(&A, FUTEX_CMP_REQUEUE | P, 1, V2(1), &B, 6), -EAGAIN);
    show("CMP_REQUEUE wake 0, move 0", futex(&A, FUTEX_CMP_REQUEUE | P, 0, V2(0), &B, 7), 0);
    show("CMP_REQUEUE wake 1, move 1 (3 waiting)", futex(&A, FUTEX_CMP_REQUEUE | P, 1, V2(1), &B, 7), 2);
    show("  then WAKE all on the target", futex(&B, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0), 1);
    show("  then WAKE all on the source", futex(&A, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0), 1);
    expect(all_woken(w, 3), "each waiter returned 0");
    A = 0;
}

/* ---- wake_op ---- */

static void wake_ops(void)
{
    step = "wake_op";
    static const struct {
        const char *name;
        int op;
        int oparg;
        uint32_t before, after;
    } ops[] = {
        { "SET 5", FUTEX_OP_SET, 5, 100, 5 },
        { "ADD 5", FUTEX_OP_ADD, 5, 100, 105 },
        { "OR 3", FUTEX_OP_OR, 3, 0x10, 0x13 },
        { "ANDN 3", FUTEX_OP_ANDN, 3, 0x17, 0x14 },
        { "XOR 0xf", FUTEX_OP_XOR, 0xf, 0x1a, 0x15 },
        { "ADD -1 (12-bit, sign-extended)", FUTEX_OP_ADD, 0xfff, 10, 9 },
        { "SET 1<<4 (OPARG_SHIFT)", FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 4, 0, 16 },
        { "OR 1<<31 (OPARG_SHIFT)", FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 31, 1, 0x80000001u },
    };
    int ok = 1;
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        A = 0;
        B = ops[i].before;
        long r = futex(&A, FUTEX_WAKE_OP | P, 1, V2(1), &B, FUTEX_OP(ops[i].op, ops[i].oparg, FUTEX_OP_CMP_EQ, 0));
        say("WAKE_OP %s: %#x -> %#x, returns %ld\n", ops[i].name, ops[i].before, B, r);
        ok &= B == ops[i].after && r == 0;
    }
    if (!ok)
        gt_failures++;
    B = 1;
    long r = futex(&A, FUTEX_WAKE_OP | P, 1, V2(1), &B, FUTEX_OP(FUTEX_OP_ADD | FUTEX_OP_OPARG_SHIFT, 33, FUTEX_OP_CMP_EQ, 0));
    say("WAKE_OP ADD 1<<33 (OPARG_SHIFT beyond 31): returns %s, word %#x\n", r < 0 ? ename(errno) : "0", B);
    B = 1;
    r = futex(&A, FUTEX_WAKE_OP | P, 1, V2(1), &B, (5u << 28) | (1 << 12));
    say("WAKE_OP operation 5: returns %s, word %#x\n", r < 0 ? ename(errno) : "0", B);
    B = 1;
    r = futex(&A, FUTEX_WAKE_OP | P, 1, V2(1), &B, FUTEX_OP(FUTEX_OP_ADD, 1, 6, 0));
    say("WAKE_OP comparison 6: returns %s, word %#x\n", r < 0 ? ename(errno) : "0", B);

    /* comparisons, observed through a waiter on the second word */
    static const struct {
        const char *name;
        int cmp;
        int cmparg;
        uint32_t old;
        int hit;
    } cmps[] = {
        { "EQ 5, old 5", FUTEX_OP_CMP_EQ, 5, 5, 1 },
        { "EQ 5, old 6", FUTEX_OP_CMP_EQ, 5, 6, 0 },
        { "NE 5, old 6", FUTEX_OP_CMP_NE, 5, 6, 1 },
        { "LT 0, old -1 (signed)", FUTEX_OP_CMP_LT, 0, 0xffffffffu, 1 },
        { "LE 3, old 4", FUTEX_OP_CMP_LE, 3, 4, 0 },
        { "GT -2, old -1 (12-bit, sign-extended)", FUTEX_OP_CMP_GT, 0xffe, 0xffffffffu, 1 },
        { "GE 7, old 7", FUTEX_OP_CMP_GE, 7, 7, 1 },
        { "EQ -1, old -1", FUTEX_OP_CMP_EQ, 0xfff, 0xffffffffu, 1 },
    };
    for (unsigned i = 0; i < sizeof cmps / sizeof cmps[0]; i++) {
        struct waiter wa, wb;
        S = A = C = 0;
        start_waiter(&wa, &S, FUTEX_WAIT | P, 0);
        int qa = gather(&S, &A, 1, P);
        start_waiter(&wb, &S, FUTEX_WAIT | P, 0);
        int qb = gather(&S, &C, 1, P);
        /* the second word: C, which must hold `old` when the op runs; the
         * op adds 0 so the comparison sees old */
        C = cmps[i].old;
        r = futex(&A, FUTEX_WAKE_OP | P, 1, V2(1), &C, FUTEX_OP(FUTEX_OP_ADD, 0, cmps[i].cmp, cmps[i].cmparg));
        say("WAKE_OP compare %s: returns %ld, second word's waiter %s\n", cmps[i].name, r,
            qa + qb == 2 && done_within(&wb, 100) ? "woken" : "still waiting");
        if (r != 1 + cmps[i].hit)
            gt_failures++;
        futex(&C, FUTEX_WAKE | P, 1, NULL, NULL, 0);
        pthread_join(wa.th, NULL);
        pthread_join(wb.th, NULL);
    }
}

/* ---- bitsets ---- */

static void bitsets(void)
{
    step = "bitsets";
    struct waiter w[4];
    S = A = 0;
    uint32_t bits[4] = { 1, 2, 4, 8 };
    for (int i = 0; i < 4; i++)
        start_waiter(&w[i], &S, FUTEX_WAIT_BITSET | P, bits[i]);
    say("4 bitset waiters (1, 2, 4, 8) queued: %d\n", gather(&S, &A, 4, P));
    show("WAKE_BITSET 0x2", futex(&A, FUTEX_WAKE_BITSET | P, INT_MAX, NULL, NULL, 2), 1);
    expect(done_within(&w[1], 2000) && done_count(w, 4) == 1, "  only the waiter with bit 1 woke");
    show("WAKE_BITSET 0x5", futex(&A, FUTEX_WAKE_BITSET | P, INT_MAX, NULL, NULL, 5), 2);
    show("WAKE_BITSET 0x10 (no match)", futex(&A, FUTEX_WAKE_BITSET | P, INT_MAX, NULL, NULL, 0x10), 0);
    show("plain WAKE (matches any bitset)", futex(&A, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0), 1);
    expect(all_woken(w, 4), "each waiter returned 0");
    start_waiter(&w[0], &S, FUTEX_WAIT | P, 0);
    say("a plain waiter queued: %d\n", gather(&S, &A, 1, P));
    show("WAKE_BITSET 0x40000000 wakes a plain waiter", futex(&A, FUTEX_WAKE_BITSET | P, 1, NULL, NULL, 0x40000000), 1);
    expect(all_woken(w, 1), "it returned 0");
}

/* ---- signals ---- */

static void on_usr1(int sig) { (void)sig; }

static void *timed_sig_waiter(void *arg)
{
    struct waiter *w = arg;
    struct timespec ts = { 10, 0 };
    w->ret = futex(w->addr, FUTEX_WAIT | P, 0, &ts, NULL, 0);
    w->err = errno;
    w->done = 1;
    return NULL;
}

static void *untimed_waiter(void *arg)
{
    struct waiter *w = arg;
    w->ret = futex(w->addr, FUTEX_WAIT | P, 0, NULL, NULL, 0);
    w->err = errno;
    w->done = 1;
    return NULL;
}

static void interrupted(int sa_flags, int timed, const char *what, long want)
{
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = sa_flags };
    sigaction(SIGUSR1, &sa, NULL);
    struct waiter w;
    memset(&w, 0, sizeof w);
    S = A = 0;
    w.addr = &S;
    pthread_create(&w.th, NULL, timed ? timed_sig_waiter : untimed_waiter, &w);
    int q = gather(&S, &A, 1, P);
    pthread_kill(w.th, SIGUSR1);
    if (!done_within(&w, 300)) {
        /* restarted: it waits on its own word again */
        int q2 = gather(&S, &A, 1, P);
        say("%s: still waiting after the handler (queued again: %d)\n", what, q2);
        futex(&A, FUTEX_WAKE | P, 1, NULL, NULL, 0);
    }
    pthread_join(w.th, NULL);
    errno = w.err;
    show(what, q == 1 ? w.ret : -100, want);
    signal(SIGUSR1, SIG_DFL);
}

static void signals(void)
{
    step = "signals";
    interrupted(0, 0, "WAIT interrupted by a handler without SA_RESTART", -EINTR);
    interrupted(SA_RESTART, 0, "WAIT interrupted by a handler with SA_RESTART, then woken", 0);
    interrupted(SA_RESTART, 1, "timed WAIT interrupted by a handler with SA_RESTART", -EINTR);

    step = "stop/continue";
    volatile uint32_t *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    for (int timed = 1; timed >= 0; timed--) {
        memset((void *)sh, 0, 4096);
        pid_t c = fork();
        if (c == 0) {
            struct timespec ts = { 0, 600000000 };
            long r = futex(&sh[0], FUTEX_WAIT, 0, timed ? &ts : NULL, NULL, 0);
            _exit(r == 0 ? 0 : errno);
        }
        int q = gather(&sh[0], &sh[1], 1, 0);
        kill(c, SIGSTOP);
        int st;
        waitpid(c, &st, WUNTRACED);
        int stopped = WIFSTOPPED(st);
        msleep(50);
        kill(c, SIGCONT);
        waitpid(c, &st, WCONTINUED);
        if (!timed) {
            /* restarted on its own word: move it again, wake it */
            msleep(50);
            int q2 = gather(&sh[0], &sh[1], 1, 0);
            long woke = futex(&sh[1], FUTEX_WAKE, 1, NULL, NULL, 0);
            say("untimed WAIT in a child stopped and continued: queued %d, stopped %s, waits again %d, woken %ld\n",
                q, stopped ? "yes" : "no", q2, woke);
            if (!(q == 1 && stopped && q2 == 1 && woke == 1))
                gt_failures++;
            if (woke != 1)
                kill(c, SIGKILL);
        }
        waitpid(c, &st, 0);
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        say("%s WAIT in a child stopped and continued returns: %s\n", timed ? "timed (600 ms)" : "untimed",
            code == 0 ? "0" : code > 0 ? ename(code) : status_str(st));
        if (code != (timed ? ETIMEDOUT : 0))
            gt_failures++;
    }
    munmap((void *)sh, 4096);
}

/* ---- keys: private, shared, across processes ---- */

static void keys(void)
{
    step = "keys";
    struct waiter w;
    S = A = 0;
    start_waiter(&w, &S, FUTEX_WAIT | P, 0);
    say("a private waiter queued: %d\n", gather(&S, &A, 1, P));
    show("shared WAKE of a private waiter (private memory)", futex(&A, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
    pid_t c = fork();
    if (c == 0)
        _exit(futex(&A, FUTEX_WAKE | P, 1, NULL, NULL, 0) == 0 ? 0 : 1);
    int st;
    waitpid(c, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a forked child's private WAKE on the same address wakes nobody here");
    show("private WAKE", futex(&A, FUTEX_WAKE | P, 1, NULL, NULL, 0), 1);
    expect(all_woken(&w, 1), "it returned 0");

    /* shared memory made and touched before fork */
    volatile uint32_t *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset((void *)sh, 0, 4096);
    c = fork();
    if (c == 0) {
        struct timespec ts = { 10, 0 };
        long r = futex(&sh[0], FUTEX_WAIT, 0, &ts, NULL, 0);
        _exit(r == 0 ? 0 : errno);
    }
    long woke = 0;
    for (int i = 0; i < 5000 && woke == 0; i++) {
        woke = futex(&sh[0], FUTEX_WAKE, 1, NULL, NULL, 0);
        if (woke == 0)
            msleep(1);
    }
    waitpid(c, &st, 0);
    say("shared futex in MAP_SHARED memory: parent's WAKE woke %ld, child's WAIT returned %s\n", woke,
        WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "0" : WIFEXITED(st) ? ename(WEXITSTATUS(st)) : status_str(st));
    if (!(woke == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 0))
        gt_failures++;

    c = fork();
    if (c == 0) {
        struct timespec ts = { 0, 300000000 };
        long r = futex(&sh[0], FUTEX_WAIT | P, 0, &ts, NULL, 0);
        _exit(r == 0 ? 0 : errno);
    }
    long total = 0;
    for (int i = 0; i < 40; i++) {
        total += futex(&sh[0], FUTEX_WAKE | P, 1, NULL, NULL, 0);
        total += futex(&sh[0], FUTEX_WAKE, 1, NULL, NULL, 0);
        msleep(5);
    }
    waitpid(c, &st, 0);
    say("child's private WAIT in MAP_SHARED memory: parent's WAKEs woke %ld, child's WAIT returned %s\n", total,
        WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "0" : WIFEXITED(st) ? ename(WEXITSTATUS(st)) : status_str(st));
    if (!(total == 0 && WIFEXITED(st) && WEXITSTATUS(st) == ETIMEDOUT))
        gt_failures++;

    /* a file mapped MAP_SHARED: the key is the file's page, not the
     * address, so mappings at different addresses meet */
    int fd = open("futex-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    ftruncate(fd, 8192);
    volatile uint32_t *f1 = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    volatile uint32_t *f2 = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    expect(f1 != MAP_FAILED && f2 != MAP_FAILED && f1 != f2, "one file mapped twice, at two addresses");
    struct waiter fw;
    start_waiter(&fw, &f1[1025], FUTEX_WAIT, 0);
    woke = 0;
    for (int i = 0; i < 5000 && woke == 0; i++) {
        woke = futex(&f2[1025], FUTEX_WAKE, 1, NULL, NULL, 0);
        if (woke == 0)
            msleep(1);
    }
    say("thread waits at the first address, main wakes at the second: woke %ld\n", woke);
    if (woke != 1)
        gt_failures++;
    expect(all_woken(&fw, 1), "it returned 0");
    c = fork();
    if (c == 0) {
        /* the child maps the file once more, at yet another address */
        volatile uint32_t *f3 = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        struct timespec ts = { 10, 0 };
        long r = futex(&f3[1025], FUTEX_WAIT, 0, &ts, NULL, 0);
        _exit(r == 0 ? 0 : errno);
    }
    woke = 0;
    for (int i = 0; i < 5000 && woke == 0; i++) {
        woke = futex(&f1[1025], FUTEX_WAKE, 1, NULL, NULL, 0);
        if (woke == 0)
            msleep(1);
    }
    waitpid(c, &st, 0);
    say("a child waits in its own mapping of the file, the parent wakes in its own: woke %ld, child's WAIT returned %s\n",
        woke, WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "0" : WIFEXITED(st) ? ename(WEXITSTATUS(st)) : status_str(st));
    if (!(woke == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 0))
        gt_failures++;
    start_waiter(&fw, &f1[1025], FUTEX_WAIT, 0);
    say("a waiter queued, moved to another word of page 1: %d\n", gather(&f1[1025], &f1[1030], 1, 0));
    show("WAKE at the same offset in page 0 (other mapping)", futex(&f2[6], FUTEX_WAKE, 1, NULL, NULL, 0), 0);
    show("WAKE at that word of page 1 (other mapping)", futex(&f2[1030], FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    expect(all_woken(&fw, 1), "it returned 0");
    munmap((void *)f1, 8192);
    munmap((void *)f2, 8192);
    close(fd);
    unlink("futex-file");

    /* one process, shared memory: a shared waiter is not woken privately */
    sh[0] = 0;
    start_waiter(&w, &sh[2], FUTEX_WAIT, 0);
    say("a shared waiter queued: %d\n", gather(&sh[2], &sh[3], 1, 0));
    show("private WAKE of a shared waiter (MAP_SHARED memory)", futex(&sh[3], FUTEX_WAKE | P, 1, NULL, NULL, 0), 0);
    show("shared WAKE", futex(&sh[3], FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    expect(all_woken(&w, 1), "it returned 0");
    munmap((void *)sh, 4096);
}

/* ---- absolute timeouts and clocks ---- */

static void clocks(void)
{
    step = "clocks";
    volatile uint32_t word = 0;
    struct timespec at = ts_at(now_ns(CLOCK_REALTIME) + 100000000ULL);
    uint64_t t = now_ns(CLOCK_MONOTONIC);
    show("WAIT_BITSET | CLOCK_REALTIME, absolute now + 100 ms",
         futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | P, 0, &at, NULL, FUTEX_BITSET_MATCH_ANY), -ETIMEDOUT);
    uint64_t el = now_ns(CLOCK_MONOTONIC) - t;
    expect(el >= 90000000ULL && el < 5000000000ULL, "  it waited about 100 ms");
    at = ts_at(now_ns(CLOCK_REALTIME) - 1000000000ULL);
    t = now_ns(CLOCK_MONOTONIC);
    show("WAIT_BITSET | CLOCK_REALTIME, a second in the past",
         futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | P, 0, &at, NULL, FUTEX_BITSET_MATCH_ANY), -ETIMEDOUT);
    expect(now_ns(CLOCK_MONOTONIC) - t < 1000000000ULL, "  at once");
    at = ts_at(now_ns(CLOCK_MONOTONIC) + 100000000ULL);
    t = now_ns(CLOCK_MONOTONIC);
    show("WAIT_BITSET (CLOCK_MONOTONIC), absolute now + 100 ms",
         futex(&word, FUTEX_WAIT_BITSET | P, 0, &at, NULL, FUTEX_BITSET_MATCH_ANY), -ETIMEDOUT);
    el = now_ns(CLOCK_MONOTONIC) - t;
    expect(el >= 90000000ULL && el < 5000000000ULL, "  it waited about 100 ms");
    struct timespec rel = { 0, 50000000 };
    show("plain WAIT | CLOCK_REALTIME (only the bitset wait takes that clock)",
         futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME | P, 0, &rel, NULL, 0), -ENOSYS);
}

/* ---- robust mutexes ---- */

static pthread_mutex_t *rm;
static volatile int holder_locked;

static void *die_holding(void *arg)
{
    pthread_mutex_lock(rm);
    holder_locked = 1;
    msleep((int)(intptr_t)arg);
    syscall(SYS_exit, 0);               /* no user-space cleanup: the kernel walks the robust list */
    return NULL;
}

static void robust_init(pthread_mutex_t *m, int pshared)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (pshared)
        pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
}

static void robust_thread(int sleep_ms, int repair, const char *what)
{
    static pthread_mutex_t m;
    rm = &m;
    /* process-shared: for those musl registers its robust list with the
     * kernel (private ones it recovers itself in pthread_exit) */
    robust_init(&m, 1);
    holder_locked = 0;
    pthread_t t;
    pthread_create(&t, NULL, die_holding, (void *)(intptr_t)sleep_ms);
    while (!holder_locked)
        msleep(1);
    int r = pthread_mutex_lock(&m);     /* blocks while it sleeps, if it does */
    say("%s: lock returns %s\n", what, r ? ename(r) : "0");
    if (r != EOWNERDEAD)
        gt_failures++;
    if (repair) {
        expect(pthread_mutex_consistent(&m) == 0, "  pthread_mutex_consistent");
        pthread_mutex_unlock(&m);
        r = pthread_mutex_lock(&m);
        say("  lock again: %s\n", r ? ename(r) : "0");
        if (r != 0)
            gt_failures++;
        pthread_mutex_unlock(&m);
    } else {
        pthread_mutex_unlock(&m);
        r = pthread_mutex_lock(&m);
        say("  unlocked without repair, lock again: %s\n", r ? ename(r) : "0");
        if (r != ENOTRECOVERABLE)
            gt_failures++;
    }
}

static void robust_process(int how, const char *what)
{
    pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset(m, 0, 4096);
    robust_init(m, 1);
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        pthread_mutex_lock(m);
        write(p[1], "L", 1);
        if (how == 0)
            _exit(0);
        if (how == 2)
            msleep(100);                /* the parent blocks in lock meanwhile */
        if (how == 2)
            _exit(0);
        for (;;)
            pause();
    }
    char b;
    read(p[0], &b, 1);
    if (how == 1) {
        kill(c, SIGKILL);
        waitpid(c, NULL, 0);
    }
    int r = pthread_mutex_lock(m);
    say("%s: lock returns %s\n", what, r ? ename(r) : "0");
    if (r != EOWNERDEAD)
        gt_failures++;
    expect(pthread_mutex_consistent(m) == 0 && pthread_mutex_unlock(m) == 0 && pthread_mutex_lock(m) == 0,
           "  made consistent, locks again");
    pthread_mutex_unlock(m);
    if (how != 1)
        waitpid(c, NULL, 0);
    close(p[0]);
    close(p[1]);
    munmap(m, 4096);
}

static void robust(void)
{
    step = "robust";
    robust_thread(0, 1, "robust mutex, its thread made the raw exit call holding it");
    robust_thread(100, 1, "the same, the locker already blocked when it died");
    robust_thread(0, 0, "the same, not made consistent");
    robust_process(0, "process-shared robust mutex, its process exited holding it");
    robust_process(1, "the same, its process killed by SIGKILL");
    robust_process(2, "the same, the parent already blocked when the child exited");
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(90);
    errors();
    wake_counts();
    requeues();
    wake_ops();
    bitsets();
    signals();
    keys();
    clocks();
    robust();
    gt_exit();
}
