/* gt-side: guest-only.  On Linux it would push the host's whole log out.
 *
 * A /dev/kmsg reader that falls behind: once the ring has wrapped past the
 * record it was about to read, poll reports POLLERR|POLLPRI with POLLIN, one
 * read fails with EPIPE, and reading goes on from the oldest record kept,
 * one record after the other.  syslog(2) READ_ALL still returns whole
 * syslog lines that fit in SIZE_BUFFER.  The filler messages are debug
 * ones, which no console shows. */
#include "gt.h"
#include <poll.h>
#include <sys/klog.h>

static char rec[8192];

/* The sequence number of the next record, or -1 (errno set). */
static long long next_seq(int fd)
{
    ssize_t n = read(fd, rec, sizeof rec - 1);
    if (n <= 0)
        return -1;
    rec[n] = 0;
    unsigned prio;
    unsigned long long seq;
    return sscanf(rec, "%u,%llu,", &prio, &seq) == 2 && rec[n - 1] == '\n' ? (long long)seq : -2;
}

int main(void)
{
    int size = klogctl(10, NULL, 0);
    expect(size > 0, "SIZE_BUFFER > 0");
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    long long first = next_seq(fd);
    expect(first >= 0, "a fresh descriptor reads the oldest record");

    static char msg[1000];
    memset(msg, 'o', sizeof msg);
    memcpy(msg, "<7>", 3);
    msg[sizeof msg - 1] = '\n';
    int w = open("/dev/kmsg", O_WRONLY);
    int writes = 2 * size / (int)sizeof msg + 10, ok = 0;
    for (int i = 0; i < writes; i++)
        ok += write(w, msg, sizeof msg) == (ssize_t)sizeof msg;
    close(w);
    expect(ok == writes, "twice the ring's size written");

    struct pollfd pf = { fd, POLLIN | POLLPRI, 0 };
    expect(poll(&pf, 1, 0) == 1 && (pf.revents & (POLLIN | POLLERR | POLLPRI)) == (POLLIN | POLLERR | POLLPRI),
           "poll: POLLIN|POLLERR|POLLPRI");
    errno = 0;
    expect(next_seq(fd) == -1 && errno == EPIPE, "the next read fails with EPIPE");
    long long a = next_seq(fd), b = next_seq(fd);
    expect(a > first + 1 && b == a + 1, "then reading goes on from the oldest record kept");
    pf.revents = 0;
    expect(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN, "poll: POLLIN only");

    char *all = malloc((size_t)size);
    int n = klogctl(3, all, size);
    int lines = 0, whole = n > 0 && all[n - 1] == '\n';
    for (int i = 0; i < n; i++)
        lines += all[i] == '\n';
    expect(n > size / 2 && n <= size && whole, "READ_ALL: whole lines that fit in SIZE_BUFFER");
    expect(lines >= n / (int)(sizeof msg + 20), "one line per record");
    close(fd);
    gt_exit();
}
