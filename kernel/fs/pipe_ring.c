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
    r->page_alloc = page_alloc;
    r->page_free = page_free;
    r->ctx = ctx;
}

void pipe_ring_release(struct pipe_ring *r)
{
    for (int i = 0; i < PIPE_PAGES; i++) {
        if (r->pages[i])
            r->page_free(r->ctx, r->pages[i]);
        r->pages[i] = NULL;
    }
    r->head = r->tail = 0;
}

static size_t page_of(size_t pos) { return (pos / PIPE_PAGE_SIZE) % PIPE_PAGES; }
static size_t off_in_page(size_t pos) { return pos % PIPE_PAGE_SIZE; }

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
    *p = r->pages[page_of(r->head)] + off;
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
    size_t idx = page_of(r->tail);
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
