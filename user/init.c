/*
 * Tessera's /sbin/init (pid 1).
 *
 * Makes the console the controlling terminal of a new session (so the
 * shell gets job control, which Linux's initramfs shells lack), prints how
 * to use the system, runs the login shell and reaps every orphan handed to
 * it.  When the shell exits, init exits 0 and the kernel stops the machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char banner[] =
    "\n"
    "Tessera: a kernel for Operating Systems: Three Easy Pieces (busybox userland).\n"
    "Try: ls /bin, ps, cat /proc/self/maps, cat /proc/meminfo, /tests/p1\n"
    "Leave: type 'poweroff -f' (or exit), or press Ctrl-A then x to quit QEMU.\n\n";

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    setsid();
    if (ioctl(0, TIOCSCTTY, 0) < 0)
        fprintf(stderr, "init: no controlling terminal: %s\n", strerror(errno));
    if (write(1, banner, sizeof banner - 1) < 0)
        return 1;

    pid_t shell = fork();
    if (shell < 0) {
        perror("init: fork");
        return 1;
    }
    if (shell == 0) {
        char *sh_argv[] = { "-sh", NULL };
        char *envp[] = { "HOME=/root", "TERM=vt100", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "PS1=\\w # ",
                         "SHELL=/bin/sh", NULL };
        chdir("/root");
        execve("/bin/sh", sh_argv, envp);
        perror("init: exec /bin/sh");
        _exit(127);
    }
    for (;;) {
        int status;
        pid_t p = wait(&status);
        if (p == shell)
            return 0;
        if (p < 0 && errno == ECHILD)
            return 0;
    }
}
