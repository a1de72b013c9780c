import { describe, expect, it } from "vitest";
import { Plic } from "../../src/machine/plic.ts";
import {
  IER_RDA,
  IER_THRE,
  IIR_NONE,
  IIR_RDA,
  IIR_THRE,
  LSR_DR,
  LSR_TEMT,
  LSR_THRE,
  Uart,
  UART_IER,
  UART_IIR_FCR,
  UART_LCR,
  UART_LSR,
  UART_RBR_THR,
} from "../../src/machine/uart.ts";
import { Machine } from "../../src/machine/machine.ts";
import { UART0_BASE, UART0_IRQ } from "../../src/abi/platform.ts";

function setup(): { plic: Plic; uart: Uart; out: number[] } {
  const plic = new Plic();
  plic.setPriority(UART0_IRQ, 1);
  plic.setEnabled(UART0_IRQ, true);
  const out: number[] = [];
  const uart = new Uart(plic, (b) => out.push(b));
  return { plic, uart, out };
}

describe("Uart", () => {
  it("transmits THR writes to the sink and reports an empty transmitter", () => {
    const { uart, out } = setup();
    uart.write(UART_RBR_THR, 1, 0x68);
    uart.write(UART_RBR_THR, 1, 0x169);
    expect(out).toEqual([0x68, 0x69]);
    expect(uart.read(UART_LSR, 1) & (LSR_THRE | LSR_TEMT)).toBe(LSR_THRE | LSR_TEMT);
    expect(uart.read(UART_LSR, 1) & LSR_DR).toBe(0);
  });

  it("supports polled input", () => {
    const { uart, plic } = setup();
    uart.pushInput(new Uint8Array([1, 2]));
    expect(plic.hasPending()).toBe(false);
    expect(uart.read(UART_LSR, 1) & LSR_DR).toBe(LSR_DR);
    expect(uart.read(UART_RBR_THR, 1)).toBe(1);
    expect(uart.read(UART_RBR_THR, 1)).toBe(2);
    expect(uart.read(UART_LSR, 1) & LSR_DR).toBe(0);
  });

  it("raises the PLIC line while received data is pending and IER.RDA is set", () => {
    const { uart, plic } = setup();
    uart.write(UART_IER, 1, IER_RDA);
    expect(plic.hasPending()).toBe(false);
    expect(uart.read(UART_IIR_FCR, 1) & 0x0f).toBe(IIR_NONE);
    uart.pushInput(new Uint8Array([0x41, 0x42]));
    expect(plic.hasPending()).toBe(true);
    expect(plic.claim()).toBe(UART0_IRQ);
    expect(uart.read(UART_IIR_FCR, 1) & 0x0f).toBe(IIR_RDA);
    expect(uart.read(UART_RBR_THR, 1)).toBe(0x41);
    plic.complete(UART0_IRQ);
    expect(plic.claim()).toBe(UART0_IRQ);
    expect(uart.read(UART_RBR_THR, 1)).toBe(0x42);
    plic.complete(UART0_IRQ);
    expect(plic.hasPending()).toBe(false);
  });

  it("keeps every byte of large input", () => {
    const { uart } = setup();
    const big = new Uint8Array(1000).map((_, i) => i & 0xff);
    uart.pushInput(big.subarray(0, 10));
    uart.read(UART_RBR_THR, 1);
    uart.pushInput(big.subarray(10));
    expect(uart.inputPending).toBe(999);
    for (let i = 1; i < 1000; i++) expect(uart.read(UART_RBR_THR, 1)).toBe(i & 0xff);
  });

  it("signals THR empty when enabled, acknowledged by reading IIR", () => {
    const { uart, plic } = setup();
    uart.write(UART_IER, 1, IER_THRE);
    expect(plic.hasPending()).toBe(true);
    expect(uart.read(UART_IIR_FCR, 1) & 0x0f).toBe(IIR_THRE);
    expect(plic.hasPending()).toBe(false);
    uart.write(UART_RBR_THR, 1, 0x21);
    expect(plic.hasPending()).toBe(true);
  });

  it("requests its line again on every receive-side event, like QEMU's serial_update_irq", () => {
    const { uart, plic } = setup();
    uart.write(UART_IER, 1, IER_RDA);
    uart.pushInput(new Uint8Array([1, 2, 3]));
    expect(plic.claim()).toBe(UART0_IRQ);
    plic.complete(UART0_IRQ); // seL4 on QEMU virt completes at once
    expect(plic.hasPending()).toBe(false);
    expect(uart.read(UART_RBR_THR, 1)).toBe(1); // data left: the line is requested again
    expect(plic.hasPending()).toBe(true);
    uart.read(UART_RBR_THR, 1);
    uart.read(UART_RBR_THR, 1); // empty now: the line is lowered and the pending bit withdrawn
    expect(plic.hasPending()).toBe(false);
  });

  it("a receive FIFO reset drops only the bytes the receiver holds (1 without FIFO, 16 with)", () => {
    const { uart } = setup();
    uart.pushInput(new Uint8Array(40).map((_, i) => i));
    uart.write(UART_IIR_FCR, 1, 0x01); // enabling the FIFO resets it: drops the one held byte
    expect(uart.inputPending).toBe(39);
    expect(uart.read(UART_RBR_THR, 1)).toBe(1);
    uart.write(UART_IIR_FCR, 1, 0x03); // FIFO on, reset receiver: drops 16
    expect(uart.inputPending).toBe(38 - 16);
    expect(uart.read(UART_RBR_THR, 1)).toBe(18);
    uart.write(UART_IIR_FCR, 1, 0x01); // equal to the stored FCR: QEMU ignores the write
    expect(uart.inputPending).toBe(21);
    uart.write(UART_IIR_FCR, 1, 0x03); // the reset bit never sticks, so this resets again
    expect(uart.inputPending).toBe(5);
  });

  it("raises THR empty only when IER.THRE turns on, and drops it when it turns off", () => {
    const { uart, plic } = setup();
    uart.write(UART_IER, 1, IER_THRE);
    expect(plic.hasPending()).toBe(true);
    uart.write(UART_IER, 1, 0);
    expect(plic.hasPending()).toBe(false);
    uart.write(UART_IER, 1, IER_THRE);
    expect(uart.read(UART_IIR_FCR, 1) & 0x0f).toBe(IIR_THRE);
    uart.write(UART_IER, 1, IER_THRE | IER_RDA); // THRE unchanged: no new event
    expect(plic.hasPending()).toBe(false);
  });

  it("routes offsets 0/1 to the divisor latch when LCR.DLAB is set", () => {
    const { uart, out } = setup();
    uart.write(UART_LCR, 1, 0x80);
    uart.write(UART_RBR_THR, 1, 3);
    uart.write(UART_IER, 1, 0);
    expect(uart.read(UART_RBR_THR, 1)).toBe(3);
    uart.write(UART_LCR, 1, 0x03);
    expect(out).toEqual([]);
  });

  it("is wired to the machine's UART0 region and PLIC", () => {
    const out: number[] = [];
    const m = new Machine({ ramSize: 0x10000, onUartByte: (b) => out.push(b) });
    m.memory.write8(UART0_BASE, 0x7a);
    expect(out).toEqual([0x7a]);
    m.plic.setPriority(UART0_IRQ, 1);
    m.plic.setEnabled(UART0_IRQ, true);
    m.memory.write8(UART0_BASE + UART_IER, IER_RDA);
    m.uart.pushInput(new Uint8Array([9]));
    expect(m.interruptPending()).toBe(true);
    expect(m.memory.read8(UART0_BASE + UART_RBR_THR)).toBe(9);
    expect(m.interruptPending()).toBe(false);
  });
});
