/* Fast user-space mutexes: the futex system call (kernel/proc/futex.c). */
#ifndef PROC_FUTEX_H
#define PROC_FUTEX_H

#include <kernel/kernel.h>

struct mm;
struct task;

/* Wakes up to n waiters on the word at user address uaddr of mm, whether
 * they waited on it as a private or a shared futex (thread exit clears and
 * wakes its CLONE_CHILD_CLEARTID word with this).  Returns how many woke. */
int futex_wake_address(struct mm *mm, uint64_t uaddr, int n);
/* Thread exit: every robust mutex the thread still holds (its
 * set_robust_list list) is marked FUTEX_OWNER_DIED and one waiter woken. */
void futex_exit_robust(struct task *t);

#endif
