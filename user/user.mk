# Tessera's own user programs: static musl binaries installed into the image.
USER_SRCS  := $(wildcard user/*.c)
USER_BINS  := $(USER_SRCS:user/%.c=$(BUILD)/user/%)
USER_CFLAGS := -static -O2 -Wall -Wextra -Werror $(WPROTO)

$(BUILD)/user/%: user/%.c
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  MUSLCC  $<"
	$(Q)$(MUSLCC) $(USER_CFLAGS) $< -o $@
