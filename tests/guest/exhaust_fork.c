/* gt-side: guest-only.  A fork bomb on the host would hit the machine's real
 * process limit; inside Tessera it meets threads-max (an eighth of memory
 * in kernel stacks, as Linux sets it: about 4,000 tasks in 512 MiB).
 *
 * Exhaustion: children that fork until fork fails must see EAGAIN
 * (threads-max) or ENOMEM (memory), never crash the kernel; once they are
 * all killed and reaped, fork works again. */
#include "gt.h"

int main(void)
{
    int p[2];
    expect(pipe(p) == 0, "pipe");
    pid_t leader = fork();
    if (leader == 0) {
        /* the leader forks sleepers until fork fails, then reports the errno */
        setpgid(0, 0);
        int n = 0, err = 0;
        for (;;) {
            pid_t c = fork();
            if (c == 0) {
                pause();
                _exit(0);
            }
            if (c < 0) {
                err = errno;
                break;
            }
            n++;
        }
        char msg[2] = { err == EAGAIN ? 'A' : err == ENOMEM ? 'M' : '?', n > 100 ? '+' : '-' };
        write(p[1], msg, 2);
        pause();
        _exit(0);
    }
    close(p[1]);
    char msg[2] = { 0, 0 };
    expect(read(p[0], msg, 2) == 2, "the leader reported");
    say("fork failed with: %s\n", msg[0] == 'A' ? "EAGAIN" : msg[0] == 'M' ? "ENOMEM" : "something else");
    expect(msg[0] == 'A' || msg[0] == 'M', "fork failed with EAGAIN or ENOMEM");
    expect(msg[1] == '+', "more than 100 processes were created first");
    expect(kill(-leader, SIGKILL) == 0, "kill the whole group");
    int reaped = 0;
    while (waitpid(leader, NULL, 0) == leader)
        reaped++;
    expect(reaped == 1, "leader reaped");
    /* the orphans went to init; wait until fork works again */
    pid_t c = -1;
    for (int tries = 0; tries < 200 && c < 0; tries++) {
        c = fork();
        if (c < 0)
            usleep(10000);
    }
    if (c == 0)
        _exit(7);
    int st = 0;
    expect(c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7, "fork works again");
    gt_exit();
}
