// The examples shipped with the page: every SDF in examples/microkit and examples/microkit-c, the
// TypeScript files they use (bundled as text, editable), and the prebuilt C ELFs (served as files
// and fetched when a system needs them).

const TEXT = import.meta.glob(
  ["../../examples/microkit/*.{system,ts}", "../../examples/microkit-c/*.system"],
  {
    query: "?raw",
    import: "default",
    eager: true,
  },
) as Record<string, string>;

const ELFS = import.meta.glob("../../examples/microkit-c/*.elf", {
  query: "?url",
  import: "default",
  eager: true,
}) as Record<string, string>;

const PREFIX = "../../examples/";

export interface Example {
  /** e.g. "microkit/hello.system" */
  name: string;
  /** The SDF's path in `files` (its name within the example's directory). */
  system: string;
  /** Text files by path relative to the SDF's directory. */
  files: Record<string, string>;
  /** Binary files by path relative to the SDF's directory: where to fetch them. */
  binaries: Record<string, string>;
}

/** "a/b/../c" → "a/c" */
function normalize(path: string): string {
  const out: string[] = [];
  for (const p of path.split("/")) {
    if (p === "." || p === "") continue;
    if (p === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(p);
  }
  return out.join("/");
}

function relative(fromDir: string, to: string): string {
  const a = fromDir.split("/").filter((x) => x !== "");
  const b = to.split("/");
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => ".."), ...b.slice(i)].join("/");
}

/** Program images named by an SDF, and each TS file's relative imports, transitively. */
function example(name: string): Example {
  const dir = name.split("/").slice(0, -1).join("/");
  const sdf = TEXT[PREFIX + name];
  const systemFile = name.split("/").pop() as string;
  const files: Record<string, string> = { [systemFile]: sdf };
  const binaries: Record<string, string> = {};
  const todo: string[] = [];
  for (const m of sdf.matchAll(/<program_image\s+path="([^"]+)"/g)) todo.push(normalize(`${dir}/${m[1]}`));
  const seen = new Set<string>();
  while (todo.length > 0) {
    const full = todo.pop() as string;
    if (seen.has(full)) continue;
    seen.add(full);
    const rel = relative(dir, full);
    if (full.endsWith(".elf")) {
      const url = ELFS[PREFIX + full];
      if (url !== undefined) binaries[rel] = url;
      continue;
    }
    const text = TEXT[PREFIX + full];
    if (text === undefined) continue;
    files[rel] = text;
    const fdir = full.split("/").slice(0, -1).join("/");
    for (const m of text.matchAll(/from\s+"(\.[^"]+)"/g)) todo.push(normalize(`${fdir}/${m[1]}`));
  }
  return { name, system: systemFile, files, binaries };
}

export const EXAMPLES: Example[] = Object.keys(TEXT)
  .filter((k) => k.endsWith(".system"))
  .map((k) => k.slice(PREFIX.length))
  .sort((a, b) =>
    a === "microkit/passive_server.system" ? -1 : b === "microkit/passive_server.system" ? 1 : a < b ? -1 : 1,
  )
  .map(example);
