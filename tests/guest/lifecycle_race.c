/* Lifecycle steps that race each other, looped so that they meet in every
 * order on every CPU.  Only the outcome is printed: "N/N ok" per race,
 * where a run is ok if the final state is one that Linux allows for that
 * race (either order of two racing events is fine; a hang, a lost child,
 * a wrong status or a panic is not).
 *
 *   kill-vs-exit        SIGKILL sent while the child exits by itself;
 *   stop-vs-exit        SIGSTOP sent while the child exits by itself;
 *   stop-cont-storm     SIGSTOP/SIGCONT sent back to back while the child
 *                       computes; it must finish with the right result;
 *   cont-kill           SIGCONT and SIGKILL back to back to a stopped child;
 *   parent-child-exit   a parent and its child exit at the same moment;
 *   stop-handler-kill   the panic case, unsynchronised: the parent sends
 *                       SIGUSR1 (whose handler stops the child), SIGKILL,
 *                       and exits, without waiting for anything;
 *   group-kill-chain    a child blocked in wait4 on its own child, both
 *                       killed by one kill(-pgid, SIGKILL);
 *   signal-the-dying    a sibling keeps signalling a child while it exits
 *                       and until it is reaped;
 *   zombie-orphans      a parent leaves several zombies and exits: init
 *                       inherits and reaps them;
 *   nowait-vs-exit      waitid(WNOWAIT) racing the exit, then the real reap
 *                       gives the same status;
 *   kill-waiting-parent a parent blocked in wait4 is killed while its child
 *                       exits;
 *   orphan-spin-release an orphan spinning on a non-blocking pipe read is
 *                       released and exits while the test reads its report
 *                       and closes the pipes (blocking reads throughout).
 * At the end the system must still fork and wait.
 *
 * Guards against: panics and hangs from exit, stop, continue, kill and
 * re-parenting running at once on different CPUs (the bug this suite was
 * written for: a stopped child killed while its parent exits read the
 * parent after it was freed). */
#include "lifecycle.h"
#include <sched.h>

static void result(const char *name, int ok, int runs)
{
    char got[48], want[48];
    snprintf(got, sizeof got, "%d/%d ok", ok, runs);
    snprintf(want, sizeof want, "%d/%d ok", runs, runs);
    lc_is(name, got, want);
}

/* Reaps c whatever state it is in; returns the final (death) status. */
static int finish_child(pid_t c)
{
    int st;
    for (;;) {
        pid_t r = lc_wait(c, &st, WUNTRACED, "finishing a child");
        if (r != c)
            return -1;
        if (WIFSTOPPED(st)) {
            kill(c, SIGCONT);
            continue;
        }
        return st;
    }
}

static int kill_vs_exit(void)
{
    pid_t c = lc_fork();
    if (c == 0)
        _exit(3);
    kill(c, SIGKILL);
    int st = finish_child(c);
    return (WIFEXITED(st) && WEXITSTATUS(st) == 3) || (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

static int stop_vs_exit(void)
{
    pid_t c = lc_fork();
    if (c == 0)
        _exit(3);
    kill(c, SIGSTOP);
    int st;
    pid_t r = lc_wait(c, &st, WUNTRACED, "stop-vs-exit");
    if (r != c)
        return 0;
    if (WIFSTOPPED(st)) {
        if (WSTOPSIG(st) != SIGSTOP)
            return 0;
        kill(c, SIGCONT);
        r = lc_wait(c, &st, 0, "stop-vs-exit after SIGCONT");
    }
    return r == c && WIFEXITED(st) && WEXITSTATUS(st) == 3;
}

static int stop_cont_storm(void)
{
    pid_t c = lc_fork();
    if (c == 0) {
        unsigned x = 1;
        for (int i = 0; i < 3000; i++) {
            x = x * 1103515245u + 12345u;
            if (i % 100 == 0)
                getppid();      /* some system calls in between */
        }
        _exit(x & 0x7f);
    }
    for (int i = 0; i < 20; i++) {
        kill(c, SIGSTOP);
        kill(c, SIGCONT);
    }
    unsigned x = 1;
    for (int i = 0; i < 3000; i++)
        x = x * 1103515245u + 12345u;
    int st;
    /* without WUNTRACED: only the exit is reported */
    pid_t r = lc_wait(c, &st, 0, "stop-cont-storm");
    return r == c && WIFEXITED(st) && WEXITSTATUS(st) == (int)(x & 0x7f);
}

static int cont_kill(void)
{
    pid_t c = lc_fork();
    if (c == 0) {
        raise(SIGSTOP);
        _exit(0);
    }
    int st;
    if (lc_wait(c, &st, WUNTRACED, "cont-kill stop") != c || !WIFSTOPPED(st))
        return 0;
    kill(c, SIGCONT);
    kill(c, SIGKILL);
    pid_t r = lc_wait(c, &st, 0, "cont-kill");
    /* SIGKILL was sent before the child could run after SIGCONT... almost:
     * it may have run and exited 0 in between, which Linux allows too */
    return r == c && ((WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) || (WIFEXITED(st) && WEXITSTATUS(st) == 0));
}

static int parent_child_exit(void)
{
    int p[2];
    lc_pipe(p);
    pid_t pp = lc_fork();
    if (pp == 0) {
        close(p[0]);
        if (fork() == 0)
            _exit(0);
        _exit(0);
    }
    close(p[1]);
    int st;
    pid_t r = lc_wait(pp, &st, 0, "parent-child-exit");
    char e = lc_eof(p[0]);
    close(p[0]);
    return r == pp && WIFEXITED(st) && WEXITSTATUS(st) == 0 && e == 'E';
}

static void on_usr1_stop(int s)
{
    (void)s;
    raise(SIGSTOP);
}

static int stop_handler_kill(void)
{
    int p[2];
    lc_pipe(p);
    pid_t pp = lc_fork();
    if (pp == 0) {
        close(p[0]);
        struct sigaction sa = { .sa_handler = on_usr1_stop };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, NULL);      /* inherited by the child */
        pid_t c = fork();
        if (c == 0) {
            for (;;)
                pause();
        }
        kill(c, SIGUSR1);
        sched_yield();
        kill(c, SIGKILL);
        _exit(0);
    }
    close(p[1]);
    int st;
    pid_t r = lc_wait(pp, &st, 0, "stop-handler-kill");
    char e = lc_eof(p[0]);
    close(p[0]);
    return r == pp && WIFEXITED(st) && WEXITSTATUS(st) == 0 && e == 'E';
}

static int group_kill_chain(void)
{
    int p[2], ready[2];
    lc_pipe(p);
    lc_pipe(ready);
    pid_t c = lc_fork();
    if (c == 0) {
        setpgid(0, 0);
        close(p[0]);
        close(ready[0]);
        pid_t g = fork();
        if (g == 0) {
            for (;;)
                pause();
        }
        lc_putc(ready[1], 'r');
        int st;
        waitpid(g, &st, 0);
        _exit(1);
    }
    setpgid(c, c);
    close(p[1]);
    close(ready[1]);
    lc_getc(ready[0]);
    kill(-c, SIGKILL);
    int st;
    pid_t r = lc_wait(c, &st, 0, "group-kill-chain");
    char e = lc_eof(p[0]);
    close(p[0]);
    close(ready[0]);
    return r == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && e == 'E';
}

static int signal_the_dying(void)
{
    int go[2];
    lc_pipe(go);
    signal(SIGUSR1, SIG_IGN);       /* the child ignores it from its first instruction */
    pid_t c = lc_fork();
    if (c == 0) {
        char b;
        read(go[0], &b, 1);
        _exit(4);
    }
    signal(SIGUSR1, SIG_DFL);
    pid_t h = lc_fork();
    if (h == 0) {
        /* until c is reaped (ESRCH), bounded */
        for (int i = 0; i < 5000 && kill(c, SIGUSR1) == 0; i++)
            ;
        _exit(0);
    }
    lc_putc(go[1], 'x');
    close(go[0]);
    close(go[1]);
    int st, st2;
    pid_t r = lc_wait(c, &st, 0, "signal-the-dying");
    pid_t r2 = lc_wait(h, &st2, 0, "signal-the-dying helper");
    return r == c && WIFEXITED(st) && WEXITSTATUS(st) == 4 && r2 == h && WIFEXITED(st2);
}

static int zombie_orphans(void)
{
    int p[2];
    lc_pipe(p);
    pid_t pp = lc_fork();
    if (pp == 0) {
        close(p[0]);
        for (int i = 0; i < 6; i++)
            if (fork() == 0)
                _exit(i);
        lc_msleep(1);
        _exit(0);
    }
    close(p[1]);
    int st;
    pid_t r = lc_wait(pp, &st, 0, "zombie-orphans");
    char e = lc_eof(p[0]);
    close(p[0]);
    return r == pp && WIFEXITED(st) && e == 'E';
}

static int nowait_vs_exit(void)
{
    pid_t c = lc_fork();
    if (c == 0)
        _exit(9);
    siginfo_t si;
    if (lc_waitid(P_PID, c, &si, WEXITED | WNOWAIT, "nowait-vs-exit") < 0)
        return 0;
    int ok = si.si_pid == c && si.si_code == CLD_EXITED && si.si_status == 9;
    int st;
    pid_t r = lc_wait(c, &st, WNOHANG, "nowait-vs-exit reap");
    return ok && r == c && WIFEXITED(st) && WEXITSTATUS(st) == 9;
}

static int kill_waiting_parent(void)
{
    int rel[2], ready[2], eofp[2];
    lc_pipe(rel);
    lc_pipe(ready);
    lc_pipe(eofp);
    pid_t pp = lc_fork();
    if (pp == 0) {
        close(eofp[0]);
        pid_t c = fork();
        if (c == 0) {
            char b;
            read(rel[0], &b, 1);
            _exit(0);
        }
        close(eofp[1]);
        lc_putc(ready[1], 'r');
        int st;
        waitpid(c, &st, 0);
        _exit(1);
    }
    close(eofp[1]);
    close(rel[0]);
    lc_getc(ready[0]);
    lc_putc(rel[1], 'x');               /* the child exits while ... */
    kill(pp, SIGKILL);                  /* ... its parent is killed in wait4 */
    int st;
    pid_t r = lc_wait(pp, &st, 0, "kill-waiting-parent");
    char e = lc_eof(eofp[0]);
    close(eofp[0]);
    close(rel[1]);
    close(ready[0]);
    close(ready[1]);
    return r == pp && ((WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) || (WIFEXITED(st) && WEXITSTATUS(st) == 1)) &&
           e == 'E';
}

/* read() of exactly n bytes (fewer at EOF) in plain blocking calls; the
 * caller's alarm (lc_alarmed) ends a wait that lasts too long: -2. */
static int read_blocking(int fd, void *buf, int n)
{
    int got = 0;
    while (got < n) {
        ssize_t k = read(fd, (char *)buf + got, n - got);
        if (k < 0 && errno == EINTR && !lc_alarmed)
            continue;
        if (k < 0 && lc_alarmed)
            return -2;
        if (k <= 0)
            break;
        got += k;
    }
    return got;
}

/* The orphan test's "running" case in a loop, with blocking reads: P
 * starts C, which spins polling a non-blocking pipe; P exits; the test
 * releases C through that pipe and closes it; C reports and exits while
 * the test reads its report and EOF and closes its pipe ends. */
static int orphan_spin_release(void)
{
    int ctl[2], rep[2], pids[2];
    lc_pipe(ctl);
    lc_pipe(rep);
    lc_pipe(pids);
    pid_t p = lc_fork();
    if (p == 0) {
        close(ctl[1]);
        close(rep[0]);
        close(pids[0]);
        pid_t me = getpid();
        pid_t c = fork();
        if (c == 0) {
            fcntl(ctl[0], F_SETFL, O_NONBLOCK);
            char b;
            for (;;) {
                lc_spin(20000);
                if (read(ctl[0], &b, 1) == 1)
                    break;
            }
            char r[3] = { getppid() != me ? 'y' : 'n', '0', 'k' };
            write(rep[1], r, 3);
            _exit(0);
        }
        write(pids[1], &c, sizeof c);
        _exit(0);
    }
    close(ctl[0]);
    close(rep[1]);
    close(pids[1]);
    /* one alarm for the whole run: a wait that never ends is cut short */
    lc_alarmed = 0;
    alarm(LC_TIMEOUT);
    pid_t c = 0;
    int n = read_blocking(pids[0], &c, sizeof c);
    int st;
    pid_t r;
    do
        r = waitpid(p, &st, 0);
    while (r < 0 && errno == EINTR && !lc_alarmed);
    lc_putc(ctl[1], 'x');
    close(ctl[1]);
    char rb[3] = { 0 }, e = 0;
    int m = read_blocking(rep[0], rb, 3);
    int eof = read_blocking(rep[0], &e, 1);
    alarm(0);
    if (lc_alarmed) {
        lc_timeouts++;
        say("orphan-spin-release: timed out after %d s\n", LC_TIMEOUT);
        if (r != p)
            kill(p, SIGKILL);
    }
    if ((m != 3 || eof != 0) && n == sizeof c && c > 0)
        kill(c, SIGKILL);
    close(rep[0]);
    close(pids[0]);
    return n == sizeof c && r == p && WIFEXITED(st) && m == 3 && rb[0] == 'y' && eof == 0;
}

struct race {
    const char *name;
    int (*fn)(void);
    int runs;
};

int main(void)
{
    lc_init();
    static const struct race races[] = {
        { "kill-vs-exit", kill_vs_exit, 600 },
        { "stop-vs-exit", stop_vs_exit, 600 },
        { "stop-cont-storm", stop_cont_storm, 240 },
        { "cont-kill", cont_kill, 400 },
        { "parent-child-exit", parent_child_exit, 400 },
        { "stop-handler-kill", stop_handler_kill, 600 },
        { "group-kill-chain", group_kill_chain, 240 },
        { "signal-the-dying", signal_the_dying, 160 },
        { "zombie-orphans", zombie_orphans, 160 },
        { "nowait-vs-exit", nowait_vs_exit, 400 },
        { "kill-waiting-parent", kill_waiting_parent, 320 },
        { "orphan-spin-release", orphan_spin_release, 400 },
    };
    for (unsigned i = 0; i < sizeof races / sizeof races[0]; i++) {
        /* a race that timed out once is not run again: the others are */
        int ok = 0, runs = 0, before = lc_timeouts;
        for (; runs < races[i].runs && lc_timeouts == before; runs++)
            ok += races[i].fn();
        result(races[i].name, ok, races[i].runs);
        lc_no_children("no child left", 0);
    }
    pid_t c = lc_fork();
    if (c == 0)
        _exit(0);
    int st;
    lc_wait(c, &st, 0, "afterwards");
    lc_is("afterwards: fork and wait", lc_st(st), "exited 0");
    gt_exit();
}
