/* execve failures that leave the caller running: ENOENT for a missing
 * file, ENOTDIR when a path component is a file, EACCES for a directory
 * and for a file without any execute bit, EFAULT for a bad path pointer.
 * After each failure the calling image is intact and keeps running. */
#include "gt.h"

static char *const av[] = { "x", NULL };
static char *const ev[] = { NULL };

int main(void)
{
    int fd = open("plain.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    write(fd, "echo hi\n", 8);
    close(fd);
    mkdir("adir", 0755);
    expect_err(execve("does-not-exist", av, ev), ENOENT, "exec missing file");
    expect_err(execve("/no/such/dir/prog", av, ev), ENOENT, "exec missing directory");
    expect_err(execve("plain.txt/prog", av, ev), ENOTDIR, "exec through a file");
    expect_err(execve("adir", av, ev), EACCES, "exec a directory");
    expect_err(execve("plain.txt", av, ev), EACCES, "exec a file without x bits");
    expect_err(execve(BAD_PTR, av, ev), EFAULT, "exec with a bad path pointer");
    expect_err(execve("", av, ev), ENOENT, "exec empty path");
    say("still running after failed execs: yes\n");
    gt_exit();
}
