/* execve passes envp exactly: a chosen environment (including an entry
 * with '=' in the value and an empty value) arrives as the new image's
 * environ in order; an empty envp gives an empty environment; getenv in
 * the new image finds the values. */
#include "gt.h"

static int show(void)
{
    int n = 0;
    for (char **e = environ; *e; e++, n++)
        say("env[%d]: %s\n", n, *e);
    say("env count: %d\n", n);
    const char *v = getenv("ALPHA");
    say("getenv ALPHA: %s\n", v ? v : "(null)");
    return 0;
}

static void run(char *self, char **envp, const char *what)
{
    say("-- %s\n", what);
    pid_t c = fork();
    if (c == 0) {
        execve(self, (char *[]){ self, "--child", NULL }, envp);
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child exited 0");
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--child"))
        return show();
    run(argv[0], (char *[]){ "ALPHA=1", "BETA=x=y=z", "EMPTY=", "Z_LAST=end", NULL },
        "four variables");
    run(argv[0], (char *[]){ NULL }, "empty environment");
    /* execv passes the caller's environ: set one more and check. */
    setenv("ALPHA", "from-setenv", 1);
    say("-- inherited environ via execv\n");
    pid_t c = fork();
    if (c == 0) {
        clearenv();
        setenv("ALPHA", "kept", 1);
        setenv("OTHER", "also", 1);
        execv(argv[0], (char *[]){ argv[0], "--child", NULL });
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child exited 0");
    gt_exit();
}
