/* tmpfs through mount(2): size=, nr_inodes= and mode= as the new root and
 * statfs show them, the line /proc/self/mounts gives, ENOSPC (and no kill)
 * for a writer that fills it, a full inode table, MS_REMOUNT of the size
 * and of read-only (EROFS on writes), mounts stacked on one directory,
 * EBUSY while a process works inside, MNT_DETACH leaving open files
 * usable, and what a tmpfs still holds when it goes: a tree at umount, and
 * after MNT_DETACH the files its last users (a mapping, a working
 * directory) let go of.  In Tessera's debug build the leak check then
 * shows that all of it was freed.
 *
 * Everything happens below the test's own directory, and every mount is
 * taken down again.  Where mount(2) is not permitted (EPERM: a host that
 * runs the test without CAP_SYS_ADMIN) the test says so and stops. */
#include "gt.h"
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#define TMPFS_MAGIC 0x01021994

static char here[4096];

/* The line of /proc/self/mounts for mount point `dir` (an absolute path),
 * the last one if stacked; empty if none. */
static void mounts_line(const char *dir, char *out, size_t n)
{
    static char buf[65536];
    out[0] = 0;
    if (read_file("/proc/self/mounts", buf, sizeof buf) < 0)
        return;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        char src[256], where[4096];
        if (sscanf(line, "%255s %4095s", src, where) == 2 && !strcmp(where, dir))
            snprintf(out, n, "%s", line);
    }
}

/* The line with the mount point replaced by "M", for printing. */
static void show_line(const char *what, const char *dir)
{
    char line[8192], shown[8192];
    mounts_line(dir, line, sizeof line);
    char *at = strstr(line, dir);
    if (at)
        snprintf(shown, sizeof shown, "%.*sM%s", (int)(at - line), line, at + strlen(dir));
    else
        snprintf(shown, sizeof shown, "(none)");
    say("%s: %s\n", what, shown);
}

/* Writes 4 KiB blocks into path until write fails; prints how it ended. */
static int fill(void)
{
    int fd = open("m/fill", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return 2;
    static char block[4096];
    memset(block, 'x', sizeof block);
    long total = 0;
    for (;;) {
        ssize_t n = write(fd, block, sizeof block);
        if (n < 0) {
            say("filling writer: %s after %ld KiB\n", errname(errno), total / 1024);
            break;
        }
        total += n;
    }
    close(fd);
    return 0;
}

static int busy_child_pipe[2];

int main(void)
{
    if (!getcwd(here, sizeof here - 8))
        return 2;
    char m[4096 + 8];
    snprintf(m, sizeof m, "%s/m", here);
    mkdir("m", 0755);
    if (mount("tmpfs", "m", "tmpfs", 0, "size=64k,nr_inodes=8,mode=750") < 0) {
        if (errno == EPERM) {
            say("mount not permitted here (EPERM): the mount checks are skipped\n");
            gt_exit();
        }
        say("mount tmpfs: %s\n", errname(errno));
        return 1;
    }
    struct stat st;
    stat("m", &st);
    say("root mode %o\n", (unsigned)st.st_mode);
    struct statfs sf;
    statfs("m", &sf);
    expect(sf.f_type == TMPFS_MAGIC, "statfs f_type is TMPFS_MAGIC");
    say("statfs blocks %ld free %ld files %ld\n", (long)sf.f_blocks, (long)sf.f_bfree, (long)sf.f_files);
    show_line("mounts", m);

    /* a writer that fills it gets ENOSPC, and lives */
    int status = run_child(fill);
    say("filling writer %s\n", status_str(status));
    stat("m/fill", &st);
    say("file size %ld\n", (long)st.st_size);
    int fd = open("m/fill", O_WRONLY | O_APPEND);
    expect_err(write(fd, "x", 1), ENOSPC, "one more byte");
    close(fd);
    unlink("m/fill");
    fd = open("m/again", O_WRONLY | O_CREAT, 0644);
    expect(write(fd, "x", 1) == 1, "writes again after the unlink");
    close(fd);
    unlink("m/again");

    /* inodes: the root is one of the 8 */
    int made = 0;
    for (int i = 0; i < 20; i++) {
        char name[32];
        snprintf(name, sizeof name, "m/f%d", i);
        int f = open(name, O_WRONLY | O_CREAT, 0644);
        if (f < 0) {
            say("creating file %d: %s\n", i, errname(errno));
            break;
        }
        close(f);
        made++;
    }
    say("files made %d\n", made);
    expect_err(mkdir("m/d", 0755), ENOSPC, "mkdir with no inode left");
    for (int i = 0; i < made; i++) {
        char name[32];
        snprintf(name, sizeof name, "m/f%d", i);
        unlink(name);
    }

    /* remount: a bigger size, then read-only */
    expect(mount("tmpfs", "m", "tmpfs", MS_REMOUNT, "size=128k") == 0, "remount size=128k");
    statfs("m", &sf);
    say("statfs blocks after remount %ld\n", (long)sf.f_blocks);
    fd = open("m/kept", O_WRONLY | O_CREAT, 0644);
    write(fd, "kept\n", 5);
    close(fd);
    expect(mount("tmpfs", "m", "tmpfs", MS_REMOUNT | MS_RDONLY, NULL) == 0, "remount read-only");
    show_line("mounts ro", m);
    expect_err(open("m/new", O_WRONLY | O_CREAT, 0644), EROFS, "create on read-only");
    expect_err(open("m/kept", O_WRONLY), EROFS, "open for writing on read-only");
    expect_err(mkdir("m/d", 0755), EROFS, "mkdir on read-only");
    expect_err(unlink("m/kept"), EROFS, "unlink on read-only");
    expect_err(chmod("m/kept", 0600), EROFS, "chmod on read-only");
    expect_err(truncate("m/kept", 0), EROFS, "truncate on read-only");
    char buf[64];
    expect(read_file("m/kept", buf, sizeof buf) == 5, "reading still works");
    statfs("m", &sf);
    expect((sf.f_flags & ST_RDONLY) != 0, "statfs says read-only");
    expect(mount("tmpfs", "m", "tmpfs", MS_REMOUNT, NULL) == 0, "remount read-write");
    expect(unlink("m/kept") == 0, "unlink after going back to rw");

    /* a second mount on the same directory hides the first; umount shows it again */
    fd = open("m/lower", O_WRONLY | O_CREAT, 0644);
    close(fd);
    expect(mount("tmpfs", "m", "tmpfs", MS_RDONLY, "size=16k") == 0, "mount a second, read-only tmpfs on top");
    expect(access("m/lower", F_OK) < 0, "the lower file is hidden");
    show_line("mounts top", m);
    expect_err(open("m/x", O_WRONLY | O_CREAT, 0644), EROFS, "create on the read-only top");
    expect(umount("m") == 0, "umount the top");
    expect(access("m/lower", F_OK) == 0, "the lower file is back");
    unlink("m/lower");

    /* busy while a process works inside; MNT_DETACH takes it away anyway */
    if (pipe(busy_child_pipe) < 0)
        return 2;
    pid_t pid = fork();
    if (pid == 0) {
        close(busy_child_pipe[1]);
        if (chdir("m") < 0)
            _exit(2);
        char c;
        read(busy_child_pipe[0], &c, 1);   /* until the parent says */
        int f = open("inside", O_WRONLY | O_CREAT, 0644);
        _exit(f >= 0 ? 0 : 3);
    }
    close(busy_child_pipe[0]);
    usleep(200000);
    expect_err(umount("m"), EBUSY, "umount while a process's cwd is inside");
    expect_err(umount2("m", MNT_FORCE), EBUSY, "MNT_FORCE on a busy tmpfs");
    fd = open("m/open", O_RDWR | O_CREAT, 0644);
    write(fd, "data", 4);
    expect(umount2("m", MNT_DETACH) == 0, "MNT_DETACH while busy");
    expect(access("m/open", F_OK) < 0, "the name is gone from the tree");
    char got[8] = {0};
    expect(pread(fd, got, 4, 0) == 4 && !memcmp(got, "data", 4), "an open file still reads");
    close(fd);
    close(busy_child_pipe[1]);
    int cst;
    waitpid(pid, &cst, 0);
    say("the process inside %s\n", status_str(cst));
    mounts_line(m, buf, sizeof buf);
    expect(buf[0] == 0, "no line in /proc/self/mounts any more");
    expect_err(umount("m"), EINVAL, "umount of what is no mount point now");

    /* a tree left inside at umount goes with the tmpfs */
    expect(mount("tmpfs", "m", "tmpfs", 0, NULL) == 0, "mount a tmpfs to leave a tree in");
    expect(mkdir("m/a", 0755) == 0 && mkdir("m/a/b", 0755) == 0 && mkdir("m/a/b/c", 0755) == 0,
           "three levels of directories");
    static char eight_k[8192];
    fd = open("m/a/b/c/f", O_WRONLY | O_CREAT, 0644);
    expect(write(fd, eight_k, sizeof eight_k) == (ssize_t)sizeof eight_k, "8 KiB in a file at the bottom");
    close(fd);
    expect(symlink("a/b/c/f", "m/l") == 0 && link("m/a/b/c/f", "m/a/hard") == 0 && mkfifo("m/a/p", 0644) == 0,
           "a symlink, a second name and a FIFO");
    expect(umount("m") == 0, "umount with the tree inside");
    expect(access("m/a", F_OK) < 0, "the mount point is empty again");

    /* detached while a file is mapped: munmap is the last use */
    expect(mount("tmpfs", "m", "tmpfs", 0, NULL) == 0, "mount a tmpfs to map a file of");
    mkdir("m/d", 0755);
    fd = open("m/d/mapped", O_RDWR | O_CREAT, 0644);
    char *map = ftruncate(fd, 4096) == 0 ? mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
    close(fd);
    expect(map != MAP_FAILED, "a shared mapping of a file in it");
    expect_err(umount("m"), EBUSY, "umount while the file is mapped");
    expect(umount2("m", MNT_DETACH) == 0, "MNT_DETACH while mapped");
    if (map != MAP_FAILED) {
        strcpy(map, "kept");
        expect(!strcmp(map, "kept"), "the mapping still works");
        expect(munmap(map, 4096) == 0, "munmap, the last use");
    }

    /* detached while a process works inside: it still makes files there,
     * then leaves for "/", the last use */
    expect(mount("tmpfs", "m", "tmpfs", 0, NULL) == 0, "mount a tmpfs to work in");
    mkdir("m/w", 0755);
    int to_child[2], to_parent[2];
    if (pipe(to_child) < 0 || pipe(to_parent) < 0)
        return 2;
    pid = fork();
    if (pid == 0) {
        char c = 0;
        if (chdir("m/w") < 0 || write(to_parent[1], &c, 1) != 1 || read(to_child[0], &c, 1) != 1)
            _exit(2);
        int f = open("made", O_WRONLY | O_CREAT, 0644);
        if (f < 0 || mkdir("sub", 0755) < 0 || close(f) < 0)
            _exit(3);
        struct stat sst;
        if (stat("../w/made", &sst) < 0 || chdir("/") < 0)
            _exit(4);
        _exit(access("made", F_OK) < 0 ? 0 : 5);
    }
    char c;
    expect(read(to_parent[0], &c, 1) == 1, "the process works inside");
    expect(umount2("m", MNT_DETACH) == 0, "MNT_DETACH under its working directory");
    write(to_child[1], &c, 1);
    waitpid(pid, &cst, 0);
    say("the process that left %s\n", status_str(cst));
    close(to_child[0]);
    close(to_child[1]);
    close(to_parent[0]);
    close(to_parent[1]);

    rmdir("m");
    gt_exit();
}
