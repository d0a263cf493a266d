/* pid_max and threads-max, /proc/sys/kernel's limits on tasks, as root
 * writes them:
 *   - both read as numbers in Linux's bounds; values outside them, or no
 *     number at all, are EINVAL and change nothing; a user other than
 *     root cannot open them for writing (EACCES);
 *   - with pid_max 1000, every new pid is below 1000, and past it the
 *     next pid wraps to 300 (Linux's RESERVED_PIDS), or the first free
 *     number above;
 *   - with pid_max 400 and all of [300, 400) in use, fork is EAGAIN; the
 *     id of a process group that is still alive is not handed out again,
 *     although no process has that pid any more; once the sleepers are
 *     reaped, fork works again.
 * The last two parts change pid_max.  Linux 6.14 and later keep pid_max
 * per pid namespace, so on the host they run as pid 1 of a new pid
 * namespace and the machine's own pid_max never changes; on an older
 * Linux (or where unshare is refused) they run in place and put the
 * value back at the end, so the host has the low limit for about a
 * second.  Inside Tessera (one pid space) they run in place too, and
 * restore it. */
#define _GNU_SOURCE
#include "gt.h"
#include <sched.h>
#include <sys/utsname.h>

#define PID_MAX "/proc/sys/kernel/pid_max"
#define THREADS_MAX "/proc/sys/kernel/threads-max"

static long read_long(const char *path)
{
    char buf[64];
    return read_file(path, buf, sizeof buf) > 0 ? strtol(buf, NULL, 10) : -1;
}


static void bad_values(const char *path, const char *const *vals)
{
    long before = read_long(path);
    for (int i = 0; vals[i]; i++) {
        int e = write_val(path, vals[i]);
        say("%s <- \"%s\": %s\n", path, vals[i], errname(e));
        if (e != EINVAL)
            gt_failures++;
    }
    expect(read_long(path) == before, "the value did not change");
}

static int not_root(void)
{
    if (setuid(65534) != 0)
        return 1;
    int fd = open(PID_MAX, O_WRONLY);
    say("pid_max opened for writing by another user: %s\n", fd < 0 ? errname(errno) : "ok");
    fd = open(THREADS_MAX, O_WRONLY);
    say("threads-max opened for writing by another user: %s\n", fd < 0 ? errname(errno) : "ok");
    say("pid_max readable by another user: %s\n", read_long(PID_MAX) > 0 ? "yes" : "no");
    return 0;
}

/* Does pid p name a task, a process group or a session here? */
static int pid_in_use(pid_t p)
{
    return kill(p, 0) == 0 || errno == EPERM || kill(-p, 0) == 0 || errno == EPERM || getsid(p) >= 0;
}

static int reap_all(void)
{
    int n = 0;
    while (wait(NULL) > 0)
        n++;
    return n;
}

/* pid_max 1000: fork and reap until a pid comes out lower than the one
 * before it (the wrap). */
static void wrap_at_1000(void)
{
    expect(write_val(PID_MAX, "1000\n") == 0 && read_long(PID_MAX) == 1000, "pid_max <- 1000");
    pid_t prev = getpid(), wrapped = 0;
    int below = 1, forks = 0;
    for (; forks < 2000 && !wrapped; forks++) {
        pid_t c = fork();
        if (c == 0)
            _exit(0);
        if (c < 0)
            break;
        waitpid(c, NULL, 0);
        below &= c < 1000;
        if (c < prev)
            wrapped = c;
        prev = c;
    }
    expect(below, "every new pid is below 1000");
    expect(wrapped >= 300, "past pid_max the pids wrap, to 300 or above");
    int lowest = 1;
    for (pid_t p = 300; p < wrapped; p++)
        lowest &= pid_in_use(p);
    expect(lowest, "to the first free number from 300");
}

/* pid_max 400: a process group outlives its leader, then sleepers take
 * every free pid. */
static void full_at_400(void)
{
    expect(write_val(PID_MAX, "400") == 0, "pid_max <- 400");
    pid_t lead = fork();
    if (lead == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
    setpgid(lead, lead);
    pid_t member = fork_sleeper();
    expect(lead >= 300 && lead < 400 && setpgid(member, lead) == 0, "a process group in [300, 400) with two members");
    kill(lead, SIGKILL);
    waitpid(lead, NULL, 0);
    expect(kill(-lead, 0) == 0 && kill(lead, 0) < 0, "its leader is gone, the group lives on");

    pid_t kids[200];
    int n = 0, err = 0, in_range = 1, reused = 0;
    while (n < 200) {
        pid_t c = fork_sleeper();
        if (c < 0) {
            err = errno;
            break;
        }
        kids[n++] = c;
        in_range &= c >= 300 && c < 400;
        reused |= c == lead;
    }
    say("fork with every pid below pid_max in use: %s\n", errname(err));
    if (err != EAGAIN)
        gt_failures++;
    expect(n > 0 && n <= 98, "at most 98 sleepers (100 pids, less the group and its member)");
    expect(in_range, "each in [300, 400)");
    expect(!reused, "none got the id of the live process group");
    for (int i = 0; i < n; i++)
        kill(kids[i], SIGKILL);
    kill(member, SIGKILL);
    expect(reap_all() == n + 1, "all reaped");
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    expect(c >= 300 && c < 400, "then fork works again, in [300, 400)");
    if (c > 0)
        waitpid(c, NULL, 0);
}

/* Linux 6.14 and later: a pid namespace has its own pid_max. */
static int ns_has_own_pid_max(void)
{
    struct utsname u;
    int major = 0, minor = 0;
    if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
        return 0;
    return major > 6 || (major == 6 && minor >= 14);
}

static int changes(void)
{
    long orig = read_long(PID_MAX);
    wrap_at_1000();
    full_at_400();
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", orig);
    expect(write_val(PID_MAX, buf) == 0 && read_long(PID_MAX) == orig, "pid_max restored");
    return gt_failures ? 1 : 0;
}

int main(void)
{
    long pid_max = read_long(PID_MAX), threads_max = read_long(THREADS_MAX);
    expect(pid_max > 300 && pid_max <= 4194304, "pid_max is in [301, 4194304]");
    expect(threads_max >= 1 && threads_max <= 0x3fffffff, "threads-max is in [1, 2^30 - 1]");
    static const char *const bad_pid_max[] = { "300", "4194305", "0", "-1", "abc", "12x", " ", "99999999999", NULL };
    bad_values(PID_MAX, bad_pid_max);
    static const char *const bad_threads[] = { "0", "-1", "1073741824", "abc", NULL };
    bad_values(THREADS_MAX, bad_threads);
    int st = run_child(not_root);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "checked as another user");

    /* the parts that change pid_max, in a child that is pid 1 of a new pid
     * namespace where that keeps them off the machine's own pid_max */
    long machine = read_long(PID_MAX);
    pid_t w = fork();
    if (w == 0) {
        if (ns_has_own_pid_max() && unshare(CLONE_NEWPID) == 0) {
            pid_t init = fork();
            if (init == 0)
                _exit(changes());
            int s = 0;
            waitpid(init, &s, 0);
            _exit(WIFEXITED(s) ? WEXITSTATUS(s) : 1);
        }
        _exit(changes());
    }
    waitpid(w, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the pid_max changes behaved");
    if (read_long(PID_MAX) != machine) {
        char buf[32];
        snprintf(buf, sizeof buf, "%ld", machine);
        write_val(PID_MAX, buf);
        expect(0, "the machine's pid_max was left changed");
    }
    gt_exit();
}
