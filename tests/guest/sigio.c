/* Signal-driven I/O (O_ASYNC) on pipes, AF_UNIX sockets and
 * pseudo-terminals, as Linux: the owner set with
 * F_SETOWN gets SIGIO (si_code SI_KERNEL) when a write reaches the read
 * end, or the F_SETSIG signal with si_code POLL_IN, si_band and si_fd; a
 * write end hears of reads
 * (POLL_OUT); F_SETSIG of a signal with codes of its own gives SI_SIGIO;
 * the owner may be another process or a process group, not one the task
 * that set it may not signal (Linux's sigio_perm); no owner, or
 * O_ASYNC off: no signal; FIOASYNC does what F_SETFL does; a descriptor of two closed: still signalled.  A
 * socket hears of data and connections (POLL_IN), its peer's close
 * (POLL_HUP) and shutdown (of its writing side: POLL_IN; of both:
 * POLL_HUP), not of its own reads.  A pty slave hears of a whole line in
 * canonical mode, the master of the slave's output.  An
 * eventfd does not take O_ASYNC (F_GETFL; FIOASYNC is ENOTTY) and signals
 * nothing: Linux's has no fasync. */
#define _GNU_SOURCE
#include "gt.h"
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <sys/un.h>
#include <stddef.h>
#include <time.h>

static int take(int sig, siginfo_t *si, int ms)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    struct timespec to = { ms / 1000, (ms % 1000) * 1000000L };
    return sigtimedwait(&s, si, &to) == sig;
}

static void async_on(int fd, pid_t owner, int sig)
{
    fcntl(fd, F_SETOWN, owner);
    fcntl(fd, F_SETSIG, sig);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC);
}

static const char *code_name(int c)
{
    switch (c) {
    case SI_KERNEL: return "SI_KERNEL";
    case SI_SIGIO: return "SI_SIGIO";
    case POLL_IN: return "POLL_IN";
    case POLL_OUT: return "POLL_OUT";
    case POLL_HUP: return "POLL_HUP";
    default: return "other";
    }
}

static void show(const char *what, int got, const siginfo_t *si, int fd)
{
    if (!got) {
        say("%s: no signal\n", what);
        return;
    }
    say("%s: signal %s, si_code %s", what, si->si_signo == SIGIO ? "SIGIO" : si->si_signo >= SIGRTMIN ? "RT" : "other",
        code_name(si->si_code));
    if (si->si_code != SI_KERNEL)
        say(", si_band %#lx, si_fd is the descriptor %s", (long)si->si_band, si->si_fd == fd ? "yes" : "no");
    say("\n");
}

int main(void)
{
    sigset_t all;
    sigemptyset(&all);
    sigaddset(&all, SIGIO);
    sigaddset(&all, SIGRTMIN);
    sigaddset(&all, SIGRTMIN + 1);
    sigaddset(&all, SIGRTMIN + 2);
    sigaddset(&all, SIGCHLD);
    sigaddset(&all, SIGUSR1);
    sigprocmask(SIG_BLOCK, &all, NULL);
    siginfo_t si;
    int p[2];
    char c;

    pipe(p);
    async_on(p[0], getpid(), 0);
    expect((fcntl(p[0], F_GETFL) & O_ASYNC) != 0, "F_GETFL shows O_ASYNC");
    write(p[1], "a", 1);
    show("a write, plain SIGIO", take(SIGIO, &si, 1000), &si, p[0]);
    read(p[0], &c, 1);
    show("the read end's own read", take(SIGIO, &si, 0), &si, p[0]);

    fcntl(p[0], F_SETSIG, SIGRTMIN);
    write(p[1], "b", 1);
    show("F_SETSIG(SIGRTMIN), a write", take(SIGRTMIN, &si, 1000), &si, p[0]);
    show("nothing more", take(SIGRTMIN, &si, 0), &si, p[0]);
    read(p[0], &c, 1);

    fcntl(p[0], F_SETSIG, SIGIO);
    write(p[1], "d", 1);
    show("F_SETSIG(SIGIO)", take(SIGIO, &si, 1000), &si, p[0]);
    fcntl(p[0], F_SETSIG, SIGCHLD);
    write(p[1], "e", 1);
    show("F_SETSIG(SIGCHLD)", take(SIGCHLD, &si, 1000), &si, p[0]);
    read(p[0], &c, 1);
    read(p[0], &c, 1);

    async_on(p[1], getpid(), SIGRTMIN + 1);
    write(p[1], "f", 1);
    take(SIGCHLD, &si, 1000);
    read(p[0], &c, 1);
    show("the write end, after a read", take(SIGRTMIN + 1, &si, 1000), &si, p[1]);

    fcntl(p[0], F_SETOWN, 0);
    write(p[1], "g", 1);
    show("no owner", take(SIGCHLD, &si, 200), &si, p[0]);
    read(p[0], &c, 1);
    fcntl(p[0], F_SETOWN, getpid());
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) & ~O_ASYNC);
    write(p[1], "h", 1);
    show("O_ASYNC off", take(SIGCHLD, &si, 200), &si, p[0]);
    read(p[0], &c, 1);
    take(SIGRTMIN + 1, &si, 0);

    int on = 1;
    expect(ioctl(p[0], FIOASYNC, &on) == 0 && (fcntl(p[0], F_GETFL) & O_ASYNC), "FIOASYNC turns O_ASYNC on");
    write(p[1], "i", 1);
    show("then a write", take(SIGCHLD, &si, 1000), &si, p[0]);
    read(p[0], &c, 1);
    on = 0;
    expect(ioctl(p[0], FIOASYNC, &on) == 0 && !(fcntl(p[0], F_GETFL) & O_ASYNC), "and off");
    expect_err(ioctl(p[0], FIOASYNC, (void *)8), EFAULT, "FIOASYNC from a bad pointer");

    /* another process, then a process group, as the owner */
    for (int group = 0; group < 2; group++) {
        int ready[2], q[2];
        pipe(ready);
        pipe(q);
        pid_t pid = fork();
        if (pid == 0) {
            if (group)
                setpgid(0, 0);
            write(ready[1], "r", 1);
            _exit(take(SIGUSR1, &si, 5000) && si.si_code == POLL_IN ? 0 : 1);
        }
        read(ready[0], &c, 1);
        async_on(q[0], group ? -pid : pid, SIGUSR1);
        write(q[1], "x", 1);
        int st;
        waitpid(pid, &st, 0);
        say("owner %s: %s\n", group ? "a process group" : "another process",
            WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "signalled" : status_str(st));
        close(ready[0]);
        close(ready[1]);
        close(q[0]);
        close(q[1]);
    }

    /* an owner set by a task that may not signal it: nothing */
    {
        int q[2];
        pipe(q);
        async_on(q[0], getpid(), SIGUSR1);
        pid_t pid = fork();
        if (pid == 0) {
            if (setuid(65534))
                _exit(2);
            _exit(fcntl(q[0], F_SETOWN, getppid()) == 0 ? 0 : 1);
        }
        int st;
        waitpid(pid, &st, 0);
        write(q[1], "p", 1);
        show("the owner set by an unprivileged process", take(SIGUSR1, &si, 300), &si, q[0]);
        read(q[0], &c, 1);
        fcntl(q[0], F_SETOWN, getpid());
        write(q[1], "q", 1);
        show("set again by root", take(SIGUSR1, &si, 1000), &si, q[0]);
        close(q[0]);
        close(q[1]);
    }

    /* the descriptor closed: nothing, and nothing breaks */
    int r[2];
    pipe(r);
    async_on(r[0], getpid(), SIGUSR1);
    int keep = dup(r[0]);
    close(r[0]);
    write(r[1], "y", 1);
    show("one descriptor of two closed", take(SIGUSR1, &si, 1000), &si, r[0]);
    read(keep, &c, 1);
    close(keep);
    close(r[1]);

    /* AF_UNIX sockets: data, a connection, the peer's close */
    int a[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, a);
    async_on(a[0], getpid(), SIGRTMIN);
    write(a[1], "s", 1);
    show("a stream socket, data", take(SIGRTMIN, &si, 1000), &si, a[0]);
    read(a[0], &c, 1);
    show("its own read", take(SIGRTMIN, &si, 0), &si, a[0]);
    close(a[1]);
    show("the peer closed", take(SIGRTMIN, &si, 1000), &si, a[0]);
    close(a[0]);
    socketpair(AF_UNIX, SOCK_STREAM, 0, a);
    async_on(a[0], getpid(), SIGRTMIN);
    shutdown(a[1], SHUT_RD);
    show("the peer shuts its reading side", take(SIGRTMIN, &si, 300), &si, a[0]);
    shutdown(a[1], SHUT_WR);
    show("then its writing side", take(SIGRTMIN, &si, 1000), &si, a[0]);
    close(a[1]);
    take(SIGRTMIN, &si, 1000);
    close(a[0]);
    socketpair(AF_UNIX, SOCK_STREAM, 0, a);
    async_on(a[0], getpid(), SIGRTMIN);
    shutdown(a[1], SHUT_RDWR);
    show("the peer shuts both", take(SIGRTMIN, &si, 1000), &si, a[0]);
    close(a[0]);
    close(a[1]);
    take(SIGRTMIN, &si, 0);
    socketpair(AF_UNIX, SOCK_DGRAM, 0, a);
    async_on(a[0], getpid(), 0);
    send(a[1], "d", 1, 0);
    show("a datagram socket, a datagram", take(SIGIO, &si, 1000), &si, a[0]);
    close(a[0]);
    close(a[1]);
    int l = socket(AF_UNIX, SOCK_STREAM, 0), cl = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    memcpy(sun.sun_path, "\0gt-sigio", 9);
    socklen_t sl = offsetof(struct sockaddr_un, sun_path) + 9;
    bind(l, (struct sockaddr *)&sun, sl);
    listen(l, 4);
    async_on(l, getpid(), SIGRTMIN);
    connect(cl, (struct sockaddr *)&sun, sl);
    show("a listener, a connection", take(SIGRTMIN, &si, 1000), &si, l);
    close(cl);
    close(l);

    /* a pseudo-terminal: the slave hears of a line, the master of output */
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(m);
    unlockpt(m);
    int pts = open(ptsname(m), O_RDWR | O_NOCTTY);
    struct termios tio;
    tcgetattr(pts, &tio);
    tio.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(pts, TCSANOW, &tio);
    async_on(pts, getpid(), SIGRTMIN);
    write(m, "par", 3);
    show("the pty slave, part of a line", take(SIGRTMIN, &si, 300), &si, pts);
    write(m, "t\n", 2);
    show("the pty slave, the line ended", take(SIGRTMIN, &si, 1000), &si, pts);
    char line[16];
    read(pts, line, sizeof line);
    async_on(m, getpid(), SIGRTMIN + 2);
    write(pts, "out\n", 4);
    show("the pty master, output", take(SIGRTMIN + 2, &si, 1000), &si, m);
    close(pts);
    close(m);

    int e = eventfd(0, 0);
    async_on(e, getpid(), SIGUSR1);
    expect((fcntl(e, F_GETFL) & O_ASYNC) == 0, "an eventfd does not take O_ASYNC");
    on = 1;
    expect_err(ioctl(e, FIOASYNC, &on), ENOTTY, "FIOASYNC on an eventfd");
    uint64_t one = 1;
    write(e, &one, 8);
    show("an eventfd written", take(SIGUSR1, &si, 200), &si, e);
    close(e);
    gt_exit();
}
