// Whether this machine's memory can go back to its host: a VM whose virtio-balloon reports free
// pages hands freed memory back within seconds, and the first write to each such page then costs
// an exit to the host. Page-cache writes into it ran 8× slower here (0.2 → 1.8 ms per 0.5 MB;
// test/bench/README.md, "page-cache writes into memory the host has not backed"), for either
// broker, so the report states it beside the machine.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const VIRTIO_ID_BALLOON = 5;
/** VIRTIO_BALLOON_F_REPORTING: the driver reports free pages to the host. */
const FEATURE_FREE_PAGE_REPORTING = 5;

/** "on" / "off" for a virtio-balloon device, undefined when there is none (or no sysfs to read). */
export function freePageReporting(devicesDir = "/sys/bus/virtio/devices"): "on" | "off" | undefined {
  let devices: string[];
  try {
    devices = readdirSync(devicesDir);
  } catch {
    return undefined;
  }
  for (const d of devices) {
    const id = readOrUndefined(join(devicesDir, d, "device"));
    if (id === undefined || Number.parseInt(id, 16) !== VIRTIO_ID_BALLOON) continue;
    // One character per feature bit, bit 0 first.
    const features = readOrUndefined(join(devicesDir, d, "features")) ?? "";
    return features[FEATURE_FREE_PAGE_REPORTING] === "1" ? "on" : "off";
  }
  return undefined;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}
