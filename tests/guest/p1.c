/* gt-source: reproduced verbatim from the book text (seed, chapter 5).
 * The book's first Process API example (OSTEP chapter 5): fork() returns
 * twice. Parent and child order is up to the scheduler, so the runner
 * compares this test's lines without regard to order.
 *
 * gt-compare: unordered */
// p1.c: Calling fork()
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    printf("hello world (pid:%d)\n", (int) getpid());
    int rc = fork();
    if (rc < 0) { // fork failed; exit
        fprintf(stderr, "fork failed\n");
        exit(1);
    } else if (rc == 0) { // child (new process)
        printf("hello, I am child (pid:%d)\n", (int) getpid());
    } else { // parent goes down this path (main)
        printf("hello, I am parent of %d (pid:%d)\n", rc, (int) getpid());
    }
    return 0;
}
