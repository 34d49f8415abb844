import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { signInSchema } from '@shared/ipc/channels';
import { isAccountQuery, useCore } from '../api/core-context';
import { errorSentence, fieldErrorsOfError } from '../api/errors';
import { queryKeys } from '../api/query-keys';
import { check, type FieldErrors } from '../forms/field-errors';
import { TextField } from '../forms/fields';
import { FormError } from '../components/bits';

/** The first screen when nobody is signed in: service address, email and password. */
export function SignIn({ defaultServiceUrl }: { defaultServiceUrl: string | null }) {
  const core = useCore();
  const queryClient = useQueryClient();
  const info = useQuery({ queryKey: queryKeys.appInfo, queryFn: () => core.app.version(), staleTime: Number.POSITIVE_INFINITY });
  const [serviceUrl, setServiceUrl] = useState(defaultServiceUrl ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async () => {
    setFormError(null);
    const checked = check(signInSchema, { serviceUrl: serviceUrl.trim(), email, password });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setPending(true);
    // Nothing of an earlier account may show: the workspace starts from an empty cache. Cleared
    // before the call, since the core's session.changed may show the new workspace before it answers.
    queryClient.removeQueries({ predicate: (query) => isAccountQuery(query.queryKey) });
    try {
      const session = await core.session.signIn(checked.value);
      queryClient.setQueryData(queryKeys.session, session);
    } catch (error) {
      setErrors(fieldErrorsOfError(error, ''));
      setFormError(errorSentence(error, 'sign-in'));
      setPassword('');
    } finally {
      setPending(false);
    }
  };

  return (
    <main className="sign-in">
      <form
        className="sign-in-card"
        aria-labelledby="sign-in-title"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            S
          </span>
          <h1 className="brand-name">Seatdesk</h1>
        </div>
        <h2 id="sign-in-title">Sign in</h2>
        <p className="muted">Use the account your provider or reseller gave you.</p>
        <FormError message={formError} />
        <TextField
          label="Service URL"
          type="url"
          value={serviceUrl}
          onValue={setServiceUrl}
          error={errors['serviceUrl']}
          autoComplete="url"
          spellCheck={false}
          required
          placeholder="https://billing.example.com"
        />
        <TextField
          label="Email"
          type="email"
          value={email}
          onValue={setEmail}
          error={errors['email']}
          autoComplete="username"
          spellCheck={false}
          required
          autoFocus={defaultServiceUrl !== null}
        />
        <TextField
          label="Password"
          type="password"
          value={password}
          onValue={setPassword}
          error={errors['password']}
          autoComplete="current-password"
          required
        />
        <button type="submit" className="button primary wide" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
        {info.data !== undefined && (
          <p className="sign-in-version muted" data-testid="app-version">
            Version {info.data.version} ({info.data.host})
          </p>
        )}
      </form>
    </main>
  );
}
