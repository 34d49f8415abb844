import type { ReactNode } from 'react';
import type { OrgNode } from '@shared/ipc/models';
import { descendants, useOrgIndex } from '../api/orgs';
import { Checkbox } from '../forms/fields';
import { Badge } from '../components/bits';
import { useScopeStore } from '../state/scope-store';
import { countOf } from '../format/format';

const KIND_LABELS: Record<OrgNode['kind'], string> = { provider: 'Provider', reseller: 'Reseller', customer: 'Customer' };

export function kindLabel(kind: OrgNode['kind']): string {
  return KIND_LABELS[kind];
}

export interface ScreenHeaderProps {
  title: string;
  org: OrgNode;
  actions?: ReactNode;
  /** Whether this screen can include child organizations. */
  childrenToggle?: boolean;
  /** A line under the organization, e.g. what "include children" does here. */
  note?: ReactNode;
}

/** Every screen's header: its name, the organization it shows, and "include child organizations". */
export function ScreenHeader({ title, org, actions, childrenToggle = true, note }: ScreenHeaderProps) {
  const index = useOrgIndex();
  const includeChildren = useScopeStore((state) => state.includeChildren);
  const setIncludeChildren = useScopeStore((state) => state.setIncludeChildren);
  const childCount = index?.childrenOf.get(org.id)?.length ?? 0;
  const descendantCount = index === null ? 0 : descendants(index, org.id).length;
  return (
    <header className="screen-header">
      <div className="screen-title">
        <h1>{title}</h1>
        <div className="screen-org">
          <span className="screen-org-name">{org.name}</span>
          <Badge>{kindLabel(org.kind)}</Badge>
          {childrenToggle && childCount > 0 && (
            <Checkbox
              className="include-children"
              label="Include child organizations"
              description={countOf(descendantCount, 'organization below', 'organizations below')}
              checked={includeChildren}
              onChecked={setIncludeChildren}
            />
          )}
          {note}
        </div>
      </div>
      {actions !== undefined && <div className="screen-actions">{actions}</div>}
    </header>
  );
}
