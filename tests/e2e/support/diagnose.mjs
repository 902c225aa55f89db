// The in-page half of the diagnosis tests (diagnosis.test.mjs in Chromium, engines.test.mjs in
// every engine): load the package, then collect a WsGuard's `diagnosis` events as plain data.
//
//   await page.evaluate(loadPackage);
//   const { diagnoses } = await page.evaluate(collectDiagnoses, { url, options, count, waitMs });

/** In the page: loads and initialises the package, keeps the module on `window.__wsguard`. */
export async function loadPackage() {
  const mod = await import(new URL("/pkg/raw.js", location.href).href);
  await mod.default();
  window.__wsguard = mod;
  return { exports: Object.keys(mod).sort() };
}

/**
 * In the page: constructs a WsGuard, collects its `diagnosis` events until there are `count` of
 * them or `waitMs` passed, then closes it. Every detail is copied into plain JSON data.
 */
export async function collectDiagnoses({ url, options, count, waitMs }) {
  const toPlain = (value, depth = 0) => {
    if (depth > 6) return "[too deep]";
    if (value instanceof Map) return toPlain(Object.fromEntries(value), depth + 1);
    if (Array.isArray(value)) return value.map((v) => toPlain(v, depth + 1));
    if (value && typeof value === "object") {
      const out = {};
      for (const key of Object.keys(value)) out[key] = toPlain(value[key], depth + 1);
      return out;
    }
    if (typeof value === "function" || typeof value === "symbol") return String(value);
    if (typeof value === "bigint") return Number(value);
    return value;
  };
  const t0 = performance.now();
  const { WsGuard } = window.__wsguard;
  const diagnoses = [];
  let guard;
  try {
    guard = new WsGuard(url, options);
  } catch (error) {
    return { thrown: { name: error?.name, message: String(error?.message ?? error) }, diagnoses };
  }
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    guard.addEventListener("diagnosis", (event) => {
      diagnoses.push({ at: Math.round(performance.now() - t0), detail: toPlain(event.detail) });
      if (diagnoses.length >= count) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  try {
    guard.close();
  } catch (error) {
    return { closeThrew: String(error?.message ?? error), diagnoses };
  }
  return { diagnoses };
}
