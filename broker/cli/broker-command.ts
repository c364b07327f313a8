// `millrace broker [--config FILE] [--override key=value]…`: loads Kafka-style configuration,
// starts a broker and runs until SIGTERM/SIGINT, then shuts down cleanly.
import { loadBrokerConfig, ConfigError } from "../config/index.js";
import { Broker } from "../broker.js";
import { createRootLogger } from "../logger.js";

export interface BrokerArgs {
  configFile: string | undefined;
  overrides: string[];
}

export function parseBrokerArgs(args: string[]): BrokerArgs {
  const parsed: BrokerArgs = { configFile: undefined, overrides: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new ConfigError(`${arg} needs a value`);
      return v;
    };
    if (arg === "--config") parsed.configFile = value();
    else if (arg.startsWith("--config=")) parsed.configFile = arg.slice("--config=".length);
    else if (arg === "--override") parsed.overrides.push(value());
    else if (arg.startsWith("--override=")) parsed.overrides.push(arg.slice("--override=".length));
    // Kafka's own start script takes the properties file as the first positional argument.
    else if (!arg.startsWith("-") && parsed.configFile === undefined) parsed.configFile = arg;
    else throw new ConfigError(`unknown argument ${arg}`);
  }
  return parsed;
}

/** How long a stopped broker's process may take to end by itself. */
const EXIT_GRACE_MS = 5_000;

export async function runBrokerCommand(args: string[]): Promise<number> {
  let config;
  try {
    parseBrokerArgs(args);
    config = loadBrokerConfig({ argv: args, env: process.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`millrace broker: invalid configuration: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const log = createRootLogger();
  for (const warning of config.warnings) log.warn(warning);
  const broker = await Broker.start(config, log);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, "shutdown requested");
      resolve();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  await broker.stop();
  // Everything is closed, so the process ends on its own; should a forgotten timer or socket keep
  // it alive, it ends anyway (an orchestrator would otherwise wait out its grace period) and says what.
  setTimeout(() => {
    log.warn({ active: process.getActiveResourcesInfo() }, "still running after the broker stopped; exiting");
    process.exit(0);
  }, EXIT_GRACE_MS).unref();
  return 0;
}
