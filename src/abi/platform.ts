// QEMU virt (riscv64) platform facts and MCS timing constants (ABI sheet §14, §15).

import { DEFAULT_KERNEL_CONFIG } from "./config.ts";

export const TIMER_CLOCK_HZ = 10_000_000;
export const TICKS_PER_US = 10;
export const KERNEL_WCET_US = 10;
export const CONFIG_KERNEL_WCET_SCALE = 1;
export const MIN_BUDGET_US = 2 * KERNEL_WCET_US * CONFIG_KERNEL_WCET_SCALE;
export const MIN_BUDGET = MIN_BUDGET_US * TICKS_PER_US;
/** (2^64 - 1) / 10 / 8 µs, computed exactly. */
export const MAX_PERIOD_US = 230584300921369395n;
export const CONFIG_BOOT_THREAD_TIME_SLICE_MS = 5;

export const RAM_BASE = 0x8000_0000;
/** The machine's RAM when nothing says otherwise: the default configuration's (3 GiB, as QEMU's simulate script). */
export const DEFAULT_RAM_SIZE = DEFAULT_KERNEL_CONFIG.ramMiB * 1024 * 1024;
/** OpenSBI's no-map reserved region at the bottom of RAM. */
export const SBI_RESERVED_BASE = 0x8000_0000;
export const SBI_RESERVED_SIZE = 0x20_0000;
export const KERNEL_ELF_PADDR = 0x8020_0000;
export const CLINT_BASE = 0x0200_0000;
export const CLINT_SIZE = 0x1_0000;
export const PLIC_BASE = 0x0c00_0000;
export const PLIC_SIZE = 0x0060_0000;
/**
 * Device windows the kernel keeps for itself (excluded from device untypeds): the CLINT and PLIC
 * regions rounded up to the 2 MiB pages the kernel maps them with, as seen on real seL4.
 */
export const KERNEL_DEVICE_WINDOWS: readonly { start: number; end: number }[] = [
  { start: 0x0200_0000, end: 0x0220_0000 },
  { start: 0x0c00_0000, end: 0x0c60_0000 },
];
export const UART0_BASE = 0x1000_0000;
export const UART0_SIZE = 0x100;
export const UART0_IRQ = 10;
/** QEMU virt's Goldfish RTC. */
export const RTC_BASE = 0x10_1000;
export const RTC_SIZE = 0x1000;
export const RTC_IRQ = 11;
export const PADDR_USER_DEVICE_TOP = 2 ** 39;

export const maxIRQ = 96;
export const KERNEL_TIMER_IRQ = 96;
export const irqInvalid = 0;
