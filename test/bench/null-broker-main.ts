// The null broker as a process of its own, started like a Millrace broker (the same Node flags,
// V8 settings first) so that it is timed under the same runtime: `node <BROKER_NODE_FLAGS>
// dist/test/bench/null-broker-main.js PARTITIONS` prints `bootstrap=HOST:PORT` once it listens,
// and stops on SIGTERM.
import "../../broker/v8-flags.js";
import { startNullBroker } from "./null-broker.js";

const partitions = Number(process.argv[2]);
if (!Number.isInteger(partitions) || partitions < 1) {
  process.stderr.write("usage: null-broker-main.js PARTITIONS (a positive integer)\n");
  process.exit(2);
}
const broker = await startNullBroker(partitions);
process.stdout.write(`bootstrap=${broker.bootstrap}\n`);
process.once("SIGTERM", () => {
  process.stderr.write(`null broker: answered ${broker.produceRequests} produce requests\n`);
  void broker.close().then(() => process.exit(0));
});
