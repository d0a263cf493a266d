/* getdents64 lists a directory: the test creates a directory with known
 * files and subdirectories, reads it with the raw getdents64 system call
 * using a small buffer (so several calls are needed), sorts the names and
 * prints each with its d_type.  "." and ".." are present; a name added
 * later appears in a new listing; a removed one disappears; getdents64 on
 * a file is ENOTDIR.  Also readdir() through libc for comparison. */
#include "gt.h"
#include <dirent.h>
#include <sys/syscall.h>

struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static char names[64][64];
static int types[64];
static int count;

static int cmp(const void *a, const void *b)
{
    return strcmp(names[*(const int *)a], names[*(const int *)b]);
}

static const char *type_name(int t)
{
    return t == DT_REG ? "file" : t == DT_DIR ? "dir" : t == DT_UNKNOWN ? "unknown" : "other";
}

static void list(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    char buf[128];                   /* small: forces several calls */
    long n;
    int calls = 0;
    count = 0;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        calls++;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (void *)(buf + off);
            snprintf(names[count], sizeof names[count], "%s", d->d_name);
            types[count++] = d->d_type;
            off += d->d_reclen;
        }
    }
    say("listing %s: %d entries, more than one call: %s, last return %ld\n",
        dir, count, calls > 1 ? "yes" : "no", n);
    int order[64];
    for (int i = 0; i < count; i++)
        order[i] = i;
    qsort(order, count, sizeof order[0], cmp);
    for (int i = 0; i < count; i++)
        say("  %s %s\n", names[order[i]], type_name(types[order[i]]));
    close(fd);
}

int main(void)
{
    mkdir("top", 0755);
    const char *files[] = { "zeta", "alpha", "middle-name.txt", "B", "a-very-long-file-name-to-vary-record-lengths" };
    for (int i = 0; i < 5; i++) {
        char path[128];
        snprintf(path, sizeof path, "top/%s", files[i]);
        close(open(path, O_CREAT | O_WRONLY, 0644));
    }
    mkdir("top/subdir", 0755);
    mkdir("top/other", 0755);
    list("top");
    unlink("top/zeta");
    rmdir("top/other");
    close(open("top/new", O_CREAT | O_WRONLY, 0644));
    list("top");
    list("top/subdir");

    int fd = open("top/alpha", O_RDONLY);
    char buf[256];
    expect_err(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR, "getdents64 on a file");
    close(fd);
    expect_err(syscall(SYS_getdents64, 999, buf, sizeof buf), EBADF, "getdents64 on a bad fd");

    DIR *d = opendir("top");
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    say("readdir counts %d entries\n", n);
    gt_exit();
}
