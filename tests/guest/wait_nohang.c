/* waitpid(WNOHANG) returns 0 while a child is still running, and the pid
 * once it has exited.  The child blocks reading a pipe the parent holds,
 * so it cannot exit before the parent lets it.  Also: WNOHANG for a
 * specific pid and for -1, and a second WNOHANG after reaping gives
 * ECHILD. */
#include "gt.h"

int main(void)
{
    int go[2];
    pipe(go);
    pid_t c = fork();
    if (c == 0) {
        close(go[1]);
        char b;
        read(go[0], &b, 1);       /* blocks until the parent writes */
        _exit(5);
    }
    close(go[0]);
    int st = 12345;
    expect(waitpid(c, &st, WNOHANG) == 0, "WNOHANG on the running child returns 0");
    expect(st == 12345 || st == 0, "status not filled with a real status");
    expect(waitpid(-1, &st, WNOHANG) == 0, "WNOHANG on any child returns 0");
    write(go[1], "x", 1);
    close(go[1]);
    /* Poll until the child has exited; give it up to ~10 s. */
    pid_t w = 0;
    for (int i = 0; i < 1000 && w == 0; i++) {
        w = waitpid(c, &st, WNOHANG);
        if (w == 0)
            usleep(10000);
    }
    expect(w == c, "WNOHANG returns the pid once the child exited");
    say("status: %s\n", status_str(st));
    errno = 0;
    expect_err(waitpid(-1, &st, WNOHANG), ECHILD, "WNOHANG with no children left");
    gt_exit();
}
