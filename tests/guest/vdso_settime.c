/* gt-side: guest-only (it sets the wall clock).  Setting the clock moves
 * the vDSO's copy with it: after settimeofday and clock_settime the vDSO's
 * CLOCK_REALTIME, gettimeofday and time still come between two system
 * calls, MONOTONIC does not move, and gettimeofday's time zone is the one
 * set.  The errors are Linux's: a clock that cannot be set (EINVAL), a
 * CPU-time clock (EPERM), microseconds or nanoseconds out of range and a
 * time before the boot (EINVAL), a time zone beyond 15 hours (EINVAL), a
 * process without CAP_SYS_TIME (EPERM).  The clock and the zone are put
 * back at the end. */
#define _GNU_SOURCE
#include "gt_vdso.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#define SHIFT 100000LL          /* seconds the clock is moved */

typedef int (*cgt_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);
static cgt_fn v_gettime;
static gtod_fn v_gettimeofday;
static time_fn v_time;

struct ktz {
    int32_t minuteswest, dsttime;
};

static int64_t ns_of(clockid_t c, int vdso)
{
    struct timespec t;
    if (vdso)
        v_gettime(c, &t);
    else
        syscall(SYS_clock_gettime, c, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* syscall <= vDSO <= syscall for the wall clock, in ns, us and s */
static int wall_in_order(void)
{
    int64_t a = ns_of(CLOCK_REALTIME, 0), b = ns_of(CLOCK_REALTIME, 1), c = ns_of(CLOCK_REALTIME, 0);
    struct timeval tv;
    v_gettimeofday(&tv, NULL);
    int64_t us = tv.tv_sec * 1000000LL + tv.tv_usec, d = ns_of(CLOCK_REALTIME, 0);
    time_t s = v_time(NULL);
    int64_t e = ns_of(CLOCK_REALTIME, 0);
    return a <= b && b <= c && c / 1000 <= us && us <= d / 1000 && d / 1000000000 <= s && s <= e / 1000000000;
}

/* A child that gives up root: neither the clock nor the zone (EPERM). */
static int unprivileged(void)
{
    struct timespec ts;
    struct ktz tz = { 60, 0 };
    clock_gettime(CLOCK_REALTIME, &ts);
    if (setuid(65534))
        return 2;
    int clock_eperm = clock_settime(CLOCK_REALTIME, &ts) == -1 && errno == EPERM;
    int zone_eperm = syscall(SYS_settimeofday, NULL, &tz) == -1 && errno == EPERM;
    return clock_eperm && zone_eperm ? 0 : 1;
}

int main(void)
{
    struct gt_vdso v;
    if (!expect(gt_vdso_open(&v) == 0, "the vDSO"))
        gt_exit();
    v_gettime = (cgt_fn)gt_vdso_sym_sysv(&v, "__vdso_clock_gettime", "LINUX_2.6");
    v_gettimeofday = (gtod_fn)gt_vdso_sym_sysv(&v, "__vdso_gettimeofday", "LINUX_2.6");
    v_time = (time_fn)gt_vdso_sym_sysv(&v, "__vdso_time", "LINUX_2.6");
    if (!expect(v_gettime && v_gettimeofday && v_time, "its clock functions"))
        gt_exit();

    struct timespec before, mono0;
    clock_gettime(CLOCK_REALTIME, &before);
    clock_gettime(CLOCK_MONOTONIC, &mono0);
    struct timespec fwd = { before.tv_sec + SHIFT, before.tv_nsec };
    expect(clock_settime(CLOCK_REALTIME, &fwd) == 0, "clock_settime(CLOCK_REALTIME) forward");
    int64_t now = ns_of(CLOCK_REALTIME, 1), want = (int64_t)fwd.tv_sec * 1000000000 + fwd.tv_nsec;
    expect(now >= want && now - want < 5000000000LL, "the vDSO's CLOCK_REALTIME moved with it");
    expect(wall_in_order(), "then syscall <= vDSO <= syscall (clock_gettime, gettimeofday, time)");
    int64_t m = ns_of(CLOCK_MONOTONIC, 1);
    expect(m >= mono0.tv_sec * 1000000000LL + mono0.tv_nsec && m - (mono0.tv_sec * 1000000000LL + mono0.tv_nsec) <
               5000000000LL,
           "CLOCK_MONOTONIC did not move");

    struct timeval back;
    gettimeofday(&back, NULL);
    back.tv_sec -= SHIFT;
    expect(settimeofday(&back, NULL) == 0, "settimeofday back");
    now = ns_of(CLOCK_REALTIME, 1);
    int64_t was = (int64_t)before.tv_sec * 1000000000 + before.tv_nsec;
    expect(now >= was && now - was < 5000000000LL, "the vDSO's CLOCK_REALTIME came back");
    expect(wall_in_order(), "and stays between two system calls");

    struct ktz tz = { -120, 0 }, got = { 1, 1 }, none = { 0, 0 };
    expect(syscall(SYS_settimeofday, NULL, &tz) == 0, "settimeofday of a time zone only");
    v_gettimeofday(NULL, &got);
    expect(got.minuteswest == -120 && got.dsttime == 0, "gettimeofday in the vDSO gives that zone");
    got.minuteswest = 1;
    syscall(SYS_gettimeofday, NULL, &got);
    expect(got.minuteswest == -120, "and so does the system call");
    struct ktz far = { 16 * 60, 0 };
    expect_err(syscall(SYS_settimeofday, NULL, &far), EINVAL, "a zone 16 hours west");
    syscall(SYS_settimeofday, NULL, &none);

    struct timespec ts = { before.tv_sec, 0 };
    expect_err(clock_settime(CLOCK_MONOTONIC, &ts), EINVAL, "clock_settime(CLOCK_MONOTONIC)");
    expect_err(clock_settime(CLOCK_BOOTTIME, &ts), EINVAL, "clock_settime(CLOCK_BOOTTIME)");
    expect_err(clock_settime(CLOCK_PROCESS_CPUTIME_ID, &ts), EPERM, "clock_settime(CLOCK_PROCESS_CPUTIME_ID)");
    expect_err(clock_settime(99, &ts), EINVAL, "clock_settime(99)");
    expect_err(syscall(SYS_clock_settime, CLOCK_REALTIME, BAD_PTR), EFAULT, "clock_settime from a bad pointer");
    struct timespec bad_ns = { before.tv_sec, 1000000000 };
    expect_err(clock_settime(CLOCK_REALTIME, &bad_ns), EINVAL, "clock_settime with tv_nsec 1e9");
    struct timespec epoch = { 0, 0 };
    expect_err(clock_settime(CLOCK_REALTIME, &epoch), EINVAL, "clock_settime to before the boot");
    struct timeval bad_us = { before.tv_sec, 1000000 };
    expect_err(settimeofday(&bad_us, NULL), EINVAL, "settimeofday with tv_usec 1e6");
    int st = run_child(unprivileged);
    say("a process without CAP_SYS_TIME sets the clock and the zone: %s\n",
        WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "EPERM both" : status_str(st));
    gt_failures += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    now = ns_of(CLOCK_REALTIME, 1);
    expect(now >= was && now - was < 5000000000LL, "the clock is unchanged by the failures");
    gt_exit();
}
