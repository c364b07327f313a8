// The one root pino logger of a process; everything else takes a child of it.
import { pino, type Logger } from "pino";

export function createRootLogger(level = process.env.MILLRACE_LOG_LEVEL ?? "info"): Logger {
  return pino({ level, base: { pid: process.pid } });
}
