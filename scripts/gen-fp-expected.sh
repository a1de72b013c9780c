#!/bin/sh
# Regenerates the expected results of the F/D instruction test (test/machine/riscv/fp/expected.bin.gz)
# from an independent implementation: the same program (asm/fp.S) built as a Linux user program and
# run under QEMU's user-mode emulator (Debian's qemu-user: qemu-riscv64), which writes its records
# to stdout. Needs riscv64-unknown-elf-gcc and qemu-riscv64.
set -eu
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ASM="$ROOT/test/machine/riscv/asm"
OUT=${1:-"$ROOT/test/machine/riscv/fp/expected.bin.gz"}
CC=${CC:-riscv64-unknown-elf-gcc}
QEMU=${QEMU:-qemu-riscv64}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ARCH="-march=rv64imafdc_zicsr_zifencei -mabi=lp64"
# shellcheck disable=SC2086
"$CC" $ARCH -DLINUX -mno-relax -c -I "$ASM" -o "$TMP/fp.o" "$ASM/fp.S"
# shellcheck disable=SC2086
"$CC" $ARCH -nostdlib -static -Wl,--build-id=none -Wl,-T,"$ASM/link.ld" -o "$TMP/fp-linux.elf" "$TMP/fp.o"
"$QEMU" "$TMP/fp-linux.elf" >"$TMP/expected.bin"
mkdir -p "$(dirname "$OUT")"
gzip -9 -n -c "$TMP/expected.bin" >"$OUT"
echo "$(wc -c <"$TMP/expected.bin") bytes of records -> $OUT"
