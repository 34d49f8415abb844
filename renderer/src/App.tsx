import { CoreProvider } from './api/core-context';
import type { CoreConnection } from './bridge';
import { Shell } from './shell/Shell';

export interface AppProps {
  connection: CoreConnection | null;
}

export function App({ connection }: AppProps) {
  if (connection === null) {
    return (
      <main className="notice">
        <h1>Seatdesk</h1>
        <p role="alert">Open Seatdesk from the desktop app or the browser host: this page has no connection to the Seatdesk core.</p>
      </main>
    );
  }
  return (
    <CoreProvider connection={connection}>
      <Shell />
    </CoreProvider>
  );
}
