/*
 * The pipe's byte ring over page frames.  Readers and writers work on
 * contiguous spans (never crossing a page) so that the kernel side can copy
 * straight between user memory and the page with one copy_to_user /
 * copy_from_user per span, and the ring itself never touches user memory.
 *
 * Pure code (no locks, no allocator of its own): see include/fs/pipe.h.
 */
#include <fs/pipe.h>
#include <lib/string.h>

void pipe_ring_init(struct pipe_ring *r, void *(*page_alloc)(void *), void (*page_free)(void *, void *),
                    void *ctx)
{
    memset(r, 0, sizeof(*r));
    r->pages = r->slots;
    r->npages = PIPE_PAGES;
    r->page_alloc = page_alloc;
    r->page_free = page_free;
    r->ctx = ctx;
}

void pipe_ring_release(struct pipe_ring *r)
{
    for (size_t i = 0; i < r->npages; i++) {
        if (r->pages[i])
            r->page_free(r->ctx, r->pages[i]);
        r->pages[i] = NULL;
    }
    r->head = r->tail = 0;
}

static size_t off_in_page(size_t pos) { return pos % PIPE_PAGE_SIZE; }
static size_t page_of_n(size_t pos, size_t n) { return (pos / PIPE_PAGE_SIZE) & (n - 1); }
static size_t page_of(const struct pipe_ring *r, size_t pos) { return page_of_n(pos, r->npages); }

size_t pipe_ring_read_span(const struct pipe_ring *r, uint8_t **p)
{
    size_t used = pipe_ring_used(r);
    if (used == 0) {
        *p = NULL;
        return 0;
    }
    size_t off = off_in_page(r->head);
    size_t n = PIPE_PAGE_SIZE - off;
    if (n > used)
        n = used;
    *p = r->pages[page_of(r, r->head)] + off;
    return n;
}

void pipe_ring_consume(struct pipe_ring *r, size_t n)
{
    r->head += n;
    if (r->head == r->tail) {
        /* Empty: restart at offset 0 of the current page so that small
         * messages stay in one page instead of marching round the ring. */
        size_t base = r->head - off_in_page(r->head);
        r->head = r->tail = base;
    }
}

size_t pipe_ring_write_span(struct pipe_ring *r, uint8_t **p)
{
    size_t space = pipe_ring_space(r);
    *p = NULL;
    if (space == 0)
        return 0;
    size_t idx = page_of(r, r->tail);
    if (!r->pages[idx]) {
        r->pages[idx] = r->page_alloc(r->ctx);
        if (!r->pages[idx])
            return 0;
    }
    size_t off = off_in_page(r->tail);
    size_t n = PIPE_PAGE_SIZE - off;
    if (n > space)
        n = space;
    *p = r->pages[idx] + off;
    return n;
}

void pipe_ring_commit(struct pipe_ring *r, size_t n)
{
    r->tail += n;
}

size_t pipe_ring_put(struct pipe_ring *r, const void *src, size_t n)
{
    const uint8_t *s = src;
    size_t done = 0;
    while (done < n) {
        uint8_t *p;
        size_t k = pipe_ring_write_span(r, &p);
        if (k == 0)
            break;
        if (k > n - done)
            k = n - done;
        memcpy(p, s + done, k);
        pipe_ring_commit(r, k);
        done += k;
    }
    return done;
}

size_t pipe_ring_get(struct pipe_ring *r, void *dst, size_t n)
{
    uint8_t *d = dst;
    size_t done = 0;
    while (done < n) {
        uint8_t *p;
        size_t k = pipe_ring_read_span(r, &p);
        if (k == 0)
            break;
        if (k > n - done)
            k = n - done;
        memcpy(d + done, p, k);
        pipe_ring_consume(r, k);
        done += k;
    }
    return done;
}

bool pipe_ring_resize(struct pipe_ring *r, uint8_t **array, size_t npages)
{
    size_t used = pipe_ring_used(r), n = r->npages;
    size_t span = used ? (off_in_page(r->head) + used + PIPE_PAGE_SIZE - 1) / PIPE_PAGE_SIZE : 0;
    if (span > npages || span > n)
        return false;
    uint8_t *old[PIPE_PAGES];
    uint8_t **src = r->pages;
    if (array == src) {                     /* within `slots`: work from a copy */
        memcpy(old, src, n * sizeof(*src));
        memset(src, 0, n * sizeof(*src));
        src = old;
    }
    size_t first = page_of_n(r->head, n);
    for (size_t i = 0; i < n; i++) {
        uint8_t *pg = src[(first + i) & (n - 1)];
        if (!pg)
            continue;
        if (i < span)
            array[i] = pg;                  /* the i-th page of data */
        else
            r->page_free(r->ctx, pg);
    }
    if (src == r->slots)
        memset(r->slots, 0, sizeof(r->slots));
    r->head = off_in_page(r->head);
    r->tail = r->head + used;
    r->pages = array;
    r->npages = npages;
    return true;
}
