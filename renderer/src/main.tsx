// Every zod message in the renderer in plain words; first, before any schema is used.
import '@shared/install-plain-messages';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { createQueryClient } from './api/query-client';
import { connectToCore } from './bridge';
import './styles.css';

const queryClient = createQueryClient();
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App connection={connectToCore()} />
    </QueryClientProvider>
  </StrictMode>,
);
