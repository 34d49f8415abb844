import { useId, type ChangeEvent, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';

interface FieldShellProps {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  required?: boolean;
  className?: string;
  children: (ids: { inputId: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** Label, control, hint and error, wired with for/id and aria-describedby. */
export function FieldShell({ label, error, hint, required = false, className, children }: FieldShellProps) {
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const describedBy = [hint === undefined ? null : hintId, error === undefined ? null : errorId].filter((id) => id !== null).join(' ') || undefined;
  return (
    <div className={`field${className === undefined ? '' : ` ${className}`}${error === undefined ? '' : ' field-invalid'}`}>
      <label htmlFor={inputId}>
        {label}
        {required && (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {children({ inputId, describedBy, invalid: error !== undefined })}
      {hint !== undefined && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error !== undefined && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'id'>;

export interface TextFieldProps extends InputProps {
  label: string;
  value: string;
  onValue(value: string): void;
  error?: string | undefined;
  hint?: ReactNode;
  inputRef?: Ref<HTMLInputElement>;
  fieldClassName?: string;
}

export function TextField({ label, value, onValue, error, hint, required, inputRef, fieldClassName, ...rest }: TextFieldProps) {
  return (
    <FieldShell label={label} error={error} hint={hint} required={required === true} {...(fieldClassName === undefined ? {} : { className: fieldClassName })}>
      {({ inputId, describedBy, invalid }) => (
        <input
          {...rest}
          ref={inputRef}
          id={inputId}
          className="input"
          value={value}
          required={required}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(event: ChangeEvent<HTMLInputElement>) => onValue(event.target.value)}
        />
      )}
    </FieldShell>
  );
}

export interface TextAreaFieldProps {
  label: string;
  value: string;
  onValue(value: string): void;
  error?: string | undefined;
  hint?: ReactNode;
  rows?: number;
  placeholder?: string;
  required?: boolean;
  disabled?: boolean;
  autoFocus?: boolean;
}

export function TextAreaField({ label, value, onValue, error, hint, rows = 4, required = false, ...rest }: TextAreaFieldProps) {
  return (
    <FieldShell label={label} error={error} hint={hint} required={required}>
      {({ inputId, describedBy, invalid }) => (
        <textarea
          {...rest}
          id={inputId}
          className="input textarea"
          rows={rows}
          value={value}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(event) => onValue(event.target.value)}
        />
      )}
    </FieldShell>
  );
}

export interface SelectFieldProps<V extends string> {
  label: string;
  value: V;
  onValue(value: V): void;
  options: readonly { value: V; label: string }[];
  error?: string | undefined;
  hint?: ReactNode;
  disabled?: boolean;
  className?: string;
}

export function SelectField<V extends string>({ label, value, onValue, options, error, hint, disabled, className }: SelectFieldProps<V>) {
  return (
    <FieldShell label={label} error={error} hint={hint} {...(className === undefined ? {} : { className })}>
      {({ inputId, describedBy, invalid }) => (
        <select
          id={inputId}
          className="input select"
          value={value}
          disabled={disabled}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(event) => onValue(event.target.value as V)}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

export interface CheckboxProps {
  label: ReactNode;
  checked: boolean;
  onChecked(checked: boolean): void;
  description?: ReactNode;
  disabled?: boolean;
  /** For a checkbox whose visible label is elsewhere (a table cell). */
  ariaLabel?: string;
  className?: string;
}

export function Checkbox({ label, checked, onChecked, description, disabled = false, ariaLabel, className }: CheckboxProps) {
  const id = useId();
  const descriptionId = useId();
  return (
    <div className={`checkbox${disabled ? ' disabled' : ''}${className === undefined ? '' : ` ${className}`}`}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-label={ariaLabel}
        aria-describedby={description === undefined ? undefined : descriptionId}
        onChange={(event) => onChecked(event.target.checked)}
      />
      <label htmlFor={id}>
        <span className="checkbox-label">{label}</span>
        {description !== undefined && (
          <span id={descriptionId} className="checkbox-description">
            {description}
          </span>
        )}
      </label>
    </div>
  );
}

/** A group of checkboxes with a legend (a fieldset), and one error for the group. */
export function CheckboxGroup({ legend, error, children, hint }: { legend: string; error?: string | undefined; hint?: ReactNode; children: ReactNode }) {
  const errorId = useId();
  return (
    <fieldset className={`fieldset${error === undefined ? '' : ' field-invalid'}`} aria-describedby={error === undefined ? undefined : errorId}>
      <legend>{legend}</legend>
      {hint !== undefined && <p className="field-hint">{hint}</p>}
      <div className="fieldset-items">{children}</div>
      {error !== undefined && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
