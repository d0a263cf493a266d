/* fork() returns twice: 0 in the child and the child's pid in the parent.
 * The child reports its own getpid() and getppid() through a pipe so the
 * parent can check the relations without printing any pid.  Also checks
 * that the child runs with a copy of the parent's memory (a value set
 * before fork is visible, a change after fork is not shared). */
#include "gt.h"

struct report { pid_t self, parent; int seen; };

int main(void)
{
    int fds[2];
    int value = 41;
    pid_t me = getpid();
    if (pipe(fds) != 0)
        return 2;
    value++;
    pid_t rc = fork();
    if (rc < 0) {
        say("fork failed: %s\n", errname(errno));
        return 1;
    }
    if (rc == 0) {
        struct report r = { getpid(), getppid(), value };
        value = 1000;                       /* must not reach the parent */
        close(fds[0]);
        write(fds[1], &r, sizeof r);
        _exit(0);
    }
    close(fds[1]);
    struct report r;
    ssize_t n = read(fds[0], &r, sizeof r);
    expect(n == (ssize_t)sizeof r, "child sent its report");
    expect(rc > 0, "fork returned > 0 in the parent");
    expect(r.self == rc, "child getpid == fork's return in parent");
    expect(r.self != me, "child pid differs from parent pid");
    expect(r.parent == me, "child getppid == parent getpid");
    expect(r.seen == 42, "child saw the value set before fork");
    int st;
    expect(waitpid(rc, &st, 0) == rc, "waitpid returned the child");
    say("child status: %s\n", status_str(st));
    expect(value == 42, "child's later write stayed in the child");
    expect(getpid() == me, "parent pid unchanged");
    gt_exit();
}
