/* A shell pipeline built by hand with pipe, fork, dup2 and exec:
 *   (this program in --gen mode) | /bin/busybox grep 7 | /bin/busybox wc -l
 * The generator is the test binary itself, re-executed (argv[0]); grep and
 * wc are busybox applets.  Every unused pipe end is closed, so each stage
 * sees EOF when the previous one exits.  The parent reads wc's output
 * through a last pipe and reaps all three children. */
#include "gt.h"

static int gen(void)
{
    for (int i = 1; i <= 1000; i++)
        say("line %d\n", i);
    return 0;
}

static pid_t stage(int in, int out, char **argv, int *close_me, int nclose)
{
    pid_t c = fork();
    if (c == 0) {
        if (in != 0) {
            dup2(in, 0);
            close(in);
        }
        if (out != 1) {
            dup2(out, 1);
            close(out);
        }
        for (int i = 0; i < nclose; i++)
            close(close_me[i]);
        execv(argv[0][0] == '/' ? argv[0] : "/bin/busybox", argv);
        _exit(127);
    }
    return c;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--gen"))
        return gen();
    int a[2], b[2], c[2];
    pipe(a);
    pipe(b);
    pipe(c);
    int all[6] = { a[0], a[1], b[0], b[1], c[0], c[1] };
    pid_t p1 = stage(0, a[1], (char *[]){ argv[0], "--gen", NULL }, all, 6);
    pid_t p2 = stage(a[0], b[1], (char *[]){ "grep", "7", NULL }, all, 6);
    pid_t p3 = stage(b[0], c[1], (char *[]){ "wc", "-l", NULL }, all, 6);
    for (int i = 0; i < 6; i++)
        if (all[i] != c[0])
            close(all[i]);
    char buf[64] = { 0 };
    size_t got = 0;
    ssize_t n;
    while ((n = read(c[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += n;
    say("lines containing 7 among 1..1000: %s", buf);
    int st;
    pid_t ps[3] = { p1, p2, p3 };
    const char *names[3] = { "generator", "grep", "wc" };
    for (int i = 0; i < 3; i++) {
        waitpid(ps[i], &st, 0);
        say("%s: %s\n", names[i], status_str(st));
    }
    expect(atoi(buf) == 271, "count is 271");
    gt_exit();
}
