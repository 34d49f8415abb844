import { Fragment, useState } from 'react';
import type { CsvImportPreview } from '@shared/ipc/models';
import { useCore } from '../../api/core-context';
import { useChange } from '../../api/commands';
import { errorSentence, fieldErrorsOfError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { Checkbox, FieldShell } from '../../forms/fields';
import { countOf, formatCount, humanizeName } from '../../format/format';
import { toast } from '../../state/toast-store';
import { FormError } from '../../components/bits';

const SHOWN_ROWS = 200;

/** An address that may wrap after its @ and before its dots, not before its last letter. */
function breakableEmail(text: string) {
  return text.split(/(?=\.)|(?<=@)/u).map((part, index) => (
    <Fragment key={index}>
      {index > 0 && <wbr />}
      {part}
    </Fragment>
  ));
}
const MAX_FILE_BYTES = 20_000_000;

/** CSV import: read the file, show every row's problems, and queue only when confirmed. */
export function ImportDialog({ orgId, orgName, onClose }: { orgId: string; orgName: string; onClose(): void }) {
  const core = useCore();
  const { change, pending } = useChange();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvImportPreview | null>(null);
  const [onlyProblems, setOnlyProblems] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const check = async () => {
    setError(null);
    if (file === null) {
      setError('Choose a CSV file first.');
      return;
    }
    if (file.size > MAX_FILE_BYTES) {
      setError('This file is larger than 20 MB. Split it into smaller files.');
      return;
    }
    setChecking(true);
    try {
      const csv = await file.text();
      const result = await core.importExport.previewUsers({ orgId, csv });
      setPreview(result);
      setOnlyProblems(result.invalidCount > 0);
    } catch (failure) {
      // A problem of the file as a whole (no header, a broken quote, control characters) says which.
      setError(fieldErrorsOfError(failure, '')['csv'] ?? errorSentence(failure));
    } finally {
      setChecking(false);
    }
  };

  const confirm = async () => {
    if (preview === null) return;
    setError(null);
    try {
      const result = await change(() => core.importExport.confirmUsers({ previewId: preview.previewId }));
      toast.success(`${countOf(Math.max(0, preview.validCount - result.skipped.length), 'user', 'users')} imported into ${orgName}.`);
      onClose();
    } catch (failure) {
      setError(errorSentence(failure));
    }
  };

  const rows = preview === null ? [] : onlyProblems ? preview.rows.filter((row) => row.errors.length > 0) : preview.rows;

  return (
    <Dialog
      title={preview === null ? 'Import users from CSV' : 'Check the import'}
      size={preview === null ? 'medium' : 'wide'}
      onClose={onClose}
      onSubmit={() => void (preview === null ? check() : confirm())}
      footer={
        preview === null ? (
          <>
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button primary" disabled={checking}>
              {checking ? 'Checking…' : 'Check file'}
            </button>
          </>
        ) : (
          <>
            <button type="button" className="button" onClick={() => setPreview(null)}>
              Choose another file
            </button>
            <button type="submit" className="button primary" disabled={pending || preview.validCount === 0}>
              Import {countOf(preview.validCount, 'user', 'users')}
            </button>
          </>
        )
      }
    >
      <FormError message={error} />
      {preview === null ? (
        <>
          <p className="muted">
            Users are added to <strong>{orgName}</strong>. Nothing changes until you have checked the rows and confirmed.
          </p>
          <FieldShell label="CSV file" hint={<>Columns: <code>first_name, last_name, email, roles, active</code>. Separate several roles with “;”.</>}>
            {({ inputId, describedBy }) => (
              <input
                id={inputId}
                type="file"
                className="file-input"
                accept=".csv,text/csv"
                aria-describedby={describedBy}
                onChange={(event) => setFile(event.target.files?.[0] ?? null)}
              />
            )}
          </FieldShell>
        </>
      ) : (
        <>
          <p className="import-summary">
            <strong>{countOf(preview.validCount, 'row', 'rows')}</strong> ready to import
            {preview.invalidCount > 0 && (
              <>
                {' · '}
                <span className="text-negative">{countOf(preview.invalidCount, 'row has', 'rows have')} problems and will be left out</span>
              </>
            )}
          </p>
          <Checkbox label="Show only rows with problems" checked={onlyProblems} onChecked={setOnlyProblems} />
          <div className="table-scroll import-preview">
            <table className="table top-aligned import-table">
              <caption className="visually-hidden">Rows of the file and their problems</caption>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">First name</th>
                  <th scope="col">Last name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Active</th>
                  <th scope="col">Problems</th>
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, SHOWN_ROWS).map((row) => (
                  <tr key={row.line} className={row.errors.length > 0 ? 'row-invalid' : undefined}>
                    <td className="numeric">{row.line}</td>
                    {(['firstName', 'lastName', 'email', 'roles', 'active'] as const).map((field) => (
                      <td key={field} className={row.errors.some((issue) => issue.field === field) ? 'cell-invalid' : undefined}>
                        {row.values[field] === '' ? <span className="muted">—</span> : field === 'email' ? breakableEmail(row.values[field]) : row.values[field]}
                      </td>
                    ))}
                    <td>
                      {row.errors.length === 0 ? (
                        <span className="text-positive">Ready</span>
                      ) : (
                        <ul className="cell-errors">
                          {row.errors.map((issue, index) => (
                            <li key={index}>
                              <span className="muted">{issue.field === 'row' ? 'Row' : humanizeName(issue.field)}:</span> {issue.message}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={7} className="muted">
                      No rows with problems.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          {rows.length > SHOWN_ROWS && <p className="muted">Showing the first {formatCount(SHOWN_ROWS)} of {formatCount(rows.length)} rows.</p>}
        </>
      )}
    </Dialog>
  );
}
