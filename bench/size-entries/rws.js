import ReconnectingWebSocket from "reconnecting-websocket";
export default ReconnectingWebSocket;
