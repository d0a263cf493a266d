/* An orphan is re-parented: a child forks a grandchild and exits; the
 * grandchild's getppid() changes away from its original parent (to pid 1,
 * or to a subreaper on hosts that have one, so only the change is
 * printed) and it keeps running.  The grandchild reports over a pipe. */
#include "gt.h"

int main(void)
{
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        pid_t mid = getpid();
        pid_t g = fork();
        if (g == 0) {
            int before = getppid() == mid;
            while (getppid() == mid)       /* until the middle child dies */
                usleep(10000);
            char r[2] = { before ? 'y' : 'n', getppid() != mid ? 'y' : 'n' };
            write(p[1], r, 2);
            _exit(0);
        }
        usleep(50000);
        _exit(0);                          /* orphans g */
    }
    close(p[1]);
    int st;
    waitpid(c, &st, 0);
    say("middle child: %s\n", status_str(st));
    char r[2] = { '?', '?' };
    ssize_t n = read(p[0], r, 2);
    expect(n == 2, "grandchild reported");
    expect(r[0] == 'y', "grandchild's ppid was the middle child");
    expect(r[1] == 'y', "ppid changed away after the middle child exited");
    gt_exit();
}
