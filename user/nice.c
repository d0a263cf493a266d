/*
 * nice: run a program with a changed niceness, or print the current one.
 * Debian's busybox-static is built without this applet, so Tessera ships
 * its own, making the same Linux calls (getpriority/setpriority).
 *
 *   nice                 print the niceness
 *   nice [-n N] CMD...   run CMD with niceness + N (default 10)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr, "usage: nice [-n ADJUSTMENT] [COMMAND [ARG]...]\n");
    return 125;
}

int main(int argc, char **argv)
{
    int adj = 10, i = 1;
    if (i < argc && !strcmp(argv[i], "-n")) {
        if (i + 1 >= argc)
            return usage();
        char *end;
        adj = (int)strtol(argv[i + 1], &end, 10);
        if (*end || !*argv[i + 1])
            return usage();
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9') {
        adj = atoi(argv[i] + 1);    /* the old "nice -5 cmd" form */
        i++;
    }
    errno = 0;
    int cur = getpriority(PRIO_PROCESS, 0);
    if (cur == -1 && errno) {
        perror("nice: getpriority");
        return 125;
    }
    if (i >= argc) {
        printf("%d\n", cur);
        return 0;
    }
    if (setpriority(PRIO_PROCESS, 0, cur + adj) < 0)
        fprintf(stderr, "nice: cannot set niceness: %s\n", strerror(errno));
    execvp(argv[i], argv + i);
    fprintf(stderr, "nice: %s: %s\n", argv[i], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
