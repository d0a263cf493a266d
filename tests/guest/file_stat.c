/* stat/fstat/lstat report what the file is: sizes of files written with
 * known lengths, the file type bits for a regular file, a directory, a pipe,
 * /dev/null (character device) and the console, permission bits as given
 * to open/mkdir under umask, chmod changes, st_nlink of a file, and the
 * st_blksize/st_blocks sanity relations.  Errors: ENOENT, ENOTDIR. */
#include "gt.h"

static const char *type(mode_t m)
{
    return S_ISREG(m) ? "regular" : S_ISDIR(m) ? "directory" : S_ISFIFO(m) ? "fifo" :
           S_ISCHR(m) ? "char-device" : S_ISLNK(m) ? "symlink" : S_ISBLK(m) ? "block" : "other";
}

int main(void)
{
    umask(022);
    int fd = open("f", O_CREAT | O_WRONLY | O_TRUNC, 0666);
    write(fd, "0123456789", 10);
    struct stat st;
    fstat(fd, &st);
    say("f: %s size=%ld mode=%03o nlink=%ld\n", type(st.st_mode), (long)st.st_size,
        st.st_mode & 07777, (long)st.st_nlink);
    expect(st.st_blksize > 0, "st_blksize > 0");
    write(fd, "more", 4);
    close(fd);
    stat("f", &st);
    say("f after 4 more bytes: size=%ld\n", (long)st.st_size);
    expect(st.st_blocks * 512 >= st.st_size, "st_blocks covers the size");
    expect(chmod("f", 0600) == 0, "chmod 600");
    stat("f", &st);
    say("f after chmod: mode=%03o\n", st.st_mode & 07777);

    mkdir("d", 0777);
    stat("d", &st);
    say("d: %s mode=%03o\n", type(st.st_mode), st.st_mode & 07777);
    umask(077);
    close(open("g", O_CREAT | O_WRONLY, 0666));
    stat("g", &st);
    say("g under umask 077: mode=%03o size=%ld\n", st.st_mode & 07777, (long)st.st_size);

    int p[2];
    pipe(p);
    fstat(p[0], &st);
    say("pipe: %s\n", type(st.st_mode));
    stat("/dev/null", &st);
    say("/dev/null: %s\n", type(st.st_mode));
    stat("/dev/zero", &st);
    say("/dev/zero: %s\n", type(st.st_mode));
    stat("/", &st);
    say("/: %s\n", type(st.st_mode));
    stat("/bin/busybox", &st);
    say("/bin/busybox: %s executable=%s\n", type(st.st_mode), (st.st_mode & 0111) ? "yes" : "no");

    struct stat a, b;
    stat("f", &a);
    fd = open("f", O_RDONLY);
    fstat(fd, &b);
    expect(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "stat and fstat agree on the inode");
    expect_err(stat("missing", &st), ENOENT, "stat a missing file");
    expect_err(stat("f/x", &st), ENOTDIR, "stat through a file");
    expect_err(fstat(-1, &st), EBADF, "fstat on fd -1");
    gt_exit();
}
