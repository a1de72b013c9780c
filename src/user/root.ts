// The start of a TypeScript root task, as a C root task's crt0 would do it: take the boot info
// address from a0, point libsel4 at the IPC buffer it names, and call the program's main.

import { sel4ts_bootinfo_read, seL4_SetIPCBuffer, type seL4_BootInfo } from "./libsel4.ts";
import { tailCall, type UserGenerator } from "./runtime.ts";

export type RootMain = (bootinfo: seL4_BootInfo) => Generator<unknown, unknown, unknown>;

export function rootTaskEntry(main: RootMain): (a0: number | bigint) => UserGenerator {
  return function* (a0: number | bigint): UserGenerator {
    const bootinfo = sel4ts_bootinfo_read(a0);
    seL4_SetIPCBuffer(bootinfo.ipcBuffer);
    // The engine then resumes main's generator directly: one level less on every system call.
    return yield* tailCall(main(bootinfo));
  };
}
