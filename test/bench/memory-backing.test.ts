import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePageReporting } from "./memory-backing.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A sysfs-like devices directory: name → [device id, features]. */
function devices(entries: Record<string, [string, string]>): string {
  const root = mkdtempSync(join(tmpdir(), "virtio-"));
  dirs.push(root);
  for (const [name, [id, features]] of Object.entries(entries)) {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, "device"), `${id}\n`);
    writeFileSync(join(root, name, "features"), `${features}\n`);
  }
  return root;
}

describe("freePageReporting", () => {
  it("reads the balloon's reporting feature bit (bit 5) among other virtio devices", () => {
    const on = devices({ virtio0: ["0x0002", "0000011111"], virtio1: ["0x0005", "0110010100000000"] });
    expect(freePageReporting(on)).toBe("on");
    const off = devices({ virtio0: ["0x0005", "0110000100000000"] });
    expect(freePageReporting(off)).toBe("off");
  });

  it("is undefined without a balloon or without sysfs", () => {
    expect(freePageReporting(devices({ virtio0: ["0x0001", "1111111111"] }))).toBeUndefined();
    expect(freePageReporting(join(tmpdir(), "no-such-virtio-dir"))).toBeUndefined();
  });
});
