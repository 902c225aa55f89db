// The package's TypeScript declarations, as a consumer sees them: tests/fixtures/typescript
// imports "wsguard" and "wsguard/react" (resolved through the `exports` map to pkg/index.d.ts
// and pkg/react.d.ts) and must compile under `tsc --strict` with lib checking on; its
// @ts-expect-error lines must each be real errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(root, "node_modules/.bin/tsc");
const pkg = join(root, "pkg");
const fixture = join(root, "tests/fixtures/typescript");

// Runs tsc in `cwd` with a bounded time; returns its exit status and everything it printed.
function runTsc(args, cwd = root) {
  assert.ok(existsSync(tsc), `${tsc} is missing; run npm ci`);
  const result = spawnSync(tsc, [...args, "--pretty", "false"], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(result.error, undefined, `tsc did not run: ${result.error}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

// Points `<dir>/node_modules/wsguard` at `target` (pkg/), where an installed package is found.
function linkPackage(dir, target) {
  assert.ok(
    existsSync(join(pkg, "index.d.ts")),
    "pkg/index.d.ts is missing; build the package first (npm run build)",
  );
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  const link = join(dir, "node_modules/wsguard");
  let current;
  try {
    current = readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current === target) return;
  rmSync(link, { force: true });
  try {
    symlinkSync(target, link, "dir");
  } catch (error) {
    // A concurrent run may have created the same link in between.
    if (error.code !== "EEXIST" || readlinkSync(link) !== target) throw error;
  }
}

test("the fixture type-checks against the built package with tsc --strict", () => {
  linkPackage(fixture, relative(join(fixture, "node_modules"), pkg));
  const { status, output } = runTsc(["-p", relative(root, fixture)]);
  assert.equal(output, "", "tsc printed diagnostics");
  assert.equal(status, 0);
});

test("every @ts-expect-error line in the fixture is a real type error", () => {
  // The misuse each line must be rejected for, by TypeScript error code, in file order.
  const expected = [
    { snippet: "retryForever: true", code: "TS2353" }, // unknown option key (excess property)
    { snippet: 'jitter: "random"', code: "TS2322" },
    { snippet: "e.detail.nope", code: "TS2339" },
    { snippet: "ws.send(42)", code: "TS2345" },
    { snippet: 'ws.binaryType = "text"', code: "TS2322" },
    { snippet: 'useWsGuard("/ws").send(42)', code: "TS2345" }, // wsguard/react
    { snippet: "heartbeat: true", code: "TS2322" },
    { snippet: "reconnectAfterSuspendMs: false", code: "TS2322" },
  ];
  const dir = mkdtempSync(join(tmpdir(), "wsguard-ts-"));
  try {
    cpSync(join(fixture, "tsconfig.json"), join(dir, "tsconfig.json"));
    cpSync(join(fixture, "src"), join(dir, "src"), { recursive: true });
    linkPackage(dir, pkg);

    // Drop every @ts-expect-error directive and note where each misuse line lands.
    const source = readFileSync(join(fixture, "src/errors.ts"), "utf8").split("\n");
    const kept = source.filter((line) => line.trim() !== "// @ts-expect-error");
    assert.equal(source.length - kept.length, expected.length, "one directive per expected error");
    writeFileSync(join(dir, "src/errors.ts"), kept.join("\n"));

    const { status, output } = runTsc(["-p", "."], dir);
    assert.notEqual(status, 0, "tsc accepted the fixture without its @ts-expect-error lines");
    const errors = output
      .split("\n")
      .filter((line) => / error TS\d+:/.test(line))
      .map((line) => {
        const match = /^(.*)\((\d+),\d+\): error (TS\d+):/.exec(line);
        assert.ok(match, `unexpected diagnostic: ${line}`);
        return { file: match[1], line: Number(match[2]), code: match[3] };
      });
    const want = expected.map(({ snippet, code }) => {
      const index = kept.findIndex((line) => line.includes(snippet));
      assert.notEqual(index, -1, `errors.ts no longer contains ${snippet}`);
      return { file: "src/errors.ts", line: index + 1, code };
    });
    assert.deepEqual(errors, want, `tsc output:\n${output}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
