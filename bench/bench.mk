# Benchmarks: the same static binaries on Tessera and on Debian's Linux,
# under the same QEMU command line (see docs/benchmarks.md).
#
#   make bench        both kernels, TCG and icount, 3 boots each -> bench/results.md
#   make bench-linux  Linux only (Tessera column n/a)            -> bench/results.md
#   make bench-clock  only bench-clock, the clock reads          -> bench/results-clock.md
#   make bench-latency only bench-latency, real-time wake-ups    -> bench/results-latency.md
#   make bench-tasks  only bench-tasks, costs against the number of processes,
#                     on 4 GiB guests under icount               -> bench/results-tasks.md
#   make bench-scale  boot time and fork throughput against CPUs (1..64) and
#                     memory, one boot per kernel and size   -> bench/results-scale.md
#   make bench-bins   just the programs ($(BENCH_BINS)), for other images
#
# BENCH_REPS (boots per kernel and mode), BENCH_MODES (tcg,icount) and
# BENCH_SCALE (multiplies the sample counts) tune a run; BENCH_ONLY=a,b runs
# only those programs (bench-a, bench-b), into bench/results-a-b.md.

BENCH_PROGS := syscall ctxsw fork pagefault pipebw noise thread shmfault clock latency tasks scale hello init
BENCH_BINS  := $(BENCH_PROGS:%=$(BUILD)/bench/bench-%)
BENCH_CFLAGS := -static -O2 -std=gnu11 -Wall -Wextra -Werror $(WPROTO) -Ibench
BENCH_LIB   := bench/lib/benchlib.c bench/lib/benchlib.h

BENCH_CPIO    := $(BUILD)/bench/bench.cpio
BENCH_LINUX   := $(BUILD)/bench/linux
BENCH_VMLINUZ := $(BENCH_LINUX)/vmlinuz
BENCH_BUSYBOX ?= /bin/busybox
BENCH_REPS    ?= 3
BENCH_MODES   ?= tcg,icount
BENCH_SCALE   ?= 1
BENCH_ONLY    ?=
# Recursive: `,` (the Makefile's) is defined after this fragment is included.
BENCH_RESULTS = bench/results$(if $(BENCH_ONLY),-$(subst $(,),-,$(BENCH_ONLY))).md

# The common QEMU command line: the project's own flags without the
# kernel and initrd, which the harness sets per kernel.  Recursive (=)
# because QEMU_FLAGS is defined after this fragment is included.
BENCH_QEMU_FLAGS = $(filter-out -kernel $(KERNEL) -initrd $(INITRD),$(QEMU_FLAGS))
BENCH_HARNESS = $(PYTHON) bench/harness.py --qemu "$(QEMU)" \
	--qemu-flags "$(BENCH_QEMU_FLAGS)" --cpio $(BENCH_CPIO) \
	--linux-kernel $(BENCH_VMLINUZ) --linux-version-file $(BENCH_LINUX)/version \
	--reps $(BENCH_REPS) --modes $(BENCH_MODES) --scale $(BENCH_SCALE) \
	--log-dir $(BUILD)/bench/logs --out $(BENCH_RESULTS) --only "$(BENCH_ONLY)"

.PHONY: bench bench-linux bench-bins bench-clock bench-latency bench-tasks bench-scale
bench-bins: $(BENCH_BINS)

$(BENCH_BINS): $(BUILD)/bench/bench-%: bench/%.c $(BENCH_LIB)
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  MUSLCC  $@"
	$(Q)$(MUSLCC) $(BENCH_CFLAGS) -o $@ $< bench/lib/benchlib.c

# Debian's /usr/bin/true with its loader and libc, for exec_dynamic_true
# (bench/fork.c), at their Debian paths (tools/hostprogs.sh, docs/hostprogs.md)
BENCH_HOSTROOT := $(BUILD)/bench/hostroot
$(BENCH_HOSTROOT)/usr/bin/true: tools/hostprogs.sh $(wildcard /var/lib/dpkg/status)
	$(Q)rm -rf $(BENCH_HOSTROOT) && mkdir -p $(BENCH_HOSTROOT)
	$(Q)tools/hostprogs.sh $(BENCH_HOSTROOT) /usr/bin/true

$(BENCH_CPIO): $(BENCH_BINS) bench/run.sh bench/mkcpio.py $(BENCH_BUSYBOX) $(BENCH_HOSTROOT)/usr/bin/true
	@[ "$(V)" != 0 ] || echo "  CPIO    $@"
	$(Q)$(PYTHON) bench/mkcpio.py --tree $(BENCH_HOSTROOT) $@ $(BENCH_BUSYBOX) bench/run.sh $(BENCH_BINS)

$(BENCH_VMLINUZ): bench/fetch-linux.sh
	$(Q)bench/fetch-linux.sh $(BENCH_LINUX)

# The kernel is built on a best-effort basis: a build failure becomes the
# reason printed in the Tessera column, not a failed `make bench`.
bench: $(BENCH_CPIO) $(BENCH_VMLINUZ)
	@mkdir -p $(BUILD)/bench
	@echo "bench: building the Tessera kernel (log: $(BUILD)/bench/kernel-build.log)"
	$(Q)$(MAKE) --no-print-directory kernel > $(BUILD)/bench/kernel-build.log 2>&1 \
	    || echo "bench: kernel build failed; see $(BUILD)/bench/kernel-build.log"
	$(Q)$(BENCH_HARNESS) --tessera-kernel $(KERNEL) \
	    --tessera-build-log $(BUILD)/bench/kernel-build.log

bench-linux: $(BENCH_CPIO) $(BENCH_VMLINUZ)
	$(Q)$(BENCH_HARNESS)

bench-clock:
	$(Q)$(MAKE) --no-print-directory bench BENCH_ONLY=clock

bench-latency:
	$(Q)$(MAKE) --no-print-directory bench BENCH_ONLY=latency

# 30,000 sleeping processes need a 4 GiB guest; icount alone, whose figures
# count instructions and so show how a cost grows, one boot per kernel.
bench-tasks:
	$(Q)$(MAKE) --no-print-directory bench BENCH_ONLY=tasks MEM=4G BENCH_MODES=icount BENCH_REPS=1

# Boot time and fork+exit+wait with 1..N concurrent forkers against the CPU
# count, boot time against memory (bench/scale.py).  SCALE_CPUS,
# SCALE_MEMS and SCALE_KERNELS choose the configurations.
SCALE_CPUS    ?= 1 2 4 8 16 32 64
SCALE_MEMS    ?= 512M 2G 4G 8G 16G
SCALE_KERNELS ?= tessera linux
bench-scale: $(BENCH_CPIO) $(BENCH_VMLINUZ)
	@mkdir -p $(BUILD)/bench
	$(Q)$(MAKE) --no-print-directory kernel
	$(Q)$(PYTHON) bench/scale.py --qemu "$(QEMU)" --qemu-flags "$(BENCH_QEMU_FLAGS)" --cpio $(BENCH_CPIO) \
	    --linux-kernel $(BENCH_VMLINUZ) --tessera-kernel $(KERNEL) --cpus "$(SCALE_CPUS)" \
	    --mems "$(SCALE_MEMS)" --kernels "$(SCALE_KERNELS)" --log-dir $(BUILD)/bench/logs

# The suite's own test (part of `make test`): the harness's parser, and
# every benchmark run briefly on the host, where Linux is the oracle.
.PHONY: test-bench
test-bench: $(BENCH_BINS)
	@mkdir -p $(BUILD)/results
	$(Q)bench/host-check.sh $(BUILD)/results/bench.txt $(BUILD)/bench

TEST_SUITES += test-bench
