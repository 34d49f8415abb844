import { request } from 'node:http';
import type { Store } from '../../service/db/store';
import { ENTITY_TABLES } from '../../service/db/rows';

/** A request written byte for byte: the path is sent as given (already encoded, or badly on purpose). */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
  /** The parsed body when it is JSON. */
  json: unknown;
  /** Set when there was no complete HTTP answer: the connection was reset, closed or timed out. */
  dropped?: string;
}

/**
 * Sends one request over a fresh connection and reads the whole answer, except an event stream,
 * whose status and headers are all that is read before it is closed.
 */
export function send(baseUrl: string, raw: RawRequest, timeoutMs = 60_000): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: RawAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const body = raw.body === undefined ? undefined : Buffer.from(raw.body, 'utf8');
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        agent: false,
        headers: { ...(body === undefined ? {} : { 'content-length': String(body.length) }), ...raw.headers },
        // The service's own limit is what is under test, not the client's.
        maxHeaderSize: 1024 * 1024,
      },
      (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        if (contentType.startsWith('text/event-stream')) {
          res.destroy();
          finish({ status: res.statusCode ?? 0, contentType, text: '', json: undefined });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => finish({ status: res.statusCode ?? 0, contentType, text: '', json: undefined, dropped: `response: ${error.message}` }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          finish({ status: res.statusCode ?? 0, contentType, text, json });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: 0, contentType: '', text: '', json: undefined, dropped: `no answer in ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (error) => finish({ status: 0, contentType: '', text: '', json: undefined, dropped: `request: ${error.message}` }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Percent-encodes every byte outside the unreserved set, writing a lone surrogate as its (invalid) UTF-8 bytes. */
export function encodeComponent(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    let bytes: number[];
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      bytes = [...Buffer.from(value.slice(i, i + 2), 'utf8')];
      i += 1;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      // What WTF-8 would write; no UTF-8 decoder accepts it.
      bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
    } else {
      const char = value[i]!;
      if (/[A-Za-z0-9\-_.~]/.test(char)) {
        out += char;
        continue;
      }
      bytes = [...Buffer.from(char, 'utf8')];
    }
    out += bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

/** A query string from pairs; a value may be written raw (already encoded) on purpose. */
export function queryString(pairs: readonly (readonly [string, string, 'raw'?])[]): string {
  if (pairs.length === 0) return '';
  return '?' + pairs.map(([key, value, raw]) => `${encodeComponent(key)}=${raw === 'raw' ? value : encodeComponent(value)}`).join('&');
}

/** Synced tables and the side tables a refused request must not touch either. */
export const DIGESTED_TABLES = [...Object.values(ENTITY_TABLES).map((entry) => entry.table), 'tombstones', 'mail_outbox', 'invitations'] as const;

/** One hash per table over every column of every row: equal digests mean nothing changed. */
export async function digestTables(store: Store, tables: readonly string[] = DIGESTED_TABLES): Promise<Record<string, string>> {
  const parts = tables.map((table) => `SELECT '${table}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS d FROM ${table} x`);
  const rows = await store.query<{ t: string; n: number; d: string }>(parts.join(' UNION ALL '));
  return Object.fromEntries(rows.map((row) => [row.t, `${row.n}:${row.d}`]));
}

/** The tables whose digests differ, for a report. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((table) => before[table] !== after[table]);
}
