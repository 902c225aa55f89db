// What bench/adapters/websocket-ts.js uses (its README's first example).
export { ArrayQueue, ConstantBackoff, WebsocketBuilder } from "websocket-ts";
