/* Process groups and sessions: a child starts in its parent's group and
 * session; setpgid(0, 0) makes it a group leader (pgid == pid); the parent
 * can move a child into that group; setsid in a group leader is EPERM but
 * works in a non-leader, making it leader of a new session and group;
 * kill(-pgid) signals the whole group. */
#include "gt.h"

int main(void)
{
    pid_t me = getpid();
    int p[2];
    pipe(p);
    pid_t a = fork();
    if (a == 0) {
        int same = getpgrp() == getpgid(me) && getsid(0) == getsid(me);
        setpgid(0, 0);
        int leader = getpgrp() == getpid();
        errno = 0;
        int r = setsid();
        char out[3] = { same ? 'y' : 'n', leader ? 'y' : 'n', r < 0 && errno == EPERM ? 'y' : 'n' };
        write(p[1], out, 3);
        for (;;)
            pause();
    }
    char r[3];
    read(p[0], r, 3);
    say("child in parent's group and session: %c\n", r[0]);
    say("setpgid(0,0) made it a leader: %c\n", r[1]);
    say("setsid as group leader is EPERM: %c\n", r[2]);

    pid_t b = fork();
    if (b == 0) {
        for (;;)
            pause();
    }
    expect(setpgid(b, a) == 0, "parent moves the second child into the first's group");
    expect(getpgid(b) == a, "second child's pgid is the first child's pid");
    expect(kill(-a, SIGTERM) == 0, "kill(-pgid, SIGTERM)");
    int st;
    waitpid(a, &st, 0);
    say("first: %s\n", status_str(st));
    waitpid(b, &st, 0);
    say("second: %s\n", status_str(st));

    pid_t c = fork();
    if (c == 0) {
        pid_t s = setsid();
        _exit(s == getpid() && getsid(0) == getpid() && getpgrp() == getpid() ? 0 : 1);
    }
    waitpid(c, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "setsid in a non-leader child makes a new session");
    expect_err(kill(-99999, SIGTERM), ESRCH, "kill of a missing group");
    gt_exit();
}
