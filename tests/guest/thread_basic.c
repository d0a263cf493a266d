/* Threads, the basics, as a pthreads program sees them:
 *  - pthread_create/pthread_join hand back each thread's return value, for
 *    a thread joined while it runs and one that ended long before;
 *  - every thread has the process's pid and parent, its own thread id
 *    (distinct, and different from the pid except in the main thread);
 *  - __thread variables start from the TLS image in each new thread and
 *    stay separate; /proc/self/status and /proc/self/task count the live
 *    threads; PR_SET_NAME names only the calling thread;
 *  - 64 threads in waves of 16, then 64 alive at once;
 *  - detached threads run to their end and leave nothing to join;
 *  - what belongs to the process is shared by its threads: working
 *    directory, umask, descriptors, signal actions;
 *  - the main thread may end first (pthread_exit, or the raw exit system
 *    call) while other threads go on: the process lives until its last
 *    thread ends, a parent sees it still running meanwhile, and its exit
 *    status is the one Linux reports (exit() in the last thread: its code;
 *    every thread leaving by the raw exit call: the last one's code, as
 *    Linux 6.18, the oracle here, reports); a thread may join another one
 *    and reap a child that main forked and that exits after main has left.
 * Guards against: a thread id reused or equal to the pid, TLS shared or
 * not initialised, a lost CLONE_CHILD_CLEARTID wake-up (join hangs), a
 * process reported dead while threads still run, per-thread copies of
 * per-process state, a child's exit that reaches for its parent's main
 * thread after that thread has gone. */
#include "gt_thread.h"
#include <dirent.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>

/* The Threads: line of /proc/self/status. */
static int threads_now(void)
{
    char buf[4096];
    if (read_file("/proc/self/status", buf, sizeof buf) < 0)
        return -1;
    char *p = strstr(buf, "\nThreads:");
    return p ? atoi(p + 9) : -1;
}

/* Waits (up to 5 s) for the thread count to settle at n: a joined thread
 * may still be leaving the kernel when pthread_join returns. */
static int threads_settle(int n)
{
    for (int i = 0; i < 500; i++) {
        if (threads_now() == n)
            return 1;
        msleep(10);
    }
    return 0;
}

/* ---- identities and TLS ---- */

static __thread int tlsv = 1234;
static pthread_barrier_t bar;

struct ident {
    int idx;
    pid_t pid, tid, ppid;
    int tls_initial, tls_after;
    int *tls_addr;
};

static void *ident_main(void *arg)
{
    struct ident *in = arg;
    in->pid = getpid();
    in->tid = gettid_();
    in->ppid = getppid();
    in->tls_initial = tlsv;
    tlsv = 100 + in->idx;
    in->tls_addr = &tlsv;
    char name[16];
    snprintf(name, sizeof name, "worker-%d", in->idx);
    prctl(PR_SET_NAME, name);           /* this thread's name only */
    pthread_barrier_wait(&bar);         /* every thread has written its own copy */
    in->tls_after = tlsv;
    pthread_barrier_wait(&bar);         /* main counts us while we all live */
    return (void *)(intptr_t)(in->idx * 3 + 1);
}

static void identities(void)
{
    step = "identities";
    enum { N = 4 };
    struct ident in[N];
    pthread_t th[N];
    tlsv = 55;
    pthread_barrier_init(&bar, NULL, N + 1);
    int ok = 1;
    for (int i = 0; i < N; i++) {
        memset(&in[i], 0, sizeof in[i]);
        in[i].idx = i;
        ok &= pthread_create(&th[i], NULL, ident_main, &in[i]) == 0;
    }
    expect(ok, "4 threads created");
    pthread_barrier_wait(&bar);
    int nt = threads_now();
    say("/proc/self/status Threads: %d while 4 threads run\n", nt);
    if (nt != N + 1)
        gt_failures++;
    int entries = 0;
    DIR *d = opendir("/proc/self/task");
    struct dirent *de;
    while (d && (de = readdir(d)))
        entries += de->d_name[0] != '.';
    if (d)
        closedir(d);
    say("/proc/self/task entries: %d\n", entries);
    if (entries != N + 1)
        gt_failures++;
    int names_ok = 1;
    for (int i = 0; i < N; i++) {
        char path[64], comm[32], want[32];
        snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)in[i].tid);
        snprintf(want, sizeof want, "worker-%d\n", i);
        names_ok &= read_file(path, comm, sizeof comm) > 0 && strcmp(comm, want) == 0;
    }
    expect(names_ok, "each thread's PR_SET_NAME shows in /proc/self/task/TID/comm");
    char comm[32];
    read_file("/proc/self/comm", comm, sizeof comm);
    expect(strcmp(comm, "thread_basic\n") == 0, "main's name unchanged");
    pthread_barrier_wait(&bar);
    int rets = 1;
    for (int i = 0; i < N; i++) {
        void *r = NULL;
        rets &= pthread_join(th[i], &r) == 0 && (intptr_t)r == i * 3 + 1;
    }
    expect(rets, "pthread_join returns each thread's value");
    pid_t me = getpid();
    int same_pid = 1, tid_not_pid = 1, distinct = 1, same_ppid = 1, tls_init = 1, tls_own = 1, tls_addr = 1;
    for (int i = 0; i < N; i++) {
        same_pid &= in[i].pid == me;
        same_ppid &= in[i].ppid == getppid();
        tid_not_pid &= in[i].tid != me && in[i].tid > 0;
        tls_init &= in[i].tls_initial == 1234;
        tls_own &= in[i].tls_after == 100 + i;
        tls_addr &= in[i].tls_addr != &tlsv;
        for (int j = 0; j < i; j++) {
            distinct &= in[i].tid != in[j].tid;
            tls_addr &= in[i].tls_addr != in[j].tls_addr;
        }
    }
    expect(gettid_() == me, "main thread: gettid == getpid");
    expect(same_pid, "every thread: getpid == the process's pid");
    expect(same_ppid, "every thread: getppid == main's getppid");
    expect(tid_not_pid, "other threads: gettid != getpid");
    expect(distinct, "thread ids distinct");
    expect(tls_init, "__thread starts at its initial value in a new thread (not main's)");
    expect(tls_own, "__thread keeps each thread's own value");
    expect(tls_addr, "__thread has a distinct address per thread");
    expect(tlsv == 55, "main's __thread untouched");
    expect(threads_settle(1), "Threads: back to 1 after the joins");
    pthread_barrier_destroy(&bar);
}

/* ---- join timing ---- */

static void *quick(void *arg) { return (void *)(intptr_t)((intptr_t)arg + 1000); }
static void *slow(void *arg)
{
    msleep(150);
    return (void *)(intptr_t)((intptr_t)arg + 2000);
}

static void join_timing(void)
{
    step = "join timing";
    pthread_t a, b;
    void *ra = NULL, *rb = NULL;
    pthread_create(&a, NULL, quick, (void *)7);
    msleep(100);                        /* it has long ended */
    expect(pthread_join(a, &ra) == 0 && (intptr_t)ra == 1007, "join a thread that already ended: its value");
    pthread_create(&b, NULL, slow, (void *)8);
    expect(pthread_join(b, &rb) == 0 && (intptr_t)rb == 2008, "join a thread still running: waits, its value");
}

/* ---- many threads ---- */

static pid_t many_tids[64];
static int many_ready;
static volatile int many_release;

static void *wave_main(void *arg)
{
    intptr_t i = (intptr_t)arg;
    many_tids[i] = gettid_();
    return (void *)(i * i);
}

static void *hold_main(void *arg)
{
    intptr_t i = (intptr_t)arg;
    many_tids[i] = gettid_();
    __atomic_add_fetch(&many_ready, 1, __ATOMIC_ACQ_REL);
    while (!many_release)
        msleep(2);
    return (void *)(i + 1);
}

static int tids_distinct(int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (many_tids[i] == many_tids[j] || many_tids[i] <= 0)
                return 0;
    return 1;
}

static void many(void)
{
    step = "waves";
    int ok = 1;
    long sum = 0;
    for (int wave = 0; wave < 4; wave++) {
        pthread_t th[16];
        for (int k = 0; k < 16; k++)
            ok &= pthread_create(&th[k], NULL, wave_main, (void *)(intptr_t)(wave * 16 + k)) == 0;
        for (int k = 0; k < 16; k++) {
            void *r = NULL;
            ok &= pthread_join(th[k], &r) == 0;
            sum += (intptr_t)r;
        }
    }
    expect(ok, "4 waves, 16 threads each, created and joined");
    expect(sum == 85344, "their return values add up (sum of i*i, i < 64)");

    step = "64 at once";
    pthread_t th[64];
    int nt;
    ok = 1;
    memset(many_tids, 0, sizeof many_tids);
    for (int i = 0; i < 64; i++)
        ok &= pthread_create(&th[i], NULL, hold_main, (void *)(intptr_t)i) == 0;
    expect(ok, "64 threads alive at once");
    expect(wait_for(&many_ready, 64, 10000), "all 64 running");
    nt = threads_now();
    say("Threads: %d while 64 threads run\n", nt);
    if (nt != 65)
        gt_failures++;
    expect(tids_distinct(64), "64 distinct thread ids");
    many_release = 1;
    sum = 0;
    for (int i = 0; i < 64; i++) {
        void *r = NULL;
        ok &= pthread_join(th[i], &r) == 0;
        sum += (intptr_t)r;
    }
    expect(ok && sum == 64 * 65 / 2, "all 64 joined with their values");
    expect(threads_settle(1), "Threads: back to 1");
}

/* ---- detached threads ---- */

static int detached_done;

static void *detached_main(void *arg)
{
    volatile int x = 0;
    for (int i = 0; i < 1000; i++)
        x += i;
    __atomic_add_fetch(&detached_done, 1, __ATOMIC_ACQ_REL);
    return NULL;
}

static void *detach_self(void *arg)
{
    pthread_detach(pthread_self());
    msleep(20);
    __atomic_add_fetch(&detached_done, 1, __ATOMIC_ACQ_REL);
    return NULL;
}

static void detached(void)
{
    step = "detached";
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    int ok = 1;
    for (int batch = 0; batch < 20; batch++) {
        for (int k = 0; k < 10; k++) {
            pthread_t t;
            ok &= pthread_create(&t, &at, detached_main, NULL) == 0;
        }
        if (!wait_for(&detached_done, (batch + 1) * 10, 10000)) {
            ok = 0;
            break;
        }
    }
    expect(ok, "200 detached threads (10 at a time) all ran to their end");
    pthread_t t;
    pthread_create(&t, NULL, detach_self, NULL);
    expect(wait_for(&detached_done, 201, 10000), "a thread that detaches itself runs to its end");
    expect(threads_settle(1), "no thread left behind: Threads: 1");
    pthread_attr_destroy(&at);
}

/* ---- per-process state seen by every thread ---- */

static int shared_fd = -1;
static void on_usr1(int sig) { (void)sig; }

static void *changer(void *arg)
{
    if (chdir("sub") != 0)
        return (void *)1;
    umask(027);
    shared_fd = open("made-by-thread", O_CREAT | O_WRONLY, 0644);
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    return NULL;
}

static void *observer(void *arg)
{
    char cwd[256];
    if (!getcwd(cwd, sizeof cwd))
        return (void *)0;
    size_t n = strlen(cwd);
    int back_home = n < 4 || strcmp(cwd + n - 4, "/sub") != 0;
    int fd_closed = fcntl(shared_fd, F_GETFD) == -1 && errno == EBADF;
    return (void *)(intptr_t)(back_home && fd_closed ? 2 : 3);
}

static void process_state(void)
{
    step = "process state";
    mkdir("sub", 0755);
    mode_t old = umask(022);
    pthread_t t;
    void *r = NULL;
    pthread_create(&t, NULL, changer, NULL);
    pthread_join(t, &r);
    expect(r == NULL, "a thread changed directory, umask, opened a file, set a handler");
    char cwd[256];
    size_t n = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;
    expect(n >= 4 && strcmp(cwd + n - 4, "/sub") == 0, "main's cwd follows the thread's chdir");
    expect(umask(022) == 027, "main's umask is the thread's");
    expect(shared_fd >= 0 && write(shared_fd, "x", 1) == 1, "main writes the thread's descriptor");
    struct stat st;
    expect(stat("made-by-thread", &st) == 0, "the file is in the directory the thread chose");
    struct sigaction cur;
    sigaction(SIGUSR1, NULL, &cur);
    expect(cur.sa_handler == on_usr1, "main sees the thread's signal handler");
    signal(SIGUSR1, SIG_DFL);
    close(shared_fd);
    chdir("..");
    pthread_create(&t, NULL, observer, NULL);
    pthread_join(t, &r);
    expect((intptr_t)r == 2, "a thread sees main's chdir back and its close");
    umask(old);
}

/* ---- the main thread ends first ---- */

static int out_pipe[2], go_pipe[2];
static pthread_t first_thread;

static void *first_main(void *arg)
{
    msleep(50);
    write(out_pipe[1], "a", 1);
    return (void *)(intptr_t)41;
}

/* waits for the parent's go, joins the first thread, reports, returns */
static void *last_main(void *arg)
{
    char c;
    if (read(go_pipe[0], &c, 1) != 1)
        return NULL;
    void *r = NULL;
    int j = pthread_join(first_thread, &r);
    char msg = j == 0 && (intptr_t)r == 41 ? 'b' : 'X';
    write(out_pipe[1], &msg, 1);
    intptr_t mode = (intptr_t)arg;
    if (mode == 1)
        exit(5);
    if (mode == 2)
        syscall(SYS_exit, 9);           /* only this thread: the process ends with it */
    if (mode == 3) {
        /* the child the main thread forked is still ours to wait for */
        int st;
        pid_t w = waitpid(-1, &st, 0);
        char m = w > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 17 ? 'c' : 'Y';
        write(out_pipe[1], &m, 1);
    }
    return NULL;
}

/* The child process: two threads, then the main thread leaves.
 * mode 0: main pthread_exit, the last thread returns (status 0)
 * mode 1: main pthread_exit, the last thread calls exit(5)
 * mode 2: main leaves with the raw exit(3), the last thread with raw exit(9)
 * mode 3: main forks a child (exit 17) then pthread_exit; a thread waits for it */
static void leader_leaves(int mode)
{
    if (mode == 3) {
        pid_t g = fork();
        if (g == 0) {
            msleep(30);
            _exit(17);
        }
    }
    pthread_t last;
    pthread_create(&first_thread, NULL, first_main, NULL);
    pthread_create(&last, NULL, last_main, (void *)(intptr_t)mode);
    if (mode == 2)
        syscall(SYS_exit, 3);
    pthread_exit(NULL);
}

static const char *self_path;

/* The child re-executes this program (a forked child's main thread has no
 * exit futex registered with the kernel, which musl's pthread_exit needs
 * to release its thread-list lock: a fresh program registers one). */
static void main_ends_first(int mode, const char *what, const char *want_out, const char *want_status)
{
    char tag[32];
    snprintf(tag, sizeof tag, "main leaves first %d", mode);
    step = tag;
    pipe(out_pipe);
    pipe(go_pipe);
    pid_t c = fork();
    if (c == 0) {
        close(out_pipe[0]);
        close(go_pipe[1]);
        char a1[16], a2[16], a3[16];
        snprintf(a1, sizeof a1, "%d", mode);
        snprintf(a2, sizeof a2, "%d", out_pipe[1]);
        snprintf(a3, sizeof a3, "%d", go_pipe[0]);
        execl(self_path, self_path, "leader", a1, a2, a3, (char *)NULL);
        _exit(127);
    }
    close(out_pipe[1]);
    close(go_pipe[0]);
    char buf[8] = { 0 };
    ssize_t n = read(out_pipe[0], buf, 1);
    say("%s:\n", what);
    expect(n == 1 && buf[0] == 'a', "  first thread ran after main left");
    int st = 0;
    expect(waitpid(c, &st, WNOHANG) == 0, "  process still running (waitpid WNOHANG 0)");
    expect(kill(c, 0) == 0, "  kill(pid, 0) finds it");
    write(go_pipe[1], "g", 1);
    size_t got = 1;
    while (got < sizeof buf - 1) {
        ssize_t r = read(out_pipe[0], buf + got, sizeof buf - 1 - got);
        if (r <= 0)
            break;
        got += r;
    }
    say("  threads reported: %s (want %s)\n", buf, want_out);
    if (strcmp(buf, want_out) != 0)
        gt_failures++;
    waitpid(c, &st, 0);
    say("  process: %s (want %s)\n", status_str(st), want_status);
    if (strcmp(status_str(st), want_status) != 0)
        gt_failures++;
    close(out_pipe[0]);
    close(go_pipe[1]);
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "leader") == 0) {
        out_pipe[1] = atoi(argv[3]);
        go_pipe[0] = atoi(argv[4]);
        leader_leaves(atoi(argv[2]));
    }
    self_path = argv[0];
    signal(SIGALRM, on_alarm);
    alarm(60);
    identities();
    join_timing();
    many();
    detached();
    process_state();
    main_ends_first(0, "main pthread_exit, last thread returns", "ab", "exited 0");
    main_ends_first(1, "main pthread_exit, last thread calls exit(5)", "ab", "exited 5");
    main_ends_first(2, "main raw exit(3), last thread raw exit(9)", "ab", "exited 9");
    main_ends_first(3, "main forks then pthread_exit, a thread reaps the child", "abc", "exited 0");
    gt_exit();
}
