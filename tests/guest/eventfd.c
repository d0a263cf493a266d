/* eventfd and eventfd2: the counter's arithmetic (a read takes all, or one
 * with EFD_SEMAPHORE), 8-byte transfers (a read's buffer may be longer, a
 * write's must be exactly 8 bytes), the overflow rule (the count stays below
 * 2^64-1: 2^64-1 itself is EINVAL, a write that would reach it waits or is
 * EAGAIN), poll readiness, EFD_NONBLOCK and EFD_CLOEXEC, waiting readers
 * and writers woken by another process and another thread, a signal
 * ending a wait, and the errors (EINVAL flags, EBADF, EFAULT). */
#include "gt_thread.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

static uint64_t rd(int fd, int *err)
{
    uint64_t v = 0;
    ssize_t n = read(fd, &v, sizeof v);
    *err = n < 0 ? errno : 0;
    return n == 8 ? v : (uint64_t)-1;
}

static int wr(int fd, uint64_t v)
{
    return write(fd, &v, sizeof v) == 8 ? 0 : errno;
}

static void counting(void)
{
    int err;
    int fd = eventfd(3, EFD_NONBLOCK);
    expect(fd >= 0, "eventfd(3, EFD_NONBLOCK)");
    say("poll with count 3: %s\n", pollstr(poll1(fd)));
    expect(rd(fd, &err) == 3, "read takes the initial 3");
    rd(fd, &err);
    say("read at 0: %s\n", errname(err));
    say("poll at 0: %s\n", pollstr(poll1(fd)));
    expect(wr(fd, 5) == 0 && wr(fd, 7) == 0, "write 5, write 7");
    expect(rd(fd, &err) == 12, "read sums them: 12");
    expect(wr(fd, 0) == 0, "write 0 succeeds");
    rd(fd, &err);
    say("read after writing 0: %s\n", errname(err));

    uint64_t big[2] = { 9, 77 };
    expect_err(write(fd, big, sizeof big), EINVAL, "16-byte write");
    expect_err(write(fd, big, 9), EINVAL, "9-byte write");
    expect(write(fd, big, 8) == 8, "8-byte write");
    uint64_t out[2] = { 0, 5 };
    expect(read(fd, out, sizeof out) == 8 && out[0] == 9 && out[1] == 5, "a 16-byte read moves 8");
    char small[4] = { 0 };
    expect_err(read(fd, small, 4), EINVAL, "4-byte read");
    expect_err(write(fd, small, 4), EINVAL, "4-byte write");
    expect_err(read(fd, small, 0), EINVAL, "0-byte read");
    expect(lseek(fd, 0, SEEK_CUR) == 0, "lseek answers 0");
    close(fd);
}

static void semaphore(void)
{
    int err;
    int fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    expect(rd(fd, &err) == 1 && rd(fd, &err) == 1, "semaphore: two reads of 1");
    rd(fd, &err);
    say("semaphore empty: %s\n", errname(err));
    wr(fd, 3);
    expect(rd(fd, &err) == 1, "semaphore after write 3: read 1");
    say("semaphore poll with 2 left: %s\n", pollstr(poll1(fd)));
    close(fd);
}

static void overflow(void)
{
    int err;
    int fd = eventfd(0, EFD_NONBLOCK);
    say("write 2^64-1: %s\n", errname(wr(fd, UINT64_MAX)));
    say("write 2^64-2: %s\n", errname(wr(fd, UINT64_MAX - 1)));
    say("poll at 2^64-2: %s\n", pollstr(poll1(fd)));
    say("write 1 more: %s\n", errname(wr(fd, 1)));
    say("write 0 more: %s\n", errname(wr(fd, 0)));
    expect(rd(fd, &err) == UINT64_MAX - 1, "read 2^64-2");
    expect(wr(fd, UINT64_MAX - 2) == 0, "write 2^64-3");
    say("poll at 2^64-3: %s\n", pollstr(poll1(fd)));
    say("write 1 to reach 2^64-2: %s\n", errname(wr(fd, 1)));
    close(fd);
    /* eventfd2's initial value is an unsigned int: the high bits are dropped */
    fd = (int)syscall(SYS_eventfd2, 0x100000005ULL, EFD_NONBLOCK);
    expect(rd(fd, &err) == 5, "eventfd2 initval keeps 32 bits");
    close(fd);
    fd = (int)syscall(SYS_eventfd, 4);
    expect(fd >= 0, "eventfd (284)");
    expect(fcntl(fd, F_GETFL) == O_RDWR, "eventfd: O_RDWR, blocking");
    expect(rd(fd, &err) == 4, "eventfd (284) initial value");
    close(fd);
}

static void flags(void)
{
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    expect((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "EFD_CLOEXEC sets FD_CLOEXEC");
    expect((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, "EFD_NONBLOCK sets O_NONBLOCK");
    expect((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, "open for reading and writing");
    say_fd_kind("eventfd", fd);
    close(fd);
    expect_err(eventfd(0, 0x10), EINVAL, "unknown flag");
    expect_err(syscall(SYS_eventfd2, 0, O_APPEND), EINVAL, "O_APPEND as a flag");
}

static void errors(void)
{
    uint64_t v = 1;
    expect_err(read(-1, &v, 8), EBADF, "read fd -1");
    int fd = eventfd(1, EFD_NONBLOCK);
    expect_err(write(fd, BAD_PTR, 8), EFAULT, "write from a bad pointer");
    expect_err(read(fd, BAD_PTR, 8), EFAULT, "read into a bad pointer");
    int err;
    rd(fd, &err);
    say("count after the faulting read: %s\n", errname(err));
    close(fd);
    expect_err(read(fd, &v, 8), EBADF, "read after close");
}

static int efd;

static int writer_child(void)
{
    wait_sleeping(getppid());
    return wr(efd, 42);
}

static volatile int thread_done;

static void *thread_writer(void *arg)
{
    int r = wr(efd, 1);                 /* blocks: the count is at 2^64-2 */
    __atomic_store_n(&thread_done, r == 0 ? 1 : -1, __ATOMIC_RELEASE);
    return NULL;
}

static void on_usr1(int sig) { (void)sig; }

static void waiting(void)
{
    int err;
    efd = eventfd(0, 0);
    pid_t p = fork();
    if (p == 0)
        _exit(writer_child());
    expect(rd(efd, &err) == 42, "blocked read woken by another process's write");
    int st;
    waitpid(p, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer child exited 0");

    wr(efd, UINT64_MAX - 1);
    pthread_t t;
    pthread_create(&t, NULL, thread_writer, NULL);
    msleep(50);
    expect(__atomic_load_n(&thread_done, __ATOMIC_ACQUIRE) == 0, "a write that would overflow waits");
    expect(rd(efd, &err) == UINT64_MAX - 1, "read frees room");
    pthread_join(t, NULL);
    expect(thread_done == 1, "the waiting write completed");
    expect(rd(efd, &err) == 1, "its 1 is there");

    struct sigaction sa = { .sa_handler = on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    p = fork();
    if (p == 0) {
        wait_sleeping(getppid());
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    rd(efd, &err);
    say("read interrupted by a handler: %s\n", errname(err));
    waitpid(p, &st, 0);
    close(efd);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(20);
    counting();
    semaphore();
    overflow();
    flags();
    errors();
    waiting();
    gt_exit();
}
