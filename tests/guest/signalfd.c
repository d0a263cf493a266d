/* signalfd and signalfd4: reads take pending signals of the descriptor's
 * set (blocked, so no handler runs) as struct signalfd_siginfo, several per
 * read, lowest first; what each kind of sender fills in (kill, sigqueue,
 * tgkill, a child's exit); poll readiness; a new set for an existing
 * signalfd; a blocked read woken by another process; the reader's own
 * signals (another thread's, or a forked child's through the inherited
 * descriptor, are theirs); SFD_NONBLOCK/SFD_CLOEXEC; and the errors
 * (EINVAL size, flags, short buffer and non-signalfd descriptor, EBADF,
 * EFAULT). */
#include "gt_thread.h"
#include <pthread.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>

static sigset_t set_of(int a, int b)
{
    sigset_t s;
    sigemptyset(&s);
    if (a)
        sigaddset(&s, a);
    if (b)
        sigaddset(&s, b);
    return s;
}

static int read_one(int fd, struct signalfd_siginfo *si)
{
    ssize_t n = read(fd, si, sizeof *si);
    return n == (ssize_t)sizeof *si ? 0 : n < 0 ? errno : -1;
}

static void basics(void)
{
    sigset_t m = set_of(SIGUSR1, 0);
    int fd = signalfd(-1, &m, SFD_NONBLOCK);
    expect(fd >= 0, "signalfd for SIGUSR1");
    say("poll, nothing pending: %s\n", pollstr(poll1(fd)));
    struct signalfd_siginfo si;
    say("read, nothing pending: %s\n", errname(read_one(fd, &si)));
    kill(getpid(), SIGUSR1);
    say("poll, SIGUSR1 pending: %s\n", pollstr(poll1(fd)));
    expect(read_one(fd, &si) == 0, "read one");
    say("kill: signo %u code %d errno %d\n", si.ssi_signo, si.ssi_code, si.ssi_errno);
    expect(si.ssi_pid == (uint32_t)getpid() && si.ssi_uid == (uint32_t)getuid(), "kill: ssi_pid and ssi_uid are the sender's");
    sigset_t p;
    sigpending(&p);
    expect(!sigismember(&p, SIGUSR1), "the signal is no longer pending");
    say("poll after reading: %s\n", pollstr(poll1(fd)));

    /* sigqueue: the value comes through */
    union sigval v = { .sival_int = 1234 };
    sigqueue(getpid(), SIGUSR1, v);
    read_one(fd, &si);
    say("sigqueue: signo %u code %d int %d ptr-low %d\n", si.ssi_signo, si.ssi_code, si.ssi_int, (int)(si.ssi_ptr & 0xffffffff));
    expect(si.ssi_pid == (uint32_t)getpid(), "sigqueue: ssi_pid");

    /* tgkill: thread-directed */
    syscall(SYS_tgkill, getpid(), gettid_(), SIGUSR1);
    read_one(fd, &si);
    say("tgkill: signo %u code %d\n", si.ssi_signo, si.ssi_code);

    /* a signal outside the set stays pending */
    kill(getpid(), SIGUSR2);
    say("SIGUSR2 (not in the set) poll: %s\n", pollstr(poll1(fd)));
    /* a new set for the same descriptor */
    m = set_of(SIGUSR2, 0);
    expect(signalfd(fd, &m, 0) == fd, "signalfd on an existing descriptor returns it");
    say("after the new set, poll: %s\n", pollstr(poll1(fd)));
    read_one(fd, &si);
    say("now reads signo %u\n", si.ssi_signo);

    /* several per read, lowest number first */
    m = set_of(SIGUSR1, SIGUSR2);
    signalfd(fd, &m, 0);
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    struct signalfd_siginfo two[3];
    ssize_t n = read(fd, two, sizeof two);
    say("two pending, read of three: %zd bytes, signo %u then %u\n", n, two[0].ssi_signo, two[1].ssi_signo);
    n = read(fd, two, sizeof two[0] + 100);
    say("read with nothing pending and room for one: %s\n", n < 0 ? errname(errno) : "data");

    /* SIGKILL and SIGSTOP in the set are ignored */
    sigset_t k = set_of(SIGKILL, SIGSTOP);
    int fk = signalfd(-1, &k, SFD_NONBLOCK | SFD_CLOEXEC);
    expect(fk >= 0, "a set of SIGKILL and SIGSTOP is accepted");
    expect((fcntl(fk, F_GETFD) & FD_CLOEXEC) != 0, "SFD_CLOEXEC");
    expect((fcntl(fk, F_GETFL) & O_NONBLOCK) != 0, "SFD_NONBLOCK");
    say_fd_kind("signalfd", fk);
    close(fk);
    close(fd);
}

static void child_exit(void)
{
    sigset_t m = set_of(SIGCHLD, 0);
    int fd = signalfd(-1, &m, 0);
    pid_t p = fork();
    if (p == 0)
        _exit(7);
    struct signalfd_siginfo si;
    expect(read_one(fd, &si) == 0, "SIGCHLD read (blocking)");
    say("SIGCHLD: signo %u code %d status %d\n", si.ssi_signo, si.ssi_code, si.ssi_status);
    expect(si.ssi_pid == (uint32_t)p, "SIGCHLD: ssi_pid is the child");
    waitpid(p, NULL, 0);
    close(fd);
}

static int sfd;

static void *reader_thread(void *arg)
{
    struct signalfd_siginfo si;
    int r = read_one(sfd, &si);
    return (void *)(long)(r == 0 ? (int)si.ssi_signo : -r);
}

static void threads_and_processes(void)
{
    sigset_t m = set_of(SIGUSR1, 0);
    sfd = signalfd(-1, &m, 0);
    /* a blocked read woken by another process's kill */
    pid_t p = fork();
    if (p == 0) {
        wait_sleeping(getppid());
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    struct signalfd_siginfo si;
    expect(read_one(sfd, &si) == 0 && si.ssi_signo == SIGUSR1, "blocked read woken by the child's kill");
    expect(si.ssi_pid == (uint32_t)p, "ssi_pid is the child");
    waitpid(p, NULL, 0);

    /* a signal for another thread is that thread's to read */
    pthread_t t;
    pthread_create(&t, NULL, reader_thread, NULL);
    msleep(50);
    int fl = fcntl(sfd, F_GETFL);
    pthread_kill(t, SIGUSR1);
    msleep(50);
    fcntl(sfd, F_SETFL, fl | O_NONBLOCK);
    say("main thread reads the other thread's signal: %s\n", errname(read_one(sfd, &si)));
    fcntl(sfd, F_SETFL, fl);
    void *ret;
    pthread_join(t, &ret);
    say("the thread read signo %ld\n", (long)ret);

    /* a forked child reads its own signals through the inherited descriptor */
    p = fork();
    if (p == 0) {
        int e = read_one(sfd, &si);
        _exit(e == 0 && si.ssi_signo == SIGUSR1 && si.ssi_pid == (uint32_t)getppid() ? 0 : 1);
    }
    wait_sleeping(p);
    kill(p, SIGUSR1);
    int st;
    waitpid(p, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child read the parent's signal to it");
    fcntl(sfd, F_SETFL, fl | O_NONBLOCK);
    say("the parent has nothing: %s\n", errname(read_one(sfd, &si)));
    close(sfd);
}

static void on_usr2(int sig) { (void)sig; }

static void interrupted(void)
{
    sigset_t m = set_of(SIGUSR1, 0);
    int fd = signalfd(-1, &m, 0);
    struct sigaction sa = { .sa_handler = on_usr2 };
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t u = set_of(SIGUSR2, 0);
    sigprocmask(SIG_UNBLOCK, &u, NULL);
    pid_t p = fork();
    if (p == 0) {
        wait_sleeping(getppid());
        kill(getppid(), SIGUSR2);
        _exit(0);
    }
    struct signalfd_siginfo si;
    say("read interrupted by a handled signal: %s\n", errname(read_one(fd, &si)));
    waitpid(p, NULL, 0);
    sigprocmask(SIG_BLOCK, &u, NULL);
    close(fd);
}

static void errors(void)
{
    sigset_t m = set_of(SIGUSR1, 0);
    expect_err(syscall(SYS_signalfd4, -1, &m, 4, 0), EINVAL, "sizemask 4");
    expect_err(syscall(SYS_signalfd4, -1, &m, 16, 0), EINVAL, "sizemask 16");
    expect_err(syscall(SYS_signalfd, -1, &m, 4), EINVAL, "signalfd (282) sizemask 4");
    expect_err(syscall(SYS_signalfd4, -1, BAD_PTR, 8, 0), EFAULT, "mask from a bad pointer");
    expect_err(syscall(SYS_signalfd4, -1, &m, 8, 1), EINVAL, "unknown flag");
    expect_err(syscall(SYS_signalfd4, -1, BAD_PTR, 8, 1), EFAULT, "bad pointer before bad flags");
    expect_err(syscall(SYS_signalfd4, 999, &m, 8, 0), EBADF, "a closed descriptor");
    int pfd[2];
    pipe(pfd);
    expect_err(syscall(SYS_signalfd4, pfd[0], &m, 8, 0), EINVAL, "a pipe");
    close(pfd[0]);
    close(pfd[1]);
    int fd = (int)syscall(SYS_signalfd, -1, &m, 8);
    expect(fd >= 0, "signalfd (282)");
    expect(fcntl(fd, F_GETFL) == O_RDWR, "signalfd (282): O_RDWR, blocking");
    char small[64];
    expect_err(read(fd, small, sizeof small), EINVAL, "64-byte read");
    kill(getpid(), SIGUSR1);
    expect_err(read(fd, BAD_PTR, 128), EFAULT, "read into a bad pointer");
    sigset_t p;
    sigpending(&p);
    say("after the faulting read SIGUSR1 is %s\n", sigismember(&p, SIGUSR1) ? "pending" : "gone");
    uint64_t x = 0;
    expect_err(write(fd, &x, 8), EINVAL, "write to a signalfd");
    close(fd);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(20);
    sigset_t all = set_of(SIGUSR1, SIGUSR2);
    sigaddset(&all, SIGCHLD);
    sigprocmask(SIG_BLOCK, &all, NULL);
    basics();
    child_exit();
    threads_and_processes();
    interrupted();
    errors();
    gt_exit();
}
