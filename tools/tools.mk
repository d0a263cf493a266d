# Host tools: the schedule simulator and the scheduling benchmark.  Both are
# built from the kernel's own policy files (kernel/sched/policy_*.c), so what
# they show is what the kernel does.
SCHED_POLICY_SRC := $(sort $(wildcard kernel/sched/policy_*.c)) kernel/sched/policies.c kernel/lib/rbtree.c
SCHEDSIM_SRC     := $(filter-out tools/schedsim/schedbench.c,$(sort $(wildcard tools/schedsim/*.c)))
SCHEDSIM_DEPS    := $(wildcard tools/schedsim/*.h include/sched/*.h) include/lib/rbtree.h include/lib/list.h
TOOLS_CFLAGS     := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
                    -Wno-missing-field-initializers -Iinclude -DHOST_TEST

$(BUILD)/schedsim: $(SCHEDSIM_SRC) $(SCHED_POLICY_SRC) $(SCHEDSIM_DEPS)
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(TOOLS_CFLAGS) $(SCHEDSIM_SRC) $(SCHED_POLICY_SRC) -o $@ -lm

$(BUILD)/schedbench: tools/schedsim/schedbench.c $(SCHED_POLICY_SRC) $(SCHEDSIM_DEPS)
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(TOOLS_CFLAGS) tools/schedsim/schedbench.c $(SCHED_POLICY_SRC) -o $@

.PHONY: schedsim bench-sched test-schedsim
schedsim: $(BUILD)/schedsim

bench-sched: $(BUILD)/schedbench
	$(Q)$(BUILD)/schedbench

# The book's worked examples, checked figure by figure.
test-schedsim: $(BUILD)/schedsim
	$(Q)tools/schedsim/check-examples.sh $(BUILD)/schedsim $(BUILD)/results/schedsim.txt

TEST_SUITES += test-schedsim
