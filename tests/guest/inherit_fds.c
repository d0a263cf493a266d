/* What fork and exec do to descriptors.  fork: the child's descriptors
 * refer to the same open file descriptions, so the file offset is shared
 * (the child's write moves the parent's offset).  exec: a descriptor
 * survives unless it has FD_CLOEXEC (set by open(O_CLOEXEC) or by fcntl);
 * the new image checks which descriptor numbers are open with fcntl(F_GETFD)
 * and reads through an inherited one, at the inherited offset. */
#include "gt.h"

static int child_check(void)
{
    /* fd 5: plain, fd 6: O_CLOEXEC, fd 7: FD_CLOEXEC via fcntl,
     * fd 8: cloexec cleared again with fcntl. */
    for (int fd = 5; fd <= 8; fd++) {
        int fl = fcntl(fd, F_GETFD);
        say("after exec fd %d: %s", fd, fl < 0 ? errname(errno) : "open");
        if (fl >= 0)
            say(" cloexec=%d", fl & FD_CLOEXEC);
        say("\n");
    }
    char buf[16] = { 0 };
    ssize_t n = read(5, buf, sizeof buf - 1);
    say("read through inherited fd 5: %zd \"%s\"\n", n, buf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--check"))
        return child_check();

    int fd = open("shared.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "0123456789abcdef", 16);
    lseek(fd, 0, SEEK_SET);

    pid_t c = fork();
    if (c == 0) {
        write(fd, "XYZ", 3);         /* moves the shared offset to 3 */
        _exit(0);
    }
    waitpid(c, NULL, 0);
    say("parent offset after child's 3-byte write: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    expect(lseek(fd, 0, SEEK_CUR) == 3, "offset is shared after fork");

    /* Set up fds 5..8 for the exec check. */
    lseek(fd, 10, SEEK_SET);
    expect(dup2(fd, 5) == 5, "dup2 to 5");
    int a = open("shared.txt", O_RDONLY | O_CLOEXEC);
    expect(dup3(a, 6, O_CLOEXEC) == 6, "dup3 O_CLOEXEC to 6");
    expect(dup2(a, 7) == 7, "dup2 to 7");
    expect(fcntl(7, F_SETFD, FD_CLOEXEC) == 0, "F_SETFD FD_CLOEXEC on 7");
    expect(dup3(a, 8, O_CLOEXEC) == 8, "dup3 O_CLOEXEC to 8");
    expect(fcntl(8, F_SETFD, 0) == 0, "F_SETFD 0 on 8");
    expect((fcntl(a, F_GETFD) & FD_CLOEXEC) != 0, "open(O_CLOEXEC) sets FD_CLOEXEC");
    expect((fcntl(5, F_GETFD) & FD_CLOEXEC) == 0, "dup2 clears FD_CLOEXEC");

    c = fork();
    if (c == 0) {
        execv(argv[0], (char *[]){ argv[0], "--check", NULL });
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    say("exec child: %s\n", status_str(st));
    say("parent offset after exec'd child read: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    gt_exit();
}
