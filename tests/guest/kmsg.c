/* The kernel log as dmesg reads it: syslog(2) (busybox dmesg, klogctl) and
 * /dev/kmsg (util-linux dmesg), as root.
 *
 * Linux's log holds the host's own messages, and more may arrive at any
 * moment, so the test never looks at content that is not its own: it checks
 * the forms ("<prio>[sssss.uuuuuu] text" lines, "prio,seq,usec,-;text"
 * records), the errors, and that its own messages come back where and how
 * they should.  Its messages carry a nonce, so a run never mistakes an
 * earlier run's for its own.  Two Linux habits shape it: a message written
 * to /dev/kmsg without a trailing newline only becomes readable when the
 * next one arrives, and one open file may write 10 messages per 5 s (more
 * are dropped), so every message ends in a newline and goes through a
 * descriptor of its own.  Messages are informational or debug, which a
 * "quiet" console does not show; those at the default level (warning),
 * which a console at another level might, are written with the console
 * turned off (CONSOLE_OFF).
 *
 * On Linux this moves the host's syslog clear point (like `dmesg -C`) and
 * reads the unread syslog records (like `cat /proc/kmsg`); nothing is lost
 * from the log itself. */
#include "gt.h"
#include <poll.h>
#include <sys/klog.h>
#include <time.h>

enum {
    READ = 2, READ_ALL = 3, READ_CLEAR = 4, CLEAR = 5, CONSOLE_OFF = 6, CONSOLE_ON = 7,
    CONSOLE_LEVEL = 8, SIZE_UNREAD = 9, SIZE_BUFFER = 10,
};

static char *logbuf;                    /* SIZE_BUFFER + 1 bytes */
static int logsize;
static unsigned long nonce;
static char rec[8192];                  /* one /dev/kmsg record */

static void *volatile kernel_ptr = (void *)0xffff800000000000UL;

/* "gt-kmsg TAG NONCE", the text of this run's message TAG. */
static const char *marker(const char *tag)
{
    static char m[8][64];
    static int i;
    char *s = m[i++ % 8];
    snprintf(s, 64, "gt-kmsg %s %lu", tag, nonce);
    return s;
}

/* Writes "<prefix>marker(tag)<suffix>\n" through a descriptor of its own. */
static ssize_t kwrite_raw(const char *buf, size_t len)
{
    int fd = open("/dev/kmsg", O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t r = write(fd, buf, len);
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

static void kwrite(const char *prefix, const char *tag, const char *suffix)
{
    char b[256];
    int n = snprintf(b, sizeof b, "%s%s%s\n", prefix, marker(tag), suffix);
    kwrite_raw(b, (size_t)n);
}

/* ---- the syslog(2) form ---- */

/* "<prio>[sssss.uuuuuu] " at s; its length, or 0. */
static int syslog_prefix(const char *s)
{
    const char *p = s;
    if (*p++ != '<' || *p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p++ != '>' || *p++ != '[')
        return 0;
    while (*p == ' ')
        p++;
    int digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (!digits || *p++ != '.')
        return 0;
    for (int i = 0; i < 6; i++)
        if (*p < '0' || *p++ > '9')
            return 0;
    if (*p++ != ']' || *p++ != ' ')
        return 0;
    return (int)(p - s);
}

/* Every line of b[0..n) is a syslog line. */
static int syslog_lines_ok(const char *b, int n)
{
    int i = 0;
    while (i < n) {
        const char *nl = memchr(b + i, '\n', (size_t)(n - i));
        if (!nl || !syslog_prefix(b + i))
            return 0;
        i = (int)(nl - b) + 1;
    }
    return 1;
}

/* The syslog line of message TAG in b[0..n) with the given prio, if any. */
static int has_line(const char *b, int n, int prio, const char *tag)
{
    char want[96];
    snprintf(want, sizeof want, "] %s\n", marker(tag));
    for (int i = 0; i < n;) {
        const char *nl = memchr(b + i, '\n', (size_t)(n - i));
        int end = nl ? (int)(nl - b) + 1 : n;
        int k = syslog_prefix(b + i);
        if (k && (prio < 0 || atoi(b + i + 1) == prio) && end - i - k + 2 == (int)strlen(want) &&
            !memcmp(b + i + k - 2, want, strlen(want)))
            return 1;
        i = end;
    }
    return 0;
}

static int read_all(int type)
{
    int n = klogctl(type, logbuf, logsize);
    logbuf[n > 0 ? n : 0] = 0;
    return n;
}

/* ---- the /dev/kmsg form ---- */

struct krec {
    unsigned prio;
    unsigned long long seq, usec;
    char flag;
    const char *text;               /* in rec, up to the final newline */
    int text_len;
};

/* Parses rec[0..n) as "prio,seq,usec,flag;text\n". */
static int parse_rec(int n, struct krec *k)
{
    if (n < 2 || rec[n - 1] != '\n')
        return 0;
    rec[n] = 0;
    int used = 0;
    if (sscanf(rec, "%u,%llu,%llu,%c;%n", &k->prio, &k->seq, &k->usec, &k->flag, &used) != 4 || !used)
        return 0;
    if (rec[used - 1] != ';' || memchr(rec + used, '\n', (size_t)(n - used - 1)))
        return 0;
    k->text = rec + used;
    k->text_len = n - used - 1;
    return 1;
}

static int text_is(const struct krec *k, const char *s)
{
    return k->text_len == (int)strlen(s) && !memcmp(k->text, s, strlen(s));
}

/* Reads records from fd until the one whose text is `text` (skipping
 * anybody else's); 1 and *k if found, 0 at the end (non-blocking fd) or on
 * an error (in *err). */
static int find_rec(int fd, const char *text, struct krec *k, int *err)
{
    for (int i = 0; i < 5000; i++) {
        ssize_t n = read(fd, rec, sizeof rec - 1);
        if (n < 0) {
            if (err)
                *err = errno;
            return 0;
        }
        if (parse_rec((int)n, k) && text_is(k, text))
            return 1;
    }
    return 0;
}

static int open_end(int flags)
{
    int fd = open("/dev/kmsg", O_RDONLY | flags);
    if (fd >= 0)
        lseek(fd, 0, SEEK_END);
    return fd;
}

/* ---- the parts ---- */

static void syslog_errors(void)
{
    say("-- syslog(2) arguments\n");
    expect(klogctl(SIZE_BUFFER, NULL, 0) > 0, "SIZE_BUFFER > 0");
    expect(klogctl(0, NULL, 0) == 0 && klogctl(1, NULL, 0) == 0, "CLOSE and OPEN do nothing");
    expect_err(klogctl(-1, NULL, 0), EINVAL, "type -1");
    expect_err(klogctl(11, NULL, 0), EINVAL, "type 11");
    expect_err(klogctl(READ_ALL, NULL, 10), EINVAL, "READ_ALL NULL buffer");
    expect_err(klogctl(READ_ALL, logbuf, -1), EINVAL, "READ_ALL length -1");
    expect(klogctl(READ_ALL, logbuf, 0) == 0, "READ_ALL length 0 returns 0");
    expect_err(klogctl(READ_ALL, kernel_ptr, 100), EFAULT, "READ_ALL kernel buffer");
    expect_err(klogctl(READ, NULL, 10), EINVAL, "READ NULL buffer");
    expect_err(klogctl(READ, logbuf, -1), EINVAL, "READ length -1");
    expect(klogctl(READ, logbuf, 0) == 0, "READ length 0 returns 0");
    expect_err(klogctl(READ, kernel_ptr, 100), EFAULT, "READ kernel buffer");
    expect_err(klogctl(READ_CLEAR, NULL, 10), EINVAL, "READ_CLEAR NULL buffer");
    expect_err(klogctl(CONSOLE_LEVEL, NULL, 0), EINVAL, "CONSOLE_LEVEL 0");
    expect_err(klogctl(CONSOLE_LEVEL, NULL, 9), EINVAL, "CONSOLE_LEVEL 9");
}

static void syslog_read_all(void)
{
    say("-- READ_ALL, CLEAR, READ_CLEAR\n");
    kwrite("<6>", "A1", "");
    int n = read_all(READ_ALL);
    expect(n > 0 && n <= logsize, "READ_ALL returns text");
    expect(syslog_lines_ok(logbuf, n), "every line is <prio>[sssss.uuuuuu] text");
    expect(has_line(logbuf, n, 14, "A1"), "a message written to /dev/kmsg is there, <14> (user, info)");
    expect_err(klogctl(READ_ALL, BAD_PTR, 4096), EFAULT, "READ_ALL to an unmapped buffer");

    int small = klogctl(READ_ALL, logbuf, 120);
    expect(small >= 0 && small <= 120 && (small == 0 || logbuf[small - 1] == '\n') && syslog_lines_ok(logbuf, small),
           "READ_ALL into 120 bytes: whole lines only");

    expect(klogctl(CLEAR, NULL, 0) == 0, "CLEAR");
    n = read_all(READ_ALL);
    expect(n >= 0 && !has_line(logbuf, n, -1, "A1"), "after CLEAR the older message is gone from READ_ALL");
    kwrite("<6>", "A2", "");
    n = read_all(READ_ALL);
    expect(has_line(logbuf, n, 14, "A2") && !has_line(logbuf, n, -1, "A1"), "a newer one is there");

    kwrite("<7>", "A3", "");
    n = read_all(READ_CLEAR);
    expect(has_line(logbuf, n, 15, "A3") && syslog_lines_ok(logbuf, n), "READ_CLEAR returns the messages");
    n = read_all(READ_ALL);
    expect(n >= 0 && !has_line(logbuf, n, -1, "A3") && !has_line(logbuf, n, -1, "A2"),
           "and clears them from READ_ALL");
}

static void syslog_read(void)
{
    say("-- READ, SIZE_UNREAD\n");
    alarm(30);                          /* READ waits for a message */
    int rounds = 0;
    while (klogctl(SIZE_UNREAD, NULL, 0) > 0 && rounds++ < 2000)
        klogctl(READ, logbuf, 8192);
    expect(klogctl(SIZE_UNREAD, NULL, 0) == 0, "READ consumes until SIZE_UNREAD is 0");

    kwrite("<6>", "R1", "");
    int unread = klogctl(SIZE_UNREAD, NULL, 0);
    int n = klogctl(READ, logbuf, 8192);
    logbuf[n > 0 ? n : 0] = 0;
    expect(unread > 0 && n == unread, "SIZE_UNREAD is what READ returns");
    expect(has_line(logbuf, n, 14, "R1") && syslog_lines_ok(logbuf, n), "READ returns the message as a syslog line");
    expect(klogctl(SIZE_UNREAD, NULL, 0) == 0, "nothing unread after it");

    kwrite("<6>", "R2", "");
    int whole = klogctl(SIZE_UNREAD, NULL, 0);
    int a = klogctl(READ, logbuf, 10);
    expect(a == 10 && klogctl(SIZE_UNREAD, NULL, 0) == whole - 10, "a READ into 10 bytes takes a piece of the line");
    int b = klogctl(READ, logbuf + 10, 8192);
    logbuf[a + (b > 0 ? b : 0)] = 0;
    expect(b == whole - 10 && has_line(logbuf, a + b, 14, "R2"), "the next READ returns the rest");

    kwrite("<6>", "R3", "");
    expect_err(klogctl(READ, BAD_PTR, 4096), EFAULT, "READ to an unmapped buffer");
    alarm(0);
}

static int printk_level(void)
{
    char b[64];
    if (read_file("/proc/sys/kernel/printk", b, sizeof b) <= 0)
        return -1;
    return atoi(b);
}

/* Leaves the console off; the caller restores `orig`. */
static void console_levels(void)
{
    say("-- console level (first figure of /proc/sys/kernel/printk)\n");
    klogctl(CONSOLE_LEVEL, NULL, 5);
    say("CONSOLE_LEVEL 5: %d\n", printk_level());
    klogctl(CONSOLE_OFF, NULL, 0);
    say("CONSOLE_OFF: %d\n", printk_level());
    klogctl(CONSOLE_ON, NULL, 0);
    say("CONSOLE_ON: %d\n", printk_level());
    klogctl(CONSOLE_ON, NULL, 0);
    say("CONSOLE_ON again: %d\n", printk_level());
    klogctl(CONSOLE_OFF, NULL, 0);
    klogctl(CONSOLE_LEVEL, NULL, 6);
    say("CONSOLE_OFF then CONSOLE_LEVEL 6: %d\n", printk_level());
    klogctl(CONSOLE_ON, NULL, 0);
    say("then CONSOLE_ON: %d\n", printk_level());
    klogctl(CONSOLE_OFF, NULL, 0);
}

static void kmsg_read_seek(void)
{
    say("-- /dev/kmsg reading and seeking\n");
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    struct krec k1, k2;
    ssize_t n1 = read(fd, rec, sizeof rec - 1);
    int ok1 = n1 > 0 && parse_rec((int)n1, &k1);
    ssize_t n2 = read(fd, rec, sizeof rec - 1);
    int ok2 = n2 > 0 && parse_rec((int)n2, &k2);
    expect(ok1 && ok2, "a fresh descriptor reads records prio,seq,usec,-;text");
    expect(ok1 && ok2 && k2.seq == k1.seq + 1 && k1.flag == '-', "one per read, numbered one after the other");
    expect(ok1 && ok2 && k2.usec >= k1.usec, "in time order");

    expect(lseek(fd, 0, SEEK_END) == 0, "lseek(0, SEEK_END) returns 0");
    int e = 0;
    for (int i = 0; i < 20 && read(fd, rec, sizeof rec - 1) >= 0; i++)  /* a host message may come */
        ;
    e = errno;
    expect(e == EAGAIN, "at the end, O_NONBLOCK read: EAGAIN");
    expect_err(lseek(fd, 1, SEEK_SET), ESPIPE, "lseek(1, SEEK_SET)");
    expect_err(lseek(fd, 0, SEEK_CUR), EINVAL, "lseek(0, SEEK_CUR)");
    expect_err(lseek(fd, 0, SEEK_HOLE), EINVAL, "lseek(0, SEEK_HOLE)");

    kwrite("<6>", "S1", "");
    struct krec k;
    expect(find_rec(fd, marker("S1"), &k, NULL) && k.prio == 14 && k.flag == '-',
           "a message written after SEEK_END is read back: prio 14");
    unsigned long long s1 = k.seq;
    expect(lseek(fd, 0, SEEK_SET) == 0, "lseek(0, SEEK_SET) returns 0");
    ssize_t n = read(fd, rec, sizeof rec - 1);
    expect(n > 0 && parse_rec((int)n, &k) && k.seq < s1, "then reading starts at the oldest record");

    klogctl(CLEAR, NULL, 0);
    kwrite("<6>", "S2", "");
    expect(lseek(fd, 0, SEEK_DATA) == 0, "lseek(0, SEEK_DATA) returns 0");
    n = read(fd, rec, sizeof rec - 1);
    int first_after_clear = n > 0 && parse_rec((int)n, &k) && k.seq > s1;
    lseek(fd, 0, SEEK_DATA);
    expect(first_after_clear && find_rec(fd, marker("S2"), &k, NULL),
           "SEEK_DATA goes to the first record after the syslog clear point");
    close(fd);

    fd = open("/dev/kmsg", O_WRONLY);
    expect(lseek(fd, 0, SEEK_END) == 0, "a write-only descriptor seeks too");
    expect_err(read(fd, rec, sizeof rec), EBADF, "but cannot read");
    close(fd);
}

static void kmsg_write(void)
{
    say("-- /dev/kmsg writing\n");
    int fd = open_end(O_NONBLOCK);
    struct krec k;
    kwrite("", "W0", "");
    expect(find_rec(fd, marker("W0"), &k, NULL) && k.prio == 12, "no prefix: prio 12 (user, warning)");
    kwrite("<5>", "W1", "");
    expect(find_rec(fd, marker("W1"), &k, NULL) && k.prio == 13, "<5>: prio 13");
    kwrite("<29>", "W2", "");
    expect(find_rec(fd, marker("W2"), &k, NULL) && k.prio == 29, "<29>: prio 29 (facility 3 kept)");
    kwrite("<2047>", "W3", "");
    expect(find_rec(fd, marker("W3"), &k, NULL) && k.prio == 2047, "<2047>: prio 2047");
    kwrite("<15>", "W4", "");
    expect(find_rec(fd, marker("W4"), &k, NULL) && k.prio == 15, "<15>: prio 15");
    char b[160];
    snprintf(b, sizeof b, "<x>%s", marker("W5"));
    kwrite("<x>", "W5", "");
    expect(find_rec(fd, b, &k, NULL) && k.prio == 12, "<x>: not a prefix, kept in the text");

    char esc[160];
    snprintf(esc, sizeof esc, "%s a\\x09b\\x5cc\\x0ad", marker("W6"));
    kwrite("<7>", "W6", " a\tb\\c\nd");
    expect(find_rec(fd, esc, &k, NULL), "tab, backslash and newline come back as \\xNN");

    char nul[64];
    int nn = snprintf(nul, sizeof nul, "<7>%s", marker("W7"));
    memcpy(nul + nn, "\n\0hidden\n", 9);
    expect(kwrite_raw(nul, (size_t)nn + 9) == nn + 9, "a write with a NUL returns its full length");
    expect(find_rec(fd, marker("W7"), &k, NULL), "the text ends at the NUL");

    static char big[1100];
    memset(big, 'k', sizeof big);
    memcpy(big, "<7>", 3);
    big[1023] = '\n';
    expect_err(kwrite_raw(big, 1025), EINVAL, "a 1025-byte write");
    expect(kwrite_raw(big, 1024) == 1024, "a 1024-byte write");
    int got = 0;
    for (int i = 0; i < 5000 && !got; i++) {
        ssize_t n = read(fd, rec, sizeof rec - 1);
        if (n < 0)
            break;
        got = parse_rec((int)n, &k) && k.text_len == 1020 && k.text[0] == 'k' && k.text[1019] == 'k';
    }
    expect(got, "comes back whole (1020 bytes of text)");
    expect_err(kwrite_raw(BAD_PTR, 10), EFAULT, "a write from an unmapped buffer");

    kwrite("<7>", "W8", "");
    kwrite("<7>", "W9", "");
    int err = 0;
    expect_err(read(fd, rec, 8), EINVAL, "a read into 8 bytes");
    int seen8 = find_rec(fd, marker("W8"), &k, &err);
    expect(!seen8, "skips that record");
    lseek(fd, 0, SEEK_END);
    kwrite("<7>", "W10", "");
    kwrite("<7>", "W11", "");
    expect(find_rec(fd, marker("W10"), &k, NULL) && find_rec(fd, marker("W11"), &k, NULL), "the next ones come");
    kwrite("<7>", "W12", "");
    expect_err(read(fd, BAD_PTR, 4096), EFAULT, "a read into an unmapped buffer");
    close(fd);
}

static void kmsg_wait(void)
{
    say("-- /dev/kmsg waiting\n");
    int fd = open_end(0);
    pid_t p = fork();
    if (p == 0) {
        usleep(300000);
        kwrite("<7>", "B1", "");
        _exit(0);
    }
    double t0 = gt_now_s();
    struct krec k;
    int found = find_rec(fd, marker("B1"), &k, NULL);
    double waited = gt_now_s() - t0;
    waitpid(p, NULL, 0);
    expect(found, "a blocking read returns the message written later");
    expect(waited > 0.2, "after waiting for it");
    close(fd);

    fd = open_end(O_NONBLOCK);
    struct pollfd pf = { fd, POLLIN, 0 };
    p = fork();
    if (p == 0) {
        usleep(300000);
        kwrite("<7>", "B2", "");
        _exit(0);
    }
    t0 = gt_now_s();
    int r = 0;
    for (int i = 0; i < 100; i++) {             /* host messages may wake it first */
        r = poll(&pf, 1, 5000);
        if (r != 1 || find_rec(fd, marker("B2"), &k, NULL))
            break;
    }
    waited = gt_now_s() - t0;
    waitpid(p, NULL, 0);
    expect(r == 1 && (pf.revents & POLLIN) && waited > 0.2 && waited < 4.5, "poll wakes up for it");
    close(fd);
}

int main(void)
{
    nonce = (unsigned long)getpid() * 1000003UL + (unsigned long)(gt_now_s() * 1e6);
    logsize = klogctl(SIZE_BUFFER, NULL, 0);
    if (logsize <= 0)
        logsize = 1 << 17;
    logbuf = malloc((size_t)logsize + 1);

    int orig = printk_level();
    expect(orig >= 1 && orig <= 8, "the console level is 1..8");
    console_levels();                   /* the console stays off until the end */
    syslog_errors();
    syslog_read_all();
    syslog_read();
    kmsg_read_seek();
    kmsg_write();
    kmsg_wait();
    klogctl(CONSOLE_LEVEL, NULL, orig >= 1 && orig <= 8 ? orig : 7);
    expect(printk_level() == orig, "console level restored");
    gt_exit();
}
