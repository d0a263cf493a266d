/* gt-side: guest-only.  Tens of thousands of processes on the host would
 * be a fork bomb on a shared machine; the figures it checks (threads-max
 * from the memory size, the pids a fresh guest hands out) are Tessera's.
 *
 * Many concurrent processes: the caller forks N children that sleep in
 * pause(), all in one new process group, and checks that the system stays
 * usable with them: /proc lists every one of them (getdents64 with a
 * small buffer, so the listing resumes many times), each one's
 * /proc/<pid>/stat reads as ps reads it (state S, the right parent),
 * busybox ps runs and counts them, a lookup by pid finds one, one kill of
 * the group ends them all, wait reaps every one, and afterwards /proc is
 * back to what it was and the memory is free again.
 *
 * N is 1000 in the ordinary guest run; `make test-scale` boots a 4 GiB
 * guest with "scale.procs=30000" on the kernel command line.  If
 * threads-max (an eighth of memory in kernel stacks, as Linux computes
 * it) would not allow N, the test raises it as root may, and restores it.
 * The defaults are checked first: threads-max is MemTotal / 128 KiB and
 * RLIMIT_NPROC is half of it. */
#include "gt.h"
#include <dirent.h>
#include <time.h>

static long read_long(const char *path)
{
    char buf[64];
    return read_file(path, buf, sizeof buf) > 0 ? strtol(buf, NULL, 10) : -1;
}

static int write_long(const char *path, long v)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", v);
    int r = write(fd, buf, n) == n ? 0 : -1;
    close(fd);
    return r;
}

/* The numeric entries of /proc (getdents64 with a 1 KiB buffer); with
 * `pids` non-NULL, they are stored there (room for `room`). */
static long list_proc(pid_t *pids, long room, long *calls)
{
    int fd = open("/proc", O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    char buf[1024] __attribute__((aligned(8)));
    long n, count = 0;
    *calls = 0;
    while ((n = getdents(fd, (struct dirent *)buf, sizeof buf)) > 0) {
        ++*calls;
        for (long off = 0; off < n;) {
            struct dirent *d = (void *)(buf + off);     /* musl's is getdents64's */
            off += d->d_reclen;
            if (d->d_name[0] < '1' || d->d_name[0] > '9')
                continue;
            if (pids && count < room)
                pids[count] = (pid_t)atoi(d->d_name);
            count++;
        }
    }
    close(fd);
    return n < 0 ? -1 : count;
}

/* How many of the listed pids are sleeping children of `parent`, by
 * /proc/<pid>/stat (fields 3 and 4: state, ppid), as ps reads them. */
static long count_sleeping_children(const pid_t *pids, long n, pid_t parent)
{
    long found = 0;
    for (long i = 0; i < n; i++) {
        char path[64], buf[512];
        snprintf(path, sizeof path, "/proc/%d/stat", pids[i]);
        if (read_file(path, buf, sizeof buf) <= 0)
            continue;
        char *close_paren = strrchr(buf, ')');
        char state;
        int ppid;
        if (!close_paren || sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2 || ppid != parent)
            continue;
        /* The last children forked may not have reached pause() yet. */
        if (state == 'S' || wait_sleeping(pids[i]))
            found++;
    }
    return found;
}

/* Lines busybox ps prints (a header, then a process a line). */
static long ps_lines(void)
{
    FILE *f = popen("ps", "r");
    if (!f)
        return -1;
    long lines = 0;
    int c;
    while ((c = fgetc(f)) != EOF)
        lines += c == '\n';
    return pclose(f) == 0 ? lines : -1;
}

int main(void)
{
    long n = cmdline_long("scale.procs=", 1000);
    long threads_max = read_long("/proc/sys/kernel/threads-max");
    long mem_kb = meminfo_kb("MemTotal:");
    struct rlimit nproc;
    getrlimit(RLIMIT_NPROC, &nproc);
    say("processes wanted: %ld\n", n);
    expect(threads_max == mem_kb / 128, "threads-max is MemTotal / 128 KiB (an eighth of memory in 16 KiB stacks)");
    expect((long)nproc.rlim_cur == threads_max / 2 && (long)nproc.rlim_max == threads_max / 2,
           "RLIMIT_NPROC is half of threads-max");
    long pid_max = read_long("/proc/sys/kernel/pid_max");
    expect(pid_max == 32768, "pid_max is 32768");

    long raised = 0;
    if (threads_max < n + 200) {
        raised = n + 200;
        expect(write_long("/proc/sys/kernel/threads-max", raised) == 0, "threads-max raised for the run");
    }
    long calls;
    long before = list_proc(NULL, 0, &calls);
    long free_before = meminfo_kb("MemFree:");

    double t0 = gt_now_s();
    pid_t *kids = calloc(n, sizeof *kids);
    pid_t group = 0;
    long made = 0;
    int err = 0;
    for (; made < n; made++) {
        pid_t c = fork_sleeper();
        if (c < 0) {
            err = errno;
            break;
        }
        if (!group)
            group = c;
        setpgid(c, group);          /* the first child leads the group */
        kids[made] = c;
    }
    double t1 = gt_now_s();
    say("forked %ld in %.1f s (%s), %ld kB of memory each\n", made, t1 - t0, errname(err),
        made ? (free_before - meminfo_kb("MemFree:")) / made : 0);
    expect(made == n, "every fork succeeded");

    pid_t *listed = calloc(n + 1000, sizeof *listed);
    long count = list_proc(listed, n + 1000, &calls);
    double t2 = gt_now_s();
    say("/proc listed %ld pids in %ld getdents64 calls, %.2f s\n", count, calls, t2 - t1);
    expect(count >= before + made, "/proc lists every process");
    long sleeping = count_sleeping_children(listed, count < n + 1000 ? count : n + 1000, getpid());
    double t3 = gt_now_s();
    say("read %ld /proc/<pid>/stat files in %.2f s\n", count, t3 - t2);
    expect(sleeping == made, "each child's /proc/<pid>/stat says sleeping, parent the caller");
    long lines = ps_lines();
    double t4 = gt_now_s();
    say("ps printed %ld lines in %.2f s\n", lines, t4 - t3);
    expect(lines > made, "ps lists them all");
    expect(made > 0 && getpgid(kids[made / 2]) == group, "a lookup by pid finds the middle child in the group");

    expect(kill(-group, SIGKILL) == 0, "one kill of the process group");
    long reaped = 0;
    int st;
    pid_t w;
    while ((w = wait(&st)) > 0)
        reaped += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    double t5 = gt_now_s();
    say("reaped %ld in %.1f s\n", reaped, t5 - t4);
    expect(reaped == made && errno == ECHILD, "every child was killed and reaped");
    expect(kill(kids[0], 0) < 0 && errno == ESRCH, "the group leader is gone");

    long after = list_proc(NULL, 0, &calls);
    expect(after == before, "/proc lists as many pids as before");
    /* what the processes took is free again: the page tables, stacks and
     * heap objects (a little slack for caches that stay) */
    long free_after = meminfo_kb("MemFree:");
    say("MemFree before %ld kB, after %ld kB\n", free_before, free_after);
    expect(free_after > free_before - 2048, "the memory came back (within 2 MiB)");
    pid_t c = fork();
    if (c == 0)
        _exit(3);
    expect(c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 3, "fork works after");
    if (raised)
        expect(write_long("/proc/sys/kernel/threads-max", threads_max) == 0, "threads-max restored");
    free(kids);
    free(listed);
    gt_exit();
}
