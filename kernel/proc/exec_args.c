/*
 * An execve's argument and environment strings, in pages (see
 * include/proc/exec_args.h for the layout and the limits).
 */
#include <kernel/task.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/pmm.h>
#include <mm/uaccess.h>
#include <proc/exec_args.h>
#include <proc/rlimit.h>

#define STK_LIM (8UL << 20)             /* Linux's _STK_LIM: the limit is at most 3/4 of it */
#define ARG_MIN_ROOM (32 * 4096)        /* and at least 32 pages (Linux's ARG_MAX) */

void exec_args_init(struct exec_args *a)
{
    memset(a, 0, sizeof *a);
    a->room = STK_LIM / 4 * 3;
}

void exec_args_release(struct exec_args *a)
{
    for (size_t i = 0; i < a->npages; i++)
        pmm_put(V2P(a->pages[i]));
    kfree(a->pages);
    memset(a, 0, sizeof *a);
}

int exec_args_limit(struct exec_args *a, size_t nptrs, size_t filename_len)
{
    uint64_t stack = rlimit_cur(current, RLIMIT_STACK);
    size_t limit = MIN(STK_LIM / 4 * 3, stack / 4);
    limit = MAX(limit, (size_t)ARG_MIN_ROOM);
    size_t fixed = nptrs * sizeof(void *) + filename_len + 1;
    if (nptrs > MAX_ARG_STRINGS || fixed >= limit)
        return -E2BIG;
    a->room = limit - fixed;
    return 0;
}

/* Pages for n more bytes.  0 or -ENOMEM. */
static int reserve(struct exec_args *a, size_t n)
{
    size_t need = ALIGN_UP(a->used + n, PAGE_SIZE) / PAGE_SIZE;
    if (need > a->slots) {
        size_t slots = MAX(need, a->slots ? a->slots * 2 : 16);
        uint8_t **pages = kmalloc(slots * sizeof *pages);
        if (!pages)
            return -ENOMEM;
        if (a->npages)
            memcpy(pages, a->pages, a->npages * sizeof *pages);
        kfree(a->pages);
        a->pages = pages;
        a->slots = slots;
    }
    while (a->npages < need) {
        phys_t p = pmm_alloc_nozero();
        if (!p)
            return -ENOMEM;
        a->pages[a->npages++] = P2V(p);
    }
    return 0;
}

/* Appends n bytes from src (user memory if `user`). */
static int append(struct exec_args *a, const void *src, size_t n, bool user)
{
    if (n > a->room - a->used || a->used + n < a->used)
        return -E2BIG;
    int err = reserve(a, n);
    for (size_t done = 0; !err && done < n;) {
        size_t off = (a->used + done) % PAGE_SIZE, k = MIN(n - done, PAGE_SIZE - off);
        uint8_t *dst = a->pages[(a->used + done) / PAGE_SIZE] + off;
        if (user)
            err = copy_from_user(dst, (const uint8_t __user *)src + done, k);
        else
            memcpy(dst, (const uint8_t *)src + done, k);
        done += k;
    }
    if (!err)
        a->used += n;
    return err;
}

int exec_args_push(struct exec_args *a, const char *s)
{
    size_t len = strlen(s) + 1;
    return len > MAX_ARG_STRLEN ? -E2BIG : append(a, s, len, false);
}

int exec_args_push_user(struct exec_args *a, const char __user *s)
{
    long len = strnlen_user(s, MAX_ARG_STRLEN);
    if (len < 0)
        return (int)len;
    if (len >= MAX_ARG_STRLEN)
        return -E2BIG;                  /* no NUL within MAX_ARG_STRLEN bytes */
    int err = append(a, s, (size_t)len + 1, true);
    if (!err)                           /* another thread may have changed it meanwhile */
        a->pages[(a->used - 1) / PAGE_SIZE][(a->used - 1) % PAGE_SIZE] = 0;
    return err;
}

size_t exec_args_strlen(const struct exec_args *a, size_t off)
{
    size_t len = 0;
    while (off + len < a->used) {
        size_t at = off + len, k = MIN(a->used - at, PAGE_SIZE - at % PAGE_SIZE);
        size_t n = strnlen((const char *)a->pages[at / PAGE_SIZE] + at % PAGE_SIZE, k);
        len += n;
        if (n < k)
            return len;
    }
    return len;
}

int exec_args_copy_out(const struct exec_args *a, size_t off, size_t n, void __user *dst)
{
    for (size_t done = 0; done < n;) {
        size_t at = off + done, k = MIN(n - done, PAGE_SIZE - at % PAGE_SIZE);
        if (copy_to_user((uint8_t __user *)dst + done, a->pages[at / PAGE_SIZE] + at % PAGE_SIZE, k))
            return -EFAULT;
        done += k;
    }
    return 0;
}

void exec_args_copy_in(const struct exec_args *a, size_t off, size_t n, void *dst)
{
    for (size_t done = 0; done < n;) {
        size_t at = off + done, k = MIN(n - done, PAGE_SIZE - at % PAGE_SIZE);
        memcpy((uint8_t *)dst + done, a->pages[at / PAGE_SIZE] + at % PAGE_SIZE, k);
        done += k;
    }
}

int exec_args_replace_argv0(struct exec_args *a, const char *const strs[], int n)
{
    struct exec_args b;
    exec_args_init(&b);
    b.room = a->room;
    size_t skip = a->argc > 0 ? exec_args_strlen(a, 0) + 1 : 0;
    int err = 0;
    for (int i = 0; i < n && !err; i++)
        err = exec_args_push(&b, strs[i]);
    size_t rest = a->used - skip, at = skip;
    if (!err && rest > b.room - b.used)
        err = -E2BIG;
    if (!err)
        err = reserve(&b, rest);
    while (!err && at < a->used) {  /* the rest, page by page */
        size_t k = MIN(a->used - at, PAGE_SIZE - at % PAGE_SIZE);
        err = append(&b, a->pages[at / PAGE_SIZE] + at % PAGE_SIZE, k, false);
        at += k;
    }
    if (err) {
        exec_args_release(&b);
        return err;
    }
    b.argc = n + (a->argc > 0 ? a->argc - 1 : 0);
    b.envc = a->envc;
    b.argbytes = a->argbytes - skip + (b.used - rest);
    exec_args_release(a);
    *a = b;
    return 0;
}
