# Tessera build.  `make run` boots to a shell, `make test` runs every suite.
# Suites and tools add their own rules through the *.mk fragments included below.

DEBUG      ?= 0
# DEBUG=1: lock validation and leak accounting (docs/locking.md, docs/testing.md), built apart
ifeq ($(DEBUG),1)
BUILD      ?= build/debug
else
BUILD      ?= build
endif
CPUS       ?= 2
MEM        ?= 512M
# NUMA=n: the CPUs and memory split over n NUMA nodes, NUMA_DIST apart (docs/numa.md)
NUMA       ?= 1
NUMA_DIST  ?= 20
ACCEL      ?= tcg
CMDLINE    ?=
EXTRA      ?=
# host programs brought into the image with their libraries (docs/hostprogs.md)
HOSTPROGS  ?=
V          ?= 0

ifeq ($(V),0)
Q := @
else
Q :=
endif

CC         := gcc
LD         := ld
MUSLCC     := musl-gcc
HOSTCC     := gcc
PYTHON     := python3

KERNEL     := $(BUILD)/kernel.elf
INITRD     := $(BUILD)/initrd.cpio

# ---------------------------------------------------------------- kernel
VDSO_DIR   := arch/x86_64/vdso
KSRC_DIRS  := arch/x86_64 kernel drivers
KSRCS_C    := $(shell find $(KSRC_DIRS) -name '*.c' -not -path '$(VDSO_DIR)/*' 2>/dev/null | sort)
KSRCS_S    := $(shell find $(KSRC_DIRS) -name '*.S' 2>/dev/null | sort)
KOBJS      := $(KSRCS_C:%.c=$(BUILD)/k/%.o) $(KSRCS_S:%.S=$(BUILD)/k/%.o)

# Every function used outside its file is declared in its owner's header, where
# the compiler checks the definition against it; with -Werror a definition
# that has no prototype in sight, or a declaration inside a function, fails.
# Used by every C build here: kernel, vDSO, host tests, tools, user programs,
# guest tests and benchmarks.
WPROTO     := -Wmissing-prototypes -Wmissing-declarations -Wnested-externs

KCFLAGS    := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -mno-red-zone \
              -mgeneral-regs-only -mcmodel=kernel -fno-stack-protector \
              -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -fno-common \
              -fno-strict-aliasing -fcf-protection=none -Wall -Wextra -Werror \
              -Wno-unused-parameter -Wno-missing-field-initializers \
              $(WPROTO) -Iinclude -Iinclude/arch -MMD -MP -D__TESSERA_KERNEL__
ifeq ($(DEBUG),1)
KCFLAGS    += -DCONFIG_DEBUG
endif
KLDFLAGS   := -nostdlib -static -z max-page-size=0x1000 --no-warn-rwx-segments \
              -T arch/x86_64/link.ld

.PHONY: all kernel initrd run test deps clean gdb bench user
all: kernel initrd

kernel: $(KERNEL)

$(BUILD)/k/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.o: %.S
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  AS      $<"
	$(Q)$(CC) $(KCFLAGS) -D__ASSEMBLY__ -c $< -o $@

# Two-pass link: the symbol table (for symbolized backtraces) is placed last
# in the image, so generating it does not move any other symbol.  Before it,
# tools/check-layers.sh checks the seam between generic code and the
# architecture and the layers above it (docs/architecture.md), and
# tools/check-lock-order.sh that the lock hierarchy is written once
# (docs/locking.md).
$(KERNEL): $(KOBJS) arch/x86_64/link.ld tools/gen-ksyms.sh tools/check-layers.sh tools/check-lock-order.sh \
           docs/locking.md
	$(Q)tools/check-layers.sh
	$(Q)tools/check-lock-order.sh
	@[ "$(V)" != 0 ] || echo "  LD      $@"
	$(Q)tools/gen-ksyms.sh /dev/null > $(BUILD)/ksyms0.S
	$(Q)$(CC) $(KCFLAGS) -D__ASSEMBLY__ -c $(BUILD)/ksyms0.S -o $(BUILD)/ksyms0.o
	$(Q)$(LD) $(KLDFLAGS) -o $(BUILD)/kernel.0.elf $(KOBJS) $(BUILD)/ksyms0.o
	$(Q)tools/gen-ksyms.sh $(BUILD)/kernel.0.elf > $(BUILD)/ksyms.S
	$(Q)$(CC) $(KCFLAGS) -D__ASSEMBLY__ -c $(BUILD)/ksyms.S -o $(BUILD)/ksyms.o
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.o
	$(Q)tools/gen-ksyms.sh --check $(BUILD)/kernel.0.elf $@

-include $(KOBJS:.o=.d)

# The vDSO (docs/kernel.md): a shared object of its own, built with user-space
# flags and linked by its script, stripped, checked (no relocations, every
# symbol libcs look up at LINUX_2.6), then embedded by vdso_image.S.
VDSO_SO    := $(BUILD)/vdso/vdso.so
VDSO_OBJS  := $(patsubst $(VDSO_DIR)/%.c,$(BUILD)/vdso/%.o,$(wildcard $(VDSO_DIR)/*.c))
VDSO_CFLAGS := -std=gnu11 -O2 -fPIC -ffreestanding -fno-stack-protector -fcf-protection=none \
              -fasynchronous-unwind-tables -fvisibility=hidden -Wall -Wextra -Werror \
              -Wno-unused-parameter $(WPROTO) -Iinclude -MMD -MP -D__TESSERA_VDSO__
VDSO_LDFLAGS := -shared -nostdlib --hash-style=both --build-id=sha1 -soname=linux-vdso.so.1 \
              --eh-frame-hdr -Bsymbolic -z max-page-size=4096 --no-undefined

$(BUILD)/vdso/%.o: $(VDSO_DIR)/%.c
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  CC      $< (vDSO)"
	$(Q)$(CC) $(VDSO_CFLAGS) -c $< -o $@

$(VDSO_SO): $(VDSO_OBJS) $(VDSO_DIR)/vdso.lds tools/check-vdso.sh
	@[ "$(V)" != 0 ] || echo "  LD      $@"
	$(Q)$(LD) $(VDSO_LDFLAGS) -T $(VDSO_DIR)/vdso.lds -o $@.dbg $(VDSO_OBJS)
	$(Q)objcopy -S $@.dbg $@
	$(Q)tools/check-vdso.sh $@

$(BUILD)/k/arch/x86_64/vdso_image.o: $(VDSO_SO)
$(BUILD)/k/arch/x86_64/vdso_image.o: KCFLAGS += -DVDSO_IMAGE='"$(VDSO_SO)"'

-include $(VDSO_OBJS:.o=.d)

# ---------------------------------------------------------------- fragments
# user/user.mk      : Tessera's own user programs (musl, static) -> $(USER_BINS)
# tests/host/host.mk: host unit tests                             -> test-host
# tests/guest/guest.mk: guest behaviour tests                     -> test-guest
# tests/debian/debian.mk: unmodified Debian programs in Tessera    -> test-debian
# bench/bench.mk    : benchmarks                                  -> bench
# tools/tools.mk    : host tools (schedsim, trace renderer, ...)
-include user/user.mk tools/tools.mk tests/host/host.mk tests/guest/guest.mk tests/debian/debian.mk bench/bench.mk

# ---------------------------------------------------------------- image
initrd: $(INITRD)
$(INITRD): $(USER_BINS) $(GUEST_BINS) tools/mkinitrd.sh tools/hostprogs.sh $(shell find rootfs -type f 2>/dev/null) FORCE
	$(Q)HOSTPROGS="$(HOSTPROGS)" tools/mkinitrd.sh $@ "$(EXTRA)" $(USER_BINS) -- $(GUEST_BINS)

FORCE:

# ---------------------------------------------------------------- running
, := ,
QEMU       := qemu-system-x86_64
# KVM needs arch-capabilities off (notes: QEMU 7.2 cannot set that MSR)
QEMU_ACCEL := $(if $(filter kvm,$(ACCEL)),-accel kvm -cpu max$(,)-arch-capabilities,-accel tcg -cpu max)
QEMU_MACHINE := $(if $(filter-out 0 1,$(NUMA)),$(shell tools/qemu-numa.sh $(NUMA) $(CPUS) $(MEM) $(NUMA_DIST)),-smp $(CPUS) -m $(MEM))
ifeq ($(QEMU_MACHINE),)
$(error NUMA=$(NUMA) CPUS=$(CPUS) MEM=$(MEM) NUMA_DIST=$(NUMA_DIST) cannot be split into nodes (see above))
endif
QEMU_FLAGS := $(QEMU_ACCEL) -M pc $(QEMU_MACHINE) -nodefaults -no-user-config \
              -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
              -kernel $(KERNEL) -initrd $(INITRD)

# deps installs what is missing (tools/deps.sh).  run, gdb and test build
# through a second make that starts once deps has finished, so that even
# with -j nothing that needs musl-gcc, QEMU or busybox starts before it is
# installed.  Nothing that make reads when it parses the Makefiles may depend
# on an installed tool: such values are recursive (=) or computed in the
# recipe (HOST_LIBS, the static-PIE rule in tests/guest/guest.mk).
deps:
	$(Q)tools/deps.sh

BUILD_AFTER_DEPS = $(MAKE) --no-print-directory all

# QEMU's exit status: 33 is a clean power-off (poweroff, or init exiting 0), so
# make sees success; 35 (init failed) and 37 (kernel panic) stay failures.
QEMU_STATUS = rc=$$?; case $$rc in 33) exit 0 ;; 35) echo "Tessera: init failed; the machine stopped" ;; \
              37) echo "Tessera: kernel panic (see above)" ;; esac; exit $$rc

run: deps
	$(Q)$(BUILD_AFTER_DEPS)
	@echo "Tessera: booting under QEMU ($(ACCEL), $(CPUS) CPUs, $(MEM)$(if $(filter-out 0 1,$(NUMA)),$(,) $(NUMA) NUMA nodes)).  Leave with 'poweroff' at the prompt, or Ctrl-A x; Ctrl-C goes to the guest."
	$(Q)$(QEMU) $(QEMU_FLAGS) -chardev stdio,id=con,mux=on,signal=off -serial chardev:con -mon chardev=con \
	    -append "$(CMDLINE)"; $(QEMU_STATUS)

# The gdbstub listens on the loopback interface only: it gives full control of the machine.
gdb: deps
	$(Q)$(BUILD_AFTER_DEPS)
	@echo "QEMU waits for gdb on 127.0.0.1:1234; in another terminal: gdb -ex 'target remote 127.0.0.1:1234' $(KERNEL)"
	$(Q)$(QEMU) $(QEMU_FLAGS) -gdb tcp:127.0.0.1:1234 -S -chardev stdio,id=con,mux=on,signal=off -serial chardev:con \
	    -mon chardev=con -append "$(CMDLINE)"; $(QEMU_STATUS)

# `make test` runs every suite; each writes PASS/FAIL lines to $(BUILD)/results/<suite>.txt.
# One make per suite, so a suite that does not build or run is reported as a failure by name.
test: deps
	$(Q)$(BUILD_AFTER_DEPS) || echo "test: the build failed; every suite still runs, and those that need it fail"
	$(Q)rm -rf $(BUILD)/results && mkdir -p $(BUILD)/results
	$(Q)tools/run-suites.sh $(BUILD)/results "$(MAKE) --no-print-directory" $(TEST_SUITES)
	$(Q)tools/summarize.sh $(BUILD)/results

test-suites: $(TEST_SUITES)

clean:
	rm -rf $(BUILD)
