import type { CommandName } from '@shared/commands/catalogue';
import { fieldLabel } from './field-diff';

/**
 * "Edit" on a rejected change: the form of the refused command, filled with my values (its
 * args), so the admin fixes what the service refused and saves it as a new command. Pure and
 * tested; EditChangeDialog renders it.
 */

export type EditKind = 'text' | 'multiline' | 'flag' | 'roles' | 'permissions' | 'kinds' | 'lines';

export interface EditField {
  /** The args path: "email", "billingAddress.city", "admin.firstName". */
  path: string;
  label: string;
  kind: EditKind;
  /** Saved as null when left empty (billingEmail, vatNumber). */
  nullable: boolean;
}

export type EditValue = string | boolean | string[];

/** Keys that say which row a command acts on, or its version: kept as they are, never shown. */
const ADDRESSING = new Set(['orgId', 'userId', 'roleId', 'contactId', 'subscriptionId', 'paymentMethodId', 'parentId', 'version', 'primaryContactUserId', 'kind']);

/** Client-made ids of created rows: a new command gets new ones from the core. */
const CLIENT_IDS = new Set(['id', 'ids']);

/** Fields that may be cleared (null) rather than left empty. */
const NULLABLE = new Set(['billingEmail', 'vatNumber']);

/** Commands whose args carry fields a person can correct; the others (activate, cancel ...) have none. */
const EDITABLE_COMMANDS: ReadonlySet<CommandName> = new Set([
  'createUser',
  'updateUser',
  'inviteUsers',
  'createRole',
  'updateRole',
  'addBillingContact',
  'updateBillingContact',
  'createOrg',
  'updateOrg',
]);

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function kindOf(key: string, value: unknown): EditKind | null {
  if (key === 'roleIds') return 'roles';
  if (key === 'permissions') return 'permissions';
  if (key === 'kinds') return 'kinds';
  if (key === 'emails') return 'lines';
  if (key === 'description') return 'multiline';
  if (typeof value === 'boolean') return 'flag';
  if (typeof value === 'string' || (value === null && NULLABLE.has(key))) return 'text';
  return null;
}

/** The fields of a refused command that can be edited, in the order of its args. */
export function editableFields(command: CommandName, args: unknown): EditField[] {
  const data = record(args);
  if (!EDITABLE_COMMANDS.has(command) || data === null) return [];
  const fields: EditField[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (ADDRESSING.has(key) || CLIENT_IDS.has(key)) continue;
    const group = record(value);
    if (group !== null) {
      // An address, or createOrg's first administrator: one text field per part.
      for (const [part, partValue] of Object.entries(group)) {
        if (typeof partValue === 'string' || partValue === null) {
          fields.push({ path: `${key}.${part}`, label: `${fieldLabel(key)}: ${fieldLabel(part).toLowerCase()}`, kind: 'text', nullable: partValue === null });
        }
      }
      continue;
    }
    const kind = kindOf(key, value);
    if (kind !== null) fields.push({ path: key, label: fieldLabel(key), kind, nullable: NULLABLE.has(key) });
  }
  return fields;
}

export function canEdit(command: CommandName, args: unknown): boolean {
  return editableFields(command, args).length > 0;
}

function valueAt(args: unknown, path: string): unknown {
  let current: unknown = args;
  for (const part of path.split('.')) current = record(current)?.[part];
  return current;
}

/** The form's starting values: my values, as the refused command carried them. */
export function initialValues(fields: readonly EditField[], args: unknown): Record<string, EditValue> {
  const values: Record<string, EditValue> = {};
  for (const field of fields) {
    const value = valueAt(args, field.path);
    switch (field.kind) {
      case 'flag':
        values[field.path] = value === true;
        break;
      case 'roles':
      case 'permissions':
      case 'kinds':
        values[field.path] = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
        break;
      case 'lines':
        values[field.path] = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string').join('\n') : '';
        break;
      default:
        values[field.path] = typeof value === 'string' ? value : '';
    }
  }
  return values;
}

/**
 * The new command's args: the refused one's, with the edited values, without its client-made
 * ids, and naming the row's current version (the refused change named an older one, perhaps).
 */
export function editedArgs(args: unknown, fields: readonly EditField[], values: Readonly<Record<string, EditValue>>, currentVersion: number | null): Record<string, unknown> {
  const next = structuredClone(record(args) ?? {});
  for (const key of CLIENT_IDS) delete next[key];
  for (const field of fields) {
    const value = values[field.path];
    if (value === undefined) continue;
    let saved: unknown = value;
    if (field.kind === 'lines' && typeof value === 'string') saved = value.split('\n').map((line) => line.trim()).filter((line) => line !== '');
    else if (field.nullable && value === '') saved = null;
    const parts = field.path.split('.');
    const target = parts.length === 1 ? next : record(next[parts[0]!]);
    if (target !== null) target[parts.at(-1)!] = saved;
  }
  if ('version' in next && currentVersion !== null) next['version'] = currentVersion;
  return next;
}
