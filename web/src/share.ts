// A system as a URL: its files, compressed (fflate's zlib) and base64url-encoded into the fragment,
// so nothing leaves the page. Prebuilt ELFs travel as the URLs they are served at.

import { strFromU8, strToU8, unzlibSync, zlibSync } from "fflate";

export interface SharedSystem {
  system: string;
  files: Record<string, string>;
  binaries: Record<string, string>;
  maxTime?: string;
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function encodeShare(s: SharedSystem): string {
  return `s=${toBase64Url(zlibSync(strToU8(JSON.stringify(s)), { level: 9 }))}`;
}

/** The shared system in a URL fragment ("#s=…"), or null when there is none or it is damaged. */
export function decodeShare(hash: string): SharedSystem | null {
  const m = /^#?s=([A-Za-z0-9_-]+)$/.exec(hash);
  if (m === null) return null;
  try {
    const v = JSON.parse(strFromU8(unzlibSync(fromBase64Url(m[1])))) as SharedSystem;
    if (typeof v.system !== "string" || typeof v.files !== "object") return null;
    v.binaries ??= {};
    return v;
  } catch {
    return null;
  }
}
