/* A child that exited is a zombie until its parent waits: kill(pid, 0)
 * still succeeds (the pid exists), and waitpid collects its status; after
 * that the pid is gone and kill(pid, 0) fails with ESRCH.  The parent
 * knows the child has exited (not merely closed its descriptors) because
 * it waits for SIGCHLD first.  Also: several zombies are all reaped by
 * wait(), each exactly once. */
#include "gt.h"

static volatile sig_atomic_t got;
static void on_chld(int sig) { (void)sig; got = 1; }

int main(void)
{
    signal(SIGCHLD, on_chld);
    sigset_t block, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, NULL);

    pid_t c = fork();
    if (c == 0)
        _exit(3);
    while (!got)
        sigsuspend(&empty);
    expect(kill(c, 0) == 0, "kill(pid, 0) on the zombie succeeds");
    usleep(100000);
    expect(kill(c, 0) == 0, "still a zombie later");
    int st;
    expect(waitpid(c, &st, 0) == c, "waitpid reaps it");
    say("status: %s\n", status_str(st));
    expect_err(kill(c, 0), ESRCH, "kill(pid, 0) after reaping");
    expect_err(kill(c, SIGKILL), ESRCH, "kill(pid, SIGKILL) after reaping");

    /* Five zombies, reaped in any order, each once. */
    pid_t kids[5];
    for (int i = 0; i < 5; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            _exit(10 + i);
    }
    int seen = 0, sum = 0;
    pid_t w;
    while ((w = wait(&st)) > 0) {
        for (int i = 0; i < 5; i++)
            if (kids[i] == w) {
                seen |= 1 << i;
                sum += WEXITSTATUS(st);
            }
    }
    say("reaped mask=0x%x sum of codes=%d, then wait: %s\n", seen, sum, errname(errno));
    gt_exit();
}
