/*
 * Generated files (the /proc style): the content is produced at open into a
 * growing kernel buffer by a `show` callback; read and lseek then serve that
 * snapshot, so a reader that uses one read() (busybox's /proc/<pid>/stat)
 * sees a consistent record.  A read from offset 0 after the file was read
 * (lseek back to 0, pread at 0) runs show again, as Linux's seq_file does.
 *
 * Usage (a file vnode whose fops are these):
 *     static int stat_open(struct vnode *v, struct file *f)
 *     { return seqfile_open(f, show_stat, v->priv); }
 *     static const struct file_ops stat_fops = {
 *         .open = stat_open, .read = seqfile_read,
 *         .lseek = seqfile_lseek, .release = seqfile_release };
 * A writable file adds its own .write; seqfile_arg(f) gives back `arg`.
 */
#ifndef FS_SEQFILE_H
#define FS_SEQFILE_H

#include <fs/vfs.h>

struct seqbuf {
    char *buf;
    size_t len, cap;
    bool overflow;               /* set when an append did not fit */
};

/* Append; on overflow the buffer is marked and seqfile_open retries with a
 * larger one, so show() callbacks just print and return 0 (or -errno). */
int seq_printf(struct seqbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void seq_write(struct seqbuf *s, const void *data, size_t n);
void seq_putc(struct seqbuf *s, char c);
/* A set of CPUs or nodes, the first nbits bits of the words `bits`, as
 * Linux prints a list ("%*pbl"): "0-3,5", nothing for an empty set
 * (bitmap_print_list, include/lib/cpuset.h). */
void seq_bitlist(struct seqbuf *s, const uint64_t *bits, unsigned nbits);
/* The same set as Linux prints a mask ("%*pb"): nbits bits in hex, in
 * comma-separated groups of 32, the first only as wide as it needs ("3",
 * "00000000,00000001"). */
void seq_bitmask(struct seqbuf *s, const uint64_t *bits, unsigned nbits);

typedef int (*seq_show_fn)(struct seqbuf *s, void *arg);

/* Generate the content now (show may be called more than once, with a
 * larger buffer each time, up to 1 MiB).  0, -ENOMEM or show's error. */
int seqfile_open(struct file *f, seq_show_fn show, void *arg);
void *seqfile_arg(struct file *f);
struct iobuf;
ssize_t seqfile_read(struct file *f, struct iobuf buf, size_t len, uint64_t *off);
off_t seqfile_lseek(struct file *f, off_t off, int whence);
void seqfile_release(struct file *f);

#endif
