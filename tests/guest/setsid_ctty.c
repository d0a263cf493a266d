/* setsid and the controlling terminal.  A new session leader takes a
 * terminal with TIOCSCTTY: it reports the leader's session (TIOCGSID) and
 * foreground group, and /dev/tty opens for the session's members.  A member
 * that calls setsid leaves that terminal: /dev/tty is ENXIO for it, TIOCGSID,
 * TIOCGPGRP and TIOCSPGRP on its open descriptor are ENOTTY, and TIOCSCTTY
 * is EPERM (the terminal belongs to the old session).  The old session keeps
 * the terminal and its foreground group.
 *
 * The terminal is a pseudo-terminal where there are some (Linux); without
 * them (Tessera) it is the console, which nothing else controls during the
 * guest run.  The behaviour is the same for both. */
#include "gt.h"
#include <sys/ioctl.h>
#include <termios.h>

/* A terminal opened without becoming the controlling one, or -1. */
static int open_terminal(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m >= 0) {
        char *name = grantpt(m) == 0 && unlockpt(m) == 0 ? ptsname(m) : NULL;
        return name ? open(name, O_RDWR | O_NOCTTY) : -1;   /* the master stays open */
    }
    return open("/dev/console", O_RDWR | O_NOCTTY);
}

/* "yes", or the errno name of the failure. */
static const char *opens_devtty(void)
{
    int fd = open("/dev/tty", O_RDWR);
    if (fd < 0)
        return errname(errno);
    close(fd);
    return "yes";
}

static const char *err_of(int r)
{
    return r < 0 ? errname(errno) : "succeeded";
}

/* A member of the leader's session leaves it with setsid. */
static void member(int tty, pid_t leader)
{
    say("member: /dev/tty opens: %s\n", opens_devtty());
    expect(tcgetsid(tty) == leader, "member: TIOCGSID is the leader's session");
    expect(setsid() == getpid(), "member: setsid makes a new session");
    say("member after setsid: /dev/tty: %s\n", opens_devtty());
    say("member after setsid: TIOCGSID: %s\n", err_of(tcgetsid(tty)));
    say("member after setsid: TIOCGPGRP: %s\n", err_of(tcgetpgrp(tty)));
    say("member after setsid: TIOCSPGRP: %s\n", err_of(tcsetpgrp(tty, getpid())));
    say("member after setsid: TIOCSCTTY: %s\n", err_of(ioctl(tty, TIOCSCTTY, 0)));
}

static void leader(void)
{
    expect(setsid() == getpid(), "leader: setsid makes a new session");
    say("leader without a terminal: /dev/tty: %s\n", opens_devtty());
    int tty = open_terminal();
    if (!expect(tty >= 0, "leader: a terminal opens"))
        return;
    say("leader: TIOCGSID before TIOCSCTTY: %s\n", err_of(tcgetsid(tty)));
    expect(ioctl(tty, TIOCSCTTY, 0) == 0, "leader: TIOCSCTTY takes it");
    expect(tcgetsid(tty) == getpid(), "leader: TIOCGSID is its session");
    expect(tcgetpgrp(tty) == getpid(), "leader: its group is the foreground");
    say("leader: /dev/tty opens: %s\n", opens_devtty());

    pid_t m = fork();
    if (m == 0) {
        member(tty, getppid());
        _exit(gt_failures ? 1 : 0);
    }
    int st;
    waitpid(m, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "member's checks held");
    expect(tcgetsid(tty) == getpid(), "leader: the terminal is still its session's");
    expect(tcgetpgrp(tty) == getpid(), "leader: the foreground group is unchanged");
    say("leader: /dev/tty still opens: %s\n", opens_devtty());
}

int main(void)
{
    say("test process: /dev/tty: %s\n", opens_devtty());
    pid_t l = fork();
    if (l == 0) {
        leader();
        _exit(gt_failures ? 1 : 0);
    }
    int st;
    waitpid(l, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "leader's checks held");
    gt_exit();
}
