import { describe, expect, it } from "vitest";
import { PhysicalMemory, type MmioDevice } from "../../src/machine/memory.ts";
import { RAM_BASE } from "../../src/abi/platform.ts";

const SMALL = 0x10000;

describe("PhysicalMemory", () => {
  it("uses little-endian byte order for every width", () => {
    const m = new PhysicalMemory(RAM_BASE, SMALL);
    m.write32(RAM_BASE, 0x11223344);
    expect([...m.readBytes(RAM_BASE, 4)]).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(m.read16(RAM_BASE)).toBe(0x3344);
    expect(m.read16(RAM_BASE + 2)).toBe(0x1122);
    expect(m.read8(RAM_BASE + 3)).toBe(0x11);
    m.write16(RAM_BASE + 1, 0xabcd);
    expect(m.read32(RAM_BASE)).toBe(0x11abcd44);
  });

  it("returns unsigned 32-bit values and handles unaligned accesses", () => {
    const m = new PhysicalMemory(RAM_BASE, SMALL);
    m.write32(RAM_BASE + 8, -1);
    expect(m.read32(RAM_BASE + 8)).toBe(0xffffffff);
    m.write32(RAM_BASE + 13, 0xdeadbeef);
    expect(m.read32(RAM_BASE + 13)).toBe(0xdeadbeef);
    expect(m.read8(RAM_BASE + 13)).toBe(0xef);
    expect(m.read8(RAM_BASE + 16)).toBe(0xde);
  });

  it("splits 64-bit words into lo/hi halves matching read64", () => {
    const m = new PhysicalMemory(RAM_BASE, SMALL);
    m.writeWordHiLo(RAM_BASE + 16, 0x01020304, 0x05060708);
    expect(m.readWordLo(RAM_BASE + 16)).toBe(0x05060708);
    expect(m.readWordHi(RAM_BASE + 16)).toBe(0x01020304);
    expect(m.read64(RAM_BASE + 16)).toBe(0x0102030405060708n);
    expect(m.read8(RAM_BASE + 16)).toBe(0x08);
    m.write64(RAM_BASE + 24, -2n);
    expect(m.readWordLo(RAM_BASE + 24)).toBe(0xfffffffe);
    expect(m.readWordHi(RAM_BASE + 24)).toBe(0xffffffff);
    m.write64(RAM_BASE + 32, 0x0012_3456_789a_bcden);
    expect(m.readWordNumber(RAM_BASE + 32)).toBe(0x0012_3456_789a_bcde);
  });

  it("exposes u32 views indexed by u32Index", () => {
    const m = new PhysicalMemory(RAM_BASE, SMALL);
    m.write32(RAM_BASE + 0x40, 0xcafe);
    expect(m.u32[m.u32Index(RAM_BASE + 0x40)]).toBe(0xcafe);
    expect(m.u8[0x40]).toBe(0xfe);
    expect(m.ramEnd).toBe(RAM_BASE + SMALL);
  });

  it("zeroes, copies and bounds-checks bulk ranges", () => {
    const m = new PhysicalMemory(RAM_BASE, SMALL);
    m.writeBytes(RAM_BASE, new Uint8Array([1, 2, 3, 4, 5, 6]));
    m.zero(RAM_BASE + 1, 3);
    expect([...m.readBytes(RAM_BASE, 6)]).toEqual([1, 0, 0, 0, 5, 6]);
    m.copy(RAM_BASE + 2, RAM_BASE + 4, 2);
    expect([...m.readBytes(RAM_BASE, 6)]).toEqual([1, 0, 5, 6, 5, 6]);
    const copy = m.readBytes(RAM_BASE, 2);
    copy[0] = 99;
    expect(m.read8(RAM_BASE)).toBe(1);
    m.bytes(RAM_BASE, 2)[0] = 77;
    expect(m.read8(RAM_BASE)).toBe(77);
    expect(() => m.zero(RAM_BASE + SMALL - 2, 4)).toThrow(RangeError);
    expect(() => m.readBytes(RAM_BASE - 1, 1)).toThrow(RangeError);
  });

  it("answers isRam for whole ranges only", () => {
    const m = new PhysicalMemory(RAM_BASE, SMALL);
    expect(m.isRam(RAM_BASE, SMALL)).toBe(true);
    expect(m.isRam(RAM_BASE + SMALL - 4, 8)).toBe(false);
    expect(m.isRam(RAM_BASE - 4, 4)).toBe(false);
  });

  it("dispatches non-RAM accesses to the covering device", () => {
    const m = new PhysicalMemory(RAM_BASE, SMALL);
    const log: string[] = [];
    const dev: MmioDevice = {
      read: (off, size) => {
        log.push(`r${off}/${size}`);
        return 0x1000 + off;
      },
      write: (off, size, v) => {
        log.push(`w${off}/${size}=${v.toString(16)}`);
      },
    };
    m.registerDevice(0x1000_0000, 0x100, dev);
    expect(m.read32(0x1000_0010)).toBe(0x1010);
    expect(m.read8(0x1000_0005)).toBe(0x05);
    m.write8(0x1000_0003, 0x41);
    m.writeWordHiLo(0x1000_0020, 0xaa, 0xbb);
    expect(m.mmioRead(0x2000_0000, 4)).toBe(0);
    m.mmioWrite(0x2000_0000, 4, 1);
    expect(m.read32(0x2000_0000)).toBe(0);
    expect(m.isDevice(0x1000_00ff)).toBe(true);
    expect(m.isDevice(0x1000_0100)).toBe(false);
    expect(log).toEqual(["r16/4", "r5/1", "w3/1=41", "w32/4=bb", "w36/4=aa"]);
  });

  it("rejects overlapping device regions", () => {
    const m = new PhysicalMemory(RAM_BASE, SMALL);
    const dev: MmioDevice = { read: () => 0, write: () => {} };
    m.registerDevice(0x1000, 0x100, dev);
    expect(() => m.registerDevice(0x10f0, 0x100, dev)).toThrow(RangeError);
    expect(() => m.registerDevice(RAM_BASE + 0x100, 0x100, dev)).toThrow(RangeError);
  });
});
