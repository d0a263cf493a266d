/* Wait statuses of children killed by signals: SIGKILL and SIGTERM sent by
 * the parent while the child is blocked in pause(), SIGUSR1 with default
 * action, abort() (SIGABRT), and a child that raises SIGTERM on itself.
 * WIFSIGNALED must be set and WTERMSIG must name the signal. */
#include "gt.h"

static int do_abort(void) { abort(); }
static int do_raise(void) { raise(SIGTERM); return 0; }

static void kill_paused(int sig)
{
    int ready[2];
    pipe(ready);
    pid_t c = fork();
    if (c == 0) {
        close(ready[0]);
        close(ready[1]);          /* tells the parent we are running */
        for (;;)
            pause();
    }
    close(ready[1]);
    char b;
    read(ready[0], &b, 1);        /* EOF once the child closed its end */
    close(ready[0]);
    kill(c, sig);
    int st;
    waitpid(c, &st, 0);
    say("kill with %d: %s\n", sig, status_str(st));
    if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
        gt_failures++;
}

int main(void)
{
    /* Default actions whatever the launcher left (nohup ignores SIGHUP,
     * a background job of a script SIGINT). */
    signal(SIGTERM, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    kill_paused(SIGKILL);
    kill_paused(SIGTERM);
    kill_paused(SIGUSR1);
    kill_paused(SIGHUP);
    int st = run_child(do_abort);
    say("abort(): %s\n", status_str(st));
    expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "abort gives SIGABRT");
    st = run_child(do_raise);
    say("raise(SIGTERM): %s\n", status_str(st));
    expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "raise gives SIGTERM");
    expect(!WIFEXITED(st), "a signalled child is not WIFEXITED");
    gt_exit();
}
