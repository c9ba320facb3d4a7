/** Small node:http helpers: bounded body reading and JSON error replies in the contract's shape. */
import type { IncomingMessage, ServerResponse } from "node:http";

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** The client sent no body bytes for `idleMs`: a stalled (or deliberately slow) upload. */
export class BodyStalled extends Error {
  constructor(readonly idleMs: number) {
    super(`no body data for ${idleMs / 1000} s`);
  }
}

/** The bytes of all uploads in progress would pass the server's budget for them. */
export class UploadsOverBudget extends Error {
  constructor(readonly budget: number) {
    super(`uploads in progress hold more than ${budget} bytes`);
  }
}

/** The connection closed before the body was complete. */
export class BodyAborted extends Error {
  constructor() {
    super("the client closed the connection mid-body");
  }
}

/** Bytes buffered by every upload in progress, bounded as a whole. */
export class UploadBudget {
  used = 0;
  constructor(readonly limit: number) {}

  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used -= bytes;
  }
}

export interface BodyLimits {
  /** Most bytes of this body. */
  readonly maxBytes: number;
  /** Longest gap between two pieces of the body. */
  readonly idleMs: number;
  /** Shared by all uploads; what this body buffered is given back when it settles. */
  readonly budget: UploadBudget;
}

/**
 * Read the whole body, refusing more than `maxBytes`, a gap of `idleMs` without data, and
 * bytes beyond the uploads' shared budget. A declared Content-Length over the limit is
 * refused before reading a byte; an undeclared (chunked) body is counted as it comes.
 */
export function readBody(request: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return Promise.reject(new BodyTooLarge(limits.maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let idle: NodeJS.Timeout | undefined;
    let done = false;
    const settle = (error: Error | null): void => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("close", onClose);
      limits.budget.release(size);
      if (error === null) resolve(Buffer.concat(chunks, size));
      else reject(error);
    };
    const arm = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => settle(new BodyStalled(limits.idleMs)), limits.idleMs);
    };
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length > limits.maxBytes) return settle(new BodyTooLarge(limits.maxBytes));
      if (!limits.budget.take(chunk.length)) return settle(new UploadsOverBudget(limits.budget.limit));
      size += chunk.length;
      chunks.push(chunk);
      arm();
    };
    const onEnd = (): void => settle(null);
    const onClose = (): void => settle(new BodyAborted());
    request.on("data", onData);
    request.once("end", onEnd);
    request.once("close", onClose);
    request.once("error", () => settle(new BodyAborted()));
    arm();
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
