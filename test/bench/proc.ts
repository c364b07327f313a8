// Resource figures of a broker from /proc: CPU time (utime + stime of all its threads) and
// resident memory (VmRSS, sampled; VmHWM, the kernel's own peak). A broker is one process, or
// for a cluster its node processes: every figure is the sum over them.
import { readFileSync } from "node:fs";
import { sumOrNaN } from "./stats.js";
import { parseLoadAvg, parseMachineBusyTicks, parseProcStatTicks, parseProcStatTicksWithChildren, parseProcStatusKb } from "./parse.js";

/** USER_HZ: clock ticks per second in /proc/<pid>/stat. 100 on every Linux we run on. */
const TICKS_PER_SEC = 100;

export function cpuSeconds(pid: number): number {
  return parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, "utf8")) / TICKS_PER_SEC;
}

/** CPU seconds summed over processes (a cluster's nodes). */
export function cpuSecondsOf(pids: readonly number[]): number {
  return sumOrNaN(pids.map(cpuSeconds));
}

/** CPU seconds of a process and of its children that have exited and been waited for. */
export function cpuSecondsWithChildren(pid: number | "self"): number {
  return parseProcStatTicksWithChildren(readFileSync(`/proc/${pid}/stat`, "utf8")) / TICKS_PER_SEC;
}

/** Busy CPU seconds of the whole machine (all cores) since boot. */
export function machineBusySeconds(): number {
  return parseMachineBusyTicks(readFileSync("/proc/stat", "utf8")) / TICKS_PER_SEC;
}

/**
 * CPU used on the machine by anything but the benchmark: all busy time minus this process and
 * its reaped children (the client tools) minus the broker's processes (and their reaped
 * children; for a cluster also its supervisor). Call `start()` before the broker starts and
 * `otherSeconds(brokerPids)` while they still run.
 */
export class OtherLoad {
  private machine0 = 0;
  private self0 = 0;
  private t0 = 0;
  start(): void {
    this.machine0 = machineBusySeconds();
    this.self0 = cpuSecondsWithChildren("self");
    this.t0 = performance.now();
  }
  /** [other CPU seconds, wall seconds]. */
  otherSeconds(brokerPids: readonly number[]): [number, number] {
    const machine = machineBusySeconds() - this.machine0;
    const self = cpuSecondsWithChildren("self") - this.self0;
    const broker = sumOrNaN(brokerPids.map(cpuSecondsWithChildren));
    return [Math.max(0, machine - self - broker), (performance.now() - this.t0) / 1000];
  }
}

export function rssBytes(pid: number): number {
  try {
    return parseProcStatusKb(readFileSync(`/proc/${pid}/status`, "utf8"), "VmRSS");
  } catch {
    return Number.NaN;
  }
}

export function hwmBytes(pid: number): number {
  try {
    return parseProcStatusKb(readFileSync(`/proc/${pid}/status`, "utf8"), "VmHWM");
  } catch {
    return Number.NaN;
  }
}

/** VmRSS summed over processes at (nearly) one instant; NaN when one of them cannot be read. */
export function rssBytesOf(pids: readonly number[]): number {
  return sumOrNaN(pids.map(rssBytes));
}

/** Each process's own peak (VmHWM) summed: an upper bound of the peak of the sum. */
export function hwmBytesOf(pids: readonly number[]): number {
  return sumOrNaN(pids.map(hwmBytes));
}

export function loadAverage(): [number, number, number] {
  return parseLoadAvg(readFileSync("/proc/loadavg", "utf8"));
}

/** Samples VmRSS (summed over the processes) every `everyMs` while running; stop() gives the highest sample. */
export class RssSampler {
  private peak = Number.NaN;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly pids: readonly number[], everyMs = 100) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }
  private sample(): void {
    const r = rssBytesOf(this.pids);
    if (Number.isFinite(r) && !(r <= this.peak)) this.peak = r;
  }
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.peak;
  }
}

/** CPU seconds and peak RSS of a broker's processes (summed) over a phase of the benchmark. */
export async function measure<T>(pids: readonly number[], body: () => Promise<T>): Promise<{ value: T; cpuSec: number; peakRss: number; wallSec: number }> {
  const sampler = new RssSampler(pids);
  const cpu0 = cpuSecondsOf(pids);
  const t0 = performance.now();
  try {
    const value = await body();
    return { value, cpuSec: cpuSecondsOf(pids) - cpu0, peakRss: sampler.stop(), wallSec: (performance.now() - t0) / 1000 };
  } finally {
    sampler.stop();
  }
}
