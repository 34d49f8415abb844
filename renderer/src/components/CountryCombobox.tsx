import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { COUNTRIES, countryName, resolveCountry, searchCountries, type Country } from '@shared/countries';
import { FieldShell } from '../forms/fields';

const SHOWN = 12;
/** The list's height when there is room (styles.css .combobox-list max-height). */
const LIST_HEIGHT = 260;

/**
 * Where the list fits: below the field, or above it when the window or a scrolling ancestor (a
 * dialog's body) leaves less room below than above; its height is what that side leaves.
 */
function listPlacement(field: HTMLElement): { above: boolean; maxHeight: number } {
  const rect = field.getBoundingClientRect();
  let top = 0;
  let bottom = window.innerHeight;
  for (let at = field.parentElement; at !== null; at = at.parentElement) {
    if (getComputedStyle(at).overflowY === 'visible') continue;
    const box = at.getBoundingClientRect();
    top = Math.max(top, box.top);
    bottom = Math.min(bottom, box.bottom);
  }
  const below = bottom - rect.bottom - 8;
  const above = rect.top - top - 8;
  const up = below < LIST_HEIGHT && above > below;
  return { above: up, maxHeight: Math.max(96, Math.min(LIST_HEIGHT, up ? above : below)) };
}

/** What the field shows for a stored value: the country's name, or the text as it was. */
function textOf(value: string): string {
  return countryName(value) ?? value;
}

export interface CountryComboboxProps {
  label: string;
  /** A country code, or the typed text when it names no country (the shared schema refuses it). */
  value: string;
  onValue(value: string): void;
  error?: string | undefined;
  required?: boolean;
  disabled?: boolean;
  className?: string;
}

/**
 * A country picked from the ISO 3166 list by typing part of its name (the ARIA combobox
 * pattern). The value is the code of a picked or exactly named country; anything else stays the
 * typed text, so the form's check refuses it instead of cutting "Netherlands" to "NE".
 */
export function CountryCombobox({ label, value, onValue, error, required = false, disabled = false, className }: CountryComboboxProps) {
  const listId = useId();
  const [text, setText] = useState(() => textOf(value));
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const fieldRef = useRef<HTMLDivElement>(null);
  const [placement, setPlacement] = useState<{ above: boolean; maxHeight: number }>({ above: false, maxHeight: LIST_HEIGHT });
  // Showing the picked country's name, the list offers every country; typing narrows it.
  const query = countryName(value) !== undefined && text === countryName(value) ? '' : text;
  const shown = useMemo(() => searchCountries(query, query === '' ? COUNTRIES.length : SHOWN), [query]);
  const optionId = (index: number) => `${listId}-option-${index}`;

  // A value set from outside (the form discarded or reloaded) shows its country again.
  useEffect(() => {
    if ((resolveCountry(text)?.code ?? text.trim()) !== value) setText(textOf(value));
    // Only when the value changes: the text changing is the user typing.
  }, [value]);

  // Measured before paint, so the list never shows cut off first.
  const listShown = open && shown.length > 0;
  useLayoutEffect(() => {
    if (listShown && fieldRef.current !== null) setPlacement(listPlacement(fieldRef.current));
  }, [listShown]);

  useEffect(() => {
    if (open) document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' });
  }, [active, open]);

  const pick = (country: Country) => {
    setText(country.name);
    setOpen(false);
    onValue(country.code);
  };

  const type = (next: string) => {
    setText(next);
    setOpen(true);
    setActive(0);
    onValue(resolveCountry(next)?.code ?? next.trim());
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) {
        setOpen(true);
        return;
      }
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((index) => Math.min(Math.max(index + step, 0), Math.max(shown.length - 1, 0)));
    } else if (event.key === 'Enter' && open) {
      const country = shown[active];
      if (country !== undefined) {
        event.preventDefault();
        pick(country);
      }
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  };

  const resolved = countryName(value) !== undefined;
  return (
    <FieldShell
      label={label}
      error={error}
      required={required}
      hint={resolved ? `Stored as ${value}.` : 'Type part of the name, then pick the country from the list.'}
      className={`country-field${className === undefined ? '' : ` ${className}`}`}
    >
      {({ inputId, describedBy, invalid }) => (
        <div className="combobox" ref={fieldRef}>
          <input
            id={inputId}
            className="input"
            role="combobox"
            autoComplete="off"
            spellCheck={false}
            aria-autocomplete="list"
            aria-expanded={open && shown.length > 0}
            aria-controls={listId}
            aria-activedescendant={open && shown[active] !== undefined ? optionId(active) : undefined}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            aria-required={required || undefined}
            disabled={disabled}
            value={text}
            onChange={(event) => type(event.target.value)}
            onFocus={(event) => event.target.select()}
            onClick={() => setOpen(true)}
            onKeyDown={onKeyDown}
            onBlur={() => {
              setOpen(false);
              // A text naming a country exactly shows that country's name, so what is stored is visible.
              const country = resolveCountry(text);
              if (country !== null) {
                setText(country.name);
                if (country.code !== value) onValue(country.code);
              }
            }}
          />
          {listShown && (
            <ul
              id={listId}
              role="listbox"
              aria-label={`${label} options`}
              className={`combobox-list${placement.above ? ' above' : ''}`}
              style={{ maxHeight: placement.maxHeight }}
            >
              {shown.map((country, index) => (
                <li
                  key={country.code}
                  id={optionId(index)}
                  role="option"
                  aria-selected={index === active}
                  className={`combobox-option${index === active ? ' active' : ''}`}
                  // Before the input's blur, so the click is a pick and not a leave.
                  onMouseDown={(event) => {
                    event.preventDefault();
                    pick(country);
                  }}
                  onMouseEnter={() => setActive(index)}
                >
                  <span>{country.name}</span>
                  <span className="muted small">{country.code}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </FieldShell>
  );
}
