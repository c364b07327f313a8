// The watcher sees every way a certificate file is replaced: rewritten in place, replaced by
// rename, and a Kubernetes Secret volume's symlink swap (`cert.pem -> ..data/cert.pem`, `..data`
// pointing at a new directory).
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FileChangeWatcher } from "./file-change-watcher.js";

describe("FileChangeWatcher", () => {
  const watchers: FileChangeWatcher[] = [];
  afterEach(() => watchers.splice(0).forEach((w) => w.stop()));

  async function watch(files: string[]): Promise<{ changes: () => number }> {
    let changes = 0;
    const w = new FileChangeWatcher(() => ({ files }), () => changes++, 20);
    watchers.push(w);
    await w.start();
    return { changes: () => changes };
  }

  it("reports an in-place rewrite and a replacement by rename, once each", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-watch-"));
    const file = join(dir, "cert.pem");
    writeFileSync(file, "one");
    const { changes } = await watch([file]);
    await new Promise((r) => setTimeout(r, 100));
    expect(changes()).toBe(0);
    writeFileSync(file, "two");
    await vi.waitFor(() => expect(changes()).toBe(1));
    writeFileSync(file + ".new", "three");
    renameSync(file + ".new", file);
    await vi.waitFor(() => expect(changes()).toBe(2));
    await new Promise((r) => setTimeout(r, 100));
    expect(changes()).toBe(2);
  });

  it("follows a Secret volume's ..data symlink swap", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-watch-secret-"));
    mkdirSync(join(dir, "..2026_01"));
    writeFileSync(join(dir, "..2026_01", "tls.crt"), "first");
    symlinkSync("..2026_01", join(dir, "..data"));
    symlinkSync(join("..data", "tls.crt"), join(dir, "tls.crt"));
    const { changes } = await watch([join(dir, "tls.crt")]);
    mkdirSync(join(dir, "..2026_02"));
    writeFileSync(join(dir, "..2026_02", "tls.crt"), "second");
    symlinkSync("..2026_02", join(dir, "..data_tmp"));
    renameSync(join(dir, "..data_tmp"), join(dir, "..data"));
    rmSync(join(dir, "..2026_01"), { recursive: true });
    await vi.waitFor(() => expect(changes()).toBe(1));
  });

  it("counts a file that disappears as a change (the reload then reports it)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "millrace-watch-gone-"));
    const file = join(dir, "key.pem");
    writeFileSync(file, "key");
    const { changes } = await watch([file]);
    rmSync(file);
    await vi.waitFor(() => expect(changes()).toBe(1));
  });
});
