/* close_range(2), compared with Linux:
 *  - a range in the middle closes exactly its open descriptors, the ones
 *    around it stay; a range past the last open one, or up to UINT_MAX, is
 *    fine; first > last and unknown flags are EINVAL;
 *  - CLOSE_RANGE_CLOEXEC closes nothing but marks the range close-on-exec,
 *    and an exec then drops them (the new program finds them closed);
 *  - in a thread, which shares the descriptor table, a plain close_range
 *    closes them for the whole process, while CLOSE_RANGE_UNSHARE first
 *    gives the thread a table of its own: the other threads keep theirs.
 * Guards against: an off-by-one at either end, UINT_MAX wrapping round,
 * CLOEXEC closing, UNSHARE closing the shared table. */
#include "gt.h"
#include <pthread.h>
#include <sys/syscall.h>

#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)

static long cr(unsigned first, unsigned last, unsigned flags) { return syscall(SYS_close_range, first, last, flags); }

/* "3:o 4:- 5:c": which of 3..last are open (o), open close-on-exec (c), closed (-). */
static void show(const char *what, int last)
{
    char buf[256] = "";
    for (int fd = 3; fd <= last; fd++) {
        int r = fcntl(fd, F_GETFD);
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " %d:%s", fd,
                 r < 0 ? "-" : (r & FD_CLOEXEC) ? "c" : "o");
    }
    say("%s:%s\n", what, buf);
}

static void open_all(int last)
{
    for (int fd = 3; fd <= last; fd++)
        if (fcntl(fd, F_GETFD) < 0)
            dup2(0, fd);
}

static void *unshare_thread(void *arg)
{
    long r = cr(3, ~0U, (unsigned)(long)arg);
    show(arg ? "thread after close_range(3, ~0, UNSHARE)" : "thread after close_range(3, ~0, 0)", 8);
    return (void *)r;
}

int main(int argc, char **argv)
{
    if (argc > 1) {                     /* after the exec */
        show("after exec", 8);
        return 0;
    }
    gt_close_extra_fds();
    open_all(8);
    show("open", 8);
    expect(cr(5, 6, 0) == 0, "close_range(5, 6, 0)");
    show("after it", 8);
    expect(cr(8, 8, 0) == 0, "close_range(8, 8, 0)");
    expect(cr(20, 30, 0) == 0, "close_range over closed descriptors");
    expect(cr(~0U, ~0U, 0) == 0, "close_range(~0, ~0, 0)");
    show("after them", 8);
    expect_err(cr(6, 5, 0), EINVAL, "first > last");
    expect_err(cr(3, 4, 1), EINVAL, "flag 1");
    expect_err(cr(3, 4, 8), EINVAL, "flag 8");
    show("after the errors", 8);

    open_all(8);
    expect(cr(4, 6, CLOSE_RANGE_CLOEXEC) == 0, "close_range(4, 6, CLOEXEC)");
    show("after it", 8);
    expect(cr(7, ~0U, CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE) == 0, "close_range(7, ~0, CLOEXEC|UNSHARE)");
    show("after it", 8);
    pid_t p = fork();
    if (p == 0) {
        execl(argv[0], argv[0], "after-exec", (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    say("exec child: %s\n", status_str(st));

    gt_close_extra_fds();
    open_all(8);
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, unshare_thread, (void *)(long)CLOSE_RANGE_UNSHARE);
    pthread_join(t, &r);
    expect(r == 0, "the thread's close_range returned 0");
    show("main thread after it", 8);
    pthread_create(&t, NULL, unshare_thread, NULL);
    pthread_join(t, &r);
    expect(r == 0, "the thread's close_range returned 0");
    show("main thread after it", 8);
    gt_exit();
}
