import init, { resolveUrl } from "/pkg/wsguard.js";

const resolved = document.getElementById("resolved");
const echo = document.getElementById("echo");

await init();
const url = resolveUrl("/ws");
resolved.textContent = url;

const socket = new WebSocket(url);
socket.addEventListener("open", () => socket.send("hello from wsguard"));
socket.addEventListener("message", (event) => {
  echo.textContent = event.data;
});
socket.addEventListener("close", (event) => {
  if (echo.textContent === "…") echo.textContent = `closed (${event.code})`;
});
