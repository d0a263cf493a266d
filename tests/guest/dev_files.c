/* The device files every program expects: /dev/null reads as empty and
 * swallows writes (reporting the full count), /dev/zero reads as zeros
 * for any length, /dev/console opens for writing.  Also: stdin is
 * /dev/null under the test driver, so reading it gives EOF. */
#include "gt.h"

int main(void)
{
    char buf[8192];
    int fd = open("/dev/null", O_RDWR);
    expect(fd >= 0, "open /dev/null");
    say("read /dev/null: %zd\n", read(fd, buf, sizeof buf));
    say("write 5000 to /dev/null: %zd\n", write(fd, buf, 5000));
    close(fd);

    fd = open("/dev/zero", O_RDONLY);
    expect(fd >= 0, "open /dev/zero");
    memset(buf, 0x5a, sizeof buf);
    ssize_t n = read(fd, buf, sizeof buf);
    int zeros = 1;
    for (ssize_t i = 0; i < n; i++)
        zeros &= buf[i] == 0;
    say("read 8192 from /dev/zero: %zd all zero=%d\n", n, zeros);
    close(fd);

    fd = open("/dev/console", O_WRONLY | O_NOCTTY);
    expect(fd >= 0, "open /dev/console for writing");
    close(fd);
    say("read stdin: %zd\n", read(0, buf, sizeof buf));
    expect_err(open("/dev/does-not-exist", O_RDONLY), ENOENT, "open a missing device");
    gt_exit();
}
