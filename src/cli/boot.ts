// The run of `sel4ts boot` (cmd-boot.ts declares the command), in the simulation's worker thread.

import { existsSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { elfImage, ElfError, parseElf, type ElfImage } from "../machine/elf.ts";
import type { RootMain } from "../user/root.ts";
import { EXIT_BAD_INPUT, EXIT_USAGE } from "./exit.js";
import type { ParsedArgs } from "./options.ts";
import { reportDroppedCalls, simulation, type RunIO, type Simulation } from "./run-io.ts";
import { elfLocator } from "./symbolize.ts";
import { describeUserError } from "./user-stack.ts";
import { kernelConfigOf } from "./kernel-config.ts";
import { uartInput } from "./record.ts";

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
  const uart = uartInput(v, io.stdinBytes, io.inputStream, v.gdb !== undefined, io.stderr);
  if (typeof uart === "string") {
    io.stderr(`sel4ts: ${uart}`);
    return EXIT_BAD_INPUT;
  }
  const kernelConfig = kernelConfigOf(args, image);
  if (typeof kernelConfig === "string") {
    io.stderr(`sel4ts: ${kernelConfig}`);
    return EXIT_USAGE;
  }
  const make = (runIO: RunIO): Simulation =>
    simulation(
      args,
      runIO,
      {
        kernelConfig,
        ...uart.options(),
        trace: typeof v.trace === "string" ? { processName: basename(file) } : undefined,
      },
      elfBytes !== null ? elfLocator(() => elfBytes) : () => null,
    );
  if (typeof v.gdb === "string") {
    const { debugSystem } = await import("./gdb.ts");
    const img = image;
    return debugSystem(Number(v.gdb), io, make, (system) => {
      if (img !== null) system.bootImage(img);
      else system.boot(mod.default as RootMain);
    });
  }
  const sim = make(io);
  if (image !== null) {
    const img = image;
    try {
      sim.system.bootImage(img);
    } catch (e) {
      io.stderr(`sel4ts: cannot boot ${file}: ${e instanceof Error ? e.message : String(e)}`);
      return EXIT_BAD_INPUT;
    }
  }
  const code = sim.run(() => {
    if (image === null) sim.system.boot(mod.default as RootMain);
  });
  if (image === null) await reportDroppedCalls(sim, [file], io);
  return uart.finish() ? code : 1;
}
