// Cutting one broker process off the network, for the fault suite. The test cluster lives on
// loopback, so nodes cannot be told apart by address: the node's process is moved into a cgroup
// (v2) of its own, and iptables rules in a chain of ours drop every TCP packet that process sends
// and every packet sent to its listener ports — both directions of all its connections, new and
// established, as a real partition would. Only our own processes and ports are touched (rules
// sit on the loopback interface, in chain MILLRACE-FAULTS, removed by close()). Needs root,
// iptables with the cgroup match and a writable cgroup2 mount; available() says whether it can run.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const CHAIN = "MILLRACE-FAULTS";
const GROUP = "millrace-faults";

function iptables(...args: string[]): void {
  execFileSync("iptables", ["-w", ...args], { stdio: ["ignore", "ignore", "pipe"] });
}

function iptablesSucceeds(...args: string[]): boolean {
  try {
    iptables(...args);
    return true;
  } catch {
    return false;
  }
}

/** Where cgroup v2 is mounted (the "unified" hierarchy), if it is. */
function cgroup2Root(): string | undefined {
  for (const line of readFileSync("/proc/mounts", "utf8").split("\n")) {
    const [, mountPoint, type] = line.split(" ");
    if (type === "cgroup2" && mountPoint) return mountPoint;
  }
  return undefined;
}

export class NetworkIsolation {
  private readonly isolated = new Set<number>();

  private constructor(private readonly root: string) {}

  /** Whether this machine lets us isolate processes (root, iptables, cgroup v2). */
  static available(): boolean {
    if (process.getuid?.() !== 0) return false;
    const root = cgroup2Root();
    if (!root) return false;
    try {
      execFileSync("iptables", ["-w", "-m", "cgroup", "--help"], { stdio: "ignore" });
    } catch {
      return false;
    }
    try {
      mkdirSync(join(root, GROUP), { recursive: true });
      return true;
    } catch {
      return false;
    }
  }

  /** Sets up our chain (left over ones from an aborted run are cleared). */
  static open(): NetworkIsolation {
    const root = cgroup2Root();
    if (!root) throw new Error("no cgroup2 mount: network isolation is unavailable");
    mkdirSync(join(root, GROUP), { recursive: true });
    if (!iptablesSucceeds("-N", CHAIN)) iptables("-F", CHAIN);
    if (!iptablesSucceeds("-C", "OUTPUT", "-o", "lo", "-j", CHAIN)) iptables("-I", "OUTPUT", "-o", "lo", "-j", CHAIN);
    return new NetworkIsolation(root);
  }

  /** Cuts node `nodeId` (process `pid`, listening on `ports`) off from everyone until heal(). */
  isolate(nodeId: number, pid: number, ports: readonly number[]): void {
    const group = join(GROUP, `node-${nodeId}`);
    mkdirSync(join(this.root, group), { recursive: true });
    writeFileSync(join(this.root, group, "cgroup.procs"), String(pid));
    iptables("-A", CHAIN, "-p", "tcp", "-m", "cgroup", "--path", group, "-j", "DROP");
    iptables("-A", CHAIN, "-p", "tcp", "-m", "multiport", "--dports", ports.join(","), "-j", "DROP");
    this.isolated.add(nodeId);
  }

  /** Lets every isolated node talk again (its process stays in its cgroup, harmlessly). */
  heal(): void {
    iptables("-F", CHAIN);
  }

  /** Removes our rules and chain, and the cgroups (their processes go back to the root group). */
  close(): void {
    iptablesSucceeds("-F", CHAIN);
    iptablesSucceeds("-D", "OUTPUT", "-o", "lo", "-j", CHAIN);
    iptablesSucceeds("-X", CHAIN);
    for (const nodeId of this.isolated) {
      const dir = join(this.root, GROUP, `node-${nodeId}`);
      if (!existsSync(dir)) continue;
      for (const pid of readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) {
        try {
          writeFileSync(join(this.root, "cgroup.procs"), pid);
        } catch {
          // exited meanwhile
        }
      }
      rmdirSync(dir);
    }
    this.isolated.clear();
  }
}
