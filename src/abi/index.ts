// The single source of truth for every ABI number and layout.
export * from "./syscalls.ts";
export * from "./invocation.ts";
export * from "./errors.ts";
export * from "./objects.ts";
export * from "./messageinfo.ts";
export * from "./ipcbuffer.ts";
export * from "./rights.ts";
export * from "./bootinfo.ts";
export * from "./faults.ts";
export * from "./captypes.ts";
export * from "./thread.ts";
export * from "./platform.ts";
export * from "./config.ts";
