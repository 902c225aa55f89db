// Builds the demo (www/) into www/dist; `npm start` (scripts/serve.mjs) runs this build and
// serves the result. "wsguard" resolves to the local package's main entry, ../pkg/index.js, as
// an app using the npm package would import it.
// `npx vite --config www/vite.config.js` also runs a dev server; it proxies the WebSocket and
// control endpoints to a running `npm start` (HTTPS on 8443 unless WSGUARD_DEMO_ORIGIN says).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const wsguard = here("../pkg/index.js");
const demoOrigin = process.env.WSGUARD_DEMO_ORIGIN ?? "https://localhost:8443";

export default defineConfig({
  root: here("."),
  base: "./",
  resolve: { alias: { wsguard: wsguard } },
  build: {
    outDir: here("./dist"),
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
  },
  server: {
    fs: { allow: [here("..")] },
    proxy: {
      "/ws": { target: demoOrigin, ws: true, secure: false },
      "/idle": { target: demoOrigin, ws: true, secure: false },
      "/control": { target: demoOrigin, secure: false },
      "/demo": { target: demoOrigin, secure: false },
    },
  },
});
