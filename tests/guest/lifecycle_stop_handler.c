/* A child stopped inside a signal handler, killed or continued while its
 * parent exits without reaping it.
 *
 * This is the program that panicked Tessera: the child's SIGUSR1 handler
 * does raise(SIGSTOP); the parent sees it stopped (prints "stopped=1"),
 * sends SIGKILL and exits at once without waiting.  The woken child then
 * ran its exit path against a parent that was itself exiting or gone.  The
 * exact program runs first, then its siblings, each many times so that the
 * child's wake-up and the parent's exit meet on different CPUs:
 *   kill-exit      the exact case: SIGKILL, then the parent exits;
 *   exit-kill      the parent exits first, the orphan is killed later by
 *                  another process;
 *   kill-by-sibling
 *                  a sibling sends the SIGKILL while the parent exits;
 *   cont-exit      SIGCONT instead of SIGKILL: the handler returns in an
 *                  orphan, which reports that its parent changed;
 *   exit-cont      the parent exits, the stopped orphan is continued later;
 *   parent-killed  the parent is itself killed by SIGKILL while the child
 *                  is stopped in the handler, then the child is killed;
 *   nested         stopped in a SIGUSR2 handler running inside a SIGUSR1
 *                  handler, then kill-exit;
 * each with the parent's SIGCHLD at SIG_DFL, SIG_IGN, a handler, and a
 * handler with SA_NOCLDSTOP (the dying child reads that disposition).
 * Every orphan holds a pipe, so EOF tells the test it is gone.  At the end
 * the system must still fork, exec and wait. */
#include "lifecycle.h"

enum { KILL_EXIT, EXIT_KILL, KILL_BY_SIBLING, CONT_EXIT, EXIT_CONT, PARENT_KILLED, NESTED, NVAR };
static const char *var_name[] = { "kill-exit", "exit-kill", "kill-by-sibling", "cont-exit", "exit-cont",
                                  "parent-killed", "nested" };
enum { DFL, IGN, HANDLER, NOCLDSTOP, NDISP };
static const char *disp_name[] = { "SIG_DFL", "SIG_IGN", "handler", "SA_NOCLDSTOP" };

static int rep_fd;

static void on_usr1_stop(int s)
{
    (void)s;
    raise(SIGSTOP);
}

static void on_usr2_stop(int s)
{
    (void)s;
    raise(SIGSTOP);
}

static void on_usr1_nest(int s)
{
    (void)s;
    raise(SIGUSR2);
}

static void on_chld(int s) { (void)s; }

/* The child: handler(s) installed, SIGUSR1 raised at itself; after the
 * handler returns (only when continued) it reports whether its parent
 * changed and exits 0. */
static void child(pid_t parent, int nested)
{
    struct sigaction sa = { .sa_handler = nested ? on_usr1_nest : on_usr1_stop };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_usr2_stop;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR1);
    /* continued: the parent exits about now; wait (bounded) until it has */
    for (int i = 0; i < 500 && getppid() == parent; i++)
        lc_msleep(10);
    char r = getppid() != parent && getppid() != 0 ? 'p' : 'n';
    lc_putc(rep_fd, r);
    _exit(0);
}

static void set_chld(int disp)
{
    struct sigaction sa = { .sa_handler = SIG_DFL };
    sigemptyset(&sa.sa_mask);
    if (disp == IGN)
        sa.sa_handler = SIG_IGN;
    if (disp == HANDLER || disp == NOCLDSTOP)
        sa.sa_handler = on_chld;
    if (disp == NOCLDSTOP)
        sa.sa_flags = SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
}

/* The parent P: forks the child, sees it stopped, then does its part of
 * the variant and exits without reaping.  It sends the child's pid to the
 * test over pidw.  Returns P's exit status (never returns for most). */
static void parent(int var, int disp, int pidw, int exact)
{
    set_chld(disp);
    pid_t me = getpid();
    pid_t c = fork();
    if (c == 0)
        child(me, var == NESTED);
    if (c < 0)
        _exit(2);
    int st;
    pid_t w;
    do
        w = waitpid(c, &st, WUNTRACED);
    while (w < 0 && errno == EINTR);
    int stopped = w == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP;
    if (exact) {
        say("stopped=%d\n", stopped);
    }
    write(pidw, &c, sizeof c);
    switch (var) {
    case KILL_EXIT:
    case NESTED:
        kill(c, SIGKILL);
        break;
    case KILL_BY_SIBLING:
        if (fork() == 0) {
            kill(c, SIGKILL);
            _exit(0);
        }
        break;
    case CONT_EXIT:
        kill(c, SIGCONT);
        break;
    case PARENT_KILLED:
        for (;;)
            pause();        /* the test kills us */
    default:
        break;
    }
    _exit(stopped ? 0 : 1);
}

/* One run of a variant; returns 1 if everything was as expected.  Prints
 * details when not quiet. */
static int run(int var, int disp, int exact)
{
    int rep[2], pids[2];
    lc_pipe(rep);
    lc_pipe(pids);
    pid_t p = lc_fork();
    if (p == 0) {
        close(rep[0]);
        close(pids[0]);
        rep_fd = rep[1];
        parent(var, disp, pids[1], exact);
    }
    close(rep[1]);
    close(pids[1]);
    pid_t c = 0;
    int ok = 1;
    int got = lc_read(pids[0], &c, sizeof c);
    if (got != sizeof c) {
        lc_expect(0, "the parent reported the child's pid");
        ok = 0;
    }
    if (var == PARENT_KILLED && p > 0)
        kill(p, SIGKILL);
    int st;
    lc_wait(p, &st, 0, "waiting for the parent");
    const char *want = var == PARENT_KILLED ? "killed by SIGKILL" : "exited 0";
    char what[96];
    snprintf(what, sizeof what, "%s/%s: parent saw the child stopped, then", var_name[var], disp_name[disp]);
    ok &= lc_is(what, lc_st(st), want);

    /* the orphan: kill it, continue it, or it is already being killed */
    if (c > 0) {
        if (var == EXIT_KILL || var == PARENT_KILLED)
            kill(c, SIGKILL);
        if (var == EXIT_CONT)
            kill(c, SIGCONT);
    }
    char r = lc_getc(rep[0]);
    int cont = var == CONT_EXIT || var == EXIT_CONT;
    snprintf(what, sizeof what, "%s/%s: the orphan's report", var_name[var], disp_name[disp]);
    if (cont) {
        ok &= lc_is(what, r == 'p' ? "handler returned, parent changed" :
                          r == 'n' ? "handler returned, same parent" :
                          r == 'E' ? "gone without a report" : "timed out",
                    "handler returned, parent changed");
        r = lc_getc(rep[0]);
    }
    snprintf(what, sizeof what, "%s/%s: the orphan is gone", var_name[var], disp_name[disp]);
    ok &= lc_is(what, r == 'E' ? "yes" : r == 'T' ? "timed out" : "it reported", "yes");
    if (r == 'T' && c > 0) {
        kill(c, SIGKILL);
        lc_getc(rep[0]);
    }
    close(rep[0]);
    close(pids[0]);
    return ok;
}

int main(void)
{
    lc_init();
    /* the exact program, once, printing what it printed */
    run(KILL_EXIT, DFL, 1);

    const int reps = 50;
    for (int var = 0; var < NVAR; var++) {
        for (int disp = 0; disp < NDISP; disp++) {
            int before = lc_timeouts;
            lc_quiet = 0;
            lc_iter = 0;
            run(var, disp, 0);
            lc_quiet = 1;
            for (lc_iter = 1; lc_iter < reps && lc_timeouts == before; lc_iter++)
                run(var, disp, 0);
        }
    }
    lc_quiet = 0;
    lc_no_children("no child left", 0);

    /* the system still works: fork, exec, wait */
    pid_t c = lc_fork();
    if (c == 0) {
        char *argv[] = { "true", NULL };
        execve("/bin/busybox", argv, NULL);
        _exit(127);
    }
    int st;
    lc_wait(c, &st, 0, "fork+exec afterwards");
    lc_is("afterwards: fork+exec+wait of busybox true", lc_st(st), "exited 0");
    gt_exit();
}
