import { installPlainMessages } from './errors';

/**
 * Imported first by every process's entry (the service's app, the core, the renderer's main),
 * so every zod message in that process is in plain words (errors.ts: plainMessage).
 */
installPlainMessages();
