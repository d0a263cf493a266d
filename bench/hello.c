/*
 * hello: the smallest useful program, the image that fork+execve+wait runs.
 * It does nothing but start and exit, so the measurement is the kernel's
 * exec, process start-up and exit path plus the C library's start-up.
 */
int main(void)
{
	return 0;
}
