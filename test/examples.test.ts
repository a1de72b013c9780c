// Every example boots, prints, ends cleanly with the invariant checker on, and prints the same
// bytes when run twice (the simulation is deterministic).
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runRoot } from "./harness.ts";

const files = readdirSync(new URL("../examples/", import.meta.url)).filter((f) => f.endsWith(".ts"));

describe("examples", () => {
  for (const f of files) {
    it(`${f} runs and is deterministic`, async () => {
      const mod = (await import(`../examples/${f}`)) as { default: Parameters<typeof runRoot>[0] };
      const a = runRoot(mod.default);
      const b = runRoot(mod.default);
      expect(a.out.length).toBeGreaterThan(0);
      expect(a.result.reason).toBe("idle");
      expect(b.out).toBe(a.out);
      expect(b.result.ticks).toBe(a.result.ticks);
      expect(b.result.kernelEntries).toBe(a.result.kernelEntries);
    });
  }
});
