// The options table, generated from src/core/options/schema.rs by tests/schema.rs: do not edit.
// To regenerate: WSGUARD_WRITE_SCHEMA=1 cargo test -p wsguard --test schema
/**
 * Each option as arguments.js reads it: [JS name, shape, list limit]. Its position here is its
 * index in the core's table, which names it to the WebAssembly (`optionNumber(index, value)`).
 * Shapes: "number", "text", "flag"; "section" (an object of the options named
 * "<section>.<field>", or false); "texts" and "numbers" (lists of at most `limit` items).
 * @type {ReadonlyArray<[string, string, number?]>}
 */
export const OPTIONS = [
  ["minDelayMs", "number"],
  ["maxDelayMs", "number"],
  ["factor", "number"],
  ["jitter", "text"],
  ["maxRetries", "number"],
  ["connectTimeoutMs", "number"],
  ["stableAfterMs", "number"],
  ["maxBufferedMessages", "number"],
  ["maxBufferedBytes", "number"],
  ["heartbeat", "section"],
  ["heartbeat.intervalMs", "number"],
  ["heartbeat.message", "text"],
  ["heartbeat.timeoutMs", "number"],
  ["reconnectAfterSuspendMs", "number"],
  ["protocols", "texts", 64],
  ["binaryType", "text"],
  ["insecure", "text"],
  ["probe", "flag"],
  ["fatalCodes", "numbers", 256],
  ["log", "flag"],
];
