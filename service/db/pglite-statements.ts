import { parse, protocol, type PGlite, type Transaction } from '@electric-sql/pglite';

/**
 * Distinct statement texts kept prepared. The service's SQL is a fixed set of texts, far below
 * this; past it (a text built per call) statements run unprepared rather than pile up.
 */
const MAX_PREPARED = 1_000;

interface Prepared {
  name: string;
  paramTypes: number[];
}

function concat(messages: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(messages.reduce((length, message) => length + message.length, 0));
  let offset = 0;
  for (const message of messages) {
    bytes.set(message, offset);
    offset += message.length;
  }
  return bytes;
}

/**
 * Parameterised statements for write transactions on PGlite, each prepared once per database
 * and then run in one call into PGlite. Its query() parses, plans and describes the text again
 * on every call, in six calls; a bulk push runs the same few statements tens of thousands of
 * times, and a named statement (parsed once, its plan cached by PostgreSQL) run with one
 * bind-execute-sync message costs about half. The messages go to the database directly: the
 * transaction (tx) is PGlite's one connection, and serves only texts past MAX_PREPARED. Values and rows go through PGlite's own
 * serializers and parsers, as in query(). Named statements outlive transactions, so the cache
 * is per database; a failed statement throws PGlite's DatabaseError and leaves the transaction
 * aborted, as query() does.
 */
export function preparedQuery(db: PGlite): (tx: Transaction, text: string, params: readonly unknown[]) => Promise<unknown[]> {
  const prepared = new Map<string, Prepared>();
  const { serialize } = protocol;

  async function prepare(text: string): Promise<Prepared | null> {
    const known = prepared.get(text);
    if (known !== undefined || prepared.size >= MAX_PREPARED) return known ?? null;
    const name = `seatdesk_${prepared.size + 1}`;
    const { messages } = await db.execProtocol(concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]), {
      syncToFs: false,
    });
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    prepared.set(text, statement);
    return statement;
  }

  return async (tx, text, params) => {
    const statement = await prepare(text);
    if (statement === null) return (await tx.query(text, params as unknown[])).rows;
    const values = params.map((value, index) => {
      if (value === null || value === undefined) return null;
      const serializer = db.serializers[statement.paramTypes[index] ?? 0];
      return serializer === undefined ? String(value) : serializer(value);
    });
    const { messages } = await db.execProtocol(
      concat([serialize.bind({ statement: statement.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
      { syncToFs: false },
    );
    return parse.parseResults(messages, db.parsers)[0]?.rows ?? [];
  };
}
