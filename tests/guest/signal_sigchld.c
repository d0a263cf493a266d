/* SIGCHLD arrives when a child exits: the parent blocks SIGCHLD, forks,
 * and sleeps in sigsuspend with SIGCHLD unblocked; the handler's siginfo
 * names the child (si_pid), CLD_EXITED and the exit status.  A child killed
 * by a signal gives CLD_KILLED.  With SIGCHLD's default action (ignore) the
 * child still stays a zombie until waited for. */
#include "gt.h"

static volatile sig_atomic_t got, code, status;
static volatile pid_t from;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)uc;
    got++;
    from = si->si_pid;
    code = si->si_code;
    status = si->si_status;
}

static const char *cld(int c)
{
    return c == CLD_EXITED ? "CLD_EXITED" : c == CLD_KILLED ? "CLD_KILLED" :
           c == CLD_DUMPED ? "CLD_DUMPED" : "other";
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO };
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t block, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, NULL);

    pid_t c = fork();
    if (c == 0)
        _exit(7);
    while (!got)
        sigsuspend(&empty);
    say("exit 7: SIGCHLD count=%d si_pid is child=%d code=%s status=%d\n",
        got, from == c, cld(code), status);
    waitpid(c, NULL, 0);

    got = 0;
    c = fork();
    if (c == 0) {
        for (;;)
            pause();
    }
    kill(c, SIGKILL);
    while (!got)
        sigsuspend(&empty);
    say("SIGKILL: SIGCHLD count=%d si_pid is child=%d code=%s status=%d\n",
        got, from == c, cld(code), status);
    waitpid(c, NULL, 0);
    gt_exit();
}
