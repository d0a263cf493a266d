/* fallocate(2), lseek's SEEK_DATA/SEEK_HOLE and sync_file_range(2) on an
 * in-memory file (/dev/shm, tmpfs on Linux), compared with Linux:
 *  - mode 0 allocates (st_blocks grows) and extends the size; with
 *    FALLOC_FL_KEEP_SIZE the size stays; the new bytes read as zeros;
 *  - FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE zeroes the range: whole
 *    pages are freed (st_blocks shrinks), partial ones cleared, the size
 *    stays; a shared mapping of the file sees the zeros, and writing
 *    through it afterwards reaches the file;
 *  - SEEK_DATA and SEEK_HOLE find the written pages and the holes of a
 *    sparse file, the end of the file counting as a hole; past the end
 *    ENXIO; a negative offset ENXIO; allocated pages are a hole until
 *    written (reading them does not count);
 *  - errors, in Linux's order: offset < 0 or len <= 0 EINVAL, an unknown
 *    or unsupported mode EOPNOTSUPP (PUNCH_HOLE without KEEP_SIZE,
 *    COLLAPSE_RANGE, ZERO_RANGE, INSERT_RANGE on tmpfs), a descriptor not
 *    open for writing EBADF, a pipe ESPIPE, a directory EBADF (not
 *    writable), offset + len past the largest offset EFBIG;
 *  - sync_file_range: 0 on a file; unknown flags, a negative offset or
 *    length EINVAL; a pipe ESPIPE; a closed descriptor EBADF. */
#include "gt.h"
#include <sys/mman.h>
#include <sys/syscall.h>

#define PG 4096
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE 0x10
#define FALLOC_FL_INSERT_RANGE 0x20

static const char *path = "/dev/shm/gt-fallocate";

static void stat_line(int fd, const char *what)
{
    struct stat st;
    fstat(fd, &st);
    say("%s: size %lld, blocks %lld\n", what, (long long)st.st_size, (long long)st.st_blocks);
}

static void seeks(int fd, const char *what)
{
    char buf[512] = "";
    off_t offs[] = { 0, 1, PG, 2 * PG, 3 * PG, 4 * PG - 1, 4 * PG, 5 * PG, 6 * PG, 100 * PG };
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        off_t d = lseek(fd, offs[i], SEEK_DATA);
        int de = errno;
        off_t h = lseek(fd, offs[i], SEEK_HOLE);
        int he = errno;
        char one[64];
        snprintf(one, sizeof one, " %lld:", (long long)offs[i]);
        strcat(buf, one);
        if (d < 0)
            snprintf(one, sizeof one, "%s/", errname(de));
        else
            snprintf(one, sizeof one, "%lld/", (long long)d);
        strcat(buf, one);
        if (h < 0)
            snprintf(one, sizeof one, "%s", errname(he));
        else
            snprintf(one, sizeof one, "%lld", (long long)h);
        strcat(buf, one);
    }
    say("%s (offset: data/hole):%s\n", what, buf);
}

static int zeros(int fd, off_t off, size_t len)
{
    char buf[PG];
    while (len) {
        size_t n = len < sizeof buf ? len : sizeof buf;
        if (pread(fd, buf, n, off) != (ssize_t)n)
            return 0;
        for (size_t i = 0; i < n; i++)
            if (buf[i])
                return 0;
        off += n;
        len -= n;
    }
    return 1;
}

int main(void)
{
    unlink(path);
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    stat_line(fd, "new file");
    say("-- allocation\n");
    expect(fallocate(fd, 0, 0, 2 * PG) == 0, "fallocate(0, 0, 2 pages)");
    stat_line(fd, "after it");
    expect(zeros(fd, 0, 2 * PG), "it reads as zeros");
    expect(fallocate(fd, FALLOC_FL_KEEP_SIZE, 2 * PG, 2 * PG) == 0, "fallocate(KEEP_SIZE, 2 pages more)");
    stat_line(fd, "after it");
    expect(fallocate(fd, 0, 100, 10) == 0, "fallocate(0) inside the file");
    stat_line(fd, "after it");
    expect(fallocate(fd, 0, 5 * PG + 10, 20) == 0, "fallocate(0) past the end, in part of a page");
    stat_line(fd, "after it");
    expect(zeros(fd, 0, 5 * PG + 30), "the whole file reads as zeros");

    say("-- punching holes\n");
    ftruncate(fd, 0);
    char page[PG];
    memset(page, 'x', sizeof page);
    for (int i = 0; i < 4; i++)
        pwrite(fd, page, PG, i * PG);
    stat_line(fd, "four written pages");
    char *map = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    expect(map != MAP_FAILED && map[PG] == 'x', "a shared mapping of them");
    expect(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, PG, PG) == 0, "punch page 1");
    stat_line(fd, "after it");
    expect(zeros(fd, PG, PG), "page 1 reads as zeros");
    expect(map[PG] == 0 && map[2 * PG - 1] == 0 && map[0] == 'x' && map[2 * PG] == 'x',
           "the mapping sees the hole, and the pages around it");
    map[PG + 5] = 'm';
    char c = 0;
    pread(fd, &c, 1, PG + 5);
    expect(c == 'm', "a store through the mapping into the hole reaches the file");
    expect(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 2 * PG + 100, 200) == 0,
           "punch 200 bytes inside page 2");
    stat_line(fd, "after it");
    expect(zeros(fd, 2 * PG + 100, 200), "those read as zeros");
    pread(fd, &c, 1, 2 * PG + 99);
    expect(c == 'x', "the byte before them is kept");
    pread(fd, &c, 1, 2 * PG + 300);
    expect(c == 'x', "the byte after them is kept");
    expect(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 3 * PG, 10 * PG) == 0,
           "punch from page 3 to far past the end");
    stat_line(fd, "after it");
    munmap(map, 4 * PG);

    say("-- SEEK_DATA and SEEK_HOLE\n");
    ftruncate(fd, 0);
    ftruncate(fd, 6 * PG);
    seeks(fd, "six pages, all a hole");
    pwrite(fd, page, PG, PG);
    pwrite(fd, page, 10, 3 * PG + 5);
    seeks(fd, "pages 1 and 3 written");
    ftruncate(fd, 4 * PG - 1);
    seeks(fd, "cut inside page 3");
    ftruncate(fd, 4 * PG);
    fallocate(fd, 0, 4 * PG, 2 * PG);
    seeks(fd, "pages 4 and 5 allocated, not written");
    char c1;
    pread(fd, &c1, 1, 4 * PG);
    pwrite(fd, "w", 1, 5 * PG + 7);
    seeks(fd, "page 4 read, page 5 written");
    expect_err(lseek(fd, -1, SEEK_DATA), ENXIO, "SEEK_DATA from -1");
    expect_err(lseek(fd, -1, SEEK_HOLE), ENXIO, "SEEK_HOLE from -1");
    expect(lseek(fd, PG + 1, SEEK_DATA) == PG + 1 && lseek(fd, 0, SEEK_CUR) == PG + 1, "SEEK_DATA moves the offset");

    say("-- fallocate errors\n");
    expect_err(fallocate(fd, 0, -1, PG), EINVAL, "offset -1");
    expect_err(fallocate(fd, 0, 0, 0), EINVAL, "length 0");
    expect_err(fallocate(fd, 0, 0, -PG), EINVAL, "length -4096");
    expect_err(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, PG), EOPNOTSUPP, "PUNCH_HOLE without KEEP_SIZE");
    expect_err(fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, PG), EOPNOTSUPP, "COLLAPSE_RANGE");
    expect_err(fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, PG), EOPNOTSUPP, "ZERO_RANGE");
    expect_err(fallocate(fd, FALLOC_FL_INSERT_RANGE, 0, PG), EOPNOTSUPP, "INSERT_RANGE");
    expect_err(fallocate(fd, 0x1000, 0, PG), EOPNOTSUPP, "an unknown mode bit");
    expect_err(fallocate(fd, 0, 1, 0x7fffffffffffffffLL), EFBIG, "offset + length past the largest offset");
    int ro = open(path, O_RDONLY);
    expect_err(fallocate(ro, 0, 0, PG), EBADF, "a read-only descriptor");
    expect_err(fallocate(99, 0, 0, PG), EBADF, "a closed descriptor");
    int p[2];
    pipe(p);
    expect_err(fallocate(p[1], 0, 0, PG), ESPIPE, "a pipe's write end");
    expect_err(fallocate(p[0], 0, 0, PG), EBADF, "a pipe's read end");
    int dir = open("/dev/shm", O_RDONLY | O_DIRECTORY);
    expect_err(fallocate(dir, 0, 0, PG), EBADF, "a directory");

    say("-- sync_file_range\n");
    expect(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0, "a file, WRITE");
    expect(sync_file_range(fd, 0, PG, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) == 0,
           "a file, all three flags");
    expect(sync_file_range(ro, 0, PG, 0) == 0, "a read-only descriptor, no flags");
    expect(sync_file_range(dir, 0, PG, 0) == 0, "a directory");
    expect_err(sync_file_range(fd, 0, PG, 8), EINVAL, "flag 8");
    expect_err(sync_file_range(fd, -1, PG, 0), EINVAL, "offset -1");
    expect_err(sync_file_range(fd, 0, -1, 0), EINVAL, "length -1");
    expect_err(sync_file_range(p[0], 0, PG, 0), ESPIPE, "a pipe");
    expect_err(sync_file_range(99, 0, PG, 0), EBADF, "a closed descriptor");
    expect_err(sync_file_range(99, 0, PG, 8), EBADF, "a closed descriptor and flag 8");
    unlink(path);
    gt_exit();
}
