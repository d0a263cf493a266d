/* Pseudo-terminals: posix_openpt/grantpt/unlockpt/ptsname, the slave
 * locked until unlockpt (EIO), the slave node (a character device of major
 * 136, a tty, ttyname = ptsname), data both ways through the line
 * discipline (echo and ONLCR seen by the master, canonical lines, raw
 * mode), window size set on the master and read on the slave, ^C from the
 * master signalling the foreground group of the session the slave
 * controls (which opens it as /dev/tty), and the two hang-ups: every slave
 * closed (the master reads EIO) and the master closed (the slave reads end
 * of file, writes EIO), and a /dev/tty that stays hung up after its pair
 * is gone.  Pty numbers are never printed: the host has others open. */
#include "gt.h"
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>

static int sigpipe[2];

static void on_int(int sig)
{
    char c = 'I';
    write(sigpipe[1], &c, 1);
}

/* Reads what is there after a moment (the master's side of things). */
static int drain(int fd, char *buf, int n)
{
    usleep(100000);
    int got = (int)read(fd, buf, n - 1);
    buf[got > 0 ? got : 0] = 0;
    return got;
}

static void show(const char *what, const char *s, int n)
{
    char out[256];
    int k = 0;
    for (int i = 0; i < n && k < (int)sizeof out - 5; i++) {
        if (s[i] == '\r')
            k += snprintf(out + k, sizeof out - k, "\\r");
        else if (s[i] == '\n')
            k += snprintf(out + k, sizeof out - k, "\\n");
        else if ((unsigned char)s[i] < 32)
            k += snprintf(out + k, sizeof out - k, "^%c", s[i] + '@');
        else
            out[k++] = s[i];
    }
    out[k] = 0;
    say("%s: %d \"%s\"\n", what, n, out);
}

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (!expect(m >= 0, "posix_openpt"))
        gt_exit();
    char name[64];
    snprintf(name, sizeof name, "%s", ptsname(m));
    expect(!strncmp(name, "/dev/pts/", 9), "ptsname is /dev/pts/N");
    unsigned n;
    expect(ioctl(m, TIOCGPTN, &n) == 0 && (unsigned)atoi(name + 9) == n, "TIOCGPTN agrees");
    int lock = -1;
    ioctl(m, TIOCGPTLCK, &lock);
    say("locked at first: %d\n", lock);
    expect_err(open(name, O_RDWR | O_NOCTTY), EIO, "opening the locked slave");
    expect(grantpt(m) == 0, "grantpt");
    expect(unlockpt(m) == 0, "unlockpt");
    ioctl(m, TIOCGPTLCK, &lock);
    say("locked after unlockpt: %d\n", lock);
    int s = open(name, O_RDWR | O_NOCTTY);
    if (!expect(s >= 0, "open the slave"))
        gt_exit();
    struct stat st;
    fstat(s, &st);
    expect(S_ISCHR(st.st_mode) && major(st.st_rdev) == 136 + n / 256 && minor(st.st_rdev) == n % 256,
           "the slave is char device (136 + N/256, N%256)");
    expect(isatty(s) && isatty(m), "both ends are ttys");
    char *tn = ttyname(s);
    expect(tn && !strcmp(tn, name), "ttyname of the slave is ptsname");

    char buf[256];
    int got;
    /* canonical input, echoed back to the master with ONLCR */
    write(m, "hello\n", 6);
    got = (int)read(s, buf, sizeof buf);
    show("slave reads", buf, got);
    got = drain(m, buf, sizeof buf);
    show("master sees the echo", buf, got);
    write(s, "out\n", 4);
    got = drain(m, buf, sizeof buf);
    show("master reads the output", buf, got);
    write(m, "ab\x7f" "c\n", 5);      /* erase in canonical mode */
    got = (int)read(s, buf, sizeof buf);
    show("slave reads the edited line", buf, got);
    drain(m, buf, sizeof buf);
    int avail = -1;
    write(s, "xyz", 3);
    usleep(100000);
    ioctl(m, FIONREAD, &avail);
    say("FIONREAD on the master: %d\n", avail);
    drain(m, buf, sizeof buf);

    /* raw mode, set through the slave */
    struct termios t;
    tcgetattr(s, &t);
    cfmakeraw(&t);
    tcsetattr(s, TCSANOW, &t);
    write(m, "raw\x03", 4);
    got = (int)read(s, buf, sizeof buf);
    show("raw slave reads", buf, got);
    write(s, "a\nb", 3);
    got = drain(m, buf, sizeof buf);
    show("raw output to the master", buf, got);

    struct winsize ws = { .ws_row = 33, .ws_col = 99 }, ws2 = {0};
    ioctl(m, TIOCSWINSZ, &ws);
    ioctl(s, TIOCGWINSZ, &ws2);
    say("window size seen on the slave: %dx%d\n", ws2.ws_row, ws2.ws_col);
    close(s);
    expect_err(read(m, buf, sizeof buf), EIO, "master read with every slave closed");
    close(m);

    /* ^C: a session that has the slave as controlling terminal */
    m = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(m);
    unlockpt(m);
    snprintf(name, sizeof name, "%s", ptsname(m));
    if (pipe(sigpipe) < 0)
        return 2;
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        int ss = open(name, O_RDWR);
        if (ss < 0 || ioctl(ss, TIOCSCTTY, 0) < 0)
            _exit(2);
        int tty = open("/dev/tty", O_RDWR);
        signal(SIGINT, on_int);
        char c = tty >= 0 ? 'T' : 't';
        write(sigpipe[1], &c, 1);
        pause();
        _exit(0);
    }
    char c = 0;
    read(sigpipe[0], &c, 1);
    say("child opened /dev/tty: %s\n", c == 'T' ? "yes" : "no");
    write(m, "\x03", 1);
    c = 0;
    read(sigpipe[0], &c, 1);
    say("child got SIGINT from ^C: %s\n", c == 'I' ? "yes" : "no");
    got = drain(m, buf, sizeof buf);
    show("master sees", buf, got);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(m);

    /* the master's close hangs the slave up */
    m = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(m);
    unlockpt(m);
    s = open(ptsname(m), O_RDWR | O_NOCTTY);
    close(m);
    say("slave read after the master closed: %d\n", (int)read(s, buf, sizeof buf));
    expect_err(write(s, "x", 1), EIO, "slave write after the master closed");
    close(s);

    /* /dev/tty outlives its pair: it stays hung up, even when a new pair
     * is made meanwhile (which must not receive what it writes) */
    m = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(m);
    unlockpt(m);
    snprintf(name, sizeof name, "%s", ptsname(m));
    int to_child[2], to_parent[2];
    if (pipe(to_child) < 0 || pipe(to_parent) < 0)
        return 2;
    pid = fork();
    if (pid == 0) {
        close(m);                   /* the parent's close must be the last */
        signal(SIGHUP, SIG_IGN);
        setsid();
        int ss = open(name, O_RDWR);
        if (ss < 0 || ioctl(ss, TIOCSCTTY, 0) < 0)
            _exit(2);
        int tty = open("/dev/tty", O_RDWR);
        close(ss);
        char k = tty >= 0 ? 'T' : 't';
        if (write(to_parent[1], &k, 1) != 1 || read(to_child[0], &k, 1) != 1)
            _exit(2);
        expect_err(write(tty, "x", 1), EIO, "/dev/tty write once its pair is gone");
        char b[4];
        say("/dev/tty read once its pair is gone: %d\n", (int)read(tty, b, sizeof b));
        close(tty);
        _exit(gt_failures ? 1 : 0);
    }
    c = 0;
    read(to_parent[0], &c, 1);
    say("child opened /dev/tty and closed the slave: %s\n", c == 'T' ? "yes" : "no");
    close(m);
    int m2 = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    grantpt(m2);
    unlockpt(m2);
    write(to_child[1], &c, 1);
    int cst;
    waitpid(pid, &cst, 0);
    say("that child %s\n", status_str(cst));
    expect_err(read(m2, buf, sizeof buf), EAGAIN, "the new pair's master got nothing");
    close(m2);
    gt_exit();
}
