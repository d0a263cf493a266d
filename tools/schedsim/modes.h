/*
 * The simulator's modes, one per book homework tool; each takes the whole
 * argv (argv[1] is the mode name) and returns the exit status.
 */
#ifndef SCHEDSIM_MODES_H
#define SCHEDSIM_MODES_H

int mode_scheduler(int argc, char **argv); /* scheduler.py */
int mode_mlfq(int argc, char **argv);      /* mlfq.py */
int mode_lottery(int argc, char **argv);   /* lottery.py */
int mode_process_run(int argc, char **argv); /* process-run.py */
int mode_fork(int argc, char **argv);        /* fork.py */
int mode_multi(int argc, char **argv);       /* multi.py */

#endif
