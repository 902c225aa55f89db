// The proxy lab's page and package files: a blank HTML page at "/" and the built npm package
// under "/pkg/". nginx serves them from disk (writeSiteRoot + an alias to PKG_DIR); HAProxy
// serves no files, so there it routes every non-socket path to startStaticServer(), a small
// plain-HTTP Node server, as people put an app server behind it.
import { mkdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import http from "node:http";
import { extname, join, normalize } from "node:path";
import { PKG_DIR, track } from "./scenarios.mjs";

export { PKG_DIR };

export const BLANK_PAGE =
  "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>wsguard proxy lab</title>" +
  "<link rel=\"icon\" href=\"data:,\"></head><body></body></html>\n";

const TYPES = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".html": "text/html; charset=utf-8",
};

/** Writes `<dir>/index.html` (the blank page) for nginx's `root`; returns `dir`. */
export function writeSiteRoot(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.html"), BLANK_PAGE);
  return dir;
}

/** A plain-HTTP server on 127.0.0.1: "/" and "/pkg/…"; anything else 404 "not found". */
export async function startStaticServer() {
  const server = http.createServer(async (request, response) => {
    const path = new URL(request.url, "http://127.0.0.1").pathname;
    const headers = { "cache-control": "no-store" };
    if (path === "/" || path === "/index.html") {
      response.writeHead(200, { ...headers, "content-type": TYPES[".html"] });
      return response.end(BLANK_PAGE);
    }
    if (path.startsWith("/pkg/")) {
      const file = normalize(join(PKG_DIR, decodeURIComponent(path.slice("/pkg/".length))));
      if (file.startsWith(PKG_DIR + "/")) {
        try {
          const body = await readFile(file);
          response.writeHead(200, { ...headers, "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
          return response.end(body);
        } catch {
          // fall through to 404
        }
      }
    }
    response.writeHead(404, { ...headers, "content-type": "text/plain" });
    response.end("not found\n");
  });
  const stop = track(server);
  const port = await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
  return { port, stop };
}
