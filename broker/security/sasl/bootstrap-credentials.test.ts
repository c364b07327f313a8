import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runStorageCommand } from "../../cli/storage-command.js";
import { startTestBroker, type TestBroker } from "../../handlers/test-fixtures.js";
import { parseAddScram } from "./add-scram-option.js";
import { BOOTSTRAP_CREDENTIALS_FILE, importBootstrapCredentials, writeBootstrapCredentials } from "./bootstrap-credentials.js";
import { scramMechanismByName } from "./mechanisms.js";
import { ScramClient } from "./scram-client.js";
import { ScramServer } from "./scram-server.js";

const SHA512 = scramMechanismByName("SCRAM-SHA-512")!;

function logsIn(credential: { salt: Buffer; storedKey: Buffer; serverKey: Buffer; iterations: number; mechanism: number }, user: string, password: string): boolean {
  const server = new ScramServer({ mechanism: SHA512, credential: (u) => (u === user ? credential : undefined) });
  const client = new ScramClient(SHA512, user, password);
  const first = server.evaluate(client.firstMessage()) as { token: Buffer };
  return server.evaluate(client.finalMessage(first.token)).kind === "complete";
}

describe("--add-scram (kafka-storage's syntax)", () => {
  it("parses a password credential (default 4096 iterations) that then logs in", () => {
    const { name, credential } = parseAddScram("SCRAM-SHA-512=[name=admin,password=admin-secret]");
    expect(name).toBe("admin");
    expect(credential).toMatchObject({ mechanism: 2, iterations: 4096 });
    expect(logsIn(credential, "admin", "admin-secret")).toBe(true);
    expect(logsIn(credential, "admin", "wrong")).toBe(false);
  });

  it("takes quoted values, iterations, and salt with a salted password", () => {
    const quoted = parseAddScram('SCRAM-SHA-256=[name="a,b",password="p]w,x",iterations=8192]');
    expect(quoted.name).toBe("a,b");
    expect(quoted.credential).toMatchObject({ mechanism: 1, iterations: 8192 });
    const given = parseAddScram('SCRAM-SHA-512=[name=alice,salt="c2FsdA==",saltedpassword="AAAA",iterations=4096]');
    expect(given.credential.salt).toEqual(Buffer.from("salt"));
  });

  it.each([
    ["SCRAM-SHA-512", /expected MECHANISM=\[/],
    ["SCRAM-SHA-1=[name=a,password=b]", /unknown mechanism SCRAM-SHA-1/],
    ["SCRAM-SHA-512=[password=b]", /name is required/],
    ["SCRAM-SHA-512=[name=a]", /either password or saltedpassword/],
    ["SCRAM-SHA-512=[name=a,password=b,saltedpassword=AAAA]", /either password or saltedpassword/],
    ["SCRAM-SHA-512=[name=a,saltedpassword=AAAA]", /saltedpassword needs salt/],
    ["SCRAM-SHA-512=[name=a,password=b,iterations=100]", /iterations must be an integer from 4096 to 16384/],
    ["SCRAM-SHA-512=[name=a,pasword=b]", /unknown key "pasword"/],
    ['SCRAM-SHA-512=[name="a,password=b]', /unterminated quoted value/],
    ["SCRAM-SHA-512=[name=a,salt=!!,saltedpassword=AAAA]", /salt must be base64/],
  ])("refuses %j", (option, message) => {
    expect(() => parseAddScram(option)).toThrow(message);
  });
});

describe("bootstrap credentials", () => {
  let broker: TestBroker | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await broker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  it("storage format --add-scram writes them; the quorum leader imports them once into an empty cluster, then sets the file aside", async () => {
    dir = mkdtempSync(join(tmpdir(), "bootstrap-scram-"));
    const metaDir = join(dir, "meta");
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const status = runStorageCommand([
      "format", "--cluster-id", "MkU3OEVBNTcwNTJENDM2Qg",
      "--override", "node.id=1", "--override", `log.dirs=${join(dir, "logs")}`, "--override", `metadata.log.dir=${metaDir}`,
      "--override", "listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093", "--override", "controller.listener.names=CONTROLLER",
      "--override", "process.roles=broker,controller", "--override", "controller.quorum.voters=1@127.0.0.1:9093",
      "--add-scram", "SCRAM-SHA-512=[name=admin,password=admin-secret]", "-S", "SCRAM-SHA-256=[name=broker,password=broker-secret]",
    ]);
    expect(status).toBe(0);
    expect(existsSync(join(metaDir, BOOTSTRAP_CREDENTIALS_FILE))).toBe(true);

    broker = await startTestBroker();
    const metadata = broker.services.metadata;
    // The test broker has its own metadata dir: copy the formatted file's credentials there by writing them again.
    writeBootstrapCredentials(broker.dir, [parseAddScram("SCRAM-SHA-512=[name=admin,password=admin-secret]")]);
    const log = pino({ level: "silent" });
    await importBootstrapCredentials(metadata, broker.dir, log);
    expect(logsIn(metadata.image.scramCredentials.get("admin")!.get(2)!, "admin", "admin-secret")).toBe(true);
    expect(existsSync(join(broker.dir, BOOTSTRAP_CREDENTIALS_FILE))).toBe(false);
    expect(existsSync(join(broker.dir, `${BOOTSTRAP_CREDENTIALS_FILE}.imported`))).toBe(true);

    // A cluster that already has credentials is left alone (a deleted user must not come back).
    await metadata.change(() => ({ records: [{ type: "removeUserScramCredential", record: { name: "admin", mechanism: 2 } }, {
      type: "userScramCredential",
      record: { name: "other", ...parseAddScram("SCRAM-SHA-512=[name=other,password=x]").credential },
    }], result: undefined }));
    writeBootstrapCredentials(broker.dir, [parseAddScram("SCRAM-SHA-512=[name=admin,password=admin-secret]")]);
    await importBootstrapCredentials(metadata, broker.dir, log);
    expect(metadata.image.scramCredentials.has("admin")).toBe(false);
    expect(existsSync(join(broker.dir, BOOTSTRAP_CREDENTIALS_FILE))).toBe(false);
  });

  it("storage format refuses a malformed --add-scram", () => {
    let stderr = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
    expect(runStorageCommand(["format", "--cluster-id", "MkU3OEVBNTcwNTJENDM2Qg", "--add-scram", "SCRAM-SHA-512=[name=a]"])).toBe(2);
    expect(stderr).toContain("give either password or saltedpassword");
  });
});
