/**
 * Where the bytes of uploads live. Keys are made by the server (an upload id, or `<id>.thumb`),
 * never from user input. The disk implementation is the default; object storage can implement
 * the same three calls later.
 */
import type { Readable } from 'node:stream';

export interface FileStorage {
  /**
   * Stores `data` under `key` and resolves with the number of bytes once they are durable.
   * When `data` errors (e.g. the upload passed its size limit) or `signal` aborts (a deadline),
   * it rejects and nothing is left.
   */
  put(key: string, data: Readable, signal?: AbortSignal): Promise<number>;
  /** The stored bytes and their length, or undefined when nothing is stored under `key`. */
  get(key: string): Promise<{ readonly stream: Readable; readonly size: number } | undefined>;
  /** Removes the key; idempotent. */
  delete(key: string): Promise<void>;
}

/** What a key may look like: an id, optionally with a short suffix (`.thumb`). */
export const STORAGE_KEY = /^[A-Za-z0-9_-]{1,64}(?:\.[a-z]{1,8})?$/;

/** The key of an upload's thumbnail. */
export const thumbKey = (id: string): string => `${id}.thumb`;
