/* wait4 and waitid with every option, at every point of a child's life.
 *
 * A child obeys one-byte commands from the parent ('s': raise(SIGSTOP) and
 * answer 'c' once continued; 'x': exit 42), so each report is checked with
 * the child in a known state:
 *   - WNOHANG before any change (0, and waitid leaves si_pid 0), after the
 *     change (the report), and after the report was taken (0 again);
 *   - WUNTRACED / WSTOPPED: a stop is reported once; a second SIGSTOP to a
 *     stopped child is not a new stop; without WUNTRACED a stop is never
 *     reported; a SIGCONT before the wait cancels the stop report;
 *   - WCONTINUED: a continue is reported once (status 0xffff, CLD_CONTINUED
 *     with si_status SIGCONT); SIGCONT to a running child reports nothing;
 *     a new stop cancels an untaken continue report; a blocked wait wakes
 *     for a continue sent by another process;
 *   - WNOWAIT leaves the report (taken again, then for real);
 *   - siginfo: si_signo SIGCHLD, si_code CLD_*, si_status, si_pid, si_uid;
 *   - raw status words for exit codes and signals, exit(256) is 0;
 *   - which children are selected: pid, -1, 0, -pgid, P_ALL, P_PGID, and
 *     ECHILD for a grandchild, the parent, a missing group;
 *   - a zombie is no child for a waitid without WEXITED (ECHILD);
 *   - bad options: waitid without an event flag, an unknown idtype, wait4
 *     with WNOWAIT or WEXITED (Linux accepts those in waitid only): EINVAL.
 * Then the stop/continue/exit cycle runs many times with the waits racing
 * the child on other CPUs.
 *
 * Guards against: lost, repeated or stale stop/continue reports, WNOWAIT
 * reaping, wrong siginfo, a wait that sleeps through a state change. */
#include "lifecycle.h"

static int cmd_w, rep_r;

static void child_loop(int cmd, int rep)
{
    char b;
    for (;;) {
        if (read(cmd, &b, 1) != 1)
            _exit(3);
        if (b == 's') {
            raise(SIGSTOP);
            lc_putc(rep, 'c');
        } else if (b == 'x') {
            _exit(42);
        }
    }
}

static pid_t start(void)
{
    int cmd[2], rep[2];
    lc_pipe(cmd);
    lc_pipe(rep);
    pid_t c = lc_fork();
    if (c == 0) {
        close(cmd[1]);
        close(rep[0]);
        child_loop(cmd[0], rep[1]);
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

/* "CLD_x status=N pid=child uid=mine signo=SIGCHLD", or "none" if si_pid is 0 */
static const char *info(const siginfo_t *si, pid_t c)
{
    static char buf[128];
    if (si->si_pid == 0) {
        snprintf(buf, sizeof buf, "none (si_signo %d)", si->si_signo);
        return buf;
    }
    int st = si->si_status;
    const char *sv = si->si_code == CLD_EXITED ? NULL : lc_signame(st);
    char num[16];
    snprintf(num, sizeof num, "%d", st);
    snprintf(buf, sizeof buf, "%s status=%s pid=%s uid=%s signo=%s", lc_cld(si->si_code), sv ? sv : num,
             si->si_pid == c ? "child" : "other", si->si_uid == getuid() ? "mine" : "other",
             lc_signame(si->si_signo));
    return buf;
}

static const char *rc_str(pid_t r, pid_t c)
{
    static char buf[32];
    if (r == c)
        return "child";
    if (r == 0)
        return "0";
    if (r < 0)
        snprintf(buf, sizeof buf, "-1 %s", errname(errno));
    else
        snprintf(buf, sizeof buf, "other pid");
    return buf;
}

/* waitpid(WNOHANG|opts): "0", or "child: <status>" */
static const char *poll_wait(pid_t c, int opts)
{
    static char buf[96];
    int st;
    pid_t r = waitpid(c, &st, WNOHANG | opts);
    if (r == c)
        snprintf(buf, sizeof buf, "child: %s", lc_st(st));
    else
        snprintf(buf, sizeof buf, "%s", rc_str(r, c));
    return buf;
}

static void stop_child(void)
{
    lc_putc(cmd_w, 's');
}

static int continued_ack(void)
{
    return lc_getc(rep_r) == 'c';
}

static void basics(void)
{
    siginfo_t si;
    int st;
    pid_t c = start();

    /* before any change */
    lc_is("running: waitpid WNOHANG", poll_wait(c, 0), "0");
    lc_is("running: waitpid any WNOHANG|WUNTRACED|WCONTINUED", rc_str(waitpid(-1, &st, WNOHANG | WUNTRACED | WCONTINUED), c), "0");
    waitid(P_PID, c, (memset(&si, 0, sizeof si), &si), WEXITED | WSTOPPED | WCONTINUED | WNOHANG);
    lc_is("running: waitid all events WNOHANG", info(&si, c), "none (si_signo 0)");
    lc_is("running: waitid P_ALL WNOHANG rc", rc_str(waitid(P_ALL, 0, (memset(&si, 0, sizeof si), &si), WEXITED | WNOHANG), c), "0");

    /* SIGCONT to a running child: nothing to report */
    kill(c, SIGCONT);
    lc_is("SIGCONT to a running child: WCONTINUED", poll_wait(c, WCONTINUED), "0");

    /* stop, seen with WNOWAIT, then without */
    stop_child();
    lc_waitid(P_PID, c, &si, WSTOPPED | WNOWAIT, "waitid WSTOPPED|WNOWAIT");
    lc_is("stopped: waitid WSTOPPED|WNOWAIT", info(&si, c), "CLD_STOPPED status=SIGSTOP pid=child uid=mine signo=SIGCHLD");
    lc_is("stopped: waitpid WNOHANG without WUNTRACED", poll_wait(c, 0), "0");
    lc_waitid(P_PID, c, &si, WEXITED | WNOHANG, "waitid WEXITED");
    lc_is("stopped: waitid WEXITED|WNOHANG", info(&si, c), "none (si_signo 0)");
    lc_waitid(P_PID, c, &si, WSTOPPED | WNOWAIT | WNOHANG, "waitid again");
    lc_is("stopped: waitid WSTOPPED|WNOWAIT again", info(&si, c), "CLD_STOPPED status=SIGSTOP pid=child uid=mine signo=SIGCHLD");
    lc_is("stopped: waitpid WNOHANG|WUNTRACED", poll_wait(c, WUNTRACED), "child: stopped by SIGSTOP");
    lc_is("stopped: waitpid WNOHANG|WUNTRACED after the report", poll_wait(c, WUNTRACED), "0");
    lc_waitid(P_PID, c, &si, WSTOPPED | WNOHANG, "waitid after");
    lc_is("stopped: waitid WSTOPPED|WNOHANG after the report", info(&si, c), "none (si_signo 0)");
    kill(c, SIGSTOP);
    lc_msleep(20);
    lc_is("second SIGSTOP while stopped: WUNTRACED", poll_wait(c, WUNTRACED), "0");
    lc_is("stopped, any child: WNOHANG gives 0, not ECHILD", rc_str(waitpid(-1, &st, WNOHANG), c), "0");

    /* continue, seen with WNOWAIT, then without */
    kill(c, SIGCONT);
    lc_waitid(P_PID, c, &si, WCONTINUED | WNOWAIT, "waitid WCONTINUED|WNOWAIT");
    lc_is("continued: waitid WCONTINUED|WNOWAIT", info(&si, c), "CLD_CONTINUED status=SIGCONT pid=child uid=mine signo=SIGCHLD");
    lc_is("continued: waitpid WNOHANG|WUNTRACED", poll_wait(c, WUNTRACED), "0");
    pid_t r = waitpid(c, &st, WNOHANG | WCONTINUED);
    lc_is("continued: waitpid WNOHANG|WCONTINUED", rc_str(r, c), "child");
    char raw[32];
    snprintf(raw, sizeof raw, "0x%x", r == c ? st : 0);
    lc_is("continued: raw status", raw, "0xffff");
    lc_is("continued: WNOHANG|WCONTINUED after the report", poll_wait(c, WCONTINUED), "0");
    lc_expect(continued_ack(), "child runs again after SIGCONT");

    /* stop and continue taken by waitid (consuming) */
    stop_child();
    lc_waitid(P_PID, c, &si, WSTOPPED, "waitid WSTOPPED");
    lc_is("waitid WSTOPPED", info(&si, c), "CLD_STOPPED status=SIGSTOP pid=child uid=mine signo=SIGCHLD");
    lc_is("after waitid WSTOPPED: WNOHANG|WUNTRACED", poll_wait(c, WUNTRACED), "0");
    kill(c, SIGCONT);
    lc_waitid(P_PID, c, &si, WCONTINUED, "waitid WCONTINUED");
    lc_is("waitid WCONTINUED", info(&si, c), "CLD_CONTINUED status=SIGCONT pid=child uid=mine signo=SIGCHLD");
    lc_is("after waitid WCONTINUED: WNOHANG|WCONTINUED", poll_wait(c, WCONTINUED), "0");
    lc_expect(continued_ack(), "child runs again");

    /* SIGCONT before the stop was waited for: the stop report is gone */
    stop_child();
    lc_waitid(P_PID, c, &si, WSTOPPED | WNOWAIT, "waitid WSTOPPED|WNOWAIT");
    kill(c, SIGCONT);
    lc_is("stop not waited for, then SIGCONT: WUNTRACED", poll_wait(c, WUNTRACED), "0");
    lc_expect(continued_ack(), "child runs again");
    /* a new stop before the continue was waited for: that report is gone */
    stop_child();
    lc_waitid(P_PID, c, &si, WSTOPPED | WNOWAIT, "waitid WSTOPPED|WNOWAIT");
    lc_is("continue not waited for, then a new stop: WCONTINUED", poll_wait(c, WCONTINUED), "0");
    lc_is("the new stop: WUNTRACED", poll_wait(c, WUNTRACED), "child: stopped by SIGSTOP");

    /* a blocked WCONTINUED wait wakes for a SIGCONT sent by another process */
    pid_t h = lc_fork();
    if (h == 0) {
        lc_msleep(30);
        kill(c, SIGCONT);
        _exit(0);
    }
    r = lc_wait(c, &st, WCONTINUED, "blocked WCONTINUED wait");
    lc_is("blocked WCONTINUED wait, SIGCONT from a sibling", lc_st(st), "continued");
    lc_wait(h, &st, 0, "helper");
    lc_expect(continued_ack(), "child runs again");

    /* a blocked WUNTRACED wait wakes for the stop */
    stop_child();
    lc_wait(c, &st, WUNTRACED, "blocked WUNTRACED wait");
    lc_is("blocked WUNTRACED wait", lc_st(st), "stopped by SIGSTOP");
    kill(c, SIGCONT);
    lc_expect(continued_ack(), "child runs again");

    /* exit, WNOWAIT twice, bad options, then reaped for real */
    lc_putc(cmd_w, 'x');
    lc_waitid(P_PID, c, &si, WEXITED | WNOWAIT, "waitid WEXITED|WNOWAIT");
    lc_is("zombie: waitid WEXITED|WNOWAIT", info(&si, c), "CLD_EXITED status=42 pid=child uid=mine signo=SIGCHLD");
    lc_waitid(P_ALL, 0, &si, WEXITED | WNOWAIT | WNOHANG, "waitid P_ALL");
    lc_is("zombie: waitid P_ALL WEXITED|WNOWAIT", info(&si, c), "CLD_EXITED status=42 pid=child uid=mine signo=SIGCHLD");
    lc_waitid(P_PGID, getpgrp(), &si, WEXITED | WNOWAIT | WNOHANG, "waitid P_PGID");
    lc_is("zombie: waitid P_PGID own group WEXITED|WNOWAIT", info(&si, c), "CLD_EXITED status=42 pid=child uid=mine signo=SIGCHLD");
    r = waitpid(c, &st, WNOHANG);
    lc_is("zombie: waitpid WNOHANG", rc_str(r, c), "child");
    snprintf(raw, sizeof raw, "0x%x", r == c ? st : 0);
    lc_is("zombie: raw status", raw, "0x2a00");
    lc_is("reaped: waitpid again", poll_wait(c, 0), "-1 ECHILD");
    lc_is("reaped: waitid again", rc_str(waitid(P_PID, c, &si, WEXITED | WNOHANG), c), "-1 ECHILD");
    finish();
}

/* A child that has exited 42 and is a zombie (seen with WNOWAIT). */
static pid_t zombie(void)
{
    siginfo_t si;
    pid_t z = lc_fork();
    if (z == 0)
        _exit(42);
    lc_waitid(P_PID, z, &si, WEXITED | WNOWAIT, "making a zombie");
    return z;
}

/* Calls that must fail or find nothing, each on a zombie of its own; the
 * zombie must still be there afterwards (none of them may reap it). */
static void probes(void)
{
    static const char *names[] = {
        "zombie: waitid WSTOPPED|WCONTINUED only",
        "bad: waitid without an event flag",
        "bad: waitid options 0",
        "bad: waitid idtype 77",
        "bad: wait4 WNOWAIT",
        "bad: wait4 WEXITED",
        "bad: wait4 unknown flag 0x100",
    };
    static const char *want[] = { "-1 ECHILD", "-1 EINVAL", "-1 EINVAL", "-1 EINVAL",
                                  "-1 EINVAL", "-1 EINVAL", "-1 EINVAL" };
    for (int i = 0; i < 7; i++) {
        siginfo_t si;
        int st;
        long r = 0;
        pid_t z = zombie();
        errno = 0;
        switch (i) {
        case 0: r = waitid(P_PID, z, &si, WSTOPPED | WCONTINUED | WNOHANG); break;
        case 1: r = waitid(P_PID, z, &si, WNOHANG); break;
        case 2: r = waitid(P_PID, z, &si, 0); break;
        case 3: r = waitid((idtype_t)77, z, &si, WEXITED | WNOHANG); break;
        case 4: r = waitpid(z, &st, WNOWAIT | WNOHANG); break;
        case 5: r = waitpid(z, &st, WEXITED | WNOHANG); break;
        case 6: r = waitpid(z, &st, 0x100 | WNOHANG); break;
        }
        lc_is(names[i], rc_str(r, z), want[i]);
        char what[96];
        snprintf(what, sizeof what, "%s: the zombie is still there", names[i]);
        r = waitpid(z, &st, WNOHANG);
        lc_expect(r == z && WIFEXITED(st) && WEXITSTATUS(st) == 42, what);
        if (r == 0)
            lc_no_children("the probe's child is gone", z);
    }
}

/* exit codes and signals as raw words and as waitid sees them */
static void words(void)
{
    static const struct { int code, sig; const char *word, *info; } cases[] = {
        { 0, 0, "0x0", "CLD_EXITED status=0" },
        { 1, 0, "0x100", "CLD_EXITED status=1" },
        { 255, 0, "0xff00", "CLD_EXITED status=255" },
        { 256, 0, "0x0", "CLD_EXITED status=0" },
        { 0, SIGTERM, "0xf", "CLD_KILLED status=SIGTERM" },
        { 0, SIGUSR1, "0xa", "CLD_KILLED status=SIGUSR1" },
        { 0, SIGKILL, "0x9", "CLD_KILLED status=SIGKILL" },
        { 0, SIGHUP, "0x1", "CLD_KILLED status=SIGHUP" },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char what[64], got[64];
        for (int how = 0; how < 2; how++) {
            pid_t c = lc_fork();
            if (c == 0) {
                if (cases[i].sig)
                    raise(cases[i].sig);
                _exit(cases[i].code);
            }
            if (how == 0) {
                int st;
                lc_wait(c, &st, 0, "wait");
                snprintf(got, sizeof got, "0x%x", st);
                snprintf(what, sizeof what, "word for %s %d", cases[i].sig ? "signal" : "exit",
                         cases[i].sig ? cases[i].sig : cases[i].code);
                lc_is(what, got, cases[i].word);
            } else {
                siginfo_t si;
                lc_waitid(P_PID, c, &si, WEXITED, "waitid");
                snprintf(got, sizeof got, "%s", info(&si, c));
                char *sp = strstr(got, " pid=");
                if (sp && strstr(got, "pid=child uid=mine signo=SIGCHLD"))
                    *sp = 0;
                snprintf(what, sizeof what, "waitid for %s %d", cases[i].sig ? "signal" : "exit",
                         cases[i].sig ? cases[i].sig : cases[i].code);
                lc_is(what, got, cases[i].info);
            }
        }
    }
    /* waitid may be given no siginfo at all (Linux allows NULL) */
    pid_t c = lc_fork();
    if (c == 0)
        _exit(3);
    lc_msleep(5);
    int r;
    do
        r = waitid(P_PID, c, NULL, WEXITED);
    while (r < 0 && errno == EINTR);
    lc_is("waitid with a NULL siginfo reaps", r == 0 ? "0" : errname(errno), "0");
    lc_no_children("no child left after the words", c);
}

/* which children each pid/idtype selects */
static void selection(void)
{
    int st;
    siginfo_t si;
    int go[2];
    lc_pipe(go);
    pid_t same = lc_fork();                 /* stays in our group */
    if (same == 0) {
        char b;
        read(go[0], &b, 1);
        _exit(1);
    }
    pid_t other = lc_fork();                /* its own group */
    if (other == 0) {
        setpgid(0, 0);
        char b;
        read(go[0], &b, 1);
        _exit(2);
    }
    setpgid(other, other);
    int gp[2];
    lc_pipe(gp);
    pid_t mid = lc_fork();                  /* has a child of its own */
    if (mid == 0) {
        pid_t g = fork();
        if (g == 0) {
            char b;
            read(go[0], &b, 1);
            _exit(0);
        }
        write(gp[1], &g, sizeof g);
        int s;
        waitpid(g, &s, 0);
        _exit(3);
    }
    close(go[0]);
    close(gp[1]);
    pid_t g = 0;
    lc_read(gp[0], &g, sizeof g);
    close(gp[0]);
    lc_is("wait for a grandchild", rc_str(waitpid(g, &st, WNOHANG), same), "-1 ECHILD");
    lc_is("waitid for a grandchild", rc_str(waitid(P_PID, g, &si, WEXITED | WNOHANG), same), "-1 ECHILD");
    lc_is("wait for our parent", rc_str(waitpid(getppid(), &st, WNOHANG), same), "-1 ECHILD");
    lc_is("wait for a missing group", rc_str(waitpid(-999999, &st, WNOHANG), same), "-1 ECHILD");
    lc_is("waitid P_PGID missing group", rc_str(waitid(P_PGID, 999999, &si, WEXITED | WNOHANG), same), "-1 ECHILD");
    lc_is("wait pid 0 (our group) while all run", rc_str(waitpid(0, &st, WNOHANG), same), "0");
    lc_is("wait -pgid of the other group while it runs", rc_str(waitpid(-other, &st, WNOHANG), same), "0");
    /* let everyone finish, then pick them by group */
    for (int i = 0; i < 3; i++)
        lc_putc(go[1], 'x');
    close(go[1]);
    lc_waitid(P_PID, same, &si, WEXITED | WNOWAIT, "same");
    lc_waitid(P_PID, other, &si, WEXITED | WNOWAIT, "other");
    lc_waitid(P_PID, mid, &si, WEXITED | WNOWAIT, "mid");
    pid_t r = lc_wait(-other, &st, WNOHANG, "wait -pgid");
    lc_is("wait -pgid picks the child in that group", r == other ? "other" : rc_str(r, same), "other");
    lc_is("  ...its status", lc_st(st), "exited 2");
    lc_is("wait -pgid again", rc_str(waitpid(-other, &st, WNOHANG), same), "-1 ECHILD");
    r = waitid(P_PGID, getpgrp(), &si, WEXITED | WNOHANG);
    lc_is("waitid P_PGID own group picks a child of our group",
          r == 0 && (si.si_pid == same || si.si_pid == mid) ? "yes" : "no", "yes");
    r = lc_wait(0, &st, WNOHANG, "wait 0");
    lc_is("wait 0 picks the other child of our group", r == same || r == mid ? "yes" : "no", "yes");
    lc_is("wait 0 again", rc_str(waitpid(0, &st, WNOHANG), same), "-1 ECHILD");
    lc_no_children("no child left after selection", 0);
}

/* the stop/continue/exit cycle, many times, waits racing the child */
static void cycles(int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        int st;
        siginfo_t si;
        pid_t c = start();
        stop_child();
        lc_wait(c, &st, WUNTRACED | WCONTINUED, "cycle stop");
        bad += !(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
        kill(c, SIGCONT);
        lc_waitid(P_PID, c, &si, WCONTINUED | WSTOPPED | WEXITED, "cycle cont");
        bad += si.si_code != CLD_CONTINUED || si.si_pid != c;
        bad += !continued_ack();
        lc_putc(cmd_w, 'x');
        lc_wait(c, &st, WUNTRACED | WCONTINUED, "cycle exit");
        bad += !(WIFEXITED(st) && WEXITSTATUS(st) == 42);
        errno = 0;
        bad += !(waitpid(-1, &st, WNOHANG | WUNTRACED | WCONTINUED) < 0 && errno == ECHILD);
        finish();
        if (bad) {
            lc_no_children("after a bad cycle", c);
            say("cycle %d went wrong (last status %s)\n", i, lc_st(st));
            break;
        }
    }
    char got[48];
    snprintf(got, sizeof got, "%d bad", bad);
    lc_is("stop/continue/exit cycles", got, "0 bad");
}

int main(void)
{
    lc_init();
    /* the first pass prints, the others only report a difference */
    for (lc_iter = 0; lc_iter < 10 && !lc_timeouts; lc_iter++) {
        lc_quiet = lc_iter > 0;
        basics();
        probes();
        words();
        selection();
    }
    lc_quiet = 0;
    cycles(1000);
    gt_exit();
}
