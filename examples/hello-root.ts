// A root task: find untyped memory in the boot info, retype objects, shape the CSpace with
// Mint and Copy, revoke, and print through seL4_DebugPutChar.
import {
  seL4_AllRights,
  seL4_CanRead,
  seL4_CapInitThreadCNode,
  seL4_CNode_Copy,
  seL4_CNode_Mint,
  seL4_CNode_Revoke,
  seL4_DebugCapIdentify,
  seL4_DebugPutString,
  seL4_EndpointObject,
  seL4_GetMR,
  seL4_NotEnoughMemory,
  seL4_NoError,
  seL4_NotificationObject,
  seL4_Untyped_Retype,
  seL4_WordBits,
  type seL4_BootInfo,
} from "sel4ts/libsel4";

function* print(s: string) {
  yield* seL4_DebugPutString(s);
}

export default function* (bootinfo: seL4_BootInfo) {
  yield* print("Hello from the sel4ts root task!\n");
  const nUntyped = bootinfo.untyped.end - bootinfo.untyped.start;
  let ram = 0;
  for (const u of bootinfo.untypedList) if (!u.isDevice) ram += 2 ** u.sizeBits;
  yield* print(
    `boot info: ${nUntyped} untypeds, ${Math.floor(ram / 1024)} KiB of RAM, empty slots ${bootinfo.empty.start}..${bootinfo.empty.end - 1}\n`,
  );

  // The smallest RAM untyped that holds a few objects.
  let ut = -1;
  for (let i = 0; i < nUntyped; i++) {
    const u = bootinfo.untypedList[i];
    if (!u.isDevice && u.sizeBits >= 12 && (ut < 0 || u.sizeBits < bootinfo.untypedList[ut].sizeBits)) ut = i;
  }
  const untyped = bootinfo.untyped.start + ut;
  let free = bootinfo.empty.start;
  const ep = free++;
  let err = yield* seL4_Untyped_Retype(untyped, seL4_EndpointObject, 0, seL4_CapInitThreadCNode, 0, 0, ep, 1);
  yield* print(`retype endpoint into slot ${ep}: ${err === seL4_NoError ? "ok" : `error ${err}`}\n`);

  const badged = free++;
  err = yield* seL4_CNode_Mint(
    seL4_CapInitThreadCNode,
    badged,
    seL4_WordBits,
    seL4_CapInitThreadCNode,
    ep,
    seL4_WordBits,
    seL4_AllRights,
    0x5e14,
  );
  yield* print(`mint badged copy into slot ${badged}: ${err === seL4_NoError ? "ok" : `error ${err}`}\n`);
  const copy = free++;
  err = yield* seL4_CNode_Copy(
    seL4_CapInitThreadCNode,
    copy,
    seL4_WordBits,
    seL4_CapInitThreadCNode,
    badged,
    seL4_WordBits,
    seL4_CanRead,
  );
  yield* print(`copy of the badged cap into slot ${copy}: ${err === seL4_NoError ? "ok" : `error ${err}`}\n`);
  yield* print(
    `cap types: ep=${yield* seL4_DebugCapIdentify(ep)} badged=${yield* seL4_DebugCapIdentify(badged)} copy=${yield* seL4_DebugCapIdentify(copy)}\n`,
  );

  err = yield* seL4_CNode_Revoke(seL4_CapInitThreadCNode, ep, seL4_WordBits);
  yield* print(
    `revoke the endpoint: ${err === seL4_NoError ? "ok" : `error ${err}`}; ` +
      `badged=${yield* seL4_DebugCapIdentify(badged)} copy=${yield* seL4_DebugCapIdentify(copy)}\n`,
  );

  // Ask for more than the untyped holds: the kernel says how much is left.
  const size = bootinfo.untypedList[ut].sizeBits;
  err = yield* seL4_Untyped_Retype(
    untyped,
    seL4_NotificationObject,
    0,
    seL4_CapInitThreadCNode,
    0,
    0,
    free,
    256,
  );
  if (err === seL4_NotEnoughMemory) {
    yield* print(`256 notifications do not fit in a 2^${size}-byte untyped: ${seL4_GetMR(0)} bytes left\n`);
  }
  yield* print("done\n");
}
