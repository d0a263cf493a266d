/* The ways a process ends: exit() runs atexit handlers (in reverse order
 * of registration) and flushes stdio; _exit() does neither; returning from
 * main is exit(); exit_group via syscall ends the process with the given
 * status.  Each runs in a child whose output goes into a pipe. */
#include "gt.h"
#include <sys/syscall.h>

static void first(void) { say("atexit: registered first\n"); }
static void second(void) { say("atexit: registered second\n"); }

static void child(int how)
{
    atexit(first);
    atexit(second);
    setvbuf(stdout, NULL, _IOFBF, 4096);
    printf("buffered stdio text\n");      /* stays in the buffer until exit */
    switch (how) {
    case 0: exit(4);
    case 1: _exit(5);
    case 2: syscall(SYS_exit_group, 6); break;
    }
}

int main(void)
{
    const char *names[3] = { "exit(4)", "_exit(5)", "exit_group(6)" };
    for (int how = 0; how < 3; how++) {
        say("-- %s\n", names[how]);
        pid_t c = fork();
        if (c == 0) {
            child(how);
            _exit(99);
        }
        int st;
        waitpid(c, &st, 0);
        say("status: %s\n", status_str(st));
    }
    gt_exit();
}
