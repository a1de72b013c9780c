import { describe, expect, it } from "vitest";
import { Machine } from "../../src/machine/machine.ts";
import { writePte, PTE_V, PTE_R, PTE_U, ACCESS_READ, SV39_PAGE_FAULT } from "../../src/machine/mmu.ts";
import { RAM_BASE, UART0_BASE, UART0_IRQ } from "../../src/abi/platform.ts";
import { IER_RDA, UART_IER } from "../../src/machine/uart.ts";

describe("Machine", () => {
  it("reports timer interrupts and the next event time", () => {
    const m = new Machine({ ramSize: 0x10000 });
    expect(m.memory.ramSize).toBe(0x10000);
    expect(m.interruptPending()).toBe(false);
    expect(m.nextEventTime()).toBe(Infinity);
    expect(m.idleToNextEvent()).toBe(false);
    m.timer.setDeadline(500);
    expect(m.nextEventTime()).toBe(500);
    expect(m.idleToNextEvent()).toBe(true);
    expect(m.clock.now).toBe(500);
    expect(m.interruptPending()).toBe(true);
    expect(m.nextEventTime()).toBe(500);
    m.clock.charge(1000);
    expect(m.nextEventTime()).toBe(m.clock.now);
  });

  it("reports PLIC interrupts", () => {
    const m = new Machine({ ramSize: 0x10000 });
    m.plic.setPriority(UART0_IRQ, 2);
    m.plic.setEnabled(UART0_IRQ, true);
    m.plic.raise(UART0_IRQ);
    expect(m.interruptPending()).toBe(true);
    expect(m.nextEventTime()).toBe(0);
  });

  it("delivers scheduled UART input at its time, at once or paced, and reports it as an event", () => {
    const m = new Machine({ ramSize: 0x10000 });
    m.plic.setPriority(UART0_IRQ, 2);
    m.plic.setEnabled(UART0_IRQ, true);
    m.memory.write8(UART0_BASE + UART_IER, IER_RDA);
    m.scheduleInput(new Uint8Array([7, 8, 9]), 100, 50);
    expect(m.inputScheduled).toBe(3);
    expect(m.nextEventTime()).toBe(100);
    expect(m.interruptPending()).toBe(false);
    m.clock.advanceTo(170);
    expect(m.interruptPending()).toBe(true);
    expect(m.uart.inputPending).toBe(2);
    expect(m.nextEventTime()).toBe(170);
    m.plic.lower(UART0_IRQ);
    expect(m.nextEventTime()).toBe(200);
    m.clock.advanceTo(1000);
    expect(m.interruptPending()).toBe(true);
    expect(m.uart.inputPending).toBe(3);
    expect(m.inputScheduled).toBe(0);
    const n = new Machine({ ramSize: 0x10000 });
    n.scheduleInput(new Uint8Array([1, 2]), 0);
    expect(n.uart.inputPending).toBe(2);
    expect(n.nextEventTime()).toBe(Infinity);
  });

  it("translates through satp and counts sfence.vma", () => {
    const m = new Machine({ ramSize: 0x10000 });
    expect(m.translate(0x1000, ACCESS_READ)).toBe(SV39_PAGE_FAULT);
    writePte(m.memory, RAM_BASE, RAM_BASE + 0x1000, PTE_V);
    writePte(m.memory, RAM_BASE + 0x1000, RAM_BASE + 0x2000, PTE_V);
    writePte(m.memory, RAM_BASE + 0x2000 + 8, RAM_BASE + 0x3000, PTE_V | PTE_R | PTE_U);
    m.satp = RAM_BASE;
    expect(m.translate(0x1008, ACCESS_READ)).toBe(RAM_BASE + 0x3008);
    const g = m.tlbGeneration;
    m.sfenceVma();
    expect(m.tlbGeneration).toBe(g + 1);
  });

  it("sends SBI console output to its own sink", () => {
    const con: number[] = [];
    const uart: number[] = [];
    const m = new Machine({
      ramSize: 0x10000,
      onConsoleByte: (b) => con.push(b),
      onUartByte: (b) => uart.push(b),
    });
    m.consolePutChar(0x141);
    expect(con).toEqual([0x41]);
    expect(uart).toEqual([]);
    new Machine({ ramSize: 0x10000 }).consolePutChar(1);
  });
});
