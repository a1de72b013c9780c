#!/bin/sh
# Rebuilds the RV64 instruction-test ELFs (test/machine/riscv/bin/*.elf) from their assembly
# sources with Debian's riscv64-unknown-elf-gcc. Deterministic: fixed flags, no build id, and
# assembling and linking as two steps with fixed object names (a one-step build would record
# the compiler's random temporary file name as the ELF's FILE symbol).
set -eu
cd "$(dirname "$0")/../test/machine/riscv/asm"
CC=${CC:-riscv64-unknown-elf-gcc}
ARCH_INT="-march=rv64imac_zicsr_zifencei -mabi=lp64"
# The F/D tests (fp*.S) need the floating-point instructions; their ABI stays lp64.
ARCH_FP="-march=rv64imafdc_zicsr_zifencei -mabi=lp64"
OBJ=$(mktemp -d)
trap 'rm -rf "$OBJ"' EXIT
mkdir -p ../bin
for src in *.S; do
  name=${src%.S}
  case $name in fp*) ARCH=$ARCH_FP ;; *) ARCH=$ARCH_INT ;; esac
  # shellcheck disable=SC2086
  "$CC" $ARCH -mno-relax -c -o "$OBJ/$name.o" "$src"
  (cd "$OBJ" && "$CC" $ARCH -nostdlib -static -Wl,--build-id=none -Wl,-T,"$OLDPWD/link.ld" -o "$OLDPWD/../bin/$name.elf" "$name.o")
done
