/* Signal dispositions across fork and exec.  fork keeps everything:
 * handlers, ignored signals and the blocked mask.  exec keeps ignored
 * signals ignored and keeps the blocked mask (and pending signals), but
 * resets caught signals to SIG_DFL, since the handler's code is gone. */
#include "gt.h"

static void handler(int sig) { (void)sig; }

static const char *disp(int sig)
{
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) != 0)
        return errname(errno);
    if (sa.sa_handler == SIG_IGN)
        return "ignored";
    if (sa.sa_handler == SIG_DFL)
        return "default";
    return "handler";
}

static int show(const char *who)
{
    sigset_t mask, pend;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    sigpending(&pend);
    say("%s: SIGUSR1 %s, SIGUSR2 %s, SIGINT %s, SIGTERM blocked=%d, "
        "SIGHUP blocked=%d pending=%d\n", who, disp(SIGUSR1), disp(SIGUSR2),
        disp(SIGINT), sigismember(&mask, SIGTERM), sigismember(&mask, SIGHUP),
        sigismember(&pend, SIGHUP));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--show"))
        return show("after exec");

    /* SIGINT starts at its default whatever the launcher left it at (a
     * job started in the background of a script inherits it ignored). */
    signal(SIGINT, SIG_DFL);
    signal(SIGUSR1, SIG_IGN);
    struct sigaction sa = { .sa_handler = handler };
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGTERM);
    sigaddset(&m, SIGHUP);
    sigprocmask(SIG_BLOCK, &m, NULL);
    show("parent");

    pid_t c = fork();
    if (c == 0) {
        show("after fork");
        raise(SIGHUP);            /* blocked: stays pending across exec */
        execv(argv[0], (char *[]){ argv[0], "--show", NULL });
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    say("child: %s\n", status_str(st));
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec'd image exited 0");

    /* An ignored SIGUSR1 really is ignored by the exec'd image. */
    c = fork();
    if (c == 0) {
        execv("/bin/busybox", (char *[]){ "sleep", "1", NULL });
        _exit(127);
    }
    kill(c, SIGUSR1);
    waitpid(c, &st, 0);
    say("busybox sleep sent an ignored SIGUSR1: %s\n", status_str(st));
    gt_exit();
}
