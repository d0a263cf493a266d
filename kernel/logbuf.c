/*
 * The kernel log's record ring and its text forms (include/kernel/logbuf.h).
 *
 * Pure code: no locks, no allocation, no user memory.  The caller (the log,
 * kernel/log.c) serializes every call.
 *
 * Layout invariant: the records from first to next lie one after another,
 * except that where a record did not fit before the end of the buffer a
 * header of size 0 marks the wrap and the record starts at offset 0.  A
 * record is stored only if a header still fits after it, so there is always
 * room for that marker.
 */
#include <kernel/kernel.h>
#include <kernel/logbuf.h>
#include <lib/string.h>

#define HDR ((uint32_t)sizeof(struct log_rec))

_Static_assert(sizeof(struct log_rec) == 16, "record header is 16 bytes, keeping records 8-byte aligned");

void logbuf_init(struct logbuf *lb, void *mem, uint32_t size)
{
    lb->buf = mem;
    lb->size = size;
    lb->first = lb->next = (struct log_pos){ 0, 0 };
}

/* The record at offset idx, following a wrap marker to offset 0. */
static struct log_rec *rec_at(const struct logbuf *lb, uint32_t idx)
{
    struct log_rec *r = (struct log_rec *)(lb->buf + idx);
    return r->size ? r : (struct log_rec *)lb->buf;
}

/* The offset just past the record at idx. */
static uint32_t idx_after(const struct logbuf *lb, uint32_t idx)
{
    struct log_rec *r = (struct log_rec *)(lb->buf + idx);
    return r->size ? idx + r->size : ((struct log_rec *)lb->buf)->size;
}

/* Room for a record of `size` bytes plus the header a later wrap may need. */
static bool has_space(const struct logbuf *lb, uint32_t size)
{
    bool empty = lb->first.seq == lb->next.seq;
    uint32_t free;
    if (empty || lb->next.idx > lb->first.idx)
        free = MAX(lb->size - lb->next.idx, lb->first.idx);
    else
        free = lb->first.idx - lb->next.idx;
    return free >= size + HDR;
}

uint64_t logbuf_store(struct logbuf *lb, uint64_t ts_ns, int facility, int level, const char *text,
                      size_t len)
{
    if (len > LOG_TEXT_MAX)
        len = LOG_TEXT_MAX;
    uint32_t size = ALIGN_UP(HDR + (uint32_t)len, 8);
    while (lb->first.seq < lb->next.seq && !has_space(lb, size)) {
        lb->first.idx = idx_after(lb, lb->first.idx);
        lb->first.seq++;
    }
    if (lb->next.idx + size + HDR > lb->size) {
        memset(lb->buf + lb->next.idx, 0, HDR);     /* the wrap marker */
        lb->next.idx = 0;
    }
    struct log_rec *r = (struct log_rec *)(lb->buf + lb->next.idx);
    r->ts_ns = ts_ns;
    r->size = (uint16_t)size;
    r->text_len = (uint16_t)len;
    r->level = (uint8_t)(level & 7);
    r->facility = (uint8_t)facility;
    r->pad = 0;
    memcpy(r + 1, text, len);
    lb->next.idx += size;
    return lb->next.seq++;
}

bool logbuf_clamp(const struct logbuf *lb, struct log_pos *p)
{
    if (p->seq >= lb->first.seq)
        return false;
    *p = lb->first;
    return true;
}

const struct log_rec *logbuf_at(const struct logbuf *lb, const struct log_pos *p)
{
    return p->seq < lb->next.seq ? rec_at(lb, p->idx) : NULL;
}

void logbuf_step(const struct logbuf *lb, struct log_pos *p)
{
    p->idx = idx_after(lb, p->idx);
    p->seq++;
}

/* ---------------------------------------------------------------- text forms */

static size_t put(log_emit_fn emit, void *ctx, const char *s, size_t n)
{
    if (emit && n)
        emit(ctx, s, n);
    return n;
}

size_t log_format_lines(const struct log_rec *r, const char *text, bool syslog, const char *eol,
                        log_emit_fn emit, void *ctx)
{
    char prefix[48];
    int k = 0;
    if (syslog)
        k = snprintf(prefix, sizeof prefix, "<%u>", (unsigned)(r->facility << 3 | r->level));
    k += snprintf(prefix + k, sizeof prefix - k, "[%5lu.%06lu] ", (unsigned long)(r->ts_ns / 1000000000),
                  (unsigned long)(r->ts_ns % 1000000000 / 1000));
    /* as Linux: every newline starts a line of its own, so "a\n" is two */
    size_t total = 0, len = r->text_len, start = 0;
    for (;;) {
        size_t end = start;
        while (end < len && text[end] != '\n')
            end++;
        total += put(emit, ctx, prefix, (size_t)k);
        total += put(emit, ctx, text + start, end - start);
        total += put(emit, ctx, eol, strlen(eol));
        if (end == len)
            return total;
        start = end + 1;
    }
}

size_t log_format_kmsg(const struct log_rec *r, const char *text, uint64_t seq, log_emit_fn emit, void *ctx)
{
    char head[80];
    int k = snprintf(head, sizeof head, "%u,%lu,%lu,-;", (unsigned)(r->facility << 3 | r->level),
                     (unsigned long)seq, (unsigned long)(r->ts_ns / 1000));
    size_t total = put(emit, ctx, head, (size_t)k);
    size_t start = 0;
    for (size_t i = 0; i < r->text_len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= ' ' && c < 127 && c != '\\')
            continue;
        total += put(emit, ctx, text + start, i - start);
        char esc[5];
        snprintf(esc, sizeof esc, "\\x%02x", c);
        total += put(emit, ctx, esc, 4);
        start = i + 1;
    }
    total += put(emit, ctx, text + start, r->text_len - start);
    return total + put(emit, ctx, "\n", 1);
}
