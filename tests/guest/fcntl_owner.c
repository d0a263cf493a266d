/* fcntl's owner and signal commands, and the pipe-size ones, compared with
 * Linux:
 *  - F_GETOWN of a new file is 0, F_GETOWN_EX says F_OWNER_TID with pid 0;
 *  - F_SETOWN with a pid makes it the owner (F_OWNER_PID), with a negative
 *    number the process group (F_OWNER_PGRP, F_GETOWN negative), 0 clears
 *    it; F_SETOWN_EX sets each type (F_OWNER_TID for a thread); the owner
 *    belongs to the open file: a dup and a fork child see it;
 *  - an owner that has exited and been reaped reads back as 0;
 *  - errors: a pid that names nothing ESRCH, an unknown F_SETOWN_EX type
 *    EINVAL, bad pointers EFAULT, a closed descriptor EBADF;
 *  - F_SETSIG/F_GETSIG keep a signal number (0 by default; 65 is EINVAL);
 *  - F_GETPIPE_SZ/F_SETPIPE_SZ on a pipe (rounded up to pages), EBADF on a
 *    regular file.
 * Guards against: F_GETOWN always 0, F_SETOWN_EX refused, the owner kept
 * per descriptor instead of per open file. */
#include "gt.h"
#include <sys/syscall.h>

#ifndef F_SETSIG
#define F_SETSIG 10
#define F_GETSIG 11
#endif

static void show_ex(int fd, const char *what)
{
    struct f_owner_ex o = { .type = -1, .pid = -1 };
    if (fcntl(fd, F_GETOWN_EX, &o) < 0) {
        say("%s: F_GETOWN_EX -1 %s\n", what, errname(errno));
        return;
    }
    const char *type = o.type == F_OWNER_TID ? "TID" : o.type == F_OWNER_PID ? "PID" : o.type == F_OWNER_PGRP ? "PGRP" : "?";
    const char *pid = o.pid == 0 ? "0" : o.pid == getpid() ? "getpid" : o.pid == getpgrp() ? "getpgrp"
                    : o.pid == syscall(SYS_gettid) ? "gettid" : "other";
    say("%s: F_GETOWN_EX type %s pid %s\n", what, type, pid);
}

static const char *rel(long v)
{
    return v == 0 ? "0" : v == getpid() ? "getpid" : v == -getpgrp() ? "-getpgrp" : v < 0 ? errname(errno) : "other";
}

int main(void)
{
    int p[2];
    pipe(p);
    say("new pipe: F_GETOWN %s\n", rel(fcntl(p[0], F_GETOWN)));
    show_ex(p[0], "new pipe");
    expect(setpgid(0, 0) == 0, "own process group");

    expect(fcntl(p[0], F_SETOWN, getpid()) == 0, "F_SETOWN getpid");
    say("F_GETOWN %s\n", rel(fcntl(p[0], F_GETOWN)));
    show_ex(p[0], "after it");
    int d = dup(p[0]);
    say("on a dup: F_GETOWN %s\n", rel(fcntl(d, F_GETOWN)));
    say("other end: F_GETOWN %s\n", rel(fcntl(p[1], F_GETOWN)));
    pid_t c = fork();
    if (c == 0)
        _exit(fcntl(p[0], F_GETOWN) == getppid() ? 0 : 1);
    int st;
    waitpid(c, &st, 0);
    say("fork child sees the parent as owner: %s\n", status_str(st));

    expect(fcntl(p[0], F_SETOWN, -getpgrp()) == 0, "F_SETOWN -getpgrp");
    say("F_GETOWN %s\n", rel(fcntl(p[0], F_GETOWN)));
    show_ex(p[0], "after it");
    expect(fcntl(p[0], F_SETOWN, 0) == 0, "F_SETOWN 0");
    say("F_GETOWN %s\n", rel(fcntl(p[0], F_GETOWN)));
    show_ex(p[0], "after it");

    struct f_owner_ex o = { F_OWNER_TID, (pid_t)syscall(SYS_gettid) };
    expect(fcntl(p[0], F_SETOWN_EX, &o) == 0, "F_SETOWN_EX TID gettid");
    show_ex(p[0], "after it");
    o = (struct f_owner_ex){ F_OWNER_PGRP, getpgrp() };
    expect(fcntl(p[0], F_SETOWN_EX, &o) == 0, "F_SETOWN_EX PGRP getpgrp");
    say("F_GETOWN %s\n", rel(fcntl(p[0], F_GETOWN)));
    show_ex(p[0], "after it");
    o = (struct f_owner_ex){ F_OWNER_PID, getpid() };
    expect(fcntl(p[0], F_SETOWN_EX, &o) == 0, "F_SETOWN_EX PID getpid");
    show_ex(p[0], "after it");

    /* an owner that is gone */
    c = fork();
    if (c == 0) {
        pause();
        _exit(0);
    }
    expect(fcntl(p[0], F_SETOWN, c) == 0, "F_SETOWN a child");
    say("F_GETOWN is the child: %s\n", fcntl(p[0], F_GETOWN) == c ? "yes" : "no");
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    say("after it is reaped: F_GETOWN %s\n", rel(fcntl(p[0], F_GETOWN)));

    say("-- errors\n");
    expect_err(fcntl(p[0], F_SETOWN, 0x3ffffff0), ESRCH, "F_SETOWN of no process");
    expect_err(fcntl(p[0], F_SETOWN, -0x3ffffff0), ESRCH, "F_SETOWN of no group");
    o = (struct f_owner_ex){ 3, getpid() };
    expect_err(fcntl(p[0], F_SETOWN_EX, &o), EINVAL, "F_SETOWN_EX type 3");
    o = (struct f_owner_ex){ F_OWNER_PID, 0x3ffffff0 };
    expect_err(fcntl(p[0], F_SETOWN_EX, &o), ESRCH, "F_SETOWN_EX of no process");
    expect_err(fcntl(p[0], F_SETOWN_EX, BAD_PTR), EFAULT, "F_SETOWN_EX from a bad pointer");
    expect_err(fcntl(p[0], F_GETOWN_EX, BAD_PTR), EFAULT, "F_GETOWN_EX to a bad pointer");
    expect_err(fcntl(99, F_GETOWN), EBADF, "F_GETOWN of a closed descriptor");
    expect_err(fcntl(99, F_SETOWN, getpid()), EBADF, "F_SETOWN of a closed descriptor");
    expect_err(fcntl(99, F_GETOWN_EX, &o), EBADF, "F_GETOWN_EX of a closed descriptor");

    say("-- F_SETSIG\n");
    say("F_GETSIG of a new file: %d\n", fcntl(p[1], F_GETSIG));
    expect(fcntl(p[1], F_SETSIG, SIGUSR1) == 0, "F_SETSIG SIGUSR1");
    say("F_GETSIG: %s\n", fcntl(p[1], F_GETSIG) == SIGUSR1 ? "SIGUSR1" : "other");
    expect_err(fcntl(p[1], F_SETSIG, 65), EINVAL, "F_SETSIG 65");
    expect(fcntl(p[1], F_SETSIG, 0) == 0 && fcntl(p[1], F_GETSIG) == 0, "F_SETSIG 0 restores the default");

    say("-- pipe sizes\n");
    say("F_GETPIPE_SZ: %d\n", fcntl(p[0], F_GETPIPE_SZ));
    say("F_SETPIPE_SZ 5000: %d\n", fcntl(p[1], F_SETPIPE_SZ, 5000));
    say("F_GETPIPE_SZ of the other end: %d\n", fcntl(p[0], F_GETPIPE_SZ));
    int f = open("file", O_CREAT | O_RDWR, 0644);
    expect_err(fcntl(f, F_GETPIPE_SZ), EBADF, "F_GETPIPE_SZ of a file");
    expect_err(fcntl(f, F_SETPIPE_SZ, 4096), EBADF, "F_SETPIPE_SZ of a file");
    expect(fcntl(f, F_SETOWN, getpid()) == 0 && fcntl(f, F_GETOWN) == getpid(), "a regular file has an owner too");
    gt_exit();
}
