/*
 * Tasks per user: the count RLIMIT_NPROC limits.  Linux counts every task
 * (threads included) against its real uid, and refuses a new one with
 * EAGAIN when the creator's count has reached the creator's RLIMIT_NPROC,
 * unless the creator is root or has CAP_SYS_RESOURCE or CAP_SYS_ADMIN.  A
 * task that becomes a user already over the limit (setuid) is marked, and
 * its next execve fails with EAGAIN while that is still so.
 *
 * One struct user_tasks per uid that has tasks, in a small hash table;
 * each task points to the one it is charged to (task.user).  Root's is
 * static and never freed; the others are freed with their last task.
 *
 * Locking: the table and the counts are protected by tasks_lock; a task's
 * `user` pointer is written under it, by the task itself.
 */
#include <kernel/task.h>
#include <mm/kheap.h>
#include <proc/cred.h>
#include <proc/rlimit.h>
#include <proc/user.h>

#define USER_BUCKETS 64

struct user_tasks {
    uid_t uid;
    unsigned tasks;             /* tasks charged here */
    struct user_tasks *next;    /* in its hash bucket */
};

/* --- protected by tasks_lock --- */
static struct user_tasks root_user = { .uid = 0 };
static struct user_tasks *buckets[USER_BUCKETS];

static struct user_tasks **bucket(uid_t uid) { return &buckets[uid % USER_BUCKETS]; }

static struct user_tasks *find(uid_t uid)
{
    if (uid == 0)
        return &root_user;
    for (struct user_tasks *u = *bucket(uid); u; u = u->next)
        if (u->uid == uid)
            return u;
    return NULL;
}

static void put(struct user_tasks *u)
{
    if (--u->tasks || u == &root_user)
        return;
    for (struct user_tasks **pp = bucket(u->uid); *pp; pp = &(*pp)->next)
        if (*pp == u) {
            *pp = u->next;
            break;
        }
    kfree(u);
}

struct user_tasks *user_charge_locked(const struct task *creator)
{
    spin_assert_held(&tasks_lock);
    struct user_tasks *u = creator && creator->user ? creator->user : &root_user;
    u->tasks++;
    return u;
}

unsigned user_task_count(const struct user_tasks *u) { return u->tasks; }

void user_uncharge_locked(struct task *t)
{
    spin_assert_held(&tasks_lock);
    if (t->user)
        put(t->user);
    t->user = NULL;
}

/* Has u more tasks than the caller's RLIMIT_NPROC allows? */
static bool over_limit(const struct user_tasks *u)
{
    return u->tasks > rlimit_cur(current, RLIMIT_NPROC);
}

int user_switch(uid_t uid)
{
    struct task *t = current;
    struct user_tasks *spare = uid ? kzalloc(sizeof *spare) : NULL;
    spin_lock(&tasks_lock);
    struct user_tasks *u = find(uid);
    if (!u && !spare) {
        spin_unlock(&tasks_lock);
        return -EAGAIN;
    }
    if (!u) {
        u = spare;
        spare = NULL;
        u->uid = uid;
        u->next = *bucket(uid);
        *bucket(uid) = u;
    }
    if (u != t->user) {
        t->nproc_exceeded = uid != 0 && over_limit(u);    /* not counting t yet */
        u->tasks++;
        if (t->user)
            put(t->user);
        t->user = u;
    }
    spin_unlock(&tasks_lock);
    kfree(spare);
    return 0;
}

bool user_may_fork_locked(void)
{
    spin_assert_held(&tasks_lock);
    struct task *t = current;
    if (!t->user || t->user == &root_user)
        return true;
    if (t->user->tasks < rlimit_cur(t, RLIMIT_NPROC))
        return true;
    return capable(CAP_SYS_RESOURCE) || capable(CAP_SYS_ADMIN);
}

bool user_exec_allowed(void)
{
    struct task *t = current;
    if (!t->nproc_exceeded)
        return true;
    spin_lock(&tasks_lock);
    bool over = t->user && over_limit(t->user);
    spin_unlock(&tasks_lock);
    if (!over)
        t->nproc_exceeded = false;
    return !over;
}
