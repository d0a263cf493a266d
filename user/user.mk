# Tessera's own user programs: static musl binaries installed into the image.
USER_SRCS  := $(wildcard user/*.c)
USER_BINS  := $(USER_SRCS:user/%.c=$(BUILD)/user/%)
USER_CFLAGS := -static -O2 -Wall -Wextra -Werror $(WPROTO)

$(BUILD)/user/%: user/%.c
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  MUSLCC  $<"
	$(Q)$(MUSLCC) $(USER_CFLAGS) $< -o $@

# schedlab's multiprocessor experiments live beside it (user/schedlab/).
SCHEDLAB_PARTS := $(wildcard user/schedlab/*.c)
$(BUILD)/user/schedlab: user/schedlab.c $(SCHEDLAB_PARTS) $(wildcard user/schedlab/*.h)
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  MUSLCC  $< $(SCHEDLAB_PARTS)"
	$(Q)$(MUSLCC) $(USER_CFLAGS) $< $(SCHEDLAB_PARTS) -o $@
