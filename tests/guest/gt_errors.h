/* Shared by the errors_*.c tests: one program per system-call family that
 * goes through the ERRORS section of the family's man pages and compares
 * each failure with Linux's.  A check's label is the call as written, so
 * the output names exactly what was called.
 *
 *   E(call, ERRNO)   the call fails with ERRNO
 *   OK(call)         the call succeeds (returns >= 0)
 *
 * Calls go through syscall(2) where libc would check or rewrite the
 * arguments itself, so the kernel sees what the test means. */
#ifndef GT_ERRORS_H
#define GT_ERRORS_H

#include "gt.h"
#include <grp.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define E(call, want) expect_err((long)(call), (want), #call)
#define OK(call) expect((long)(call) >= 0, #call)

/* A path component one byte longer than NAME_MAX, and a path longer than
 * PATH_MAX made of short components (so only its length is wrong). */
static char gt_long_name[NAME_MAX + 2];
static char gt_long_path[PATH_MAX + 16];
#define LONGNAME ((const char *)gt_long_name)
#define LONGPATH ((const char *)gt_long_path)

/* An unmapped page (mapped, then unmapped: nothing else lands there in a
 * single-threaded test). */
static char *gt_unmapped;
#define UNMAPPED ((void *)gt_unmapped)

GT_FN void gt_errors_init(void)
{
    memset(gt_long_name, 'n', NAME_MAX + 1);
    for (size_t i = 0; i + 2 < sizeof gt_long_path; i += 2)
        memcpy(gt_long_path + i, "./", 2);
    gt_unmapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gt_unmapped, 4096);
}

/* Drops to the unprivileged user nobody (65534, no supplementary groups),
 * for the EACCES/EPERM cases; done in a child (in_child_as_nobody). */
GT_FN int in_child_as_nobody(void (*fn)(void))
{
    pid_t c = fork();
    if (c == 0) {
        if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) {
            say("cannot become nobody: %s\n", errname(errno));
            _exit(2);
        }
        fn();
        _exit(gt_failures ? 1 : 0);
    }
    int st = 0;
    waitpid(c, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st))
        gt_failures++;
    return st;
}

#endif
