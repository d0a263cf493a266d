/*
 * fork: process creation and teardown.
 *
 *   fork_exit_wait      fork(); the child _exit(0)s; the parent waitpid()s
 *   fork_execve_wait    the same, but the child execve()s the tiny `hello`
 *                       program bench-hello first (argv[1], or the one
 *                       beside this program, or /bench/bench-hello)
 *   exec_static_true    the child execve()s busybox's true (/bin/busybox,
 *                       argv[0] "true"): a static program, 2 MiB of it
 *   exec_dynamic_true   the child execve()s Debian's /usr/bin/true
 *                       (coreutils, linked against glibc): the kernel maps
 *                       ld.so, which maps and relocates libc.so.6; what
 *                       dynamic linking adds to a program's start
 *   fork_touched_1m     fork+exit+wait while the parent has 1, 16 or 64 MiB
 *   fork_touched_16m    of anonymous memory it has written: how fork scales
 *   fork_touched_64m    with the address space it must copy or share (COW)
 *
 * Each figure is one complete create-run-reap cycle, so it includes the
 * child's exit and the parent's wake-up, which is what a shell pays.
 */
#define _GNU_SOURCE
#include "lib/benchlib.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* Child exit codes that carry an execve failure back to the parent. */
#define EXEC_FAILED 120
#define EXEC_ENOSYS 121

static const char *hello_path = "/bench/bench-hello";
static char hello_buf[256];

/* A program the child of op_fork_exec runs. */
struct prog {
	const char *path, *argv0;
};

/* Reaps `pid` and maps the child's status to 0 or a negative errno. */
static int reap(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	switch (WEXITSTATUS(status)) {
	case 0: return 0;
	case EXEC_ENOSYS: return -ENOSYS;
	case EXEC_FAILED: return -ENOEXEC;
	default: return -ECHILD;
	}
}

static int op_fork_exec(void *arg, long count)
{
	const struct prog *p = arg;
	for (long i = 0; i < count; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return -errno;
		if (pid == 0) {
			char *argv[] = {(char *)p->argv0, NULL};
			char *envp[] = {NULL};
			execve(p->path, argv, envp);
			_exit(errno == ENOSYS ? EXEC_ENOSYS : EXEC_FAILED);
		}
		int r = reap(pid);
		if (r < 0)
			return r;
	}
	return 0;
}

/* fork+execve+wait of the program at path (SKIP where there is none). */
static void fork_exec(const struct bench_spec *spec, const char *path, const char *argv0)
{
	struct prog p = {path, argv0};
	if (access(path, X_OK) < 0) {
		char why[128];
		snprintf(why, sizeof why, "%s: %s", path, strerror(errno));
		bench_skip(spec->name, why);
	} else {
		bench_run(spec, op_fork_exec, &p);
	}
}

/* fork+exit+wait with `mib` MiB of written anonymous memory in the parent. */
static void fork_touched(const char *name, size_t mib)
{
	char what[64];
	size_t len = mib << 20;
	snprintf(what, sizeof what, "fork+exit+wait, parent touched %zu MiB", mib);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		if (bench_is_unavailable(errno))
			bench_skip(name, strerror(errno));
		else
			bench_error(name, "mmap", errno);
		return;
	}
	/* 4 KiB pages, as a real heap has; ignored where unsupported */
	madvise(p, len, MADV_NOHUGEPAGE);
	bench_touch(p, len);
	struct bench_spec spec = {name, what, 1, 31, 3};
	bench_run(&spec, bench_fork_exit_wait, NULL);
	munmap(p, len);
}

int main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	if (argc > 1) {
		hello_path = argv[1];
	} else if (slash) {
		snprintf(hello_buf, sizeof hello_buf, "%.*s/bench-hello",
			 (int)(slash - argv[0]), argv[0]);
		hello_path = hello_buf;
	}
	static const struct bench_spec fe = {
		"fork_exit_wait", "fork+_exit+waitpid", 1, 101, 5};
	static const struct bench_spec fx = {
		"fork_execve_wait", "fork+execve(hello)+waitpid", 1, 101, 5};
	static const struct bench_spec st = {
		"exec_static_true", "fork+execve(busybox true, static)+waitpid", 1, 101, 5};
	static const struct bench_spec dy = {
		"exec_dynamic_true", "fork+execve(/usr/bin/true, glibc dynamic)+waitpid", 1, 101, 5};

	bench_run(&fe, bench_fork_exit_wait, NULL);
	fork_exec(&fx, hello_path, hello_path);
	fork_exec(&st, "/bin/busybox", "true");
	fork_exec(&dy, "/usr/bin/true", "/usr/bin/true");
	fork_touched("fork_touched_1m", 1);
	fork_touched("fork_touched_16m", 16);
	fork_touched("fork_touched_64m", 64);
	return 0;
}
