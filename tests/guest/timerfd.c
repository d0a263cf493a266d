/* timerfd_create, timerfd_settime, timerfd_gettime: one-shot and interval
 * timers on CLOCK_MONOTONIC, CLOCK_REALTIME and CLOCK_BOOTTIME, relative
 * and absolute (TFD_TIMER_ABSTIME), reads that return the expirations
 * since the last read (intervals missed meanwhile included), the old value
 * settime hands back, disarming, poll readiness, a blocked read woken by
 * the timer in another process, TFD_NONBLOCK/TFD_CLOEXEC, and the errors
 * (EINVAL clocks, flags and times, EBADF, EINVAL for another kind of file,
 * EFAULT).  Times are only compared with bounds wide enough for any
 * machine: nothing printed depends on timing. */
#include "gt_thread.h"
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>

#define MS 1000000L

static struct itimerspec its(long value_ms, long interval_ms)
{
    struct itimerspec t = {
        .it_interval = { interval_ms / 1000, (interval_ms % 1000) * MS },
        .it_value = { value_ms / 1000, (value_ms % 1000) * MS },
    };
    return t;
}

static long ms_of(struct timespec ts) { return ts.tv_sec * 1000 + ts.tv_nsec / MS; }

static uint64_t rd(int fd, int *err)
{
    uint64_t v = 0;
    ssize_t n = read(fd, &v, sizeof v);
    *err = n < 0 ? errno : 0;
    return n == 8 ? v : 0;
}

static int wait_readable(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void one_shot(int clock, const char *name)
{
    int err;
    int fd = timerfd_create(clock, TFD_NONBLOCK);
    say("%s: created: %s\n", name, fd >= 0 ? "yes" : errname(errno));
    struct itimerspec cur;
    expect(timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 &&
               cur.it_interval.tv_sec == 0,
           "a new timer is disarmed");
    rd(fd, &err);
    say("%s: read before it fires: %s\n", name, errname(err));
    struct itimerspec t = its(50, 0);
    expect(timerfd_settime(fd, 0, &t, NULL) == 0, "arm 50 ms");
    timerfd_gettime(fd, &cur);
    expect(ms_of(cur.it_value) > 0 && ms_of(cur.it_value) <= 50, "gettime: 0 < left <= 50 ms");
    say("%s: poll at once: %s\n", name, pollstr(poll1(fd)));
    expect(wait_readable(fd, 5000), "readable once it fires");
    expect(rd(fd, &err) == 1, "one expiration read");
    rd(fd, &err);
    say("%s: read again: %s\n", name, errname(err));
    timerfd_gettime(fd, &cur);
    expect(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "a fired one-shot shows 0 left");
    close(fd);
}

static void interval(void)
{
    int err;
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec t = its(20, 20), old;
    expect(timerfd_settime(fd, 0, &t, NULL) == 0, "arm 20 ms every 20 ms");
    msleep(150);
    uint64_t n = rd(fd, &err);
    expect(n >= 3 && n <= 8, "after 150 ms: between 3 and 8 expirations in one read");
    n = rd(fd, &err);                   /* blocks until the next one */
    expect(n >= 1 && n <= 3, "a blocking read waits for the next one");
    struct itimerspec cur;
    timerfd_gettime(fd, &cur);
    expect(ms_of(cur.it_interval) == 20, "gettime shows the interval");
    expect(ms_of(cur.it_value) <= 20, "and at most one interval left");
    t = its(0, 0);
    expect(timerfd_settime(fd, 0, &t, &old) == 0, "disarm");
    expect(ms_of(old.it_interval) == 20 && ms_of(old.it_value) <= 20, "settime returns the old setting");
    msleep(60);
    int nb = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, nb | O_NONBLOCK);
    rd(fd, &err);
    say("read of a disarmed timer: %s\n", errname(err));
    timerfd_gettime(fd, &cur);
    expect(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 && ms_of(cur.it_interval) == 0, "disarmed: all 0");

    /* expirations pending, then re-armed: the count starts again */
    t = its(10, 0);
    timerfd_settime(fd, 0, &t, NULL);
    expect(wait_readable(fd, 5000), "fired");
    t = its(10000, 0);
    timerfd_settime(fd, 0, &t, NULL);
    rd(fd, &err);
    say("settime drops unread expirations: %s\n", errname(err));
    close(fd);
}

static void absolute(void)
{
    int err;
    int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    expect((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "TFD_CLOEXEC");
    expect((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, "TFD_NONBLOCK");
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct itimerspec t = { .it_value = now };
    t.it_value.tv_nsec += 30 * MS;
    if (t.it_value.tv_nsec >= 1000000000L) {
        t.it_value.tv_sec++;
        t.it_value.tv_nsec -= 1000000000L;
    }
    expect(timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL) == 0, "arm REALTIME at now + 30 ms, absolute");
    struct itimerspec cur;
    timerfd_gettime(fd, &cur);
    expect(ms_of(cur.it_value) <= 30, "gettime is relative: <= 30 ms left");
    expect(wait_readable(fd, 5000), "absolute timer fires");
    expect(rd(fd, &err) == 1, "one expiration");
    /* an absolute time in the past fires at once; with an interval the
     * periods since then are all counted */
    int m = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    clock_gettime(CLOCK_REALTIME, &now);
    struct itimerspec p = { .it_interval = { 0, 10 * MS }, .it_value = { now.tv_sec - 1, now.tv_nsec } };
    timerfd_settime(m, TFD_TIMER_ABSTIME, &p, NULL);
    expect(wait_readable(m, 5000), "a past absolute time fires");
    uint64_t n = rd(m, &err);
    expect(n >= 100 && n <= 200, "1 s in the past at 10 ms: about 100 expirations");
    close(m);
    /* CANCEL_ON_SET is accepted */
    t.it_value.tv_sec += 100;
    expect(timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &t, NULL) == 0,
           "TFD_TIMER_CANCEL_ON_SET accepted");
    close(fd);
}

static void across_processes(void)
{
    int err;
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    pid_t p = fork();
    if (p == 0) {
        /* the child waits in read; the parent arms the shared timer */
        int e;
        uint64_t n = rd(fd, &e);
        _exit(n == 1 ? 0 : 1);
    }
    wait_sleeping(p);
    struct itimerspec t = its(20, 0);
    timerfd_settime(fd, 0, &t, NULL);
    int st;
    waitpid(p, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's read returned 1 expiration");
    fcntl(fd, F_SETFL, O_NONBLOCK);
    rd(fd, &err);
    say("parent after the child read it: %s\n", errname(err));
    close(fd);
}

static void errors(void)
{
    expect_err(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL, "CLOCK_PROCESS_CPUTIME_ID");
    expect_err(timerfd_create(CLOCK_MONOTONIC_RAW, 0), EINVAL, "CLOCK_MONOTONIC_RAW");
    expect_err(timerfd_create(-1, 0), EINVAL, "clock -1");
    expect_err(timerfd_create(CLOCK_MONOTONIC, 1), EINVAL, "unknown create flag");
    int fd = timerfd_create(CLOCK_BOOTTIME, 0);
    expect(fd >= 0, "CLOCK_BOOTTIME");
    struct itimerspec t = its(1000, 0), cur;
    expect_err(timerfd_settime(fd, 4, &t, NULL), EINVAL, "unknown settime flag");
    t.it_value.tv_nsec = 1000000000L;
    expect_err(timerfd_settime(fd, 0, &t, NULL), EINVAL, "tv_nsec = 1e9");
    t = its(1000, 0);
    t.it_interval.tv_sec = -1;
    expect_err(timerfd_settime(fd, 0, &t, NULL), EINVAL, "negative interval");
    t = its(1000, 0);
    t.it_value.tv_nsec = -1;
    expect_err(timerfd_settime(fd, 0, &t, NULL), EINVAL, "negative tv_nsec");
    expect_err(timerfd_settime(fd, 0, BAD_PTR, NULL), EFAULT, "settime new from a bad pointer");
    t = its(1000, 0);
    expect_err(timerfd_settime(fd, 0, &t, BAD_PTR), EFAULT, "settime old to a bad pointer");
    expect(timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0,
           "the timer was set all the same");
    expect_err(timerfd_gettime(fd, BAD_PTR), EFAULT, "gettime to a bad pointer");
    expect_err(timerfd_gettime(-1, &cur), EBADF, "gettime fd -1");
    expect_err(timerfd_settime(-1, 0, &t, NULL), EBADF, "settime fd -1");
    int pfd[2];
    pipe(pfd);
    expect_err(timerfd_gettime(pfd[0], &cur), EINVAL, "gettime on a pipe");
    expect_err(timerfd_settime(pfd[0], 0, &t, NULL), EINVAL, "settime on a pipe");
    expect_err(timerfd_settime(pfd[0], 4, &t, NULL), EINVAL, "bad flags before the fd");
    expect_err(timerfd_settime(-1, 0, BAD_PTR, NULL), EFAULT, "bad pointer before the fd");
    close(pfd[0]);
    close(pfd[1]);
    char small[4];
    expect_err(read(fd, small, 4), EINVAL, "4-byte read");
    uint64_t v = 1;
    expect_err(write(fd, &v, 8), EINVAL, "write to a timerfd");
    say_fd_kind("timerfd", fd);
    close(fd);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(30);
    one_shot(CLOCK_MONOTONIC, "monotonic");
    one_shot(CLOCK_REALTIME, "realtime");
    one_shot(CLOCK_BOOTTIME, "boottime");
    interval();
    absolute();
    across_processes();
    errors();
    gt_exit();
}
