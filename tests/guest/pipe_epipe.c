/* Writing to a pipe whose read end is closed raises SIGPIPE (default
 * action: the writer dies with signal 13), or, with SIGPIPE ignored or
 * caught, fails with EPIPE.  Data already in the pipe does not matter. */
#include "gt.h"

static volatile sig_atomic_t got_pipe;
static void on_pipe(int sig) { got_pipe = sig; }

static int writer(void)
{
    int p[2];
    pipe(p);
    close(p[0]);
    write(p[1], "x", 1);           /* SIGPIPE kills us here */
    return 0;
}

int main(void)
{
    int st = run_child(writer);
    say("default SIGPIPE: %s\n", status_str(st));
    expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "writer killed by SIGPIPE");

    signal(SIGPIPE, SIG_IGN);
    int p[2];
    pipe(p);
    close(p[0]);
    errno = 0;
    expect_err(write(p[1], "x", 1), EPIPE, "write with SIGPIPE ignored");
    close(p[1]);

    struct sigaction sa = { .sa_handler = on_pipe };
    sigaction(SIGPIPE, &sa, NULL);
    pipe(p);
    write(p[1], "buffered", 8);
    close(p[0]);
    expect_err(write(p[1], "x", 1), EPIPE, "write with SIGPIPE caught");
    expect(got_pipe == SIGPIPE, "handler saw SIGPIPE");
    gt_exit();
}
