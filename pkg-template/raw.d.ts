// Types of "wsguard/raw" (raw.js): the WsGuard class, the free functions and init(), without
// the automatic load of the WebAssembly. The main entry (index.d.ts) re-exports all of it.
/// <reference lib="esnext.disposable" />
/** What to do with a `ws://` URL on an HTTPS page (browsers block it as mixed content). */
export type Insecure = "upgrade" | "error" | "allow";

/** The `binaryType` of received binary messages. */
export type BinaryType = "blob" | "arraybuffer";

/** The connection state. */
export type WsGuardState = "connecting" | "open" | "closing" | "reconnecting" | "offline" | "closed";

/** The URL: a string, or a function called before every attempt. */
export type WsGuardUrl = string | (() => string | Promise<string>);

/** Options of `new WsGuard(url, options)`. Every key is optional. */
export interface WsGuardOptions {
  // <generated from src/core/options/schema.rs>
  /** Ceiling of the first retry delay, ms. Default 1000. */
  minDelayMs?: number;
  /** No retry waits longer, ms. Default 30000. */
  maxDelayMs?: number;
  /** The delay ceiling grows by this factor per retry. Default 2. */
  factor?: number;
  /** How a delay is drawn below its ceiling. Default "full": the first retry uniform from 0, later ones from the upper half. */
  jitter?: "full" | "equal" | "none";
  /** Retries after a loss before giving up; Infinity (default) never gives up, 0 never reconnects. */
  maxRetries?: number;
  /** A socket still connecting after this long is closed and counts as a failed attempt, ms. Default 10000; 0 leaves it to the browser. */
  connectTimeoutMs?: number;
  /** The backoff resets only after a connection stayed open this long, ms. Default 5000. */
  stableAfterMs?: number;
  /** Messages queued while disconnected. Default 1000; 0 disables the queue. */
  maxBufferedMessages?: number;
  /** Bytes queued while disconnected. Default 1048576; 0 disables the queue. */
  maxBufferedBytes?: number;
  /** Off by default. After `intervalMs` without inbound messages, send `message`; no inbound message within `timeoutMs` means the connection is dead. */
  heartbeat?: false | { intervalMs?: number; message?: string; timeoutMs?: number };
  /** Without a heartbeat: when the page is found to have been suspended (not running) at least this long, the open connection is replaced at once, ms. Default 60000; Infinity never. With a heartbeat, a suspension sends it at once instead. */
  reconnectAfterSuspendMs?: number;
  /** Sub-protocols offered in the handshake. */
  protocols?: string | string[];
  /** Default "blob", as on WebSocket. */
  binaryType?: BinaryType;
  /** Default "upgrade": rewrite `ws://` to `wss://` on an HTTPS page and warn once. */
  insecure?: Insecure;
  /** Whether a failure diagnosis may probe the server with one HTTPS request. Default true. */
  probe?: boolean;
  /** Close codes after which the client stops. Default [1002, 1003, 1007, 1008, 1009, 1010]. */
  fatalCodes?: number[];
  /** Whether wsguard warns on the console. Default true. */
  log?: boolean;
  // </generated>
}

/** The kind of a failure or close, a stable string. */
export type DiagnosisKind =
  | "mixed-content" | "certificate" | "handshake-rejected" | "unreachable" | "timeout"
  | "connection-lost" | "idle-timeout" | "server-closed" | "protocol-error" | "offline" | "normal"
  | "suspended" | "restarting";

/** What wsguard concluded about one failed attempt, lost connection or close. */
export interface Diagnosis {
  kind: DiagnosisKind;
  /** One sentence. */
  summary: string;
  /** Concrete steps. */
  advice: string;
  code: number;
  reason: string;
  wasClean: boolean;
  wasOpen: boolean;
  openForMs: number;
  idleForMs: number;
  pageSecure: boolean;
  /** The socket's URL without query string or user info. */
  url: string;
  attempt: number;
  /** The probe after a failed handshake: `answered` for a socket on the page's own origin whose URL answered a plain request (status in `probeStatus`). */
  probe: "tls-ok" | "answered" | "tls-failed" | "skipped";
  /** The HTTP status of the same-origin probe (`probe: "answered"`; 0 for a redirect), else null. */
  probeStatus: number | null;
  willRetry: boolean;
  retryInMs: number | null;
}

/** What a page observed about a close of its own WebSocket, for `classifyClose`. Every key is optional. */
export interface ClassifyInput {
  code?: number;
  reason?: string;
  wasClean?: boolean;
  wasOpen?: boolean;
  openForMs?: number;
  idleForMs?: number;
  lifetimeMs?: number;
  url?: string;
  pageSecure?: boolean;
  online?: boolean;
  errored?: boolean;
  probe?: "tls-ok" | "tls-failed" | "skipped";
  closedByApp?: boolean;
  mixedContent?: boolean;
  heartbeat?: boolean;
  previousIdleMs?: number;
  attempt?: number;
}

/** A close event; on the final close, `unsent` holds the messages still queued. */
export interface WsGuardCloseEvent extends CloseEvent {
  unsent?: unknown[];
}

/** The events of a WsGuard. */
export interface WsGuardEventMap {
  open: Event;
  message: MessageEvent<string | Blob | ArrayBuffer>;
  close: WsGuardCloseEvent;
  error: Event;
  statechange: CustomEvent<{ from: WsGuardState; to: WsGuardState }>;
  reconnecting: CustomEvent<{ attempt: number; delayMs: number }>;
  diagnosis: CustomEvent<Diagnosis>;
}

/** Live counts of what wsguard holds, for leak tests. */
export interface DebugCounts {
  listeners: number;
  timers: number;
  sockets: number;
}

/** Options of wasm-bindgen's init(): where to load the WebAssembly from. */
export interface InitInput {
  module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module | Promise<RequestInfo | URL | Response | BufferSource | WebAssembly.Module>;
}

/** Loads the WebAssembly; call it once before the first use of "wsguard/raw". */
export default function init(input?: InitInput): Promise<unknown>;

/** Loads the WebAssembly synchronously from bytes or a compiled module. */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;

/**
 * A WebSocket that picks `wss:`/`ws:` from the page, reconnects with jittered backoff, queues
 * sends while disconnected, and diagnoses every failure.
 *
 * `event.target` and `this` in a listener are the WsGuard, except for `message` events: those
 * are the browser socket's own events, whose target is that `WebSocket`.
 */
export declare class WsGuard extends EventTarget {
  /**
   * `url`: a string (`/ws`, `wss://…`, `https://…`) or a function returning one or a Promise of
   * one, called before every attempt.
   */
  constructor(url: WsGuardUrl, options?: WsGuardOptions);
  /** Sends now when open; otherwise queues it (sent in order on the next open). */
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void;
  /** Closes for good: `code` 1000 (default) or 3000–4999, `reason` at most 123 UTF-8 bytes. */
  close(code?: number, reason?: string): void;
  /** Connects again now with a fresh backoff; also revives a closed client. */
  reconnect(): void;
  /** Releases the client now (socket, timers, listeners); later calls throw. */
  free(): void;
  [Symbol.dispose](): void;
  /** The resolved URL of the current or last attempt. */
  readonly url: string;
  /** 0 connecting (also reconnecting or offline), 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Finer than readyState. */
  readonly state: WsGuardState;
  /** Retries since the last stable connection. */
  readonly attempt: number;
  /** The sub-protocol the server selected, or "". */
  readonly protocol: string;
  /** The extensions the server selected, or "". */
  readonly extensions: string;
  /** The socket's bufferedAmount plus the bytes waiting in wsguard's queue. */
  readonly bufferedAmount: number;
  /** For this socket and every later one. */
  binaryType: BinaryType;
  /** The detail of the last `diagnosis` event, or null. */
  readonly lastDiagnosis: Diagnosis | null;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
  onopen: ((ev: Event) => any) | null;
  onmessage: ((ev: MessageEvent<string | Blob | ArrayBuffer>) => any) | null;
  onclose: ((ev: WsGuardCloseEvent) => any) | null;
  onerror: ((ev: Event) => any) | null;
  onstatechange: ((ev: WsGuardEventMap["statechange"]) => any) | null;
  onreconnecting: ((ev: WsGuardEventMap["reconnecting"]) => any) | null;
  ondiagnosis: ((ev: WsGuardEventMap["diagnosis"]) => any) | null;
  addEventListener<K extends keyof WsGuardEventMap>(type: K, listener: (ev: WsGuardEventMap[K]) => any, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof WsGuardEventMap>(type: K, listener: (ev: WsGuardEventMap[K]) => any, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/**
 * The WebSocket URL wsguard would open for `input` on this page. Throws a TypeError naming the
 * input and the rule when it cannot be used.
 */
export function resolveUrl(input: string, options?: { insecure?: Insecure }): string;

/** The Diagnosis for a close of a WebSocket you manage yourself (a CloseEvent fits as it is). */
export function classifyClose(input: ClassifyInput | CloseEvent | null): Diagnosis;

/** What all clients hold right now, for leak tests. */
export function debugCounts(): DebugCounts;
