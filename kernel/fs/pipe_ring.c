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
    r->seals = r->seal_slots;
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
        r->seals[i] = 0;
    }
    r->head = r->tail = 0;
}

static size_t off_in_page(size_t pos) { return pos % PIPE_PAGE_SIZE; }
static size_t page_of_n(size_t pos, size_t n) { return (pos / PIPE_PAGE_SIZE) & (n - 1); }
static size_t page_of(const struct pipe_ring *r, size_t pos) { return page_of_n(pos, r->npages); }

size_t pipe_ring_span_at(const struct pipe_ring *r, size_t pos, uint8_t **p, size_t *next)
{
    size_t left = r->tail - pos;
    *next = pos;
    if (left == 0) {
        *p = NULL;
        return 0;
    }
    size_t off = off_in_page(pos), idx = page_of(r, pos);
    size_t n = PIPE_PAGE_SIZE - off;
    uint16_t seal = r->seals[idx];
    if (seal)
        n = PIPE_SEAL_LEN(seal) - off;
    if (n > left)
        n = left;
    *p = r->pages[idx] + off;
    *next = pos + n;
    if (seal && off + n == PIPE_SEAL_LEN(seal))
        *next = pos - off + PIPE_PAGE_SIZE;     /* past the padding */
    return n;
}

size_t pipe_ring_read_span(const struct pipe_ring *r, uint8_t **p)
{
    size_t next;
    return pipe_ring_span_at(r, r->head, p, &next);
}

bool pipe_ring_at_packet(const struct pipe_ring *r)
{
    return pipe_ring_used(r) && (r->seals[page_of(r, r->head)] & PIPE_SEAL_PACKET);
}

size_t pipe_ring_bytes(const struct pipe_ring *r)
{
    size_t total = 0, pos = r->head, n;
    uint8_t *p;
    while ((n = pipe_ring_span_at(r, pos, &p, &pos)) > 0)
        total += n;
    return total;
}

void pipe_ring_consume(struct pipe_ring *r, size_t n)
{
    size_t idx = page_of(r, r->head), off = off_in_page(r->head);
    uint16_t seal = r->seals[idx];
    r->head += n;
    if (seal && off + n == PIPE_SEAL_LEN(seal)) {
        r->head += PIPE_PAGE_SIZE - PIPE_SEAL_LEN(seal);     /* the padding */
        r->seals[idx] = 0;
    }
    if (r->head == r->tail) {
        /* Empty: restart at offset 0 of the current page so that small
         * messages stay in one page instead of marching round the ring. */
        size_t base = r->head - off_in_page(r->head);
        r->head = r->tail = base;
    }
}

bool pipe_ring_can_merge(const struct pipe_ring *r, size_t n)
{
    size_t off = off_in_page(r->tail);
    return pipe_ring_used(r) && off && !r->seals[page_of(r, r->tail)] && off + n <= PIPE_PAGE_SIZE;
}

void pipe_ring_pad(struct pipe_ring *r)
{
    size_t off = off_in_page(r->tail);
    if (!off)
        return;
    r->seals[page_of(r, r->tail)] = (uint16_t)(off + 1);
    r->tail += PIPE_PAGE_SIZE - off;
}

void pipe_ring_end_packet(struct pipe_ring *r, size_t n)
{
    size_t start = r->tail - n;
    r->seals[page_of(r, start)] = (uint16_t)((n + 1) | PIPE_SEAL_PACKET);
    r->tail = start + PIPE_PAGE_SIZE;
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
    uint16_t old_seals[PIPE_PAGES];
    uint8_t **src = r->pages;
    uint16_t *src_seals = r->seals;
    uint16_t *seals = array == r->slots ? r->seal_slots : (uint16_t *)(array + npages);
    if (array == src) {                     /* within `slots`: work from a copy */
        memcpy(old, src, n * sizeof(*src));
        memset(src, 0, n * sizeof(*src));
        memcpy(old_seals, src_seals, n * sizeof(*src_seals));
        memset(src_seals, 0, n * sizeof(*src_seals));
        src = old;
        src_seals = old_seals;
    }
    size_t first = page_of_n(r->head, n);
    for (size_t i = 0; i < n; i++) {
        uint8_t *pg = src[(first + i) & (n - 1)];
        uint16_t seal = src_seals[(first + i) & (n - 1)];
        if (i < span)
            seals[i] = seal;
        if (!pg)
            continue;
        if (i < span)
            array[i] = pg;                  /* the i-th page of data */
        else
            r->page_free(r->ctx, pg);
    }
    if (src == r->slots) {
        memset(r->slots, 0, sizeof(r->slots));
        memset(r->seal_slots, 0, sizeof(r->seal_slots));
    }
    r->head = off_in_page(r->head);
    r->tail = r->head + used;
    r->pages = array;
    r->seals = seals;
    r->npages = npages;
    return true;
}
