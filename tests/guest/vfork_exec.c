/* vfork followed by exec or _exit: the parent resumes only after the child
 * has exec'd or exited, sees the child's exit status, and its own state is
 * intact.  (Whether memory is shared before exec is not checked: POSIX
 * leaves it undefined and implementing vfork as fork is valid.) */
#include "gt.h"

int main(void)
{
    volatile int local = 7;
    pid_t c = vfork();
    if (c == 0) {
        execv("/bin/busybox", (char *[]){ "false", NULL });
        _exit(127);
    }
    int st;
    expect(c > 0, "vfork returned a pid in the parent");
    waitpid(c, &st, 0);
    say("vfork+exec false: %s\n", status_str(st));
    c = vfork();
    if (c == 0)
        _exit(21);
    waitpid(c, &st, 0);
    say("vfork+_exit(21): %s\n", status_str(st));
    expect(local == 7, "parent's local intact");
    c = vfork();
    if (c == 0) {
        execv("/no/such/program", (char *[]){ "x", NULL });
        _exit(errno == ENOENT ? 42 : 1);
    }
    waitpid(c, &st, 0);
    say("vfork+failed exec: %s\n", status_str(st));
    gt_exit();
}
