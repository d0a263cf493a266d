/* The dup family and descriptor flags: dup returns the lowest free fd;
 * dup2(fd, fd) returns fd and does nothing; dup2 onto an open fd closes it
 * first; dup3 with the same fd is EINVAL; F_DUPFD and F_DUPFD_CLOEXEC take
 * the lowest fd at or above a minimum; duplicates share the file offset;
 * EBADF for closed and out-of-range descriptors. */
#include "gt.h"

int main(void)
{
    gt_close_extra_fds();
    int fd = open("data.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "hello world", 11);
    say("open: %d\n", fd);
    int d = dup(fd);
    say("dup: %d\n", d);
    lseek(fd, 6, SEEK_SET);
    say("offset via duplicate after lseek on original: %ld\n", (long)lseek(d, 0, SEEK_CUR));
    expect(dup2(fd, fd) == fd, "dup2(fd, fd) returns fd");
    expect_err(dup3(fd, fd, 0), EINVAL, "dup3(fd, fd)");
    int other = open("/dev/null", O_RDONLY);
    expect(dup2(fd, other) == other, "dup2 onto an open fd");
    char buf[8] = { 0 };
    lseek(fd, 0, SEEK_SET);
    read(other, buf, 5);
    say("read through dup2'd fd: \"%s\"\n", buf);
    say("F_DUPFD min 10: %d\n", fcntl(fd, F_DUPFD, 10));
    say("F_DUPFD min 10 again: %d\n", fcntl(fd, F_DUPFD, 10));
    int cl = fcntl(fd, F_DUPFD_CLOEXEC, 20);
    say("F_DUPFD_CLOEXEC min 20: %d cloexec=%d\n", cl, fcntl(cl, F_GETFD) & FD_CLOEXEC);
    int d3 = dup3(fd, 30, O_CLOEXEC);
    say("dup3 O_CLOEXEC to 30: %d cloexec=%d\n", d3, fcntl(d3, F_GETFD) & FD_CLOEXEC);
    expect(fcntl(d3, F_SETFD, 0) == 0 && fcntl(d3, F_GETFD) == 0, "F_SETFD clears cloexec");
    expect((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, "F_GETFL shows O_RDWR");
    int ap = fcntl(fd, F_SETFL, O_APPEND);
    expect(ap == 0 && (fcntl(d, F_GETFL) & O_APPEND), "O_APPEND set via F_SETFL is shared with dup");
    close(d);
    expect_err(dup(d), EBADF, "dup of a closed fd");
    expect_err(dup2(d, 5), EBADF, "dup2 from a closed fd");
    expect_err(fcntl(d, F_GETFD), EBADF, "F_GETFD on a closed fd");
    expect_err(close(d), EBADF, "close of a closed fd");
    expect_err(dup2(fd, -1), EBADF, "dup2 to -1");
    expect_err(dup2(fd, 1 << 30), EBADF, "dup2 to a huge fd");
    expect_err(read(-1, buf, 1), EBADF, "read on fd -1");
    gt_exit();
}
