/* Directory operations, error by error as their man pages list them:
 * mkdir/mkdirat, rmdir, unlink/unlinkat, rename/renameat/renameat2,
 * link/linkat, symlink/symlinkat, readlink/readlinkat, getdents64,
 * chdir/fchdir and getcwd.  Bad pointers, bad descriptors and flags,
 * overlong names, missing components, files used as directories, symlink
 * loops, existing targets, non-empty directories, a directory moved into
 * itself, and as the user nobody EACCES/EPERM. */
#include "gt_errors.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4
#endif

static void as_nobody(void)
{
    E(syscall(SYS_mkdir, "new", 0755), EACCES);
    E(syscall(SYS_mkdir, "priv/new", 0755), EACCES);
    E(syscall(SYS_rmdir, "empty"), EACCES);
    E(syscall(SYS_unlink, "f"), EACCES);
    E(syscall(SYS_rename, "f", "g"), EACCES);
    E(syscall(SYS_link, "sticky/rootfile", "x"), EACCES);
    E(syscall(SYS_symlink, "f", "x"), EACCES);
    E(syscall(SYS_chdir, "priv"), EACCES);
    E(syscall(SYS_readlink, "priv/sl", (char[8]){0}, 8), EACCES);
    int dfd = open("priv", O_RDONLY | O_DIRECTORY);
    E(dfd, EACCES);
    E(syscall(SYS_mkdir, "sticky/mine", 0755), EEXIST);
    E(syscall(SYS_rmdir, "sticky/rootdir"), EPERM);
    E(syscall(SYS_unlink, "sticky/rootfile"), EPERM);
    E(syscall(SYS_rename, "sticky/rootfile", "sticky/x"), EPERM);
}

int main(void)
{
    gt_errors_init();
    umask(022);
    char buf[64];
    int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    mkdir("d", 0755);
    mkdir("d/sub", 0755);
    mkdir("empty", 0755);
    mkdir("full", 0755);
    close(open("full/x", O_CREAT | O_WRONLY, 0644));
    mkdir("priv", 0700);
    symlink("f", "priv/sl");
    mkdir("sticky", 0755);
    chmod("sticky", 01777);
    mkdir("sticky/rootdir", 0755);
    mkdir("sticky/mine", 0777);
    close(open("sticky/rootfile", O_CREAT | O_WRONLY, 0666));
    chmod("sticky/rootfile", 0666);
    symlink("loop", "loop");
    symlink("f", "sl");
    symlink("d", "dl");
    int dfd = open("d", O_RDONLY | O_DIRECTORY);

    say("-- mkdir, mkdirat\n");
    E(syscall(SYS_mkdir, "d", 0755), EEXIST);
    E(syscall(SYS_mkdir, "f", 0755), EEXIST);
    E(syscall(SYS_mkdir, "sl", 0755), EEXIST);
    E(syscall(SYS_mkdir, "loop", 0755), EEXIST);
    E(syscall(SYS_mkdir, "nodir/x", 0755), ENOENT);
    E(syscall(SYS_mkdir, "", 0755), ENOENT);
    E(syscall(SYS_mkdir, "f/x", 0755), ENOTDIR);
    E(syscall(SYS_mkdir, "loop/x", 0755), ELOOP);
    E(syscall(SYS_mkdir, LONGNAME, 0755), ENAMETOOLONG);
    E(syscall(SYS_mkdir, LONGPATH, 0755), ENAMETOOLONG);
    E(syscall(SYS_mkdir, BAD_PTR, 0755), EFAULT);
    E(syscall(SYS_mkdirat, 999, "x", 0755), EBADF);
    E(syscall(SYS_mkdirat, fd, "x", 0755), ENOTDIR);
    E(syscall(SYS_mkdirat, dfd, "sub", 0755), EEXIST);
    OK(syscall(SYS_mkdirat, dfd, "made", 0755));
    OK(syscall(SYS_mkdir, "trail/", 0755));

    say("-- mknod, mknodat\n");
    E(syscall(SYS_mknod, "x", S_IFDIR | 0755, 0), EPERM);
    E(syscall(SYS_mknod, "x", 0170000 | 0644, 0), EINVAL);
    E(syscall(SYS_mknod, "f", S_IFIFO | 0644, 0), EEXIST);
    E(syscall(SYS_mknod, "nodir/x", S_IFIFO | 0644, 0), ENOENT);
    E(syscall(SYS_mknod, "f/x", S_IFIFO | 0644, 0), ENOTDIR);
    E(syscall(SYS_mknod, LONGNAME, S_IFIFO | 0644, 0), ENAMETOOLONG);
    E(syscall(SYS_mknod, BAD_PTR, S_IFIFO | 0644, 0), EFAULT);
    E(syscall(SYS_mknodat, 999, "x", S_IFIFO | 0644, 0), EBADF);
    E(syscall(SYS_mknodat, fd, "x", S_IFIFO | 0644, 0), ENOTDIR);
    OK(syscall(SYS_mknodat, dfd, "node", 0644, 0));
    struct stat nst;
    say("mknod with no type makes a regular file: %s\n",
        stat("d/node", &nst) == 0 && S_ISREG(nst.st_mode) ? "yes" : "no");
    OK(syscall(SYS_unlinkat, dfd, "node", 0));

    say("-- rmdir\n");
    E(syscall(SYS_rmdir, "full"), ENOTEMPTY);
    E(syscall(SYS_rmdir, "f"), ENOTDIR);
    E(syscall(SYS_rmdir, "dl"), ENOTDIR);
    E(syscall(SYS_rmdir, "missing"), ENOENT);
    E(syscall(SYS_rmdir, "."), EINVAL);
    E(syscall(SYS_rmdir, "empty/."), EINVAL);
    E(syscall(SYS_rmdir, ".."), ENOTEMPTY);
    E(syscall(SYS_rmdir, "loop"), ENOTDIR);
    E(syscall(SYS_rmdir, "loop/x"), ELOOP);
    E(syscall(SYS_rmdir, LONGNAME), ENAMETOOLONG);
    E(syscall(SYS_rmdir, BAD_PTR), EFAULT);
    OK(syscall(SYS_rmdir, "trail/"));

    say("-- unlink, unlinkat\n");
    E(syscall(SYS_unlink, "d"), EISDIR);
    E(syscall(SYS_unlink, "missing"), ENOENT);
    E(syscall(SYS_unlink, "f/x"), ENOTDIR);
    E(syscall(SYS_unlink, "sl/"), ENOTDIR);
    E(syscall(SYS_unlink, "loop/x"), ELOOP);
    E(syscall(SYS_unlink, LONGNAME), ENAMETOOLONG);
    E(syscall(SYS_unlink, BAD_PTR), EFAULT);
    E(syscall(SYS_unlinkat, AT_FDCWD, "f", 0x1), EINVAL);
    E(syscall(SYS_unlinkat, AT_FDCWD, "f", AT_REMOVEDIR), ENOTDIR);
    E(syscall(SYS_unlinkat, AT_FDCWD, "full", AT_REMOVEDIR), ENOTEMPTY);
    E(syscall(SYS_unlinkat, AT_FDCWD, "d", 0), EISDIR);
    E(syscall(SYS_unlinkat, 999, "x", 0), EBADF);
    E(syscall(SYS_unlinkat, fd, "x", 0), ENOTDIR);
    E(syscall(SYS_unlinkat, dfd, "missing", 0), ENOENT);
    OK(syscall(SYS_unlinkat, dfd, "made", AT_REMOVEDIR));

    say("-- rename, renameat, renameat2\n");
    close(open("g", O_CREAT | O_WRONLY, 0644));
    E(syscall(SYS_rename, "missing", "x"), ENOENT);
    E(syscall(SYS_rename, "f", "nodir/x"), ENOENT);
    E(syscall(SYS_rename, "f", "d"), EISDIR);
    E(syscall(SYS_rename, "d", "f"), ENOTDIR);
    E(syscall(SYS_rename, "d", "full"), ENOTEMPTY);
    E(syscall(SYS_rename, "d", "d/sub/x"), EINVAL);
    E(syscall(SYS_rename, "d", "d/x"), EINVAL);
    E(syscall(SYS_rename, ".", "x"), EBUSY);
    E(syscall(SYS_rename, "f", "f/x"), ENOTDIR);
    E(syscall(SYS_rename, "f", "."), EBUSY);
    E(syscall(SYS_rename, "f", "g/"), ENOTDIR);
    E(syscall(SYS_rename, "loop/x", "x"), ELOOP);
    E(syscall(SYS_rename, "f", LONGNAME), ENAMETOOLONG);
    E(syscall(SYS_rename, BAD_PTR, "x"), EFAULT);
    E(syscall(SYS_rename, "f", BAD_PTR), EFAULT);
    OK(syscall(SYS_rename, "f", "f"));
    E(syscall(SYS_renameat, 999, "f", AT_FDCWD, "x"), EBADF);
    E(syscall(SYS_renameat, AT_FDCWD, "f", 999, "x"), EBADF);
    E(syscall(SYS_renameat, fd, "f", AT_FDCWD, "x"), ENOTDIR);
    E(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", 0x80), EINVAL);
    E(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", RENAME_NOREPLACE | RENAME_EXCHANGE), EINVAL);
    E(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", RENAME_NOREPLACE), EEXIST);
    E(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "missing", RENAME_EXCHANGE), ENOENT);
    E(syscall(SYS_renameat2, AT_FDCWD, "missing", AT_FDCWD, "f", RENAME_EXCHANGE), ENOENT);
    int gfd = open("g", O_WRONLY);
    write(gfd, "G", 1);
    close(gfd);
    OK(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", RENAME_EXCHANGE));
    struct stat st;
    expect(stat("f", &st) == 0 && st.st_size == 1 && stat("g", &st) == 0 && st.st_size == 0,
           "the exchange swapped the files");
    E(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g/", RENAME_EXCHANGE), ENOTDIR);
    E(syscall(SYS_renameat2, AT_FDCWD, "d", AT_FDCWD, "d/sub", RENAME_EXCHANGE), EINVAL);
    E(syscall(SYS_renameat2, AT_FDCWD, "d/sub", AT_FDCWD, "d", RENAME_EXCHANGE), EINVAL);
    mkdir("empty/in", 0755);
    OK(syscall(SYS_renameat2, AT_FDCWD, "empty", dfd, "sub", RENAME_EXCHANGE));
    expect(stat("d/sub/in", &st) == 0 && stat("empty/in", &st) < 0, "directories swapped across parents");
    expect(stat("d", &st) == 0 && st.st_nlink == 3, "d's link count unchanged");
    int here = open(".", O_RDONLY | O_DIRECTORY);
    char cwd[PATH_MAX];
    expect(chdir("d/sub/in") == 0 && getcwd(cwd, sizeof cwd) && strlen(cwd) > 9 &&
           strcmp(cwd + strlen(cwd) - 9, "/d/sub/in") == 0, "a moved directory's path follows it");
    fchdir(here);
    close(here);
    OK(syscall(SYS_renameat2, dfd, "sub", AT_FDCWD, "empty", RENAME_EXCHANGE));
    rmdir("empty/in");
    OK(syscall(SYS_renameat2, AT_FDCWD, "g", AT_FDCWD, "h", RENAME_NOREPLACE));
    OK(syscall(SYS_renameat2, dfd, "../h", AT_FDCWD, "g", 0));

    say("-- link, linkat\n");
    E(syscall(SYS_link, "f", "g"), EEXIST);
    E(syscall(SYS_link, "f", "d"), EEXIST);
    E(syscall(SYS_link, "d", "x"), EPERM);
    E(syscall(SYS_link, "missing", "x"), ENOENT);
    E(syscall(SYS_link, "f", "nodir/x"), ENOENT);
    E(syscall(SYS_link, "f/x", "x"), ENOTDIR);
    E(syscall(SYS_link, "loop/x", "x"), ELOOP);
    E(syscall(SYS_link, "f", LONGNAME), ENAMETOOLONG);
    E(syscall(SYS_link, BAD_PTR, "x"), EFAULT);
    E(syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "x", 0x1), EINVAL);
    E(syscall(SYS_linkat, 999, "f", AT_FDCWD, "x", 0), EBADF);
    E(syscall(SYS_linkat, AT_FDCWD, "f", 999, "x", 0), EBADF);
    E(syscall(SYS_linkat, fd, "", AT_FDCWD, "x", 0), ENOENT);
    E(syscall(SYS_linkat, AT_FDCWD, "loop", AT_FDCWD, "x", AT_SYMLINK_FOLLOW), ELOOP);
    OK(syscall(SYS_linkat, AT_FDCWD, "loop", AT_FDCWD, "loop2", 0));
    OK(syscall(SYS_linkat, AT_FDCWD, "sl", dfd, "lnk", AT_SYMLINK_FOLLOW));

    say("-- symlink, symlinkat, readlink, readlinkat\n");
    E(syscall(SYS_symlink, "x", "f"), EEXIST);
    E(syscall(SYS_symlink, "x", "sl"), EEXIST);
    E(syscall(SYS_symlink, "", "x"), ENOENT);
    E(syscall(SYS_symlink, "x", "nodir/x"), ENOENT);
    E(syscall(SYS_symlink, "x", "f/x"), ENOTDIR);
    E(syscall(SYS_symlink, "x", LONGNAME), ENAMETOOLONG);
    E(syscall(SYS_symlink, LONGPATH, "x"), ENAMETOOLONG);
    E(syscall(SYS_symlink, BAD_PTR, "x"), EFAULT);
    E(syscall(SYS_symlinkat, "x", 999, "y"), EBADF);
    E(syscall(SYS_symlinkat, "x", fd, "y"), ENOTDIR);
    E(syscall(SYS_readlink, "f", buf, sizeof buf), EINVAL);
    E(syscall(SYS_readlink, "sl", buf, 0), EINVAL);
    E(syscall(SYS_readlink, "sl", buf, -1), EINVAL);
    E(syscall(SYS_readlink, "missing", buf, sizeof buf), ENOENT);
    E(syscall(SYS_readlink, "f/x", buf, sizeof buf), ENOTDIR);
    E(syscall(SYS_readlink, "loop/x", buf, sizeof buf), ELOOP);
    E(syscall(SYS_readlink, LONGNAME, buf, sizeof buf), ENAMETOOLONG);
    E(syscall(SYS_readlink, "sl", BAD_PTR, sizeof buf), EFAULT);
    E(syscall(SYS_readlink, BAD_PTR, buf, sizeof buf), EFAULT);
    say("readlink(\"sl\", buf, 1): %ld\n", (long)syscall(SYS_readlink, "sl", buf, 1));
    E(syscall(SYS_readlinkat, 999, "sl", buf, sizeof buf), EBADF);
    E(syscall(SYS_readlinkat, fd, "sl", buf, sizeof buf), ENOTDIR);
    E(syscall(SYS_readlinkat, dfd, "", buf, sizeof buf), ENOENT);

    say("-- an O_PATH descriptor serves as a directory for the *at calls\n");
    int pdir = open("d", O_PATH | O_DIRECTORY);
    OK(syscall(SYS_openat, pdir, "sub", O_RDONLY | O_DIRECTORY));
    OK(syscall(SYS_mkdirat, pdir, "viapath", 0755));
    OK(syscall(SYS_symlinkat, "x", pdir, "viapath/l"));
    OK(syscall(SYS_readlinkat, pdir, "viapath/l", buf, sizeof buf));
    OK(syscall(SYS_unlinkat, pdir, "viapath/l", 0));
    OK(syscall(SYS_unlinkat, pdir, "viapath", AT_REMOVEDIR));
    E(syscall(SYS_getdents64, pdir, buf, sizeof buf), EBADF);
    close(pdir);

    say("-- symlink chains: 40 links are followed, not 41\n");
    char from[16], to[16];
    symlink("f", "chain0");
    for (int i = 1; i <= 40; i++) {
        snprintf(from, sizeof from, "chain%d", i - 1);
        snprintf(to, sizeof to, "chain%d", i);
        symlink(from, to);
    }
    struct stat cst;
    OK(syscall(SYS_stat, "chain39", &cst));
    E(syscall(SYS_stat, "chain40", &cst), ELOOP);
    E(open("chain40", O_RDONLY), ELOOP);
    OK(syscall(SYS_lstat, "chain40", &cst));

    say("-- getdents64, chdir, fchdir, getcwd\n");
    char dents[1024];
    E(syscall(SYS_getdents64, 999, dents, sizeof dents), EBADF);
    E(syscall(SYS_getdents64, fd, dents, sizeof dents), ENOTDIR);
    E(syscall(SYS_getdents64, dfd, dents, 1), EINVAL);
    E(syscall(SYS_getdents64, dfd, BAD_PTR, sizeof dents), EFAULT);
    int wfd = open(".", O_WRONLY | O_DIRECTORY);
    E(wfd, EISDIR);
    E(syscall(SYS_chdir, "f"), ENOTDIR);
    E(syscall(SYS_chdir, "missing"), ENOENT);
    E(syscall(SYS_chdir, "loop"), ELOOP);
    E(syscall(SYS_chdir, LONGNAME), ENAMETOOLONG);
    E(syscall(SYS_chdir, BAD_PTR), EFAULT);
    E(syscall(SYS_fchdir, 999), EBADF);
    E(syscall(SYS_fchdir, fd), ENOTDIR);
    E(syscall(SYS_getcwd, buf, 1), ERANGE);
    E(syscall(SYS_getcwd, buf, 0), ERANGE);
    E(syscall(SYS_getcwd, UNMAPPED, 4096), EFAULT);

    say("-- as nobody\n");
    in_child_as_nobody(as_nobody);
    gt_exit();
}
