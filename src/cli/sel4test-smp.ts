// Whether a sel4test driver was built for a multicore kernel, from the binary alone.
//
// A root task records almost nothing of the kernel configuration it was built for: libsel4's
// CONFIG_MAX_NUM_NODES is a macro, and no array or string in the driver is sized or named by it.
// sel4test is the exception: every test is a `testcase_t` in the `_test_case` section of the test
// process (the `sel4test-tests` ELF the driver carries in its CPIO archive), and its `enabled`
// word is the test's configuration condition evaluated at compile time. SCHED_CONTEXT_0014 is
// enabled exactly when `config_set(CONFIG_KERNEL_MCS) && CONFIG_MAX_NUM_NODES > 1`
// (sel4test apps/sel4test-tests/src/tests/schedcontext.c), so it says "SMP" or "not SMP" for an
// MCS build. The number of cores is not recorded: sel4test's settings.cmake sets KernelMaxNumNodes
// to 4 for -DSMP=TRUE unless -DNUM_NODES=n says otherwise, so an SMP driver gets 4 cores here and
// a NUM_NODES build needs --num-nodes n.

import { ElfError, findSymbol, parseElf, type ElfFile } from "../machine/elf.ts";

/** The cores sel4test's settings.cmake gives an SMP build (KernelMaxNumNodes without NUM_NODES). */
export const SEL4TEST_SMP_NODES = 4;

/** The test whose `enabled` word is `CONFIG_KERNEL_MCS && CONFIG_MAX_NUM_NODES > 1`. */
const MARKER_TEST = "SCHED_CONTEXT_0014";
/** sizeof(testcase_t) on a 64-bit build: name[64 - 4 * 8], description, function, test_type, enabled. */
const TESTCASE_BYTES = 64;
const ENABLED_OFFSET = 56;
const NAME_BYTES = 32;

const TESTS_NAME = new TextEncoder().encode("sel4test-tests\0");
const CPIO_NEWC = "070701";
const CPIO_HEADER = 110;

/**
 * For a sel4test driver image (its loadable bytes): true if its test process was built for more
 * than one core, false if for one, null if this is no sel4test driver (or the marker is absent).
 */
export function sel4testBuiltForSmp(image: Uint8Array): boolean | null {
  const tests = cpioFile(image);
  if (tests === null) return null;
  let elf: ElfFile;
  try {
    elf = parseElf(tests);
  } catch (e) {
    if (e instanceof ElfError) return null;
    throw e;
  }
  const start = findSymbol(elf, "__start__test_case");
  const stop = findSymbol(elf, "__stop__test_case");
  if (start === undefined || stop === undefined) return null;
  for (let a = start.value; a + TESTCASE_BYTES <= stop.value; a += TESTCASE_BYTES) {
    const entry = at(elf, a, TESTCASE_BYTES);
    if (entry === null) return null;
    if (cName(entry.subarray(0, NAME_BYTES)) !== MARKER_TEST) continue;
    const dv = new DataView(entry.buffer, entry.byteOffset, TESTCASE_BYTES);
    return dv.getUint32(ENABLED_OFFSET, true) !== 0 || dv.getUint32(ENABLED_OFFSET + 4, true) !== 0;
  }
  return null;
}

/** The bytes of the CPIO (newc) member named sel4test-tests, wherever the archive lies. */
function cpioFile(image: Uint8Array): Uint8Array | null {
  const first = TESTS_NAME[0];
  outer: for (let i = CPIO_HEADER; i + TESTS_NAME.length <= image.length; i++) {
    if (image[i] !== first) continue;
    for (let k = 1; k < TESTS_NAME.length; k++) if (image[i + k] !== TESTS_NAME[k]) continue outer;
    const h = i - CPIO_HEADER;
    if (ascii(image, h, 6) !== CPIO_NEWC) continue;
    const size = hex(image, h + 54);
    const nameSize = hex(image, h + 94);
    if (size === null || nameSize !== TESTS_NAME.length) continue;
    const data = h + ((CPIO_HEADER + nameSize + 3) & ~3); // 4-aligned within the archive
    if (data + size > image.length) return null;
    return image.subarray(data, data + size);
  }
  return null;
}

/** `len` bytes at virtual address `a` of the ELF's file-backed segments, or null. */
function at(elf: ElfFile, a: number, len: number): Uint8Array | null {
  for (const s of elf.segments)
    if (a >= s.vaddr && a + len <= s.vaddr + s.data.length)
      return s.data.subarray(a - s.vaddr, a - s.vaddr + len);
  return null;
}

function ascii(b: Uint8Array, off: number, len: number): string {
  let s = "";
  for (let k = 0; k < len; k++) s += String.fromCharCode(b[off + k]);
  return s;
}

/** An 8-digit hex field of a newc header. */
function hex(b: Uint8Array, off: number): number | null {
  const s = ascii(b, off, 8);
  return /^[0-9A-Fa-f]{8}$/.test(s) ? Number.parseInt(s, 16) : null;
}

function cName(b: Uint8Array): string {
  const end = b.indexOf(0);
  return ascii(b, 0, end < 0 ? b.length : end);
}
