/** Public surface of the Parley client SDK. */
export { createClient } from './client.ts';
export { ClientError } from './errors.ts';
export type { ClientEvents, ClientOptions, ConnectionState, HistoryQuery, ParleyClient, SendResult } from './types.ts';
export type { WebSocketConstructor, WebSocketLike } from './transport.ts';
export type { RoomEvent, RoomInfo, UserRef } from '../protocol/index.ts';
