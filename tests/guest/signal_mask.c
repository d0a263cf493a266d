/* A blocked signal stays pending and is delivered when unblocked: before
 * sigprocmask(SIG_UNBLOCK) returns.  Several sends of a standard signal
 * while blocked collapse into one delivery.  SIGKILL and SIGSTOP cannot be
 * blocked (the kernel silently leaves them out of the mask).  A pending
 * signal that becomes ignored is discarded. */
#include "gt.h"

static volatile sig_atomic_t hits;
static void on_usr1(int sig) { (void)sig; hits++; }

int main(void)
{
    signal(SIGUSR1, on_usr1);
    sigset_t m, old, pend;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, &old);
    expect(!sigismember(&old, SIGUSR1), "SIGUSR1 was not blocked before");
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    sigpending(&pend);
    say("while blocked: hits=%d pending=%d\n", hits, sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    say("after unblock: hits=%d\n", hits);
    sigpending(&pend);
    expect(!sigismember(&pend, SIGUSR1), "no longer pending");

    sigfillset(&m);
    sigprocmask(SIG_SETMASK, &m, NULL);
    sigprocmask(SIG_SETMASK, NULL, &old);
    say("fill mask: SIGKILL blocked=%d SIGSTOP blocked=%d SIGUSR2 blocked=%d\n",
        sigismember(&old, SIGKILL), sigismember(&old, SIGSTOP), sigismember(&old, SIGUSR2));

    /* Pending, then ignored: discarded. */
    kill(getpid(), SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    sigpending(&pend);
    say("pending after SIG_IGN: %d\n", sigismember(&pend, SIGUSR1));
    signal(SIGUSR1, on_usr1);
    sigemptyset(&m);
    sigprocmask(SIG_SETMASK, &m, NULL);
    say("hits after unblocking everything: %d\n", hits);

    /* A blocked default-fatal signal kills only once unblocked. */
    pid_t c = fork();
    if (c == 0) {
        sigset_t t;
        sigemptyset(&t);
        sigaddset(&t, SIGTERM);
        sigprocmask(SIG_BLOCK, &t, NULL);
        raise(SIGTERM);
        say("child: survived a blocked SIGTERM\n");
        sigprocmask(SIG_UNBLOCK, &t, NULL);
        say("child: not reached\n");
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    say("child: %s\n", status_str(st));
    gt_exit();
}
