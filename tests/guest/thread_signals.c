/* Signals in a multi-threaded process:
 *  - pthread_kill (tgkill) runs the handler in the thread it names, not
 *    in another; a thread that blocks it keeps it pending for itself only
 *    (sigpending shows it there, not in main) until it unblocks;
 *  - a process-directed kill() goes to the one thread that does not block
 *    the signal, whichever that is, also when kill() names another
 *    thread's id; while every thread blocks it, it waits for the process
 *    and the first thread to unblock takes it;
 *  - sigwait/sigwaitinfo/sigtimedwait in a dedicated thread (the others
 *    block the signals) collect process- and thread-directed signals;
 *  - a fault (SIGSEGV) in a thread with the default action kills the whole
 *    process, also when blocked; with a handler, the handler runs in the
 *    faulting thread;
 *  - SIGSTOP/SIGCONT of a multi-threaded child (also sent to one of its
 *    threads with tgkill): the stop is reported only once every thread has
 *    stopped (nothing counts any more), all threads resume after SIGCONT;
 *  - a process-directed signal taken by one thread does not interrupt a
 *    read another thread (which blocks it) is sleeping in; setuid/setgid,
 *    which musl applies to every thread by signalling each, work with
 *    threads running;
 *  - exit()/_exit() in a thread end every thread with that status (atexit
 *    handlers run for exit()), while the raw exit system call ends only
 *    the calling thread.
 * Guards against: handlers run on the wrong thread's stack, signals lost
 * when the first thread blocks them, a stop reported while threads still
 * run, threads left running after exit_group or a fatal fault. */
#include "gt_thread.h"
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

/* Polls until *p >= want, up to ms milliseconds. */
static void block(int sig, int how)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    pthread_sigmask(how, &s, NULL);
}

/* ---- worker threads driven by commands ---- */

enum { CMD_NONE, CMD_BLOCK, CMD_UNBLOCK, CMD_PENDING, CMD_QUIT };
#define NW 3
struct worker {
    pthread_t th;
    pid_t tid;
    volatile int cmd;
    volatile int acks;
    int pending_usr1;
};
static struct worker w[NW];

static void *worker_main(void *arg)
{
    struct worker *me = arg;
    me->tid = gettid_();
    __atomic_add_fetch(&me->acks, 1, __ATOMIC_ACQ_REL);
    for (;;) {
        int c = me->cmd;
        if (c == CMD_NONE) {
            msleep(1);
            continue;
        }
        if (c == CMD_QUIT)
            return NULL;
        if (c == CMD_BLOCK)
            block(SIGUSR1, SIG_BLOCK), block(SIGUSR2, SIG_BLOCK);
        else if (c == CMD_UNBLOCK)
            block(SIGUSR1, SIG_UNBLOCK), block(SIGUSR2, SIG_UNBLOCK);
        else if (c == CMD_PENDING) {
            sigset_t p;
            sigpending(&p);
            me->pending_usr1 = sigismember(&p, SIGUSR1);
        }
        me->cmd = CMD_NONE;
        __atomic_add_fetch(&me->acks, 1, __ATOMIC_ACQ_REL);
    }
}

/* Runs command c in worker k and waits for it to be done. */
static int command(int k, int c)
{
    int before = __atomic_load_n(&w[k].acks, __ATOMIC_ACQUIRE);
    w[k].cmd = c;
    return wait_for(&w[k].acks, before + 1, 5000);
}

static volatile int handled;
static volatile pid_t handled_tid;
static void on_sig(int sig)
{
    handled_tid = gettid_();
    __atomic_add_fetch(&handled, 1, __ATOMIC_ACQ_REL);
}

static void start_workers(void)
{
    for (int k = 0; k < NW; k++) {
        memset(&w[k], 0, sizeof w[k]);
        pthread_create(&w[k].th, NULL, worker_main, &w[k]);
        wait_for(&w[k].acks, 1, 5000);
    }
}

static void stop_workers(void)
{
    for (int k = 0; k < NW; k++) {
        w[k].cmd = CMD_QUIT;
        pthread_join(w[k].th, NULL);
    }
}

/* Sends with send(), then waits for the handler: 1 if it ran in want_tid. */
static int ran_in(pid_t want_tid)
{
    int ok = wait_for(&handled, 1, 5000);
    int right = ok && handled_tid == want_tid;
    handled = 0;
    handled_tid = 0;
    return right;
}

static void thread_directed(void)
{
    step = "pthread_kill";
    struct sigaction sa = { .sa_handler = on_sig };
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    start_workers();
    int ok = 1;
    for (int k = 0; k < NW; k++) {
        handled = 0;
        pthread_kill(w[k].th, SIGUSR1);
        ok &= ran_in(w[k].tid);
    }
    expect(ok, "pthread_kill to 3 threads in turn: the handler runs in the thread named");
    handled = 0;
    pthread_kill(pthread_self(), SIGUSR1);
    int at_once = handled == 1 && handled_tid == gettid_();
    expect(at_once, "pthread_kill to itself: handled in main before it returns");
    handled = 0;

    step = "blocked target";
    command(0, CMD_BLOCK);
    pthread_kill(w[0].th, SIGUSR1);
    msleep(100);
    expect(handled == 0, "target blocks it: no other thread takes it (100 ms)");
    command(0, CMD_PENDING);
    expect(w[0].pending_usr1, "sigpending in the target shows it");
    sigset_t p;
    sigpending(&p);
    expect(!sigismember(&p, SIGUSR1), "sigpending in main does not");
    command(0, CMD_UNBLOCK);
    expect(ran_in(w[0].tid), "target unblocks: handled there");
}

static void process_directed(void)
{
    step = "kill to the process";
    /* main and all workers block both; one at a time unblocks */
    block(SIGUSR1, SIG_BLOCK);
    block(SIGUSR2, SIG_BLOCK);
    for (int k = 0; k < NW; k++)
        command(k, CMD_BLOCK);
    int ok = 1;
    for (int k = 0; k < NW; k++) {
        command(k, CMD_UNBLOCK);
        kill(getpid(), SIGUSR2);
        ok &= ran_in(w[k].tid);
        command(k, CMD_BLOCK);
    }
    expect(ok, "kill(getpid()): handled by the only thread that does not block it (3 threads in turn)");
    command(2, CMD_UNBLOCK);
    kill(w[0].tid, SIGUSR2);
    expect(ran_in(w[2].tid), "kill(another thread's id): still the process's, taken by the unblocked thread");
    command(2, CMD_BLOCK);

    step = "all block";
    kill(getpid(), SIGUSR2);
    msleep(100);
    expect(handled == 0, "every thread blocks it: nobody runs the handler (100 ms)");
    sigset_t p;
    sigpending(&p);
    expect(sigismember(&p, SIGUSR2), "it is pending for the process (main's sigpending)");
    command(1, CMD_UNBLOCK);
    expect(ran_in(w[1].tid), "the first thread to unblock takes it");
    sigpending(&p);
    expect(!sigismember(&p, SIGUSR2), "no longer pending");
    stop_workers();
    block(SIGUSR1, SIG_UNBLOCK);
    block(SIGUSR2, SIG_UNBLOCK);
}

/* ---- sigwait in a dedicated thread ---- */

static volatile int waited_usr1, waiter_failed;
static int waiter_err;
static pid_t waiter_tid;
static int waiter_codes_ok = 1;

static void *waiter_main(void *arg)
{
    waiter_tid = gettid_();
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    for (;;) {
        siginfo_t si;
        int sig = sigwaitinfo(&set, &si);
        if (sig < 0) {
            waiter_err = errno;
            waiter_failed = 1;
            return (void *)-1;
        }
        if (sig == SIGTERM)
            return (void *)(intptr_t)waited_usr1;
        /* the first 3 came from kill(), the 4th from pthread_kill */
        int n = waited_usr1 + 1;
        int want_code = n <= 3 ? SI_USER : SI_TKILL;
        if (si.si_code != want_code || si.si_pid != getpid())
            waiter_codes_ok = 0;
        __atomic_store_n(&waited_usr1, n, __ATOMIC_RELEASE);
    }
}

static void sigwaiting(void)
{
    step = "sigwait thread";
    block(SIGUSR1, SIG_BLOCK);
    block(SIGTERM, SIG_BLOCK);
    pthread_t t;
    pthread_create(&t, NULL, waiter_main, NULL);
    int ok = 1;
    for (int i = 1; i <= 3 && ok && !waiter_failed; i++) {
        kill(getpid(), SIGUSR1);
        ok = wait_for(&waited_usr1, i, 3000);
    }
    if (ok && !waiter_failed) {
        pthread_kill(t, SIGUSR1);
        ok = wait_for(&waited_usr1, 4, 3000);
    }
    expect(ok && !waiter_failed, "sigwaitinfo in a dedicated thread collects 3 kill()s and a pthread_kill");
    if (waiter_failed)
        say("  sigwaitinfo failed: %s\n", errname(waiter_err));
    expect(waiter_codes_ok, "si_code SI_USER then SI_TKILL, si_pid the process");
    void *r = NULL;
    if (!waiter_failed)
        kill(getpid(), SIGTERM);
    pthread_join(t, &r);
    expect((intptr_t)r == 4, "SIGTERM ends its loop (no default action: it was waited for)");

    step = "sigtimedwait";
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    struct timespec ts = { 0, 50000000 };
    errno = 0;
    int s = sigtimedwait(&set, NULL, &ts);
    say("sigtimedwait 50 ms, nothing pending: %d %s\n", s, s < 0 ? errname(errno) : "-");
    if (!(s < 0 && errno == EAGAIN))
        gt_failures++;
    int rc = 0;
    kill(getpid(), SIGUSR1);
    s = sigwait(&set, &rc) == 0 ? rc : -1;
    expect(s == SIGUSR1, "sigwait in main takes a pending process-directed SIGUSR1");
    block(SIGUSR1, SIG_UNBLOCK);
    block(SIGTERM, SIG_UNBLOCK);
}

/* ---- children that end in various ways ---- */

static pid_t fault_tid;
static void *faulter(void *arg)
{
    fault_tid = gettid_();
    msleep(30);
    if ((intptr_t)arg == 2)
        block(SIGSEGV, SIG_BLOCK);
    *(volatile int *)BAD_PTR = 1;
    return NULL;
}

static void *idler(void *arg)
{
    for (;;)
        pause();
    return NULL;
}

static void on_segv(int sig)
{
    _exit(gettid_() == fault_tid ? 7 : 8);
}

/* mode 0: default action; 1: a handler (exits 7 if it runs in the
 * faulting thread); 2: default action, SIGSEGV blocked in that thread */
static int fault_child(int mode)
{
    if (mode == 1) {
        struct sigaction sa = { .sa_handler = on_segv };
        sigaction(SIGSEGV, &sa, NULL);
    }
    pthread_t t, idle;
    pthread_create(&idle, NULL, idler, NULL);
    pthread_create(&t, NULL, faulter, (void *)(intptr_t)mode);
    pthread_join(t, NULL);
    return 50;                          /* the fault did not end the process */
}

static void faults(void)
{
    step = "faults";
    const char *what[] = { "SIGSEGV in a thread, default action", "SIGSEGV in a thread with a handler",
                           "SIGSEGV in a thread that blocks it" };
    for (int mode = 0; mode < 3; mode++) {
        pid_t c = fork();
        if (c == 0)
            _exit(fault_child(mode));
        int st;
        waitpid(c, &st, 0);
        say("%s: %s\n", what[mode], status_str(st));
    }
}

/* ---- stop and continue ---- */

struct shared {
    volatile long count[4];
    volatile pid_t tids[4];
    volatile int started;
};
static struct shared *sh;

static void *counter_main(void *arg)
{
    int i = (int)(intptr_t)arg;
    sh->tids[i] = gettid_();
    __atomic_add_fetch(&sh->started, 1, __ATOMIC_ACQ_REL);
    for (;;) {
        sh->count[i]++;
        if (i == 2)
            msleep(1);                  /* one counts in nanosleep steps */
        else if ((sh->count[i] & 1023) == 0)
            sched_yield();
    }
    return NULL;
}

static void snap(long *to)
{
    for (int i = 0; i < 3; i++)
        to[i] = sh->count[i];
}

/* Waits until every counter has moved past `from` (up to 5 s). */
static int all_advance(const long *from)
{
    for (int n = 0; n < 5000; n++) {
        int all = 1;
        for (int i = 0; i < 3; i++)
            all &= sh->count[i] > from[i];
        if (all)
            return 1;
        msleep(1);
    }
    return 0;
}

static void stop_continue(void)
{
    step = "stop/continue";
    sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset((void *)sh, 0, sizeof *sh);
    pid_t c = fork();
    if (c == 0) {
        pthread_t t[3];
        for (int i = 0; i < 3; i++)
            pthread_create(&t[i], NULL, counter_main, (void *)(intptr_t)i);
        pthread_join(t[0], NULL);
        _exit(0);
    }
    long zero[3] = { 0, 0, 0 }, s1[3], s2[3];
    expect(wait_for(&sh->started, 3, 5000) && all_advance(zero), "child's 3 threads counting");
    int st;
    for (int round = 0; round < 12; round++) {
        /* even rounds: kill() the process; odd rounds: tgkill one thread */
        int to_thread = round & 1;
        if (!to_thread)
            kill(c, SIGSTOP);
        else
            syscall(SYS_tgkill, c, sh->tids[round % 3], SIGSTOP);
        int stopped = waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP;
        snap(s1);
        msleep(100);
        snap(s2);
        int frozen = memcmp(s1, s2, sizeof s1) == 0;
        if (!to_thread)
            kill(c, SIGCONT);
        else
            syscall(SYS_tgkill, c, sh->tids[(round + 1) % 3], SIGCONT);
        int continued = waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st);
        int resumed = all_advance(s2);
        say("round %d, %s: stop reported %s, all frozen from then %s, continue reported %s, all count again %s\n",
            round + 1, to_thread ? "tgkill() to one thread" : "kill() to the process", stopped ? "yes" : "no",
            frozen ? "yes" : "no", continued ? "yes" : "no", resumed ? "yes" : "no");
        if (!(stopped && frozen && continued && resumed))
            gt_failures++;
    }
    kill(c, SIGTERM);
    waitpid(c, &st, 0);
    say("then SIGTERM: %s\n", status_str(st));
    munmap((void *)sh, 4096);
}

/* ---- a signal taken by one thread leaves another thread's call alone ---- */

static int calm_pipe[2];
static volatile int calm_reading;
static void *calm_reader(void *arg)
{
    block(SIGUSR1, SIG_BLOCK);          /* not for this thread */
    char buf[8] = { 0 };
    calm_reading = 1;
    ssize_t n = read(calm_pipe[0], buf, sizeof buf - 1);
    return (void *)(intptr_t)(n == 4 && strcmp(buf, "data") == 0 ? 1 : n < 0 ? -errno : 0);
}

static void *synccall_worker(void *arg)
{
    volatile int *stop = arg;
    while (!*stop)
        msleep(1);
    return (void *)1;
}

static void undisturbed(void)
{
    step = "undisturbed read";
    struct sigaction sa = { .sa_handler = on_sig };  /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    pipe(calm_pipe);
    pthread_t t;
    pthread_create(&t, NULL, calm_reader, NULL);
    wait_for(&calm_reading, 1, 5000);
    msleep(30);                         /* in its read */
    handled = 0;
    for (int i = 0; i < 3; i++)
        kill(getpid(), SIGUSR1);        /* taken by main, the only thread that does not block it */
    msleep(50);
    expect(handled >= 1 && handled_tid == gettid_(), "kill() while a thread that blocks it sits in read: main takes it");
    write(calm_pipe[1], "data", 4);
    void *r;
    pthread_join(t, &r);
    expect((intptr_t)r == 1, "the reading thread's read was not interrupted: it returns the data");
    close(calm_pipe[0]);
    close(calm_pipe[1]);
    signal(SIGUSR1, SIG_DFL);
    handled = 0;

    step = "setuid with threads";
    /* musl applies set*id to every thread: it signals each one and waits
     * for all to have made the call */
    volatile int stop = 0;
    pthread_t w[6];
    for (int i = 0; i < 6; i++)
        pthread_create(&w[i], NULL, synccall_worker, (void *)&stop);
    msleep(20);
    int r1 = setgid(getgid()), r2 = setuid(getuid());
    stop = 1;
    int ok = 1;
    for (int i = 0; i < 6; i++) {
        void *r;
        pthread_join(w[i], &r);
        ok &= r == (void *)1;
    }
    expect(r1 == 0 && r2 == 0, "setgid/setuid with 6 other threads running: 0");
    expect(ok, "the other threads ran on and ended normally");
}

/* ---- exit paths ---- */

static int out_fd = -1;
static void at_exit_note(void) { write(out_fd, "x", 1); }

static void *reader_forever(void *arg)
{
    char c;
    read((int)(intptr_t)arg, &c, 1);
    return NULL;
}

static void *spinner(void *arg)
{
    for (;;)
        ;
    return NULL;
}

static pid_t ender_tid;
static void *ender(void *arg)
{
    __atomic_store_n(&ender_tid, gettid_(), __ATOMIC_RELEASE);
    msleep(50);
    switch ((intptr_t)arg) {
    case 0: exit(42);
    case 1: _exit(43);
    default: syscall(SYS_exit, 5);     /* this thread only */
    }
    return NULL;
}

/* mode 0: a thread calls exit(42); 1: _exit(43); 2: raw SYS_exit(5), then
 * main reports and exits 0 itself once the thread is gone */
static int exit_child(int mode, int out)
{
    out_fd = out;
    atexit(at_exit_note);
    int p[2];
    pipe(p);
    pthread_t r, s, e;
    pthread_create(&r, NULL, reader_forever, (void *)(intptr_t)p[0]);
    pthread_create(&s, NULL, spinner, NULL);
    pthread_create(&e, NULL, ender, (void *)(intptr_t)mode);
    if (mode < 2) {
        pthread_join(r, NULL);          /* never returns: the thread's exit ends us */
        return 60;
    }
    /* wait until the raw-exited thread is gone: tgkill no longer finds it */
    int gone = 0;
    for (int i = 0; i < 5000 && !gone; i++) {
        pid_t t = __atomic_load_n(&ender_tid, __ATOMIC_ACQUIRE);
        if (t && syscall(SYS_tgkill, getpid(), t, 0) < 0 && errno == ESRCH)
            gone = 1;
        else
            msleep(1);
    }
    if (!gone)
        write(out, "N", 1);
    write(out, "A", 1);                 /* main still runs after the thread's raw exit */
    exit(0);
}

static void exits(void)
{
    step = "exit paths";
    const char *what[] = { "a thread calls exit(42)", "a thread calls _exit(43)",
                           "a thread makes the raw exit system call (5)" };
    for (int mode = 0; mode < 3; mode++) {
        int p[2];
        pipe(p);
        pid_t c = fork();
        if (c == 0) {
            close(p[0]);
            _exit(exit_child(mode, p[1]));
        }
        close(p[1]);
        char buf[8] = { 0 };
        size_t got = 0;
        ssize_t n;
        while (got < sizeof buf - 1 && (n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0)
            got += n;
        close(p[0]);
        int st;
        waitpid(c, &st, 0);
        say("%s: process %s, notes \"%s\"\n", what[mode], status_str(st), buf);
    }
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(90);
    thread_directed();
    process_directed();
    sigwaiting();
    faults();
    stop_continue();
    undisturbed();
    exits();
    gt_exit();
}
