import { createHash } from 'node:crypto';
import type { SyncedEntityName } from '@shared/sync/protocol';
import { ENTITY_TABLES } from './rows';
import type { Sql } from './store';
import { wireJsonSql } from './wire-sql';

/**
 * Stored wire JSON. Each synced table's change trigger gives a row its seq and, in its `wire`
 * column, its wire JSON (wire-sql.ts's shape), on every insert and update, whoever writes it. A
 * pull page, GET users and GET invoices hand that text on as it is: writing it at read time was
 * half of PostgreSQL's work for a page of 200, and a row is read far more often than written
 * (every client in its scope pulls it). A row's write costs about 3 µs more.
 *
 * The stored text is ASCII: every other character is written as a JSON \u escape (ascii_json), so
 * the instance holds a page's parts as one-byte strings, half the memory of the two-byte ones any
 * character past ASCII made (every invoice's lines have an em dash; one user in five has an
 * accent), and decodes and writes them as plain copies. Escaping costs a write 4 µs on average
 * for users, 12 for invoices; a row of ASCII only is tested and kept as it is.
 *
 * The trigger functions follow wire-sql.ts rather than a frozen migration: migrate() installs
 * each table's shape after the migrations when it differs from the one recorded in wire_shapes,
 * rewriting that table's stored wire (without a new seq: the rows' data has not changed, only
 * how it is written).
 */
interface Shape {
  table: string;
  hash: string;
  /** The statements that install it. */
  install: string;
}

/** JSON text with every character past ASCII written as a \u escape (a surrogate pair beyond the BMP). */
const ASCII_JSON = `CREATE OR REPLACE FUNCTION ascii_json(s text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  c text;
  code integer;
BEGIN
  IF s !~ '[^[:ascii:]]' THEN RETURN s; END IF;
  FOR c IN SELECT DISTINCT m[1] FROM regexp_matches(s, '([^[:ascii:]])', 'g') AS m LOOP
    code := ascii(c);
    s := replace(s, c, CASE WHEN code < 65536 THEN '\\u' || lpad(to_hex(code), 4, '0')
      ELSE '\\u' || to_hex(55296 + ((code - 65536) >> 10)) || '\\u' || to_hex(56320 + ((code - 65536) & 1023)) END);
  END LOOP;
  RETURN s;
END $$;`;

function shapeOf(entity: SyncedEntityName): Shape {
  const { table } = ENTITY_TABLES[entity];
  const wire = `ascii_json(${wireJsonSql(entity)})`;
  // `t` names the new row, as wire-sql.ts's expressions read it.
  const change = `CREATE OR REPLACE FUNCTION ${table}_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE t ALIAS FOR NEW;
BEGIN
  t.seq := nextval('change_seq');
  t.wire := ${wire};
  RETURN t;
END $$;`;
  const hash = createHash('sha256').update(ASCII_JSON).update(change).digest('hex');
  return {
    table,
    hash,
    install: `
DROP TRIGGER IF EXISTS ${table}_seq ON ${table};
${change}
UPDATE ${table} t SET wire = ${wire};
ALTER TABLE ${table} ALTER COLUMN wire SET NOT NULL;
CREATE TRIGGER ${table}_seq BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_change();
INSERT INTO wire_shapes (entity_table, shape_hash) VALUES ('${table}', '${hash}')
  ON CONFLICT (entity_table) DO UPDATE SET shape_hash = EXCLUDED.shape_hash;`,
  };
}

const SHAPES: readonly Shape[] = (Object.keys(ENTITY_TABLES) as SyncedEntityName[]).map(shapeOf);

/**
 * Installs every table's wire shape whose recorded one differs (in migrate()'s transaction, under
 * its lock); returns those tables.
 */
export async function installWireShapes(tx: Sql): Promise<string[]> {
  const recorded = new Map((await tx.query<{ entity_table: string; shape_hash: string }>('SELECT entity_table, shape_hash FROM wire_shapes')).map((row) => [row.entity_table, row.shape_hash]));
  const stale = SHAPES.filter((shape) => recorded.get(shape.table) !== shape.hash);
  if (stale.length > 0) await tx.query([ASCII_JSON, ...stale.map((shape) => shape.install)].join('\n'));
  return stale.map((shape) => shape.table);
}

/**
 * A list of synced rows' stored wire objects as the JSON text of a list's items (comma-separated;
 * '' for none): `rows` is a FROM clause whose rows are `t`, with any WHERE, in `order`.
 */
export function wireItemsSql(rows: string, order: string): string {
  return `(SELECT coalesce(string_agg(t.wire, ',' ORDER BY ${order}), '') FROM ${rows})`;
}
