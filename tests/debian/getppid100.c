/*
 * getppid100: exactly 100 getppid system calls and nothing else of its own,
 * so `strace -c` inside Tessera must count 100 of them (make test-debian).
 * Built with plain gcc: a dynamically linked glibc program, as Debian's are.
 */
#include <unistd.h>

int main(void)
{
	for (int i = 0; i < 100; i++)
		getppid();
	return 0;
}
