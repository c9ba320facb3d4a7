/** Small node:http helpers: bounded body reading and JSON error replies in the contract's shape. */
import type { IncomingMessage, ServerResponse } from "node:http";

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/**
 * Read the whole body, refusing more than `limit` bytes. A declared Content-Length over the
 * limit is refused before reading a byte; an undeclared (chunked) body is counted as it comes.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        request.off("data", onData);
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks, size)));
    request.once("error", reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

export function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { error: { code, message } }, headers);
}

export function sendText(response: ServerResponse, status: number, text: string, contentType: string): void {
  response.writeHead(status, { "content-type": contentType, "content-length": String(Buffer.byteLength(text)) });
  response.end(text);
}

/**
 * After refusing a body we did not read, keep discarding what the client still sends for a
 * moment so it can finish writing and read our answer, then drop the connection.
 */
export function discardRest(request: IncomingMessage, graceMs = 2_000): void {
  request.resume();
  const timer = setTimeout(() => request.socket.destroy(), graceMs);
  timer.unref();
  request.once("end", () => clearTimeout(timer));
}
