/*
 * schedsim: runs the kernel's own scheduling-policy files over a workload in
 * discrete time and prints the book's metrics (response, turnaround, wait)
 * and a trace.  The first argument picks the book homework tool to stand in
 * for; the rest are that tool's options.  See tools/schedsim/README.md.
 */
#include <stdio.h>
#include <string.h>

#include "modes.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *what;
} modes[] = {
    {"scheduler", mode_scheduler, "FIFO/SJF/RR (and every other policy), like scheduler.py"},
    {"mlfq", mode_mlfq, "the multi-level feedback queue, like mlfq.py"},
    {"lottery", mode_lottery, "lottery scheduling, like lottery.py"},
    {"process-run", mode_process_run, "process states, CPU and I/O, like process-run.py"},
    {"fork", mode_fork, "process trees from forks and exits, like fork.py"},
    {"multi", mode_multi, "multiprocessor scheduling with caches, like multi.py"},
};

int main(int argc, char **argv)
{
    if (argc >= 2)
        for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
            if (!strcmp(argv[1], modes[i].name))
                return modes[i].run(argc, argv);
    fprintf(stderr, "usage: schedsim MODE [options]   (schedsim MODE -h for a mode's options)\n\nModes:\n");
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        fprintf(stderr, "  %-12s %s\n", modes[i].name, modes[i].what);
    fprintf(stderr, "\nEvery mode also takes --trace-json FILE (Chrome/Perfetto) and --svg FILE.\n");
    return 2;
}
