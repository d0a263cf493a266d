/*
 * Host tests of the lock-list editing (kernel/fs/lock_range.c): conflicts,
 * splitting a range out of a lock, merging touching locks of one type
 * (also at end of file, where "end + 1" would overflow), a request already
 * covered changing nothing, flock conversions that drop the old lock first,
 * and 20000 random POSIX requests by three owners checked after each step
 * against a byte map: the same locks, each owner's locks sorted, together,
 * never overlapping and fully merged, a conflict reported exactly when the
 * map has one, `released` set whenever a range came free or weakened, and
 * no record leaked or lost.
 */
#include <check.h>

#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fs/locks.h>

void panic(const char *fmt, ...)
{
    (void)fmt;
    abort();
}

#include "../../kernel/fs/lock_range.c"

static long records_live;
static struct list_node list;
static const int owner_a, owner_b, owner_c;
static const void *const owners[3] = {&owner_a, &owner_b, &owner_c};

static struct file_lock *record(void)
{
    records_live++;
    return calloc(1, sizeof(struct file_lock));
}

static void release_record(struct file_lock *l)
{
    records_live--;
    free(l);
}

static void setup(void)
{
    list_init(&list);
    records_live = 0;
}

static void teardown(void)
{
    struct list_node *n;
    while ((n = list_pop_front(&list)))
        release_record(container_of(n, struct file_lock, node));
    ck_assert_int_eq(records_live, 0);
}

static struct file_lock req_of(enum lock_kind kind, const void *owner, int type, int64_t start, int64_t end)
{
    return (struct file_lock){.kind = kind, .type = (short)type, .owner = owner, .start = start, .end = end};
}

/* Runs one edit with two fresh spares, frees what it unlinked and what it
 * did not use; returns the edit for inspection (its lists emptied). */
static struct lock_edit edit(const struct file_lock *req, int *err)
{
    struct lock_edit ed = {.spare = {record(), record()}};
    struct file_lock *conflict = NULL;
    lock_edit_init(&ed);
    if (req->kind == LK_FLOCK)
        *err = lock_flock_apply(&list, req, &ed, &conflict);
    else {
        lock_posix_apply(&list, req, &ed);
        *err = 0;
    }
    struct list_node *n;
    while ((n = list_pop_front(&ed.dead)))
        release_record(container_of(n, struct file_lock, node));
    for (int i = 0; i < 2; i++)
        if (ed.spare[i])
            release_record(ed.spare[i]);
    list_init(&ed.dead);
    return ed;
}

static struct lock_edit posix(const void *owner, int type, int64_t start, int64_t end)
{
    int err;
    struct file_lock req = req_of(LK_POSIX, owner, type, start, end);
    ck_assert_ptr_null(type == F_UNLCK ? NULL : lock_find_conflict(&list, &req));
    return edit(&req, &err);
}

/* The list as text: "owner:TYPE:start-end ..." in list order. */
static const char *dump(void)
{
    static char buf[4096];
    size_t n = 0;
    buf[0] = 0;
    list_for_each(p, &list) {
        struct file_lock *l = container_of(p, struct file_lock, node);
        int o = l->owner == owners[0] ? 0 : l->owner == owners[1] ? 1 : 2;
        char end[24];
        if (l->end == LOCK_OFFSET_MAX)
            snprintf(end, sizeof end, "EOF");
        else
            snprintf(end, sizeof end, "%lld", (long long)l->end);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%c:%s:%lld-%s", n ? " " : "", 'a' + o,
                              l->type == F_WRLCK ? "W" : "R", (long long)l->start, end);
    }
    return buf;
}

START_TEST(split_and_merge)
{
    posix(owners[0], F_WRLCK, 0, 99);
    struct lock_edit ed = posix(owners[0], F_UNLCK, 40, 59);
    ck_assert_str_eq(dump(), "a:W:0-39 a:W:60-99");
    ck_assert(ed.released);
    ck_assert_int_eq(ed.nadded, 1);                  /* the part before is the new record */
    ck_assert_int_eq(ed.added[0]->end, 39);
    ed = posix(owners[0], F_WRLCK, 40, 59);          /* fills the hole: one lock again */
    ck_assert_str_eq(dump(), "a:W:0-99");
    ck_assert(!ed.released);
    ck_assert_int_eq(ed.nadded, 0);
    ed = posix(owners[0], F_RDLCK, 10, 19);          /* a read lock inside: three pieces */
    ck_assert_str_eq(dump(), "a:W:0-9 a:R:10-19 a:W:20-99");
    ck_assert(ed.released);                          /* write weakened to read */
    ed = posix(owners[0], F_RDLCK, 20, 20);          /* touches the read lock: merges */
    ck_assert_str_eq(dump(), "a:W:0-9 a:R:10-20 a:W:21-99");
    ed = posix(owners[0], F_WRLCK, 5, 30);           /* a write over all of it merges both ends */
    ck_assert_str_eq(dump(), "a:W:0-99");
    ck_assert(!ed.released);
    posix(owners[0], F_RDLCK, 101, 110);             /* a gap of one byte: no merge */
    ck_assert_str_eq(dump(), "a:W:0-99 a:R:101-110");
}
END_TEST

START_TEST(end_of_file)
{
    posix(owners[1], F_WRLCK, 10, LOCK_OFFSET_MAX);
    posix(owners[1], F_WRLCK, 0, 9);
    ck_assert_str_eq(dump(), "b:W:0-EOF");
    posix(owners[1], F_UNLCK, 5, LOCK_OFFSET_MAX);
    ck_assert_str_eq(dump(), "b:W:0-4");
    posix(owners[1], F_RDLCK, LOCK_OFFSET_MAX, LOCK_OFFSET_MAX);
    posix(owners[1], F_RDLCK, LOCK_OFFSET_MAX - 1, LOCK_OFFSET_MAX - 1);
    ck_assert_str_eq(dump(), "b:W:0-4 b:R:9223372036854775806-EOF");
    posix(owners[1], F_UNLCK, 0, LOCK_OFFSET_MAX);
    ck_assert_str_eq(dump(), "");
}
END_TEST

START_TEST(covered_already)
{
    posix(owners[0], F_RDLCK, 0, 99);
    struct file_lock *first = container_of(list.next, struct file_lock, node);
    struct lock_edit ed = posix(owners[0], F_RDLCK, 10, 20);
    ck_assert_str_eq(dump(), "a:R:0-99");
    ck_assert_ptr_eq(container_of(list.next, struct file_lock, node), first);   /* the same record */
    ck_assert_int_eq(ed.nadded, 0);
    ck_assert(!ed.released);
}
END_TEST

START_TEST(conflicts)
{
    posix(owners[0], F_RDLCK, 0, 9);
    posix(owners[1], F_RDLCK, 5, 14);                /* read beside read */
    posix(owners[1], F_WRLCK, 20, 29);
    ck_assert_str_eq(dump(), "a:R:0-9 b:R:5-14 b:W:20-29");
    struct file_lock r = req_of(LK_POSIX, owners[0], F_WRLCK, 0, 0);
    ck_assert_ptr_null(lock_find_conflict(&list, &r));           /* its own lock only */
    r = req_of(LK_POSIX, owners[0], F_WRLCK, 9, 9);
    struct file_lock *c = lock_find_conflict(&list, &r);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->start, 5);
    r = req_of(LK_POSIX, owners[2], F_RDLCK, 15, 19);
    ck_assert_ptr_null(lock_find_conflict(&list, &r));           /* the gap */
    r = req_of(LK_POSIX, owners[2], F_RDLCK, 15, 20);
    ck_assert_int_eq(lock_find_conflict(&list, &r)->start, 20);
    r = req_of(LK_OFD, owners[1], F_UNLCK, 0, 7);                /* F_OFD_GETLK with F_UNLCK */
    ck_assert_int_eq(lock_find_conflict(&list, &r)->start, 5);   /* finds the owner's own */
    r = req_of(LK_OFD, owners[2], F_UNLCK, 0, LOCK_OFFSET_MAX);
    ck_assert_ptr_null(lock_find_conflict(&list, &r));
    posix(owners[2], F_RDLCK, 100, 100);                         /* a new owner goes last */
    posix(owners[0], F_RDLCK, 50, 50);                           /* an old one keeps its place */
    ck_assert_str_eq(dump(), "a:R:0-9 a:R:50-50 b:R:5-14 b:W:20-29 c:R:100-100");
}
END_TEST

START_TEST(flock_conversion)
{
    int err;
    struct file_lock a_sh = req_of(LK_FLOCK, owners[0], F_RDLCK, 0, LOCK_OFFSET_MAX);
    struct file_lock b_sh = req_of(LK_FLOCK, owners[1], F_RDLCK, 0, LOCK_OFFSET_MAX);
    struct file_lock b_ex = req_of(LK_FLOCK, owners[1], F_WRLCK, 0, LOCK_OFFSET_MAX);
    struct file_lock a_ex = req_of(LK_FLOCK, owners[0], F_WRLCK, 0, LOCK_OFFSET_MAX);
    struct file_lock a_un = req_of(LK_FLOCK, owners[0], F_UNLCK, 0, LOCK_OFFSET_MAX);
    edit(&a_sh, &err);
    ck_assert_int_eq(err, 0);
    struct lock_edit ed = edit(&a_sh, &err);         /* the type held already: nothing */
    ck_assert_int_eq(err, 0);
    ck_assert_int_eq(ed.nadded, 0);
    edit(&b_sh, &err);
    ck_assert_str_eq(dump(), "a:R:0-EOF b:R:0-EOF");
    ed = edit(&b_ex, &err);                          /* the upgrade fails, the lock is gone */
    ck_assert_int_eq(err, -EAGAIN);
    ck_assert(ed.released);
    ck_assert_str_eq(dump(), "a:R:0-EOF");
    edit(&a_ex, &err);
    ck_assert_int_eq(err, 0);
    ck_assert_str_eq(dump(), "a:W:0-EOF");
    ed = edit(&a_un, &err);
    ck_assert_int_eq(err, 0);
    ck_assert(ed.released);
    ck_assert_str_eq(dump(), "");
    ed = edit(&a_un, &err);                          /* nothing held: nothing happens */
    ck_assert(!ed.released);
}
END_TEST

/* ---- the byte map: cell i is byte i, the last cell every byte from it to EOF.
 * The checks below run millions of times: CHECK fails like ck_assert but
 * sends check(3) nothing while it holds (a ck_assert passing costs a
 * message to the test runner). */
#define CHECK(cond, ...)                  \
    do {                                  \
        if (!(cond))                      \
            ck_abort_msg(__VA_ARGS__);    \
    } while (0)
#define CELLS 64
static signed char map[3][CELLS];    /* per owner: -1 none, else F_RDLCK / F_WRLCK */

static int cell_end(int64_t end) { return end == LOCK_OFFSET_MAX ? CELLS - 1 : (int)end; }

static void check_against_map(void)
{
    signed char seen[3][CELLS];
    memset(seen, -1, sizeof seen);
    long n = 0;
    int group_done[3] = {0, 0, 0}, cur = -1;
    int64_t last_start = -1;
    const struct file_lock *prev = NULL;
    list_for_each(p, &list) {
        const struct file_lock *l = container_of(p, struct file_lock, node);
        int o = l->owner == owners[0] ? 0 : l->owner == owners[1] ? 1 : 2;
        n++;
        if (o != cur) {                              /* owners' locks stay together */
            CHECK(!group_done[o], "owner %d split in two: %s", o, dump());
            if (cur >= 0)
                group_done[cur] = 1;
            cur = o;
            last_start = -1;
            prev = NULL;
        }
        CHECK(l->start > last_start, "unsorted: %s", dump());
        CHECK(l->start <= l->end, "%s", dump());
        CHECK(l->end == LOCK_OFFSET_MAX || l->end < CELLS - 1, "%s", dump());
        if (prev && prev->type == l->type)           /* fully merged */
            CHECK(prev->end < l->start - 1, "not merged: %s", dump());
        last_start = l->start;
        prev = l;
        for (int i = (int)l->start; i <= cell_end(l->end); i++) {
            CHECK(seen[o][i] == -1, "overlap at %d: %s", i, dump());
            seen[o][i] = (signed char)l->type;
        }
    }
    CHECK(n == records_live, "%ld records listed, %ld live", n, records_live);
    CHECK(memcmp(seen, map, sizeof map) == 0, "differs from the map: %s", dump());
}

START_TEST(random_against_map)
{
    memset(map, -1, sizeof map);
    srand(12345);
    int conflicts = 0, applied = 0;
    for (int step = 0; step < 20000; step++) {
        int o = rand() % 3, r = rand() % 10;
        int type = r < 4 ? F_RDLCK : r < 8 ? F_WRLCK : F_UNLCK;
        int64_t start = rand() % 50;
        int64_t end = rand() % 4 == 0 ? LOCK_OFFSET_MAX : start + rand() % 6;
        struct file_lock req = req_of(LK_POSIX, owners[o], type, start, end);
        int s = (int)start, e = cell_end(end);

        bool map_conflict = false, map_own = false;
        for (int i = s; i <= e; i++) {
            map_own |= map[o][i] != -1;
            for (int k = 0; k < 3; k++)
                if (k != o && map[k][i] != -1 && (type == F_WRLCK || map[k][i] == F_WRLCK))
                    map_conflict = true;
        }
        struct file_lock *c = lock_find_conflict(&list, &req);
        if (type == F_UNLCK) {
            CHECK((c != NULL) == map_own, "step %d: own lock found %d, map %d", step, c != NULL, map_own);
            if (c)
                CHECK(c->owner == owners[o] && c->start <= end && start <= c->end, "%s", dump());
        } else {
            CHECK((c != NULL) == map_conflict, "step %d: conflict %d, map %d", step, c != NULL,
                          map_conflict);
            if (c) {
                CHECK(c->owner != owners[o] && c->start <= end && start <= c->end, "%s", dump());
                CHECK(type == F_WRLCK || c->type == F_WRLCK, "%s", dump());
                conflicts++;
                continue;
            }
        }
        bool frees = false;
        for (int i = s; i <= e; i++) {
            if (map[o][i] != -1 && (type == F_UNLCK || (map[o][i] == F_WRLCK && type == F_RDLCK)))
                frees = true;
            map[o][i] = (signed char)(type == F_UNLCK ? -1 : type);
        }
        int err;
        struct lock_edit ed = edit(&req, &err);
        if (frees)
            CHECK(ed.released, "step %d: a range came free unannounced", step);
        applied++;
        check_against_map();
    }
    ck_assert_int_gt(conflicts, 1000);               /* both paths taken many times */
    ck_assert_int_gt(applied, 1000);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fs_locks");
    TCase *tc = tcase_create("lock_range");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, split_and_merge);
    tcase_add_test(tc, end_of_file);
    tcase_add_test(tc, covered_already);
    tcase_add_test(tc, conflicts);
    tcase_add_test(tc, flock_conversion);
    tcase_add_test(tc, random_against_map);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(suite()); }
