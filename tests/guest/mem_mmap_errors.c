/* The ERRORS of mmap(2), munmap, mprotect and mlock, in the order Linux
 * checks them:
 *  - the offset's alignment first (EINVAL), then the descriptor (EBADF for
 *    a closed one or an O_PATH one, before the length, the flags or the
 *    mapping type are looked at), an anonymous mapping ignoring it;
 *  - no mapping type, or both (EINVAL); MAP_SHARED_VALIDATE refusing an
 *    unknown flag (EOPNOTSUPP) and taking the known ones;
 *  - what the file allows: a directory or a pipe ENODEV, a write-only
 *    descriptor EACCES, a shared writable mapping of a read-only one EACCES
 *    (a private one is fine);
 *  - an unaligned MAP_FIXED address EINVAL, MAP_FIXED_NOREPLACE over a
 *    mapping EEXIST, a length beyond the address space ENOMEM;
 *  - munmap of an unaligned address or of nothing EINVAL; mprotect of an
 *    unmapped range ENOMEM, with an unknown bit EINVAL;
 *  - mlock and munlock of an unmapped range ENOMEM, of nothing 0.
 * Guards against: EINVAL where Linux says EBADF (the length or the flags
 * checked before the descriptor), MAP_SHARED_VALIDATE refused as "both
 * types". */
#include "gt.h"
#include <sys/mman.h>
#include <sys/syscall.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static void mm(void *p, const char *what)
{
    if (p == MAP_FAILED) {
        say("%s: -1 %s\n", what, errname(errno));
    } else {
        say("%s: mapped\n", what);
    }
}

int main(void)
{
    int fd = open("data", O_CREAT | O_RDWR | O_TRUNC, 0644);
    char page[4096] = { 1 };
    write(fd, page, sizeof page);
    int ro = open("data", O_RDONLY), wo = open("data", O_WRONLY), path = open("data", O_PATH);
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    int pfd[2];
    pipe(pfd);

    say("-- descriptors\n");
    mm(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0), "fd -1 without MAP_ANONYMOUS");
    mm(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 0), "a closed fd");
    mm(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, 999, 0), "a closed fd, length 0");
    mm(mmap(NULL, 4096, PROT_READ, 0, 999, 0), "a closed fd, no mapping type");
    mm(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 1), "a closed fd, unaligned offset");
    mm(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, path, 0), "an O_PATH fd");
    mm(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 999, 0), "anonymous with a closed fd");
    mm(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, dir, 0), "a directory");
    mm(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, pfd[0], 0), "a pipe");
    mm(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, wo, 0), "a write-only fd");
    mm(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), "shared writable, read-only fd");
    mm(mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0), "shared read-only, read-only fd");
    mm(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0), "private writable, read-only fd");

    say("-- flags and lengths\n");
    mm(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0), "length 0");
    mm(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 100), "unaligned offset");
    mm(mmap(NULL, 4096, PROT_READ, 0, fd, 0), "no mapping type");
    mm(mmap(NULL, 4096, PROT_READ, MAP_SHARED_VALIDATE, fd, 0), "MAP_SHARED_VALIDATE");
    mm(mmap(NULL, 4096, PROT_READ, MAP_SHARED_VALIDATE | 0x800000, fd, 0),
       "MAP_SHARED_VALIDATE with an unknown flag");
    mm(mmap(NULL, 4096, PROT_READ, MAP_SHARED | 0x800000, fd, 0), "MAP_SHARED with an unknown flag");
    mm(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_SHARED, -1, 0), "anonymous, both types");
    mm(mmap(NULL, 4096, 0x40, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), "an unknown PROT bit");
    mm(mmap(NULL, 1UL << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), "128 TiB");
    mm(mmap(NULL, (size_t)-4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), "length -4096");
    char *a = mmap(NULL, 2 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mm(mmap(a + 1, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), "MAP_FIXED, unaligned");
    mm(mmap(a, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
       "MAP_FIXED_NOREPLACE over a mapping");

    say("-- munmap and mprotect\n");
    expect_err(munmap(a + 1, 4096), EINVAL, "munmap unaligned");
    expect_err(munmap(a, 0), EINVAL, "munmap of length 0");
    expect(munmap(a + 4096, 4096) == 0, "munmap of the second page");
    expect(munmap(a + 4096, 4096) == 0, "munmap of it again (nothing there)");
    expect_err(mprotect(a + 4096, 4096, PROT_READ), ENOMEM, "mprotect of the unmapped page");
    expect_err(mprotect(a, 2 * 4096, PROT_READ), ENOMEM, "mprotect over the hole");
    expect_err(syscall(SYS_mprotect, a + 1, 4096, PROT_READ), EINVAL, "mprotect unaligned");
    expect_err(mprotect(a, 4096, 0x40), EINVAL, "mprotect with an unknown bit");
    expect(mprotect(a, 0, PROT_READ) == 0, "mprotect of length 0");

    say("-- mlock and munlock\n");
    expect_err(mlock(a + 4096, 4096), ENOMEM, "mlock of the unmapped page");
    expect_err(munlock(a + 4096, 4096), ENOMEM, "munlock of the unmapped page");
    expect_err(mlock(a, 2 * 4096), ENOMEM, "mlock over the hole");
    expect_err(munlock(a, 2 * 4096), ENOMEM, "munlock over the hole");
    expect(mlock(a, 0) == 0, "mlock of length 0");
    expect(munlock(a + 4096, 0) == 0, "munlock of length 0 in the hole");
    expect(mlock(a, 4096) == 0 && munlock(a, 4096) == 0, "mlock and munlock of the mapped page");
    expect_err(mlock2(a, 4096, 8), EINVAL, "mlock2 with an unknown flag");
    gt_exit();
}
