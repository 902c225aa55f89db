// The timeline chart: connection states as coloured bands over time, the backoff delay before
// each retry as a bar (its width the wait, its height the delay against maxDelayMs), and
// diagnoses and URL switches as labelled markers. Plain SVG, redrawn a few times a second.

const SVG = "http://www.w3.org/2000/svg";

export const STATES = {
  connecting: { color: "#f59e0b", text: "#1f1300", label: "connecting" },
  open: { color: "#16a34a", text: "#ffffff", label: "open" },
  closing: { color: "#7c3aed", text: "#ffffff", label: "closing" },
  reconnecting: { color: "#dc2626", text: "#ffffff", label: "reconnecting" },
  offline: { color: "#475569", text: "#ffffff", label: "offline" },
  closed: { color: "#94a3b8", text: "#0f172a", label: "closed" },
};

const MIN_SPAN_MS = 10_000;
const MAX_SPAN_MS = 90_000;
const TICK_STEPS = [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000];

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text != null) node.textContent = text;
  return node;
}

function seconds(ms) {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export class Timeline {
  constructor(svg, { now = () => performance.now() } = {}) {
    this.svg = svg;
    this.now = now;
    this.t0 = now();
    this.segments = []; // {state, start, end}
    this.backoffs = []; // {attempt, start, delayMs}
    this.marks = []; // {t, label, tone}
    this.maxDelayMs = 8000;
  }

  state(state) {
    const t = this.now();
    const last = this.segments.at(-1);
    if (last && last.end == null) {
      if (last.state === state) return;
      last.end = t;
    }
    this.segments.push({ state, start: t, end: null });
  }

  backoff(attempt, delayMs) {
    this.backoffs.push({ attempt, start: this.now(), delayMs });
  }

  mark(label, tone = "info") {
    this.marks.push({ t: this.now(), label, tone });
  }

  render() {
    const svg = this.svg;
    const width = Math.max(320, Math.round(svg.clientWidth || svg.parentElement.clientWidth || 800));
    const narrow = width < 560;
    const gutter = narrow ? 8 : 84;
    const right = 14;
    const plot = width - gutter - right;
    const rows = {
      marks: { y: 6, h: 44 },
      state: { y: 54, h: 40 },
      backoff: { y: 104, h: 56 },
      axis: { y: 170 },
    };
    const height = 194;

    const now = this.now();
    const first = this.segments[0]?.start ?? now;
    const elapsed = now - Math.min(first, now);
    const span = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, elapsed * 1.15 + 1000));
    const from = Math.max(first - 500, now - span + 1000);
    const to = from + span;
    const x = (t) => gutter + ((t - from) / span) * plot;

    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("height", String(height));
    svg.replaceChildren();

    // Lane backgrounds and labels.
    svg.append(
      el("rect", { x: gutter, y: rows.state.y, width: plot, height: rows.state.h, rx: 6, class: "lane" }),
      el("rect", { x: gutter, y: rows.backoff.y, width: plot, height: rows.backoff.h, rx: 6, class: "lane" }),
    );
    if (!narrow) {
      svg.append(
        el("text", { x: gutter - 10, y: rows.state.y + rows.state.h / 2 + 5, class: "lane-label", "text-anchor": "end" }, "state"),
        el("text", { x: gutter - 10, y: rows.backoff.y + rows.backoff.h / 2 + 5, class: "lane-label", "text-anchor": "end" }, "backoff"),
      );
    }

    // Time axis: seconds since the page loaded.
    const step = TICK_STEPS.find((s) => span / s <= (narrow ? 5 : 10)) ?? 60_000;
    const firstTick = Math.ceil((from - this.t0) / step) * step + this.t0;
    for (let t = firstTick; t <= to; t += step) {
      const tx = x(t);
      if (tx < gutter - 0.5) continue;
      svg.append(
        el("line", { x1: tx, x2: tx, y1: rows.state.y, y2: rows.axis.y - 8, class: "grid" }),
        el("text", { x: tx, y: rows.axis.y + 10, class: "tick", "text-anchor": "middle" }, `${Math.round((t - this.t0) / 1000)} s`),
      );
    }

    // State bands.
    const clip = (t) => Math.min(Math.max(t, from), to);
    for (const seg of this.segments) {
      const end = seg.end ?? now;
      if (end < from) continue;
      const x1 = x(clip(seg.start));
      const x2 = x(clip(end));
      const w = Math.max(2, x2 - x1);
      const style = STATES[seg.state] ?? { color: "#64748b", text: "#fff", label: seg.state };
      const band = el("rect", {
        x: x1, y: rows.state.y, width: w, height: rows.state.h,
        fill: style.color, class: "band", "data-state": seg.state,
      });
      band.append(el("title", {}, `${seg.state} · ${seconds(end - seg.start)}`));
      svg.append(band);
      const label = w > style.label.length * 7.2 + 12 ? style.label : w > 34 ? style.label.slice(0, 4) : "";
      if (label) {
        svg.append(el("text", {
          x: x1 + w / 2, y: rows.state.y + rows.state.h / 2 + 5,
          "text-anchor": "middle", class: "band-label", fill: style.text,
        }, label));
      }
    }

    // Backoff bars: the wait before retry N, height ∝ delay / maxDelayMs. Labels newest
    // first; one that would overlap a newer label is left out (the bar keeps its tooltip).
    const base = rows.backoff.y + rows.backoff.h;
    const taken = [];
    const fits = (a, b, lane) => !taken.some((t) => t.lane === lane && a < t.b + 4 && b > t.a - 4);
    for (const b of [...this.backoffs].reverse()) {
      const end = b.start + b.delayMs;
      if (end < from) continue;
      const x1 = x(clip(b.start));
      const x2 = x(clip(Math.max(end, b.start)));
      const w = Math.max(3, x2 - x1);
      const h = Math.max(6, Math.min(1, b.delayMs / this.maxDelayMs) * (rows.backoff.h - 18));
      const bar = el("rect", { x: x1, y: base - h, width: w, height: h, rx: 3, class: "backoff", "data-delay": b.delayMs });
      bar.append(el("title", {}, `retry #${b.attempt} after ${seconds(b.delayMs)}`));
      svg.append(bar);
      svg.append(el("line", { x1, x2: x1, y1: rows.backoff.y + 2, y2: base, class: "backoff-tick" }));
      const text = `#${b.attempt} · ${seconds(b.delayMs)}`;
      const tw = text.length * 6.7;
      const tx = Math.min(x1 + 4, gutter + plot - tw);
      if (fits(tx, tx + tw, 0)) {
        taken.push({ a: tx, b: tx + tw, lane: 0 });
        svg.append(el("text", { x: tx, y: Math.min(base - h - 4, base - 20), class: "backoff-label" }, text));
      }
    }

    // Markers: diagnoses, actions and URL switches. Labels newest first, in up to three
    // rows; a label with no room left is dropped (its dot and tooltip stay).
    const used = [];
    const free = (a, b, lane) => !used.some((u) => u.lane === lane && a < u.b + 6 && b > u.a - 6);
    for (const m of [...this.marks].reverse()) {
      if (m.t < from) continue;
      const mx = x(m.t);
      svg.append(el("line", { x1: mx, x2: mx, y1: rows.marks.y + 4, y2: rows.state.y, class: `mark ${m.tone}` }));
      svg.append(el("line", { x1: mx, x2: mx, y1: rows.state.y, y2: base, class: `mark faint ${m.tone}` }));
      const dot = el("circle", { cx: mx, cy: rows.marks.y + 4, r: 4, class: `mark-dot ${m.tone}` });
      dot.append(el("title", {}, `${m.label} at ${seconds(m.t - this.t0)}`));
      svg.append(dot);
      const w = m.label.length * 6.9 + 4;
      const right = mx + 6 + w <= gutter + plot;
      const a = right ? mx + 6 : mx - 6 - w;
      for (let lane = 0; lane < 3; lane += 1) {
        if (!free(a, a + w, lane)) continue;
        used.push({ a, b: a + w, lane });
        svg.append(el("text", {
          x: right ? mx + 6 : mx - 6, y: rows.marks.y + 14 + lane * 13,
          "text-anchor": right ? "start" : "end", class: `mark-label ${m.tone}`,
        }, m.label));
        break;
      }
    }

    // Now.
    const nx = x(now);
    svg.append(el("line", { x1: nx, x2: nx, y1: rows.state.y - 4, y2: base + 4, class: "now" }));

    if (this.segments.length === 0) {
      svg.append(el("text", { x: gutter + plot / 2, y: rows.state.y + 26, "text-anchor": "middle", class: "tick" }, "waiting for the first connection…"));
    }
  }
}

/** Fills a <ul> with the state colours. */
export function renderLegend(ul) {
  ul.replaceChildren();
  for (const [state, style] of Object.entries(STATES)) {
    const li = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = style.color;
    li.append(swatch, state);
    ul.append(li);
  }
  const li = document.createElement("li");
  const swatch = document.createElement("span");
  swatch.className = "swatch backoff-swatch";
  li.append(swatch, "backoff delay");
  ul.append(li);
}
