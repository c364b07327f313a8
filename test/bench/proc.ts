// Resource figures of a broker process from /proc: CPU time (utime + stime of all its threads)
// and resident memory (VmRSS, sampled; VmHWM, the kernel's own peak).
import { readFileSync } from "node:fs";
import { parseLoadAvg, parseMachineBusyTicks, parseProcStatTicks, parseProcStatTicksWithChildren, parseProcStatusKb } from "./parse.js";

/** USER_HZ: clock ticks per second in /proc/<pid>/stat. 100 on every Linux we run on. */
const TICKS_PER_SEC = 100;

export function cpuSeconds(pid: number): number {
  return parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, "utf8")) / TICKS_PER_SEC;
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
 * its reaped children (the client tools) minus the broker (and its reaped children). Call
 * `start()` before the broker starts and `otherSeconds(brokerPid)` while it still runs.
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
  otherSeconds(brokerPid: number): [number, number] {
    const machine = machineBusySeconds() - this.machine0;
    const self = cpuSecondsWithChildren("self") - this.self0;
    const broker = cpuSecondsWithChildren(brokerPid);
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

export function loadAverage(): [number, number, number] {
  return parseLoadAvg(readFileSync("/proc/loadavg", "utf8"));
}

/** Samples VmRSS every `everyMs` while running; max() is the highest sample so far. */
export class RssSampler {
  private peak = Number.NaN;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly pid: number, everyMs = 100) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }
  private sample(): void {
    const r = rssBytes(this.pid);
    if (Number.isFinite(r) && !(r <= this.peak)) this.peak = r;
  }
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.peak;
  }
}

/** CPU seconds and peak RSS of a process over a phase of the benchmark. */
export async function measure<T>(pid: number, body: () => Promise<T>): Promise<{ value: T; cpuSec: number; peakRss: number; wallSec: number }> {
  const sampler = new RssSampler(pid);
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  try {
    const value = await body();
    return { value, cpuSec: cpuSeconds(pid) - cpu0, peakRss: sampler.stop(), wallSec: (performance.now() - t0) / 1000 };
  } finally {
    sampler.stop();
  }
}
