import type { FieldErrors } from '../../forms/field-errors';
import { CountryCombobox } from '../../components/CountryCombobox';
import { TextField } from '../../forms/fields';
import type { AddressForm } from './account-form';

/** One address; errors come keyed "billingAddress.city" and so on. */
export function AddressFields({
  prefix,
  value,
  onChange,
  errors,
  disabled,
}: {
  prefix: 'billingAddress' | 'shippingAddress';
  value: AddressForm;
  onChange(value: AddressForm): void;
  errors: FieldErrors;
  disabled: boolean;
}) {
  const field = (key: keyof AddressForm) => ({
    value: value[key],
    onValue: (text: string) => onChange({ ...value, [key]: text }),
    error: errors[`${prefix}.${key}`],
    disabled,
  });
  return (
    <div className="address-fields">
      <TextField label="Street and number" {...field('line1')} required autoComplete="address-line1" fieldClassName="span-2" />
      <TextField label="Address line 2" {...field('line2')} autoComplete="address-line2" fieldClassName="span-2" />
      <TextField label="Postal code" {...field('postalCode')} required autoComplete="postal-code" />
      <TextField label="City" {...field('city')} required autoComplete="address-level2" />
      <TextField label="Region" {...field('region')} autoComplete="address-level1" />
      <CountryCombobox
        label="Country"
        value={value.country}
        onValue={(country) => onChange({ ...value, country })}
        error={errors[`${prefix}.country`]}
        required
        disabled={disabled}
      />
    </div>
  );
}
