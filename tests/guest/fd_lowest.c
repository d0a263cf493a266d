/* New descriptors take the lowest free number: close(1) then open()
 * returns 1 (the book's redirection trick), so printf-free output through
 * fd 1 lands in the file; holes left by close are refilled lowest-first by
 * open, dup and pipe. */
#include "gt.h"

int main(void)
{
    gt_close_extra_fds();
    int saved = dup(1);                       /* keep the real stdout */
    close(1);
    int fd = open("out.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    write(1, "into the file\n", 14);
    dup2(saved, 1);
    close(saved);
    say("open after close(1) returned: %d\n", fd);
    expect(fd == 1, "lowest free fd was 1");
    close(fd == 1 ? -1 : fd);

    char buf[64] = { 0 };
    int r = open("out.txt", O_RDONLY);
    read(r, buf, sizeof buf - 1);
    close(r);
    say("file holds: %s", buf);

    /* Make holes at 3..6 then fill them with open, dup and pipe. */
    int a = open("/dev/null", O_RDONLY);      /* 3 */
    int b = open("/dev/null", O_RDONLY);      /* 4 */
    int c = open("/dev/null", O_RDONLY);      /* 5 */
    int d = open("/dev/null", O_RDONLY);      /* 6 */
    say("four opens: %d %d %d %d\n", a, b, c, d);
    close(b);
    close(d);
    close(a);
    int e = dup(c);
    say("dup fills: %d\n", e);
    int p[2];
    pipe(p);
    say("pipe fills: %d %d\n", p[0], p[1]);
    int f = open("/dev/null", O_RDONLY);
    say("next open: %d\n", f);
    close(0);
    say("open after close(0): %d\n", open("/dev/null", O_RDONLY));
    gt_exit();
}
