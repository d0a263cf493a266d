/* execve passes argv exactly: the test re-executes itself (argv[0] is the
 * absolute path the driver used) with a list containing an empty string,
 * spaces, a long argument and many arguments; the new image prints argc
 * and every argument.  exec keeps the pid, and argv[argc] is NULL. */
#include "gt.h"

static int show(int argc, char **argv)
{
    say("new image: argc=%d\n", argc);
    int numbered = 0;
    for (int i = 1; i < argc; i++) {
        char want[16];
        snprintf(want, sizeof want, "n%d", numbered);
        if (!strcmp(argv[i], want)) {
            numbered++;
            continue;
        }
        size_t len = strlen(argv[i]);
        if (len > 60)
            say("argv[%d]: %zu bytes, all 'x': %s\n", i, len,
                strspn(argv[i], "x") == len ? "yes" : "no");
        else
            say("argv[%d]: \"%s\"\n", i, argv[i]);
    }
    say("numbered arguments n0..n%d in order: %d\n", numbered - 1, numbered);
    say("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
    say("argv[0] ends in /exec_argv: %s\n",
        strlen(argv[0]) >= 10 && !strcmp(argv[0] + strlen(argv[0]) - 10, "/exec_argv") ? "yes" : "no");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--child"))
        return show(argc, argv);

    static char big[3000];
    memset(big, 'x', sizeof big - 1);
    char *args[80];
    int n = 0;
    args[n++] = argv[0];
    args[n++] = "--child";
    args[n++] = "";
    args[n++] = "two words";
    args[n++] = "  leading and trailing  ";
    args[n++] = "tab\there";
    args[n++] = big;
    for (int i = 0; i < 64; i++) {
        static char nums[64][8];
        snprintf(nums[i], sizeof nums[i], "n%d", i);
        args[n++] = nums[i];
    }
    args[n] = NULL;

    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        pid_t before = getpid();
        write(p[1], &before, sizeof before);
        close(p[1]);
        execve(argv[0], args, (char *[]){ NULL });
        say("execve failed: %s\n", errname(errno));
        _exit(127);
    }
    close(p[1]);
    pid_t before;
    read(p[0], &before, sizeof before);
    int st;
    expect(waitpid(c, &st, 0) == c, "exec'd child reaped under the fork pid");
    expect(before == c, "pid before exec == fork's return");
    say("child: %s\n", status_str(st));
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "new image exited 0");
    gt_exit();
}
