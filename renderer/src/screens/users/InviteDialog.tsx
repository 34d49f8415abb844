import { useMemo, useState, type ReactNode } from 'react';
import { parseEmailList } from '@shared/email';
import type { OrgNode } from '@shared/ipc/models';
import { useCore } from '../../api/core-context';
import { useChange } from '../../api/commands';
import { errorSentence } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { SelectField, TextAreaField } from '../../forms/fields';
import { countOf } from '../../format/format';
import { toast } from '../../state/toast-store';
import { inviteSummary, leftOutOfInvite } from './invite-report';
import { RoleChecklist } from './RoleChecklist';
import { useRoles } from './use-users';
import { FormError } from '../../components/bits';

const MAX_INVITES = 1000;

/**
 * Invite many people at once: paste addresses from a mail client or a spreadsheet (commas,
 * semicolons, new lines, "Name <address>"); each one is checked as it is typed.
 */
export function InviteDialog({ orgs, defaultOrgId, onClose }: { orgs: readonly OrgNode[]; defaultOrgId: string; onClose(): void }) {
  const core = useCore();
  const { change, pending } = useChange();
  const [orgId, setOrgId] = useState(defaultOrgId);
  const [text, setText] = useState('');
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [touched, setTouched] = useState(false);
  const [formError, setFormError] = useState<ReactNode>(null);
  const roles = useRoles(orgId);
  const parsed = useMemo(() => parseEmailList(text), [text]);
  const tooMany = parsed.valid.length > MAX_INVITES;

  const submit = async () => {
    setTouched(true);
    setFormError(null);
    if (parsed.valid.length === 0 || tooMany) return;
    try {
      const result = await change(() => core.bulk.invite({ orgId, emails: parsed.valid, roleIds }));
      // Every entry left out is named with its reason (invite-report.ts); nobody invited keeps the dialog open.
      const summary = inviteSummary(parsed.valid, parsed, result);
      if (summary.invited === 0) {
        // One entry a line: run on as one sentence, eight or more reasons were hard to scan.
        const leftOut = leftOutOfInvite(parsed, result.skipped);
        setFormError(
          leftOut.length === 0 ? (
            'Nobody was invited.'
          ) : (
            <>
              Nobody was invited. {leftOut.length} left out:
              <span className="left-out-list">
                {leftOut.map(({ entry, why }, index) => (
                  <span key={`${entry}-${index}`} className="left-out-entry">
                    <code>{entry}</code> ({why})
                  </span>
                ))}
              </span>
            </>
          ),
        );
        return;
      }
      if (summary.detail === undefined) toast.success(summary.text, 'Each gets an email with a link to accept. They show as Invited until then.');
      else toast.info(summary.text, summary.detail);
      onClose();
    } catch (error) {
      setFormError(errorSentence(error));
    }
  };

  const emailsError = !touched
    ? undefined
    : parsed.valid.length === 0
      ? 'Enter at least one valid email address.'
      : tooMany
        ? `Invite at most ${MAX_INVITES} people at once.`
        : undefined;

  return (
    <Dialog
      title="Invite users"
      description="Invited users get an email with a link to join. They are not billed until they accept."
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={pending}>
            {parsed.valid.length > 0 ? `Invite ${countOf(parsed.valid.length, 'person', 'people')}` : 'Invite'}
          </button>
        </>
      }
    >
      <FormError message={formError} />
      {orgs.length > 1 && (
        <SelectField
          label="Organization"
          value={orgId}
          onValue={(value) => {
            setOrgId(value);
            setRoleIds([]);
          }}
          options={orgs.map((org) => ({ value: org.id, label: org.name }))}
        />
      )}
      <TextAreaField
        label="Email addresses"
        value={text}
        onValue={setText}
        rows={5}
        autoFocus
        placeholder={'ann@example.com, bob@example.com\n"Lee, Chris" <chris@example.com>'}
        hint="Paste as many as you like, separated by commas, semicolons or new lines."
        error={emailsError}
      />
      {text.trim() !== '' && (
        <div className="invite-check" aria-live="polite">
          <p>
            <strong>{countOf(parsed.valid.length, 'address', 'addresses')}</strong> ready
            {parsed.invalid.length > 0 && <span className="text-negative"> · {countOf(parsed.invalid.length, 'entry is', 'entries are')} not valid</span>}
            {parsed.duplicates.length > 0 && <span className="muted"> · {countOf(parsed.duplicates.length, 'duplicate', 'duplicates')} left out</span>}
          </p>
          {parsed.invalid.length > 0 && (
            <ul className="invite-problems" aria-label="Entries that are not valid">
              {parsed.invalid.slice(0, 20).map((entry, index) => (
                <li key={`${entry.input}-${index}`}>
                  <code>{entry.input}</code> <span className="muted">{entry.reason}</span>
                </li>
              ))}
              {parsed.invalid.length > 20 && <li className="muted">and {parsed.invalid.length - 20} more</li>}
            </ul>
          )}
        </div>
      )}
      <RoleChecklist roles={roles.data ?? []} value={roleIds} onChange={setRoleIds} legend="Roles for everyone invited" />
    </Dialog>
  );
}
