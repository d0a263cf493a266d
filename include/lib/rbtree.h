/*
 * Intrusive red-black trees, optionally augmented.
 *
 * Elements embed a `struct rb_node` and are recovered with container_of().
 * The tree does not compare keys itself: rb_add() takes a "less" function,
 * or a caller descends on its own and calls rb_link() with the parent and
 * the child slot it found.  The root caches its leftmost node, so the
 * minimum is O(1); insert and erase are O(log n).
 *
 * Augmentation: a caller that keeps a per-node aggregate of its subtree
 * (a sum, a maximum) passes an `rb_augment_fn` that recomputes one node's
 * aggregate from its own value and its children's aggregates.  The tree
 * calls it for every node whose subtree changes (the path to the root after
 * a link or unlink, and both nodes of every rotation), so aggregates are
 * always exact between calls.  Pass NULL for a plain tree.
 *
 * Pure C with no allocation: used by the kernel and by host code.
 */
#ifndef LIB_RBTREE_H
#define LIB_RBTREE_H

#include <stdbool.h>
#include <stddef.h>

struct rb_node {
    struct rb_node *parent, *left, *right;
    bool red;
};

struct rb_root {
    struct rb_node *node;     /* NULL when empty */
    struct rb_node *leftmost; /* cached minimum, NULL when empty */
};

#define RB_ROOT_INIT { NULL, NULL }

typedef void (*rb_augment_fn)(struct rb_node *n);
typedef bool (*rb_less_fn)(const struct rb_node *a, const struct rb_node *b);

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#endif
#define rb_entry(ptr, type, member) container_of(ptr, type, member)

static inline void rb_root_init(struct rb_root *root) { root->node = root->leftmost = NULL; }
static inline bool rb_empty(const struct rb_root *root) { return root->node == NULL; }
static inline struct rb_node *rb_first(const struct rb_root *root) { return root->leftmost; }

/* Link `n` as the child of `parent` at `*link` (found by the caller's own
 * descent; parent NULL and link &root->node for an empty tree), then
 * rebalance.  O(log n). */
void rb_link(struct rb_root *root, struct rb_node *n, struct rb_node *parent,
             struct rb_node **link, rb_augment_fn aug);

/* Insert `n` after every node not greater than it (so equal keys stay in
 * insertion order).  O(log n). */
void rb_add(struct rb_root *root, struct rb_node *n, rb_less_fn less, rb_augment_fn aug);

/* Remove `n`, which must be in the tree.  O(log n). */
void rb_erase(struct rb_root *root, struct rb_node *n, rb_augment_fn aug);

/* In-order neighbours and the maximum; NULL at the ends.  O(log n) worst,
 * O(1) amortized over a traversal. */
struct rb_node *rb_next(const struct rb_node *n);
struct rb_node *rb_prev(const struct rb_node *n);
struct rb_node *rb_last(const struct rb_root *root);

/* Recompute aggregates from `n` up to the root (after a caller changed the
 * value `n` contributes).  O(log n). */
void rb_propagate(struct rb_node *n, rb_augment_fn aug);

/* Checks every red-black invariant and the parent links; returns the black
 * height, or -1 if the tree is malformed.  O(n): for tests only. */
int rb_check(const struct rb_root *root);

#endif
