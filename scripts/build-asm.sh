#!/bin/sh
# Rebuilds the RV64 instruction-test ELFs (test/machine/riscv/bin/*.elf) from their assembly
# sources with Debian's riscv64-unknown-elf-gcc. Deterministic: fixed flags, no build id, no
# timestamps, sources given by relative path so no absolute path ends up in the output.
set -eu
cd "$(dirname "$0")/../test/machine/riscv/asm"
CC=${CC:-riscv64-unknown-elf-gcc}
mkdir -p ../bin
for src in *.S; do
  name=${src%.S}
  "$CC" -march=rv64imac_zicsr_zifencei -mabi=lp64 -nostdlib -static -mno-relax \
    -Wl,--build-id=none -Wl,-T,link.ld -o "../bin/$name.elf" "$src"
done
