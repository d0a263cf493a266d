/* Shared memory as Linux provides it, each case compared with Linux:
 *  - MAP_SHARED|MAP_ANONYMOUS, and a shared mapping of /dev/zero, stay
 *    shared across fork even for pages first touched after it;
 *  - MAP_PRIVATE stays copy-on-write;
 *  - a MAP_SHARED file mapping and read()/write() see each other's data, in
 *    the same process and in a child; a page past the end of the file
 *    raises SIGBUS, also after ftruncate shrinks the file under the
 *    mapping, and is readable (zeros) again when the file grows;
 *  - a writable shared mapping of a read-only descriptor is EACCES, of a
 *    write-only one EACCES too, of a directory ENODEV, of a bad fd EBADF;
 *  - memfd_create gives a file that can be written, mapped and shared.
 * Guards against: shared anonymous pages that split at the first touch
 * after fork, writable shared file mappings refused with ENODEV, stale
 * pages after a truncate. */
#define _GNU_SOURCE
#include "gt.h"
#include <setjmp.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static void on_bus(int s) { (void)s; siglongjmp(jb, 1); }

/* 1 if reading *p raises SIGBUS, 0 if it reads (the byte goes to *out). */
static int bus_on_read(volatile char *p, int *out)
{
    if (sigsetjmp(jb, 1))
        return 1;
    *out = *p;
    return 0;
}

static int wait_child(pid_t c)
{
    int st = 0;
    return waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(void)
{
    /* anonymous shared memory, untouched before fork */
    int *a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    expect(a != MAP_FAILED, "MAP_SHARED|MAP_ANONYMOUS mapped");
    pid_t c = fork();
    if (c == 0) {
        a[0] = 42;
        a[1024] = 43;
        _exit(0);
    }
    expect(wait_child(c), "child wrote");
    expect(a[0] == 42 && a[1024] == 43, "parent sees the child's stores on both pages (untouched before fork)");
    a[1] = 7;
    c = fork();
    if (c == 0)
        _exit(a[1] == 7 ? 0 : 1);
    expect(wait_child(c), "child sees the parent's store");

    /* private memory stays copy-on-write */
    int *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 1;
    c = fork();
    if (c == 0) {
        p[0] = 2;
        _exit(0);
    }
    expect(wait_child(c) && p[0] == 1, "MAP_PRIVATE: the child's store stays its own");

    /* /dev/zero shared */
    int z = open("/dev/zero", O_RDWR);
    int *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
    expect(q != MAP_FAILED && q[3] == 0, "shared /dev/zero mapping reads zeros");
    c = fork();
    if (c == 0) {
        q[3] = 9;
        _exit(0);
    }
    expect(wait_child(c) && q[3] == 9, "shared /dev/zero: the child's store is seen");
    close(z);

    /* a shared file mapping and read/write */
    int fd = open("shared.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    expect(ftruncate(fd, 3 * 4096) == 0, "file of 3 pages");
    char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    expect(m != MAP_FAILED, "MAP_SHARED of the file, writable");
    memcpy(m + 100, "hello", 5);
    char buf[8] = { 0 };
    expect(pread(fd, buf, 5, 100) == 5 && !memcmp(buf, "hello", 5), "read() sees a store through the mapping");
    expect(pwrite(fd, "WORLD", 5, 200) == 5 && !memcmp(m + 200, "WORLD", 5), "the mapping sees write()");
    c = fork();
    if (c == 0) {
        m[4096 + 7] = 'Z';
        _exit(0);
    }
    expect(wait_child(c) && pread(fd, buf, 1, 4096 + 7) == 1 && buf[0] == 'Z',
           "a child's store through the inherited mapping reaches the file");
    expect(msync(m, 4096, MS_SYNC) == 0, "msync accepted");

    /* past the end of the file */
    signal(SIGBUS, on_bus);
    memset(m, 'x', 3 * 4096);
    expect(ftruncate(fd, 4096 + 10) == 0, "shrink to a page and 10 bytes");
    int v = -1;
    say("page 1, partly inside the file: %s", bus_on_read(m + 4096 + 100, &v) ? "SIGBUS\n" : "");
    if (v >= 0)
        say("reads %d (the cut tail is zeroed)\n", v);
    say("page 2, past the end: %s\n", bus_on_read(m + 2 * 4096, &v) ? "SIGBUS" : "readable");
    expect(ftruncate(fd, 3 * 4096) == 0, "grow back to 3 pages");
    v = -1;
    say("page 2 after growing: %s", bus_on_read(m + 2 * 4096, &v) ? "SIGBUS\n" : "");
    if (v >= 0)
        say("reads %d\n", v);
    signal(SIGBUS, SIG_DFL);
    munmap(m, 3 * 4096);

    /* descriptor rights */
    int ro = open("shared.dat", O_RDONLY), wo = open("shared.dat", O_WRONLY);
    expect_err((long)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES,
               "shared writable mapping of a read-only fd");
    expect(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0) != MAP_FAILED,
           "private writable mapping of a read-only fd is fine");
    expect_err((long)mmap(NULL, 4096, PROT_READ, MAP_SHARED, wo, 0), EACCES, "any mapping of a write-only fd");
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    expect_err((long)mmap(NULL, 4096, PROT_READ, MAP_SHARED, dir, 0), ENODEV, "mapping a directory");
    expect_err((long)mmap(NULL, 4096, PROT_READ, MAP_SHARED, 999, 0), EBADF, "mapping a bad descriptor");

    /* memfd */
    int mf = memfd_create("gt", MFD_CLOEXEC);
    expect(mf >= 0 && write(mf, "memfd!", 6) == 6, "memfd_create and write");
    char *mm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mf, 0);
    expect(mm != MAP_FAILED && !memcmp(mm, "memfd!", 6), "the mapping shows what was written");
    c = fork();
    if (c == 0) {
        mm[0] = 'M';
        _exit(0);
    }
    expect(wait_child(c) && pread(mf, buf, 1, 0) == 1 && buf[0] == 'M', "a child's store reaches the memfd");
    expect(fcntl(mf, F_GETFD) == FD_CLOEXEC, "MFD_CLOEXEC sets close-on-exec");
    gt_exit();
}
