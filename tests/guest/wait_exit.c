/* Exit statuses through wait: exit(0), exit(1), exit(42), exit(255) and
 * exit(256+7) (only the low 8 bits survive); returning from main; waitpid
 * on a specific pid in an order different from the exit order; wait(NULL)
 * and wait4 with a NULL status pointer. */
#include "gt.h"

static const int codes[] = { 0, 1, 42, 255, 256 + 7 };
#define NCODES (int)(sizeof codes / sizeof codes[0])

int main(void)
{
    pid_t pids[NCODES];
    for (int i = 0; i < NCODES; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            exit(codes[i]);
        if (pids[i] < 0)
            return 2;
    }
    /* Reap in reverse creation order, by pid. */
    for (int i = NCODES - 1; i >= 0; i--) {
        int st = -1;
        pid_t w = waitpid(pids[i], &st, 0);
        say("exit(%d): waitpid matched=%s %s exited=%d\n", codes[i],
            w == pids[i] ? "yes" : "no", status_str(st), WIFEXITED(st) ? 1 : 0);
        if (w != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != (codes[i] & 0xff))
            gt_failures++;
    }
    /* wait(NULL): status pointer may be NULL. */
    pid_t c = fork();
    if (c == 0)
        _exit(3);
    expect(wait(NULL) == c, "wait(NULL) returned the child");
    /* Status through wait4 with rusage. */
    c = fork();
    if (c == 0)
        return 9;                 /* return from main == exit(9) via libc */
    int st;
    struct rusage ru;
    expect(wait4(c, &st, 0, &ru) == c, "wait4 returned the child");
    say("return 9 from child: %s\n", status_str(st));
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 9, "status is exit 9");
    gt_exit();
}
