# Guest behaviour tests (tests/guest/): one static musl program per behaviour,
# run on the host's Linux (the oracle) and inside Tessera, compared line by
# line by tests/guest/runner.py.  See docs/testing.md.
#
#   make test-guest          both sides, results in $(BUILD)/results/guest.txt
#   make test-guest-debug    the same on the debug kernel (DEBUG=1, built in
#                            $(BUILD)/debug), leaks enforced: guest-debug.txt
#   make soak                a mixed workload on 4 CPUs, then the guest tests
#                            in the same boot (not part of `make test`)
#   make test-guest-linux    Linux side only (validates the tests themselves)
#   make test-guest-one T=name   one test, both sides, with a diff
#   make test-interactive    scripted shell session over the serial console
#
# GUEST_BINS is what the image builder copies into /tests/ in the guest: the
# test programs, the guest-side driver and the data files the tests read.

GUEST_SRCS    := $(sort $(wildcard tests/guest/*.c))
GUEST_PROGS   := $(GUEST_SRCS:tests/guest/%.c=$(BUILD)/guest/%)
GUEST_FILES   := $(BUILD)/guest/run-all.sh $(BUILD)/guest/select.sh $(BUILD)/guest/p3.c $(BUILD)/guest/p4.c
GUEST_BINS    := $(GUEST_PROGS) $(GUEST_FILES)
GUEST_CFLAGS  := -static -O2 -Wall -Wextra -Werror -Wno-unused-parameter $(WPROTO) -Itests/guest
GUEST_TIMEOUT ?= 300
# A test that leaves frames or heap objects behind fails in the debug build
# and is only reported in the normal one (docs/testing.md, "Leak checks").
GUEST_LEAKS   ?= $(if $(filter 1,$(DEBUG)),enforce,report)
GUEST_RESULTS ?= $(BUILD)/results/guest.txt
GUEST_PREFIX  ?= guest
GUEST_RUNNER  := $(PYTHON) tests/guest/runner.py --build $(BUILD) --timeout $(GUEST_TIMEOUT) \
                 --leaks $(GUEST_LEAKS)

# p4 is the book's code verbatim: it keeps an unused variable.
$(BUILD)/guest/p4: GUEST_CFLAGS += -Wno-unused-variable

$(BUILD)/guest/%: tests/guest/%.c tests/guest/gt.h tests/guest/gt_thread.h tests/guest/gt_cputime.h
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  MUSLCC  $<"
	$(Q)$(MUSLCC) $(GUEST_CFLAGS) $< -o $@

# The process-lifecycle tests share a header of their own.
$(filter $(BUILD)/guest/lifecycle_%,$(GUEST_PROGS)): tests/guest/lifecycle.h
# So do the AF_UNIX socket tests.
$(filter $(BUILD)/guest/unix_%,$(GUEST_PROGS)): tests/guest/gt_unix.h
# So do the file-lock tests.
$(filter $(BUILD)/guest/locks_%,$(GUEST_PROGS)): tests/guest/gt_locks.h
# So do the per-family error tests.
$(filter $(BUILD)/guest/errors_%,$(GUEST_PROGS)): tests/guest/gt_errors.h
# So do the NUMA tests.
$(BUILD)/guest/numa $(BUILD)/guest/numa_nodes: tests/guest/gt_numa.h

# A static-PIE: musl-gcc's specs cannot link one, so link rcrt1.o by hand.
# musl's folder is looked up when the recipe runs, not when make reads this
# file: on a fresh machine `make test` installs musl-tools (deps) in between.
$(BUILD)/guest/exec_static_pie: tests/guest/exec_static_pie.c tests/guest/gt.h
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  MUSLCC  $< (static-pie)"
	$(Q)$(MUSLCC) -fPIE -O2 -Wall -Wextra -Werror -Wno-unused-parameter $(WPROTO) -Itests/guest -c $< -o $@.o
	$(Q)specs=$$(grep -o '[^" ]*musl-gcc.specs' "$$(command -v $(MUSLCC))") && lib=$$(dirname "$$specs") || \
	    { echo "guest: no musl-gcc.specs in $(MUSLCC); is musl-tools installed?" >&2; exit 1; }; \
	ld -static -pie --no-dynamic-linker -z noexecstack -o $@ $$lib/rcrt1.o $$lib/crti.o \
	    $@.o $$lib/libc.a "$$($(MUSLCC) -print-libgcc-file-name)" $$lib/crtn.o

$(BUILD)/guest/run-all.sh $(BUILD)/guest/select.sh: $(BUILD)/guest/%.sh: tests/guest/%.sh
	@mkdir -p $(dir $@)
	$(Q)cp $< $@ && chmod 755 $@

# The book's p3/p4 run `wc` on their own source: ship it, read-only data.
$(BUILD)/guest/p%.c: tests/guest/p%.c
	@mkdir -p $(dir $@)
	$(Q)cp $< $@ && chmod 644 $@

# Isolated, tickless CPU 1 (isolcpus=1 nohz_full=1): a boot of its own.
.PHONY: test-nohz
test-nohz: kernel initrd
	$(Q)mkdir -p $(BUILD)/results
	$(Q)out=$$(timeout 120 $(QEMU) $(subst -smp $(CPUS),-smp 2,$(QEMU_FLAGS)) -serial stdio \
	    -append "isolcpus=1 nohz_full=1 init=/tests/nohz" </dev/null 2>&1); rc=$$?; \
	echo "$$out" | grep -v '^\[' ; \
	if [ $$rc = 33 ] && echo "$$out" | grep -q '^result: ok'; then echo "PASS nohz/isolated-tickless-cpu"; \
	else echo "FAIL nohz/isolated-tickless-cpu (QEMU exit $$rc)"; fi > $(BUILD)/results/nohz.txt; \
	cat $(BUILD)/results/nohz.txt
TEST_SUITES += test-nohz

# Timers against virtual time: -icount makes the guest's clock its own
# instruction count, so timer_precision judges deadlines to 20 us.
.PHONY: test-timers
test-timers: kernel initrd
	$(Q)mkdir -p $(BUILD)/results
	$(Q)out=$$(timeout 120 $(QEMU) $(subst -smp $(CPUS),-smp 2,$(QEMU_FLAGS)) -icount shift=0,sleep=off \
	    -serial stdio -append "timers.strict init=/tests/timer_precision" </dev/null 2>&1); rc=$$?; \
	echo "$$out" | grep -v '^\[' ; \
	if [ $$rc = 33 ] && echo "$$out" | grep -q '^result: ok'; then echo "PASS timers/deadlines-under-icount"; \
	else echo "FAIL timers/deadlines-under-icount (QEMU exit $$rc)"; fi > $(BUILD)/results/timers.txt; \
	cat $(BUILD)/results/timers.txt
TEST_SUITES += test-timers

# Two NUMA nodes, 31 apart in the SLIT (tools/qemu-numa.sh): pages land on
# the node their memory policy names (tests/guest/numa_nodes.c).  A boot of
# its own, a few seconds.
NUMA_TEST_MACHINE = $(shell tools/qemu-numa.sh 2 2 512M 31)
.PHONY: test-numa
test-numa: kernel initrd
	$(Q)mkdir -p $(BUILD)/results
	$(Q)out=$$(timeout 120 $(QEMU) $(subst $(QEMU_MACHINE),$(NUMA_TEST_MACHINE),$(QEMU_FLAGS)) -serial stdio \
	    -append "init=/tests/numa_nodes quiet numa_nodes.distance=31" </dev/null 2>&1); rc=$$?; \
	echo "$$out" | grep -v '^\[' ; \
	if [ $$rc = 33 ] && echo "$$out" | grep -q '^result: ok'; then echo "PASS numa/pages-on-their-node"; \
	else echo "FAIL numa/pages-on-their-node (QEMU exit $$rc)"; fi > $(BUILD)/results/numa.txt; \
	cat $(BUILD)/results/numa.txt
TEST_SUITES += test-numa

# Kernel log lines and program output on one serial console (docs/tty.md):
# a boot of its own on 2 CPUs, init=/tests/console_lines, whose console is
# then checked line by line (tests/guest/console_check.py).
.PHONY: test-console
test-console: kernel initrd
	$(Q)mkdir -p $(BUILD)/results $(BUILD)/guest-out
	$(Q)timeout 120 $(QEMU) $(subst -smp $(CPUS),-smp 2,$(QEMU_FLAGS)) -serial stdio \
	    -append "init=/tests/console_lines" </dev/null >$(BUILD)/guest-out/console-lines.log 2>&1; rc=$$?; \
	$(PYTHON) tests/guest/console_check.py --qemu-status $$rc $(BUILD)/guest-out/console-lines.log \
	    >$(BUILD)/results/console.txt; cat $(BUILD)/results/console.txt
TEST_SUITES += test-console

# A set of guest tests inside Tessera once per CPU count, one boot each
# running the whole set, every boot compared with the same programs on Linux
# (the Linux side runs again with each boot: a few seconds).  Result lines
# are SUITE/cpus=N/NAME in $(BUILD)/results/SUITE.txt; each boot's outputs
# and console log are kept in $(BUILD)/guest-out/SUITE-cpusN/.
#   $(call guest_per_cpus,SUITE,TESTS,CPU COUNTS,TEST TIMEOUT,BOOT TIMEOUT)
define guest_per_cpus
	$(Q)mkdir -p $(BUILD)/results
	$(Q)rm -f $(BUILD)/results/$(1).txt; rc=0; \
	for n in $(3); do \
	    echo "$(1): Tessera on $$n CPU(s)"; \
	    out=$(BUILD)/guest-out/$(1)-cpus$$n; rm -rf $$out $$out.txt; \
	    $(GUEST_RUNNER) --test-timeout $(4) --timeout $(5) --prefix $(1)/cpus=$$n --results $$out.txt \
	        --qemu "$(QEMU) $(subst -smp $(CPUS),-smp $$n,$(QEMU_FLAGS))" --kernel $(KERNEL) \
	        --initrd $(INITRD) $(2) || rc=1; \
	    if [ -s $$out.txt ]; then cat $$out.txt >> $(BUILD)/results/$(1).txt; \
	    else echo "FAIL $(1)/cpus=$$n/runner (no results)" >> $(BUILD)/results/$(1).txt; rc=1; fi; \
	    mkdir -p $$out; for t in $(2); do cp $(BUILD)/guest-out/tessera/$$t.txt $$out/ 2>/dev/null; done; \
	    cp $(BUILD)/guest-out/$(1)_cpus=$$n-tessera-console.log $$out/console.log 2>/dev/null; \
	done; \
	echo "$(1): $$(grep -c ^PASS $(BUILD)/results/$(1).txt) passed," \
	     "$$(grep -c ^FAIL $(BUILD)/results/$(1).txt) failed"; \
	exit $$rc
endef

# The process-lifecycle tests (lifecycle_*.c) on 1, 2 and 4 CPUs: result
# lines lifecycle/cpus=N/NAME.
LIFECYCLE_TESTS := $(sort $(patsubst tests/guest/%.c,%,$(wildcard tests/guest/lifecycle_*.c)))
LIFECYCLE_CPUS  ?= 1 2 4
.PHONY: test-lifecycle
test-lifecycle: $(GUEST_BINS) guest-image
	$(call guest_per_cpus,lifecycle,$(LIFECYCLE_TESTS),$(LIFECYCLE_CPUS),45,150)
TEST_SUITES += test-lifecycle

# The conformance tests on 1, 2 and 4 CPUs: one program per system-call
# family going through its man pages' ERRORS (errors_*.c), and the other
# tests that compare error cases with Linux.  Result lines
# conformance/cpus=N/NAME; each boot runs the whole set (docs/testing.md).
CONFORMANCE_TESTS := $(sort $(patsubst tests/guest/%.c,%,$(wildcard tests/guest/errors_*.c)) \
                     efault enosys exec_errors mem_mmap_errors mount_errors wait_echild)
CONFORMANCE_CPUS  ?= 1 2 4
.PHONY: test-conformance
test-conformance: $(GUEST_BINS) guest-image
	$(call guest_per_cpus,conformance,$(CONFORMANCE_TESTS),$(CONFORMANCE_CPUS),45,150)
TEST_SUITES += test-conformance

# The thread, futex, random-syscall and lock-contention tests again on 4 CPUs (test-guest runs
# them on 2), so threads of one process race on more CPUs than there are
# host cores.  Result lines are smp4/NAME.  thread_times is left out: it
# compares CPU times, which 4 virtual CPUs on a 2-core host distort (it
# runs on 2 CPUs in test-guest).
SMP4_TESTS := $(sort $(filter-out thread_times,$(patsubst tests/guest/%.c,%,$(wildcard tests/guest/thread_*.c)))) \
              futex_ops clone_flags \
              fuzz_syscalls exhaust_threads mem_shared locks_contend sched_queues
.PHONY: test-smp4
test-smp4: $(GUEST_BINS) guest-image
	$(Q)mkdir -p $(BUILD)/results
	$(Q)rm -f $(BUILD)/results/smp4.txt; \
	$(GUEST_RUNNER) --test-timeout 60 --timeout 240 --prefix smp4 --results $(BUILD)/results/smp4.txt \
	    --qemu "$(QEMU) $(subst -smp $(CPUS),-smp 4,$(QEMU_FLAGS))" --kernel $(KERNEL) \
	    --initrd $(INITRD) $(SMP4_TESTS)
TEST_SUITES += test-smp4

# Many CPUs: boots with 32 and 64 (SMP64_CPUS), then 128 and 255, running a few scheduling
# tests: every count of the CPUs agreeing and wide affinity masks
# (smp_wide, which also reads the per-CPU lines of /proc/stat), pinning,
# forks and the idle balancing across the CPUs.  Chosen small: TCG with
# 64 virtual CPUs on a 2-core host is slow.  proc_stat is left out: its
# pinned spinner's CPU time is judged against wall time, which 64 virtual
# CPUs on a loaded 2-core host distort.  Then 64 CPUs with maxcpus=12 (the CPU counts and
# lists with fewer started than present).  Under TCG on 2 host cores a
# 255-CPU boot and its tests take about 10 s.  Result lines are smpN/NAME and
# smp64-maxcpus12/NAME.
SMP64_TESTS := smp_wide smp_high_cpus sysfs_cpu sched_affinity proc_cpus_allowed fork_return thread_fork_exec sched_balance nproc_limit
SMP64_CPUS  ?= 32 64
# Beyond 64 CPUs, where CPU sets take more than one word: 128 and 255
# (QEMU's pc limit) with the tests that pin and read the sets (sysfs_cpu
# keeps its sets in 128-bit numbers, so it stays at 64 and below).
SMP64_WIDE_TESTS := smp_wide smp_high_cpus sched_affinity proc_cpus_allowed fork_return sched_balance
SMP64_WIDE_CPUS  ?= 128 255
.PHONY: test-smp64
test-smp64: $(GUEST_BINS) guest-image
	$(Q)mkdir -p $(BUILD)/results
	$(Q)rm -f $(BUILD)/results/smp64.txt; rc=0; \
	for n in $(SMP64_CPUS) $(SMP64_WIDE_CPUS); do \
	    case " $(SMP64_WIDE_CPUS) " in *" $$n "*) tests="$(SMP64_WIDE_TESTS)";; *) tests="$(SMP64_TESTS)";; esac; \
	    $(GUEST_RUNNER) --test-timeout 120 --timeout 400 --prefix smp$$n --results $(BUILD)/results/smp64-$$n.txt \
	        --qemu "$(QEMU) $(subst -smp $(CPUS),-smp $$n,$(QEMU_FLAGS))" --kernel $(KERNEL) \
	        --initrd $(INITRD) $$tests || rc=1; \
	    if [ -s $(BUILD)/results/smp64-$$n.txt ]; then cat $(BUILD)/results/smp64-$$n.txt >> $(BUILD)/results/smp64.txt; \
	    else echo "FAIL smp$$n/runner (no results)" >> $(BUILD)/results/smp64.txt; rc=1; fi; \
	    rm -f $(BUILD)/results/smp64-$$n.txt; \
	done; \
	$(GUEST_RUNNER) --test-timeout 120 --timeout 300 --prefix smp64-maxcpus12 --results $(BUILD)/results/smp64-m.txt \
	    --append maxcpus=12 --qemu "$(QEMU) $(subst -smp $(CPUS),-smp 64,$(QEMU_FLAGS))" --kernel $(KERNEL) \
	    --initrd $(INITRD) smp_wide sysfs_cpu || rc=1; \
	if [ -s $(BUILD)/results/smp64-m.txt ]; then cat $(BUILD)/results/smp64-m.txt >> $(BUILD)/results/smp64.txt; \
	else echo "FAIL smp64-maxcpus12/runner (no results)" >> $(BUILD)/results/smp64.txt; rc=1; fi; \
	rm -f $(BUILD)/results/smp64-m.txt; exit $$rc
TEST_SUITES += test-smp64

# Tens of thousands of processes (tests/guest/scale_procs.c): a 4 GiB guest
# on 2 CPUs whose kernel command line asks for 30,000 sleeping processes,
# listed through /proc and ps, killed with one kill of their process group
# and reaped; plus the pid and task limits at their defaults
# (task_limits).  A boot of its own, about a minute.  Result lines are
# scale/NAME.
SCALE_PROCS ?= 30000
SCALE_MEM   ?= 4G
.PHONY: test-scale
test-scale: $(GUEST_BINS) guest-image
	$(Q)mkdir -p $(BUILD)/results
	$(Q)rm -f $(BUILD)/results/scale.txt; \
	$(GUEST_RUNNER) --test-timeout 400 --timeout 500 --prefix scale --results $(BUILD)/results/scale.txt \
	    --append "scale.procs=$(SCALE_PROCS)" \
	    --qemu "$(QEMU) $(subst -m $(MEM),-m $(SCALE_MEM),$(subst -smp $(CPUS),-smp 2,$(QEMU_FLAGS)))" \
	    --kernel $(KERNEL) --initrd $(INITRD) scale_procs task_limits
TEST_SUITES += test-scale

# All the memory (tests/guest/scale_memory.c): a 16 GiB guest, whose RAM
# above 4 GiB must be in MemTotal, and one process writing 4.5 GiB, more
# than lies below 4 GiB, reading it back and freeing it.  QEMU allocates
# guest RAM as it is first written, so the host gives about 5 GiB.  A boot
# of its own; result lines are bigmem/NAME.
BIGMEM_MEM ?= 16G
.PHONY: test-bigmem
test-bigmem: $(GUEST_BINS) guest-image
	$(Q)mkdir -p $(BUILD)/results
	$(Q)rm -f $(BUILD)/results/bigmem.txt; \
	$(GUEST_RUNNER) --test-timeout 400 --timeout 500 --prefix bigmem --results $(BUILD)/results/bigmem.txt \
	    --append "scale.mem=$(BIGMEM_MEM:G=)" \
	    --qemu "$(QEMU) $(subst -m $(MEM),-m $(BIGMEM_MEM),$(subst -smp $(CPUS),-smp 2,$(QEMU_FLAGS)))" \
	    --kernel $(KERNEL) --initrd $(INITRD) scale_memory
TEST_SUITES += test-bigmem

.PHONY: guest-tests guest-image test-guest test-guest-linux test-guest-one test-interactive
guest-tests: $(GUEST_BINS)

# The image is rebuilt first (the initrd must hold the current tests); if the
# kernel or image cannot be built, the runner reports a FAIL with the reason.
guest-image:
	$(Q)$(MAKE) --no-print-directory kernel initrd || \
	    echo "guest: kernel or initrd build failed; the Tessera side will FAIL"

test-guest: $(GUEST_BINS) guest-image
	$(Q)mkdir -p $(BUILD)/results
	$(Q)$(GUEST_RUNNER) --results $(GUEST_RESULTS) --prefix $(GUEST_PREFIX) \
	    --qemu "$(QEMU) $(QEMU_FLAGS)" --kernel $(KERNEL) --initrd $(INITRD)

# The debug kernel (lock validation, allocation sites) built apart in
# $(BUILD)/debug and run over the same tests, leaks enforced.
.PHONY: test-guest-debug
test-guest-debug:
	$(Q)mkdir -p $(BUILD)/results
	$(Q)$(MAKE) --no-print-directory DEBUG=1 BUILD=$(BUILD)/debug GUEST_PREFIX=guest-debug \
	    GUEST_RESULTS=$(BUILD)/results/guest-debug.txt test-guest

# The soak (user/soak.c, docs/testing.md): init=/bin/soak runs a mixed
# workload for SOAK_OPS operations on SOAK_CPUS CPUs, checks that it leaked
# nothing, then becomes the test driver, so the guest tests run in the same
# boot with leaks enforced.  Results in $(BUILD)/results/soak.txt.
SOAK_OPS  ?= 100000
SOAK_CPUS ?= 4
.PHONY: soak
soak: $(GUEST_BINS) guest-image
	$(Q)mkdir -p $(BUILD)/results
	$(Q)$(PYTHON) tests/guest/runner.py --build $(BUILD) --leaks enforce --prefix soak-guest \
	    --results $(BUILD)/results/soak.txt --init /bin/soak --append "soak.ops=$(SOAK_OPS)" \
	    --expect soak/workload --show soak: --start-timeout 3600 --timeout 4000 \
	    --qemu "$(QEMU) $(subst -smp $(CPUS),-smp $(SOAK_CPUS),$(QEMU_FLAGS))" --kernel $(KERNEL) --initrd $(INITRD)

test-guest-linux: $(GUEST_BINS)
	$(Q)mkdir -p $(BUILD)/results
	$(Q)$(GUEST_RUNNER) --linux-only --results $(BUILD)/results/guest-linux.txt

test-guest-one: $(GUEST_BINS) guest-image
	$(Q)$(GUEST_RUNNER) --qemu "$(QEMU) $(QEMU_FLAGS)" --kernel $(KERNEL) \
	    --initrd $(INITRD) --verbose $(T)

test-interactive: guest-image
	$(Q)mkdir -p $(BUILD)/results
	$(Q)$(PYTHON) tests/interactive/session.py --results $(BUILD)/results/interactive.txt \
	    --qemu "$(QEMU) $(QEMU_FLAGS)" --kernel $(KERNEL) --initrd $(INITRD) --build $(BUILD) \
	    --make "$(MAKE) --no-print-directory"

TEST_SUITES += test-guest test-interactive
ifneq ($(DEBUG),1)
TEST_SUITES += test-guest-debug
endif
