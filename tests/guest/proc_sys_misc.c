/* The small files a Linux system has: /proc/sys/kernel/{tainted,
 * core_pattern}, /proc/sys/fs/pipe-max-size and what F_SETPIPE_SZ makes of
 * it (EPERM above it without CAP_SYS_RESOURCE: root's going further is not
 * checked, since a container's root may lack that capability), /dev/urandom, /dev/random,
 * /dev/full (ENOSPC), /dev/tty without a controlling terminal (ENXIO), the
 * /dev/fd and /dev/std* links, /proc/mounts as a link to self/mounts,
 * /proc/filesystems and the layout of /proc/self/mountinfo. */
#include "gt.h"

static int as_nobody(void)
{
    if (setgid(65534) < 0 || setuid(65534) < 0)
        return 2;
    int p[2];
    if (pipe(p) < 0)
        return 2;
    expect_err(fcntl(p[0], F_SETPIPE_SZ, 2 << 20), EPERM, "nobody: F_SETPIPE_SZ above pipe-max-size");
    say("nobody: F_SETPIPE_SZ 1 MiB -> %d\n", fcntl(p[0], F_SETPIPE_SZ, 1 << 20));
    say("nobody: F_SETPIPE_SZ 4096 -> %d\n", fcntl(p[0], F_SETPIPE_SZ, 4096));
    return gt_failures ? 1 : 0;
}

static int no_ctty(void)
{
    setsid();
    expect_err(open("/dev/tty", O_RDWR), ENXIO, "/dev/tty with no controlling terminal");
    return gt_failures ? 1 : 0;
}

static void show_link(const char *path)
{
    char buf[256];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    say("%s -> %s\n", path, n > 0 ? buf : errname(errno));
}

int main(void)
{
    char buf[4096];
    expect(read_file("/proc/sys/kernel/tainted", buf, sizeof buf) > 0 && buf[0] >= '0' && buf[0] <= '9',
           "tainted is a number");
    expect(read_file("/proc/sys/kernel/core_pattern", buf, sizeof buf) > 1 && buf[strlen(buf) - 1] == '\n',
           "core_pattern is a line");
    read_file("/proc/sys/fs/pipe-max-size", buf, sizeof buf);
    say("pipe-max-size %s", buf);

    int p[2];
    if (pipe(p) < 0)
        return 2;
    say("F_GETPIPE_SZ %d\n", fcntl(p[0], F_GETPIPE_SZ));
    say("root: F_SETPIPE_SZ 5000 -> %d\n", fcntl(p[0], F_SETPIPE_SZ, 5000));
    close(p[0]);
    close(p[1]);
    say("nobody child %s\n", status_str(run_child(as_nobody)));

    unsigned char a[32], b[32];
    int fd = open("/dev/urandom", O_RDONLY);
    expect(read(fd, a, sizeof a) == sizeof a && read(fd, b, sizeof b) == sizeof b, "urandom reads 32 bytes twice");
    expect(memcmp(a, b, sizeof a) != 0, "two urandom reads differ");
    close(fd);
    fd = open("/dev/random", O_RDONLY);
    expect(read(fd, a, sizeof a) == sizeof a, "random reads 32 bytes");
    close(fd);
    struct stat st;
    stat("/dev/urandom", &st);
    say("urandom %s %u:%u\n", S_ISCHR(st.st_mode) ? "chr" : "other", (unsigned)(st.st_rdev >> 8),
        (unsigned)(st.st_rdev & 0xff));
    stat("/dev/random", &st);
    say("random %s %u:%u\n", S_ISCHR(st.st_mode) ? "chr" : "other", (unsigned)(st.st_rdev >> 8),
        (unsigned)(st.st_rdev & 0xff));

    fd = open("/dev/full", O_RDWR);
    expect_err(write(fd, "x", 1), ENOSPC, "write to /dev/full");
    memset(a, 1, sizeof a);
    expect(read(fd, a, sizeof a) == sizeof a && a[0] == 0 && a[31] == 0, "/dev/full reads zeros");
    close(fd);

    say("no controlling terminal child %s\n", status_str(run_child(no_ctty)));

    show_link("/dev/fd");
    show_link("/dev/stdin");
    show_link("/dev/stdout");
    show_link("/dev/stderr");
    show_link("/proc/mounts");
    fd = open("/dev/fd/1", O_WRONLY);
    expect(fd >= 0, "/dev/fd/1 opens");
    close(fd);

    read_file("/proc/filesystems", buf, sizeof buf);
    expect(strstr(buf, "nodev\ttmpfs\n") != NULL, "/proc/filesystems lists tmpfs");
    expect(strstr(buf, "nodev\tproc\n") != NULL, "/proc/filesystems lists proc");
    expect(strstr(buf, "nodev\tdevpts\n") != NULL, "/proc/filesystems lists devpts");

    /* mountinfo: id parent major:minor root point options ... - type source options */
    static char info[65536];
    read_file("/proc/self/mountinfo", info, sizeof info);
    int lines = 0, good = 0, proc_seen = 0;
    for (char *line = strtok(info, "\n"); line; line = strtok(NULL, "\n")) {
        int id, parent;
        unsigned ma, mi;
        char root[256], point[1024];
        lines++;
        if (sscanf(line, "%d %d %u:%u %255s %1023s", &id, &parent, &ma, &mi, root, point) == 6 &&
            strstr(line, " - "))
            good++;
        if (!strcmp(point, "/proc") && strstr(line, " - proc "))
            proc_seen = 1;
    }
    expect(lines > 0 && good == lines, "every mountinfo line has Linux's fields");
    expect(proc_seen, "mountinfo has proc on /proc");
    read_file("/proc/self/mounts", buf, sizeof buf);
    expect(strstr(buf, " /proc proc rw") != NULL, "mounts has proc on /proc");
    gt_exit();
}
