# Unmodified Debian programs inside Tessera (docs/testing.md, "Debian
# programs"): one boot of an image holding the host's bash, dash, coreutils,
# python3, procps, sysstat, util-linux, strace, numactl and perf with their
# libraries (tools/hostprogs.sh), running tests/debian/cases.sh as init;
# tests/debian/check.py compares what Linux prints for the same cases, or
# judges what the output means.  Results in $(BUILD)/results/debian.txt.
#
#   make test-debian                  every case
#   make test-debian DEBIAN_CASES="ps_threads top"   some cases, with their output
#
# The image is $(BUILD)/debian/initrd.cpio, apart from the usual one; it is
# built again when a package of the host changes (/var/lib/dpkg/status).

# names in /usr/bin, or absolute paths
DEBIAN_PROGS  := bash dash python3 \
                 ls seq touch sort head uniq wc cat tr cut tail tac nl paste fold expand comm yes printf \
                 sha256sum md5sum sha1sum cksum b2sum base64 od stat truncate date mkdir cp mv ln \
                 readlink realpath dd split tee env expr factor basename dirname uname true false test \
                 rm rmdir timeout sleep stdbuf /usr/libexec/coreutils/libstdbuf.so \
                 grep sed find xargs gzip tar diff cmp \
                 ps top free pmap vmstat uptime pidstat mpstat \
                 lscpu taskset chrt renice dmesg strace numactl perf flock
DEBIAN_DIR    := $(BUILD)/debian
DEBIAN_GUEST  := $(DEBIAN_DIR)/extra/debian
DEBIAN_INITRD := $(DEBIAN_DIR)/initrd.cpio
DEBIAN_BINS   := $(DEBIAN_GUEST)/cases.sh $(DEBIAN_GUEST)/perf_stat.sh $(DEBIAN_GUEST)/getppid100 $(DEBIAN_GUEST)/p1 \
                 $(DEBIAN_GUEST)/p2 $(DEBIAN_GUEST)/p3 $(DEBIAN_GUEST)/p4
# the static musl builds of the book's examples, the sources p3 and p4 read,
# and the case selection cases.sh shares with the guest tests' driver
DEBIAN_BOOK   := $(BUILD)/guest/p1 $(BUILD)/guest/p2 $(BUILD)/guest/p3 $(BUILD)/guest/p4 \
                 $(BUILD)/guest/p3.c $(BUILD)/guest/p4.c $(BUILD)/guest/select.sh
# plain gcc: dynamically linked against glibc, as Debian's programs are
DEBIAN_CFLAGS := -O2 -Wall -Wextra -Werror -Wno-unused-parameter $(WPROTO)
DEBIAN_CASES  ?=

$(DEBIAN_GUEST)/%.sh: tests/debian/%.sh
	@mkdir -p $(dir $@)
	$(Q)cp $< $@ && chmod 755 $@

$(DEBIAN_GUEST)/getppid100: tests/debian/getppid100.c
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  CC      $<"
	$(Q)$(HOSTCC) $(DEBIAN_CFLAGS) $< -o $@

# p4 is the book's code verbatim: it keeps an unused variable.
$(DEBIAN_GUEST)/p4: DEBIAN_CFLAGS += -Wno-unused-variable
$(DEBIAN_GUEST)/p%: tests/guest/p%.c
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  CC      $< (glibc, dynamic)"
	$(Q)$(HOSTCC) $(DEBIAN_CFLAGS) $< -o $@

$(DEBIAN_INITRD): $(USER_BINS) $(DEBIAN_BINS) $(DEBIAN_BOOK) tools/mkinitrd.sh tools/hostprogs.sh \
                  tests/debian/debian.mk $(shell find rootfs -type f 2>/dev/null) $(wildcard /var/lib/dpkg/status)
	$(Q)HOSTPROGS="$(foreach p,$(DEBIAN_PROGS),$(if $(filter /%,$(p)),$(p),/usr/bin/$(p)))" tools/mkinitrd.sh $@ $(DEBIAN_DIR)/extra \
	    $(USER_BINS) -- $(DEBIAN_BOOK)

.PHONY: test-debian debian-image
# As for the guest tests, a kernel or image that does not build becomes the
# reason of every case's FAIL line, not a make error.
debian-image:
	$(Q)$(MAKE) --no-print-directory kernel $(DEBIAN_INITRD) || \
	    echo "debian: kernel or image build failed; every case will FAIL"

test-debian: debian-image $(DEBIAN_BINS) $(DEBIAN_BOOK)
	$(Q)mkdir -p $(BUILD)/results
	$(Q)$(PYTHON) tests/debian/check.py --out $(DEBIAN_DIR) --debian-dir $(DEBIAN_GUEST) \
	    --tests-dir $(BUILD)/guest --results $(BUILD)/results/debian.txt \
	    --qemu "$(QEMU) $(patsubst $(INITRD),$(DEBIAN_INITRD),$(QEMU_FLAGS))" \
	    --kernel $(KERNEL) --initrd $(DEBIAN_INITRD) $(if $(DEBIAN_CASES),--verbose $(DEBIAN_CASES))

TEST_SUITES += test-debian
