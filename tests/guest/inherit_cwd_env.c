/* The working directory and the environment are inherited by fork and
 * kept across exec.  The parent chdirs into a directory it made and sets a
 * variable; a forked child, and an exec'd image, report getcwd (relative to
 * the starting directory, never the absolute scratch path) and the value.
 * A child's chdir does not affect the parent. */
#include "gt.h"
#include <limits.h>

static char start[PATH_MAX];

static const char *rel(const char *path)
{
    size_t n = strlen(start);
    if (!strncmp(path, start, n))
        return path[n] ? path + n : "(start)";
    return path;
}

static int report(const char *who)
{
    char cwd[PATH_MAX];
    const char *s = getenv("GT_START");
    if (s)
        snprintf(start, sizeof start, "%s", s);
    if (!getcwd(cwd, sizeof cwd))
        return 1;
    const char *v = getenv("INHERIT_ME");
    say("%s: cwd=%s INHERIT_ME=%s\n", who, rel(cwd), v ? v : "(unset)");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--report"))
        return report("exec'd image");

    getcwd(start, sizeof start);
    setenv("GT_START", start, 1);
    mkdir("sub", 0755);
    mkdir("sub/deeper", 0755);
    expect(chdir("sub/deeper") == 0, "chdir sub/deeper");
    setenv("INHERIT_ME", "value-from-parent", 1);
    report("parent");

    pid_t c = fork();
    if (c == 0) {
        report("forked child");
        chdir("/");
        _exit(0);
    }
    waitpid(c, NULL, 0);
    report("parent after child chdir /");

    c = fork();
    if (c == 0) {
        execv(argv[0], (char *[]){ argv[0], "--report", NULL });
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec'd image exited 0");
    gt_exit();
}
