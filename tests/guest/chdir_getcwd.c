/* chdir and getcwd: the path follows relative and absolute chdirs, "."
 * and ".." (including ".." at the root staying at "/"), getcwd's return is
 * the buffer, a too-small buffer is ERANGE; chdir to a missing path is
 * ENOENT, to a file ENOTDIR; fchdir through a directory fd.  Paths under
 * the scratch directory are printed relative to it. */
#include "gt.h"
#include <limits.h>

static char start[PATH_MAX];

static void where(const char *what)
{
    char buf[PATH_MAX];
    char *r = getcwd(buf, sizeof buf);
    size_t n = strlen(start);
    if (!r)
        say("%s: getcwd failed %s\n", what, errname(errno));
    else if (!strncmp(buf, start, n) && (buf[n] == '/' || buf[n] == 0))
        say("%s: <start>%s\n", what, buf + n);
    else
        say("%s: %s\n", what, buf);
}

int main(void)
{
    getcwd(start, sizeof start);
    expect(start[0] == '/', "getcwd is absolute");
    mkdir("a", 0755);
    mkdir("a/b", 0755);
    mkdir("a/b/c", 0755);
    close(open("a/file", O_CREAT | O_WRONLY, 0644));
    expect(chdir("a/b/c") == 0, "chdir a/b/c");
    where("after chdir a/b/c");
    chdir("..");
    where("after ..");
    chdir("./c/../../b/.");
    where("after ./c/../../b/.");
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    chdir("/");
    where("after chdir /");
    chdir("..");
    where("after .. at the root");
    expect(fchdir(dfd) == 0, "fchdir back");
    where("after fchdir");
    char small[4];
    errno = 0;
    expect(getcwd(small, sizeof small) == NULL && errno == ERANGE, "getcwd with a 4-byte buffer is ERANGE");
    expect_err(chdir("missing"), ENOENT, "chdir to a missing directory");
    expect_err(chdir("../file"), ENOTDIR, "chdir to a file");
    chdir(start);
    where("back at start");
    gt_exit();
}
