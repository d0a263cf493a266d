/* Process groups and sessions across the lifecycle: the orphaned-group
 * rule, stop signals in orphaned groups, and kill() by group.
 *
 * Every case runs in a session of its own (a process S that called
 * setsid()), so what is orphaned does not depend on how the test was
 * started.  POSIX/Linux rule: when an exit makes a process group orphaned
 * (no member keeps a parent in another group of the same session) and the
 * group has a stopped member, every member gets SIGHUP then SIGCONT.
 *   exit-orphans      P leads group G, its child C (in G) is stopped; P
 *                     exits: C gets SIGHUP (handled) and SIGCONT (handled)
 *                     and runs again;
 *   reparent-orphans  P is in S's group, C leads its own group and is
 *                     stopped; P exits, C's new parent is outside the
 *                     session: same signals;
 *   default-hup       as exit-orphans but SIGHUP has its default action:
 *                     C is killed by it;
 *   not-stopped       C is blocked in read, not stopped: no signal;
 *   sibling-holds     a sibling of C in G still has its parent (S) in the
 *                     session: P's exit orphans nothing, C stays stopped;
 *                     when S kills that sibling, G becomes orphaned and C
 *                     gets SIGHUP and SIGCONT;
 *   orphaned-tstp     in an orphaned group SIGTSTP (raised or sent) is
 *                     discarded, SIGSTOP still stops; in a group that is
 *                     not orphaned SIGTSTP stops;
 *   kill-groups       kill(0) reaches the caller and its group only,
 *                     kill(-pgid) that group only, stop/continue/kill of a
 *                     whole group seen by wait(-pgid), kill(-pgid, 0),
 *                     kill(-1, 0), kill of a zombie;
 *   setpgid-rules     EPERM across sessions and for a session leader,
 *                     ESRCH for a non-child, EACCES after the child's exec,
 *                     EINVAL for a negative pgid.
 * Each case runs several times.
 *
 * Guards against: a missing or doubled SIGHUP/SIGCONT (or one sent when
 * the group is not orphaned), a stopped orphan that never runs again,
 * SIGTSTP stopping an orphaned group forever, kill() reaching the wrong
 * processes, wrong setpgid errors. */
#include "lifecycle.h"

static volatile sig_atomic_t hups, conts, usr1s;
static void on_hup(int s) { (void)s; hups++; }
static void on_cont(int s) { (void)s; conts++; }
static void on_usr1(int s) { (void)s; usr1s++; }

static void handle(int sig, void (*h)(int))
{
    struct sigaction sa = { .sa_handler = h };
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* After it is continued, C reports {SIGHUPs, SIGCONTs} as two digits. */
static void report_counts(int rep)
{
    char r[2] = { (char)('0' + hups), (char)('0' + conts) };
    write(rep, r, 2);
}

/* Reads C's two-digit report: "SIGHUP=h SIGCONT=c", or why there is none. */
static const char *counts(int fd)
{
    static char buf[48];
    char r[2];
    int n = lc_read(fd, r, 2);
    if (n == 2)
        snprintf(buf, sizeof buf, "SIGHUP=%c SIGCONT=%c", r[0], r[1]);
    else
        snprintf(buf, sizeof buf, "%s", n == -2 ? "no report (timed out)" : "no report (gone)");
    return buf;
}

enum { EXIT_ORPHANS, REPARENT_ORPHANS, DEFAULT_HUP, NOT_STOPPED };
static const char *orphan_case_name[] = { "exit-orphans", "reparent-orphans", "default-hup", "not-stopped" };

/* S's part of the orphaned-group cases. */
static void orphan_case(int k)
{
    const char *name = orphan_case_name[k];
    char what[96];
    int rep[2], ctl[2], pidp[2];
    lc_pipe(rep);
    lc_pipe(ctl);
    lc_pipe(pidp);
    pid_t p = lc_fork();
    if (p == 0) {
        if (k != REPARENT_ORPHANS)
            setpgid(0, 0);
        pid_t c = fork();
        if (c == 0) {
            if (k == REPARENT_ORPHANS)
                setpgid(0, 0);
            if (k != DEFAULT_HUP)
                handle(SIGHUP, on_hup);
            handle(SIGCONT, on_cont);
            if (k == NOT_STOPPED) {
                char b;
                lc_putc(rep[1], 'r');
                read(ctl[0], &b, 1);
            } else {
                raise(SIGSTOP);
            }
            report_counts(rep[1]);
            _exit(0);
        }
        if (k == REPARENT_ORPHANS)
            setpgid(c, c);
        int st;
        if (k == NOT_STOPPED) {
            close(rep[1]);
            if (lc_getc(rep[0]) != 'r')
                _exit(3);
        } else if (lc_wait(c, &st, WUNTRACED, "P waits for the stop") != c || !WIFSTOPPED(st)) {
            _exit(3);
        }
        write(pidp[1], &c, sizeof c);
        _exit(0);
    }
    close(rep[1]);
    close(ctl[0]);
    close(pidp[1]);
    pid_t c = 0;
    lc_read(pidp[0], &c, sizeof c);
    int st;
    lc_wait(p, &st, 0, "S waits for P");
    snprintf(what, sizeof what, "%s: P", name);
    lc_is(what, lc_st(st), "exited 0");
    if (k == NOT_STOPPED)
        lc_putc(ctl[1], 'x');
    snprintf(what, sizeof what, "%s: C", name);
    const char *got = counts(rep[0]);
    lc_is(what, got, k == NOT_STOPPED ? "SIGHUP=0 SIGCONT=0" : k == DEFAULT_HUP ? "no report (gone)" :
                     "SIGHUP=1 SIGCONT=1");
    if (strstr(got, "timed out") && c > 0) {
        kill(c, SIGKILL);
        kill(c, SIGCONT);
    }
    snprintf(what, sizeof what, "%s: C gone", name);
    lc_is(what, lc_eof(rep[0]) == 'E' ? "yes" : "no", "yes");
    close(rep[0]);
    close(ctl[1]);
    close(pidp[0]);
}

/* A sibling D of C in P's group, with its parent S in S's group, keeps the
 * group from being orphaned when P exits; D's death orphans it. */
static void sibling_holds(void)
{
    int rep[2], pidp[2], dgo[2];
    lc_pipe(rep);
    lc_pipe(pidp);
    lc_pipe(dgo);
    pid_t p = lc_fork();
    if (p == 0) {
        setpgid(0, 0);
        pid_t c = fork();
        if (c == 0) {
            handle(SIGHUP, on_hup);
            handle(SIGCONT, on_cont);
            raise(SIGSTOP);
            report_counts(rep[1]);
            _exit(0);
        }
        int st;
        if (lc_wait(c, &st, WUNTRACED, "P waits for the stop") != c)
            _exit(3);
        write(pidp[1], &c, sizeof c);
        char b;
        read(dgo[0], &b, 1);            /* D has joined the group */
        _exit(0);
    }
    close(rep[1]);
    close(pidp[1]);
    pid_t c = 0;
    lc_read(pidp[0], &c, sizeof c);
    pid_t d = lc_fork();
    if (d == 0) {
        handle(SIGHUP, on_hup);
        for (;;)
            pause();
    }
    int r = setpgid(d, p);
    lc_is("sibling-holds: S moves D into P's group", r == 0 ? "0" : errname(errno), "0");
    lc_putc(dgo[1], 'x');
    int st;
    lc_wait(p, &st, 0, "S waits for P");
    lc_is("sibling-holds: P", lc_st(st), "exited 0");
    struct pollfd pfd = { .fd = rep[0], .events = POLLIN };
    r = poll(&pfd, 1, 100);
    lc_is("sibling-holds: C after P's exit", r == 0 ? "still stopped" : "ran", "still stopped");
    kill(d, SIGKILL);
    lc_wait(d, &st, 0, "S waits for D");
    lc_is("sibling-holds: D", lc_st(st), "killed by SIGKILL");
    const char *got = counts(rep[0]);
    lc_is("sibling-holds: C after D's death", got, "SIGHUP=1 SIGCONT=1");
    if (strstr(got, "timed out") && c > 0) {
        kill(c, SIGKILL);
        kill(c, SIGCONT);
    }
    lc_is("sibling-holds: C gone", lc_eof(rep[0]) == 'E' ? "yes" : "no", "yes");
    close(rep[0]);
    close(pidp[0]);
    close(dgo[1]);
    close(dgo[0]);
}

/* S's group is orphaned (S's parent is in another session): SIGTSTP is
 * discarded there; a group led by S's child is not orphaned. */
static void orphaned_tstp(void)
{
    int rep[2];
    lc_pipe(rep);
    int st;
    for (int how = 0; how < 2; how++) {
        pid_t c = lc_fork();
        if (c == 0) {
            char b;
            if (how == 0) {
                raise(SIGTSTP);
                lc_putc(rep[1], 'k');
            } else {
                (void)b;
                lc_putc(rep[1], 'r');
                for (;;)
                    pause();
            }
            _exit(0);
        }
        if (how == 1) {
            lc_getc(rep[0]);
            kill(c, SIGTSTP);
            lc_msleep(20);
            pid_t w = waitpid(c, &st, WNOHANG | WUNTRACED);
            lc_is("orphaned-tstp: kill(SIGTSTP) in an orphaned group", w == 0 ? "ignored" : lc_st(st), "ignored");
            if (w == c && WIFSTOPPED(st)) {     /* wrongly stopped: undo it */
                kill(c, SIGCONT);
                lc_wait(c, &st, WCONTINUED, "undoing the stop");
            }
            kill(c, SIGSTOP);
            lc_wait(c, &st, WUNTRACED, "wait SIGSTOP");
            lc_is("orphaned-tstp: SIGSTOP in an orphaned group", lc_st(st), "stopped by SIGSTOP");
            kill(c, SIGKILL);
            lc_wait(c, &st, 0, "wait kill");
        } else {
            char r = lc_getc(rep[0]);
            lc_is("orphaned-tstp: raise(SIGTSTP) in an orphaned group",
                  r == 'k' ? "ignored" : "no report", "ignored");
            if (r != 'k') {
                kill(c, SIGKILL);
                kill(c, SIGCONT);
            }
            lc_wait(c, &st, 0, "wait");
        }
    }
    /* not orphaned: a child that leads its own group in our session */
    pid_t c = lc_fork();
    if (c == 0) {
        setpgid(0, 0);
        lc_putc(rep[1], 'r');
        raise(SIGTSTP);
        lc_putc(rep[1], 'c');
        _exit(0);
    }
    setpgid(c, c);
    lc_getc(rep[0]);
    lc_wait(c, &st, WUNTRACED, "wait SIGTSTP");
    lc_is("orphaned-tstp: raise(SIGTSTP) in a group that is not orphaned", lc_st(st), "stopped by SIGTSTP");
    kill(c, SIGCONT);
    lc_is("orphaned-tstp: continued", lc_getc(rep[0]) == 'c' ? "runs" : "no report", "runs");
    lc_wait(c, &st, 0, "wait");
    close(rep[0]);
    close(rep[1]);
}

/* Children that count SIGUSR1 until released, then report the count. */
static pid_t usr1_child(int rep, int ctl, char id, int own_group)
{
    pid_t c = lc_fork();
    if (c == 0) {
        if (own_group)
            setpgid(0, own_group > 1 ? own_group : 0);
        usr1s = 0;
        handle(SIGUSR1, on_usr1);
        lc_putc(rep, 'r');
        char b;
        while (read(ctl, &b, 1) < 0 && errno == EINTR)
            ;
        char r[2] = { id, (char)('0' + usr1s) };
        write(rep, r, 2);
        _exit(0);
    }
    if (own_group)
        setpgid(c, own_group > 1 ? own_group : c);
    return c;
}

static void kill_groups(void)
{
    int rep[2], ctl[2];
    lc_pipe(rep);
    lc_pipe(ctl);
    usr1s = 0;
    handle(SIGUSR1, on_usr1);
    pid_t a = usr1_child(rep[1], ctl[0], 'a', 0);      /* S's group */
    pid_t b = usr1_child(rep[1], ctl[0], 'b', 0);      /* S's group */
    pid_t g = usr1_child(rep[1], ctl[0], 'g', 1);      /* leads group g */
    pid_t h = usr1_child(rep[1], ctl[0], 'h', g);      /* in group g */
    for (int i = 0; i < 4; i++)
        lc_getc(rep[0]);
    lc_is("kill-groups: getpgid of the group members", getpgid(g) == g && getpgid(h) == g ? "g" : "wrong", "g");

    kill(0, SIGUSR1);            /* S, a, b */
    kill(-g, SIGUSR1);           /* g, h */
    kill(-g, SIGUSR1);           /* g, h again */
    kill(a, SIGUSR1);            /* a again */
    for (int i = 0; i < 4; i++)
        lc_putc(ctl[1], 'x');
    int seen[26] = { 0 };
    for (int i = 0; i < 4; i++) {
        char r[2];
        if (lc_read(rep[0], r, 2) == 2 && r[0] >= 'a' && r[0] <= 'z')
            seen[r[0] - 'a'] = r[1] - '0';
    }
    char got[64];
    /* standard signals do not queue: "2" may also be "1" if the second
     * arrived before the first was handled, so both count as "some" */
    snprintf(got, sizeof got, "S=%d a=%s b=%d g=%s h=%s", (int)usr1s, seen[0] ? "some" : "0", seen[1],
             seen['g' - 'a'] ? "some" : "0", seen['h' - 'a'] ? "some" : "0");
    lc_is("kill-groups: SIGUSR1 counts after kill(0), kill(-g) twice, kill(a)", got,
          "S=1 a=some b=1 g=some h=some");
    int st;
    pid_t all[4] = { a, b, g, h };
    for (int i = 0; i < 4; i++)
        lc_wait(all[i], &st, 0, "reap");

    /* a whole group stopped, continued and killed, seen by wait(-pgid) */
    close(ctl[0]);
    close(ctl[1]);
    lc_pipe(ctl);
    g = usr1_child(rep[1], ctl[0], 'g', 1);
    h = usr1_child(rep[1], ctl[0], 'h', g);
    lc_getc(rep[0]);
    lc_getc(rep[0]);
    lc_is("kill-groups: kill(-pgid, 0)", kill(-g, 0) == 0 ? "0" : errname(errno), "0");
    lc_is("kill-groups: kill(-1, 0)", kill(-1, 0) == 0 ? "0" : errname(errno), "0");
    lc_is("kill-groups: kill(-missing group, 0)", kill(-999999, 0) == 0 ? "0" : errname(errno), "ESRCH");
    kill(-g, SIGSTOP);
    int n = 0;
    for (int i = 0; i < 2; i++)
        n += lc_wait(-g, &st, WUNTRACED, "wait -pgid stop") > 0 && WIFSTOPPED(st);
    snprintf(got, sizeof got, "%d", n);
    lc_is("kill-groups: members stopped by kill(-pgid, SIGSTOP)", got, "2");
    lc_is("kill-groups: no third report", waitpid(-g, &st, WNOHANG | WUNTRACED) == 0 ? "0" : "more", "0");
    kill(-g, SIGCONT);
    n = 0;
    for (int i = 0; i < 2; i++)
        n += lc_wait(-g, &st, WCONTINUED, "wait -pgid cont") > 0 && WIFCONTINUED(st);
    snprintf(got, sizeof got, "%d", n);
    lc_is("kill-groups: members continued by kill(-pgid, SIGCONT)", got, "2");
    kill(-g, SIGKILL);
    n = 0;
    for (int i = 0; i < 2; i++)
        n += lc_wait(-g, &st, 0, "wait -pgid kill") > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    snprintf(got, sizeof got, "%d", n);
    lc_is("kill-groups: members killed by kill(-pgid, SIGKILL)", got, "2");
    lc_is("kill-groups: the emptied group", kill(-g, 0) == 0 ? "0" : errname(errno), "ESRCH");
    close(ctl[0]);
    close(ctl[1]);

    /* a zombie can still be signalled (nothing happens) until reaped */
    pid_t z = lc_fork();
    if (z == 0)
        _exit(6);
    siginfo_t si;
    lc_waitid(P_PID, z, &si, WEXITED | WNOWAIT, "zombie");
    lc_is("kill-groups: kill(zombie, 0)", kill(z, 0) == 0 ? "0" : errname(errno), "0");
    lc_is("kill-groups: kill(zombie, SIGKILL)", kill(z, SIGKILL) == 0 ? "0" : errname(errno), "0");
    lc_wait(z, &st, 0, "reap zombie");
    lc_is("kill-groups: the zombie's status is unchanged", lc_st(st), "exited 6");
    lc_is("kill-groups: kill(reaped, 0)", kill(z, 0) == 0 ? "0" : errname(errno), "ESRCH");
    close(rep[0]);
    close(rep[1]);
    signal(SIGUSR1, SIG_DFL);
}

static void setpgid_rules(void)
{
    int st;
    lc_is("setpgid-rules: session leader changes its group", setpgid(0, 0) == 0 ? "0" : errname(errno), "EPERM");
    lc_is("setpgid-rules: negative pgid", setpgid(0, -1) == 0 ? "0" : errname(errno), "EINVAL");
    lc_is("setpgid-rules: a non-child", setpgid(getppid(), getppid()) == 0 ? "0" : errname(errno), "ESRCH");

    int go[2], ready[2];
    lc_pipe(go);
    lc_pipe(ready);
    pid_t c = lc_fork();          /* a child in another session */
    if (c == 0) {
        setsid();
        lc_putc(ready[1], 'r');
        char b;
        read(go[0], &b, 1);
        _exit(0);
    }
    lc_getc(ready[0]);
    close(ready[0]);
    close(ready[1]);
    lc_is("setpgid-rules: child in another session", setpgid(c, c) == 0 ? "0" : errname(errno), "EPERM");
    lc_is("setpgid-rules: its getsid is its pid", getsid(c) == c ? "yes" : "no", "yes");
    pid_t d = lc_fork();          /* a child moved into the other session's group */
    if (d == 0) {
        char b;
        read(go[0], &b, 1);
        _exit(0);
    }
    lc_is("setpgid-rules: into a group of another session", setpgid(d, c) == 0 ? "0" : errname(errno), "EPERM");
    lc_putc(go[1], 'x');
    lc_putc(go[1], 'x');
    lc_wait(c, &st, 0, "reap");
    lc_wait(d, &st, 0, "reap");
    close(go[0]);
    close(go[1]);

    /* after the child's exec */
    int in[2], sync[2];
    lc_pipe(in);
    lc_pipe(sync);
    fcntl(sync[1], F_SETFD, FD_CLOEXEC);
    c = lc_fork();
    if (c == 0) {
        dup2(in[0], 0);
        close(in[0]);
        close(in[1]);
        close(sync[0]);
        char *argv[] = { "cat", NULL };
        execve("/bin/busybox", argv, NULL);
        _exit(127);
    }
    close(in[0]);
    close(sync[1]);
    lc_eof(sync[0]);              /* closes on exec */
    lc_is("setpgid-rules: child after exec", setpgid(c, c) == 0 ? "0" : errname(errno), "EACCES");
    close(in[1]);
    lc_wait(c, &st, 0, "reap cat");
    lc_is("setpgid-rules: the exec'd child", lc_st(st), "exited 0");
    close(sync[0]);
}

/* Runs fn in a new session (a child that called setsid); the child's own
 * checks decide its exit status. */
static void in_session(const char *name, void (*fn)(void))
{
    pid_t s = lc_fork();
    if (s == 0) {
        gt_failures = 0;
        lc_timeouts = 0;
        if (setsid() < 0) {
            say("%s: setsid failed: %s\n", name, errname(errno));
            _exit(1);
        }
        fn();
        lc_no_children("no child left in the session", 0);
        _exit(lc_timeouts ? 2 : gt_failures ? 1 : 0);
    }
    int st;
    lc_wait_secs(s, &st, 0, name, 60);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 2)
        lc_timeouts++;          /* a step timed out: do not repeat */
    char what[96];
    snprintf(what, sizeof what, "%s: session", name);
    lc_is(what, lc_st(st), "exited 0");
}

static void exit_orphans(void) { orphan_case(EXIT_ORPHANS); }
static void reparent_orphans(void) { orphan_case(REPARENT_ORPHANS); }
static void default_hup(void) { orphan_case(DEFAULT_HUP); }
static void not_stopped(void) { orphan_case(NOT_STOPPED); }

int main(void)
{
    lc_init();
    const int passes = 15;
    for (lc_iter = 0; lc_iter < passes && !lc_timeouts; lc_iter++) {
        lc_quiet = lc_iter > 0;
        in_session("exit-orphans", exit_orphans);
        in_session("reparent-orphans", reparent_orphans);
        in_session("default-hup", default_hup);
        in_session("not-stopped", not_stopped);
        in_session("sibling-holds", sibling_holds);
        in_session("orphaned-tstp", orphaned_tstp);
        in_session("kill-groups", kill_groups);
        in_session("setpgid-rules", setpgid_rules);
    }
    gt_exit();
}
