/* A vfork child stopped, continued or killed while its parent waits in
 * vfork; the vfork parent killed or stopped meanwhile.
 *
 * The test forks P; P vforks C and, once vfork returns, reports over a
 * pipe what it then sees of C (wait4's status, or ECHILD when P ignores
 * SIGCHLD and C was reaped at once).  C:
 *   exit           _exit(7) at once;
 *   exec           execs busybox true;
 *   stop-cont      stops itself; the test sees it stopped (/proc State T),
 *                  sends SIGCONT; C then exits 7;
 *   stop-kill      stops itself; the test sends SIGKILL;
 *   kill-running   spins; the test sends SIGKILL;
 *   parent-killed  stops itself; the test kills P, which dies at once even
 *                  though it is waiting in vfork; then C is killed;
 *   parent-stopped C blocks in read; the test sends SIGSTOP to P (which
 *                  takes effect only once vfork returns), releases C, sees
 *                  P stopped, continues it;
 * each with P's SIGCHLD at SIG_DFL and at SIG_IGN (the child is then
 * reaped while its vfork parent still waits for it), several times.
 * C only makes system calls (no libc state is touched while it shares
 * P's memory).
 *
 * Guards against: a vfork parent that never wakes (or wakes too early)
 * when its child is stopped, continued or killed, a vfork parent that
 * reads its child after the child was reaped, a vfork wait SIGKILL cannot
 * end. */
#include "lifecycle.h"
#include <sys/syscall.h>

enum { EXIT, EXEC, STOP_CONT, STOP_KILL, KILL_RUNNING, PARENT_KILLED, PARENT_STOPPED, NCASES };
static const char *case_name[] = { "exit", "exec", "stop-cont", "stop-kill", "kill-running",
                                   "parent-killed", "parent-stopped" };

/* P: vfork C, then report what wait4 says about C on obs. */
static void parent(int k, int ign, int pidw, int obs, int ctl)
{
    if (ign)
        signal(SIGCHLD, SIG_IGN);
    pid_t c = vfork();
    if (c == 0) {
        pid_t me = (pid_t)syscall(SYS_getpid);
        syscall(SYS_write, pidw, &me, sizeof me);
        switch (k) {
        case EXIT:
            break;
        case EXEC: {
            static char *argv[] = { "true", NULL };
            syscall(SYS_execve, "/bin/busybox", argv, NULL);
            break;
        }
        case STOP_CONT:
        case STOP_KILL:
        case PARENT_KILLED:
            syscall(SYS_kill, me, SIGSTOP);
            break;
        case KILL_RUNNING:
            for (;;)
                __asm__ volatile("" ::: "memory");
        case PARENT_STOPPED: {
            char b;
            syscall(SYS_read, ctl, &b, 1);
            break;
        }
        }
        syscall(SYS_exit, 7);
    }
    char line[96];
    int st;
    pid_t r;
    do
        r = waitpid(c, &st, 0);
    while (r < 0 && errno == EINTR);
    if (r == c)
        snprintf(line, sizeof line, "%s", lc_st(st));
    else
        snprintf(line, sizeof line, "%s", r < 0 ? errname(errno) : "other");
    write(obs, line, strlen(line));
    _exit(0);
}

static void run(int k, int ign)
{
    char what[96], want[64];
    int pidp[2], obs[2], ctl[2];
    lc_pipe(pidp);
    lc_pipe(obs);
    lc_pipe(ctl);
    pid_t p = lc_fork();
    if (p == 0) {
        close(pidp[0]);
        close(obs[0]);
        close(ctl[1]);
        parent(k, ign, pidp[1], obs[1], ctl[0]);
    }
    close(pidp[1]);
    close(obs[1]);
    close(ctl[0]);
    const char *dn = ign ? "SIG_IGN" : "SIG_DFL";
    pid_t c = 0;
    if (lc_read(pidp[0], &c, sizeof c) != sizeof c)
        c = 0;
    snprintf(what, sizeof what, "%s/%s: the vfork child started", case_name[k], dn);
    lc_expect(c > 0, what);
    int st;
    if (c > 0) {
        switch (k) {
        case STOP_CONT:
        case STOP_KILL:
        case PARENT_KILLED:
            snprintf(what, sizeof what, "%s/%s: the vfork child stopped", case_name[k], dn);
            lc_expect(lc_await_state(c, 'T'), what);
            if (k == STOP_CONT)
                kill(c, SIGCONT);
            else if (k == STOP_KILL)
                kill(c, SIGKILL);
            else {
                kill(p, SIGKILL);
                lc_wait(p, &st, 0, "waiting for the killed vfork parent");
                snprintf(what, sizeof what, "%s/%s: P, waiting in vfork", case_name[k], dn);
                lc_is(what, lc_st(st), "killed by SIGKILL");
                kill(c, SIGKILL);
            }
            break;
        case KILL_RUNNING:
            kill(c, SIGKILL);
            break;
        case PARENT_STOPPED:
            lc_msleep(2);
            kill(p, SIGSTOP);
            lc_msleep(10);
            lc_putc(ctl[1], 'x');
            lc_wait(p, &st, WUNTRACED, "waiting for P to stop");
            snprintf(what, sizeof what, "%s/%s: P after vfork returned", case_name[k], dn);
            lc_is(what, lc_st(st), "stopped by SIGSTOP");
            kill(p, SIGCONT);
            break;
        }
    }
    if (k != PARENT_KILLED) {
        char line[96] = "";
        int n = lc_read(obs[0], line, sizeof line - 1);
        line[n > 0 ? n : 0] = 0;
        snprintf(what, sizeof what, "%s/%s: P saw", case_name[k], dn);
        const char *w = ign ? "ECHILD" : k == EXEC ? "exited 0" :
                        k == STOP_KILL || k == KILL_RUNNING ? "killed by SIGKILL" : "exited 7";
        snprintf(want, sizeof want, "%s", w);
        lc_is(what, n > 0 ? line : n == -2 ? "nothing (timed out)" : "nothing", want);
        lc_wait(p, &st, 0, "waiting for P");
        snprintf(what, sizeof what, "%s/%s: P", case_name[k], dn);
        lc_is(what, lc_st(st), "exited 0");
    }
    /* C is gone: its end of pidp closes */
    snprintf(what, sizeof what, "%s/%s: the vfork child is gone", case_name[k], dn);
    char e = lc_eof(pidp[0]);
    lc_is(what, e == 'E' ? "yes" : "no", "yes");
    if (e != 'E' && c > 0)
        kill(c, SIGKILL);
    close(pidp[0]);
    close(obs[0]);
    close(ctl[1]);
}

int main(void)
{
    lc_init();
    const int passes = 20;
    for (lc_iter = 0; lc_iter < passes && !lc_timeouts; lc_iter++) {
        lc_quiet = lc_iter > 0;
        for (int k = 0; k < NCASES; k++)
            for (int ign = 0; ign < 2; ign++)
                run(k, ign);
        lc_no_children("no child left", 0);
    }
    lc_quiet = 0;
    pid_t c = lc_fork();
    if (c == 0)
        _exit(0);
    int st;
    lc_wait(c, &st, 0, "afterwards");
    lc_is("afterwards: fork and wait", lc_st(st), "exited 0");
    gt_exit();
}
