/* Shell-style redirection between fork and exec: stdout to a file with
 * close+open (the book's p4 trick), stdin from a file with dup2, appending
 * with O_APPEND, and stderr to stdout (2>&1).  The exec'd programs are
 * busybox applets run as /bin/busybox, present on Linux and in the guest. */
#include "gt.h"

static void run(char **argv, const char *in, const char *out, int flags, int err_too)
{
    pid_t c = fork();
    if (c == 0) {
        if (in) {
            int fd = open(in, O_RDONLY);
            dup2(fd, 0);
            close(fd);
        }
        if (out) {
            close(1);
            if (open(out, O_CREAT | O_WRONLY | flags, 0644) != 1)
                _exit(99);
        }
        if (err_too)
            dup2(1, 2);
        execv("/bin/busybox", argv);
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    say("%s: %s\n", argv[0], status_str(st));
}

static void show(const char *name)
{
    char buf[256] = { 0 };
    int fd = open(name, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    say("%s (%zd bytes):\n%s", name, n, buf);
}

int main(void)
{
    run((char *[]){ "echo", "first line", NULL }, NULL, "out.txt", O_TRUNC, 0);
    run((char *[]){ "echo", "second line", NULL }, NULL, "out.txt", O_APPEND, 0);
    show("out.txt");
    run((char *[]){ "wc", "-l", NULL }, "out.txt", "count.txt", O_TRUNC, 0);
    show("count.txt");
    run((char *[]){ "cat", "no-such-file", NULL }, NULL, "err.txt", O_TRUNC, 1);
    show("err.txt");
    run((char *[]){ "echo", "replaced", NULL }, NULL, "out.txt", O_TRUNC, 0);
    show("out.txt");
    gt_exit();
}
