/* mprotect changes what a page allows: writing a PROT_READ page kills a
 * child with SIGSEGV while reading it works; after mprotect back to
 * PROT_READ|PROT_WRITE the write succeeds and earlier contents are kept;
 * PROT_NONE forbids even reads; a copy-on-write page made read-only in the
 * child does not affect the parent. */
#include "gt.h"
#include <sys/mman.h>
#include <sys/syscall.h>

static char *page;

static int do_write(void) { page[5] = 'W'; return 0; }
static int do_read(void) { return page[5] == 'r' ? 0 : 1; }

int main(void)
{
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(page, 'r', 4096);
    expect(mprotect(page, 4096, PROT_READ) == 0, "mprotect PROT_READ");
    say("read a PROT_READ page: %s\n", status_str(run_child(do_read)));
    say("write a PROT_READ page: %s\n", status_str(run_child(do_write)));
    expect(mprotect(page, 4096, PROT_READ | PROT_WRITE) == 0, "mprotect back to read-write");
    say("write after making it writable: %s\n", status_str(run_child(do_write)));
    page[6] = 'x';
    expect(page[5] == 'r' && page[6] == 'x', "contents kept across mprotect");
    expect(mprotect(page, 4096, PROT_NONE) == 0, "mprotect PROT_NONE");
    say("read a PROT_NONE page: %s\n", status_str(run_child(do_read)));
    mprotect(page, 4096, PROT_READ | PROT_WRITE);

    pid_t c = fork();
    if (c == 0) {
        mprotect(page, 4096, PROT_READ);
        _exit(page[5] == 'r' ? 0 : 1);
    }
    waitpid(c, NULL, 0);
    page[7] = 'p';
    expect(page[7] == 'p', "parent's page still writable after child's mprotect");
    /* musl rounds the address down itself: use the raw system call. */
    expect_err(syscall(SYS_mprotect, page + 1, 4096, PROT_READ), EINVAL, "mprotect of an unaligned address");
    gt_exit();
}
