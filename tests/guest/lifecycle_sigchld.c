/* SIGCHLD in every disposition, for every kind of child state change.
 *
 *   - handled (SA_SIGINFO): one SIGCHLD per exit, kill, stop and continue,
 *     with si_code CLD_EXITED / CLD_KILLED / CLD_STOPPED / CLD_CONTINUED,
 *     si_status and si_pid naming the child; a child killed while stopped
 *     gives CLD_KILLED;
 *   - SA_NOCLDSTOP: no SIGCHLD for a stop or a continue (wait4 still
 *     reports both), one for the exit;
 *   - SIG_IGN: children are reaped at once; wait4 for any child blocks
 *     until the last one is gone, then ECHILD; a stop is still reported to
 *     WUNTRACED; a zombie made before SIG_IGN was set stays until waited
 *     for; back to SIG_DFL, children become zombies again;
 *   - SA_NOCLDWAIT with a handler: the handler runs (CLD_EXITED) and the
 *     child is reaped at once; SA_NOCLDWAIT with SIG_DFL: reaped at once,
 *     SIGCHLD still sent (pending while blocked);
 *   - SIG_DFL and blocked: SIGCHLD stays pending until unblocked;
 *   - a storm: many children exit together, a handler reaps them all with
 *     waitpid(-1, WNOHANG) (signals coalesce, no child is lost), repeated.
 * SIGCHLD stays blocked except while the test waits for one (sigsuspend),
 * so every count printed is exact.
 *
 * Guards against: lost or extra SIGCHLD, wrong si_code/si_status, autoreap
 * of a child that should become a zombie (or the reverse), a wait that
 * never returns ECHILD once autoreaped children are gone, a zombie left
 * behind by SA_NOCLDWAIT. */
#include "lifecycle.h"

static volatile sig_atomic_t count, last_code, last_status, last_pid;
static volatile sig_atomic_t storm_reaped, storm_mode;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    count++;
    last_code = si->si_code;
    last_status = si->si_status;
    last_pid = si->si_pid;
    if (storm_mode) {
        int e = errno, st;
        while (waitpid(-1, &st, WNOHANG) > 0)
            storm_reaped++;
        errno = e;
    }
}

static sigset_t chld_set, no_chld;

static void reset_count(void)
{
    count = 0;
    last_code = last_status = last_pid = 0;
}

static void set_disposition(int how)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    if (how == 0) {
        sa.sa_handler = SIG_DFL;
    } else if (how == 1) {
        sa.sa_handler = SIG_IGN;
    } else {
        sa.sa_sigaction = on_chld;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
    }
    sigaction(SIGCHLD, &sa, NULL);
}

/* Drops a SIGCHLD left pending by an earlier step (SIG_IGN discards it). */
static void discard_pending(void)
{
    signal(SIGCHLD, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
}

static void set_flags(void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    if (h) {
        sa.sa_sigaction = h;
        flags |= SA_SIGINFO;
    } else {
        sa.sa_handler = SIG_DFL;
    }
    sa.sa_flags = flags | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
}

/* Waits (SIGCHLD unblocked only inside sigsuspend) until the handler has
 * run more than `before` times; returns 0 on a timeout. */
static int await_chld(int before)
{
    lc_alarmed = 0;
    alarm(LC_TIMEOUT);
    while (count <= before && !lc_alarmed)
        sigsuspend(&no_chld);
    alarm(0);
    if (count <= before)
        lc_timeouts++;
    return count > before;
}

/* Lets a pending SIGCHLD (if any) be delivered, without waiting for one. */
static void deliver_pending(void)
{
    sigprocmask(SIG_UNBLOCK, &chld_set, NULL);
    sigprocmask(SIG_BLOCK, &chld_set, NULL);
}

static int pending_chld(void)
{
    sigset_t p;
    sigpending(&p);
    return sigismember(&p, SIGCHLD);
}

static const char *last(pid_t c)
{
    static char buf[96];
    int s = last_status;
    char num[16];
    snprintf(num, sizeof num, "%d", s);
    snprintf(buf, sizeof buf, "%s status=%s pid=%s", lc_cld(last_code),
             last_code == CLD_EXITED ? num : lc_signame(s), last_pid == c ? "child" : "other");
    return buf;
}

/* A child that obeys: 's' raise(SIGSTOP) then ack 'c'; 'x' exit 5. */
static int cmd_w, rep_r;
static pid_t start(void)
{
    int cmd[2], rep[2];
    lc_pipe(cmd);
    lc_pipe(rep);
    pid_t c = lc_fork();
    if (c == 0) {
        close(cmd[1]);
        close(rep[0]);
        char b;
        for (;;) {
            if (read(cmd[0], &b, 1) != 1)
                _exit(3);
            if (b == 's') {
                raise(SIGSTOP);
                lc_putc(rep[1], 'c');
            } else if (b == 'x') {
                _exit(5);
            }
        }
    }
    close(cmd[0]);
    close(rep[1]);
    cmd_w = cmd[1];
    rep_r = rep[0];
    return c;
}

static void finish(void)
{
    close(cmd_w);
    close(rep_r);
}

static void handled(void)
{
    char got[32];
    int st;
    discard_pending();
    set_disposition(2);

    reset_count();
    pid_t c = start();
    lc_putc(cmd_w, 'x');
    lc_expect(await_chld(0), "handled: SIGCHLD for an exit");
    lc_is("handled: exit", last(c), "CLD_EXITED status=5 pid=child");
    lc_wait(c, &st, 0, "reap");
    lc_is("handled: the child is still a zombie to reap", lc_st(st), "exited 5");
    finish();

    reset_count();
    c = start();
    kill(c, SIGKILL);
    lc_expect(await_chld(0), "handled: SIGCHLD for a kill");
    lc_is("handled: kill", last(c), "CLD_KILLED status=SIGKILL pid=child");
    lc_wait(c, &st, 0, "reap");
    finish();

    reset_count();
    c = start();
    lc_putc(cmd_w, 's');
    lc_expect(await_chld(0), "handled: SIGCHLD for a stop");
    lc_is("handled: stop", last(c), "CLD_STOPPED status=SIGSTOP pid=child");
    lc_wait(c, &st, WUNTRACED, "wait stop");
    lc_is("handled: wait WUNTRACED", lc_st(st), "stopped by SIGSTOP");
    kill(c, SIGCONT);
    lc_expect(await_chld(1), "handled: SIGCHLD for a continue");
    lc_is("handled: continue", last(c), "CLD_CONTINUED status=SIGCONT pid=child");
    lc_expect(lc_getc(rep_r) == 'c', "handled: child runs again");
    lc_putc(cmd_w, 's');
    lc_expect(await_chld(2), "handled: SIGCHLD for the second stop");
    kill(c, SIGKILL);
    lc_expect(await_chld(3), "handled: SIGCHLD for a kill while stopped");
    lc_is("handled: kill while stopped", last(c), "CLD_KILLED status=SIGKILL pid=child");
    lc_wait(c, &st, 0, "reap");
    lc_is("handled: wait", lc_st(st), "killed by SIGKILL");
    deliver_pending();
    snprintf(got, sizeof got, "%d", (int)count);
    lc_is("handled: SIGCHLD count for stop, continue, stop, kill", got, "4");
    finish();
}

static void nocldstop(void)
{
    char got[32];
    int st;
    discard_pending();
    set_flags(on_chld, SA_NOCLDSTOP);
    reset_count();
    pid_t c = start();
    lc_putc(cmd_w, 's');
    lc_wait(c, &st, WUNTRACED, "wait stop");
    lc_is("SA_NOCLDSTOP: wait WUNTRACED", lc_st(st), "stopped by SIGSTOP");
    kill(c, SIGCONT);
    lc_wait(c, &st, WCONTINUED, "wait cont");
    lc_is("SA_NOCLDSTOP: wait WCONTINUED", lc_st(st), "continued");
    lc_expect(lc_getc(rep_r) == 'c', "SA_NOCLDSTOP: child runs again");
    lc_expect(!pending_chld(), "SA_NOCLDSTOP: no SIGCHLD pending after stop and continue");
    deliver_pending();
    snprintf(got, sizeof got, "%d", (int)count);
    lc_is("SA_NOCLDSTOP: handler runs before the exit", got, "0");
    lc_putc(cmd_w, 'x');
    lc_expect(await_chld(0), "SA_NOCLDSTOP: SIGCHLD for the exit");
    lc_is("SA_NOCLDSTOP: exit", last(c), "CLD_EXITED status=5 pid=child");
    lc_wait(c, &st, 0, "reap");
    lc_is("SA_NOCLDSTOP: wait", lc_st(st), "exited 5");
    finish();
}

static const char *rc(pid_t r)
{
    static char buf[32];
    if (r < 0)
        snprintf(buf, sizeof buf, "-1 %s", errname(errno));
    else
        snprintf(buf, sizeof buf, "%s", r ? "a child" : "0");
    return buf;
}

/* waitpid(z, WNOHANG): the status in words, or the return code */
static const char *poll_zombie(pid_t z)
{
    int st;
    pid_t r = waitpid(z, &st, WNOHANG);
    return r == z ? lc_st(st) : rc(r);
}

static void ignored(void)
{
    int st;
    /* a zombie made before SIG_IGN stays */
    discard_pending();
    pid_t z = lc_fork();
    if (z == 0)
        _exit(9);
    siginfo_t si;
    lc_waitid(P_PID, z, &si, WEXITED | WNOWAIT, "zombie");
    set_disposition(1);
    lc_is("SIG_IGN: zombie made before stays", poll_zombie(z), "exited 9");

    /* children exiting now are reaped at once */
    pid_t c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = lc_fork();
        if (c[i] == 0)
            _exit(i);
    }
    errno = 0;
    pid_t r = lc_wait(-1, &st, 0, "SIG_IGN wait");
    lc_is("SIG_IGN: wait for any child after they exit", r < 0 ? errname(errno) : "a child", "ECHILD");
    lc_is("SIG_IGN: wait for one of them", rc(waitpid(c[1], &st, WNOHANG)), "-1 ECHILD");
    lc_expect(!pending_chld(), "SIG_IGN: no SIGCHLD pending");

    /* a running child is still a child; the wait ends when it exits */
    pid_t s = start();
    lc_is("SIG_IGN: WNOHANG with a running child", rc(waitpid(-1, &st, WNOHANG)), "0");
    lc_putc(cmd_w, 's');
    lc_wait(s, &st, WUNTRACED, "wait stop");
    lc_is("SIG_IGN: a stop is still reported", lc_st(st), "stopped by SIGSTOP");
    kill(s, SIGCONT);
    lc_wait(s, &st, WCONTINUED, "wait cont");
    lc_is("SIG_IGN: a continue is still reported", lc_st(st), "continued");
    lc_expect(lc_getc(rep_r) == 'c', "SIG_IGN: child runs again");
    pid_t h = lc_fork();
    if (h == 0) {
        lc_msleep(30);
        lc_putc(cmd_w, 'x');
        _exit(0);
    }
    r = lc_wait(s, &st, 0, "SIG_IGN blocked wait");
    lc_is("SIG_IGN: blocked wait ends with ECHILD when the child exits",
          r < 0 ? errname(errno) : lc_st(st), "ECHILD");
    r = lc_wait(h, &st, 0, "SIG_IGN helper");      /* until it is gone too */
    lc_is("SIG_IGN: the helper is reaped at once too", r < 0 ? errname(errno) : lc_st(st), "ECHILD");
    finish();

    /* back to SIG_DFL: zombies again */
    set_disposition(0);
    z = lc_fork();
    if (z == 0)
        _exit(4);
    lc_wait(z, &st, 0, "SIG_DFL wait");
    lc_is("SIG_DFL again: the child is a zombie to reap", lc_st(st), "exited 4");
}

static void nocldwait(void)
{
    int st;
    char got[32];
    reset_count();
    discard_pending();
    set_flags(on_chld, SA_NOCLDWAIT);
    pid_t c = lc_fork();
    if (c == 0)
        _exit(6);
    lc_expect(await_chld(0), "SA_NOCLDWAIT+handler: SIGCHLD for the exit");
    lc_is("SA_NOCLDWAIT+handler: exit", last(c), "CLD_EXITED status=6 pid=child");
    lc_is("SA_NOCLDWAIT+handler: wait", rc(waitpid(-1, &st, WNOHANG)), "-1 ECHILD");

    set_flags(NULL, SA_NOCLDWAIT);
    reset_count();
    c = lc_fork();
    if (c == 0)
        _exit(6);
    pid_t r = lc_wait(-1, &st, 0, "SA_NOCLDWAIT wait");
    lc_is("SA_NOCLDWAIT+SIG_DFL: blocked wait", r < 0 ? errname(errno) : lc_st(st), "ECHILD");
    lc_expect(pending_chld(), "SA_NOCLDWAIT+SIG_DFL: SIGCHLD still sent (pending, blocked)");
    deliver_pending();
    snprintf(got, sizeof got, "%d", (int)count);
    lc_is("SA_NOCLDWAIT+SIG_DFL: handler count", got, "0");
    set_disposition(0);
}

static void dfl_blocked(void)
{
    discard_pending();
    lc_expect(!pending_chld(), "SIG_DFL, blocked: nothing pending before");
    pid_t c = lc_fork();
    if (c == 0)
        _exit(1);
    siginfo_t si;
    lc_waitid(P_PID, c, &si, WEXITED | WNOWAIT, "zombie");
    lc_expect(pending_chld(), "SIG_DFL, blocked: SIGCHLD pending after an exit");
    int st;
    lc_wait(c, &st, 0, "reap");
    /* an ignored signal is discarded when the action is set to SIG_IGN */
    set_disposition(1);
    lc_expect(!pending_chld(), "setting SIG_IGN discards the pending SIGCHLD");
    set_disposition(0);
}

static void storm(int rounds, int n)
{
    int lost = 0, ok_rounds = 0;
    discard_pending();
    set_disposition(2);
    storm_mode = 1;
    for (int r = 0; r < rounds; r++) {
        int go[2];
        lc_pipe(go);
        storm_reaped = 0;
        pid_t kids[64];
        for (int i = 0; i < n; i++) {
            pid_t c = kids[i] = lc_fork();
            if (c == 0) {
                char b;
                close(go[1]);
                read(go[0], &b, 1);     /* all leave together at EOF */
                _exit(i & 1 ? 0 : 1);
            }
        }
        close(go[0]);
        close(go[1]);
        lc_alarmed = 0;
        alarm(LC_TIMEOUT);
        while (storm_reaped < n && !lc_alarmed)
            sigsuspend(&no_chld);
        alarm(0);
        int st;
        errno = 0;
        if (storm_reaped == n && waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD)
            ok_rounds++;
        else
            lost += n - storm_reaped;
        if (lc_alarmed) {
            say("storm round %d: timed out with %d of %d reaped\n", r, (int)storm_reaped, n);
            for (int i = 0; i < n; i++)
                kill(kids[i], SIGKILL);
            while (lc_wait(-1, &st, 0, "storm cleanup") > 0)
                ;
            break;
        }
    }
    storm_mode = 0;
    char got[64], want[64];
    snprintf(got, sizeof got, "%d/%d rounds, %d children unreaped", ok_rounds, rounds, lost);
    snprintf(want, sizeof want, "%d/%d rounds, 0 children unreaped", rounds, rounds);
    lc_is("storm: a handler reaps every child", got, want);
    set_disposition(0);
}

int main(void)
{
    lc_init();
    sigemptyset(&chld_set);
    sigaddset(&chld_set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld_set, NULL);
    sigprocmask(SIG_BLOCK, NULL, &no_chld);
    sigdelset(&no_chld, SIGCHLD);

    for (lc_iter = 0; lc_iter < 50 && !lc_timeouts; lc_iter++) {
        lc_quiet = lc_iter > 0;
        handled();
        nocldstop();
        ignored();
        nocldwait();
        dfl_blocked();
        lc_no_children("no child left", 0);
    }
    lc_quiet = 0;
    storm(100, 12);
    gt_exit();
}
