// The JavaScript backend of the translator: codegen.ts's source for a region becomes a function
// through `new Function`, with the RAM views and the arithmetic helpers it uses bound in. The
// dispatcher (translate.ts) calls it as it calls a WebAssembly trace's wrapper.

import * as alu from "./alu.ts";
import { generate, type TInst } from "./codegen.ts";
import { execFp } from "./fpu.ts";
import type { TraceFn, TraceHost } from "./wasm-backend.ts";

/**
 * Calls made right after compiling that leave at once (no budget): V8 then has seen the exit
 * path's stores before it optimises a long-running loop inside the trace (on-stack replacement
 * without that feedback gives code that deoptimises at every exit). V8 keeps feedback only from
 * about the eighth call on.
 */
const WARM_CALLS = 12;

/** True where generated code may run (a Content-Security-Policy may forbid `new Function`). */
export function canTranslate(): boolean {
  try {
    return (new Function("return 7") as () => number)() === 7;
  } catch {
    return false;
  }
}

export class JsBackend {
  private readonly factory: (body: string) => TraceFn;

  constructor(
    private readonly J: TraceHost,
    buf: ArrayBufferLike,
    private readonly xlo: Int32Array,
    private readonly xhi: Int32Array,
  ) {
    const views = {
      i32: new Int32Array(buf),
      u16: new Uint16Array(buf),
      i16: new Int16Array(buf),
      u8: new Uint8Array(buf),
      i8: new Int8Array(buf),
    };
    const { mulh, divrem, divremw } = alu;
    this.factory = (body) =>
      new Function(
        "J",
        "V",
        "mulh",
        "divrem",
        "divremw",
        "execFp",
        `"use strict"; const i32 = V.i32, u16 = V.u16, i16 = V.i16, u8 = V.u8, i8 = V.i8;\n` +
          `return function trace(xlo, xhi, pageV) {\n${body}};`,
      )(J, views, mulh, divrem, divremw, execFp) as TraceFn;
  }

  /** The region (sorted by offset, entered at `off`) as a function, and its unit starts; null where `new Function` is forbidden. */
  make(insts: readonly TInst[], off: number): { fn: TraceFn; starts: number[] } | null {
    const starts = new Set<number>();
    let fn: TraceFn;
    try {
      fn = this.factory(generate(insts, off, starts));
    } catch {
      return null;
    }
    const J = this.J;
    for (let k = 0; k < WARM_CALLS; k++) {
      J.n = 0;
      J.limit = -1;
      J.entry = off;
      fn(this.xlo, this.xhi, 0);
    }
    return { fn, starts: [...starts] };
  }
}
