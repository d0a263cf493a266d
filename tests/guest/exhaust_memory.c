/* gt-side: guest-only.  On the host the allocation would be stopped by
 * Linux's OOM killer only after disturbing the machine.
 *
 * A child that touches memory without bound must be stopped (killed by a
 * signal, with a kernel log line) while the parent and the kernel survive;
 * afterwards a normal allocation works again. */
#include "gt.h"
#include <sys/mman.h>

int main(void)
{
    pid_t c = fork();
    if (c == 0) {
        for (;;) {
            char *p = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED)
                continue;           /* keep going: only touching pages can exhaust RAM */
            for (size_t i = 0; i < (16 << 20); i += 4096)
                p[i] = 1;
        }
    }
    int st;
    expect(waitpid(c, &st, 0) == c, "the hog was reaped");
    expect(WIFSIGNALED(st), "the hog was killed by a signal");
    say("hog: %s\n", WIFSIGNALED(st) ? (WTERMSIG(st) == SIGKILL ? "SIGKILL" : "another signal") : "exited");
    char *q = malloc(8 << 20);
    expect(q != NULL, "malloc after the hog");
    if (q)
        memset(q, 7, 8 << 20);
    expect(q && q[(8 << 20) - 1] == 7, "memory usable again");
    gt_exit();
}
