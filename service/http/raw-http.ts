import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

// For tests: requests exactly as a hostile client sends them, which fetch would not.

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One request exactly as given (fetch would normalise the path, refuse a body on GET and set
 * its own headers): the path is sent byte for byte, a body with its Content-Length. With
 * headersOnly the answer ends at its headers.
 */
export function rawRequest(baseUrl: string, method: string, path: string, options: { body?: string | Buffer; headers?: Record<string, string>; headersOnly?: boolean } = {}): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...(body === undefined ? {} : { 'content-length': String(body.length) }), ...options.headers },
      },
      (res) => {
        if (options.headersOnly === true) {
          // A stream (server-sent events) does not end: answer with its status and headers.
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '' });
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes written to a socket as they are (not even HTTP, perhaps), and everything the service answers until it closes. */
export function rawSocket(baseUrl: string, bytes: string): Promise<string> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', (error) => (chunks.length > 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(error)));
  });
}
