import type { OrgNode } from '@shared/ipc/models';

export interface OrgRow {
  org: OrgNode;
  depth: number;
  /** Names of the ancestors, root first (shown with search results). */
  path: string[];
}

/** Case- and accent-insensitive text for matching. */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * The switcher's rows: the tree depth first (each parent before its children, siblings by name),
 * or, with a query, the organizations whose name contains every typed word, still in tree order.
 */
export function orgRows(orgs: readonly OrgNode[], query: string): OrgRow[] {
  const byId = new Map(orgs.map((org) => [org.id, org]));
  const children = new Map<string | null, OrgNode[]>();
  for (const org of orgs) {
    const parent = org.parentId !== null && byId.has(org.parentId) && org.parentId !== org.id ? org.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), org]);
  }
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name));

  const rows: OrgRow[] = [];
  const seen = new Set<string>();
  const visit = (org: OrgNode, depth: number, path: string[]) => {
    if (seen.has(org.id)) return;
    seen.add(org.id);
    rows.push({ org, depth, path });
    for (const child of children.get(org.id) ?? []) visit(child, depth + 1, [...path, org.name]);
  };
  for (const root of children.get(null) ?? []) visit(root, 0, []);

  const words = foldText(query).split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return rows;
  return rows.filter((row) => {
    const name = foldText(row.org.name);
    return words.every((word) => name.includes(word));
  });
}
