/* execve's limits on arguments and environment, compared with Linux:
 *  - the strings (the path, every argument and variable, each with its
 *    NUL) and the pointers to them (8 bytes each, argc counted as at
 *    least 1) may take a quarter of RLIMIT_STACK, at least 128 KiB and at
 *    most 6 MiB: exactly that much runs, one byte more is E2BIG; checked
 *    with the stack limit at 8 MiB (2 MiB for the arguments), 256 KiB
 *    (128 KiB) and unlimited (6 MiB);
 *  - one string may have 131071 bytes (MAX_ARG_STRLEN with its NUL), in
 *    the arguments or in the environment; one byte more is E2BIG;
 *  - 200000 empty arguments fit in 2 MiB and all arrive;
 *  - a program started with no arguments (argv {NULL}, or NULL) gets one,
 *    an empty argv[0], as Linux has done since 5.18;
 *  - the new program sees every byte it was given; a #! script gets its
 *    arguments after the interpreter.
 * Each exec runs in a child; the new image ("NAME child") checks its
 * arguments and exits 0, a failed execve exits with its errno. */
#include "gt.h"
#include <sys/resource.h>

#define MAX_ARG_STRLEN 131072

static const char *self;

/* The new image: argc, and a checksum of what it got against the one the
 * parent put in GT_SUM (the environment's last variable, if any) */
static int child(int argc, char **argv, char **envp)
{
    unsigned long sum = 0;
    for (int i = 2; i < argc; i++)
        for (const char *s = argv[i]; *s; s++)
            sum = sum * 31 + (unsigned char)*s;
    const char *want = getenv("GT_SUM"), *count = getenv("GT_ARGC");
    if (want && strtoul(want, NULL, 10) != sum)
        return 3;
    if (count && atoi(count) != argc)
        return 3;
    for (int i = 2; count && i < argc; i++)
        if (argv[i][0])
            return 3;
    return 0;
}

static unsigned long checksum(char **args)
{
    unsigned long sum = 0;
    for (int i = 2; args[i]; i++)
        for (const char *s = args[i]; *s; s++)
            sum = sum * 31 + (unsigned char)*s;
    return sum;
}

/* execve(self, args, env) with RLIMIT_STACK at `stack` in a child: what became of it. */
static void run(const char *what, rlim_t stack, char **args, char **env)
{
    pid_t p = fork();
    if (p == 0) {
        struct rlimit rl = { stack, RLIM_INFINITY };
        setrlimit(RLIMIT_STACK, &rl);
        execve(args && args[0] && args[0][0] == '.' ? args[0] : self, args, env);
        _exit(errno);
    }
    int st;
    waitpid(p, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        say("%s: ran\n", what);
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
        say("%s: ran, but the arguments differ\n", what);
    else if (WIFEXITED(st))
        say("%s: %s\n", what, errname(WEXITSTATUS(st)));
    else
        say("%s: %s\n", what, status_str(st));
}

/* Arguments self, "child", then strings of 'a'..'z' totalling `bytes`
 * (their NULs included), none longer than MAX_ARG_STRLEN - 1. */
static char **fill(size_t bytes, int *argc)
{
    size_t n = bytes / (MAX_ARG_STRLEN - 1) + 2;
    char **args = calloc(n + 3, sizeof *args);
    int k = 0;
    args[k++] = (char *)self;
    args[k++] = "child";
    while (bytes > 0) {
        size_t len = bytes > MAX_ARG_STRLEN - 1 ? MAX_ARG_STRLEN - 1 : bytes;   /* with its NUL */
        char *s = malloc(len);
        for (size_t i = 0; i + 1 < len; i++)
            s[i] = 'a' + (k + i) % 26;
        s[len - 1] = 0;
        args[k++] = s;
        bytes -= len;
    }
    args[k] = NULL;
    *argc = k;
    return args;
}

static void release(char **args)
{
    for (int i = 2; args[i]; i++)
        free(args[i]);
    free(args);
}

/* The limit for RLIMIT_STACK `stack`, as exec_limits' comment says. */
static size_t limit_for(rlim_t stack)
{
    size_t limit = 6UL << 20;
    if (stack != RLIM_INFINITY && stack / 4 < limit)
        limit = stack / 4;
    return limit < 128 * 1024 ? 128 * 1024 : limit;
}

/* Exactly at the limit, and one byte over, with the environment GT_SUM. */
static void at_limit(const char *what, rlim_t stack)
{
    size_t limit = limit_for(stack);
    char sumvar[64], *env[] = { sumvar, NULL };
    /* the strings: the path, "child", the filling, GT_SUM=...; pointers:
     * the arguments and one variable */
    for (int over = 0; over <= 1; over++) {
        int argc;
        char **args = fill(1, &argc);                       /* to learn argc */
        release(args);
        size_t fixed = strlen(self) + 1 + strlen(self) + 1 + strlen("child") + 1 + 32;
        size_t bytes = limit - fixed + over;
        /* each filling string adds a pointer: solve for their number */
        for (int round = 0; round < 3; round++) {
            args = fill(bytes, &argc);
            release(args);
            bytes = limit - fixed + over - 8 * (size_t)(argc + 1);
        }
        args = fill(bytes, &argc);
        snprintf(sumvar, sizeof sumvar, "GT_SUM=%020lu", checksum(args));
        size_t padded = strlen(sumvar) + 1;
        /* make GT_SUM's variable exactly 32 bytes with its NUL */
        if (padded < 32) {
            memmove(sumvar + 7 + (32 - padded), sumvar + 7, padded - 7);
            memset(sumvar + 7, '0', 32 - padded);
        }
        char line[128];
        snprintf(line, sizeof line, "%s, %s", what, over ? "one byte over" : "exactly at the limit");
        run(line, stack, args, env);
        release(args);
    }
}

int main(int argc, char **argv, char **envp)
{
    if (argc == 0)
        return 4;                       /* started with no arguments at all */
    if (!argv[0][0])
        return argc == 1 ? 0 : 5;       /* the empty argv[0] Linux supplies */
    if (argc > 1 && !strcmp(argv[1], "child"))
        return child(argc, argv, envp);
    self = argv[0];

    at_limit("RLIMIT_STACK 8 MiB (2 MiB)", 8UL << 20);
    at_limit("RLIMIT_STACK 256 KiB (128 KiB)", 256UL << 10);
    at_limit("RLIMIT_STACK unlimited (6 MiB)", RLIM_INFINITY);

    say("-- one string\n");
    char *longest = malloc(MAX_ARG_STRLEN + 1);
    memset(longest, 's', MAX_ARG_STRLEN);
    longest[MAX_ARG_STRLEN - 1] = 0;
    char *args[] = { (char *)self, "child", longest, NULL };
    run("an argument of 131071 bytes", 8UL << 20, args, (char *[]){ NULL });
    longest[MAX_ARG_STRLEN - 1] = 's';
    longest[MAX_ARG_STRLEN] = 0;
    run("an argument of 131072 bytes", 8UL << 20, args, (char *[]){ NULL });
    memcpy(longest, "GT_X=", 5);
    char *plain[] = { (char *)self, "child", NULL };
    run("a variable of 131072 bytes", 8UL << 20, plain, (char *[]){ longest, NULL });
    longest[MAX_ARG_STRLEN - 1] = 0;
    run("a variable of 131071 bytes", 8UL << 20, plain, (char *[]){ longest, NULL });

    say("-- no arguments\n");
    run("argv {NULL}: argc 1, argv[0] empty", 8UL << 20, (char *[]){ NULL }, (char *[]){ NULL });
    run("argv NULL: the same", 8UL << 20, NULL, (char *[]){ NULL });

    say("-- a script\n");
    int sfd = open("script.sh", O_CREAT | O_WRONLY | O_TRUNC, 0755);
    const char *text = "#!/bin/sh -e\necho \"  script: $# arguments, the first $1\"\n";
    write(sfd, text, strlen(text));
    close(sfd);
    run("a #! script with two arguments", 8UL << 20, (char *[]){ "./script.sh", "one", "two", NULL },
        (char *[]){ NULL });

    say("-- many strings\n");
    int many = 200000;
    char **empties = calloc(many + 3, sizeof *empties);
    empties[0] = (char *)self;
    empties[1] = "child";
    for (int i = 0; i < many; i++)
        empties[2 + i] = "";
    run("200000 empty arguments", 8UL << 20, empties, (char *[]){ "GT_ARGC=200002", NULL });
    int lots = (2 << 20) / 8;
    empties = realloc(empties, (lots + 3) * sizeof *empties);
    for (int i = many; i < lots; i++)
        empties[2 + i] = "";
    empties[2 + lots] = NULL;
    run("262144 empty arguments (their pointers alone fill 2 MiB)", 8UL << 20, empties, (char *[]){ NULL });
    gt_exit();
}
