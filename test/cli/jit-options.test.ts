// Translation is on by default, into WebAssembly; --jit-backend js picks JavaScript and --no-jit
// the interpreter alone (the reference). What the options ask for is what the System builds.

import { describe, expect, it } from "vitest";
import { systemOptions } from "../../src/cli/run-io.ts";
import { inputOptions, runOptions } from "../../src/cli/shared-options.ts";
import { System } from "../../src/system/system.ts";

const engine = (values: Record<string, string | boolean | undefined>): { jit: boolean; wasm: boolean } => {
  const sys = new System({ ...systemOptions({ positionals: [], values }), onConsole: () => undefined });
  return { jit: sys.rv.jit, wasm: sys.rv.translator?.usesWasm ?? false };
};

describe("--jit, --no-jit and --jit-backend", () => {
  it("translate into WebAssembly by default, and with --jit", () => {
    expect(engine({})).toEqual({ jit: true, wasm: true });
    expect(engine({ jit: true })).toEqual({ jit: true, wasm: true });
    expect(engine({ "jit-backend": "wasm" })).toEqual({ jit: true, wasm: true });
  });

  it("--jit-backend js translates into JavaScript", () => {
    expect(engine({ "jit-backend": "js" })).toEqual({ jit: true, wasm: false });
  });

  it("--no-jit interprets every instruction, whatever else is given", () => {
    expect(engine({ "no-jit": true })).toEqual({ jit: false, wasm: false });
    expect(engine({ "no-jit": true, "jit-backend": "wasm", jit: true }).jit).toBe(false);
  });

  it("--jit-backend takes only wasm or js", () => {
    const spec = runOptions.find((o) => o.name === "jit-backend")!;
    expect(spec.check!("wasm")).toBeNull();
    expect(spec.check!("js")).toBeNull();
    expect(spec.check!("interp")).toMatch(/not wasm or js/);
  });
});

describe("integer options", () => {
  it("--num-nodes takes 1..8 and --domains 1..256, naming what the value is not", () => {
    const check = (name: string): ((v: string) => string | null) =>
      [...runOptions, ...inputOptions].find((o) => o.name === name)?.check ??
      (() => {
        throw new Error(`no option ${name}`);
      });
    expect(check("num-nodes")("4")).toBeNull();
    expect(check("num-nodes")("9")).toBe("'9' is not a core count (1..8)");
    expect(check("num-nodes")("1.5")).toMatch(/not a core count/);
    expect(check("domains")("256")).toBeNull();
    expect(check("domains")("0")).toBe("'0' is not a domain count (1..256)");
  });
});
