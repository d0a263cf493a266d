/* Nice values through Linux's calls (what busybox renice and nice(3) use):
 * setpriority/getpriority round trip for the caller and for a child by pid,
 * nice(3) adding to the value, clamping to 19, inheritance across fork,
 * PRIO_PGRP reaching the caller's group, ESRCH for a pid nobody has and
 * EINVAL for an unknown `which`.  Lowering nice needs privilege on Linux:
 * the tests run as root on both sides. */
#include "gt.h"

int main(void)
{
    errno = 0;
    getpriority(PRIO_PROCESS, 0);       /* the starting value is the harness's */
    expect(errno == 0, "getpriority(self) succeeds");

    expect(setpriority(PRIO_PROCESS, 0, 5) == 0, "setpriority(self, 5)");
    say("nice now: %d\n", getpriority(PRIO_PROCESS, 0));
    errno = 0;
    int r = nice(2);
    say("nice(2) returns %d (errno %s)\n", r, errname(errno));
    say("getpriority after nice(2): %d\n", getpriority(PRIO_PROCESS, getpid()));

    expect(setpriority(PRIO_PROCESS, 0, 100) == 0, "setpriority(self, 100) is clamped");
    say("nice after 100: %d\n", getpriority(PRIO_PROCESS, 0));
    expect(setpriority(PRIO_PROCESS, 0, 12) == 0, "setpriority(self, 12) (lowering needs privilege: root here)");

    int fds[2], back[2];
    if (pipe(fds) || pipe(back))
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        say("child inherits nice: %d\n", getpriority(PRIO_PROCESS, 0));
        write(back[1], "r", 1);
        read(fds[0], &c, 1);        /* parent renices us meanwhile */
        say("child sees nice: %d\n", getpriority(PRIO_PROCESS, 0));
        _exit(0);
    }
    char c;
    read(back[0], &c, 1);
    expect(setpriority(PRIO_PROCESS, pid, 15) == 0, "setpriority(child pid, 15)");
    say("getpriority(child pid): %d\n", getpriority(PRIO_PROCESS, pid));
    write(fds[1], "x", 1);
    int st;
    waitpid(pid, &st, 0);
    say("child: %s\n", status_str(st));

    /* PRIO_PGRP in a group of our own, so the harness is not reniced */
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        expect(setpriority(PRIO_PGRP, 0, 13) == 0, "setpriority(PRIO_PGRP, own group, 13)");
        say("nice after PRIO_PGRP: %d, getpriority(PRIO_PGRP): %d\n", getpriority(PRIO_PROCESS, 0),
            getpriority(PRIO_PGRP, 0));
        _exit(gt_failures);
    }
    waitpid(pid, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "PRIO_PGRP child ok");

    errno = 0;
    expect_err(setpriority(PRIO_PROCESS, 0x7ffffff0, 1), ESRCH, "setpriority(no such pid)");
    errno = 0;
    r = getpriority(PRIO_PROCESS, 0x7ffffff0);
    say("getpriority(no such pid): %d %s\n", r, errname(errno));
    expect_err(setpriority(7, 0, 1), EINVAL, "setpriority(which=7)");
    errno = 0;
    r = getpriority(7, 0);
    say("getpriority(which=7): %d %s\n", r, errname(errno));
    gt_exit();
}
