/* Time passes as promised: nanosleep(100 ms) sleeps at least 100 ms of
 * CLOCK_MONOTONIC time (and not absurdly longer); CLOCK_MONOTONIC never
 * goes backwards; CLOCK_REALTIME is after 2020; an invalid tv_nsec is
 * EINVAL; a sleep interrupted by a caught signal returns EINTR with the
 * remaining time filled in; sleep(1) via libc works. */
#include "gt.h"
#include <time.h>

static long long ms_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a->tv_sec) * 1000LL + (b.tv_nsec - a->tv_nsec) / 1000000;
}

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
    struct timespec t0, t1, req = { 0, 100 * 1000 * 1000 };
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect(nanosleep(&req, NULL) == 0, "nanosleep 100 ms returns 0");
    long long ms = ms_since(&t0);
    expect(ms >= 100, "at least 100 ms passed");
    expect(ms < 5000, "less than 5 s passed");

    int mono = 1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (t1.tv_sec < t0.tv_sec || (t1.tv_sec == t0.tv_sec && t1.tv_nsec < t0.tv_nsec))
            mono = 0;
        t0 = t1;
    }
    expect(mono, "CLOCK_MONOTONIC never goes backwards");
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    expect(rt.tv_sec > 1577836800, "CLOCK_REALTIME is after 2020");
    expect(time(NULL) >= rt.tv_sec, "time() agrees with CLOCK_REALTIME");

    struct timespec bad = { 0, 1000000000 };
    expect_err(nanosleep(&bad, NULL), EINVAL, "nanosleep with tv_nsec = 1e9");
    bad.tv_nsec = -1;
    expect_err(nanosleep(&bad, NULL), EINVAL, "nanosleep with tv_nsec = -1");

    struct sigaction sa = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    struct timespec longer = { 5, 0 }, rem = { 0, 0 };
    clock_gettime(CLOCK_MONOTONIC, &t0);
    errno = 0;
    int rc = nanosleep(&longer, &rem);
    ms = ms_since(&t0);
    say("interrupted nanosleep: rc=%d errno=%s\n", rc, errname(errno));
    expect(ms >= 900 && ms < 4500, "woken by the alarm after about 1 s");
    expect(rem.tv_sec >= 2 && rem.tv_sec <= 4, "remaining time filled in (about 4 s)");

    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect(sleep(1) == 0, "sleep(1) returns 0");
    ms = ms_since(&t0);
    expect(ms >= 1000 && ms < 5000, "sleep(1) took about a second");
    gt_exit();
}
