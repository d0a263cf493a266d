/*
 * Generated-at-open files (see <fs/seqfile.h>).  The show callback prints
 * into a buffer; if it overflows, the buffer is doubled and show runs again
 * (from 4 KiB to 1 MiB), so callers never size anything.  Reads copy from the
 * snapshot.  As on Linux, a read from offset 0 after the file was read shows
 * it as it is now: show runs again (top, vmstat and free keep /proc/stat and
 * /proc/meminfo open, and lseek back to 0 for each refresh).
 */
#include <fs/seqfile.h>
#include <kernel/mutex.h>
#include <lib/cpuset.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/uaccess.h>

#define SEQ_MIN 4096
#define SEQ_MAX (1024 * 1024)

struct seqfile {
    struct mutex mu;          /* serializes reads and seeks with a new snapshot */
    struct seqbuf sb;
    seq_show_fn show;
    void *arg;
    bool read_from;              /* a read at offset 0 makes a new snapshot */
};

void seq_write(struct seqbuf *s, const void *data, size_t n)
{
    if (s->overflow || n > s->cap - s->len) {
        s->overflow = true;
        return;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
}

void seq_putc(struct seqbuf *s, char c) { seq_write(s, &c, 1); }

/* A bit set printed in place by `print`, where seq_write would put it. */
static void seq_bits(struct seqbuf *s, size_t (*print)(char *, size_t, const uint64_t *, unsigned),
                     const uint64_t *bits, unsigned nbits)
{
    if (s->overflow)
        return;
    size_t room = s->cap - s->len, n = print(s->buf + s->len, room, bits, nbits);
    if (n >= room)
        s->overflow = true;
    else
        s->len += n;
}

void seq_bitlist(struct seqbuf *s, const uint64_t *bits, unsigned nbits)
{
    seq_bits(s, bitmap_print_list, bits, nbits);
}

void seq_bitmask(struct seqbuf *s, const uint64_t *bits, unsigned nbits)
{
    seq_bits(s, bitmap_print_mask, bits, nbits);
}

int seq_printf(struct seqbuf *s, const char *fmt, ...)
{
    if (s->overflow)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    size_t room = s->cap - s->len;
    int n = vsnprintf(s->buf + s->len, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room) {   /* vsnprintf needs room for its NUL */
        s->overflow = true;
        return -1;
    }
    s->len += (size_t)n;
    return n;
}

/* A snapshot of show's output into *out (a buffer of its own). */
static int seq_fill(seq_show_fn show, void *arg, struct seqbuf *out)
{
    for (size_t cap = SEQ_MIN;; cap *= 2) {
        struct seqbuf sb = {.buf = kmalloc(cap), .cap = cap};
        if (!sb.buf)
            return -ENOMEM;
        int err = show(&sb, arg);
        if (err < 0) {
            kfree(sb.buf);
            return err;
        }
        if (!sb.overflow) {
            *out = sb;
            return 0;
        }
        kfree(sb.buf);
        if (cap >= SEQ_MAX)
            return -EFBIG;
    }
}

int seqfile_open(struct file *f, seq_show_fn show, void *arg)
{
    struct seqfile *sf = kzalloc(sizeof(*sf));
    if (!sf)
        return -ENOMEM;
    mutex_init(&sf->mu, "seqfile");
    sf->show = show;
    sf->arg = arg;
    int err = seq_fill(show, arg, &sf->sb);
    if (err < 0) {
        kfree(sf);
        return err;
    }
    f->private_data = sf;
    return 0;
}

void *seqfile_arg(struct file *f) { return ((struct seqfile *)f->private_data)->arg; }

ssize_t seqfile_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off)
{
    struct seqfile *sf = f->private_data;
    ssize_t ret = 0;
    mutex_lock(&sf->mu);
    if (*off == 0 && sf->read_from) {
        struct seqbuf now;
        ret = seq_fill(sf->show, sf->arg, &now);
        if (ret == 0) {
            kfree(sf->sb.buf);
            sf->sb = now;
        }
    }
    sf->read_from = true;
    if (ret == 0 && *off < sf->sb.len) {
        size_t n = MIN(len, sf->sb.len - *off);
        if (iob_copy_to(buf, 0, sf->sb.buf + *off, n))
            ret = -EFAULT;
        else {
            *off += n;
            ret = (ssize_t)n;
        }
    }
    mutex_unlock(&sf->mu);
    return ret;
}

off_t seqfile_lseek(struct file *f, off_t off, int whence)
{
    struct seqfile *sf = f->private_data;
    mutex_lock(&sf->mu);
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)f->offset
                 : whence == SEEK_END ? (int64_t)sf->sb.len : -1;
    off_t ret = -EINVAL;
    if (base >= 0 && base + off >= 0)
        ret = (off_t)(f->offset = (uint64_t)(base + off));
    mutex_unlock(&sf->mu);
    return ret;
}

void seqfile_release(struct file *f)
{
    struct seqfile *sf = f->private_data;
    if (sf) {
        kfree(sf->sb.buf);
        kfree(sf);
    }
    f->private_data = NULL;
}
