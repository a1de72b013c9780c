# sel4ts C SDK: Makefile fragment for building seL4 root tasks and Microkit PDs.
#
# In a Makefile:
#     SEL4TS_SDK := path/to/sdk          (optional: defaults to this file's directory)
#     include $(SEL4TS_SDK)/sdk.mk
#     hello.elf: hello.c
#     	$(call sel4ts_microkit_pd,$@,$^)
#     root.elf: root.c
#     	$(call sel4ts_root_task,$@,$^)
#
# Each call compiles the SDK's runtime with the program's sources and links one
# static ELF. Builds are reproducible: no build id, source paths (in the DWARF debug
# info too, which -g adds for debuggers: it never changes the code) relative to the
# directory make runs in, and objects linked in a fixed order.

ifndef SEL4TS_SDK
SEL4TS_SDK := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
endif

SEL4TS_CROSS ?= riscv64-unknown-elf-
SEL4TS_CC ?= $(SEL4TS_CROSS)gcc

# The kernel configuration to build for: a directory of config/ (default, nofpu, smp, ...), each
# generated from src/abi/config.ts with its autoconf.h and its float ABI (lp64d with the FPU, lp64
# without, as seL4's build does). `sel4ts boot` reads the float ABI back from the ELF header.
SEL4TS_CONFIG ?= default
include $(SEL4TS_SDK)/config/$(SEL4TS_CONFIG)/config.mk
SEL4TS_CFLAGS := $(SEL4TS_ARCH_FLAGS) -std=gnu11 -O2 -g -ffreestanding -nostdlib -fno-builtin -static \
    -mno-relax -fno-pic -fno-stack-protector -fno-delete-null-pointer-checks -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
    -fno-ident -Wall -Wextra -Wno-unused-parameter \
    -ffile-prefix-map=$(CURDIR)/= -ffile-prefix-map=$(CURDIR)=. -ffile-prefix-map=$(abspath $(SEL4TS_SDK))=sdk \
    -Wa,--debug-prefix-map=$(CURDIR)=. \
    -I$(SEL4TS_SDK)/config/$(SEL4TS_CONFIG) -I$(SEL4TS_SDK)/include -I$(SEL4TS_SDK)/libc/include $(EXTRA_CFLAGS)
SEL4TS_LDFLAGS := -nostdlib -static -Wl,--build-id=none -Wl,--no-relax $(EXTRA_LDFLAGS)

SEL4TS_LIBC_SRCS := $(SEL4TS_SDK)/libc/src/string.c $(SEL4TS_SDK)/libc/src/printf.c $(SEL4TS_SDK)/libc/src/tls.c
SEL4TS_MICROKIT_SRCS := $(SEL4TS_SDK)/libmicrokit/crt0.S $(SEL4TS_SDK)/libmicrokit/main.c \
    $(SEL4TS_SDK)/libmicrokit/dbg.c $(SEL4TS_LIBC_SRCS)
SEL4TS_ROOT_SRCS := $(SEL4TS_SDK)/rootserver/crt0.S $(SEL4TS_SDK)/rootserver/runtime.c $(SEL4TS_LIBC_SRCS)

SEL4TS_SDK_DEPS := $(wildcard $(SEL4TS_SDK)/config/$(SEL4TS_CONFIG)/* $(SEL4TS_SDK)/include/*.h $(SEL4TS_SDK)/include/*/*.h $(SEL4TS_SDK)/include/*/*/*.h \
    $(SEL4TS_SDK)/libc/include/*.h) $(SEL4TS_SDK)/link/microkit.ld $(SEL4TS_SDK)/link/root.ld \
    $(SEL4TS_MICROKIT_SRCS) $(SEL4TS_ROOT_SRCS)

# $(call sel4ts_link,OUT,LINKER_SCRIPT,SOURCES): compile SOURCES into OUT.tmp/ and link OUT.
define sel4ts_link
	@mkdir -p $(1).tmp
	@set -e; i=0; objs=""; for src in $(3); do \
	    i=$$((i + 1)); obj=$(1).tmp/$$i.o; \
	    $(SEL4TS_CC) $(SEL4TS_CFLAGS) -c $$src -o $$obj; objs="$$objs $$obj"; \
	done; \
	$(SEL4TS_CC) $(SEL4TS_CFLAGS) $(SEL4TS_LDFLAGS) -T $(2) -o $(1) $$objs
	@rm -rf $(1).tmp
endef

# A Microkit protection domain (linked at 0x200000, entered through libmicrokit's main).
sel4ts_microkit_pd = $(call sel4ts_link,$(1),$(SEL4TS_SDK)/link/microkit.ld,$(SEL4TS_MICROKIT_SRCS) $(2))

# A root task (main(seL4_BootInfo *) called by the SDK's root task runtime).
sel4ts_root_task = $(call sel4ts_link,$(1),$(SEL4TS_SDK)/link/root.ld,$(SEL4TS_ROOT_SRCS) $(2))
