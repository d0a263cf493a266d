/* fork gives the child a private copy of every kind of memory: globals
 * (.data and .bss), heap (malloc), stack, and a large mmap area.  The child
 * changes all of them and reports what it sees; the parent's copies are
 * unchanged apart from its own post-fork writes, which the child never
 * sees. */
#include "gt.h"

static int global_data = 100;
static int global_bss;

int main(void)
{
    int on_stack = 300;
    int *heap = malloc(64 * 1024);
    for (int i = 0; i < 16 * 1024; i++)
        heap[i] = i;
    global_bss = 200;

    int go[2], back[2];
    pipe(go);
    pipe(back);
    pid_t c = fork();
    if (c == 0) {
        char b;
        read(go[0], &b, 1);       /* parent has written its changes by now */
        int ok = global_data == 100 && global_bss == 200 && on_stack == 300 && heap[12345] == 12345;
        global_data = -1;
        global_bss = -1;
        on_stack = -1;
        for (int i = 0; i < 16 * 1024; i++)
            heap[i] = -i;
        ok = ok && global_data == -1 && heap[12345] == -12345;
        write(back[1], &ok, sizeof ok);
        _exit(0);
    }
    /* The parent changes values after fork: the child must not see them. */
    heap[12345] = 7;
    global_data = 555;
    write(go[1], "g", 1);
    int ok = 0;
    read(back[0], &ok, sizeof ok);
    waitpid(c, NULL, 0);
    expect(ok, "child saw the pre-fork values and its own writes");
    say("parent after child's writes: data=%d bss=%d stack=%d heap[12345]=%d heap[100]=%d\n",
        global_data, global_bss, on_stack, heap[12345], heap[100]);
    expect(global_data == 555 && heap[12345] == 7 && global_bss == 200 && on_stack == 300 && heap[100] == 100,
           "parent's memory unchanged");
    gt_exit();
}
