// Generates the C SDK's headers of numbers and stubs from src/abi, so that the TypeScript kernel
// and the C libsel4 can never disagree. `node --import tsx scripts/gen-sdk.ts` writes them;
// `--check` only compares (exit 1 on a difference). test/sdk/gen.test.ts does the same check.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { clientH } from "./sdk/emit-client.ts";
import { autoconfH, constantsH, invocationH, layoutChecksH, syscallH } from "./sdk/emit-constants.ts";
import { faultsH } from "./sdk/emit-faults.ts";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Every generated file, by path relative to the repository root. */
export function generateSdk(): Map<string, string> {
  return new Map([
    ["sdk/include/autoconf.h", autoconfH()],
    ["sdk/include/sel4/syscall.h", syscallH()],
    ["sdk/include/sel4/invocation.h", invocationH()],
    ["sdk/include/sel4/constants.h", constantsH()],
    ["sdk/include/sel4/layout_checks.h", layoutChecksH()],
    ["sdk/include/sel4/faults.h", faultsH()],
    ["sdk/include/sel4/sel4_client.h", clientH()],
  ]);
}

/** Paths whose committed content differs from what the generator produces. */
export function staleSdkFiles(root = REPO_ROOT): string[] {
  const stale: string[] = [];
  for (const [path, text] of generateSdk()) {
    let old: string | null = null;
    try {
      old = readFileSync(join(root, path), "utf8");
    } catch {
      old = null;
    }
    if (old !== text) stale.push(path);
  }
  return stale;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--check")) {
    const stale = staleSdkFiles();
    for (const p of stale) console.error(`${p} is out of date: run npm run gen:sdk`);
    process.exit(stale.length === 0 ? 0 : 1);
  }
  for (const [path, text] of generateSdk()) writeFileSync(join(REPO_ROOT, path), text);
}
