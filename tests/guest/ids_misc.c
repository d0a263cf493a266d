/* Process identity and small queries: getpid > 0 and stable, gettid ==
 * getpid in a single-threaded process, getppid of a child is us, the uid
 * and gid getters agree with their effective versions, uname fills every
 * field, sched_yield and getpriority work, umask returns the previous
 * mask, and kill(getpid(), 0) succeeds. */
#include "gt.h"
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

int main(void)
{
    pid_t me = getpid();
    expect(me > 0, "getpid > 0");
    expect(getpid() == me, "getpid is stable");
    expect(syscall(SYS_gettid) == me, "gettid == getpid");
    expect(getppid() > 0, "getppid > 0");
    expect(getuid() == geteuid() && getgid() == getegid(), "real ids == effective ids");
    struct utsname u;
    expect(uname(&u) == 0, "uname");
    expect(u.sysname[0] && u.release[0] && u.machine[0] && u.nodename[0], "uname fields are filled");
    say("machine: %s\n", u.machine);
    expect(sched_yield() == 0, "sched_yield");
    errno = 0;
    getpriority(PRIO_PROCESS, 0);
    expect(errno == 0, "getpriority");
    umask(027);
    say("umask returns previous: %03o\n", umask(022));
    expect(kill(me, 0) == 0, "kill(self, 0)");
    pid_t c = fork();
    if (c == 0)
        _exit(getppid() == me ? 0 : 1);
    int st;
    waitpid(c, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child's getppid is us");
    gt_exit();
}
