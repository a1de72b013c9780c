// Messages between the page and the worker that runs a system.

export interface RunRequest {
  type: "run";
  /** The SDF's path among `files`. */
  system: string;
  /** Text files by path (relative to the SDF's directory, as program_image names them). */
  files: Record<string, string>;
  /** Binary files (ELF program images, prefill data) by path. */
  binaries: Record<string, ArrayBuffer>;
  /** Simulated time limit in timer ticks (10 MHz). */
  maxTicks: number;
  /** Record the run for the timeline and the Perfetto trace. */
  trace: boolean;
}

export type WorkerMessage =
  | { type: "console"; text: string }
  | { type: "caps"; dot: string; timeUs: number }
  | { type: "progress"; timeUs: number }
  | { type: "error"; text: string }
  | {
      type: "done";
      reason: string;
      timeUs: number;
      kernelEntries: number;
      /** Wall milliseconds from the request to the end of the run (boot included). */
      wallMs: number;
      trace: string | null;
    };
