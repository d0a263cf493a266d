/*
 * The argument and environment strings of an execve on their way from the
 * old program to the new one's stack (kernel/proc/exec_args.c): held back
 * to back, argv's then envp's, each with its NUL, in pages of their own, so
 * that Linux's limit (a quarter of RLIMIT_STACK, from 128 KiB up to 6 MiB)
 * needs no large contiguous allocation.
 *
 * The limit is Linux's: the strings (the file name execve was given
 * included) and a pointer for each string (argc counted as at least 1)
 * must fit in it, and one string may have at most MAX_ARG_STRLEN bytes
 * with its NUL; beyond either, E2BIG.  Owned by one exec: no locking.
 */
#ifndef PROC_EXEC_ARGS_H
#define PROC_EXEC_ARGS_H

#include <kernel/kernel.h>

#define MAX_ARG_STRLEN (32 * 4096)      /* one string with its NUL (Linux) */
#define MAX_ARG_STRINGS 0x7fffffff

struct exec_args {
    uint8_t **pages;            /* the strings, PAGE_SIZE bytes a page */
    size_t npages, slots;       /* pages held; room in `pages` */
    size_t used;                /* bytes of strings */
    size_t room;                /* bytes the strings may take (exec_args_limit) */
    int argc, envc;
    size_t argbytes;            /* the argv strings' bytes (they come first) */
};

/* An empty set, with room to spare (kernel_execve's). */
void exec_args_init(struct exec_args *a);
void exec_args_release(struct exec_args *a);
/* The room for strings once nptrs pointers and the file name (its length)
 * are counted, from the current task's RLIMIT_STACK.  0 or -E2BIG. */
int exec_args_limit(struct exec_args *a, size_t nptrs, size_t filename_len);
/* Appends a string (kernel or user; its NUL included).  0, -E2BIG,
 * -EFAULT, -ENOMEM. */
int exec_args_push(struct exec_args *a, const char *s);
int exec_args_push_user(struct exec_args *a, const char __user *s);
/* The length of the string at offset off (without its NUL). */
size_t exec_args_strlen(const struct exec_args *a, size_t off);
/* Copies n bytes from offset off to user memory, or to a kernel buffer. */
int exec_args_copy_out(const struct exec_args *a, size_t off, size_t n, void __user *dst);
void exec_args_copy_in(const struct exec_args *a, size_t off, size_t n, void *dst);
/* A #! script: its argv[0] (if any) gives way to the n strings, in the
 * room left.  0 or -E2BIG, -ENOMEM (the set unchanged then). */
int exec_args_replace_argv0(struct exec_args *a, const char *const strs[], int n);

#endif
