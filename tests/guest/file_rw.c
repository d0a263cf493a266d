/* Regular file I/O: create, write, read back, lseek with SEEK_SET/CUR/END,
 * reading at and past end of file, a hole (seek past the end then write)
 * reads back as zeros, O_APPEND always writes at the end, O_TRUNC empties,
 * ftruncate shrinks and grows, O_EXCL refuses an existing file, and lseek
 * on a pipe is ESPIPE. */
#include "gt.h"

static void show(int fd, off_t at, size_t len, const char *what)
{
    char buf[64];
    ssize_t n = pread(fd, buf, len, at);
    say("%s: %zd bytes \"", what, n);
    for (ssize_t i = 0; i < n; i++)
        say("%c", buf[i] ? buf[i] : '0');
    say("\"\n");
}

int main(void)
{
    int fd = open("file.txt", O_CREAT | O_RDWR | O_EXCL, 0644);
    expect(fd >= 0, "create with O_EXCL");
    say("write: %zd\n", write(fd, "hello, world", 12));
    say("offset after write: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    say("SEEK_SET 7: %ld\n", (long)lseek(fd, 7, SEEK_SET));
    char buf[32] = { 0 };
    say("read 10 at 7: %zd \"%s\"\n", read(fd, buf, 10), buf);
    say("read at EOF: %zd\n", read(fd, buf, 10));
    say("SEEK_END -5: %ld\n", (long)lseek(fd, -5, SEEK_END));
    say("SEEK_CUR +2: %ld\n", (long)lseek(fd, 2, SEEK_CUR));
    say("SEEK_SET 20 (past end): %ld\n", (long)lseek(fd, 20, SEEK_SET));
    say("read past EOF: %zd\n", read(fd, buf, 10));
    write(fd, "END", 3);
    struct stat st;
    fstat(fd, &st);
    say("size with hole: %ld\n", (long)st.st_size);
    show(fd, 0, 23, "whole file (0 = zero byte)");
    expect_err(lseek(fd, -100, SEEK_SET), EINVAL, "seek before the start");
    expect(ftruncate(fd, 5) == 0, "ftruncate to 5");
    show(fd, 0, 32, "after ftruncate 5");
    expect(ftruncate(fd, 8) == 0, "ftruncate to 8");
    show(fd, 0, 32, "after ftruncate 8");
    close(fd);

    expect_err(open("file.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST, "O_EXCL on existing file");
    fd = open("file.txt", O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "+app", 4);
    close(fd);
    fd = open("file.txt", O_RDONLY);
    show(fd, 0, 32, "after O_APPEND write");
    expect_err(write(fd, "x", 1), EBADF, "write on O_RDONLY fd");
    close(fd);
    fd = open("file.txt", O_WRONLY | O_TRUNC);
    expect_err(read(fd, buf, 1), EBADF, "read on O_WRONLY fd");
    fstat(fd, &st);
    say("size after O_TRUNC: %ld\n", (long)st.st_size);
    close(fd);
    expect_err(open("missing.txt", O_RDONLY), ENOENT, "open missing file");

    int p[2];
    pipe(p);
    expect_err(lseek(p[0], 0, SEEK_CUR), ESPIPE, "lseek on a pipe");

    /* A larger file across several pages. */
    fd = open("big.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    static char blk[10000];
    for (int i = 0; i < (int)sizeof blk; i++)
        blk[i] = 'a' + i % 26;
    for (int i = 0; i < 10; i++)
        write(fd, blk, sizeof blk);
    fstat(fd, &st);
    say("big file size: %ld\n", (long)st.st_size);
    char c;
    pread(fd, &c, 1, 54321);
    expect(c == 'a' + 54321 % 10000 % 26, "byte at 54321 is right");
    close(fd);
    gt_exit();
}
