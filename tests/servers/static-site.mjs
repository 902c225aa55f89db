// The proxy lab's page and package files: a blank HTML page at "/" and the built npm package
// under "/pkg/". nginx serves them from disk (writeSiteRoot + an alias to PKG_DIR); HAProxy
// serves no files, so there it routes every non-socket path to startStaticServer(), a small
// plain-HTTP Node server, as people put an app server behind it.
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { PKG_DIR, pageHandler, track } from "./scenarios.mjs";

export { PKG_DIR };

export const BLANK_PAGE =
  "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>wsguard proxy lab</title>" +
  "<link rel=\"icon\" href=\"data:,\"></head><body></body></html>\n";


/** Writes `<dir>/index.html` (the blank page) for nginx's `root`; returns `dir`. */
export function writeSiteRoot(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.html"), BLANK_PAGE);
  return dir;
}

/** A plain-HTTP server on 127.0.0.1: "/" and "/pkg/…"; anything else 404 "not found". */
export async function startStaticServer() {
  const server = http.createServer(pageHandler(BLANK_PAGE));
  const stop = track(server);
  const port = await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
  return { port, stop };
}
