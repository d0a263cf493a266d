/* epoll: level-triggered, edge-triggered (EPOLLET) and one-shot items over
 * pipes, eventfds, sockets, timerfds and signalfds; the data word passed
 * through; EPOLLERR/EPOLLHUP reported unasked; EPOLL_CTL_MOD re-arming;
 * fewer events than ready; a file watched through two descriptors; items
 * removed with the last close of their file (not of one descriptor);
 * epoll inside epoll and poll() on an epoll; waits woken by another
 * thread and another process; timeouts, signals and the signal mask of
 * epoll_pwait/epoll_pwait2; and the errors of every call (EINVAL, EBADF,
 * EPERM for a regular file, EEXIST, ENOENT, ELOOP, EFAULT). */
#include "gt_thread.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = { .events = events, .data.u64 = data };
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : errno;
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = { .events = events, .data.u64 = data };
    return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) == 0 ? 0 : errno;
}

static const char *evstr(uint32_t e)
{
    static char buf[64];
    buf[0] = 0;
    if (e & EPOLLIN) strcat(buf, "IN ");
    if (e & EPOLLOUT) strcat(buf, "OUT ");
    if (e & EPOLLRDNORM) strcat(buf, "RDNORM ");
    if (e & EPOLLWRNORM) strcat(buf, "WRNORM ");
    if (e & EPOLLERR) strcat(buf, "ERR ");
    if (e & EPOLLHUP) strcat(buf, "HUP ");
    if (e & EPOLLPRI) strcat(buf, "PRI ");
    if (!buf[0])
        return "none";
    buf[strlen(buf) - 1] = 0;
    return buf;
}

/* One wait with timeout 0: "n=1 [IN data=5]" */
static void show(const char *what, int ep, int max)
{
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, max, 0);
    char line[256];
    int k = snprintf(line, sizeof line, "%s: ", what);
    if (n < 0) {
        say("%s%s\n", line, errname(errno));
        return;
    }
    k += snprintf(line + k, sizeof line - k, "n=%d", n);
    for (int i = 0; i < n && k < (int)sizeof line; i++)
        k += snprintf(line + k, sizeof line - k, " [%s data=%llx]", evstr(ev[i].events),
                      (unsigned long long)ev[i].data.u64);
    say("%s\n", line);
}

static void level_edge_oneshot(void)
{
    int p[2];
    pipe(p);
    int ep = epoll_create1(0);
    expect(add(ep, p[0], EPOLLIN, 0x1234567890abcdefULL) == 0, "add the read end, level-triggered");
    show("LT empty", ep, 8);
    write(p[1], "abc", 3);
    show("LT with data", ep, 8);
    show("LT again, data still there", ep, 8);
    char buf[16];
    read(p[0], buf, sizeof buf);
    show("LT drained", ep, 8);

    int q[2];
    pipe(q);
    expect(add(ep, q[0], EPOLLIN | EPOLLET, 2) == 0, "add another read end, edge-triggered");
    write(q[1], "x", 1);
    show("ET after a write", ep, 8);
    show("ET again, data still there", ep, 8);
    write(q[1], "y", 1);
    show("ET after another write", ep, 8);
    read(q[0], buf, 1);
    show("ET after a partial read", ep, 8);
    read(q[0], buf, sizeof buf);

    expect(mod(ep, q[0], EPOLLIN | EPOLLONESHOT, 3) == 0, "modify to one-shot");
    write(q[1], "z", 1);
    show("one-shot after a write", ep, 8);
    write(q[1], "z", 1);
    show("one-shot after another write", ep, 8);
    expect(mod(ep, q[0], EPOLLIN | EPOLLONESHOT, 4) == 0, "re-arm with MOD");
    show("one-shot re-armed, data there", ep, 8);
    read(q[0], buf, sizeof buf);

    /* write ends: OUT, and ERR once the reader is gone; HUP for a reader
     * whose writer is gone, reported although not asked for */
    expect(add(ep, p[1], EPOLLOUT, 5) == 0, "add the write end");
    expect(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL) == 0, "DEL with a NULL event");
    show("write end", ep, 8);
    close(p[1]);
    show("reader after the writer closed", ep, 8);
    expect(add(ep, q[1], EPOLLOUT, 6) == 0, "add the other write end");
    close(q[0]);
    show("writer after the reader closed", ep, 8);
    close(p[0]);
    close(q[1]);
    show("all closed: items gone", ep, 8);
    close(ep);
}

static void counts_and_dups(void)
{
    int ep = (int)syscall(SYS_epoll_create, 1);
    int e[3];
    for (int i = 0; i < 3; i++) {
        e[i] = eventfd(1, EFD_NONBLOCK);
        add(ep, e[i], EPOLLIN, 10 + i);
    }
    struct epoll_event ev[4];
    int seen = 0;
    int n1 = epoll_wait(ep, ev, 2, 0);
    for (int i = 0; i < n1; i++)
        seen |= 1 << (ev[i].data.u64 - 10);
    int n2 = epoll_wait(ep, ev, 2, 0);
    for (int i = 0; i < n2; i++)
        seen |= 1 << (ev[i].data.u64 - 10);
    say("three ready, maxevents 2: %d then %d, all seen: %s\n", n1, n2, seen == 7 ? "yes" : "no");
    for (int i = 0; i < 3; i++)
        close(e[i]);
    show("eventfds closed", ep, 8);

    /* one file, two descriptors: two items; closing one descriptor keeps
     * the file and both items (EBADF for the closed one) */
    int a = eventfd(1, 0), b = dup(a);
    expect(add(ep, a, EPOLLIN, 0xa) == 0 && add(ep, b, EPOLLIN, 0xb) == 0, "the same file through two descriptors");
    say("add a third time: %s\n", errname(add(ep, a, EPOLLIN, 0xc)));
    show("two items", ep, 8);
    close(a);
    show("one descriptor closed", ep, 8);
    struct epoll_event x = { EPOLLIN, { .u64 = 0 } };
    expect_err(epoll_ctl(ep, EPOLL_CTL_DEL, a, &x), EBADF, "DEL through the closed descriptor");
    close(b);
    show("last descriptor closed", ep, 8);
    close(ep);
}

static void errors(void)
{
    expect_err(syscall(SYS_epoll_create, 0), EINVAL, "epoll_create(0)");
    expect_err(syscall(SYS_epoll_create, -1), EINVAL, "epoll_create(-1)");
    expect_err(epoll_create1(1), EINVAL, "epoll_create1(1)");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    expect((fcntl(ep, F_GETFD) & FD_CLOEXEC) != 0, "EPOLL_CLOEXEC");
    say_fd_kind("epoll", ep);
    int p[2];
    pipe(p);
    struct epoll_event ev = { EPOLLIN, { .u64 = 1 } };
    expect_err(epoll_ctl(-1, EPOLL_CTL_ADD, p[0], &ev), EBADF, "ctl epfd -1");
    expect_err(epoll_ctl(ep, EPOLL_CTL_ADD, -1, &ev), EBADF, "ctl fd -1");
    expect_err(epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev), EINVAL, "ctl on a pipe, not an epoll");
    expect_err(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL, "add an epoll to itself");
    int rf = open("/tests/epoll", O_RDONLY);
    if (rf < 0)
        rf = open("/proc/self/exe", O_RDONLY);
    expect_err(epoll_ctl(ep, EPOLL_CTL_ADD, rf, &ev), EPERM, "add a regular file");
    int dfd = open("/", O_RDONLY | O_DIRECTORY);
    expect_err(epoll_ctl(ep, EPOLL_CTL_ADD, dfd, &ev), EPERM, "add a directory");
    expect_err(epoll_ctl(rf, EPOLL_CTL_ADD, p[0], &ev), EINVAL, "ctl on a regular file as the epoll");
    close(dfd);
    expect_err(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], BAD_PTR), EFAULT, "add with a bad event pointer");
    expect_err(epoll_ctl(ep, 99, p[0], BAD_PTR), EFAULT, "unknown op with a bad event pointer");
    expect_err(epoll_ctl(ep, 99, p[0], &ev), EINVAL, "unknown op");
    expect_err(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT, "MOD of a descriptor not added");
    expect_err(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT, "DEL of a descriptor not added");
    expect(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "ADD");
    expect_err(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST, "ADD again");
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    expect_err(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), EINVAL, "MOD with EPOLLEXCLUSIVE");
    expect(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev) == 0, "ADD with EPOLLEXCLUSIVE");
    ev.events = EPOLLOUT;
    expect_err(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), EINVAL, "MOD of an EPOLLEXCLUSIVE item");
    int e2 = epoll_create1(0);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
    expect_err(epoll_ctl(e2, EPOLL_CTL_ADD, p[0], &ev), EINVAL, "EPOLLEXCLUSIVE with EPOLLONESHOT");
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    expect_err(epoll_ctl(e2, EPOLL_CTL_ADD, ep, &ev), EINVAL, "EPOLLEXCLUSIVE on an epoll");
    close(e2);

    struct epoll_event out[2];
    expect_err(epoll_wait(ep, out, 0, 0), EINVAL, "wait maxevents 0");
    expect_err(epoll_wait(ep, out, -1, 0), EINVAL, "wait maxevents -1");
    expect_err(epoll_wait(-1, out, 2, 0), EBADF, "wait fd -1");
    expect_err(epoll_wait(p[0], out, 2, 0), EINVAL, "wait on a pipe");
    expect_err(epoll_wait(ep, (void *)0xffff800000000000UL, 2, 0), EFAULT, "wait into kernel space");
    expect(epoll_wait(ep, NULL, 2, 0) == 0, "a NULL buffer is only copied to when there are events");
    write(p[1], "x", 1);
    expect_err(epoll_wait(ep, BAD_PTR, 2, 0), EFAULT, "wait into a bad pointer with an event");
    show("the event is still there", ep, 8);
    struct timespec bad = { 0, 1000000000L };
    expect_err(syscall(SYS_epoll_pwait2, ep, out, 2, &bad, NULL, 8), EINVAL, "pwait2 tv_nsec 1e9");
    expect_err(syscall(SYS_epoll_pwait2, ep, out, 2, BAD_PTR, NULL, 8), EFAULT, "pwait2 bad timeout pointer");
    sigset_t m;
    sigemptyset(&m);
    expect_err(syscall(SYS_epoll_pwait, ep, out, 2, 0, &m, 4), EINVAL, "pwait sigsetsize 4");
    expect_err(syscall(SYS_epoll_pwait, ep, out, 2, 0, BAD_PTR, 8), EFAULT, "pwait bad mask pointer");
    char c;
    expect_err(read(ep, &c, 1), EINVAL, "read on an epoll");
    close(rf);
    close(p[0]);
    close(p[1]);
    close(ep);
}

static void nesting(void)
{
    int p[2];
    pipe(p);
    int inner = epoll_create1(0), outer = epoll_create1(0);
    add(inner, p[0], EPOLLIN, 1);
    expect(add(outer, inner, EPOLLIN, 2) == 0, "an epoll inside an epoll");
    say("inner into outer's own child: %s\n", errname(add(inner, outer, EPOLLIN, 3)));
    show("outer, nothing ready", outer, 8);
    say("poll on the outer: %s\n", pollstr(poll1(outer)));
    write(p[1], "x", 1);
    show("outer after a write", outer, 8);
    say("poll on the outer: %s\n", pollstr(poll1(outer)));
    show("inner", inner, 8);
    char c;
    read(p[0], &c, 1);
    show("outer after the data was read", outer, 8);
    say("poll on the outer, drained: %s\n", pollstr(poll1(outer)));
    expect(mod(outer, inner, EPOLLIN | EPOLLET, 4) == 0, "the inner as edge-triggered");
    write(p[1], "y", 1);
    show("outer ET", outer, 8);
    show("outer ET again", outer, 8);
    close(outer);
    close(inner);
    close(p[0]);
    close(p[1]);

    /* a chain: each epoll inside the next; five levels at most */
    int e[7];
    for (int i = 0; i < 7; i++)
        e[i] = epoll_create1(0);
    for (int i = 0; i < 6; i++)
        say("epoll %d into epoll %d: %s\n", i, i + 1, errname(add(e[i + 1], e[i], EPOLLIN, 0)));
    for (int i = 0; i < 7; i++)
        close(e[i]);
}

static void other_files(void)
{
    int ep = epoll_create1(0);
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    add(ep, sv[0], EPOLLIN | EPOLLOUT, 1);
    show("socket, idle", ep, 8);
    send(sv[1], "hi", 2, 0);
    show("socket with data", ep, 8);
    close(sv[1]);
    close(sv[0]);

    int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    add(ep, t, EPOLLIN, 2);
    struct itimerspec its = { .it_value = { 0, 20000000 } };
    timerfd_settime(t, 0, &its, NULL);
    struct epoll_event ev[4];
    int n = epoll_wait(ep, ev, 4, 5000);
    say("timerfd fires through epoll: n=%d %s data=%llu\n", n, n > 0 ? evstr(ev[0].events) : "-",
        n > 0 ? (unsigned long long)ev[0].data.u64 : 0ULL);
    close(t);

    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int s = signalfd(-1, &m, SFD_NONBLOCK);
    add(ep, s, EPOLLIN, 3);
    show("signalfd, nothing pending", ep, 8);
    kill(getpid(), SIGUSR1);
    show("signalfd, SIGUSR1 pending", ep, 8);
    struct signalfd_siginfo si;
    read(s, &si, sizeof si);
    show("signalfd, read", ep, 8);
    close(s);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    close(ep);
}

static int tep, tefd;
static volatile int woke;

static void *waiter(void *arg)
{
    struct epoll_event ev;
    int n = epoll_wait(tep, &ev, 1, 10000);
    __atomic_store_n(&woke, n == 1 && ev.data.u64 == 77 ? 1 : -1, __ATOMIC_RELEASE);
    return NULL;
}

static void on_usr1(int sig) { (void)sig; }

static void waiting(void)
{
    tep = epoll_create1(0);
    tefd = eventfd(0, EFD_NONBLOCK);
    add(tep, tefd, EPOLLIN, 77);
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    msleep(50);
    expect(__atomic_load_n(&woke, __ATOMIC_ACQUIRE) == 0, "a thread waits in epoll_wait");
    uint64_t one = 1;
    write(tefd, &one, 8);
    pthread_join(t, NULL);
    expect(woke == 1, "woken by the main thread's write, with its data");
    close(tefd);

    int p[2];
    pipe(p);
    add(tep, p[0], EPOLLIN, 88);
    pid_t c = fork();
    if (c == 0) {
        wait_sleeping(getppid());
        write(p[1], "x", 1);
        _exit(0);
    }
    struct epoll_event ev;
    int n = epoll_wait(tep, &ev, 1, 10000);
    expect(n == 1 && ev.data.u64 == 88, "woken by another process's write");
    waitpid(c, NULL, 0);
    close(p[0]);
    close(p[1]);

    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    n = epoll_wait(tep, &ev, 1, 30);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    expect(n == 0 && ms >= 25, "a 30 ms timeout returns 0 after about 30 ms");
    struct timespec to = { 0, 20000000 };
    clock_gettime(CLOCK_MONOTONIC, &a);
    n = (int)syscall(SYS_epoll_pwait2, tep, &ev, 1, &to, NULL, 8);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    expect(n == 0 && ms >= 15, "epoll_pwait2 with 20 ms returns 0 after about 20 ms");
    to.tv_nsec = 0;
    expect(syscall(SYS_epoll_pwait2, tep, &ev, 1, &to, NULL, 8) == 0, "epoll_pwait2 with a zero timeout");

    /* a handled signal ends the wait with EINTR, even with SA_RESTART */
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
    sigaction(SIGUSR1, &sa, NULL);
    c = fork();
    if (c == 0) {
        wait_sleeping(getppid());
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    n = epoll_wait(tep, &ev, 1, 10000);
    say("epoll_wait interrupted (SA_RESTART): %s\n", n < 0 ? errname(errno) : "returned");
    waitpid(c, NULL, 0);

    /* epoll_pwait's mask: SIGUSR1 blocked outside, let in during the wait */
    sigset_t blk, none;
    sigemptyset(&blk);
    sigaddset(&blk, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &blk, NULL);
    kill(getpid(), SIGUSR1);
    n = epoll_pwait(tep, &ev, 1, 10000, &none);
    say("epoll_pwait lets a pending signal in: %s\n", n < 0 ? errname(errno) : "returned");
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    expect(sigismember(&now, SIGUSR1), "the old mask is back afterwards");
    kill(getpid(), SIGUSR1);
    n = epoll_pwait(tep, &ev, 1, 0, &blk);
    expect(n == 0, "epoll_pwait with the signal blocked times out");
    sigprocmask(SIG_UNBLOCK, &blk, NULL);
    close(tep);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(30);
    level_edge_oneshot();
    counts_and_dups();
    errors();
    nesting();
    other_files();
    waiting();
    gt_exit();
}
