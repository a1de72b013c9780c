// The simulated QEMU-virt board: RAM, CLINT timer, PLIC, UART, Goldfish RTC and the SBI legacy console.

import {
  CLINT_BASE,
  CLINT_SIZE,
  DEFAULT_RAM_SIZE,
  PLIC_BASE,
  PLIC_SIZE,
  RAM_BASE,
  RTC_BASE,
  RTC_IRQ,
  RTC_SIZE,
  UART0_BASE,
  UART0_IRQ,
  UART0_SIZE,
} from "../abi/platform.ts";
import { Clock } from "./clock.ts";
import { virtDtb } from "./fdt.ts";
import { GoldfishRtc } from "./goldfish-rtc.ts";
import { PhysicalMemory } from "./memory.ts";
import { sv39Translate, TLB_LOG, type Sv39Access } from "./mmu.ts";
import { Plic, PlicDevice, sContext } from "./plic.ts";
import { ClintDevice, Timer } from "./timer.ts";
import { Uart, type ByteSink } from "./uart.ts";

export interface MachineConfig {
  ramSize?: number;
  /** Bytes the UART transmits. */
  onUartByte?: ByteSink;
  /** Bytes written through the SBI legacy console_putchar (seL4_DebugPutChar). */
  onConsoleByte?: ByteSink;
  /** The RTC's counter at power-on, in nanoseconds (default 0). */
  rtcBaseNs?: bigint;
  /** Number of harts (1..8, default 1), as QEMU's `-smp`. */
  numHarts?: number;
  /** Back RAM by a WebAssembly.Memory where possible (for the WebAssembly translator). */
  wasmRam?: boolean;
}

const discard: ByteSink = () => {};

export class Machine {
  readonly memory: PhysicalMemory;
  readonly clock: Clock;
  /**
   * The supervisor timer of the selected hart (`hart`); `timers` has one per hart (mtimecmp of
   * the CLINT, programmed through SBI set_timer).
   */
  timer: Timer;
  readonly timers: Timer[] = [];
  readonly numHarts: number;
  /** The hart whose timer, software interrupt and address space are selected (see selectHart). */
  hart = 0;
  /**
   * Supervisor software interrupt pending, one per hart (QEMU virt's CLINT msip, which OpenSBI
   * turns into SSIP: how seL4 sends IPIs on RISC-V).
   */
  readonly softPending: Uint8Array;
  /**
   * With several harts, the time at which the selected hart's turn ends (the system runs harts in
   * turns); a machine event like any other, so an engine stops there. Infinity with one hart.
   */
  quantumEnd = Infinity;
  // satp of each hart while another is selected.
  private readonly satps: number[] = [];
  readonly plic: Plic;
  readonly uart: Uart;
  readonly clint: ClintDevice;
  readonly rtc: GoldfishRtc;
  /** The flattened device tree the firmware hands the kernel (QEMU's, for this RAM and harts). */
  readonly dtb: Uint8Array;
  /**
   * Root page-table paddr of the running address space, written by the kernel on context switch;
   * 0 means none (every user access faults).
   */
  satp = 0;
  /**
   * Bumped by sfenceVma(). Engines that cache translations compare it with the value they cached under:
   * a changed generation means drop everything (a change of satp also invalidates by itself).
   */
  tlbGeneration = 0;
  /**
   * Single-page flushes (sfenceVmaPage), as a log: entry k (k < tlbSeq, the last TLB_LOG of them
   * kept) names the address space (root page table) and virtual page number. A cache that has
   * seen the log up to its own position drops just those pages; one that fell further behind
   * drops everything.
   */
  tlbSeq = 0;
  readonly tlbLogRoot = new Float64Array(TLB_LOG);
  readonly tlbLogVpn = new Float64Array(TLB_LOG);
  /** Bumped by every flush, whole or single-page (for caches that simply start again). */
  tlbChanges = 0;
  private readonly consoleSink: ByteSink;
  // Host input scheduled for the UART: byte k of `input` (from inputPos on) arrives at inputNext +
  // (k - inputPos) * inputInterval; inputNext is Infinity when nothing is scheduled.
  private input: Uint8Array = new Uint8Array(0);
  private inputPos = 0;
  private inputNext = Infinity;
  private inputInterval = 0;

  constructor(config: MachineConfig = {}) {
    this.memory = new PhysicalMemory(RAM_BASE, config.ramSize ?? DEFAULT_RAM_SIZE, config.wasmRam ?? false);
    this.clock = new Clock();
    const harts = config.numHarts ?? 1;
    if (!Number.isInteger(harts) || harts < 1 || harts > 8)
      throw new RangeError(`harts must be 1..8, not ${harts}`);
    this.numHarts = harts;
    for (let h = 0; h < harts; h++) {
      this.timers.push(new Timer(this.clock));
      this.satps.push(0);
    }
    this.timer = this.timers[0];
    this.softPending = new Uint8Array(harts);
    this.plic = new Plic(undefined, harts);
    this.uart = new Uart(this.plic, config.onUartByte ?? discard, UART0_IRQ);
    this.clint = new ClintDevice(this.clock, this.timers, this.softPending);
    this.rtc = new GoldfishRtc(this.clock, this.plic, RTC_IRQ, { baseNs: config.rtcBaseNs });
    this.consoleSink = config.onConsoleByte ?? discard;
    this.memory.registerDevice(CLINT_BASE, CLINT_SIZE, this.clint);
    this.memory.registerDevice(PLIC_BASE, PLIC_SIZE, new PlicDevice(this.plic));
    this.memory.registerDevice(UART0_BASE, UART0_SIZE, this.uart);
    this.memory.registerDevice(RTC_BASE, RTC_SIZE, this.rtc);
    this.dtb = virtDtb({ ramBase: RAM_BASE, ramBytes: this.memory.ramSize, numHarts: config.numHarts ?? 1 });
  }

  /** Selects hart `h`: its timer, software interrupt and satp become the machine's current ones. */
  selectHart(h: number): void {
    if (h === this.hart) return;
    this.satps[this.hart] = this.satp;
    this.hart = h;
    this.timer = this.timers[h];
    this.satp = this.satps[h];
  }

  /** An IPI to hart `h` (sbi_send_ipi): its software interrupt becomes pending. */
  sendSoftwareInterrupt(h: number): void {
    this.softPending[h] = 1;
  }

  /** Whether hart `h` has an interrupt to take: its timer, its software interrupt, or its PLIC S-mode context. */
  hartInterruptPending(h: number): boolean {
    if (this.softPending[h] !== 0 || this.timers[h].isPending()) return true;
    if (this.inputNext <= this.clock.now) this.deliverInput();
    if (this.rtc.alarmTick <= this.clock.now) this.rtc.expire();
    return this.plic.hasPending(sContext(h));
  }

  /** sfence.vma: the kernel calls this after changing any PTE (or ASID binding). */
  sfenceVma(): void {
    this.tlbGeneration++;
    this.tlbChanges++;
  }

  /**
   * sfence.vma of one 4 KiB page of the address space whose root page table is at `root`: the
   * kernel calls this after changing that page's leaf PTE (a frame mapped or unmapped). The
   * caches then drop only that page (seL4 flushes everything here; which entries a TLB drops
   * beyond the changed one is not visible to programs).
   */
  sfenceVmaPage(root: number, vaddr: number): void {
    const k = this.tlbSeq % TLB_LOG;
    this.tlbLogRoot[k] = root;
    this.tlbLogVpn[k] = Math.floor(vaddr / 4096);
    this.tlbSeq++;
    this.tlbChanges++;
  }

  /** Translates a user virtual address in the current address space (see sv39Translate for codes). */
  translate(vaddr: number, access: Sv39Access, user = true): number {
    return sv39Translate(this.memory, this.satp, vaddr, access, user);
  }

  /**
   * Schedules host input for the UART receiver: all of `bytes` at tick `at` when `interval` is 0,
   * otherwise one byte every `interval` ticks starting at `at`. Replaces input not yet delivered.
   */
  scheduleInput(bytes: Uint8Array, at: number, interval = 0): void {
    if (!Number.isInteger(at) || at < 0) throw new RangeError(`input time must be a tick count, got ${at}`);
    if (!Number.isInteger(interval) || interval < 0) throw new RangeError(`bad input interval ${interval}`);
    this.input = bytes;
    this.inputPos = 0;
    this.inputInterval = interval;
    this.inputNext = bytes.length > 0 ? at : Infinity;
    this.deliverInput();
  }

  /** Host input scheduled and not yet delivered to the UART. */
  get inputScheduled(): number {
    return this.input.length - this.inputPos;
  }

  /** Hands the UART every scheduled input byte that is due by now. */
  private deliverInput(): void {
    const now = this.clock.now;
    if (this.inputNext > now) return;
    const n = this.input.length;
    let end: number;
    if (this.inputInterval === 0) {
      end = n;
    } else {
      const due = Math.floor((now - this.inputNext) / this.inputInterval) + 1;
      end = Math.min(n, this.inputPos + due);
    }
    const from = this.inputPos;
    this.inputPos = end;
    this.inputNext = end >= n ? Infinity : this.inputNext + (end - from) * this.inputInterval;
    this.uart.pushInput(this.input.subarray(from, end));
  }

  /**
   * An interrupt would be taken now if unmasked: the supervisor timer or a claimable PLIC source.
   * Deterministic (compares the simulated clock), so the kernel can poll it at preemption points.
   * Scheduled UART input that is due by now is delivered, and a due RTC alarm fires, first.
   */
  interruptPending(): boolean {
    if (this.inputNext <= this.clock.now) this.deliverInput();
    if (this.rtc.alarmTick <= this.clock.now) this.rtc.expire();
    // External interrupts reach a hart through its S-mode PLIC context: seL4 enables a source in
    // the context of the core that ran the invocation (maskInterrupt), so on the core that set it up.
    const h = this.hart;
    return this.timer.isPending() || this.plic.hasPending(2 * h + 1) || this.softPending[h] !== 0;
  }

  /**
   * Earliest tick at which an interrupt is or may become pending: `clock.now` if one is pending
   * already, otherwise the earliest of the timer deadline, the next scheduled input byte and the RTC
   * alarm (Infinity when nothing is scheduled). Neither input nor the alarm need raise an interrupt
   * (the device may have it disabled), so a caller that wakes at that time must check
   * interruptPending() again.
   */
  nextEventTime(): number {
    if (this.interruptPending()) return this.clock.now;
    return Math.min(this.timer.deadline, this.inputNext, this.rtc.alarmTick, this.quantumEnd);
  }

  /** The earliest event of any hart (its timer or software interrupt) or device; Infinity if none. */
  nextEventTimeAllHarts(): number {
    let t = Math.min(this.inputNext, this.rtc.alarmTick);
    for (let h = 0; h < this.numHarts; h++) {
      if (this.softPending[h] !== 0) return this.clock.now;
      t = Math.min(t, this.timers[h].deadline);
    }
    if (this.plic.anyPending()) return this.clock.now;
    return t;
  }

  /**
   * Idles the clock to the next event. Returns false (and leaves the clock alone) when no event is
   * scheduled, i.e. the system would sleep forever.
   */
  idleToNextEvent(): boolean {
    const t = this.nextEventTime();
    if (t === Infinity) return false;
    this.clock.advanceTo(t);
    return true;
  }

  /** SBI legacy console_putchar; only the low byte is transmitted. */
  consolePutChar(byte: number): void {
    this.consoleSink(byte & 0xff);
  }
}
