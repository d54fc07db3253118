// The messages between the tagging pool (main thread) and one tagging thread, and the thread's
// side of the exchange. Errors cross the boundary by name: structured clone keeps a message but
// not a class, and the worker needs to know an unreadable image from a model that is down.
import type { MessagePort } from 'node:worker_threads';
import { TransientError, UnprocessableImageError } from '../domain/errors.js';
import type { DecodedImage } from '../imaging/decode.js';
import type { TaggerResult } from './tagger.js';

/** Main → thread: one decoded image; `pixels` is transferred, not copied. */
export interface TagRequest {
  id: number;
  pixels: Uint8Array<ArrayBuffer>;
  width: number;
  height: number;
}

export interface SentError {
  name: string;
  message: string;
}

/** Thread → main: the answer to the request with the same id. */
export type TagReply = { id: number; result: TaggerResult } | { id: number; error: SentError };

export function sendableError(error: unknown): SentError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error a thread reported, as the class it was thrown as where that class matters. */
export function receivedError(sent: SentError): Error {
  if (sent.name === 'UnprocessableImageError') return new UnprocessableImageError(sent.message);
  if (sent.name === 'TransientError') return new TransientError(sent.message);
  return new Error(sent.message);
}

/** The thread's loop: each request is tagged, in order, and answered. */
export function serveTagRequests(
  port: MessagePort,
  tagPixels: (image: DecodedImage) => Promise<TaggerResult>,
): void {
  const answer = async (request: TagRequest): Promise<void> => {
    const { id, pixels, width, height } = request;
    const data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    let reply: TagReply;
    try {
      reply = { id, result: await tagPixels({ data, width, height }) };
    } catch (error) {
      reply = { id, error: sendableError(error) };
    }
    port.postMessage(reply);
  };
  // answer() catches every error of the tagging itself, so nothing is left unhandled.
  port.on('message', (request: TagRequest) => void answer(request));
}
