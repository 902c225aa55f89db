// Shared helpers for the end-to-end tests: headless Chromium through playwright-core, and
// child processes that are always stopped.
import { spawn } from "node:child_process";
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** Launches Debian's Chromium headless with the flags this machine needs. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/**
 * Starts `node <script> <args>` and resolves once a stdout line matches `ready`, with the match
 * and a `stop()` that kills the process and waits for it.
 */
export function startNode(script, args, ready, { timeoutMs = 10_000 } = {}) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${script} did not print ${ready} within ${timeoutMs} ms; got: ${out}`));
    }, timeoutMs);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ match, stop, child });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready; output: ${out}`));
    });
  });
}
