// The run of `sel4ts boot` (cmd-boot.ts declares the command), in the simulation's worker thread.

import { existsSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { elfImage, ElfError, parseElf, type ElfImage } from "../machine/elf.ts";
import type { RootMain } from "../user/root.ts";
import { parseDuration } from "./duration.ts";
import { EXIT_BAD_INPUT } from "./exit.ts";
import type { ParsedArgs } from "./options.ts";
import { simulation, type RunIO } from "./run-io.ts";
import { elfLocator } from "./symbolize.ts";
import { describeUserError } from "./user-stack.ts";

export async function boot(args: ParsedArgs, io: RunIO): Promise<number> {
  const file = args.positionals[0];
  const v = args.values;
  let image: ElfImage | null = null;
  let elfBytes: Uint8Array | null = null;
  let mod: { default?: unknown } = {};
  const isModule = /\.(ts|js|mjs|mts|cjs|cts)$/.test(file);
  if (!existsSync(file)) {
    io.stderr(`sel4ts: cannot load ${file}: no such file`);
    return EXIT_BAD_INPUT;
  }
  if (v.typecheck === true && /\.(ts|mts)$/.test(file)) {
    const { typecheckFiles } = await import("./typecheck.ts");
    const n = typecheckFiles([file], io.stderr);
    if (n > 0) return EXIT_BAD_INPUT;
  }
  try {
    const head = readFileSync(file).subarray(0, 4);
    // By its magic number, or by its name when it is not a module (so a broken ELF gets the ELF
    // parser's explanation, not the module loader's).
    const elfMagic = head.length === 4 && head.readUInt32BE(0) === 0x7f454c46;
    if (elfMagic || !isModule) {
      elfBytes = new Uint8Array(readFileSync(file));
      image = elfImage(parseElf(elfBytes));
    } else {
      mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
    }
  } catch (e) {
    const what = e instanceof ElfError ? `bad ELF file: ${e.message}` : describeUserError(e);
    io.stderr(`sel4ts: cannot load ${file}: ${what}`);
    return EXIT_BAD_INPUT;
  }
  if (image === null && typeof mod.default !== "function") {
    io.stderr(`sel4ts: ${file} has no default export function* (bootinfo) { ... }`);
    return EXIT_BAD_INPUT;
  }
  let input: Uint8Array | undefined;
  if (typeof v["input-text"] === "string") input = new TextEncoder().encode(v["input-text"]);
  else if (typeof v.input === "string") {
    try {
      input = new Uint8Array(readFileSync(v.input));
    } catch (e) {
      io.stderr(`sel4ts: cannot read input ${v.input}: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT_BAD_INPUT;
    }
  } else if (io.stdinBytes !== null) input = io.stdinBytes;
  const inputAt = typeof v["input-at"] === "string" ? v["input-at"] : undefined;
  const sim = simulation(
    args,
    io,
    {
      kernelConfig: {
        ...(typeof v.domains === "string" ? { numDomains: Number(v.domains) } : {}),
        ...(typeof v["num-nodes"] === "string" ? { numNodes: Number(v["num-nodes"]) } : {}),
      },
      input,
      inputStream: io.inputStream ?? undefined,
      inputAt: inputAt === undefined || inputAt === "idle" ? "idle" : (parseDuration(inputAt) ?? 0),
      inputInterval:
        typeof v["input-interval"] === "string" ? (parseDuration(v["input-interval"]) ?? 0) : undefined,
      trace: typeof v.trace === "string" ? { processName: basename(file) } : undefined,
    },
    elfBytes !== null ? elfLocator(() => elfBytes) : () => null,
  );
  if (image !== null) {
    const img = image;
    try {
      sim.system.bootImage(img);
    } catch (e) {
      io.stderr(`sel4ts: cannot boot ${file}: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT_BAD_INPUT;
    }
    return sim.run(() => undefined);
  }
  return sim.run(() => sim.system.boot(mod.default as RootMain));
}
