/*
 * Red-black tree operations (see include/lib/rbtree.h).
 *
 * The classic algorithm with parent pointers and NULL leaves: insertion
 * recolours or rotates at most twice on the way up, erasure at most three
 * rotations.  Augmented trees are kept exact by recomputing the aggregate of
 * each rotated pair (lower node first) and, after a link or unlink, of the
 * whole path from the change to the root; a rotation never changes the set of
 * nodes under the pair's former top, so ancestors stay valid.
 */
#include <lib/rbtree.h>

static void rb_replace_child(struct rb_root *root, struct rb_node *parent,
                             struct rb_node *old, struct rb_node *new)
{
    if (!parent)
        root->node = new;
    else if (parent->left == old)
        parent->left = new;
    else
        parent->right = new;
}

static void rb_rotate_left(struct rb_root *root, struct rb_node *x, rb_augment_fn aug)
{
    struct rb_node *y = x->right;
    x->right = y->left;
    if (y->left)
        y->left->parent = x;
    y->parent = x->parent;
    rb_replace_child(root, x->parent, x, y);
    y->left = x;
    x->parent = y;
    if (aug) {
        aug(x);
        aug(y);
    }
}

static void rb_rotate_right(struct rb_root *root, struct rb_node *x, rb_augment_fn aug)
{
    struct rb_node *y = x->left;
    x->left = y->right;
    if (y->right)
        y->right->parent = x;
    y->parent = x->parent;
    rb_replace_child(root, x->parent, x, y);
    y->right = x;
    x->parent = y;
    if (aug) {
        aug(x);
        aug(y);
    }
}

void rb_propagate(struct rb_node *n, rb_augment_fn aug)
{
    if (!aug)
        return;
    for (; n; n = n->parent)
        aug(n);
}

void rb_link(struct rb_root *root, struct rb_node *n, struct rb_node *parent,
             struct rb_node **link, rb_augment_fn aug)
{
    n->parent = parent;
    n->left = n->right = NULL;
    n->red = true;
    *link = n;
    if (!root->leftmost || (parent == root->leftmost && link == &parent->left))
        root->leftmost = n;
    /* Aggregates first: the rotations below rely on exact child values. */
    rb_propagate(n, aug);

    struct rb_node *p, *g, *u;
    while ((p = n->parent) && p->red) {
        g = p->parent; /* exists: a red node is never the root */
        if (p == g->left) {
            u = g->right;
            if (u && u->red) {
                p->red = u->red = false;
                g->red = true;
                n = g;
                continue;
            }
            if (n == p->right) {
                rb_rotate_left(root, p, aug);
                n = p;
                p = n->parent;
            }
            p->red = false;
            g->red = true;
            rb_rotate_right(root, g, aug);
        } else {
            u = g->left;
            if (u && u->red) {
                p->red = u->red = false;
                g->red = true;
                n = g;
                continue;
            }
            if (n == p->left) {
                rb_rotate_right(root, p, aug);
                n = p;
                p = n->parent;
            }
            p->red = false;
            g->red = true;
            rb_rotate_left(root, g, aug);
        }
    }
    root->node->red = false;
}

void rb_add(struct rb_root *root, struct rb_node *n, rb_less_fn less, rb_augment_fn aug)
{
    struct rb_node **link = &root->node, *parent = NULL;
    while (*link) {
        parent = *link;
        link = less(n, parent) ? &parent->left : &parent->right;
    }
    rb_link(root, n, parent, link, aug);
}

struct rb_node *rb_next(const struct rb_node *n)
{
    if (n->right) {
        n = n->right;
        while (n->left)
            n = n->left;
        return (struct rb_node *)n;
    }
    while (n->parent && n == n->parent->right)
        n = n->parent;
    return n->parent;
}

struct rb_node *rb_prev(const struct rb_node *n)
{
    if (n->left) {
        n = n->left;
        while (n->right)
            n = n->right;
        return (struct rb_node *)n;
    }
    while (n->parent && n == n->parent->left)
        n = n->parent;
    return n->parent;
}

struct rb_node *rb_last(const struct rb_root *root)
{
    struct rb_node *n = root->node;
    if (!n)
        return NULL;
    while (n->right)
        n = n->right;
    return n;
}

/* Restore the black height after a black node was unlinked above `x`
 * (possibly NULL) whose parent is `xp`. */
static void rb_erase_fixup(struct rb_root *root, struct rb_node *x, struct rb_node *xp,
                           rb_augment_fn aug)
{
    struct rb_node *w;
    while (x != root->node && (!x || !x->red)) {
        if (x == xp->left) {
            w = xp->right; /* exists: the removed black node had a sibling subtree */
            if (w->red) {
                w->red = false;
                xp->red = true;
                rb_rotate_left(root, xp, aug);
                w = xp->right;
            }
            if ((!w->left || !w->left->red) && (!w->right || !w->right->red)) {
                w->red = true;
                x = xp;
                xp = x->parent;
            } else {
                if (!w->right || !w->right->red) {
                    w->left->red = false;
                    w->red = true;
                    rb_rotate_right(root, w, aug);
                    w = xp->right;
                }
                w->red = xp->red;
                xp->red = false;
                w->right->red = false;
                rb_rotate_left(root, xp, aug);
                x = root->node;
                break;
            }
        } else {
            w = xp->left;
            if (w->red) {
                w->red = false;
                xp->red = true;
                rb_rotate_right(root, xp, aug);
                w = xp->left;
            }
            if ((!w->left || !w->left->red) && (!w->right || !w->right->red)) {
                w->red = true;
                x = xp;
                xp = x->parent;
            } else {
                if (!w->left || !w->left->red) {
                    w->right->red = false;
                    w->red = true;
                    rb_rotate_left(root, w, aug);
                    w = xp->left;
                }
                w->red = xp->red;
                xp->red = false;
                w->left->red = false;
                rb_rotate_right(root, xp, aug);
                x = root->node;
                break;
            }
        }
    }
    if (x)
        x->red = false;
}

void rb_erase(struct rb_root *root, struct rb_node *z, rb_augment_fn aug)
{
    if (root->leftmost == z)
        root->leftmost = rb_next(z);

    /* y is the node physically unlinked: z itself, or its successor. */
    struct rb_node *y = z;
    if (z->left && z->right) {
        y = z->right;
        while (y->left)
            y = y->left;
    }
    struct rb_node *x = y->left ? y->left : y->right;
    struct rb_node *xp = y->parent;
    bool removed_black = !y->red;
    if (x)
        x->parent = xp;
    rb_replace_child(root, xp, y, x);

    if (y != z) {
        /* The successor takes z's place, colour and children. */
        if (xp == z)
            xp = y;
        y->left = z->left;
        y->right = z->right;
        y->parent = z->parent;
        y->red = z->red;
        if (y->left)
            y->left->parent = y;
        if (y->right)
            y->right->parent = y;
        rb_replace_child(root, z->parent, z, y);
    }
    z->parent = z->left = z->right = NULL;

    rb_propagate(xp, aug);
    if (removed_black)
        rb_erase_fixup(root, x, xp, aug);
}

static int rb_check_node(const struct rb_node *n, const struct rb_node *parent)
{
    if (!n)
        return 1;
    if (n->parent != parent)
        return -1;
    if (n->red && ((n->left && n->left->red) || (n->right && n->right->red)))
        return -1;
    int l = rb_check_node(n->left, n), r = rb_check_node(n->right, n);
    if (l < 0 || r < 0 || l != r)
        return -1;
    return l + (n->red ? 0 : 1);
}

int rb_check(const struct rb_root *root)
{
    if (!root->node)
        return root->leftmost ? -1 : 0;
    if (root->node->red)
        return -1;
    const struct rb_node *m = root->node;
    while (m->left)
        m = m->left;
    if (m != root->leftmost)
        return -1;
    return rb_check_node(root->node, NULL);
}
