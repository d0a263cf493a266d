# Host tools: the schedule simulator and the scheduling benchmark.  Both are
# built from the kernel's own policy files (kernel/sched/policy_*.c), so what
# they show is what the kernel does.
SCHED_POLICY_SRC := $(sort $(wildcard kernel/sched/policy_*.c)) kernel/sched/policies.c kernel/sched/class.c kernel/lib/rbtree.c
SCHEDSIM_SRC     := $(filter-out tools/schedsim/schedbench.c,$(sort $(wildcard tools/schedsim/*.c)))
SCHEDSIM_DEPS    := $(wildcard tools/schedsim/*.h include/sched/*.h) include/lib/rbtree.h include/lib/list.h
# -fno-strict-aliasing as the kernel: policies lay their own structs over
# the opaque areas of struct sched_entity and struct sched_rq.
TOOLS_CFLAGS     := -std=gnu11 -O2 -g -fno-strict-aliasing -Wall -Wextra -Werror -Wno-unused-parameter \
                    -Wno-missing-field-initializers $(WPROTO) -Iinclude -DHOST_TEST

$(BUILD)/schedsim: $(SCHEDSIM_SRC) $(SCHED_POLICY_SRC) $(SCHEDSIM_DEPS)
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(TOOLS_CFLAGS) $(SCHEDSIM_SRC) $(SCHED_POLICY_SRC) -o $@ -lm

$(BUILD)/schedbench: tools/schedsim/schedbench.c kernel/sched/class_bench.c $(SCHED_POLICY_SRC) $(SCHEDSIM_DEPS)
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(TOOLS_CFLAGS) tools/schedsim/schedbench.c kernel/sched/class_bench.c $(SCHED_POLICY_SRC) -o $@

.PHONY: schedsim bench-sched test-schedsim
schedsim: $(BUILD)/schedsim

# The host program's figures, then the kernel's own: the same decisions
# (kernel/sched/class_bench.c) timed at boot with sched_bench=, under QEMU's
# icount (one nanosecond is one instruction; no caches are modelled).
SCHED_BENCH_ITERS ?= 20000
bench-sched: $(BUILD)/schedbench schedlab-image
	$(Q)$(BUILD)/schedbench
	@echo
	@echo "In the kernel (sched_bench=$(SCHED_BENCH_ITERS), TCG -icount shift=0: instructions per decision):"
	$(Q)timeout 600 $(QEMU) $(subst -smp $(CPUS),-smp 1,$(QEMU_FLAGS)) -icount shift=0,sleep=off -serial stdio \
	    -append "sched_bench=$(SCHED_BENCH_ITERS) init=/bin/true" </dev/null 2>&1 | tr -d '\r' | \
	    sed -n 's/^\[[^]]*\] sched_bench: //p'

# The book's worked examples, checked figure by figure, and every mode
# against saved outputs of the book's homework tools.
test-schedsim: $(BUILD)/schedsim
	$(Q)tools/schedsim/check-examples.sh $(BUILD)/schedsim $(BUILD)/results/schedsim.txt; a=$$?; \
	tools/schedsim/check-python.sh $(BUILD)/schedsim $(BUILD)/results/schedsim.txt; b=$$?; \
	exit $$((a | b))

TEST_SUITES += test-schedsim

# ---------------------------------------------------------------- schedlab and traces
# test-schedlab boots Tessera with /bin/schedlab-suite.sh as init: it runs
# `schedlab SCHEDLAB_ARGS` (the uniprocessor experiments, each pinned to CPU
# 0) and the RESULT lines become PASS/FAIL lines.  It runs under QEMU's
# icount (virtual time: one instruction is one nanosecond, an idle guest
# skips ahead), so that the host's load cannot move the figures: on wall
# time a vCPU thread the host deschedules charges the gap to whichever job
# runs, and on a busy host the io experiment then fails a few times in a
# hundred, piped or not (docs/scheduling.md).  SCHEDLAB_CLOCK= runs it on
# wall time.  Then a second boot on SCHEDLAB_MP_CPUS CPUs runs `schedlab
# SCHEDLAB_MP_ARGS` (the multiprocessor experiments) on wall time: icount
# runs every vCPU in turn on one host thread and gives the first nearly all
# the instructions, which no multiprocessor experiment survives
# (SCHEDLAB_MP_ARGS= leaves that boot out).  `make trace CMD="..."` runs a
# command in Tessera with the scheduling trace on and writes
# $(BUILD)/trace.json (Perfetto) and $(BUILD)/trace.svg; test-trace checks
# such a capture.
TRACETOOL_SRC    := tools/tracetool/tracetool.c tools/schedsim/trace_out.c
SCHEDLAB_ARGS    ?= uni
SCHEDLAB_MP_ARGS ?= multi
SCHEDLAB_MP_CPUS ?= 4
SCHEDLAB_TIMEOUT ?= 300
# recursive: `,` is the Makefile's, defined after this fragment is read
SCHEDLAB_CLOCK   ?= $(if $(filter kvm,$(ACCEL)),,-icount shift=0$(,)sleep=off)
CMD              ?= schedlab run rr

$(BUILD)/tracetool: $(TRACETOOL_SRC) tools/schedsim/trace_out.h
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(TOOLS_CFLAGS) $(TRACETOOL_SRC) -o $@

.PHONY: tracetool trace test-schedlab test-trace schedlab-image
tracetool: $(BUILD)/tracetool

schedlab-image:
	$(Q)$(MAKE) --no-print-directory kernel initrd || echo "schedlab: kernel or initrd build failed"

test-schedlab: schedlab-image
	$(Q)mkdir -p $(BUILD)/results
	$(Q)rm -f $(BUILD)/results/schedlab.txt; \
	for boot in uni mp; do \
	    if [ $$boot = uni ]; then args="$(SCHEDLAB_ARGS)"; log=$(BUILD)/schedlab-console.log; \
	        flags="$(QEMU_FLAGS) $(SCHEDLAB_CLOCK)"; \
	    else args="$(SCHEDLAB_MP_ARGS)"; log=$(BUILD)/schedlab-mp-console.log; \
	        flags="$(subst -smp $(CPUS),-smp $(SCHEDLAB_MP_CPUS),$(QEMU_FLAGS))"; fi; \
	    [ -n "$$args" ] || continue; \
	    timeout $(SCHEDLAB_TIMEOUT) $(QEMU) $$flags -serial stdio \
	        -append "init=/bin/schedlab-suite.sh quiet -- $$args" </dev/null >$$log 2>&1; \
	    tr -d '\r' <$$log | awk -v f=$$log ' \
	        /^RESULT (PASS|FAIL) / { print $$2 " schedlab-" $$3; n++ } \
	        /^@@SCHEDLAB-END/ { end = 1 } \
	        END { if (!end) print "FAIL schedlab-run (no end marker: see " f ")"; \
	              else if (!n) print "FAIL schedlab-run (no results: see " f ")" }' \
	        >$$log.results; \
	    cat $$log.results >>$(BUILD)/results/schedlab.txt; \
	    if grep -q '^FAIL' $$log.results; then grep -v '^\[' $$log | tail -40; \
	        echo "schedlab: failures above (full log: $$log)"; fi; \
	done; true

trace: schedlab-image $(BUILD)/tracetool
	$(Q)tools/tracetool/capture.sh "$(QEMU) $(QEMU_FLAGS)" "$(CMD)" $(BUILD)/trace $(BUILD)/tracetool

test-trace: schedlab-image $(BUILD)/tracetool
	$(Q)tools/tracetool/check.sh "$(QEMU) $(QEMU_FLAGS)" $(BUILD)/tracetool $(BUILD)/trace-test \
	    $(BUILD)/results/trace.txt

TEST_SUITES += test-schedlab test-trace

# ---------------------------------------------------------------- image builder
# test-image: an EXTRA tree that shadows applets and holds links out of the
# image must not change anything outside the build folder, and must land in
# the image as given (tools/check-mkinitrd.sh).
.PHONY: test-image
test-image:
	$(Q)tools/check-mkinitrd.sh $(BUILD)/image-test $(BUILD)/results/image.txt

TEST_SUITES += test-image
