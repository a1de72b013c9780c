// seL4_IPCBuffer layout (ABI sheet §4): 128 words, 1 KiB, 1 KiB aligned.
// Word indices; byte offset = 8 * index.

export const IPCBUF_TAG = 0;
/** msg[i] lives at word IPCBUF_MSG + i. */
export const IPCBUF_MSG = 1;
export const IPCBUF_USERDATA = 121;
/** caps_or_badges[i] lives at word IPCBUF_CAPS_OR_BADGES + i. */
export const IPCBUF_CAPS_OR_BADGES = 122;
export const IPCBUF_RECEIVE_CNODE = 125;
export const IPCBUF_RECEIVE_INDEX = 126;
export const IPCBUF_RECEIVE_DEPTH = 127;
export const IPCBUF_WORDS = 128;
export const IPCBUF_BYTES = 1024;
