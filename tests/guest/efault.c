/* System calls given bad user pointers fail with EFAULT instead of
 * crashing the process (or the kernel): write from address 1, read into an
 * unmapped page, open with a bad path, stat into a bad buffer, pipe into a
 * bad array, getcwd and clock_gettime into bad buffers, and execve with a
 * bad argv.  Nothing is written by the failed write. */
#include "gt.h"
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

int main(void)
{
    char *unmapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(unmapped, 4096);
    int fd = open("f.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "some data", 9);
    lseek(fd, 0, SEEK_SET);

    expect_err(write(1, BAD_PTR, 10), EFAULT, "write(1, (void*)1, 10)");
    expect_err(write(fd, unmapped, 10), EFAULT, "write from an unmapped page");
    expect_err(read(fd, unmapped, 9), EFAULT, "read into an unmapped page");
    expect_err(open(BAD_PTR, O_RDONLY), EFAULT, "open with a bad path");
    expect_err(syscall(SYS_stat, "f.txt", BAD_PTR), EFAULT, "stat into a bad buffer");
    expect_err(syscall(SYS_fstat, fd, unmapped), EFAULT, "fstat into an unmapped page");
    expect_err(syscall(SYS_pipe, BAD_PTR), EFAULT, "pipe into a bad array");
    expect_err(syscall(SYS_getcwd, unmapped, 4096), EFAULT, "getcwd into an unmapped page");
    expect_err(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD_PTR), EFAULT, "clock_gettime into a bad buffer");
    expect_err(syscall(SYS_execve, "/bin/busybox", BAD_PTR, NULL), EFAULT, "execve with a bad argv");
    expect_err(syscall(SYS_wait4, -1, BAD_PTR, 0, NULL), ECHILD, "wait4 bad status, no children");

    pid_t c = fork();
    if (c == 0)
        _exit(0);
    expect_err(syscall(SYS_wait4, c, BAD_PTR, 0, NULL), EFAULT, "wait4 with a bad status pointer");
    waitpid(c, NULL, 0);

    struct stat st;
    fstat(fd, &st);
    say("file size unchanged by failed writes: %ld\n", (long)st.st_size);
    gt_exit();
}
