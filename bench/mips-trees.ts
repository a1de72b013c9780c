// Interpreter MIPS of several source trees, alternating in one process: does a change cost the
// RV64 interpreter anything? Per CPU second of this process (process.cpuUsage), so that other
// processes' load does not count; best of 15 rounds. Each tree needs src/ and the loop ELF:
//   git archive <commit> src | tar -x -C /tmp/old && echo '{"type":"module"}' > /tmp/old/package.json
//   node --import tsx bench/mips-trees.ts /tmp/old .
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const LOOP_ELF = fileURLToPath(new URL("../test/machine/riscv/bin/loop.elf", import.meta.url));

interface Tree {
  elf: typeof import("../src/machine/elf.ts");
  sys: typeof import("../src/system/system.ts");
}
const trees = process.argv.slice(2).map((t) => resolve(t));
const mods: Tree[] = [];
for (const t of trees) {
  const elf = (await import(`${t}/src/machine/elf.ts`)) as Tree["elf"];
  const sys = (await import(`${t}/src/system/system.ts`)) as Tree["sys"];
  mods.push({ elf, sys });
}

function run(m: Tree, count: number, passes: number): number {
  const elf = m.elf.parseElf(new Uint8Array(readFileSync(LOOP_ELF)));
  const img = m.elf.elfImage(elf);
  const dv = new DataView(img.bytes.buffer);
  const set = (name: string, v: number): void => {
    const s = m.elf.findSymbol(elf, name);
    if (s === undefined) throw new Error(`loop.elf has no ${name}`);
    dv.setBigUint64(s.value - img.vaddr, BigInt(v), true);
  };
  set("count", count);
  set("passes", passes);
  const s = new m.sys.System({ onConsole: () => undefined, ramSize: 64 << 20 });
  s.bootImage(img);
  const c0 = process.cpuUsage();
  s.run();
  const c = process.cpuUsage(c0);
  return s.rv.hart.instret / (c.user + c.system);
}
const best = trees.map(() => [0, 0]);
for (let r = 0; r < 15; r++)
  for (let i = 0; i < trees.length; i++) {
    best[i][0] = Math.max(best[i][0], run(mods[i], 10_000_000, 0));
    best[i][1] = Math.max(best[i][1], run(mods[i], 1, 5_000));
  }
trees.forEach((t, i) =>
  console.log(
    `${t}: tight ${best[i][0].toFixed(1)} MIPS, memory ${best[i][1].toFixed(1)} MIPS (per CPU second, best of 15)`,
  ),
);
for (let i = 1; i < trees.length; i++)
  console.log(
    `ratio ${trees[i]} / ${trees[0]}: tight ${(best[i][0] / best[0][0]).toFixed(3)}, memory ${(best[i][1] / best[0][1]).toFixed(3)}`,
  );
