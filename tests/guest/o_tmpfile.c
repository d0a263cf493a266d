/* open(O_TMPFILE) in an in-memory file system (/dev/shm, tmpfs on Linux),
 * compared with Linux:
 *  - an unnamed regular file in a directory: readable and writable through
 *    its descriptor, link count 0, the mode as given less the umask, the
 *    directory's listing unchanged;
 *  - linkat(fd, "", AT_EMPTY_PATH) gives it a name (link count 1, the data
 *    there), and so does linkat of /proc/self/fd/N with AT_SYMLINK_FOLLOW;
 *  - with O_EXCL it can never be linked (ENOENT), nor can a file that was
 *    unlinked;
 *  - its last close frees it;
 *  - errors: without write access or with O_CREAT EINVAL, a missing
 *    directory ENOENT, a file instead of a directory ENOTDIR, a bad path
 *    pointer EFAULT; a directory that was removed is fine on tmpfs. */
#include "gt.h"
#include <dirent.h>

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void show_stat(int fd, const char *what)
{
    struct stat st;
    fstat(fd, &st);
    say("%s: regular %s, nlink %ld, mode %o, size %ld\n", what, S_ISREG(st.st_mode) ? "yes" : "no", (long)st.st_nlink,
        (unsigned)(st.st_mode & 07777), (long)st.st_size);
}

int main(void)
{
    umask(022);
    const char *base = "/dev/shm/gt-o_tmpfile";
    mkdir(base, 0755);
    if (chdir(base) != 0) {
        say("cannot use %s\n", base);
        return 1;
    }
    mkdir("d", 0755);
    int fd = open("d", O_TMPFILE | O_RDWR, 0666);
    expect(fd >= 0, "open(d, O_TMPFILE | O_RDWR, 0666)");
    show_stat(fd, "the file");
    say("entries in d: %d\n", entries("d"));
    expect(write(fd, "temporary", 9) == 9, "write to it");
    char buf[32] = "";
    expect(pread(fd, buf, sizeof buf - 1, 0) == 9 && !strcmp(buf, "temporary"), "read it back");

    expect(linkat(fd, "", AT_FDCWD, "d/named", AT_EMPTY_PATH) == 0, "linkat(fd, \"\", d/named, AT_EMPTY_PATH)");
    show_stat(fd, "after it");
    say("entries in d: %d\n", entries("d"));
    memset(buf, 0, sizeof buf);
    read_file("d/named", buf, sizeof buf);
    say("d/named holds \"%s\"\n", buf);
    expect_err(linkat(fd, "", AT_FDCWD, "d/named", AT_EMPTY_PATH), EEXIST, "linkat onto the name again");
    close(fd);

    fd = open("d", O_TMPFILE | O_WRONLY, 0600);
    write(fd, "via proc", 8);
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    expect(linkat(AT_FDCWD, proc, AT_FDCWD, "d/via-proc", AT_SYMLINK_FOLLOW) == 0,
           "linkat(/proc/self/fd/N, d/via-proc, AT_SYMLINK_FOLLOW)");
    show_stat(fd, "after it");
    close(fd);
    memset(buf, 0, sizeof buf);
    read_file("d/via-proc", buf, sizeof buf);
    say("d/via-proc holds \"%s\"\n", buf);

    fd = open("d", O_TMPFILE | O_RDWR | O_EXCL, 0600);
    expect(fd >= 0, "open with O_EXCL");
    expect_err(linkat(fd, "", AT_FDCWD, "d/excl", AT_EMPTY_PATH), ENOENT, "linkat of it");
    close(fd);
    fd = open("d/gone", O_CREAT | O_RDWR, 0600);
    unlink("d/gone");
    expect_err(linkat(fd, "", AT_FDCWD, "d/back", AT_EMPTY_PATH), ENOENT, "linkat of an unlinked file");
    close(fd);
    say("entries in d: %d\n", entries("d"));

    say("-- errors\n");
    expect_err(open("d", O_TMPFILE | O_RDONLY, 0600), EINVAL, "O_TMPFILE | O_RDONLY");
    expect_err(open("d", O_TMPFILE | O_RDWR | O_CREAT, 0600), EINVAL, "O_TMPFILE | O_CREAT");
    expect_err(open("missing", O_TMPFILE | O_RDWR, 0600), ENOENT, "a missing directory");
    expect_err(open("d/named", O_TMPFILE | O_RDWR, 0600), ENOTDIR, "a regular file");
    expect_err(open(BAD_PTR, O_TMPFILE | O_RDWR, 0600), EFAULT, "a bad path pointer");
    mkdir("e", 0755);
    int dfd = open("e", O_RDONLY | O_DIRECTORY);
    rmdir("e");
    int t = openat(dfd, ".", O_TMPFILE | O_RDWR, 0600);
    say("in a removed directory (tmpfs allows it): %s\n", t >= 0 ? "opened" : errname(errno));
    close(t);
    unlink("d/named");
    unlink("d/via-proc");
    rmdir("d");
    chdir("/");
    expect(rmdir(base) == 0, "the test's directory removed");
    gt_exit();
}
