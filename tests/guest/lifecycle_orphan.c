/* The parent exits at every point of its child's life; the orphan reports
 * what it saw over a pipe, since its parent is gone.
 *
 * The test forks a parent P, P forks the child C and brings it into a
 * state, then P exits without reaping C.  States: running (spinning),
 * stopped by SIGSTOP, stopped while blocked in read, blocked in read, in
 * nanosleep, in wait4 on its own child, blocked in read inside a signal
 * handler, and a zombie.  The test then releases C (SIGCONT for a stopped
 * C, a byte on a pipe, SIGUSR2 for nanosleep) or kills it, and C reports:
 *   - its parent changed away from P (to init, or to a subreaper on hosts
 *     that have one: only the change is printed);
 *   - it got no SIGHUP (P and C share a process group, so P's exit orphans
 *     no group: the orphaned-group SIGHUP/SIGCONT rule does not apply);
 *   - its blocking call completed normally (no EINTR);
 * and its pipe closes when it is gone.  Also: P dies by SIGKILL instead of
 * exiting; a three-generation chain where the grandchild's parent does not
 * change when P exits, then does when its own parent exits; an orphan can
 * still wait for its own child.  Each case runs several times.
 *
 * Guards against: a task re-parented while stopped or blocked that never
 * wakes, a stale parent pointer (getppid of a dead task, a SIGCHLD sent to
 * freed memory), a spurious SIGHUP, a zombie whose new parent never reaps
 * it (the pipe never closes is not seen, but the system must go on). */
#include "lifecycle.h"

enum { RUNNING, STOPPED, STOPPED_IN_READ, READ, SLEEP, WAIT4, HANDLER_READ, ZOMBIE, NSTATES };
static const char *state_name[] = { "running", "stopped", "stopped-in-read", "read", "nanosleep",
                                    "wait4", "handler-read", "zombie" };

static int ctl_fd, ready_fd;
static volatile sig_atomic_t hups, usr2, handler_done;

static void on_hup(int s) { (void)s; hups++; }
static void on_usr2(int s) { (void)s; usr2 = 1; }
static void on_usr1_read(int s)
{
    (void)s;
    char b;
    lc_putc(ready_fd, 'h');
    handler_done = read(ctl_fd, &b, 1) == 1 ? 1 : 2;
}

/* C: enter the state, tell P ('r' on ready), wait to be released, then
 * report {parent changed, SIGHUPs, result} to the test on rep. */
static void child(int state, pid_t p, int ctl, int ready, int rep)
{
    struct sigaction sa = { .sa_handler = on_hup };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    ctl_fd = ctl;
    ready_fd = ready;
    char b, res = '?';
    switch (state) {
    case RUNNING:
        fcntl(ctl, F_SETFL, O_NONBLOCK);
        lc_putc(ready, 'r');
        for (;;) {
            lc_spin(20000);
            if (read(ctl, &b, 1) == 1)
                break;
        }
        res = 'k';
        break;
    case STOPPED:
        lc_putc(ready, 'r');
        raise(SIGSTOP);
        res = 'k';
        break;
    case STOPPED_IN_READ:
    case READ: {
        lc_putc(ready, 'r');
        ssize_t n = read(ctl, &b, 1);
        res = n == 1 ? 'k' : n < 0 && errno == EINTR ? 'e' : 'x';
        break;
    }
    case SLEEP: {
        sa.sa_handler = on_usr2;
        sigaction(SIGUSR2, &sa, NULL);
        lc_putc(ready, 'r');
        /* released by SIGUSR2, sent until we report (see lc_nudge_*) */
        for (;;) {
            if (usr2) {
                res = 'k';
                break;
            }
            struct timespec ts = { 60, 0 };
            int r = nanosleep(&ts, NULL);
            if (r == 0 || errno != EINTR || !usr2) {
                res = r == 0 ? 'x' : 'e';
                break;
            }
        }
        break;
    }
    case WAIT4: {
        pid_t g = fork();
        if (g == 0) {
            ssize_t n = read(ctl, &b, 1);
            _exit(n == 1 ? 7 : 8);
        }
        lc_putc(ready, 'r');
        int st;
        pid_t w = waitpid(g, &st, 0);
        res = w == g && WIFEXITED(st) && WEXITSTATUS(st) == 7 ? 'k' : w < 0 && errno == EINTR ? 'e' : 'x';
        break;
    }
    case HANDLER_READ: {
        sa.sa_handler = on_usr1_read;
        sigaction(SIGUSR1, &sa, NULL);
        sigset_t usr1, old;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        sigprocmask(SIG_BLOCK, &usr1, &old);    /* SIGUSR1 only inside sigsuspend */
        lc_putc(ready, 'r');
        while (!handler_done)
            sigsuspend(&old);
        res = handler_done == 1 ? 'k' : 'e';
        break;
    }
    case ZOMBIE:
        lc_putc(ready, 'r');
        _exit(0);
    }
    /* released: the parent is gone by now (it exited before the release) */
    char r[3] = { getppid() != p && getppid() != 0 ? 'y' : 'n', (char)('0' + hups), res };
    write(rep, r, 3);
    _exit(0);
}

/* P: start C, bring it into the state, give its pid to the test, exit. */
static void parent(int state, int ctl, int rep, int pidw, int die_by_kill)
{
    int ready[2];
    lc_pipe(ready);
    pid_t me = getpid();
    pid_t c = fork();
    if (c == 0) {
        close(ready[0]);
        child(state, me, ctl, ready[1], rep);
    }
    close(ready[1]);
    if (lc_getc(ready[0]) != 'r')
        _exit(3);
    lc_msleep(2);           /* most likely asleep in its call by now */
    int st;
    switch (state) {
    case STOPPED:
        if (lc_wait(c, &st, WUNTRACED, "P waits for the stop") != c || !WIFSTOPPED(st))
            _exit(4);
        break;
    case STOPPED_IN_READ:
        kill(c, SIGSTOP);
        if (lc_wait(c, &st, WUNTRACED, "P waits for the stop") != c || !WIFSTOPPED(st))
            _exit(4);
        break;
    case HANDLER_READ:
        kill(c, SIGUSR1);
        if (lc_getc(ready[0]) != 'h')
            _exit(5);
        lc_msleep(2);
        break;
    case ZOMBIE: {
        siginfo_t si;
        if (lc_waitid(P_PID, c, &si, WEXITED | WNOWAIT, "P waits for the zombie") < 0)
            _exit(4);
        break;
    }
    }
    write(pidw, &c, sizeof c);
    if (die_by_kill)
        for (;;)
            pause();
    _exit(0);
}

static void run(int state, int die_by_kill)
{
    char what[96];
    int ctl[2], rep[2], pids[2];
    lc_pipe(ctl);
    lc_pipe(rep);
    lc_pipe(pids);
    pid_t p = lc_fork();
    if (p == 0) {
        close(ctl[1]);
        close(rep[0]);
        close(pids[0]);
        parent(state, ctl[0], rep[1], pids[1], die_by_kill);
    }
    close(ctl[0]);
    close(rep[1]);
    close(pids[1]);
    const char *how = die_by_kill ? "parent killed" : "parent exits";
    pid_t c = 0;
    int got = lc_read(pids[0], &c, sizeof c);
    if (die_by_kill)
        kill(p, SIGKILL);
    int st;
    lc_wait(p, &st, 0, "waiting for P");
    snprintf(what, sizeof what, "%s/%s: P", state_name[state], how);
    lc_is(what, lc_st(st), die_by_kill ? "killed by SIGKILL" : "exited 0");
    if (got != sizeof c) {
        lc_expect(0, "P gave the child's pid");
        c = 0;
    }

    /* release the orphan */
    if (c > 0) {
        switch (state) {
        case STOPPED:
            kill(c, SIGCONT);
            break;
        case STOPPED_IN_READ:
            kill(c, SIGCONT);
            lc_putc(ctl[1], 'x');
            break;
        case SLEEP:
            lc_nudge_until_readable(c, SIGUSR2, rep[0]);
            break;
        case ZOMBIE:
            break;
        default:
            lc_putc(ctl[1], 'x');
        }
    }
    close(ctl[1]);
    char r[3] = { '?', '?', '?' };
    int n = state == ZOMBIE ? 0 : lc_read(rep[0], r, 3);
    if (state != ZOMBIE) {
        char desc[64];
        snprintf(desc, sizeof desc, "parent changed=%c, SIGHUPs=%c, call=%s", n == 3 ? r[0] : '?',
                 n == 3 ? r[1] : '?', n != 3 ? "no report" : r[2] == 'k' ? "completed" :
                 r[2] == 'e' ? "EINTR" : "failed");
        snprintf(what, sizeof what, "%s/%s: orphan", state_name[state], how);
        lc_is(what, desc, "parent changed=y, SIGHUPs=0, call=completed");
    }
    char e = lc_eof(rep[0]);
    snprintf(what, sizeof what, "%s/%s: orphan gone", state_name[state], how);
    lc_is(what, e == 'E' ? "yes" : e == 'T' ? "timed out" : "extra output", "yes");
    if (e == 'T' && c > 0) {
        kill(c, SIGKILL);
        lc_eof(rep[0]);
    }
    close(rep[0]);
    close(pids[0]);
}

/* T -> P -> C -> G: when P exits only C's parent changes; when C exits,
 * G's does.  C (an orphan) still waits for G.  Reports over one pipe:
 * G: 'a' parent unchanged after P's exit, 'b' changed after C's exit;
 * C: 'w' reaped G with the right status. */
static void chain(void)
{
    int rep[2], go_c[2], go_g[2];
    lc_pipe(rep);
    lc_pipe(go_c);
    lc_pipe(go_g);
    pid_t p = lc_fork();
    if (p == 0) {
        close(rep[0]);
        close(go_c[1]);
        close(go_g[1]);
        pid_t c = fork();
        if (c == 0) {
            pid_t cme = getpid();
            pid_t g = fork();
            if (g == 0) {
                char b;
                read(go_g[0], &b, 1);            /* P is gone */
                lc_putc(rep[1], getppid() == cme ? 'a' : 'A');
                read(go_g[0], &b, 1);            /* C is about to exit */
                for (int i = 0; i < 500 && getppid() == cme; i++)
                    lc_msleep(10);
                lc_putc(rep[1], getppid() != cme ? 'b' : 'B');
                _exit(0);
            }
            char b;
            read(go_c[0], &b, 1);                /* P is gone */
            int st;
            pid_t w = waitpid(g, &st, WNOHANG);  /* G is alive: 0 */
            lc_putc(rep[1], w == 0 ? 'n' : 'N');
            read(go_c[0], &b, 1);                /* exit now, orphaning G */
            _exit(0);
        }
        _exit(0);
    }
    close(rep[1]);
    close(go_c[0]);
    close(go_g[0]);
    int st;
    lc_wait(p, &st, 0, "chain: P");
    lc_putc(go_c[1], 'x');
    lc_is("chain: the orphan can still poll its own child", lc_getc(rep[0]) == 'n' ? "yes" : "no", "yes");
    lc_putc(go_g[1], 'x');
    lc_is("chain: grandchild's parent unchanged by P's exit", lc_getc(rep[0]) == 'a' ? "yes" : "no", "yes");
    lc_putc(go_g[1], 'x');
    lc_putc(go_c[1], 'x');
    lc_is("chain: grandchild re-parented when its parent exits", lc_getc(rep[0]) == 'b' ? "yes" : "no", "yes");
    close(go_c[1]);
    close(go_g[1]);
    lc_is("chain: all gone", lc_eof(rep[0]) == 'E' ? "yes" : "no", "yes");
    close(rep[0]);
}

int main(void)
{
    lc_init();
    const int passes = 30;
    for (lc_iter = 0; lc_iter < passes && !lc_timeouts; lc_iter++) {
        lc_quiet = lc_iter > 0;
        for (int s = 0; s < NSTATES; s++)
            run(s, 0);
        for (int s = 0; s < NSTATES; s++)
            run(s, 1);
        chain();
        lc_no_children("no child left", 0);
    }
    lc_quiet = 0;
    /* the system goes on */
    pid_t c = lc_fork();
    if (c == 0)
        _exit(0);
    int st;
    lc_wait(c, &st, 0, "afterwards");
    lc_is("afterwards: fork and wait", lc_st(st), "exited 0");
    gt_exit();
}
