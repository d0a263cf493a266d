/*
 * Terminals.  Two layers:
 *
 *  - The line discipline (struct ldisc, kernel/fs/tty_ldisc.c) is pure code:
 *    it turns received bytes into readable input according to termios
 *    (canonical line editing, echo, CR/NL mapping, signal characters) and
 *    translates output (OPOST/ONLCR).  It knows nothing about tasks, locks or
 *    user memory, so the host unit tests run it unchanged.
 *  - The tty device (kernel/fs/tty.c) wraps one ldisc with a lock, wait
 *    queues, the window size, the session and foreground process group, the
 *    ioctls, and the /dev/console and /dev/tty files.
 *  - A pseudo-terminal (kernel/fs/pty.c) is a tty device whose wire is a
 *    buffer the master end reads, and whose input is what the master
 *    writes: the slave (/dev/pts/N) is read, written and controlled by the
 *    same code as the console.
 */
#ifndef FS_TTY_H
#define FS_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uapi/termios.h>

struct file;

#define LDISC_BUF_SIZE 4096          /* input buffer, a power of two */

/* Where the discipline sends echo and translated output (the wire). */
typedef void (*ldisc_sink_fn)(void *ctx, const char *s, size_t n);

/* Per-byte flags of the input buffer (canonical mode). */
#define LDF_EOL 0x01    /* this byte ends a line (newline, VEOL, VEOL2, push) */
#define LDF_EOF 0x02    /* VEOF marker: ends a line, never copied to the reader */

/*
 * The input buffer is a ring indexed by free-running counters:
 *
 *     rhead <= canon_head <= tail
 *     [rhead, canon_head)   committed input the reader may consume
 *     [canon_head, tail)    the line being edited (canonical mode only)
 *
 * In non-canonical mode canon_head == tail: every byte is readable at once.
 * The caller serializes all calls (the tty lock).
 */
struct ldisc {
    struct termios termios;
    uint8_t buf[LDISC_BUF_SIZE];
    uint8_t flags[LDISC_BUF_SIZE];
    size_t rhead, canon_head, tail;
    unsigned lines;          /* delimiters in [rhead, canon_head) (canonical) */
    bool lnext;              /* VLNEXT seen: the next byte is literal */
    bool stopped;            /* output stopped by VSTOP (IXON) */
    unsigned column;         /* output column, for erasing tabs */
    unsigned canon_column;   /* column where the edited line began */
    ldisc_sink_fn sink;
    void *sink_ctx;
};

/* Signals ldisc_receive() reports: Linux's numbers, repeated here so the
 * pure code needs no kernel signal header (tty.c asserts they agree). */
#define LDISC_SIGINT 2
#define LDISC_SIGQUIT 3
#define LDISC_SIGTSTP 20

/* Linux's defaults for a serial/pty line (notes/linux-abi.md 2c). */
void termios_default(struct termios *t);

void ldisc_init(struct ldisc *ld, ldisc_sink_fn sink, void *ctx);

/* Feeds one received byte.  Returns the signal the byte raises (LDISC_SIGINT,
 * LDISC_SIGQUIT, LDISC_SIGTSTP with ISIG) for the caller to send to the foreground
 * process group after dropping its lock, or 0. */
int ldisc_receive(struct ldisc *ld, uint8_t c);

/* Installs new settings.  Switching ICANON off makes the edited line
 * readable; switching it on turns pending raw input into one line (as Linux). */
void ldisc_set_termios(struct ldisc *ld, const struct termios *t);

/* Discards all input (TCIFLUSH, ISIG characters). */
void ldisc_flush_input(struct ldisc *ld);

/* Bytes a read could return now: canonical mode counts committed lines only
 * (FIONREAD's answer). */
size_t ldisc_available(const struct ldisc *ld);

/* True if a read would not block: a complete line (or EOF marker) in
 * canonical mode, any byte otherwise. */
bool ldisc_readable(const struct ldisc *ld);

/* Copies up to n input bytes to dst and consumes them.  Canonical mode stops
 * after a line delimiter and sets *line_done; a VEOF marker is consumed but
 * not copied (a read of an empty line thus returns 0 = end of file).
 * Non-canonical mode copies whatever is there (may be 0). */
size_t ldisc_read(struct ldisc *ld, uint8_t *dst, size_t n, bool *line_done);

/* Writes n bytes of program output through output processing (OPOST,
 * ONLCR, OCRNL, ONOCR, ONLRET, XTABS) to the sink. */
void ldisc_write(struct ldisc *ld, const char *s, size_t n);

/* ---- the console tty device (kernel/fs/tty.c, tty_ioctl.c) ---- */

#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>

struct pty;

struct tty {
    struct pty *pty;        /* the slave side of a pseudo-terminal; NULL: the console */
    /* --- protected by lock (a spinlock: the serial IRQ takes it) --- */
    struct spinlock lock;
    struct ldisc ld;
    struct winsize ws;
    int session;            /* session this is the controlling tty of; 0 = none */
    int pgrp;               /* foreground process group; 0 = none */
    int reader_pgrp;        /* pgrp of the last reader: ISIG target when no pgrp */
    bool ready;             /* initialised: input before that is dropped */
    bool hungup;            /* a pty whose master closed: reads give 0, writes EIO */

    struct mutex write_mu;     /* one write(2) at a time reaches the wire */
    struct waitq read_wait;       /* input became readable */
    struct waitq write_wait;      /* output restarted (VSTART, TCOON), room in a pty's
                                   * buffers (the reader took input, the master output) */
};

extern struct tty tty_console;

/* Job control for a tty operation by the current task (kernel/fs/tty_ioctl.c):
 * 0 if allowed; for a background process group of the tty's session, sends
 * `sig` (SIGTTIN for reads, SIGTTOU for writes/settings) to that group and
 * returns -ERESTARTSYS, or returns -EIO if the group is orphaned or (for
 * SIGTTIN) ignores/blocks the signal.  SIGTTOU ignored/blocked allows it. */
int tty_job_check(struct tty *tty, int sig);
long tty_ioctl(struct file *f, unsigned int cmd, unsigned long arg);
/* The same on a given tty (a pty master acts on its slave's). */
long tty_ioctl_on(struct tty *tty, struct file *f, unsigned int cmd, unsigned long arg);
/* The slave files' operations, shared by the console and ptys: f->private_data is the tty. */
struct iobuf;
ssize_t tty_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off);
ssize_t tty_write(struct file *f, struct iobuf buf, size_t len, uint64_t *off);
struct poll_table;
unsigned int tty_poll(struct file *f, struct poll_table *pt);
/* The tty in the current session's control (console or pty), or NULL;
 * a pty's is referenced (pty_tty_put). */
struct tty *tty_of_session(int sid);
/* The ISIG target: the foreground group, or the last reader's group when
 * the tty has no session (a shell started without a controlling tty). */
int tty_signal_target(struct tty *tty);
void tty_send_signal(int pgrp, int sig);

/* Serial interrupt handler entry: one received byte.  IRQ context. */
void tty_console_input(uint8_t c);
/* Registers /dev/console and /dev/tty with devfs. */
void tty_init(void);
/* Boot (kmain, after the initramfs is unpacked and before init opens the
 * console): /dev/console, /dev/tty, /dev/ptmx and devpts. */
void console_devices_init(void);
/* Kernel text to the console through output processing, interleaving
 * correctly with program output. */
void tty_console_write_kernel(const char *s, size_t n);
/* A session leader is exiting: if it controls the console, hang up the
 * foreground process group (SIGHUP, SIGCONT) and free the console. */
void tty_session_leader_exit(int sid);

/* The serial console's device number: ttyS0 is (4, 64) on Linux, which is
 * also what /proc/<pid>/stat reports as tty_nr for its session. */
#define TTY_CONSOLE_MAJOR 4
#define TTY_CONSOLE_MINOR 64
/* Session controlling the console (0 if none): used by procfs for tty_nr. */
int tty_console_session(void);
/* Foreground process group of the console (0 if none). */
int tty_console_fg_pgrp(void);

/* ---- pseudo-terminals (kernel/fs/pty.c) ---- */

/* Bytes the master's buffer can still take (tty lock held, or a hint). */
size_t pty_out_room(struct pty *p);
/* Output reached the master's buffer: wake its readers (no lock held). */
void pty_output_done(struct pty *p);
/* The pty whose slave is sid's controlling terminal, referenced, or NULL. */
struct tty *pty_of_session(int sid);
/* Drops pty_of_session's reference (tty->pty is set). */
void pty_tty_put(struct tty *tty);
/* A session leader is exiting: hang up the ptys it controls. */
void pty_session_leader_exit(int sid);
/* /dev/ptmx, and devpts mounted on /dev/pts. */
void pty_init(void);

#endif
