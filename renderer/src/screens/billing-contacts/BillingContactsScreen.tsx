import { useState } from 'react';
import { toggleIn } from '../../forms/lists';
import { EMAIL_KINDS, EMAIL_KIND_LABELS, type EmailKind } from '@shared/domain/billing-contact';
import { fullName } from '@shared/domain/user';
import type { BillingContactRow, OrgNode } from '@shared/ipc/models';
import { checkCommand, useCommand } from '../../api/commands';
import { errorSentence } from '../../api/errors';
import { descendants, useOrgIndex } from '../../api/orgs';
import { EmptyState, LoadError, Loading, PendingMark } from '../../components/bits';
import { ConfirmDialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import {} from '../../forms/fields';
import { formatCount } from '../../format/format';
import type { ScreenProps } from '../../shell/Shell';
import { ScreenHeader } from '../../shell/ScreenHeader';
import { toast } from '../../state/toast-store';
import { MAX_SECTIONS } from '../roles/RolesScreen';
import { AddContactDialog } from './AddContactDialog';
import { useAccount, useBillingContacts, useBillingViewers } from './use-billing-contacts';

export function BillingContactsScreen({ org, scope }: ScreenProps) {
  const index = useOrgIndex();
  const below = scope.includeChildren && index !== null ? descendants(index, org.id) : [];
  const orgs = [org, ...below.slice(0, MAX_SECTIONS - 1)].filter((section) => section.permissions.includes('billing.view'));
  const [adding, setAdding] = useState<OrgNode | null>(null);
  return (
    <div className="screen">
      <ScreenHeader
        title="Billing contacts"
        org={org}
        actions={
          org.permissions.includes('billing.edit') && (
            <button type="button" className="button primary" onClick={() => setAdding(org)}>
              <Icon name="plus" size={14} /> Add billing contact
            </button>
          )
        }
      />
      <div className="screen-body">
        {orgs.map((section) => (
          <ContactsSection key={section.id} org={section} showHeading={orgs.length > 1} onAdd={() => setAdding(section)} />
        ))}
        {below.length > MAX_SECTIONS - 1 && (
          <p className="muted">
            Showing {MAX_SECTIONS} of {formatCount(below.length + 1)} organizations. Choose one in the organization switcher to see its contacts.
          </p>
        )}
      </div>
      {adding !== null && <AddContactHost org={adding} onClose={() => setAdding(null)} />}
    </div>
  );
}

function AddContactHost({ org, onClose }: { org: OrgNode; onClose(): void }) {
  const viewers = useBillingViewers(org.id);
  const contacts = useBillingContacts(org.id);
  if (viewers.data === undefined || contacts.data === undefined) return null;
  return <AddContactDialog orgId={org.id} orgName={org.name} viewers={viewers.data} existing={contacts.data} onClose={onClose} />;
}

function ContactsSection({ org, showHeading, onAdd }: { org: OrgNode; showHeading: boolean; onAdd(): void }) {
  const contacts = useBillingContacts(org.id);
  const viewers = useBillingViewers(org.id);
  const nameOf = (userId: string | null) => {
    const user = userId === null ? undefined : viewers.data?.find((viewer) => viewer.id === userId);
    return user === undefined ? null : fullName(user);
  };
  const canEdit = org.permissions.includes('billing.edit');
  const [removing, setRemoving] = useState<BillingContactRow | null>(null);
  const { run } = useCommand();
  const headingId = `contacts-${org.id}`;

  const setKinds = async (contact: BillingContactRow, kinds: EmailKind[]) => {
    const checked = checkCommand('updateBillingContact', { orgId: org.id, contactId: contact.id, version: contact.version, kinds });
    if (!checked.ok) {
      toast.error(Object.values(checked.errors)[0] ?? 'Choose at least one kind of email.');
      return;
    }
    try {
      await run('updateBillingContact', checked.value);
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };

  return (
    <section className="section" aria-labelledby={headingId}>
      <h2 id={headingId} className={showHeading ? 'section-title' : 'visually-hidden'}>
        {showHeading ? org.name : `Billing contacts of ${org.name}`}
      </h2>
      <PrimaryContact org={org} />
      {contacts.isError ? (
        <LoadError error={contacts.error} onRetry={() => void contacts.refetch()} />
      ) : contacts.data === undefined ? (
        <Loading />
      ) : contacts.data.length === 0 ? (
        <EmptyState icon="mail" title="No billing contacts">
          <p>Invoices go to the primary billing contact until you add contacts.</p>
          {canEdit && (
            <button type="button" className="button" onClick={onAdd}>
              Add billing contact
            </button>
          )}
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table contacts-table">
            <caption className="visually-hidden">Billing contacts of {org.name} and the emails each receives</caption>
            <thead>
              <tr>
                <th scope="col">Contact</th>
                {EMAIL_KINDS.map((kind) => (
                  <th key={kind} scope="col" className="center">
                    {EMAIL_KIND_LABELS[kind]}
                  </th>
                ))}
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {contacts.data.map((contact) => (
                <tr key={contact.id}>
                  <td>
                    <span className="cell-title">{contact.email}</span>
                    {contact.pending && <PendingMark />}
                    <span className="cell-sub muted">{contact.userId === null ? 'Email address' : (nameOf(contact.userId) ?? 'User of this organization')}</span>
                  </td>
                  {EMAIL_KINDS.map((kind) => (
                    <td key={kind} className="center">
                      <input
                        type="checkbox"
                        aria-label={`${EMAIL_KIND_LABELS[kind]} to ${contact.email}`}
                        checked={contact.kinds.includes(kind)}
                        disabled={!canEdit}
                        onChange={(event) => void setKinds(contact, toggleIn(contact.kinds, kind, event.target.checked, EMAIL_KINDS))}
                      />
                    </td>
                  ))}
                  <td className="row-actions">
                    {canEdit && (
                      <button type="button" className="button small danger-outline" aria-label={`Remove ${contact.email}`} onClick={() => setRemoving(contact)}>
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {removing !== null && (
        <ConfirmDialog
          title={`Remove ${removing.email}?`}
          description={<p>This address stops receiving billing email for {org.name}.</p>}
          confirmLabel="Remove contact"
          onClose={() => setRemoving(null)}
          onConfirm={() =>
            void run('removeBillingContact', { orgId: org.id, contactId: removing.id }).then(
              () => {
                toast.success(`${removing.email} was removed.`);
                setRemoving(null);
              },
              (error: unknown) => toast.error(errorSentence(error)),
            )
          }
        />
      )}
    </section>
  );
}

/** The organization's primary billing contact (updateOrg primaryContactUserId), changeable. */
function PrimaryContact({ org }: { org: OrgNode }) {
  const account = useAccount(org.id);
  const viewers = useBillingViewers(org.id);
  const { run, pending } = useCommand();
  const [editing, setEditing] = useState(false);
  const [choice, setChoice] = useState('');
  const canEdit = org.permissions.includes('account.edit');
  const details = account.data;
  if (details === undefined || details === null) return null;
  const current = viewers.data?.find((viewer) => viewer.id === details.primaryContactUserId);
  const label = current !== undefined ? `${fullName(current)} (${current.email})` : (details.primaryContactEmail ?? 'Nobody yet');

  const save = async () => {
    const checked = checkCommand('updateOrg', { orgId: org.id, version: details.version, primaryContactUserId: choice === '' ? null : choice });
    if (!checked.ok) {
      toast.error(Object.values(checked.errors)[0] ?? 'Choose a user.');
      return;
    }
    try {
      await run('updateOrg', checked.value);
      toast.success('The primary billing contact was changed.');
      setEditing(false);
    } catch (error) {
      toast.error(errorSentence(error));
    }
  };

  return (
    <div className="primary-contact card">
      <div className="primary-contact-text">
        <span className="card-label">Primary billing contact</span>
        {editing ? (
          <label className="inline-field">
            <span className="visually-hidden">Primary billing contact</span>
            <select className="input select" value={choice} onChange={(event) => setChoice(event.target.value)} autoFocus>
              <option value="">Nobody</option>
              {(viewers.data ?? []).map((viewer) => (
                <option key={viewer.id} value={viewer.id}>
                  {fullName(viewer)} ({viewer.email})
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span className="primary-contact-name">
            {label}
            {details.pending && <PendingMark />}
          </span>
        )}
        <span className="muted small">Receives invoices when no billing contact has chosen to.</span>
      </div>
      {canEdit &&
        (editing ? (
          <div className="inline-actions">
            <button type="button" className="button small" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="button" className="button small primary" disabled={pending} onClick={() => void save()}>
              Save
            </button>
          </div>
        ) : (
          <button
            type="button"
            className="button small"
            onClick={() => {
              setChoice(details.primaryContactUserId ?? '');
              setEditing(true);
            }}
          >
            Change
          </button>
        ))}
    </div>
  );
}
