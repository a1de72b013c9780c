export * from "./clock.ts";
export * from "./goldfish-rtc.ts";
export * from "./machine.ts";
export * from "./memory.ts";
export * from "./mmu.ts";
export * from "./plic.ts";
export * from "./timer.ts";
export * from "./uart.ts";
