/* mount(2) and umount2(2) errors in Linux's order, the pseudo file systems
 * mounted a second time (proc, sysfs, devtmpfs, devpts show their files),
 * MNT_EXPIRE's two steps, and what an unprivileged process gets.
 *
 * Everything happens below the test's own directory.  Where mount(2) is
 * not permitted (EPERM for root: a host without CAP_SYS_ADMIN) the test
 * says so and stops. */
#include "gt.h"
#include <sys/mount.h>

#define BAD ((void *)8)

static int unprivileged(void)
{
    if (setgid(65534) < 0 || setuid(65534) < 0)
        return 2;
    expect_err(mount("tmpfs", "d", "tmpfs", 0, NULL), EPERM, "mount as nobody");
    expect_err(umount("t"), EPERM, "umount of a mount as nobody");
    expect_err(umount("nonexistent"), ENOENT, "umount of a missing path as nobody");
    expect_err(mount("tmpfs", "nonexistent", "tmpfs", 0, NULL), ENOENT, "mount on a missing path as nobody");
    return gt_failures ? 1 : 0;
}

/* Mounts `type` on d, checks that `file` is there, and takes it down. */
static void pseudo(const char *type, const char *file)
{
    char what[128], path[64];
    snprintf(what, sizeof what, "mount %s", type);
    if (!expect(mount(type, "d", type, 0, NULL) == 0, what))
        return;
    snprintf(path, sizeof path, "d/%s", file);
    snprintf(what, sizeof what, "%s shows %s", type, file);
    expect(access(path, F_OK) == 0, what);
    snprintf(what, sizeof what, "umount %s", type);
    expect(umount("d") == 0, what);
}

int main(void)
{
    chmod(".", 0755);           /* the unprivileged child works here too */
    mkdir("d", 0755);
    mkdir("t", 0755);
    close(open("file", O_WRONLY | O_CREAT, 0644));
    if (mount("tmpfs", "t", "tmpfs", 0, NULL) < 0) {
        if (errno == EPERM) {
            say("mount not permitted here (EPERM): the mount checks are skipped\n");
            gt_exit();
        }
        say("mount tmpfs: %s\n", errname(errno));
        return 1;
    }

    expect_err(mount("tmpfs", "nonexistent", "tmpfs", 0, NULL), ENOENT, "target missing");
    expect_err(mount("tmpfs", "file", "tmpfs", 0, NULL), ENOTDIR, "target a regular file");
    expect_err(mount("tmpfs", "file/x", "tmpfs", 0, NULL), ENOTDIR, "target below a regular file");
    expect_err(mount("x", "d", "nosuchfs", 0, NULL), ENODEV, "unknown type");
    expect_err(mount("x", "d", NULL, 0, NULL), EINVAL, "no type");
    expect_err(mount("tmpfs", "d", "tmpfs", 0, "bogus=1"), EINVAL, "unknown tmpfs option");
    expect_err(mount("tmpfs", "d", "tmpfs", 0, "size=12q"), EINVAL, "bad size");
    expect_err(mount("tmpfs", "d", "tmpfs", 0, "mode=9"), EINVAL, "bad mode");
    expect_err(mount("tmpfs", "d", BAD, 0, NULL), EFAULT, "type at a bad address");
    expect_err(mount("tmpfs", BAD, "tmpfs", 0, NULL), EFAULT, "target at a bad address");
    expect_err(mount("tmpfs", "d", "tmpfs", MS_REMOUNT, NULL), EINVAL, "remount of no mount point");
    expect_err(mount("x", "d", "devpts", 0, "nosuchopt"), EINVAL, "unknown devpts option");

    expect_err(umount("d"), EINVAL, "umount of no mount point");
    expect_err(umount("file"), EINVAL, "umount of a file");
    expect_err(umount("nonexistent"), ENOENT, "umount of a missing path");
    expect_err(umount2("t", 0x100), EINVAL, "umount2 with an unknown flag");
    expect_err(umount2("t", MNT_EXPIRE | MNT_DETACH), EINVAL, "MNT_EXPIRE with MNT_DETACH");
    expect_err(umount2(BAD, 0), EFAULT, "umount2 at a bad address");
    expect_err(rmdir("t"), EBUSY, "rmdir of a mount point");

    int st = run_child(unprivileged);
    say("unprivileged child %s\n", status_str(st));

    expect_err(umount2("t", MNT_EXPIRE), EAGAIN, "MNT_EXPIRE, first call");
    expect(umount2("t", MNT_EXPIRE) == 0, "MNT_EXPIRE, second call");
    expect_err(umount("t"), EINVAL, "umount again");

    expect(mount("tmpfs", "t", "tmpfs", 0, NULL) == 0, "mount tmpfs again");
    expect(umount2("t", MNT_FORCE) == 0, "MNT_FORCE on an idle tmpfs");

    pseudo("proc", "self/status");
    pseudo("sysfs", "devices");
    pseudo("devtmpfs", "null");
    pseudo("devpts", "ptmx");

    /* a bind mount of a directory shows its files */
    mkdir("src", 0755);
    close(open("src/inside", O_WRONLY | O_CREAT, 0644));
    expect(mount("src", "d", NULL, MS_BIND, NULL) == 0, "bind mount");
    expect(access("d/inside", F_OK) == 0, "the bound directory's file shows");
    expect(umount("d") == 0, "umount the bind mount");
    expect(access("d/inside", F_OK) < 0, "gone after umount");
    unlink("src/inside");
    rmdir("src");

    rmdir("d");
    rmdir("t");
    unlink("file");
    gt_exit();
}
