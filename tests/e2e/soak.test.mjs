// Chaos soak: several WsGuard clients in one page send sequence-numbered messages for a while
// against tests/servers/chaos.mjs, which refuses, delays, drops and closes their connections at
// random (seeded). What wsguard promises, and what this checks:
//
//   (a) a message send() accepted while the client was NOT open (so it was queued) reaches the
//       server exactly once, after a reconnect. A message handed to an OPEN socket that then dies
//       may be lost (the browser gives no delivery receipt): those are counted apart, as
//       in_flight_lost, and not held against wsguard. The same holds for queued messages that
//       wsguard flushed on open to a socket that died before the server read them (the chaos
//       server may cut a connection 50 ms after accepting it; on a loaded machine the page's
//       `open` may come later than that). To tell those apart soundly, each client sends a marker
//       from its `open` listener: wsguard hands its queue to the socket before it dispatches
//       `open`, in the same task, so the marker follows the flush on the same socket. A queued
//       message missing at the server counts as lost (wsguard's fault) when the marker of the
//       open that flushed it arrived, and as flushed_lost (the socket's) when it did not;
//   (b) per client, the server never sees a duplicate and sequence numbers only increase;
//   (c) a client never uses two sockets at once. Checked two ways:
//       - server side (sound against timing): a message arriving on an older connection of a
//         client after a newer connection of the same client has already received one. With one
//         socket at a time, everything sent on the old socket was written before the new socket
//         even started its handshake, and the new socket's first message needs a full round
//         trip after that, so such interleaving can only come from two live sockets. (Counting
//         sockets the server still considers open would not be sound: a socket the server closed
//         stays "open" there until the client's close frame arrives, which may be after the client
//         has already reconnected.)
//       - client side: `debugCounts().sockets`, sampled every 20 ms, never exceeds the number of
//         clients;
//   (d) no uncaught page error and no WebAssembly trap (RuntimeError, "unreachable", a panic);
//   (e) after close() of every client, debugCounts() is back to its value before they existed.
//
// The duration is WSGUARD_SOAK_SECONDS (default 45); WSGUARD_SOAK_SEED fixes the chaos seed,
// WSGUARD_SOAK_CLIENTS the number of clients (default 4).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startChaos } from "../servers/chaos.mjs";
import { launchChromium } from "./support/browser.mjs";
import { loadInPage, packageEntry } from "./support/wsguard-entry.mjs";

const SECONDS = Number(process.env.WSGUARD_SOAK_SECONDS ?? 45);
const CLIENTS = Number(process.env.WSGUARD_SOAK_CLIENTS ?? 4);
const SEED = process.env.WSGUARD_SOAK_SEED === undefined ? undefined : Number(process.env.WSGUARD_SOAK_SEED);
const SEND_EVERY_MS = 5;
const TRAP = /RuntimeError|unreachable|panicked|wasm-function/i;

let chaos;
let browser;

before(async () => {
  chaos = await startChaos({ seed: SEED, lifetimeMs: (SECONDS + 300) * 1000 });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await chaos?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until it returns truthy or `ms` pass; returns its last value. */
async function until(check, ms) {
  const end = Date.now() + ms;
  let value = await check();
  while (!value && Date.now() < end) {
    await sleep(50);
    value = await check();
  }
  return value;
}

/** Opens a page on the chaos server with the package loaded as `window.wsguard`. */
async function openPage(context) {
  const page = await context.newPage();
  const pageErrors = [];
  const consoleErrors = [];
  page.on("pageerror", (error) => pageErrors.push(`${error.name}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && TRAP.test(message.text())) consoleErrors.push(message.text());
  });
  await page.goto(`${chaos.origin}/`);
  await loadInPage(page, await packageEntry());
  return { page, pageErrors, consoleErrors };
}

test(`soak: ${CLIENTS} clients for ${SECONDS} s against the chaos server`, { timeout: (SECONDS + 240) * 1000 }, async () => {
  const context = await browser.newContext();
  const { page, pageErrors, consoleErrors } = await openPage(context);
  const run = `${Date.now().toString(36)}`;
  const ids = Array.from({ length: CLIENTS }, (_, i) => `c${i}-${run}`);

  // 1. Start the clients, the senders and the socket sampler.
  await page.evaluate(
    ({ ids, everyMs }) => {
      const soak = {
        baseline: wsguard.debugCounts(),
        clients: [],
        maxSockets: 0,
        overSockets: 0,
        samples: 0,
        traps: [],
      };
      window.soak = soak;
      const noteTrap = (where, error) => {
        if (error instanceof WebAssembly.RuntimeError || /unreachable|panicked/i.test(String(error?.message))) {
          soak.traps.push(`${where}: ${error}`);
        }
      };
      window.addEventListener("error", (event) => noteTrap("window.onerror", event.error));
      window.addEventListener("unhandledrejection", (event) => noteTrap("unhandledrejection", event.reason));
      for (const id of ids) {
        const guard = new wsguard.WsGuard(`/chaos?client=${id}`, {
          minDelayMs: 50,
          maxDelayMs: 400,
          maxBufferedMessages: 100000,
          maxBufferedBytes: 1e8,
        });
        // marks[i] is the fate of seq i+1 on the client: "o" accepted while open, "q" accepted
        // while not open (queued), "x" refused by send().
        const client = { id, guard, seq: 0, marks: [], openSeqs: [], refused: {}, opens: 0, closes: 0, codes: {} };
        // wsguard hands its queue to the socket before it dispatches `open`, in the same task:
        // a marker sent from the listener follows the flushed messages on the same socket, so
        // its arrival proves the server read the whole flush.
        guard.addEventListener("open", () => {
          client.opens += 1;
          client.openSeqs.push(client.seq);
          try {
            guard.send(`${id}:open:${client.opens}`);
          } catch (error) {
            noteTrap("send", error);
          }
        });
        guard.addEventListener("close", (event) => {
          client.closes += 1;
          client.codes[event.code] = (client.codes[event.code] ?? 0) + 1;
        });
        soak.clients.push(client);
      }
      soak.sender = setInterval(() => {
        for (const client of soak.clients) {
          client.seq += 1;
          const open = client.guard.readyState === 1;
          try {
            client.guard.send(`${client.id}:${client.seq}`);
            client.marks.push(open ? "o" : "q");
          } catch (error) {
            noteTrap("send", error);
            client.marks.push("x");
            const key = `${error?.name}: ${error?.message}`;
            client.refused[key] = (client.refused[key] ?? 0) + 1;
          }
        }
      }, everyMs);
      soak.sampler = setInterval(() => {
        const { sockets } = wsguard.debugCounts();
        soak.samples += 1;
        soak.maxSockets = Math.max(soak.maxSockets, sockets);
        if (sockets > soak.clients.length) soak.overSockets += 1;
      }, 20);
    },
    { ids, everyMs: SEND_EVERY_MS },
  );

  // 2. Let the chaos run.
  const started = Date.now();
  while (Date.now() - started < SECONDS * 1000) {
    await sleep(Math.min(1000, SECONDS * 1000 - (Date.now() - started)));
    if (page.isClosed()) break;
  }

  // 3. Stop sending, end the chaos, and let every client drain its queue.
  await page.evaluate(() => clearInterval(window.soak.sender));
  chaos.calm();
  const drained = await until(
    () =>
      page.evaluate(() =>
        window.soak.clients.every((c) => c.guard.readyState === 1 && c.guard.bufferedAmount === 0),
      ),
    90_000,
  );
  // A last message per client, on a now healthy connection, marks the end of its stream.
  const finals = await page.evaluate(() =>
    window.soak.clients.map((c) => {
      c.seq += 1;
      c.guard.send(`${c.id}:${c.seq}`);
      c.marks.push(c.guard.readyState === 1 ? "o" : "q");
      return c.seq;
    }),
  );
  const arrived = await until(
    () => ids.every((id, i) => chaos.received(id).includes(`${id}:${finals[i]}`)),
    30_000,
  );

  // 4. Close everything and compare the live counts with the baseline.
  const final = await page.evaluate(async () => {
    const soak = window.soak;
    clearInterval(soak.sampler);
    const closed = soak.clients.map(
      (c) =>
        new Promise((resolve) => {
          if (c.guard.readyState === 3) return resolve(true);
          const timer = setTimeout(() => resolve(false), 10_000);
          c.guard.addEventListener("close", () => {
            clearTimeout(timer);
            resolve(true);
          });
        }),
    );
    for (const c of soak.clients) c.guard.close();
    const allClosed = (await Promise.all(closed)).every(Boolean);
    // Events and socket teardown finish in later tasks: poll briefly for the baseline. A closed
    // client keeps one closure (its event-dispatch microtask) because reconnect() may revive
    // it; free() releases that too.
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const settle = async (expected) => {
      let counts = wsguard.debugCounts();
      for (let i = 0; i < 40 && !same(counts, expected); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        counts = wsguard.debugCounts();
      }
      return counts;
    };
    const afterClose = await settle(soak.baseline);
    const states = soak.clients.map((c) => c.guard.state);
    for (const c of soak.clients) c.guard.free();
    const afterFree = await settle(soak.baseline);
    return {
      allClosed,
      baseline: soak.baseline,
      afterClose,
      afterFree,
      states,
      maxSockets: soak.maxSockets,
      overSockets: soak.overSockets,
      samples: soak.samples,
      traps: soak.traps,
      clients: soak.clients.map((c) => ({
        id: c.id,
        marks: c.marks.join(""),
        openSeqs: c.openSeqs,
        refused: c.refused,
        opens: c.opens,
        closes: c.closes,
        codes: c.codes,
      })),
    };
  });

  // 5. Compare what each client had accepted with what the server received.
  let sent = 0;
  let delivered = 0;
  let lost = 0;
  let inFlightLost = 0;
  let flushedLost = 0;
  let duplicated = 0;
  let reordered = 0;
  let refused = 0;
  let interleaved = 0;
  const details = [];
  for (const client of final.clients) {
    const markers = new Set();
    const received = [];
    for (const text of chaos.received(client.id)) {
      const [id, seq, open] = text.split(":");
      assert.equal(id, client.id, `the server filed a message of ${id} under ${client.id}`);
      if (seq === "open") markers.add(Number(open));
      else received.push(Number(seq));
    }
    const seen = new Set();
    let last = 0;
    for (const seq of received) {
      if (seen.has(seq)) duplicated += 1;
      else if (seq < last) reordered += 1;
      seen.add(seq);
      last = Math.max(last, seq);
    }
    delivered += seen.size;
    const missing = { q: [], o: [], flushed: [] };
    // The open (1-based) whose flush carried queued message `seq`: the first open after it.
    const flushedBy = (seq) => {
      let low = 0;
      let high = client.openSeqs.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (client.openSeqs[mid] >= seq) high = mid;
        else low = mid + 1;
      }
      return low < client.openSeqs.length ? low + 1 : null;
    };
    [...client.marks].forEach((mark, i) => {
      const seq = i + 1;
      if (mark === "x") {
        refused += 1;
        return;
      }
      sent += 1;
      if (seen.has(seq)) return;
      // A queued message flushed on a socket that died before the server read its open marker
      // is lost for the same reason as one sent while open: the browser gives no receipt. If the
      // marker arrived, the flush arrived before it (one socket, in order), so the message was
      // never flushed: wsguard lost it.
      const open = mark === "q" ? flushedBy(seq) : null;
      if (mark === "q" && open !== null && !markers.has(open)) missing.flushed.push(seq);
      else missing[mark].push(seq);
    });
    lost += missing.q.length;
    inFlightLost += missing.o.length;
    flushedLost += missing.flushed.length;
    const stats = chaos.stats(client.id) ?? {};
    // The connections that never received their open marker: the socket died before the
    // page's open listener ran (or before the marker got through). By fate and lifetime.
    const texts = chaos.received(client.id);
    const unmarked = chaos
      .connections(client.id)
      .filter((c) => !c.indexes.some((i) => texts[i].includes(":open:")))
      .map((c) => `${c.fate}/${c.closedAt === null ? "open" : c.closedAt - c.acceptedAt}ms/${c.messages}msg`);
    interleaved += stats.interleavedConnections ?? 0;
    details.push({
      id: client.id,
      accepted: client.marks.length,
      queued: [...client.marks].filter((m) => m === "q").length,
      received: received.length,
      lostQueued: missing.q.slice(0, 20),
      lostInFlight: missing.o.length,
      lostInFlush: missing.flushed.length,
      markers: markers.size,
      unmarked: unmarked.slice(0, 12),
      opens: client.opens,
      closes: client.closes,
      codes: client.codes,
      refused: client.refused,
      server: stats,
    });
  }
  const traps =
    final.traps.length + pageErrors.filter((e) => TRAP.test(e)).length + consoleErrors.length;
  const doubleSockets = interleaved + final.overSockets;

  console.log(`soak: seed=${chaos.seed} seconds=${SECONDS} fates=${JSON.stringify(chaos.fates())}`);
  for (const d of details) console.log(`soak: client ${JSON.stringify(d)}`);
  console.log(
    `soak: sockets sampled ${final.samples} times, max ${final.maxSockets}; server-side interleaved connections ${interleaved}; refused sends ${refused}`,
  );
  console.log(`soak: debugCounts baseline ${JSON.stringify(final.baseline)} after close() ${JSON.stringify(final.afterClose)} after free() ${JSON.stringify(final.afterFree)}`);
  console.log(
    `soak: in_flight_lost=${inFlightLost} (sent while open on a socket that then died) flushed_lost=${flushedLost} (queued, flushed on open to a socket that died before the server read the flush)`,
  );
  console.log(
    `soak: clients=${final.clients.length} sent=${sent} delivered=${delivered} lost=${lost} duplicated=${duplicated} reordered=${reordered} traps=${traps} double_sockets=${doubleSockets}`,
  );

  assert.ok(drained, "every client was open with an empty queue after the chaos ended");
  assert.ok(arrived, "every client's last message reached the server after the chaos ended");
  assert.equal(lost, 0, "messages accepted while not open all reached the server");
  assert.equal(duplicated, 0, "no message reached the server twice");
  assert.equal(reordered, 0, "sequence numbers only increase per client");
  assert.equal(traps, 0, "no WebAssembly trap");
  assert.equal(doubleSockets, 0, "never two sockets at once per client");
  assert.deepEqual(pageErrors, [], "no uncaught page error");
  assert.equal(refused, 0, "send() accepted every message (the buffers are large enough)");
  assert.ok(final.allClosed, "every client fired its final close");
  assert.deepEqual(final.states, final.clients.map(() => "closed"));
  assert.deepEqual(final.afterClose, final.baseline, "listeners, timers and sockets back to the baseline after close()");
  assert.deepEqual(final.afterFree, final.baseline, "debugCounts() back to the baseline after free()");
  assert.ok(
    final.clients.every((c) => c.opens >= 2),
    "every client reconnected at least once (the chaos reached it)",
  );
  await context.close();
});
