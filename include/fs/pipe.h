/*
 * Pipes.  The data lives in a ring of PIPE_PAGES page frames (64 KiB, the
 * Linux default capacity; F_SETPIPE_SZ changes it), allocated on first use.  struct pipe_ring and its
 * functions (kernel/fs/pipe_ring.c) are pure code that the host tests run;
 * the pipe object with its locks, wait queues and file operations is in
 * kernel/fs/pipe.c.
 */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/sysctl.h>

#define PIPE_PAGE_SIZE 4096
#define PIPE_PAGES 16
#define PIPE_CAPACITY (PIPE_PAGES * PIPE_PAGE_SIZE)   /* 65536: the default */
#define PIPE_MAX_SIZE_DEFAULT (1 << 20)              /* /proc/sys/fs/pipe-max-size at boot */
#define PIPE_ROOT_MAX_PAGES 16384                    /* F_SETPIPE_SZ's ceiling even for root (64 MiB) */
#define PIPE_BUF 4096       /* writes up to this size are atomic (POSIX) */

/*
 * head and tail are free-running byte counters: used = tail - head,
 * byte i lives in pages[(i / PIPE_PAGE_SIZE) % npages].  A page is
 * allocated through page_alloc() the first time a write reaches it and kept
 * until pipe_ring_release() (or a resize that no longer needs it).  npages
 * is a power of two; up to PIPE_PAGES slots live in the structure itself
 * (`slots`), a larger ring uses an array the caller provides
 * (pipe_ring_resize), so a ring must not be copied.  The caller serializes
 * all calls.
 *
 * Packets (packet-mode pipes, O_DIRECT): a packet starts a page of its own
 * and ends it, as a Linux pipe buffer does; the page is "sealed": seals[i]
 * holds the bytes of data in page slot i, plus one, with PIPE_SEAL_PACKET
 * for a packet.  The rest of a sealed page is padding, counted in `used`
 * (so a page holds one packet, and 16 packets fill a default pipe) but
 * never read.  The head never rests in padding: consuming skips it.
 */
#define PIPE_SEAL_PACKET 0x8000
#define PIPE_SEAL_LEN(s) ((size_t)((s) & 0x1fff) - 1)

struct pipe_ring {
    uint8_t **pages;                     /* npages slots: `slots` or the caller's array */
    uint16_t *seals;                     /* npages: `seal_slots` or after the caller's array */
    size_t npages;
    uint8_t *slots[PIPE_PAGES];
    uint16_t seal_slots[PIPE_PAGES];
    size_t head, tail;
    void *(*page_alloc)(void *ctx);      /* one zeroed page, or NULL */
    void (*page_free)(void *ctx, void *page);
    void *ctx;
};

void pipe_ring_init(struct pipe_ring *r, void *(*page_alloc)(void *), void (*page_free)(void *, void *),
                    void *ctx);
/* Frees every page (not a caller-provided array). */
void pipe_ring_release(struct pipe_ring *r);

static inline size_t pipe_ring_capacity(const struct pipe_ring *r) { return r->npages * PIPE_PAGE_SIZE; }
static inline size_t pipe_ring_used(const struct pipe_ring *r) { return r->tail - r->head; }
static inline size_t pipe_ring_space(const struct pipe_ring *r) { return pipe_ring_capacity(r) - pipe_ring_used(r); }

/* The bytes an array for a ring of n pages takes (pipe_ring_resize): the
 * page pointers, then the seals. */
#define PIPE_RING_ARRAY_BYTES(n) ((n) * (sizeof(uint8_t *) + sizeof(uint16_t)))

/* Moves the ring onto `array` of `npages` slots (a power of two; zeroed,
 * PIPE_RING_ARRAY_BYTES(npages) long; r->slots itself for npages <=
 * PIPE_PAGES), keeping the data (and packets) in order and freeing the
 * pages that no longer hold any.  false, with nothing changed, when the
 * data needs more pages than that (or wraps inside one page of a full
 * ring).  The caller frees the array the ring used before if it was its
 * own. */
bool pipe_ring_resize(struct pipe_ring *r, uint8_t **array, size_t npages);

/* The longest contiguous run of readable bytes at the read position:
 * *p points at it, the length is returned (0 when empty).  It never
 * crosses the end of a packet or of the data in a sealed page. */
size_t pipe_ring_read_span(const struct pipe_ring *r, uint8_t **p);
/* Marks n bytes (<= the span just returned) as read, and skips the
 * padding after them if they ended a sealed page's data. */
void pipe_ring_consume(struct pipe_ring *r, size_t n);
/* Is the read position inside a packet? */
bool pipe_ring_at_packet(const struct pipe_ring *r);
/* The readable run at position pos (head <= pos <= tail, never in
 * padding), as read_span; *next is where the data goes on after it,
 * padding skipped.  For reading without consuming (tee). */
size_t pipe_ring_span_at(const struct pipe_ring *r, size_t pos, uint8_t **p, size_t *next);
/* The bytes of data held: used minus the padding (FIONREAD). */
size_t pipe_ring_bytes(const struct pipe_ring *r);

/* Padding the write position needs to reach a page of its own (0 if it
 * is at the start of one). */
static inline size_t pipe_ring_pad_needed(const struct pipe_ring *r)
{
    return r->tail % PIPE_PAGE_SIZE ? PIPE_PAGE_SIZE - r->tail % PIPE_PAGE_SIZE : 0;
}
/* Could n bytes join the data in the write position's page (an open,
 * non-empty page with room: Linux merges a write's remainder there)? */
bool pipe_ring_can_merge(const struct pipe_ring *r, size_t n);
/* Seals the write position's page (its data ends here) and moves the write
 * position to the next page.  The caller checked the room
 * (pipe_ring_pad_needed). */
void pipe_ring_pad(struct pipe_ring *r);
/* The last n bytes written (1 <= n <= a page, starting a page) are a
 * packet: their page is sealed as one. */
void pipe_ring_end_packet(struct pipe_ring *r, size_t n);

/* The longest contiguous free run at the write position, allocating its page
 * if needed: *p points at it, the length is returned.  0 means the ring is
 * full, or the page allocation failed (then *p is NULL). */
size_t pipe_ring_write_span(struct pipe_ring *r, uint8_t **p);
/* Marks n bytes (<= the span just returned) as written. */
void pipe_ring_commit(struct pipe_ring *r, size_t n);

/* Copy helpers over the spans (kernel buffers): bytes moved.  pipe_ring_put
 * stops early when the ring is full or a page cannot be allocated. */
size_t pipe_ring_put(struct pipe_ring *r, const void *src, size_t n);
size_t pipe_ring_get(struct pipe_ring *r, void *dst, size_t n);

/* ---- the pipe object (kernel/fs/pipe.c) ---- */
struct file;
/* A new pipe: *rd is its read end (O_RDONLY), *wr its write end (O_WRONLY),
 * both with O_NONBLOCK if asked, the write end in packet mode with
 * O_DIRECT (flags may hold only these two).  0 or -ENOMEM; on failure
 * nothing is left allocated. */
int pipe_create(int flags, struct file **rd, struct file **wr);
/* F_GETPIPE_SZ / F_SETPIPE_SZ on any file: -EBADF unless it is a pipe or
 * a FIFO. */
long pipe_fcntl(struct file *f, int cmd, unsigned long arg);
/* /proc/sys/fs/pipe-max-size (include/kernel/sysctl.h). */
extern const struct sysctl_entry pipe_sysctls[];

/* ---- splice(2) and tee(2) (kernel/syscall/sys_splice.c) ---- */
/* Is f an end of a pipe or a FIFO? */
bool file_is_pipe(const struct file *f);
/* Up to len bytes out of the pipe behind pf into sink(ctx, kbuf, n), which
 * returns the bytes it took or -errno; it may sleep.  Waits for data as
 * read does (nonblock: -EAGAIN).  Bytes moved, 0 at EOF, or an error. */
long pipe_splice_out(struct file *pf, size_t len, bool nonblock, long (*sink)(void *ctx, const void *buf, size_t n),
                        void *ctx);
/* Up to len bytes (as many as there is room for) into the pipe behind pf
 * from source(ctx, kbuf, n), which returns the bytes it gave (0: none
 * left) or -errno.  Waits for room as write does; -EPIPE (with SIGPIPE)
 * once no reader is left.  Bytes moved, 0, or an error. */
long pipe_splice_in(struct file *pf, size_t len, bool nonblock, long (*source)(void *ctx, void *buf, size_t n),
                       void *ctx);
/* Up to len bytes from pipe `in` to pipe `out` (different pipes), moved or
 * with `tee` copied (in keeps them).  Waits for data, then for room. */
long pipe_splice_pipe(struct file *in, struct file *out, size_t len, bool nonblock, bool tee);

/* What a FIFO (a named pipe in a file system) opens with: the pipe's
 * operations and an open hook that finds or makes the vnode's pipe and
 * waits for the other side as Linux does. */
extern const struct file_ops fifo_fops;

#endif
