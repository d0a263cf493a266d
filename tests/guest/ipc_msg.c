/* System V message queues across processes, compared with Linux:
 *  - a producer and a consumer process: every message arrives, in order;
 *  - msgrcv's choice: the first (0), the first of a type (> 0), the first
 *    of another type (MSG_EXCEPT), the lowest type up to |mtype| (< 0);
 *    MSG_NOERROR cuts, without it E2BIG leaves the message queued;
 *    MSG_COPY reads by position without taking; IPC_NOWAIT gives ENOMSG;
 *  - a full queue (msg_qbytes): EAGAIN with IPC_NOWAIT, else the sender
 *    sleeps until a receiver makes room; IPC_SET changes msg_qbytes;
 *  - IPC_STAT's counts, pids and times; MSG_INFO, MSG_STAT;
 *  - IPC_RMID while a receiver sleeps (EIDRM), a signal (EINTR);
 *  - /proc/sysvipc/msg and /proc/sys/kernel/msg{max,mnb,mni}.
 * Guards against: lost or reordered messages, lost wake-ups. */
#define _GNU_SOURCE
#include "gt.h"
#include <sys/ipc.h>
#include <sys/msg.h>

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

struct m {
    long type;
    char text[64];
};

static int snd(int q, long type, const char *text, int flags)
{
    struct m m = { .type = type };
    strncpy(m.text, text, sizeof m.text - 1);
    return msgsnd(q, &m, strlen(text) + 1, flags);
}

/* What msgrcv takes: "<type> <text>" (the text cut to what was copied), or
 * the errno's name; the type is also stored in *got_type (0 on failure). */
static const char *rcv(int q, long type, int flags, size_t len, long *got_type)
{
    static struct m m;
    static char out[96];
    memset(&m, 0, sizeof m);
    ssize_t n = msgrcv(q, &m, len, type, flags);
    if (got_type)
        *got_type = n >= 0 ? m.type : 0;
    if (n < 0)
        snprintf(out, sizeof out, "%s", errname(errno));
    else
        snprintf(out, sizeof out, "%ld %.*s", m.type, (int)n, m.text);
    return out;
}

static int child_status(pid_t c)
{
    int st = 0;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static void on_alarm(int sig) { (void)sig; }

static void producer_consumer(void)
{
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    expect(q >= 0, "msgget(IPC_PRIVATE)");
    pid_t c = fork();
    if (c == 0) {
        /* more than fits in the queue at once: the producer must sleep */
        for (int i = 0; i < 2000; i++) {
            char t[32];
            snprintf(t, sizeof t, "message %d", i);
            if (snd(q, 1 + i % 3, t, 0))
                _exit(1);
        }
        _exit(snd(q, 9, "end", 0) ? 1 : 0);
    }
    int in_order = 1, n = 0;
    for (;;) {
        long type;
        const char *t = rcv(q, 0, 0, 64, &type);
        if (type == 9 || type == 0)
            break;
        char want[32];
        snprintf(want, sizeof want, "%d message %d", 1 + n % 3, n);
        in_order &= !strcmp(t, want);
        n++;
    }
    expect(child_status(c) == 0, "the producer sent 2000 messages and an end");
    expect(n == 2000 && in_order, "the consumer got all 2000, in order");
    struct msqid_ds ds;
    expect(msgctl(q, IPC_STAT, &ds) == 0, "IPC_STAT");
    expect(ds.msg_qnum == 0 && ds.msg_cbytes == 0, "the queue is empty");
    expect(ds.msg_lspid == c && ds.msg_lrpid == getpid(), "msg_lspid is the producer, msg_lrpid the consumer");
    expect(ds.msg_stime && ds.msg_rtime && ds.msg_ctime, "msg_stime, msg_rtime, msg_ctime are set");
    say("msg_qbytes %lu, mode %o\n", (unsigned long)ds.msg_qbytes, ds.msg_perm.mode & 0777);
    msgctl(q, IPC_RMID, NULL);
}

static void selection(void)
{
    int q = msgget(IPC_PRIVATE, 0600);
    snd(q, 5, "five", 0);
    snd(q, 2, "two", 0);
    snd(q, 7, "seven", 0);
    snd(q, 2, "two again", 0);
    snd(q, 1, "one", 0);
    struct msqid_ds ds;
    msgctl(q, IPC_STAT, &ds);
    say("queued: %lu messages, %lu bytes\n", (unsigned long)ds.msg_qnum, (unsigned long)ds.msg_cbytes);
    say("MSG_COPY 2: %s\n", rcv(q, 2, MSG_COPY | IPC_NOWAIT, 64, NULL));
    say("MSG_COPY 9: %s\n", rcv(q, 9, MSG_COPY | IPC_NOWAIT, 64, NULL));
    say("MSG_COPY without IPC_NOWAIT: %s\n", rcv(q, 0, MSG_COPY, 64, NULL));
    say("MSG_COPY with MSG_EXCEPT: %s\n", rcv(q, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT, 64, NULL));
    say("MSG_COPY 0, 3-byte buffer: %s\n", rcv(q, 0, MSG_COPY | IPC_NOWAIT, 3, NULL));
    say("type 2: %s\n", rcv(q, 2, 0, 64, NULL));
    say("not 5 (MSG_EXCEPT): %s\n", rcv(q, 5, MSG_EXCEPT, 64, NULL));
    say("lowest up to 6: %s\n", rcv(q, -6, 0, 64, NULL));
    say("lowest up to 6: %s\n", rcv(q, -6, 0, 64, NULL));
    say("type 3, IPC_NOWAIT: %s\n", rcv(q, 3, IPC_NOWAIT, 64, NULL));
    say("first, 3-byte buffer: %s\n", rcv(q, 0, 0, 3, NULL));
    say("first, 3-byte buffer, MSG_NOERROR: %s\n", rcv(q, 0, MSG_NOERROR, 3, NULL));
    expect(msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 0, "the cut message was taken whole");
    say("empty, IPC_NOWAIT: %s\n", rcv(q, 0, IPC_NOWAIT, 64, NULL));
    msgctl(q, IPC_RMID, NULL);
}

static void full_queue(void)
{
    int q = msgget(IPC_PRIVATE, 0600);
    struct msqid_ds ds;
    msgctl(q, IPC_STAT, &ds);
    ds.msg_qbytes = 100;
    expect(msgctl(q, IPC_SET, &ds) == 0, "IPC_SET msg_qbytes 100");
    char big[61];
    memset(big, 'x', 60);
    big[60] = 0;
    expect(snd(q, 1, big, 0) == 0, "61 bytes fit");
    expect_err(snd(q, 1, big, IPC_NOWAIT), EAGAIN, "61 more do not, IPC_NOWAIT");
    pid_t c = fork();
    if (c == 0)
        _exit(snd(q, 2, big, 0) == 0 ? 0 : 1);
    expect(wait_sleeping(c), "a sender sleeps on the full queue");
    expect(msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 1, "its message is not queued yet");
    long type;
    rcv(q, 1, 0, 64, &type);
    expect(child_status(c) == 0, "a receive made room and woke it");
    rcv(q, 0, IPC_NOWAIT, 64, &type);
    expect(type == 2, "its message arrived");
    expect(snd(q, 1, "a", 0) == 0, "a small message");
    ds.msg_qbytes = 1;
    expect(msgctl(q, IPC_SET, &ds) == 0, "msg_qbytes 1");
    expect_err(snd(q, 1, "", IPC_NOWAIT), EAGAIN, "msg_qbytes also limits the number of messages");
    msgctl(q, IPC_RMID, NULL);
}

static void removal_and_signals(void)
{
    int q = msgget(IPC_PRIVATE, 0600);
    pid_t c = fork();
    if (c == 0) {
        struct m m;
        ssize_t r = msgrcv(q, &m, sizeof m.text, 0, 0);
        _exit(r < 0 && errno == EIDRM ? 0 : 1);
    }
    expect(wait_sleeping(c), "a receiver sleeps on the empty queue");
    expect(msgctl(q, IPC_RMID, NULL) == 0, "IPC_RMID");
    expect(child_status(c) == 0, "the receiver got EIDRM");
    expect_err(msgsnd(q, &(struct m){ 1, "x" }, 2, 0), EINVAL, "msgsnd to the removed id");

    q = msgget(IPC_PRIVATE, 0600);
    struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
    sigaction(SIGALRM, &sa, NULL);
    ualarm(50000, 0);
    struct m m;
    expect_err(msgrcv(q, &m, sizeof m.text, 0, 0), EINTR, "a handled signal ends msgrcv with EINTR, even with SA_RESTART");
    signal(SIGALRM, SIG_DFL);
    msgctl(q, IPC_RMID, NULL);
}

static void info(void)
{
    key_t key = 0x3e5a0002;
    int q = msgget(key, IPC_CREAT | IPC_EXCL | 0640);
    expect(q >= 0, "msgget with a key");
    expect(msgget(key, 0) == q, "the key finds it");
    expect_err(msgget(key, IPC_CREAT | IPC_EXCL), EEXIST, "IPC_EXCL again");
    snd(q, 3, "abc", 0);
    struct msginfo mi;
    int maxidx = msgctl(0, MSG_INFO, (struct msqid_ds *)&mi);
    expect(maxidx >= 0 && mi.msgpool >= 1 && mi.msgmap >= 1 && mi.msgtql >= 4, "MSG_INFO counts queues, messages, bytes");
    expect(msgctl(0, IPC_INFO, (struct msqid_ds *)&mi) >= 0, "IPC_INFO");
    say("IPC_INFO: msgmax %d msgmnb %d msgmni %d msgssz %d msgseg %d\n", mi.msgmax, mi.msgmnb, mi.msgmni, mi.msgssz,
        mi.msgseg);
    struct msqid_ds ds;
    int found = 0;
    for (int i = 0; i <= maxidx; i++)
        if (msgctl(i, MSG_STAT, &ds) == q)
            found = ds.msg_qnum == 1 && ds.msg_cbytes == 4;
    expect(found, "MSG_STAT by index finds it");
    char buf[4096], line[96];
    read_file("/proc/sysvipc/msg", buf, sizeof buf);
    const char *head = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid"
                       "      stime      rtime      ctime\n";
    expect(!strncmp(buf, head, strlen(head)), "/proc/sysvipc/msg header");
    snprintf(line, sizeof line, "%10d %10d  %4o  %10d %10d %5d %5d ", key, q, 0640, 4, 1, getpid(), 0);
    expect(strstr(buf, line) != NULL, "/proc/sysvipc/msg lists the queue");
    msgctl(q, IPC_RMID, NULL);
    const char *names[] = { "msgmax", "msgmnb", "msgmni" };
    for (int i = 0; i < 3; i++) {
        sysctl_get(names[i], buf, sizeof buf);
        say("kernel.%s: %s\n", names[i], buf);
    }
}

int main(void)
{
    producer_consumer();
    selection();
    full_queue();
    removal_and_signals();
    info();
    gt_exit();
}
