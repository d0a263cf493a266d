/* The /proc files pmap -x, top, iotop and ls -l /proc/PID/fd read:
 * /proc/self/io counts the bytes and calls of writes exactly; smaps shows
 * an anonymous mapping's size, resident and dirty pages as touched, and a
 * shared file mapping's pages as private while one process maps them;
 * smaps_rollup and statm agree with it; /proc/self/fd lists the open
 * descriptors and links each to its file (a pipe as pipe:[inode]);
 * /proc/softirqs has a column per CPU. */
#include "gt.h"
#include <dirent.h>
#include <sys/mman.h>

static long field(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* The smaps block of the mapping starting at addr: field `key` in kB. */
static long smaps_kb(void *addr, const char *key)
{
    static char buf[1 << 17];
    int fd = open("/proc/self/smaps", O_RDONLY);
    size_t n = 0;
    ssize_t r;
    while (fd >= 0 && n < sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)r;
    if (fd >= 0)
        close(fd);
    buf[n] = 0;
    char head[32];
    snprintf(head, sizeof head, "%lx-", (unsigned long)addr);
    char *p = strstr(buf, head);
    if (!p)
        return -1;
    char *end = strstr(p, "VmFlags");
    char *k = strstr(p, key);
    return k && (!end || k < end) ? strtol(k + strlen(key), NULL, 10) : -1;
}

int main(void)
{
    /* io: ten 100-byte writes to /dev/null */
    char before[512], after[512];
    int null = open("/dev/null", O_WRONLY);
    int got = read_file("/proc/self/io", before, sizeof before);
    char data[100] = { 0 };
    for (int i = 0; i < 10; i++)
        write(null, data, sizeof data);
    read_file("/proc/self/io", after, sizeof after);
    expect(got > 0, "read /proc/self/io");    /* printed after: its write is not among the ten */
    say("wchar grew by %ld, syscw by %ld\n", field(after, "wchar: ") - field(before, "wchar: "),
        field(after, "syscw: ") - field(before, "syscw: "));
    say("read_bytes field present: %s\n", strstr(after, "read_bytes: ") ? "yes" : "no");
    close(null);

    /* smaps: 16 anonymous pages, 10 touched */
    char *m = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 10; i++)
        m[i * 4096] = 1;
    say("anon Size %ld Rss %ld Private_Dirty %ld Anonymous %ld Shared_Clean %ld kB\n", smaps_kb(m, "Size:"),
        smaps_kb(m, "Rss:"), smaps_kb(m, "Private_Dirty:"), smaps_kb(m, "Anonymous:"),
        smaps_kb(m, "Shared_Clean:"));

    /* a shared file mapping of 4 pages, 2 written */
    int f = open("smaps.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
    ftruncate(f, 4 * 4096);
    char *s = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
    s[0] = 1;
    s[4096] = 1;
    say("shared file Rss %ld Private_Dirty %ld Shared_Dirty %ld Anonymous %ld kB\n", smaps_kb(s, "Rss:"),
        smaps_kb(s, "Private_Dirty:"), smaps_kb(s, "Shared_Dirty:"), smaps_kb(s, "Anonymous:"));

    char roll[4096];
    read_file("/proc/self/smaps_rollup", roll, sizeof roll);
    say("rollup Rss covers both: %s\n", field(roll, "Rss:") >= 48 ? "yes" : "no");
    say("rollup has Pss_Anon: %s\n", strstr(roll, "Pss_Anon:") ? "yes" : "no");
    char statm[256];
    read_file("/proc/self/statm", statm, sizeof statm);
    long sz, res, shr, text, lib, dat, dt;
    int nf = sscanf(statm, "%ld %ld %ld %ld %ld %ld %ld", &sz, &res, &shr, &text, &lib, &dat, &dt);
    say("statm has 7 fields: %s; size >= resident >= 12 pages: %s\n", nf == 7 ? "yes" : "no",
        nf == 7 && sz >= res && res >= 12 ? "yes" : "no");

    /* fd/ */
    int p[2];
    pipe(p);
    char path[64], target[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", f);
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    size_t tl = strlen(target);
    say("the file's link ends in /smaps.tmp: %s\n", tl > 10 && !strcmp(target + tl - 10, "/smaps.tmp") ? "yes" : "no");
    snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
    n = readlink(path, target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    say("the pipe's link: %.6s...]: %s\n", target, target[n > 0 ? n - 1 : 0] == ']' ? "yes" : "no");
    DIR *d = opendir("/proc/self/fd");
    int seen = 0, fd_of_dir = d ? dirfd(d) : -1;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int v = atoi(e->d_name);
        if (e->d_name[0] != '.' && (v == f || v == p[0] || v == p[1] || v == fd_of_dir))
            seen++;
    }
    if (d)
        closedir(d);
    say("fd/ lists the file, both pipe ends and itself: %s\n", seen == 4 ? "yes" : "no");
    snprintf(path, sizeof path, "/proc/self/fd/%d", 999);
    expect_err(readlink(path, target, sizeof target), ENOENT, "readlink of a closed descriptor");

    char soft[4096];
    say("softirqs has CPU0 and TIMER: %s\n",
        read_file("/proc/softirqs", soft, sizeof soft) > 0 && strstr(soft, "CPU0") && strstr(soft, "TIMER:") ? "yes" : "no");
    unlink("smaps.tmp");
    gt_exit();
}
