/*
 * `schedsim fork`: a drop-in for the book's fork.py (chapter 5 homework).
 * A process tree grows by forks and shrinks by exits; the exercise is to
 * tell the tree from the actions or the actions from the trees.  Same
 * options (-s, -f, -A a+b,b-,..., -a, -t, -F, -L, -R, -P basic|line1|line2|
 * fancy, -c), same output, and for a seed the same random actions (fork
 * with chance -f, parent or exiting process drawn as int(random() * n)).
 *
 * Exits follow the tool: the root cannot exit; an exiting process's
 * children are re-parented to the root (all its descendants, flattened), or
 * with -R to its own parent; with -L only a leaf may exit.  Processes are
 * named a, b, ..., z, A, ..., Z, then aa, ab, ...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "modes.h"
#include "pyrandom.h"

/* A name the tool has seen, with its children (in order) and parent. */
struct fk_proc {
    char *name;
    int *kids;
    size_t nkids, capkids;
    bool gone;   /* exited: its child list and parent are no longer valid */
    int parent;  /* -1 for the root */
};

struct fk {
    struct fk_proc *p;
    size_t n, cap;
    int *live; /* names of live processes, in order (the tool's process_list) */
    size_t nlive, caplive;
    const char *style;
    bool *pmask;
    size_t capmask;
};

static int fk_find(const struct fk *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->p[i].name, name))
            return (int)i;
    return -1;
}

/* The entry for `name`, made if new, with an empty child list. */
static int fk_entry(struct fk *f, const char *name)
{
    int i = fk_find(f, name);
    if (i < 0) {
        f->p = grow_array(f->p, &f->cap, f->n + 1, sizeof(*f->p));
        i = (int)f->n++;
        f->p[i] = (struct fk_proc){.name = strdup(name), .parent = -1};
    }
    f->p[i].nkids = 0;
    f->p[i].gone = false;
    return i;
}

static void fk_add_kid(struct fk *f, int parent, int kid)
{
    struct fk_proc *p = &f->p[parent];
    p->kids = grow_array(p->kids, &p->capkids, p->nkids + 1, sizeof(int));
    p->kids[p->nkids++] = kid;
}

static void fk_remove_kid(struct fk *f, int parent, int kid)
{
    struct fk_proc *p = &f->p[parent];
    for (size_t k = 0; k < p->nkids; k++)
        if (p->kids[k] == kid) {
            memmove(&p->kids[k], &p->kids[k + 1], (p->nkids - k - 1) * sizeof(int));
            p->nkids--;
            return;
        }
}

static bool fk_is_live(const struct fk *f, int i)
{
    for (size_t k = 0; k < f->nlive; k++)
        if (f->live[k] == i)
            return true;
    return false;
}

/* Names in the tool's order: one letter (from b), then two, three... */
static void fk_name(long index, char *buf)
{
    static const char base[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    int len = 1;
    long span = 52;
    while (index >= span) {
        index -= span;
        span *= 52;
        len++;
    }
    buf[len] = 0;
    for (int k = len - 1; k >= 0; k--, index /= 52)
        buf[k] = base[index % 52];
}

static void fk_walk(struct fk *f, int p, int level, bool is_last)
{
    static const char *const line1[] = {"|", "-", "+", "|"}, *const line2[] = {"|", "_", "|", "|"},
                             *const fancy[] = {"\u2502", "\u2500", "\u251c", "\u2514"};
    if (level > 990)
        py_raise("RecursionError", "maximum recursion depth exceeded");
    printf("                               ");
    if (!strcmp(f->style, "basic")) {
        for (int i = 0; i < level; i++)
            printf("   ");
        printf("%2s\n", f->p[p].name);
        if (f->p[p].gone) /* an exited name still listed twice, as the tool can leave it */
            py_raise("TypeError", "'int' object is not iterable");
        for (size_t k = 0; k < f->p[p].nkids; k++)
            fk_walk(f, f->p[p].kids[k], level + 1, false);
        return;
    }
    const char *const *ch = !strcmp(f->style, "line1") ? line1 : !strcmp(f->style, "line2") ? line2
                          : !strcmp(f->style, "fancy") ? fancy : NULL;
    if (!ch) {
        printf("bad style %s\n", f->style);
        exit(1);
    }
    f->pmask = grow_array(f->pmask, &f->capmask, (size_t)level + 1, sizeof(bool));
    if (level > 0) {
        for (int i = 0; i < level - 1; i++)
            printf(f->pmask[i] ? "%s   " : "    ", ch[0]);
        if (f->pmask[level - 1])
            printf("%s%s%s ", is_last ? ch[3] : ch[2], ch[1], ch[1]);
        else
            printf(" %s%s%s ", ch[1], ch[1], ch[1]);
    }
    printf("%s\n", f->p[p].name);
    if (f->p[p].gone)
        py_raise("TypeError", "'int' object is not subscriptable");
    if (is_last)
        f->pmask[level - 1] = false;
    f->pmask[level] = true;
    size_t n = f->p[p].nkids;
    for (size_t k = 0; k < n; k++)
        fk_walk(f, f->p[p].kids[k], level + 1, k == n - 1);
}

/* DFS order of `p`'s descendants (p first), as the tool collects them. */
static void fk_collect(struct fk *f, int p, int **out, size_t *n, size_t *cap)
{
    *out = grow_array(*out, cap, *n + 1, sizeof(int));
    (*out)[(*n)++] = p;
    for (size_t k = 0; k < f->p[p].nkids; k++)
        fk_collect(f, f->p[p].kids[k], out, n, cap);
}

static void fk_exit(struct fk *f, int p, bool local_reparent)
{
    if (p == 0) {
        printf("root process: cannot exit\n");
        exit(1);
    }
    int up = f->p[p].parent;
    for (size_t k = 0; k < f->nlive; k++)
        if (f->live[k] == p) {
            memmove(&f->live[k], &f->live[k + 1], (f->nlive - k - 1) * sizeof(int));
            f->nlive--;
            break;
        }
    if (local_reparent) {
        for (size_t k = 0; k < f->p[p].nkids; k++) {
            f->p[f->p[p].kids[k]].parent = up;
            fk_add_kid(f, up, f->p[p].kids[k]);
        }
    } else {
        int *d = NULL;
        size_t nd = 0, capd = 0;
        fk_collect(f, p, &d, &nd, &capd);
        for (size_t k = 1; k < nd; k++) {
            f->p[d[k]].nkids = 0;
            f->p[d[k]].parent = 0;
            fk_add_kid(f, 0, d[k]);
        }
        free(d);
    }
    fk_remove_kid(f, up, p);
    f->p[p].gone = true;
    f->p[p].nkids = 0;
}

static void fk_bad(const char *action)
{
    printf("bad action (%s), must be X+Y or X- where X and Y are processes\n", action);
    exit(1);
}

static long fk_randint(struct pyrandom *rng, long lo, long hi)
{
    return (long)((double)lo + py_random(rng) * (double)(hi - lo + 1));
}

int mode_fork(int argc, char **argv)
{
    long seed = -1, max_actions = 5;
    double fork_pct = 0.7;
    const char *alist = "", *style = "fancy";
    bool show_tree = false, just_final = false, leaf_only = false, local_reparent = false, solve = false;
    const struct opt opts[] = {
        {'s', "seed", OPT_INT, &seed, "the random seed"},
        {'f', "forks", OPT_FLOAT, &fork_pct, "percent of actions that are forks (not exits)"},
        {'A', "action_list", OPT_STR, &alist, "action list instead of random ones (a+b,b+c,b- : a forks b, ...)"},
        {'a', "actions", OPT_INT, &max_actions, "number of forks/exits to do"},
        {'t', "show_tree", OPT_FLAG, &show_tree, "show tree (not actions)"},
        {'P', "print_style", OPT_STR, &style, "tree print style (basic, line1, line2, fancy)"},
        {'F', "final_only", OPT_FLAG, &just_final, "just show final state"},
        {'L', "leaf_only", OPT_FLAG, &leaf_only, "only leaf processes exit"},
        {'R', "local_reparent", OPT_FLAG, &local_reparent, "reparent to local parent"},
        {'c', "compute", OPT_FLAG, &solve, "compute answers for me"},
        {0, NULL, 0, NULL, NULL},
    };
    int rc = homework_opts(argc, argv, opts, "schedsim fork");
    if (rc >= 0)
        return rc;
    struct pyrandom rng;
    if (seed != -1) {
        py_seed(&rng, seed);
    } else { /* the tool leaves Python's generator seeded from the OS */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        py_seed(&rng, (int64_t)(((uint64_t)ts.tv_sec * 1000000007ull) ^ (uint64_t)ts.tv_nsec) & INT64_MAX);
    }
    if (fork_pct <= 0.001) {
        printf("fork_percentage must be > 0.001\n");
        return 1;
    }
    char pct[40];
    py_float_str(fork_pct, pct, sizeof pct);
#define TF(b) ((b) ? "True" : "False")
    printf("\nARG seed %ld\nARG fork_percentage %s\nARG actions %ld\nARG action_list %s\nARG show_tree %s\n"
           "ARG just_final %s\nARG leaf_only %s\nARG local_reparent %s\nARG print_style %s\nARG solve %s\n\n",
           seed, pct, max_actions, alist, TF(show_tree), TF(just_final), TF(leaf_only), TF(local_reparent), style,
           TF(solve));
#undef TF

    struct fk f = {.style = style};
    fk_entry(&f, "a");
    f.live = grow_array(f.live, &f.caplive, 1, sizeof(int));
    f.live[f.nlive++] = 0;
    printf("                           Process Tree:\n");
    fk_walk(&f, 0, 0, false);
    printf("\n");

    /* The actions, as text: given, or drawn as the tool draws them. */
    char **actions = NULL;
    size_t nact = 0, capact = 0;
    char *copy = strdup(alist);
    if (*alist) {
        for (char *a = copy, *next; a; a = next) {
            next = strchr(a, ',');
            if (next)
                *next++ = 0;
            actions = grow_array(actions, &capact, nact + 1, sizeof(char *));
            actions[nact++] = strdup(a);
        }
    } else {
        char **tmp = NULL; /* the tool's temp_process_list */
        size_t ntmp = 0, captmp = 0;
        long next_name = 1; /* "a" is the root */
        tmp = grow_array(tmp, &captmp, 1, sizeof(char *));
        tmp[ntmp++] = strdup("a");
        for (long done = 0; done < max_actions;) {
            char buf[64];
            if (py_random(&rng) < fork_pct) {
                long c = fk_randint(&rng, 0, (long)ntmp - 1);
                char child[16];
                fk_name(next_name++, child);
                snprintf(buf, sizeof buf, "%s+%s", tmp[c], child);
                tmp = grow_array(tmp, &captmp, ntmp + 1, sizeof(char *));
                tmp[ntmp++] = strdup(child);
            } else {
                long c = fk_randint(&rng, 0, (long)ntmp - 1);
                if (!strcmp(tmp[c], "a"))
                    continue;
                snprintf(buf, sizeof buf, "%s-", tmp[c]);
                free(tmp[c]);
                memmove(&tmp[c], &tmp[c + 1], (ntmp - (size_t)c - 1) * sizeof(char *));
                ntmp--;
            }
            actions = grow_array(actions, &capact, nact + 1, sizeof(char *));
            actions[nact++] = strdup(buf);
            done++;
        }
        for (size_t k = 0; k < ntmp; k++)
            free(tmp[k]);
        free(tmp);
    }
    free(copy);

    for (size_t k = 0; k < nact; k++) {
        char *a = actions[k], *sep = strchr(a, '+'), what[256];
        if (!sep)
            sep = strchr(a, '-');
        if (!sep || strchr(sep + 1, *sep))
            fk_bad(a);
        bool is_fork = *sep == '+';
        *sep = 0;
        int p = fk_find(&f, a);
        if (p < 0 || !fk_is_live(&f, p)) {
            *sep = is_fork ? '+' : '-';
            fk_bad(a);
        }
        if (is_fork) {
            int c = fk_entry(&f, sep + 1);
            f.live = grow_array(f.live, &f.caplive, f.nlive + 1, sizeof(int));
            f.live[f.nlive++] = c;
            fk_add_kid(&f, p, c);
            f.p[c].parent = p;
            snprintf(what, sizeof what, "%s forks %s", a, sep + 1);
        } else if (leaf_only && f.p[p].nkids > 0) {
            snprintf(what, sizeof what, "%s EXITS (failed: has children)", a);
        } else {
            fk_exit(&f, p, local_reparent);
            snprintf(what, sizeof what, "%s EXITS", a);
        }
        if (show_tree) {
            if (solve)
                printf("Action: %s\n", what);
            else
                printf("Action?\n");
            if (!just_final)
                fk_walk(&f, 0, 0, false);
        } else {
            printf("Action: %s\n", what);
            if (!just_final) {
                if (solve)
                    fk_walk(&f, 0, 0, false);
                else
                    printf("Process Tree?\n");
            }
        }
    }
    if (just_final) {
        if (show_tree || solve) {
            printf("\n                        Final Process Tree:\n");
            fk_walk(&f, 0, 0, false);
            printf("\n");
        } else {
            printf("\n                        Final Process Tree?\n\n");
        }
    }
    for (size_t k = 0; k < nact; k++)
        free(actions[k]);
    free(actions);
    for (size_t k = 0; k < f.n; k++) {
        free(f.p[k].name);
        free(f.p[k].kids);
    }
    free(f.p);
    free(f.live);
    free(f.pmask);
    return 0;
}
