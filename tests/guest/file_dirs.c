/* Namespace operations: mkdir, rmdir, rename (of files and directories,
 * and over an existing file), unlink, and their errors: EEXIST, ENOENT,
 * ENOTDIR, EISDIR, ENOTEMPTY.  Results are checked with stat and open. */
#include "gt.h"

static const char *kind(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return errname(errno);
    return S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : "other";
}

static void put(const char *path, const char *text)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    write(fd, text, strlen(text));
    close(fd);
}

static const char *get(const char *path)
{
    static char buf[64];
    memset(buf, 0, sizeof buf);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return errname(errno);
    read(fd, buf, sizeof buf - 1);
    close(fd);
    return buf;
}

int main(void)
{
    expect(mkdir("d", 0755) == 0, "mkdir d");
    expect_err(mkdir("d", 0755), EEXIST, "mkdir d again");
    expect_err(mkdir("no/such/parent", 0755), ENOENT, "mkdir with a missing parent");
    put("d/a.txt", "alpha");
    say("d/a.txt is a %s\n", kind("d/a.txt"));
    expect_err(mkdir("d/a.txt/x", 0755), ENOTDIR, "mkdir under a file");
    expect_err(open("d", O_WRONLY), EISDIR, "open a directory for writing");
    expect_err(rmdir("d"), ENOTEMPTY, "rmdir a non-empty directory");
    expect_err(rmdir("d/a.txt"), ENOTDIR, "rmdir a file");
    expect_err(unlink("d"), EISDIR, "unlink a directory");

    expect(rename("d/a.txt", "d/b.txt") == 0, "rename a file");
    say("after rename: a.txt %s, b.txt %s \"%s\"\n", kind("d/a.txt"), kind("d/b.txt"), get("d/b.txt"));
    put("d/c.txt", "gamma");
    expect(rename("d/c.txt", "d/b.txt") == 0, "rename over an existing file");
    say("b.txt now \"%s\", c.txt %s\n", get("d/b.txt"), kind("d/c.txt"));
    expect(mkdir("d/sub", 0755) == 0, "mkdir d/sub");
    expect(rename("d/b.txt", "d/sub/moved.txt") == 0, "move a file into a subdirectory");
    expect(rename("d/sub", "e") == 0, "rename a directory");
    say("e/moved.txt: \"%s\"\n", get("e/moved.txt"));
    expect_err(rename("nothing", "x"), ENOENT, "rename a missing file");

    /* An open file survives unlink until closed. */
    int fd = open("e/moved.txt", O_RDONLY);
    expect(unlink("e/moved.txt") == 0, "unlink while open");
    say("after unlink: %s\n", kind("e/moved.txt"));
    char buf[16] = { 0 };
    say("read from the unlinked open file: %zd \"%s\"\n", read(fd, buf, sizeof buf - 1), buf);
    close(fd);
    expect_err(unlink("e/moved.txt"), ENOENT, "unlink again");
    expect(rmdir("e") == 0, "rmdir e (now empty)");
    expect(rmdir("d") == 0, "rmdir d (now empty)");
    say("d is %s, e is %s\n", kind("d"), kind("e"));
    gt_exit();
}
