// What a user sees of a TypeScript program's error or fault: the frames of their own files, not
// the frames of sel4ts (the engine, libsel4, the loader) that happened to be on the stack.

import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import type { Tcb } from "../kernel/structures.ts";
import type { System } from "../system/system.ts";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
const INTERNAL = [
  `${ROOT}/src/`,
  `${ROOT}/bin/`,
  "/node_modules/",
  "node:internal",
  "(native)",
  "<anonymous>",
];

/** Whether a stack line is a frame of sel4ts or of Node rather than of the user's program. */
function internalFrame(line: string): boolean {
  return INTERNAL.some((p) => line.includes(p));
}

/** The user's frames of a stack ("    at f (file:line:col)" lines), file URLs as paths. */
export function userFrames(stack: string): string[] {
  return stack
    .split("\n")
    .filter((l) => /^\s+at /.test(l) && !internalFrame(l))
    .map((l) => l.replace(/file:\/\/(\/[^:)]+)/, (_, p: string) => decodeURIComponent(p)));
}

/** An exception out of a TS program: its message and the user's frames only. */
export function describeUserError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const head = `${error.name}: ${error.message}`;
  const frames = userFrames(error.stack ?? "");
  return frames.length > 0 ? `${head}\n${frames.join("\n")}` : head;
}

/**
 * Where a TS thread stopped by a fault stands: the user's innermost frame at the `yield*` that
 * trapped ("fn (file:line:col)"), or null (not a TS thread, or a stub that cannot tell).
 */
export function locateTsThread(system: System, t: Tcb): string | null {
  const stack = system.engine.parkedStack(t);
  if (stack === null) return null;
  const frames = userFrames(stack);
  if (frames.length === 0) return null;
  return frames.map((f) => f.replace(/^\s+at /, "")).join(", called from ");
}
