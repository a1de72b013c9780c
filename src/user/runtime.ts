// The TypeScript thread runtime: the seam between user-level libraries (libsel4, libmicrokit)
// and the engine that executes TS threads. A TS thread is a generator; entering the kernel is
// `yield TRAP_SYSCALL` after the stub has written the syscall registers into the thread's
// register file, exactly as compiled code would before `ecall`. One thread runs at a time, so
// the stubs reach "the current thread" through the module-level `rt` record, which the engine
// points at the running thread before resuming its generator. Nothing here imports the kernel.

/** Values a user generator may yield to the engine. */
export const TRAP_SYSCALL = 1;
/** `sel4ts_busy`: compute for `rt.busyTicks` ticks of simulated CPU time. */
export const TRAP_BUSY = 2;
/** A memory access at `rt.faultAddr` faulted; the engine raises a VM fault and, when the thread
 * is restarted, resumes the generator so that the accessor retries. */
export const TRAP_VMFAULT = 3;
/**
 * A start-up wrapper is done and hands its thread over to `rt.tailCall` (a generator): the engine
 * resumes that from now on, as if the wrapper ran `return yield* rt.tailCall`, but without the
 * wrapper's extra level of delegation on every later resumption. Costs no simulated time.
 */
export const TRAP_TAILCALL = 4;
export type Trap = typeof TRAP_SYSCALL | typeof TRAP_BUSY | typeof TRAP_VMFAULT | typeof TRAP_TAILCALL;

/** A thread body as the engine runs it. */
export type UserGenerator<R = unknown> = Generator<Trap, R, void>;

/** How user code reaches memory: the engine provides it, translating through the thread's VSpace. */
export interface UserMemoryAccess {
  /**
   * Index into `ram32` of the low half of the 64-bit word at virtual address `vaddr`
   * (8-byte aligned), or -1 if it is not mapped readable+writable for the current thread.
   */
  wordIndex(vaddr: number, write: boolean): number;
  /** Little-endian loads/stores of 1, 2, 4 or 8 bytes; throw UserFault when the access faults. */
  read(vaddr: number, size: number): number | bigint;
  write(vaddr: number, size: number, value: number | bigint): void;
  readBytes(vaddr: number, len: number): Uint8Array;
  writeBytes(vaddr: number, bytes: Uint8Array): void;
}

/** Raised inside user code when a memory access faults; the engine turns it into a VM fault. */
export class UserFault extends Error {
  constructor(
    readonly vaddr: number,
    readonly write: boolean,
  ) {
    super(`user memory fault at 0x${vaddr.toString(16)}`);
  }
}

export interface ThreadRuntime {
  /** Kernel register file of the running thread: 64-bit word i is lo = regs[2i], hi = regs[2i+1]. */
  regs: Uint32Array;
  /** All of RAM as 32-bit words (little-endian). */
  ram32: Uint32Array;
  /** Virtual address of the running thread's IPC buffer (libsel4's __sel4_ipc_buffer), 0 if none. */
  ipcBuffer: number;
  /** Cached ram32 index of the IPC buffer's word 0 (lo half), or -1 if not yet translated. */
  ipcIndex: number;
  /** Memory access through the running thread's VSpace. */
  mem: UserMemoryAccess;
  /** Ticks requested by the last TRAP_BUSY. */
  busyTicks: number;
  /** Address and direction of the access behind the last TRAP_VMFAULT. */
  faultAddr: number;
  faultWrite: boolean;
  /** Registered thread entry points: pc -> generator function. */
  entries: Map<number, EntryFunction>;
  /**
   * Thread-local storage of the running thread (what `__thread` variables are in C): the engine
   * saves and restores it with the thread. Libraries keep per-thread state here.
   */
  tls: object | null;
  /** Called by the engine each time a thread is resumed, after `tls` is restored. */
  onResume: (() => void) | null;
  /** The generator a TRAP_TAILCALL hands the thread over to. */
  tailCall: UserGenerator | null;
  /** The stack a stub recorded when LOCATE_PROBE was thrown into it (see LOCATE_PROBE). */
  probeStack: string | null;
  /**
   * System-call stubs created and not yet run. One still there when the run ends was dropped: a
   * call written without `yield*`, which does nothing (the CLI says so).
   */
  unstarted: number;
}

/**
 * Thrown into a parked thread's generator to ask where it stands (a fault report wants the user's
 * file and line of the `yield*` that trapped): a stub parked at its trap records the stack (the
 * generators delegating to it are all on it, each at its `yield*`) in `rt.probeStack` and stays
 * parked exactly as it was. Never thrown on any normal path.
 */
export const LOCATE_PROBE: object = Object.freeze({ sel4tsLocateProbe: true });

export type EntryFunction = (a0: number | bigint, a1: number | bigint, a2: number | bigint) => UserGenerator;

const nullMem: UserMemoryAccess = {
  wordIndex: () => -1,
  read: () => 0,
  write: () => undefined,
  readBytes: (_v, len) => new Uint8Array(len),
  writeBytes: () => undefined,
};

/** The running thread's view; the engine mutates this single record in place (no allocation). */
export const rt: ThreadRuntime = {
  regs: new Uint32Array(70),
  ram32: new Uint32Array(0),
  ipcBuffer: 0,
  ipcIndex: -1,
  mem: nullMem,
  busyTicks: 0,
  faultAddr: 0,
  faultWrite: false,
  entries: new Map(),
  tls: null,
  onResume: null,
  tailCall: null,
  probeStack: null,
  unstarted: 0,
};

const generatorPrototype = Object.getPrototypeOf(function* () {}).prototype as object;

/** Whether `g` is an object made by a generator function (what TRAP_TAILCALL accepts). */
function isGeneratorObject(g: unknown): g is UserGenerator {
  return (
    typeof g === "object" &&
    g !== null &&
    Object.getPrototypeOf(Object.getPrototypeOf(g)) === generatorPrototype
  );
}

/**
 * `return yield* tailCall(body)` ends a thread's start-up code (crt0's jump to main): from then on
 * the engine resumes `body` itself. Only where every generator between the thread's outermost
 * one and this call returns what it delegates to, since the engine replaces the outermost.
 */
export function* tailCall<R>(body: Generator<unknown, R, unknown>): UserGenerator<R> {
  if (isGeneratorObject(body)) {
    rt.tailCall = body;
    yield TRAP_TAILCALL;
  }
  return (yield* body as UserGenerator<R>) as R;
}

/** Base of the reserved code range that `sel4ts_entry` hands out as thread entry pcs. */
export const ENTRY_PC_BASE = 0x3f_0000_0000;
export const ENTRY_PC_STRIDE = 0x1000;

/**
 * ram32 index of the running thread's IPC buffer word 0, translating (and caching) on first use.
 * Throws UserFault if the buffer is not mapped, as a C thread touching it would fault.
 */
export function ipcIndex(): number {
  let idx = rt.ipcIndex;
  if (idx < 0) {
    idx = rt.mem.wordIndex(rt.ipcBuffer, true);
    if (idx < 0) throw new UserFault(rt.ipcBuffer, true);
    rt.ipcIndex = idx;
  }
  return idx;
}
