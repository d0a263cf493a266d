/* fork and execve in a multi-threaded process:
 *  - fork from a thread other than main: the child is a process of one
 *    thread (the forking one: its TLS, tid == pid, parent = the process),
 *    other threads do not exist there, it can start threads of its own and
 *    exits normally; in the parent the other threads keep running; a child
 *    forked by a thread that has since ended is still the process's child
 *    (getppid unchanged, main reaps it); a thread reaps a child main forked;
 *    of two threads waiting for the one child, one reaps it and the other
 *    gets ECHILD;
 *  - execve from a thread other than main, from main while threads run,
 *    and from a thread after main has left: the new program runs under the
 *    process's pid (its only thread, tid == pid, same parent), keeps the
 *    exec'ing thread's signal mask, the old threads are gone (they stop
 *    counting), and the parent reaps it under the pid it forked.
 * Guards against: a forked child that inherits the parent's other threads
 * (or loses the forking one's state), a forked child lost when the thread
 * that forked it ends, an exec that leaves old threads running, changes
 * the pid or loses the exec'ing thread's mask. */
#include "gt_thread.h"
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

static int threads_now(void)
{
    char buf[4096];
    if (read_file("/proc/self/status", buf, sizeof buf) < 0)
        return -1;
    char *p = strstr(buf, "\nThreads:");
    return p ? atoi(p + 9) : -1;
}

static const char *self_path;

/* ---- fork from a thread ---- */

static volatile int ticks;
static volatile int stop_ticking;
static void *ticker(void *arg)
{
    while (!stop_ticking) {
        ticks++;
        msleep(1);
    }
    return NULL;
}

static __thread int tv = 5;
static pid_t parent_pid;
static void *child_thread(void *arg) { return (void *)(intptr_t)(gettid_() != getpid() ? 21 : 22); }

enum {
    F_NEWPID = 1, F_TIDPID = 2, F_PPID = 4, F_TLS = 8, F_FROZEN = 16, F_THREADS = 32, F_CREATE = 64
};

static int forked_child_checks(void)
{
    int bits = 0;
    if (getpid() != parent_pid)
        bits |= F_NEWPID;
    if (gettid_() == getpid())
        bits |= F_TIDPID;
    if (getppid() == parent_pid)
        bits |= F_PPID;
    if (tv == 77)
        bits |= F_TLS;
    int t0 = ticks;
    msleep(30);
    if (ticks == t0)
        bits |= F_FROZEN;
    if (threads_now() == 1)
        bits |= F_THREADS;
    pthread_t t;
    void *r = NULL;
    if (pthread_create(&t, NULL, child_thread, NULL) == 0 && pthread_join(t, &r) == 0 && (intptr_t)r == 21)
        bits |= F_CREATE;
    return bits;
}

static void *forker(void *arg)
{
    tv = 77;
    pid_t c = fork();
    if (c == 0)
        _exit(forked_child_checks());
    int st;
    if (waitpid(c, &st, 0) != c)
        return (void *)-1;
    return (void *)(intptr_t)st;
}

/* forks a child that waits for a byte on fd, then exits 30 + (its
 * getppid() == the process), and ends: main reaps that child */
static int late_pipe[2];
static void *fork_and_leave(void *arg)
{
    pid_t c = fork();
    if (c == 0) {
        close(late_pipe[1]);
        char b;
        read(late_pipe[0], &b, 1);
        _exit(30 + (getppid() == parent_pid));
    }
    return (void *)(intptr_t)c;
}

static pid_t main_child;
static void *reap_mains_child(void *arg)
{
    int st;
    pid_t w = waitpid(main_child, &st, 0);
    return (void *)(intptr_t)(w == main_child && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void *reap_any(void *arg)
{
    int st;
    pid_t w = waitpid(-1, &st, 0);
    if (w < 0)
        return (void *)(intptr_t)-errno;
    return (void *)(intptr_t)(WIFEXITED(st) ? WEXITSTATUS(st) : 1000);
}

static void fork_from_thread(void)
{
    step = "fork from a thread";
    parent_pid = getpid();
    pthread_t tick, f;
    pthread_create(&tick, NULL, ticker, NULL);
    wait_for(&ticks, 5, 5000);
    void *r = NULL;
    pthread_create(&f, NULL, forker, NULL);
    pthread_join(f, &r);
    int st = (int)(intptr_t)r;
    expect(WIFEXITED(st), "child forked by a thread exited normally");
    int bits = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
    expect(bits & F_NEWPID, "  child: a pid of its own");
    expect(bits & F_TIDPID, "  child: gettid == getpid (the forking thread is its main thread)");
    expect(bits & F_PPID, "  child: getppid == the process (not the thread)");
    expect(bits & F_TLS, "  child: the forking thread's __thread value");
    expect(bits & F_FROZEN, "  child: the parent's ticking thread does not exist there");
    expect(bits & F_THREADS, "  child: /proc/self/status Threads: 1");
    expect(bits & F_CREATE, "  child: creates and joins a thread of its own");
    int t0 = ticks;
    msleep(30);
    expect(ticks > t0, "parent: the ticking thread still runs");
    expect(tv == 5, "parent main's __thread untouched");

    step = "child of an ended thread";
    pipe(late_pipe);
    pthread_create(&f, NULL, fork_and_leave, NULL);
    pthread_join(f, &r);
    pid_t c = (pid_t)(intptr_t)r;
    msleep(20);                         /* the forking thread is gone */
    close(late_pipe[0]);
    write(late_pipe[1], "g", 1);
    close(late_pipe[1]);
    pid_t w = waitpid(c, &st, 0);
    expect(w == c && WIFEXITED(st), "main reaps the child of a thread that has ended");
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 31, "  its getppid is still the process");

    step = "thread reaps main's child";
    main_child = fork();
    if (main_child == 0) {
        msleep(30);
        _exit(23);
    }
    pthread_t reaper;
    pthread_create(&reaper, NULL, reap_mains_child, NULL);
    pthread_join(reaper, &r);
    expect((intptr_t)r == 23, "a thread waitpid()s the child main forked: exit 23");

    step = "two threads wait for one child";
    int rel[2];
    pipe(rel);
    pid_t only = fork();
    if (only == 0) {
        char b;
        close(rel[1]);
        read(rel[0], &b, 1);
        _exit(24);
    }
    close(rel[0]);
    pthread_t w1, w2;
    void *r1, *r2;
    pthread_create(&w1, NULL, reap_any, NULL);
    pthread_create(&w2, NULL, reap_any, NULL);
    msleep(50);                         /* both are in waitpid */
    close(rel[1]);                      /* the child exits */
    pthread_join(w1, &r1);
    pthread_join(w2, &r2);
    intptr_t a = (intptr_t)r1, b = (intptr_t)r2;
    expect((a == 24 && b == -ECHILD) || (a == -ECHILD && b == 24),
           "two threads in waitpid(-1) for the one child: one reaps it (exit 24), the other gets ECHILD");

    stop_ticking = 1;
    pthread_join(tick, NULL);
}

/* ---- execve from a thread ---- */

struct xshared {
    volatile long count[3];
    volatile int started;
};
static struct xshared *xs;

static void *xcounter(void *arg)
{
    int i = (int)(intptr_t)arg;
    __atomic_add_fetch(&xs->started, 1, __ATOMIC_ACQ_REL);
    for (;;) {
        xs->count[i]++;
        if ((xs->count[i] & 255) == 0)
            sched_yield();
    }
    return NULL;
}

static char arg_pid[16], arg_ppid[16], arg_rep[16], arg_go[16];

static void do_exec(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, NULL);   /* the exec'ing thread's own mask */
    char *argv[] = { (char *)self_path, "execd", arg_pid, arg_ppid, arg_rep, arg_go, NULL };
    char *envp[] = { NULL };
    execve(self_path, argv, envp);
    _exit(126);
}

static void *exec_thread(void *arg)
{
    wait_for(&xs->started, 2, 5000);
    msleep(10);
    do_exec();
    return NULL;
}

/* The program after the exec: reports what it sees, waits for go. */
static int execd_main(char **argv)
{
    pid_t want_pid = atoi(argv[2]), want_ppid = atoi(argv[3]);
    int rep = atoi(argv[4]), go = atoi(argv[5]);
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    char buf[160];
    int n = snprintf(buf, sizeof buf, "pid same %s, tid == pid %s, parent same %s, threads %d, mask kept %s",
                     getpid() == want_pid ? "yes" : "no", gettid_() == getpid() ? "yes" : "no",
                     getppid() == want_ppid ? "yes" : "no", threads_now(),
                     sigismember(&m, SIGUSR2) && !sigismember(&m, SIGUSR1) ? "yes" : "no");
    write(rep, buf, n);
    close(rep);
    char b;
    read(go, &b, 1);
    return 0;
}

/* mode 0: a second thread execs, main blocked in join;
 * mode 1: main execs while two threads count;
 * mode 2: main leaves (raw exit), then a thread execs */
static void exec_child(int mode)
{
    snprintf(arg_pid, sizeof arg_pid, "%d", getpid());
    snprintf(arg_ppid, sizeof arg_ppid, "%d", getppid());
    pthread_t t[2], x;
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, xcounter, (void *)(intptr_t)i);
    if (mode == 1) {
        wait_for(&xs->started, 2, 5000);
        do_exec();
    }
    pthread_create(&x, NULL, exec_thread, NULL);
    if (mode == 2)
        syscall(SYS_exit, 0);
    pthread_join(x, NULL);
    _exit(125);
}

static void exec_from_thread(int mode, const char *what)
{
    char tag[32];
    snprintf(tag, sizeof tag, "exec %d", mode);
    step = tag;
    memset((void *)xs, 0, sizeof *xs);
    int rep[2], go[2];
    pipe(rep);
    pipe(go);
    snprintf(arg_rep, sizeof arg_rep, "%d", rep[1]);
    snprintf(arg_go, sizeof arg_go, "%d", go[0]);
    pid_t c = fork();
    if (c == 0) {
        close(rep[0]);
        close(go[1]);
        exec_child(mode);
    }
    close(rep[1]);
    close(go[0]);
    char buf[200] = { 0 };
    size_t got = 0;
    ssize_t n;
    while (got < sizeof buf - 1 && (n = read(rep[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += n;
    close(rep[0]);
    say("%s:\n  new program: %s\n", what, got ? buf : "(no report)");
    if (!strstr(buf, "pid same yes, tid == pid yes, parent same yes, threads 1, mask kept yes"))
        gt_failures++;
    long a[3], b[3];
    memcpy(a, (void *)xs->count, sizeof a);
    msleep(100);
    memcpy(b, (void *)xs->count, sizeof b);
    expect(memcmp(a, b, sizeof a) == 0, "  the old threads are gone (their counters stay still)");
    write(go[1], "g", 1);
    close(go[1]);
    int st;
    pid_t w = waitpid(c, &st, 0);
    expect(w == c, "  parent reaps it under the pid it forked");
    say("  %s\n", status_str(st));
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "execd") == 0)
        return execd_main(argv);
    self_path = argv[0];
    signal(SIGALRM, on_alarm);
    alarm(60);
    fork_from_thread();
    xs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset((void *)xs, 0, 4096);
    exec_from_thread(0, "execve from a second thread, main blocked in pthread_join");
    exec_from_thread(1, "execve from main while two threads run");
    exec_from_thread(2, "execve from a thread after main has left");
    gt_exit();
}
