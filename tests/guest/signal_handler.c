/* Delivery to a handler installed with sigaction (libc passes SA_RESTORER;
 * returning from the handler goes through rt_sigreturn).  The handler runs
 * once per delivery, gets the signal number and a siginfo (SA_SIGINFO:
 * si_signo, si_code SI_USER for kill and SI_TKILL for raise, si_pid our
 * own pid), and execution resumes right after the interrupted point with
 * registers intact.  SA_RESETHAND resets to SIG_DFL after one delivery;
 * while a handler runs, the same signal is blocked unless SA_NODEFER. */
#include "gt.h"

static volatile sig_atomic_t count, last_sig, last_code, same_pid, nested_blocked;

static void on_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    count++;
    last_sig = sig;
    last_code = si->si_code;
    same_pid = si->si_pid == getpid();
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    nested_blocked = sigismember(&now, sig);
}

static const char *code_name(int c)
{
    return c == SI_USER ? "SI_USER" : c == SI_TKILL ? "SI_TKILL" : "other";
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_info, .sa_flags = SA_SIGINFO };
    expect(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction SIGUSR1");
    struct sigaction back;
    sigaction(SIGUSR1, NULL, &back);
    expect(back.sa_sigaction == on_info && (back.sa_flags & SA_SIGINFO), "sigaction reads back the handler");

    volatile long a = 1111, b = 2222;
    kill(getpid(), SIGUSR1);
    say("after kill: count=%d sig=%d code=%s si_pid is us=%d blocked in handler=%d\n",
        count, last_sig, code_name(last_code), same_pid, nested_blocked);
    expect(a == 1111 && b == 2222, "locals intact after the handler");
    raise(SIGUSR1);
    say("after raise: count=%d code=%s\n", count, code_name(last_code));

    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    say("with SA_NODEFER: count=%d blocked in handler=%d\n", count, nested_blocked);

    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    sigaction(SIGUSR2, NULL, &back);
    say("SA_RESETHAND: count=%d now default=%d\n", count, back.sa_handler == SIG_DFL);

    expect_err(sigaction(SIGKILL, &sa, NULL), EINVAL, "sigaction on SIGKILL");
    expect_err(sigaction(SIGSTOP, &sa, NULL), EINVAL, "sigaction on SIGSTOP");
    expect_err(sigaction(0, &sa, NULL), EINVAL, "sigaction on signal 0");
    expect_err(sigaction(65, &sa, NULL), EINVAL, "sigaction on signal 65");
    expect_err(kill(getpid(), 65), EINVAL, "kill with signal 65");
    gt_exit();
}
