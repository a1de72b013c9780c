// Durations on the command line: src/system/duration.ts (the playground parses them too).
export { parseDuration } from "../system/duration.ts";
