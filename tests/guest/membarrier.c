/* membarrier(2), compared with Linux:
 *  - MEMBARRIER_CMD_QUERY lists the commands (the restartable-sequence
 *    ones are masked out: Tessera has no rseq, so it lists none of them);
 *  - the private expedited commands are EPERM before the process has
 *    registered for them, 0 after; registering twice is fine; the global
 *    ones need no registration;
 *  - MEMBARRIER_CMD_GET_REGISTRATIONS lists what the process registered;
 *    a fork child inherits them, an exec forgets them;
 *  - flags other than 0 and unknown commands are EINVAL.
 * (That the barrier orders memory is not checked here: a store-buffering
 * litmus test run from one side does not catch the reordering even on
 * Linux without the barrier.)
 * Run as "NAME registrations" it prints MEMBARRIER_CMD_GET_REGISTRATIONS. */
#include "gt.h"
#include <sys/syscall.h>

enum {
    CMD_QUERY = 0,
    CMD_GLOBAL = 1,
    CMD_GLOBAL_EXPEDITED = 2,
    CMD_REGISTER_GLOBAL_EXPEDITED = 4,
    CMD_PRIVATE_EXPEDITED = 8,
    CMD_REGISTER_PRIVATE_EXPEDITED = 16,
    CMD_PRIVATE_EXPEDITED_SYNC_CORE = 32,
    CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 64,
    CMD_PRIVATE_EXPEDITED_RSEQ = 128,
    CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ = 256,
    CMD_GET_REGISTRATIONS = 512,
};

static long mb(int cmd, unsigned flags) { return syscall(SYS_membarrier, cmd, flags, 0); }

static void show(const char *what, int cmd)
{
    long r = mb(cmd, 0);
    if (r < 0)
        say("%s: -1 %s\n", what, errname(errno));
    else
        say("%s: %ld\n", what, r);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        show("  after exec, GET_REGISTRATIONS", CMD_GET_REGISTRATIONS);
        return 0;
    }
    long q = mb(CMD_QUERY, 0);
    say("QUERY without the rseq commands: %#lx\n", q < 0 ? q : q & ~(long)(CMD_PRIVATE_EXPEDITED_RSEQ | CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ));
    show("GET_REGISTRATIONS", CMD_GET_REGISTRATIONS);
    show("PRIVATE_EXPEDITED unregistered", CMD_PRIVATE_EXPEDITED);
    show("PRIVATE_EXPEDITED_SYNC_CORE unregistered", CMD_PRIVATE_EXPEDITED_SYNC_CORE);
    show("GLOBAL", CMD_GLOBAL);
    show("GLOBAL_EXPEDITED unregistered", CMD_GLOBAL_EXPEDITED);
    show("REGISTER_PRIVATE_EXPEDITED", CMD_REGISTER_PRIVATE_EXPEDITED);
    show("REGISTER_PRIVATE_EXPEDITED again", CMD_REGISTER_PRIVATE_EXPEDITED);
    show("PRIVATE_EXPEDITED", CMD_PRIVATE_EXPEDITED);
    show("PRIVATE_EXPEDITED_SYNC_CORE still", CMD_PRIVATE_EXPEDITED_SYNC_CORE);
    show("GET_REGISTRATIONS", CMD_GET_REGISTRATIONS);
    show("REGISTER_PRIVATE_EXPEDITED_SYNC_CORE", CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE);
    show("PRIVATE_EXPEDITED_SYNC_CORE", CMD_PRIVATE_EXPEDITED_SYNC_CORE);
    show("REGISTER_GLOBAL_EXPEDITED", CMD_REGISTER_GLOBAL_EXPEDITED);
    show("GLOBAL_EXPEDITED", CMD_GLOBAL_EXPEDITED);
    show("GET_REGISTRATIONS", CMD_GET_REGISTRATIONS);

    pid_t p = fork();
    if (p == 0) {
        show("  fork child, GET_REGISTRATIONS", CMD_GET_REGISTRATIONS);
        show("  fork child, PRIVATE_EXPEDITED", CMD_PRIVATE_EXPEDITED);
        execl(argv[0], argv[0], "registrations", (char *)NULL);
        _exit(127);
    }
    waitpid(p, NULL, 0);

    say("-- errors\n");
    expect_err(mb(CMD_QUERY, 1), EINVAL, "QUERY with flags 1");
    expect_err(mb(CMD_PRIVATE_EXPEDITED, 1), EINVAL, "PRIVATE_EXPEDITED with flags 1");
    expect_err(mb(3, 0), EINVAL, "command 3");
    expect_err(mb(1024, 0), EINVAL, "command 1024");
    expect_err(mb(-1, 0), EINVAL, "command -1");

    gt_exit();
}
