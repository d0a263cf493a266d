/* wait with nothing to wait for: ECHILD from wait(), waitpid(-1) and
 * waitpid(WNOHANG) when the process has no children, from waitpid on a pid
 * that is not our child (our parent), and after the only child was reaped.
 * A grandchild is not a child: waiting for it gives ECHILD too.  waitid
 * checks its options first: naming no state to wait for (no WEXITED,
 * WSTOPPED or WCONTINUED) is EINVAL even with no children. */
#include "gt.h"

int main(void)
{
    int st;
    expect_err(wait(&st), ECHILD, "wait with no children");
    expect_err(waitpid(-1, &st, 0), ECHILD, "waitpid(-1) with no children");
    expect_err(waitpid(-1, &st, WNOHANG), ECHILD, "waitpid(-1, WNOHANG) with no children");
    expect_err(waitpid(getppid(), &st, 0), ECHILD, "waitpid on our parent");
    siginfo_t si;
    expect_err(waitid(P_ALL, 0, &si, WEXITED | WNOHANG), ECHILD, "waitid(P_ALL, WEXITED|WNOHANG) with no children");
    expect_err(waitid(P_ALL, 0, &si, WNOHANG), EINVAL, "waitid(P_ALL, WNOHANG) with no children");

    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        pid_t g = fork();
        if (g == 0) {
            pause();
            _exit(0);
        }
        write(p[1], &g, sizeof g);
        int s;
        waitpid(g, &s, 0);        /* killed by the grandparent below */
        _exit(0);
    }
    close(p[1]);
    pid_t g;
    read(p[0], &g, sizeof g);
    expect_err(waitpid(g, &st, WNOHANG), ECHILD, "waitpid on a grandchild");
    kill(g, SIGKILL);
    expect(waitpid(c, &st, 0) == c, "child reaped");
    expect_err(waitpid(c, &st, 0), ECHILD, "waitpid on the reaped child");
    expect_err(wait(&st), ECHILD, "wait after the only child was reaped");
    gt_exit();
}
