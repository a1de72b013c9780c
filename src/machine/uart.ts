// ns16550a UART as on QEMU virt (byte registers, reg-shift 0). The transmitter drains instantly.

import { UART0_IRQ } from "../abi/platform.ts";
import type { MmioDevice } from "./memory.ts";
import type { Plic } from "./plic.ts";

export const UART_RBR_THR = 0; // DLL when LCR.DLAB
export const UART_IER = 1; // DLM when LCR.DLAB
export const UART_IIR_FCR = 2;
export const UART_LCR = 3;
export const UART_MCR = 4;
export const UART_LSR = 5;
export const UART_MSR = 6;
export const UART_SCR = 7;

export const IER_RDA = 0x01;
export const IER_THRE = 0x02;
export const LSR_DR = 0x01;
export const LSR_THRE = 0x20;
export const LSR_TEMT = 0x40;
export const IIR_NONE = 0x01;
export const IIR_THRE = 0x02;
export const IIR_RDA = 0x04;
const IIR_FIFO_ENABLED = 0xc0;
const LCR_DLAB = 0x80;
const FCR_ENABLE = 0x01;
const FCR_CLEAR_RX = 0x02;
/** DCD | DSR | CTS: the modem lines QEMU reports for a connected chardev. */
const MSR_CONNECTED = 0xb0;

export type ByteSink = (byte: number) => void;

/** Receiver FIFO depth of the 16550A (FIFO mode); without the FIFO the receiver holds one byte (RBR). */
export const UART_FIFO_LENGTH = 16;

/**
 * The interrupt line follows QEMU's serial.c: every event that changes the UART's state re-evaluates
 * the interrupt condition and requests the PLIC line high (setting the source pending again, even if
 * it was already claimed) or low. The condition is received data with IER.RDA, or a THR-empty event
 * with IER.THRE. A THR-empty event arises after each transmitted byte and when IER.THRE is turned on
 * (THR is always empty here); it is acknowledged by reading IIR while it is the reported cause, by
 * writing THR, or by turning IER.THRE off.
 *
 * Input: the host side queues bytes without limit (QEMU's chardev backend); the receiver holds the
 * first of them, up to its FIFO depth, and takes the next as soon as the driver reads one, as QEMU's
 * backend does through serial_can_receive. A receive FIFO reset (FCR bit 1, or toggling the FIFO
 * enable, which QEMU turns into a reset) drops only the bytes the receiver holds. The trigger level
 * and character timeout are not modelled: data interrupts as soon as one byte is there.
 */
export class Uart implements MmioDevice {
  private rx = new Uint8Array(64);
  private rxHead = 0;
  private rxTail = 0;
  private ier = 0;
  private lcr = 0x03;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fcr = 0;
  private threPending = false;

  constructor(
    private readonly plic: Plic,
    private readonly sink: ByteSink,
    readonly irq: number = UART0_IRQ,
  ) {}

  /** Bytes received from the host and not yet read by the driver (in the receiver or queued). */
  get inputPending(): number {
    return this.rxTail - this.rxHead;
  }

  private get fifoEnabled(): boolean {
    return (this.fcr & FCR_ENABLE) !== 0;
  }

  /** Host side: deliver input bytes (e.g. stdin) to the receiver. */
  pushInput(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.reserve(bytes.length);
    this.rx.set(bytes, this.rxTail);
    this.rxTail += bytes.length;
    this.updateIrq();
  }

  private reserve(n: number): void {
    if (this.rxTail + n <= this.rx.length) return;
    const live = this.rxTail - this.rxHead;
    let cap = this.rx.length;
    while (cap < live + n) cap *= 2;
    if (cap === this.rx.length) {
      this.rx.copyWithin(0, this.rxHead, this.rxTail);
    } else {
      const next = new Uint8Array(cap);
      next.set(this.rx.subarray(this.rxHead, this.rxTail));
      this.rx = next;
    }
    this.rxHead = 0;
    this.rxTail = live;
  }

  read(offset: number, _size: number): number {
    switch (offset) {
      case UART_RBR_THR:
        if (this.lcr & LCR_DLAB) return this.dll;
        return this.readRbr();
      case UART_IER:
        return this.lcr & LCR_DLAB ? this.dlm : this.ier;
      case UART_IIR_FCR:
        return this.readIir();
      case UART_LCR:
        return this.lcr;
      case UART_MCR:
        return this.mcr;
      case UART_LSR:
        return (this.inputPending > 0 ? LSR_DR : 0) | LSR_THRE | LSR_TEMT;
      case UART_MSR:
        return MSR_CONNECTED;
      case UART_SCR:
        return this.scr;
      default:
        return 0;
    }
  }

  write(offset: number, _size: number, value: number): void {
    const v = value & 0xff;
    switch (offset) {
      case UART_RBR_THR:
        if (this.lcr & LCR_DLAB) {
          this.dll = v;
          return;
        }
        this.threPending = false;
        this.updateIrq();
        this.sink(v);
        // The byte leaves at once, so THR is empty again and the THRE event recurs.
        this.threPending = true;
        this.updateIrq();
        return;
      case UART_IER: {
        if (this.lcr & LCR_DLAB) {
          this.dlm = v;
          return;
        }
        const changed = (this.ier ^ v) & 0x0f;
        this.ier = v & 0x0f;
        if (changed & IER_THRE) this.threPending = (this.ier & IER_THRE) !== 0;
        if (changed) this.updateIrq();
        return;
      }
      case UART_IIR_FCR: {
        let f = v;
        if (f === this.fcr) return;
        if ((f ^ this.fcr) & FCR_ENABLE) f |= FCR_CLEAR_RX;
        if (f & FCR_CLEAR_RX) this.dropHeld();
        this.fcr = f & 0xc9;
        this.updateIrq();
        return;
      }
      case UART_LCR:
        this.lcr = v;
        return;
      case UART_MCR:
        this.mcr = v & 0x1f;
        return;
      case UART_SCR:
        this.scr = v;
        return;
      default:
        return;
    }
  }

  /** A receive FIFO reset: the bytes the receiver holds are lost; queued host input stays. */
  private dropHeld(): void {
    const held = Math.min(this.fifoEnabled ? UART_FIFO_LENGTH : 1, this.inputPending);
    this.rxHead += held;
    if (this.rxHead === this.rxTail) this.rxHead = this.rxTail = 0;
  }

  private readRbr(): number {
    if (this.rxHead === this.rxTail) {
      this.updateIrq();
      return 0;
    }
    const b = this.rx[this.rxHead++];
    if (this.rxHead === this.rxTail) this.rxHead = this.rxTail = 0;
    this.updateIrq();
    return b;
  }

  /** Whether a driver has asked for an interrupt on received data (IER.RDA). */
  get receiveInterruptEnabled(): boolean {
    return (this.ier & IER_RDA) !== 0;
  }

  private readIir(): number {
    const fifo = this.fifoEnabled ? IIR_FIFO_ENABLED : 0;
    if (this.ier & IER_RDA && this.inputPending > 0) return fifo | IIR_RDA;
    if (this.ier & IER_THRE && this.threPending) {
      this.threPending = false;
      this.updateIrq();
      return fifo | IIR_THRE;
    }
    return fifo | IIR_NONE;
  }

  private updateIrq(): void {
    const high =
      ((this.ier & IER_RDA) !== 0 && this.inputPending > 0) ||
      ((this.ier & IER_THRE) !== 0 && this.threPending);
    if (high) this.plic.raise(this.irq);
    else this.plic.lower(this.irq);
  }
}
