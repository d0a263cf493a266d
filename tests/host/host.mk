# Host unit tests: each tests/host/test_*.c is one check(3) program, built
# under ASan/UBSan.  A test file pulls in the pure kernel sources it tests
# with #include (they compile unchanged on the host: see docs/testing.md).
HOST_TESTS_SRC := $(sort $(wildcard tests/host/test_*.c))
HOST_TESTS     := $(HOST_TESTS_SRC:tests/host/%.c=$(BUILD)/host/%)
HOST_CFLAGS    := -std=gnu11 -O1 -g -fno-strict-aliasing -fsanitize=address,undefined -fno-omit-frame-pointer \
                  -fno-sanitize-recover=all -Wall -Wextra -Werror -Wno-unused-parameter \
                  -Wno-missing-field-initializers $(WPROTO) -Iinclude -Itests/host -DHOST_TEST -MMD -MP
# Recursive (=): pkg-config runs when a test is linked, after `make test` has
# installed check (deps), not when make reads this file.
HOST_LIBS       = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

$(BUILD)/host/%: tests/host/%.c
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $< -o $@ $(HOST_LIBS)

-include $(HOST_TESTS:=.d)

# Also: docs/syscalls.md must be what tools/gen-syscalls.py makes of the
# kernel's registrations and docs/syscall-notes.txt (`make syscall-table`).
.PHONY: test-host syscall-table
test-host: $(HOST_TESTS)
	$(Q)rc=0; tools/run-host-tests.sh $(BUILD)/results/host.txt $(HOST_TESTS) || rc=1; \
	if $(PYTHON) tools/gen-syscalls.py --check docs/syscalls.md; then \
	    echo "PASS host/syscall-table" >> $(BUILD)/results/host.txt; \
	else echo "FAIL host/syscall-table (docs/syscalls.md is stale: make syscall-table)" | \
	    tee -a $(BUILD)/results/host.txt; rc=1; fi; exit $$rc

syscall-table:
	$(Q)$(PYTHON) tools/gen-syscalls.py --out docs/syscalls.md

TEST_SUITES += test-host

# Which implemented calls no guest test exercises, or none compares an error
# of with Linux (tools/syscall-coverage.py; --all for every call).
.PHONY: syscall-coverage
syscall-coverage:
	$(Q)$(PYTHON) tools/syscall-coverage.py
