import { BUILT_IN_ROLE_KEYS } from '@shared/domain/permissions';
import { toggleIn } from '../../forms/lists';
import type { RoleRow } from '@shared/ipc/models';
import { CheckboxGroup, Checkbox} from '../../forms/fields';

/** The roles of one organization as checkboxes, built-in first. */
export function RoleChecklist({
  roles,
  value,
  onChange,
  legend = 'Roles',
  error,
  disabled = false,
}: {
  roles: readonly RoleRow[];
  value: readonly string[];
  onChange(roleIds: string[]): void;
  legend?: string;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const ordered = sortRoles(roles);
  return (
    <CheckboxGroup legend={legend} error={error}>
      {ordered.length === 0 && <p className="muted">This organization has no roles yet.</p>}
      <div className="role-checklist">
        {ordered.map((role) => (
          <Checkbox
            key={role.id}
            label={role.name}
            description={role.description === '' ? undefined : role.description}
            checked={value.includes(role.id)}
            disabled={disabled}
            onChecked={(on) =>
              onChange(
                toggleIn(
                  value,
                  role.id,
                  on,
                  ordered.map((r) => r.id),
                ),
              )
            }
          />
        ))}
      </div>
    </CheckboxGroup>
  );
}

/** Built-in roles first, in the catalogue's order (Owner, Administrator, ...), then custom ones by name. */
export function sortRoles<R extends Pick<RoleRow, 'builtInKey' | 'name'>>(roles: readonly R[]): R[] {
  const rank = (role: R) => (role.builtInKey === null ? BUILT_IN_ROLE_KEYS.length : BUILT_IN_ROLE_KEYS.indexOf(role.builtInKey));
  return [...roles].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
