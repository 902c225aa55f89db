// Types of "wsguard/react" (react.js): the useWsGuard hook.
import type { Diagnosis, WsGuard, WsGuardOptions, WsGuardState, WsGuardUrl } from "./index.js";

/** What useWsGuard returns; a new object on every render. */
export interface WsGuardHook {
  /** The live client; null until the effect has created it, while a new URL waits for the old socket to close, and during server-side rendering. */
  readonly client: WsGuard | null;
  /** The client's state; "connecting" until it exists. */
  readonly state: WsGuardState;
  /** Retries since the last stable connection. */
  readonly attempt: number;
  /** The last message received, or null. */
  readonly lastMessage: MessageEvent<string | Blob | ArrayBuffer> | null;
  /** The last diagnosis, or null. */
  readonly lastDiagnosis: Diagnosis | null;
  /** Sends, or queues until the socket opens; the same function on every render. */
  readonly send: (data: string | ArrayBufferLike | Blob | ArrayBufferView) => void;
}

/**
 * A WsGuard for the component's lifetime: created in an effect (never during server-side
 * rendering), closed and freed on unmount, replaced when `url` changes. `options` are read when
 * the client is created.
 */
export declare function useWsGuard(url: WsGuardUrl, options?: WsGuardOptions): WsGuardHook;
