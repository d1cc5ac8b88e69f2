import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceError } from '../errors';
import { readOwnedBody } from './body';

const LIMIT = 256 * 1024;
let server: Server;
let port: number;
/** What the last request's readOwnedBody gave: its bytes' layout and content, or its error. */
let seen:
  | { length: number; byteOffset: number; bufferLength: number; sum: number }
  | { error: string }
  | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    readOwnedBody(req, LIMIT).then(
      (bytes) => {
        let sum = 0;
        for (const b of bytes) sum += b;
        seen = {
          length: bytes.length,
          byteOffset: bytes.byteOffset,
          bufferLength: bytes.buffer.byteLength,
          sum,
        };
        res.end('ok');
      },
      (error: InferenceError) => {
        seen = { error: error.code };
        res.writeHead(error.status, { connection: 'close' }).end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends `chunks` as one body (Content-Length or chunked) and resolves with the status. */
function send(chunks: Buffer[], sized: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const req = request(
      { port, method: 'POST', path: '/', headers: sized ? { 'content-length': total } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const bytesOf = (n: number, seed: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255));
const sumOf = (chunks: Buffer[]) => chunks.reduce((s, c) => s + c.reduce((a, b) => a + b, 0), 0);

describe('readOwnedBody', () => {
  it('returns the whole body in an ArrayBuffer of exactly its size, with or without Content-Length', async () => {
    for (const sized of [true, false]) {
      const chunks = [bytesOf(70_000, 1), bytesOf(3, 2), bytesOf(100_000, 3)];
      expect(await send(chunks, sized)).toBe(200);
      expect(seen).toEqual({ length: 170_003, byteOffset: 0, bufferLength: 170_003, sum: sumOf(chunks) });
    }
    expect(await send([bytesOf(10, 4)], true)).toBe(200);
    expect(seen).toEqual({ length: 10, byteOffset: 0, bufferLength: 10, sum: sumOf([bytesOf(10, 4)]) });
  });

  it('refuses a body over the limit, declared or streamed', async () => {
    expect(await send([bytesOf(LIMIT + 1, 5)], true)).toBe(413);
    expect(seen).toEqual({ error: 'PAYLOAD_TOO_LARGE' });
    expect(await send([bytesOf(LIMIT, 6), bytesOf(1, 7)], false)).toBe(413);
    expect(seen).toEqual({ error: 'PAYLOAD_TOO_LARGE' });
    expect(await send([], true)).toBe(200);
    expect(seen).toEqual({ length: 0, byteOffset: 0, bufferLength: 0, sum: 0 });
  });
});
