/* gt-side: guest-only.  Inside Tessera the test driver is pid 1 and there
 * is no subreaper, so an orphan must be re-parented to exactly pid 1.  On a
 * Linux host the new parent depends on the session (systemd, a container
 * init or a subreaper), so this test does not run there; the runner judges
 * it by its exit status in the guest alone.
 *
 * A child forks a grandchild and exits; the grandchild waits until its
 * parent changes and reports whether the new parent is pid 1. */
#include "gt.h"

int main(void)
{
    expect(getpid() != 1, "the test itself is not pid 1");
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        pid_t mid = getpid();
        if (fork() == 0) {
            for (int i = 0; i < 500 && getppid() == mid; i++)
                usleep(10000);
            char r = getppid() == 1 ? 'y' : 'n';
            write(p[1], &r, 1);
            _exit(0);
        }
        _exit(0);
    }
    close(p[1]);
    waitpid(c, NULL, 0);
    char r = '?';
    read(p[0], &r, 1);
    expect(r == 'y', "orphan re-parented to pid 1");
    gt_exit();
}
