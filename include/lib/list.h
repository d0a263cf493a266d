/*
 * Intrusive circular doubly-linked lists.  A list is a `struct list_node`
 * head whose next/prev point to itself when empty; elements embed a node and
 * are recovered with container_of().  Pure C: used by kernel and host code.
 */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *next, *prev;
};

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_node *head) { head->next = head->prev = head; }
static inline bool list_empty(const struct list_node *head) { return head->next == head; }

static inline void list_insert_between(struct list_node *n, struct list_node *prev, struct list_node *next)
{
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
}

static inline void list_push_back(struct list_node *head, struct list_node *n) { list_insert_between(n, head->prev, head); }
static inline void list_push_front(struct list_node *head, struct list_node *n) { list_insert_between(n, head, head->next); }

/* Unlink `n` and leave it self-linked, so a second remove is harmless. */
static inline void list_remove(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = n;
}

static inline struct list_node *list_pop_front(struct list_node *head)
{
    if (list_empty(head))
        return NULL;
    struct list_node *n = head->next;
    list_remove(n);
    return n;
}

#define list_first_entry(head, type, member) container_of((head)->next, type, member)
#define list_for_each(pos, head) for (struct list_node *pos = (head)->next; pos != (head); pos = pos->next)
/* pos: a pointer to the containing type, set to each entry in turn. */
#define list_for_each_entry(pos, head, member)                                  \
    for (pos = container_of((head)->next, __typeof__(*pos), member); &pos->member != (head); \
         pos = container_of(pos->member.next, __typeof__(*pos), member))
/* Safe against removal of `pos` inside the loop. */
#define list_for_each_safe(pos, head) \
    for (struct list_node *pos = (head)->next, *pos##_nx = pos->next; pos != (head); pos = pos##_nx, pos##_nx = pos->next)

#endif
