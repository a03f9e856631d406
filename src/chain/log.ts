// Structured logs: one JSON object per line (machines) or a short readable line (people).
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;
export type Logger = {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
};

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type CreateLoggerParameters = {
  json?: boolean;
  level?: LogLevel;
  /** Where lines go; stderr by default so that command output on stdout stays clean. */
  write?: (line: string) => void;
  base?: LogFields;
};

const plain = (v: unknown): unknown =>
  typeof v === "bigint" ? v.toString() : v instanceof Error ? v.message : v;

export function createLogger(params: CreateLoggerParameters = {}): Logger {
  const level = params.level ?? ((process.env.TRELLIS_LOG_LEVEL as LogLevel | undefined) ?? "info");
  const write = params.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const base = params.base ?? {};
  const emit = (lvl: LogLevel, msg: string, fields: LogFields = {}) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const all = { ...base, ...fields };
    if (params.json) {
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...all }, (_, v) => plain(v)));
    } else {
      const extra = Object.entries(all)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === "object" && v !== null ? JSON.stringify(v, (_, x) => plain(x)) : String(plain(v))}`)
        .join(" ");
      const tag = lvl === "info" ? "" : `${lvl.toUpperCase()} `;
      write(`${new Date().toISOString().slice(11, 19)} ${tag}${msg}${extra ? "  " + extra : ""}`);
    }
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ ...params, level, write, base: { ...base, ...fields } }),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger({ write: () => {}, level: "error" });
