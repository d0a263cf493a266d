/*
 * The kernel log's record ring (kernel/logbuf.c): pure code, no locks, run
 * by the host tests.  kernel/log.c keeps one, under its log lock.
 *
 * Each message is one record: a header (time, level, facility, length) and
 * its text, stored contiguously and 8-byte aligned in a byte ring, as in
 * Linux before 5.10.  Records are numbered from 0 in the order they are
 * stored (the sequence numbers /dev/kmsg shows); when a new record needs
 * room, the oldest ones are dropped.  A record that would run past the end
 * of the buffer starts again at offset 0, and a header of size 0 left at the
 * old end marks the wrap.
 *
 * Readers hold a position (sequence number and offset).  A position whose
 * sequence number is older than the first record kept was overwritten:
 * logbuf_clamp() moves it to the oldest record and says so (EPIPE on
 * /dev/kmsg).  A valid position's offset stays valid however many records
 * are stored after it, until its own record is dropped.
 *
 * The formatters produce Linux's three text forms of a record: the
 * syslog(2) form "<prio>[sssss.uuuuuu] text\n", the console form (the same
 * without "<prio>"), and the /dev/kmsg form "prio,seq,usec,-;text\n".
 */
#ifndef KERNEL_LOGBUF_H
#define KERNEL_LOGBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_TEXT_MAX 1024       /* longest text kept (Linux's PRINTKRB_RECORD_MAX) */

#define LOG_FAC_KERN 0          /* facilities, as syslog(3) numbers them */
#define LOG_FAC_USER 1

struct log_rec {
    uint64_t ts_ns;             /* time_ns() when stored */
    uint16_t size;              /* bytes taken in the ring, header included; 0: wrap marker */
    uint16_t text_len;
    uint8_t level;              /* 0 (emergency) .. 7 (debug) */
    uint8_t facility;
    uint16_t pad;
    /* text_len bytes of text follow (no terminating NUL) */
};

struct log_pos {
    uint64_t seq;
    uint32_t idx;
};

struct logbuf {
    char *buf;
    uint32_t size;              /* bytes, a multiple of 8 */
    struct log_pos first;       /* the oldest record kept */
    struct log_pos next;        /* where the next record goes */
};

/* mem: size bytes, 8-byte aligned, size a multiple of 8 and at least
 * twice the largest record. */
void logbuf_init(struct logbuf *lb, void *mem, uint32_t size);
/* Stores a record (text longer than LOG_TEXT_MAX is cut), dropping the
 * oldest records as needed; returns its sequence number. */
uint64_t logbuf_store(struct logbuf *lb, uint64_t ts_ns, int facility, int level, const char *text,
                      size_t len);
/* If the record at p is gone, moves p to the oldest record and returns
 * true.  Positions never run ahead of lb->next. */
bool logbuf_clamp(const struct logbuf *lb, struct log_pos *p);
/* The record at a valid position p, or NULL at the end; its text follows
 * it in place (log_rec_text). */
const struct log_rec *logbuf_at(const struct logbuf *lb, const struct log_pos *p);
/* Moves a valid position that is not at the end to the next record. */
void logbuf_step(const struct logbuf *lb, struct log_pos *p);

static inline const char *log_rec_text(const struct log_rec *r) { return (const char *)(r + 1); }

/* Where formatted text goes, piece by piece; NULL only measures. */
typedef void (*log_emit_fn)(void *ctx, const char *s, size_t n);

/* Each line of the text as "[sssss.uuuuuu] line" + eol, with "<prio>" in
 * front when syslog is set (syslog(2)), without it for the console.
 * Returns the length. */
size_t log_format_lines(const struct log_rec *r, const char *text, bool syslog, const char *eol,
                        log_emit_fn emit, void *ctx);
/* The /dev/kmsg form: "prio,seq,usec,-;" then the text with bytes below
 * 0x20, above 0x7e and the backslash written as \xNN, then "\n".
 * Returns the length. */
size_t log_format_kmsg(const struct log_rec *r, const char *text, uint64_t seq, log_emit_fn emit, void *ctx);

#endif
