/*
 * The red-black tree under the schedulers: random inserts and erases checked
 * against a sorted shadow array after every step (order, leftmost cache,
 * every red-black invariant), and an augmented subtree sum kept exact
 * through rotations, erasures and value changes (the lottery's draw tree).
 */
#include <check.h>

#include "check_main.h"
#include <stdlib.h>

#include "../../kernel/lib/rbtree.c"

struct item {
    struct rb_node rb;
    int key;
    unsigned id;
    unsigned long val, sum;
    bool in;
};

static bool item_less(const struct rb_node *a, const struct rb_node *b)
{
    const struct item *x = rb_entry(a, struct item, rb), *y = rb_entry(b, struct item, rb);
    return x->key != y->key ? x->key < y->key : x->id < y->id;
}

static void item_aug(struct rb_node *n)
{
    struct item *it = rb_entry(n, struct item, rb);
    it->sum = it->val + (n->left ? rb_entry(n->left, struct item, rb)->sum : 0) +
              (n->right ? rb_entry(n->right, struct item, rb)->sum : 0);
}

/* The subtree sum recomputed from scratch; compares with the stored one. */
static unsigned long check_sums(const struct rb_node *n)
{
    if (!n)
        return 0;
    const struct item *it = rb_entry(n, struct item, rb);
    unsigned long s = it->val + check_sums(n->left) + check_sums(n->right);
    ck_assert_uint_eq(s, it->sum);
    return s;
}

#define M 512
static struct item items[M];

START_TEST(random_inserts_and_erases_keep_order_and_balance)
{
    struct rb_root root = RB_ROOT_INIT;
    srand(7);
    for (unsigned i = 0; i < M; i++)
        items[i] = (struct item){.key = rand() % 100, .id = i, .val = (unsigned long)(rand() % 1000)};
    unsigned count = 0;
    for (int step = 0; step < 20000; step++) {
        struct item *it = &items[rand() % M];
        if (it->in) {
            rb_erase(&root, &it->rb, item_aug);
            it->in = false, count--;
        } else {
            rb_add(&root, &it->rb, item_less, item_aug);
            it->in = true, count++;
        }
        if (step % 97 == 0 && it->in) { /* a value change, as a lottery reweight */
            it->val = (unsigned long)(rand() % 1000);
            rb_propagate(&it->rb, item_aug);
        }
        ck_assert_int_ge(rb_check(&root), 0);
        if (step % 50 == 0) {
            unsigned long total = 0;
            for (unsigned i = 0; i < M; i++)
                total += items[i].in ? items[i].val : 0;
            ck_assert_uint_eq(check_sums(root.node), total);
            unsigned n = 0;
            const struct item *prev = NULL;
            for (struct rb_node *x = rb_first(&root); x; x = rb_next(x), n++) {
                const struct item *cur = rb_entry(x, struct item, rb);
                if (prev)
                    ck_assert(item_less(&prev->rb, &cur->rb));
                prev = cur;
            }
            ck_assert_uint_eq(n, count);
            if (count)
                ck_assert_ptr_eq(rb_prev(rb_first(&root)), NULL);
        }
    }
}
END_TEST

START_TEST(equal_keys_keep_insertion_order)
{
    struct rb_root root = RB_ROOT_INIT;
    for (unsigned i = 0; i < 100; i++) {
        items[i] = (struct item){.key = 5, .id = 0};
        rb_add(&root, &items[i].rb, item_less, NULL);
    }
    unsigned i = 0;
    for (struct rb_node *x = rb_first(&root); x; x = rb_next(x))
        ck_assert_ptr_eq(x, &items[i++].rb);
    ck_assert_uint_eq(i, 100);
    ck_assert_ptr_eq(rb_last(&root), &items[99].rb);
}
END_TEST

START_TEST(height_stays_logarithmic_for_sorted_input)
{
    static struct item big[4096];
    struct rb_root root = RB_ROOT_INIT;
    for (unsigned i = 0; i < 4096; i++) {
        big[i] = (struct item){.key = (int)i, .id = i};
        rb_add(&root, &big[i].rb, item_less, NULL);
    }
    int bh = rb_check(&root);
    ck_assert_int_ge(bh, 1);
    ck_assert_int_le(bh, 13); /* black height <= log2(n + 1) */
    ck_assert_ptr_eq(rb_first(&root), &big[0].rb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rbtree");
    TCase *tc = tcase_create("rbtree");
    tcase_add_test(tc, random_inserts_and_erases_keep_order_and_balance);
    tcase_add_test(tc, equal_keys_keep_insertion_order);
    tcase_add_test(tc, height_stays_logarithmic_for_sorted_input);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
