// `--gdb <port>`: serves the GDB remote serial protocol on a TCP port (node:net) for one debugger
// connection. The protocol itself is src/system/debug/rsp.ts; this file only frames packets,
// acknowledges them, turns a Ctrl-C byte into an interrupt, and runs the target in slices so that
// the Ctrl-C can arrive while it runs.

import { createServer, type Socket } from "node:net";
import type { System } from "../system/system.ts";
import type { RunIO, Simulation } from "./run-io.ts";
import { Debugger, type HostState } from "../system/debug/debugger.ts";
import { RESUME, RspSession } from "../system/debug/rsp.ts";
import { STOP_TIMEOUT } from "./channel.js";
import { EXIT_INTERRUPTED, EXIT_TIMEOUT } from "./exit.js";

/**
 * Console bytes across replays: a replay re-creates the system, which prints again what was already
 * printed; only bytes past the furthest point written reach the output.
 */
export class ReplayConsole implements HostState {
  private produced = 0;
  private emitted = 0;
  constructor(private readonly write: (b: number) => void) {}
  /** Call when a new incarnation of the system is created. */
  restart(): void {
    this.produced = 0;
  }
  /** The position in the output a snapshot is taken at, and going back to it. */
  mark(): number {
    return this.produced;
  }
  rewind(mark: number): void {
    this.produced = mark;
  }
  byte = (b: number): void => {
    this.produced++;
    if (this.produced > this.emitted) {
      this.emitted = this.produced;
      this.write(b);
    }
  };
}

function checksum(s: string): string {
  let c = 0;
  for (let i = 0; i < s.length; i++) c = (c + s.charCodeAt(i)) & 0xff;
  return c.toString(16).padStart(2, "0");
}

function escape(s: string): string {
  return s.replace(/[#$}*]/g, (ch) => "}" + String.fromCharCode(ch.charCodeAt(0) ^ 0x20));
}

/** Serves one GDB connection on `port`; resolves when it ends. `make` boots a fresh system. */
export function serveGdb(
  port: number,
  make: () => System,
  log: (text: string) => void,
  host: HostState | null = null,
  /** Non-zero once the CLI's thread asks the run to end (Ctrl-C, --timeout): see RunIO.stopReason. */
  stopReason: () => number = () => 0,
  /** Whether the root task runs before the first stop (a Microkit initialiser does). */
  skipRoot = false,
): Promise<number> {
  const dbg = new Debugger(make, host, undefined, skipRoot);
  const session = new RspSession(dbg);
  session.begin();
  return new Promise((resolve) => {
    let conn: Socket | null = null;
    // Asked to end while waiting for gdb or for its next command (the target runs in slices,
    // each of which looks at the same flag): end the session now, naming no thread.
    const poll = setInterval(() => {
      const why = stopReason();
      if (why === 0) return;
      log(
        `sel4ts: ${why === STOP_TIMEOUT ? "wall-clock limit reached" : "interrupted"}: debugging session ended`,
      );
      server.close();
      conn?.destroy();
      resolveDone(why === STOP_TIMEOUT ? EXIT_TIMEOUT : EXIT_INTERRUPTED);
    }, 50);
    let done = false;
    const resolveDone = (code: number): void => {
      if (done) return;
      done = true;
      clearInterval(poll);
      resolve(code);
    };
    const server = createServer((sock: Socket) => {
      conn = sock;
      server.close();
      let buf = "";
      let ack = true;
      let running = false;
      const send = (payload: string): void => {
        const body = escape(payload);
        sock.write(`$${body}#${checksum(body)}`);
      };
      const runLoop = (): void => {
        let reply: string | null = null;
        try {
          reply = session.runSlice();
        } catch (e) {
          log(
            `sel4ts: internal error (kernel bug): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
          );
          reply = "X0b";
        }
        if (reply === null) {
          setImmediate(runLoop);
          return;
        }
        running = false;
        for (const o of session.output.splice(0)) send(o);
        send(reply);
      };
      const onPacket = (p: string): void => {
        if (p === "k" || p === "vKill;1" || p.startsWith("vKill")) {
          if (p.startsWith("vKill")) send("OK");
          sock.end();
          return;
        }
        const r = session.handle(p);
        if (p === "QStartNoAckMode") {
          send("OK");
          ack = false;
          return;
        }
        if (r === RESUME) {
          running = true;
          setImmediate(runLoop);
        } else {
          send(r);
          if (p === "D") sock.end();
        }
      };
      sock.setEncoding("latin1");
      sock.on("data", (chunk: string) => {
        buf += chunk;
        for (;;) {
          if (buf.length === 0) return;
          const c = buf[0];
          if (c === "+" || c === "-") {
            buf = buf.slice(1);
            continue;
          }
          if (c === "\x03") {
            buf = buf.slice(1);
            if (running) session.interrupt();
            continue;
          }
          if (c !== "$") {
            buf = buf.slice(1);
            continue;
          }
          const end = buf.indexOf("#");
          if (end < 0 || buf.length < end + 3) return;
          const payload = buf.slice(1, end);
          buf = buf.slice(end + 3);
          if (ack) sock.write("+");
          onPacket(payload);
        }
      });
      sock.on("close", () => resolveDone(0));
      sock.on("error", () => resolveDone(0));
    });
    server.on("error", (e) => {
      log(`sel4ts: cannot listen on port ${port}: ${e.message}`);
      resolveDone(2);
    });
    server.listen(port, "127.0.0.1", () => {
      const a = server.address();
      log(`sel4ts: waiting for gdb: target remote :${typeof a === "object" && a !== null ? a.port : port}`);
    });
  });
}

/**
 * `--gdb <port>` for boot and run: each incarnation of the system (the first, and one per replay)
 * is made by `make` and started by `start`; console bytes already written are not written again.
 */
export function debugSystem(
  port: number,
  io: RunIO,
  make: (io: RunIO) => Simulation,
  start: (system: System) => void,
  /** The root task builds the system (a Microkit initialiser): the first stop comes after it. */
  skipRoot = false,
): Promise<number> {
  const console = new ReplayConsole((b) => io.console(b));
  const replayIO: RunIO = { ...io, console: console.byte };
  return serveGdb(
    port,
    () => {
      console.restart();
      const system = make(replayIO).system;
      start(system);
      return system;
    },
    io.stderr,
    console,
    () => io.stopReason(),
    skipRoot,
  );
}
