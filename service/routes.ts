import type { RouteDef } from './http/route';
import { metaRoutes } from './reads/meta';
import { authRoutes } from './auth/routes';
import { invitationRoutes } from './auth/invitation-routes';
import { usersReadRoutes } from './reads/users';
import { orgReadRoutes } from './reads/orgs';
import { billingReadRoutes } from './reads/billing';
import { auditReadRoutes } from './reads/audit';
import { commandRoutes } from './commands/routes';
import { syncRoutes } from './sync/routes';
import { operatorRoutes } from './operator/routes';
import { lifecycleRoutes } from './operator/lifecycle-route';

/** Every route of the v1 API. The OpenAPI document is generated from this list. */
export const API_ROUTES: readonly RouteDef[] = [
  ...metaRoutes,
  ...authRoutes,
  ...invitationRoutes,
  ...orgReadRoutes,
  ...usersReadRoutes,
  ...billingReadRoutes,
  ...auditReadRoutes,
  ...commandRoutes,
  ...syncRoutes,
  ...operatorRoutes,
  ...lifecycleRoutes,
];
