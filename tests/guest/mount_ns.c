/* Mount name spaces and MS_MOVE.  A child takes a name space of its own
 * (unshare(CLONE_NEWNS), after which it makes every mount private so that
 * nothing it does reaches the host's), mounts a tmpfs there and moves it
 * with MS_MOVE: the files follow, /proc/self/mounts shows the new place,
 * and a mount inside the moved one moves along.  Its parent, in the
 * original name space, sees none of it in its own /proc/self/mounts but
 * all of it in /proc/<child>/mounts, and the two /proc/<pid>/ns/mnt links
 * differ.  clone(CLONE_NEWNS) does the same.
 * MS_MOVE's errors (a source that is no mount's root, a target inside the
 * tree that moves, an empty source), unshare's and clone's (bad flags,
 * CLONE_NEWNS with CLONE_FS, no CAP_SYS_ADMIN) as Linux gives them.  The
 * child exits with its tmpfs still mounted: its name space goes with it,
 * and in Tessera's debug build the leak check shows the memory returned. */
#include "gt.h"
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>

static char here[4096];

/* Whether `path` (relative to the test's directory) is a mount point in
 * the mount list file `list`. */
static int listed(const char *list, const char *path)
{
    static char buf[65536];
    char want[4200];
    snprintf(want, sizeof want, "%s/%s", here, path);
    if (read_file(list, buf, sizeof buf) < 0)
        return -1;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        char src[256], where[4096];
        if (sscanf(line, "%255s %4095s", src, where) == 2 && !strcmp(where, want))
            return 1;
    }
    return 0;
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int unprivileged(void)
{
    gt_failures = 0;
    if (setgid(65534) < 0 || setuid(65534) < 0)
        return 2;
    expect_err(unshare(CLONE_NEWNS), EPERM, "unshare(CLONE_NEWNS) as nobody");
    expect_err(syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0), EPERM, "clone(CLONE_NEWNS) as nobody");
    return gt_failures ? 1 : 0;
}

static int child(int tell, int hear)
{
    if (unshare(CLONE_NEWNS) < 0) {
        say("unshare(CLONE_NEWNS): %s\n", errname(errno));
        return 1;
    }
    expect(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "make / private, recursively");
    expect(mount("tmpfs", "a", "tmpfs", 0, "size=1m") == 0, "mount tmpfs on a");
    expect(mkdir("a/sub", 0755) == 0 && write_file("a/f", "hello") == 0, "files on the tmpfs");
    expect_err(mount("a/sub", "b", NULL, MS_MOVE, NULL), EINVAL, "MS_MOVE of a directory that is no mount");
    expect_err(mount("a", "a/sub", NULL, MS_MOVE, NULL), ELOOP, "MS_MOVE under itself");
    expect_err(mount("a", "a", NULL, MS_MOVE, NULL), ELOOP, "MS_MOVE onto itself");
    expect_err(mount("", "b", NULL, MS_MOVE, NULL), EINVAL, "MS_MOVE with an empty source");
    expect_err(mount("missing", "b", NULL, MS_MOVE, NULL), ENOENT, "MS_MOVE of a missing source");
    expect_err(mount("a", "missing", NULL, MS_MOVE, NULL), ENOENT, "MS_MOVE to a missing target");
    expect(mount("a", "b", NULL, MS_MOVE, NULL) == 0, "MS_MOVE a to b");
    expect(access("b/f", F_OK) == 0 && access("a/f", F_OK) < 0, "the files moved along");
    expect(listed("/proc/self/mounts", "b") == 1 && listed("/proc/self/mounts", "a") == 0,
           "/proc/self/mounts shows b, not a");
    expect(mount("tmpfs", "b/sub", "tmpfs", 0, NULL) == 0, "mount tmpfs on b/sub");
    expect(write_file("b/sub/g", "x") == 0, "a file in the inner tmpfs");
    expect(mount("b", "a", NULL, MS_MOVE, NULL) == 0, "MS_MOVE b back to a");
    expect(access("a/sub/g", F_OK) == 0, "the inner mount moved along");
    expect(listed("/proc/self/mountinfo", "a") >= 0, "mountinfo readable");
    expect(listed("/proc/self/mounts", "a/sub") == 1 && listed("/proc/self/mounts", "b/sub") == 0,
           "/proc/self/mounts shows a/sub, not b/sub");
    expect(mount(NULL, "a", NULL, MS_SHARED, NULL) == 0 && mount(NULL, "a", NULL, MS_SLAVE, NULL) == 0 &&
           mount(NULL, "a", NULL, MS_UNBINDABLE, NULL) == 0 && mount(NULL, "a", NULL, MS_PRIVATE, NULL) == 0,
           "propagation types accepted");
    char c = 'm';
    if (write(tell, &c, 1) != 1 || read(hear, &c, 1) != 1)
        return 2;
    expect(umount("a/sub") == 0, "umount a/sub");
    return gt_failures ? 1 : 0;     /* a is still mounted: the name space takes it down */
}

int main(void)
{
    if (!getcwd(here, sizeof here - 8))
        return 2;
    mkdir("a", 0755);
    mkdir("b", 0755);
    chmod(".", 0755);
    expect_err(unshare(0x1), EINVAL, "unshare with a bad flag");
    expect_err(syscall(SYS_clone, CLONE_NEWNS | CLONE_FS | SIGCHLD, 0, 0, 0, 0), EINVAL,
               "clone(CLONE_NEWNS | CLONE_FS)");
    int up[2], down[2];
    if (pipe(up) < 0 || pipe(down) < 0)
        return 2;
    pid_t pid = fork();
    if (pid == 0)
        _exit(child(up[1], down[0]));
    char c;
    if (read(up[0], &c, 1) != 1) {
        waitpid(pid, NULL, 0);
        say("child stopped early\n");
        return 1;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mounts", (int)pid);
    expect(listed(path, "a") == 1 && listed(path, "a/sub") == 1, "/proc/<child>/mounts shows its mounts");
    expect(listed("/proc/self/mounts", "a") == 0 && listed("/proc/self/mounts", "a/sub") == 0,
           "/proc/self/mounts of the parent does not");
    expect(access("a/f", F_OK) < 0, "the parent does not see the child's files");
    char mine[64] = "", theirs[64] = "", sibling[64] = "";
    snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
    ssize_t n = readlink(path, theirs, sizeof theirs - 1);
    ssize_t m = readlink("/proc/self/ns/mnt", mine, sizeof mine - 1);
    snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int)getppid());
    ssize_t k = readlink(path, sibling, sizeof sibling - 1);
    expect(n > 0 && m > 0 && !strncmp(mine, "mnt:[", 5) && !strncmp(theirs, "mnt:[", 5), "ns/mnt reads mnt:[N]");
    expect(strcmp(mine, theirs) != 0, "the child's ns/mnt differs from the parent's");
    expect(k > 0 && !strcmp(mine, sibling), "the parent's parent shares the parent's");
    if (write(down[1], &c, 1) != 1)
        return 2;
    int st;
    waitpid(pid, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child's checks held");
    pid = syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) {          /* a name space from clone: private, a tmpfs left mounted at exit */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || mount("tmpfs", "b", "tmpfs", 0, NULL) < 0)
            _exit(1);
        _exit(listed("/proc/self/mounts", "b") == 1 ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    expect(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "clone(CLONE_NEWNS) child mounted in its own");
    expect(listed("/proc/self/mounts", "b") == 0 && access("b", F_OK) == 0, "the parent does not see it");
    pid = fork();
    if (pid == 0)
        _exit(unprivileged());
    waitpid(pid, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "unprivileged checks held");
    rmdir("a");
    rmdir("b");
    gt_exit();
}
