import { PERMISSION_AREAS, PERMISSION_DESCRIPTIONS, PERMISSIONS, type Permission } from '@shared/domain/permissions';
import { toggleIn } from '../forms/lists';
import { Checkbox} from '../forms/fields';

export interface PermissionChecklistProps {
  legend: string;
  value: readonly Permission[];
  onChange(value: Permission[]): void;
  /** Permissions held another way (through roles): shown checked and fixed, with the reason. */
  inherited?: ReadonlyMap<Permission, string>;
  disabled?: boolean;
  error?: string | undefined;
}

/** The permission catalogue grouped by area (shared PERMISSION_AREAS), each with its description. */
export function PermissionChecklist({ legend, value, onChange, inherited, disabled = false, error }: PermissionChecklistProps) {
  return (
    <fieldset className="permission-checklist fieldset">
      <legend>{legend}</legend>
      <div className="permission-areas">
        {PERMISSION_AREAS.map((area) => (
          <fieldset key={area.key} className="permission-area">
            <legend>{area.label}</legend>
            {area.permissions.map((permission) => {
              const via = inherited?.get(permission);
              return (
                <Checkbox
                  key={permission}
                  label={<code className="permission-name">{permission}</code>}
                  description={via === undefined ? PERMISSION_DESCRIPTIONS[permission] : `${PERMISSION_DESCRIPTIONS[permission]} (${via})`}
                  checked={via !== undefined || value.includes(permission)}
                  disabled={disabled || via !== undefined}
                  onChecked={(on) => onChange(toggleIn(value, permission, on, PERMISSIONS))}
                />
              );
            })}
          </fieldset>
        ))}
      </div>
      {error !== undefined && <p className="field-error">{error}</p>}
    </fieldset>
  );
}
