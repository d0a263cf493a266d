/* Stop, continue and kill a child in every state it can be in, and check
 * what wait4 reports at each step.
 *
 * States: running (spinning in user mode), blocked in read on a pipe,
 * blocked in nanosleep, blocked in wait4 on its own child, and inside a
 * signal handler (blocked in read there, or spinning there).  Sequences:
 *   stop-cont   SIGSTOP, WUNTRACED sees the stop, SIGCONT, WCONTINUED sees
 *               it, the child is released and exits normally: the blocking
 *               call was restarted, not failed with EINTR (read returns the
 *               byte; nanosleep goes on sleeping until SIGUSR2 interrupts
 *               it; wait4 returns the grandchild);
 *   tstp-cont   the same with SIGTSTP sent by kill() (the child leads its own
 *               process group, which is not orphaned, so SIGTSTP stops it);
 *   stop-kill   SIGKILL of the stopped child;
 *   kill        SIGKILL in the state itself;
 *   stop-nowait-kill
 *               the stop is seen with waitid(WSTOPPED|WNOWAIT), then SIGKILL:
 *               a later wait4(WUNTRACED) must report the death, never the
 *               stale stop.
 * The whole matrix runs several times so the steps race across CPUs.
 *
 * Guards against: a stopped or blocked task that SIGKILL cannot wake, a
 * blocking call that fails with EINTR after a stop/continue, a lost or
 * repeated stop/continue report, a stale stop report after death. */
#include "lifecycle.h"

enum { RUNNING, READ, SLEEP, WAIT4, HANDLER_READ, HANDLER_SPIN, NSTATES };
static const char *state_name[] = { "running", "read", "nanosleep", "wait4", "handler-read", "handler-spin" };
/* exit status of a child released normally in that state */
static const int done_code[] = { 10, 11, 12, 27, 31, 32 };

enum { STOP_CONT, TSTP_CONT, STOP_KILL, KILL, STOP_NOWAIT_KILL, NSEQ };
static const char *seq_name[] = { "stop-cont", "tstp-cont", "stop-kill", "kill", "stop-nowait-kill" };

static int ctl_fd, rep_fd;
static volatile sig_atomic_t usr2, handler_done;

static void on_usr2(int s) { (void)s; usr2 = 1; }

static void on_usr1_read(int s)
{
    (void)s;
    lc_putc(rep_fd, 'h');
    char b;
    ssize_t n = read(ctl_fd, &b, 1);
    handler_done = n == 1 ? 1 : 2;
}

static void on_usr1_spin(int s)
{
    (void)s;
    lc_putc(rep_fd, 'h');
    fcntl(ctl_fd, F_SETFL, O_NONBLOCK);
    char b;
    for (;;) {
        lc_spin(20000);
        if (read(ctl_fd, &b, 1) == 1)
            break;
    }
    handler_done = 1;
}

/* The child: enter the state, tell the parent ('r'), stay there until
 * released, exit with done_code[state] if everything behaved. */
static int child(int state, int ctl, int rep)
{
    setpgid(0, 0);
    ctl_fd = ctl;
    rep_fd = rep;
    char b;
    switch (state) {
    case RUNNING:
        fcntl(ctl, F_SETFL, O_NONBLOCK);
        lc_putc(rep, 'r');
        for (;;) {
            lc_spin(20000);
            if (read(ctl, &b, 1) == 1)
                return 10;
        }
    case READ: {
        lc_putc(rep, 'r');
        ssize_t n = read(ctl, &b, 1);
        return n == 1 ? 11 : n < 0 && errno == EINTR ? 90 : 91;
    }
    case SLEEP: {
        struct sigaction sa = { .sa_handler = on_usr2 };
        sigaction(SIGUSR2, &sa, NULL);
        lc_putc(rep, 'r');
        /* released by SIGUSR2, sent again and again until we exit: one
         * that lands just before nanosleep starts is not lost */
        for (;;) {
            if (usr2)
                return 12;
            struct timespec ts = { 60, 0 }, rem;
            int r = nanosleep(&ts, &rem);
            if (r == 0)
                return 92;              /* slept through: never released */
            if (errno != EINTR)
                return 93;
            if (!usr2)
                return 94;              /* EINTR without a handler run */
        }
    }
    case WAIT4: {
        pid_t g = fork();
        if (g == 0) {
            ssize_t n = read(ctl, &b, 1);
            _exit(n == 1 ? 7 : 8);
        }
        lc_putc(rep, 'r');
        int st;
        pid_t w = waitpid(g, &st, 0);
        if (w != g)
            return w < 0 && errno == EINTR ? 95 : 96;
        return WIFEXITED(st) ? 20 + WEXITSTATUS(st) : 97;
    }
    case HANDLER_READ:
    case HANDLER_SPIN: {
        struct sigaction sa = { .sa_handler = state == HANDLER_READ ? on_usr1_read : on_usr1_spin };
        sigaction(SIGUSR1, &sa, NULL);
        sigset_t usr1, old;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        sigprocmask(SIG_BLOCK, &usr1, &old);    /* SIGUSR1 only inside sigsuspend */
        lc_putc(rep, 'r');
        while (!handler_done)
            sigsuspend(&old);
        if (handler_done != 1)
            return 98;
        return state == HANDLER_READ ? 31 : 32;
    }
    }
    return 99;
}

static void release(int state, pid_t c, int ctl)
{
    if (state == SLEEP)
        lc_nudge_until_exit(c, SIGUSR2);
    else
        lc_putc(ctl, 'x');
}

static void run(int state, int seq)
{
    char what[96];
    int ctl[2], rep[2];
    lc_pipe(ctl);
    lc_pipe(rep);
    pid_t c = lc_fork();
    if (c == 0) {
        close(ctl[1]);
        close(rep[0]);
        _exit(child(state, ctl[0], rep[1]));
    }
    close(ctl[0]);
    close(rep[1]);
    setpgid(c, c);
    const char *sn = state_name[state], *qn = seq_name[seq];
    char r = lc_getc(rep[0]);
    if (state == HANDLER_READ || state == HANDLER_SPIN) {
        if (r == 'r') {
            kill(c, SIGUSR1);
            r = lc_getc(rep[0]);
            if (r == 'h')
                r = 'r';
        }
    }
    snprintf(what, sizeof what, "%s/%s: child in state", sn, qn);
    lc_expect(r == 'r', what);
    /* a blocked child is, most of the time, asleep by now (every other
     * pass; in the others the signals may catch it on its way there) */
    if (state != RUNNING && state != HANDLER_SPIN && lc_iter % 2 == 0)
        lc_msleep(2);

    int st;
    char want[64];
    switch (seq) {
    case STOP_CONT:
    case TSTP_CONT: {
        int sig = seq == STOP_CONT ? SIGSTOP : SIGTSTP;
        kill(c, sig);
        snprintf(what, sizeof what, "%s/%s: wait WUNTRACED", sn, qn);
        lc_wait(c, &st, WUNTRACED, what);
        snprintf(want, sizeof want, "stopped by %s", lc_signame(sig));
        lc_is(what, lc_st(st), want);
        kill(c, SIGCONT);
        snprintf(what, sizeof what, "%s/%s: wait WCONTINUED", sn, qn);
        lc_wait(c, &st, WCONTINUED, what);
        lc_is(what, lc_st(st), "continued");
        release(state, c, ctl[1]);
        snprintf(what, sizeof what, "%s/%s: released, wait", sn, qn);
        lc_wait(c, &st, WUNTRACED | WCONTINUED, what);
        snprintf(want, sizeof want, "exited %d", done_code[state]);
        lc_is(what, lc_st(st), want);
        break;
    }
    case STOP_KILL:
        kill(c, SIGSTOP);
        snprintf(what, sizeof what, "%s/%s: wait WUNTRACED", sn, qn);
        lc_wait(c, &st, WUNTRACED, what);
        lc_is(what, lc_st(st), "stopped by SIGSTOP");
        kill(c, SIGKILL);
        snprintf(what, sizeof what, "%s/%s: killed, wait", sn, qn);
        lc_wait(c, &st, WUNTRACED | WCONTINUED, what);
        lc_is(what, lc_st(st), "killed by SIGKILL");
        break;
    case KILL:
        kill(c, SIGKILL);
        snprintf(what, sizeof what, "%s/%s: wait", sn, qn);
        lc_wait(c, &st, WUNTRACED | WCONTINUED, what);
        lc_is(what, lc_st(st), "killed by SIGKILL");
        break;
    case STOP_NOWAIT_KILL: {
        kill(c, SIGSTOP);
        siginfo_t si;
        snprintf(what, sizeof what, "%s/%s: waitid WSTOPPED|WNOWAIT", sn, qn);
        lc_waitid(P_PID, c, &si, WSTOPPED | WNOWAIT, what);
        lc_is(what, lc_cld(si.si_code), "CLD_STOPPED");
        kill(c, SIGKILL);
        snprintf(what, sizeof what, "%s/%s: killed, wait WUNTRACED", sn, qn);
        lc_wait(c, &st, WUNTRACED, what);
        lc_is(what, lc_st(st), "killed by SIGKILL");
        break;
    }
    }
    if (st == -1)
        lc_reap_killed(c);
    /* nothing more to report about this child */
    snprintf(what, sizeof what, "%s/%s: no child left", sn, qn);
    lc_no_children(what, c);
    close(ctl[1]);      /* a grandchild still waiting for its byte sees EOF */
    close(rep[0]);
}

int main(void)
{
    lc_init();
    const int passes = 50;
    for (lc_iter = 0; lc_iter < passes && !lc_timeouts; lc_iter++) {
        lc_quiet = lc_iter > 0;
        for (int s = 0; s < NSTATES; s++)
            for (int q = 0; q < NSEQ; q++)
                run(s, q);
    }
    lc_quiet = 0;
    say("matrix run %d times\n", lc_timeouts ? lc_iter : passes);
    gt_exit();
}
