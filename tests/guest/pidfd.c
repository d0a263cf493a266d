/* pidfd_open, pidfd_send_signal, pidfd_getfd and waitid(P_PIDFD): a pidfd
 * polls readable once its process has ended and adds POLLHUP once it is
 * reaped (also through epoll); signals go to the process (or a thread with
 * PIDFD_THREAD), with the caller's siginfo only to itself; a descriptor is
 * copied out of another process; waitid waits through a pidfd (EAGAIN for
 * a PIDFD_NONBLOCK one); and the errors (EINVAL, ESRCH, EBADF, EPERM,
 * EFAULT). */
#include "gt_thread.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define PIDFD_NONBLOCK O_NONBLOCK
#define PIDFD_THREAD O_EXCL
#define PIDFD_SIGNAL_THREAD_GROUP 2

static int pidfd_open(pid_t pid, unsigned flags) { return (int)syscall(434, pid, flags); }
static int pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags)
{
    return (int)syscall(424, fd, sig, info, flags);
}
static int pidfd_getfd(int fd, int target, unsigned flags) { return (int)syscall(438, fd, target, flags); }

static int pollwait(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, ms) < 0 ? -1 : p.revents;
}

static pid_t sleeper(void)
{
    pid_t p = fork();
    if (p == 0) {
        for (;;)
            pause();
    }
    return p;
}

static void open_and_poll(void)
{
    int self = pidfd_open(getpid(), 0);
    expect(self >= 0, "pidfd_open of itself");
    expect((fcntl(self, F_GETFD) & FD_CLOEXEC) != 0, "always close-on-exec");
    expect((fcntl(self, F_GETFL) & (O_ACCMODE | O_NONBLOCK)) == O_RDWR, "O_RDWR, blocking");
    say_fd_kind("pidfd", self);
    say("poll of itself: %s\n", pollstr(poll1(self)));
    char c;
    expect_err(read(self, &c, 1), EINVAL, "read on a pidfd");
    int nb = pidfd_open(getpid(), PIDFD_NONBLOCK);
    expect((fcntl(nb, F_GETFL) & O_NONBLOCK) != 0, "PIDFD_NONBLOCK");
    close(nb);
    close(self);

    pid_t p = sleeper();
    int fd = pidfd_open(p, 0);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 9 };
    expect(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "a pidfd in an epoll");
    say("child running: %s\n", pollstr(poll1(fd)));
    expect(pidfd_send_signal(fd, 0, NULL, 0) == 0, "signal 0 checks it exists");
    expect(pidfd_send_signal(fd, SIGKILL, NULL, 0) == 0, "SIGKILL through the pidfd");
    say("after it died, before the wait: %s\n", pollstr(pollwait(fd, 5000)));
    struct epoll_event out;
    int n = epoll_wait(ep, &out, 1, 5000);
    say("epoll: n=%d data=%llu in=%s\n", n, (unsigned long long)out.data.u64, (out.events & EPOLLIN) ? "yes" : "no");
    expect(pidfd_send_signal(fd, 0, NULL, 0) == 0, "a zombie can still be signalled");
    int st;
    waitpid(p, &st, 0);
    say("child %s\n", status_str(st));
    say("after the wait: %s\n", pollstr(pollwait(fd, 0)));
    expect_err(pidfd_send_signal(fd, SIGKILL, NULL, 0), ESRCH, "signal after the reap");
    expect_err(pidfd_getfd(fd, 0, 0), ESRCH, "getfd after the reap");
    expect_err(pidfd_open(p, 0), ESRCH, "pidfd_open of a reaped pid");
    close(ep);
    close(fd);

    /* a zombie opens, readable at once */
    p = fork();
    if (p == 0)
        _exit(3);
    struct pollfd none = { -1, 0, 0 };
    for (int i = 0; i < 500; i++) {
        char path[64], buf[256];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)p);
        if (read_file(path, buf, sizeof buf) > 0 && strstr(buf, ") Z"))
            break;
        poll(&none, 0, 10);
    }
    fd = pidfd_open(p, 0);
    expect(fd >= 0, "pidfd_open of a zombie");
    say("zombie: %s\n", pollstr(poll1(fd)));
    siginfo_t si = { 0 };
    expect(waitid(P_PIDFD, fd, &si, WEXITED) == 0 && si.si_pid == p && si.si_status == 3,
           "waitid(P_PIDFD) reaps it: status 3");
    close(fd);
}

static volatile int thread_sig;
static void on_usr1(int sig) { thread_sig = sig; }
static volatile pid_t thread_tid;
static volatile int thread_stop;

static void *idle_thread(void *arg)
{
    thread_tid = gettid_();
    while (!thread_stop)
        msleep(5);
    return NULL;
}

static void errors_and_signals(void)
{
    expect_err(pidfd_open(getpid(), 1), EINVAL, "unknown pidfd_open flag");
    expect_err(pidfd_open(0, 0), EINVAL, "pid 0");
    expect_err(pidfd_open(-1, 0), EINVAL, "pid -1");
    pthread_t t;
    pthread_create(&t, NULL, idle_thread, NULL);
    while (!thread_tid)
        msleep(1);
    expect_err(pidfd_open(thread_tid, 0), ENOENT, "a thread id without PIDFD_THREAD");
    int tfd = pidfd_open(thread_tid, PIDFD_THREAD);
    expect(tfd >= 0, "a thread id with PIDFD_THREAD");
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &m, NULL);   /* only the thread can take it */
    expect(pidfd_send_signal(tfd, SIGUSR1, NULL, 0) == 0, "SIGUSR1 to the thread's pidfd");
    for (int i = 0; i < 500 && !thread_sig; i++)
        msleep(2);
    expect(thread_sig == SIGUSR1, "the thread took it");
    thread_stop = 1;
    pthread_join(t, NULL);
    close(tfd);

    int self = pidfd_open(getpid(), 0);
    expect_err(pidfd_send_signal(self, SIGUSR1, NULL, 8), EINVAL, "unknown send flag");
    expect_err(pidfd_send_signal(self, SIGUSR1, NULL, 3), EINVAL, "two scope flags");
    expect_err(pidfd_send_signal(-1, SIGUSR1, NULL, 0), EBADF, "send on fd -1");
    int pfd[2];
    pipe(pfd);
    expect_err(pidfd_send_signal(pfd[0], SIGUSR1, NULL, 0), EBADF, "send on a pipe");
    expect_err(pidfd_getfd(pfd[0], 0, 0), EBADF, "getfd on a pipe");
    close(pfd[0]);
    close(pfd[1]);
    expect_err(pidfd_send_signal(self, 99, NULL, 0), EINVAL, "signal 99");
    expect_err(pidfd_send_signal(self, SIGUSR1, BAD_PTR, 0), EFAULT, "siginfo from a bad pointer");
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGUSR2;
    info.si_code = SI_QUEUE;
    expect_err(pidfd_send_signal(self, SIGUSR1, &info, 0), EINVAL, "si_signo differs from sig");
    /* to itself, with its own siginfo: the value arrives */
    info.si_signo = SIGUSR1;
    info.si_value.sival_int = 4321;
    expect(pidfd_send_signal(self, SIGUSR1, &info, 0) == 0, "send with a siginfo to itself");
    siginfo_t got;
    struct timespec zero = { 0, 0 };
    expect(sigtimedwait(&m, &got, &zero) == SIGUSR1, "it is pending");
    say("received code %d value %d\n", got.si_code, got.si_value.sival_int);
    pthread_sigmask(SIG_UNBLOCK, &m, NULL);
    close(self);

    /* another process: no kernel si_code */
    pid_t p = sleeper();
    int fd = pidfd_open(p, 0);
    info.si_code = SI_USER;
    expect_err(pidfd_send_signal(fd, SIGUSR1, &info, 0), EPERM, "SI_USER siginfo to another process");
    info.si_code = SI_QUEUE;
    expect(pidfd_send_signal(fd, SIGTERM, NULL, PIDFD_SIGNAL_THREAD_GROUP) == 0, "SIGTERM with the thread-group scope");
    int st;
    waitpid(p, &st, 0);
    say("child %s\n", status_str(st));
    close(fd);
}

static void getfd_and_waitid(void)
{
    int ready[2];
    pipe(ready);
    pid_t p = fork();
    if (p == 0) {
        int e = eventfd(7, 0);
        dup2(e, 50);
        write(ready[1], "r", 1);
        for (;;)
            pause();
    }
    char c;
    read(ready[0], &c, 1);
    int fd = pidfd_open(p, PIDFD_NONBLOCK);
    expect_err(pidfd_getfd(fd, 50, 1), EINVAL, "getfd flags 1");
    expect_err(pidfd_getfd(-1, 50, 0), EBADF, "getfd fd -1");
    expect_err(pidfd_getfd(fd, 51, 0), EBADF, "getfd of a closed descriptor");
    int g = pidfd_getfd(fd, 50, 0);
    expect(g >= 0, "getfd of the child's eventfd");
    expect((fcntl(g, F_GETFD) & FD_CLOEXEC) != 0, "the copy is close-on-exec");
    uint64_t v = 0;
    expect(read(g, &v, 8) == 8 && v == 7, "the copy reads the child's counter: 7");
    close(g);

    siginfo_t si;
    memset(&si, 0, sizeof si);
    expect_err(waitid(P_PIDFD, fd, &si, WEXITED), EAGAIN, "waitid on a running child, PIDFD_NONBLOCK");
    expect(waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0, "with WNOHANG: 0, nothing");
    expect_err(waitid(P_PIDFD, -1, &si, WEXITED), EINVAL, "waitid P_PIDFD -1");
    expect_err(waitid(P_PIDFD, ready[0], &si, WEXITED), EBADF, "waitid P_PIDFD on a pipe");
    int self = pidfd_open(getpid(), 0);
    expect_err(waitid(P_PIDFD, self, &si, WEXITED), ECHILD, "waitid on its own pidfd");
    close(self);
    kill(p, SIGKILL);
    fcntl(fd, F_SETFL, 0);
    expect(waitid(P_PIDFD, fd, &si, WEXITED) == 0 && si.si_pid == p && si.si_code == CLD_KILLED,
           "waitid(P_PIDFD) blocks until it is killed");
    close(fd);
    close(ready[0]);
    close(ready[1]);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(20);
    open_and_poll();
    errors_and_signals();
    getfd_and_waitid();
    gt_exit();
}
