/* Setting the wall clock moves what waits for a wall-clock time, as Linux:
 * an absolute CLOCK_REALTIME POSIX timer, an absolute CLOCK_REALTIME timerfd
 * and a clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME) fire at once when
 * the clock is set forward past their time, and later when it is set back
 * (so does FUTEX_WAIT_BITSET with FUTEX_CLOCK_REALTIME, which times out);
 * relative CLOCK_REALTIME ones and CLOCK_MONOTONIC ones are not moved.  A
 * timerfd armed with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET reads
 * ECANCELED once after the clock is set (and stays armed); a relative one,
 * or one without the flag, is not cancelled.  The clock is moved for about
 * a second at a time and put back where it would have been (its reading at
 * the start plus the CLOCK_MONOTONIC time since).
 * gt-side: guest-only: it sets the clock, which a shared host must not see
 * jump (its output was checked against Linux 6.18 when it was written). */
#define _GNU_SOURCE
#include "gt.h"
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>

#define MS 1000000LL
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu
#define NS 1000000000LL

static int64_t wall0, mono0;

static int64_t now_ns(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (int64_t)t.tv_sec * NS + t.tv_nsec;
}

static struct timespec ts_of(int64_t ns) { return (struct timespec){ ns / NS, ns % NS }; }

/* Sets the wall clock `shift` ns away from where it belongs (by
 * settimeofday, to the microsecond, if tod). */
static int set_shifted(int64_t shift, int tod)
{
    int64_t ns = wall0 + (now_ns(CLOCK_MONOTONIC) - mono0) + shift;
    struct timespec t = ts_of(ns);
    struct timeval tv = { ns / NS, ns % NS / 1000 };
    return tod ? settimeofday(&tv, NULL) : clock_settime(CLOCK_REALTIME, &t);
}

static void restore(void) { set_shifted(0, 0); }

static int readable(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static int tfd_at(clockid_t c, int flags, int64_t value_ns)
{
    int fd = timerfd_create(c, TFD_NONBLOCK);
    struct itimerspec it = { .it_value = ts_of(value_ns) };
    if (fd < 0 || timerfd_settime(fd, flags, &it, NULL))
        return -1;
    return fd;
}

static timer_t ptimer_at(clockid_t c, int flags, int signo, int64_t value_ns)
{
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = signo };
    timer_t id;
    struct itimerspec it = { .it_value = ts_of(value_ns) };
    if (timer_create(c, &ev, &id) || timer_settime(id, flags, &it, NULL))
        return (timer_t)-1;
    return id;
}

/* Has signal s come, waiting up to ms? */
static int got_signal(int s, int ms)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, s);
    struct timespec to = ts_of(ms * MS);
    return sigtimedwait(&set, NULL, &to) == s;
}

/* A child that sleeps until wall time `until` and then writes a byte:
 * clock_nanosleep (exit 0 when it returned 0), or with futex (exit 0 when
 * the wait timed out). */
static int sleeper_of(int64_t until, int *rfd, int futex)
{
    int p[2];
    if (pipe(p))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        struct timespec t = ts_of(until);
        int r;
        if (futex) {
            static int word;
            long f = syscall(SYS_futex, &word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 0,
                             &t, NULL, FUTEX_BITSET_MATCH_ANY);
            r = !(f == -1 && errno == ETIMEDOUT);
        } else {
            r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &t, NULL);
        }
        write(p[1], "x", 1);
        _exit(r);
    }
    close(p[1]);
    *rfd = p[0];
    return pid;
}

static int sleeper(int64_t until, int *rfd) { return sleeper_of(until, rfd, 0); }

static void reap(int pid, int fd)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(fd);
}

static int64_t left_ms(timer_t id)
{
    struct itimerspec it;
    timer_gettime(id, &it);
    return it.it_value.tv_sec * 1000 + it.it_value.tv_nsec / MS;
}

static void forward(void)
{
    say("-- set forward past the deadlines\n");
    int64_t w = now_ns(CLOCK_REALTIME), m = now_ns(CLOCK_MONOTONIC);
    timer_t abs_t = ptimer_at(CLOCK_REALTIME, TIMER_ABSTIME, SIGUSR1, w + 30 * NS);
    timer_t rel_t = ptimer_at(CLOCK_REALTIME, 0, SIGUSR2, 20 * NS);
    timer_t mono_t = ptimer_at(CLOCK_MONOTONIC, TIMER_ABSTIME, SIGRTMIN, m + 20 * NS);
    int abs_fd = tfd_at(CLOCK_REALTIME, TFD_TIMER_ABSTIME, w + 30 * NS);
    int rel_fd = tfd_at(CLOCK_REALTIME, 0, 20 * NS);
    int mono_fd = tfd_at(CLOCK_MONOTONIC, TFD_TIMER_ABSTIME, m + 20 * NS);
    int sfd, spid = sleeper(w + 30 * NS, &sfd);
    int ffd, fpid = sleeper_of(w + 30 * NS, &ffd, 1);
    expect(abs_t != (timer_t)-1 && rel_t != (timer_t)-1 && mono_t != (timer_t)-1, "three POSIX timers armed");
    expect(abs_fd >= 0 && rel_fd >= 0 && mono_fd >= 0 && spid > 0 && fpid > 0, "three timerfds and two sleepers");
    expect(!readable(sfd, 200) && !readable(ffd, 0), "the sleepers sleep");
    expect(set_shifted(60 * NS, 0) == 0, "clock_settime(CLOCK_REALTIME) 60 s forward");
    expect(got_signal(SIGUSR1, 2000), "the absolute CLOCK_REALTIME timer fires at once");
    expect(readable(abs_fd, 2000), "the absolute CLOCK_REALTIME timerfd fires at once");
    expect(readable(sfd, 2000), "clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME) returns at once");
    int st;
    expect(waitpid(spid, &st, 0) == spid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "and returns 0");
    close(sfd);
    expect(readable(ffd, 2000), "FUTEX_WAIT_BITSET with FUTEX_CLOCK_REALTIME returns at once");
    expect(waitpid(fpid, &st, 0) == fpid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "with ETIMEDOUT");
    close(ffd);
    expect(!got_signal(SIGUSR2, 0), "the relative CLOCK_REALTIME timer does not");
    expect(!got_signal(SIGRTMIN, 0), "the CLOCK_MONOTONIC timer does not");
    expect(!readable(rel_fd, 0), "the relative CLOCK_REALTIME timerfd does not");
    expect(!readable(mono_fd, 0), "the CLOCK_MONOTONIC timerfd does not");
    int64_t l = left_ms(rel_t);
    expect(l > 15000 && l <= 20000, "the relative timer still has its time left");
    restore();
    timer_delete(abs_t);
    timer_delete(rel_t);
    timer_delete(mono_t);
    close(abs_fd);
    close(rel_fd);
    close(mono_fd);
}

static void back(void)
{
    say("-- set back before the deadlines\n");
    int64_t w = now_ns(CLOCK_REALTIME);
    timer_t abs_t = ptimer_at(CLOCK_REALTIME, TIMER_ABSTIME, SIGUSR1, w + 300 * MS);
    int abs_fd = tfd_at(CLOCK_REALTIME, TFD_TIMER_ABSTIME, w + 300 * MS);
    int rel_fd = tfd_at(CLOCK_REALTIME, 0, 300 * MS);
    int sfd, spid = sleeper(w + 300 * MS, &sfd);
    int ffd, fpid = sleeper_of(w + 300 * MS, &ffd, 1);
    expect(set_shifted(-5 * NS, 1) == 0, "settimeofday 5 s back");
    expect(readable(rel_fd, 2000), "the relative CLOCK_REALTIME timerfd fires in its time");
    expect(!got_signal(SIGUSR1, 300), "the absolute CLOCK_REALTIME timer waits");
    expect(!readable(abs_fd, 0), "the absolute CLOCK_REALTIME timerfd waits");
    expect(!readable(sfd, 0), "clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME) goes on sleeping");
    expect(!readable(ffd, 0), "and the realtime futex wait goes on waiting");
    int64_t l = left_ms(abs_t);
    expect(l > 3000 && l <= 5300, "timer_gettime: the time left grew by the 5 s");
    struct itimerspec it;
    timerfd_gettime(abs_fd, &it);
    l = it.it_value.tv_sec * 1000 + it.it_value.tv_nsec / MS;
    expect(l > 3000 && l <= 5300, "timerfd_gettime: so did the timerfd's");
    restore();
    expect(got_signal(SIGUSR1, 2000), "the clock put back: the timer fires at once");
    expect(readable(abs_fd, 2000), "and the timerfd");
    expect(readable(sfd, 2000), "and the sleeper wakes");
    expect(readable(ffd, 2000), "and the futex wait times out");
    reap(spid, sfd);
    reap(fpid, ffd);
    timer_delete(abs_t);
    close(abs_fd);
    close(rel_fd);
}

static void cancel_on_set(void)
{
    say("-- TFD_TIMER_CANCEL_ON_SET\n");
    int64_t w = now_ns(CLOCK_REALTIME);
    int c = tfd_at(CLOCK_REALTIME, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, w + 100 * NS);
    int plain = tfd_at(CLOCK_REALTIME, TFD_TIMER_ABSTIME, w + 100 * NS);
    int rel = tfd_at(CLOCK_REALTIME, TFD_TIMER_CANCEL_ON_SET, 100 * NS);
    int disarmed = tfd_at(CLOCK_REALTIME, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, 0);
    int mono = tfd_at(CLOCK_MONOTONIC, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, now_ns(CLOCK_MONOTONIC) + 100 * NS);
    expect(c >= 0 && plain >= 0 && rel >= 0 && disarmed >= 0 && mono >= 0, "five timerfds armed");
    expect(!readable(c, 0), "not readable before the clock is set");
    uint64_t v;
    expect_err(read(c, &v, sizeof v), EAGAIN, "read before");
    restore();
    expect(readable(c, 1000), "setting the clock makes it readable");
    expect_err(read(c, &v, sizeof v), ECANCELED, "read after the clock is set");
    expect_err(read(c, &v, sizeof v), EAGAIN, "read again");
    struct itimerspec it;
    timerfd_gettime(c, &it);
    expect(it.it_value.tv_sec > 90 && it.it_value.tv_sec <= 100, "it stays armed");
    expect(readable(disarmed, 0), "a disarmed one with the flags is cancelled too");
    expect_err(read(disarmed, &v, sizeof v), ECANCELED, "its read");
    expect(!readable(plain, 0), "without the flag: not cancelled");
    expect(!readable(rel, 0), "relative: not cancelled");
    expect(!readable(mono, 0), "CLOCK_MONOTONIC: not cancelled");
    restore();
    expect_err(read(c, &v, sizeof v), ECANCELED, "set again: ECANCELED again");
    struct itimerspec re = { .it_value = ts_of(w + 100 * NS) };
    timerfd_settime(c, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &re, NULL);
    restore();
    timerfd_settime(c, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &re, NULL);
    expect_err(read(c, &v, sizeof v), EAGAIN, "settime after the clock was set forgets it");
    close(c);
    close(plain);
    close(rel);
    close(disarmed);
    close(mono);
}

int main(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    wall0 = now_ns(CLOCK_REALTIME);
    mono0 = now_ns(CLOCK_MONOTONIC);
    forward();
    back();
    cancel_on_set();
    restore();
    gt_exit();
}
