/**
 * The config-related command-line flags of `millrace broker`:
 *   --config FILE | --config=FILE      a server.properties file
 *   --override key=value | --override=key=value   (repeatable)
 *   a bare `*.properties` path, as `kafka-server-start.sh server.properties` takes it
 * Other arguments are handed back untouched for the CLI to interpret.
 */
import { ConfigError } from "./errors.js";

export interface ConfigArgs {
  readonly configFile?: string;
  readonly overrides: readonly string[];
  readonly rest: readonly string[];
}

export function parseConfigArgs(argv: readonly string[]): ConfigArgs {
  let configFile: string | undefined;
  const overrides: string[] = [];
  const rest: string[] = [];
  const setFile = (path: string, flag: string) => {
    if (configFile !== undefined) throw new ConfigError(`only one config file may be given (${flag} ${path})`);
    configFile = path;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = () => {
      const value = argv[i + 1];
      if (value === undefined) throw new ConfigError(`${arg} needs a value`);
      i++;
      return value;
    };
    if (arg === "--config") setFile(next(), arg);
    else if (arg.startsWith("--config=")) setFile(arg.slice("--config=".length), "--config");
    else if (arg === "--override") overrides.push(next());
    else if (arg.startsWith("--override=")) overrides.push(arg.slice("--override=".length));
    else if (!arg.startsWith("-") && arg.endsWith(".properties")) setFile(arg, "argument");
    else rest.push(arg);
  }
  return { ...(configFile !== undefined ? { configFile } : {}), overrides, rest };
}
