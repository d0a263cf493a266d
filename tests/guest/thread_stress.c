/* Threads under stress, to shake out races between thread creation and
 * exit, futex waits, signal delivery, fork and process death:
 *  - two threads of a child each create and join threads at once, every
 *    new thread checking the argument it was given, until the parent
 *    kills the child (3 runs of 0.7 s): nothing may fault;
 *  - for up to 3 seconds, rounds of 8 threads are created and joined while
 *    a signaller thread hits random live threads with pthread_kill and the
 *    process with kill(); the workers bump a mutex-protected counter, hand
 *    a token around with a condition variable, pass a semaphore, sleep
 *    (interrupted by the signals), and now and then fork a child; every
 *    count and every joined value must come out exact;
 *  - 48 times, a child whose threads create and join threads in a loop
 *    (others blocked in futex waits, in read, or spinning) is killed by
 *    SIGKILL or SIGTERM at a varying moment, stopped and continued first,
 *    or ended by one of its threads calling _exit: the status is always
 *    the one expected.
 * Only relations and totals are printed, never counts that depend on
 * timing (a failure adds the first unexpected status).
 * Guards against: races between clone, exit and the address space
 * (thread stacks are mapped and unmapped as fast as threads come and go),
 * races with exit_group or SIGKILL, signals delivered to threads being
 * created or torn down, lost futex wake-ups under interruption, leaked
 * tasks (the run ends with Threads back at 1). */
#include "gt_thread.h"
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <time.h>

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msleep_once(int us)
{
    struct timespec ts = { 0, us * 1000L };
    nanosleep(&ts, NULL);               /* a signal may cut it short: fine */
}

static int threads_now(void)
{
    char buf[4096];
    if (read_file("/proc/self/status", buf, sizeof buf) < 0)
        return -1;
    char *p = strstr(buf, "\nThreads:");
    return p ? atoi(p + 9) : -1;
}

/* ---- phase 1: churn under signals ---- */

#define WORKERS 8
#define ITERS 120

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static int token;                       /* whose turn, for the condition-variable ring */
static sem_t sem;
static volatile long usr1_hits, usr2_hits;
static int fork_failures;
static char fork_failure[160];

static void on_usr1(int sig) { __atomic_add_fetch(&usr1_hits, 1, __ATOMIC_RELAXED); }
static void on_usr2(int sig) { __atomic_add_fetch(&usr2_hits, 1, __ATOMIC_RELAXED); }

struct slot {
    pthread_t th;
    int live;
};
static struct slot slots[WORKERS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop_signaller;

static void *signaller(void *arg)
{
    unsigned seed = 12345;
    while (!stop_signaller) {
        int k = rand_r(&seed) % WORKERS;
        pthread_mutex_lock(&slots_lock);
        if (slots[k].live)
            pthread_kill(slots[k].th, SIGUSR1);
        pthread_mutex_unlock(&slots_lock);
        if ((rand_r(&seed) & 3) == 0)
            kill(getpid(), SIGUSR2);
        msleep_once(300);
    }
    return NULL;
}

struct work {
    int idx, round;
};

static void *worker(void *arg)
{
    struct work *w = arg;
    long mine = 0;
    for (int i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&mtx);
        counter++;
        pthread_mutex_unlock(&mtx);
        mine += i;
        if (i % 30 == 0) {
            /* the token ring: each worker waits for its turn once */
            pthread_mutex_lock(&mtx);
            while (token % WORKERS != w->idx)
                pthread_cond_wait(&cv, &mtx);
            token++;
            pthread_cond_broadcast(&cv);
            pthread_mutex_unlock(&mtx);
        }
        if (i % 10 == 0) {
            sem_post(&sem);
            while (sem_wait(&sem) != 0 && errno == EINTR)
                ;
        }
        if (i % 40 == 0)
            msleep_once(200);
    }
    if (w->idx == w->round % WORKERS && w->round % 3 == 0) {
        pid_t c = fork();
        int fork_err = errno;
        if (c == 0)
            _exit(w->idx);
        int st = 0;
        pid_t r;
        while ((r = waitpid(c, &st, 0)) < 0 && errno == EINTR)
            ;
        if (r != c || !WIFEXITED(st) || WEXITSTATUS(st) != w->idx) {
            /* the first failure, said at the end (only when there is one) */
            if (__atomic_add_fetch(&fork_failures, 1, __ATOMIC_RELAXED) == 1)
                snprintf(fork_failure, sizeof fork_failure,
                         "fork %d (%s), waitpid %d (%s), status %#x, want exit %d",
                         (int)c, c < 0 ? errname(fork_err) : "ok", (int)r, r < 0 ? errname(errno) : "ok",
                         (unsigned)st, w->idx);
        }
    }
    return (void *)(mine + w->idx);
}

static void churn(void)
{
    step = "churn";
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    sem_init(&sem, 0, 0);
    pthread_t sig;
    pthread_create(&sig, NULL, signaller, NULL);
    uint64_t end = now_ms() + 3000;
    int rounds = 0, values_ok = 1, create_ok = 1;
    long expect_sum = (long)ITERS * (ITERS - 1) / 2;
    while (rounds < 5 || (now_ms() < end && rounds < 400)) {
        struct work w[WORKERS];
        /* the token ring needs each round to start at worker 0 */
        pthread_mutex_lock(&mtx);
        token = 0;
        pthread_mutex_unlock(&mtx);
        for (int k = 0; k < WORKERS; k++) {
            w[k].idx = k;
            w[k].round = rounds;
            pthread_mutex_lock(&slots_lock);
            int r = pthread_create(&slots[k].th, NULL, worker, &w[k]);
            slots[k].live = r == 0;
            pthread_mutex_unlock(&slots_lock);
            if (r != 0)
                create_ok = 0;
        }
        for (int k = 0; k < WORKERS; k++) {
            pthread_mutex_lock(&slots_lock);
            int live = slots[k].live;
            slots[k].live = 0;
            pthread_mutex_unlock(&slots_lock);
            if (!live)
                continue;
            void *r;
            pthread_join(slots[k].th, &r);
            values_ok &= (long)r == expect_sum + k;
        }
        rounds++;
    }
    stop_signaller = 1;
    pthread_join(sig, NULL);
    expect(create_ok, "every pthread_create succeeded");
    expect(rounds >= 5, "at least 5 rounds, 8 threads each");
    expect(counter == (long)rounds * WORKERS * ITERS, "mutex counter exact");
    expect(token == WORKERS * (ITERS / 30 + (ITERS % 30 != 0)), "condition-variable ring went round in order");
    expect(values_ok, "every joined value exact");
    expect(fork_failures == 0, "children forked by workers exited as expected");
    if (fork_failures)
        say("  first failure: %s\n", fork_failure);
    expect(usr1_hits > 0 && usr2_hits > 0, "thread- and process-directed signals were handled");
    int v = -1;
    sem_getvalue(&sem, &v);
    expect(v == 0, "semaphore balanced");
    signal(SIGUSR1, SIG_IGN);
    signal(SIGUSR2, SIG_IGN);
    int settled = 0;
    for (int i = 0; i < 500 && !settled; i++) {
        settled = threads_now() == 1;
        if (!settled)
            msleep(10);
    }
    expect(settled, "Threads back at 1");
}

/* ---- phase 0: two threads creating threads at once ---- */

#define MAGIC 0x5eed5eedUL
static void *checked(void *arg)
{
    if (*(volatile unsigned long *)arg != MAGIC)
        _exit(77);                      /* the new thread saw the wrong argument */
    return (void *)MAGIC;
}

static void *dual_creator(void *arg)
{
    unsigned long magic = MAGIC;
    for (;;) {
        pthread_t a, b;
        void *ra, *rb;
        if (pthread_create(&a, NULL, checked, &magic) || pthread_create(&b, NULL, checked, &magic))
            _exit(78);
        pthread_join(a, &ra);
        pthread_join(b, &rb);
        if (ra != (void *)MAGIC || rb != (void *)MAGIC)
            _exit(79);
    }
    return NULL;
}

static void two_creators(void)
{
    step = "two creators";
    int ok = 1;
    char why[96] = "";
    for (int rep = 0; rep < 3; rep++) {
        pid_t c = fork();
        if (c == 0) {
            pthread_t t;
            pthread_create(&t, NULL, dual_creator, NULL);
            dual_creator(NULL);
        }
        msleep(700);
        kill(c, SIGKILL);
        int st;
        waitpid(c, &st, 0);
        if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
            if (ok)
                snprintf(why, sizeof why, "  run %d: %s\n", rep + 1, status_str(st));
            ok = 0;
        }
    }
    expect(ok, "two threads each creating and joining threads for 0.7 s (3 runs): nothing goes wrong until our SIGKILL");
    say("%s", why);
}

/* ---- phase 2: killing busy multi-threaded children ---- */

static volatile uint32_t never;        /* futex word nobody wakes */
static int dead_pipe[2];

static void *short_lived(void *arg)
{
    volatile long x = 0;
    for (int i = 0; i < 1000; i++)
        x += i;
    return (void *)x;
}

static void *futex_sleeper(void *arg)
{
    for (;;)
        syscall(SYS_futex, &never, 0 /* FUTEX_WAIT */, 0, NULL, NULL, 0);
    return NULL;
}

static void *pipe_sleeper(void *arg)
{
    char b;
    for (;;)
        read(dead_pipe[0], &b, 1);
    return NULL;
}

static void *spin_forever(void *arg)
{
    for (;;)
        ;
    return NULL;
}

static void *exit_later(void *arg)
{
    msleep((int)(intptr_t)arg);
    _exit(3);
}

static void *creator(void *arg)
{
    for (;;) {
        pthread_t a, b;
        pthread_create(&a, NULL, short_lived, NULL);
        pthread_create(&b, NULL, short_lived, NULL);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
    }
    return NULL;
}

static void busy_child(int mode, int delay)
{
    pipe(dead_pipe);
    pthread_t t;
    pthread_create(&t, NULL, futex_sleeper, NULL);
    pthread_create(&t, NULL, pipe_sleeper, NULL);
    pthread_create(&t, NULL, spin_forever, NULL);
    pthread_create(&t, NULL, creator, NULL);
    if (mode == 2)
        pthread_create(&t, NULL, exit_later, (void *)(intptr_t)delay);
    creator(NULL);
}

static char first_bad[4][96];

/* Notes the first wait result of each kind that was not the one expected
 * (r: what waitpid returned for child c). */
static int check(int kind, int ok, int i, pid_t r, pid_t c, int st)
{
    if (!ok && !first_bad[kind][0]) {
        if (r == c)
            snprintf(first_bad[kind], sizeof first_bad[kind], "  first unexpected: child %d: %s\n", i, status_str(st));
        else
            snprintf(first_bad[kind], sizeof first_bad[kind], "  first unexpected: child %d: waitpid returned %s\n", i,
                     r < 0 ? errname(errno) : "another pid");
    }
    return ok;
}

static void killing(void)
{
    step = "killing";
    int killed_ok = 1, stopped_ok = 1, exited_ok = 1, termed_ok = 1;
    for (int i = 0; i < 48; i++) {
        /* 0: SIGKILL; 1: stop, continue, SIGKILL; 2: a thread's _exit(3);
         * 3: SIGTERM (default action: the whole process ends) */
        int mode = i % 4;
        int delay = (i * 7) % 13;
        pid_t c = fork();
        if (c == 0)
            busy_child(mode, delay);
        int st = 0;
        pid_t r;
        if (mode == 2) {
            r = waitpid(c, &st, 0);
            exited_ok &= check(2, r == c && WIFEXITED(st) && WEXITSTATUS(st) == 3, i, r, c, st);
            continue;
        }
        if (delay)
            msleep(delay);
        if (mode == 1) {
            kill(c, SIGSTOP);
            r = waitpid(c, &st, WUNTRACED);
            stopped_ok &= check(1, r == c && WIFSTOPPED(st), i, r, c, st);
            kill(c, SIGCONT);
            r = waitpid(c, &st, WCONTINUED);
            stopped_ok &= check(1, r == c && WIFCONTINUED(st), i, r, c, st);
            msleep(1 + delay);
        }
        kill(c, mode == 3 ? SIGTERM : SIGKILL);
        r = waitpid(c, &st, 0);
        if (mode == 3)
            termed_ok &= check(3, r == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, i, r, c, st);
        else
            killed_ok &= check(0, r == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, i, r, c, st);
    }
    expect(killed_ok, "busy multi-threaded children killed by SIGKILL at varying moments: all killed by signal 9");
    say("%s", first_bad[0]);
    expect(stopped_ok, "stopped and continued first: stop and continue reported each time");
    say("%s", first_bad[1]);
    expect(exited_ok, "a thread's _exit(3) while others create threads: all exited 3");
    say("%s", first_bad[2]);
    expect(termed_ok, "SIGTERM (default action) while threads are created: all killed by signal 15");
    say("%s", first_bad[3]);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(100);
    two_creators();
    churn();
    killing();
    gt_exit();
}
