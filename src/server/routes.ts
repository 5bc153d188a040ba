// Every domain's routes, mounted under /api/v1.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/client.js';
import type { Config } from './config.js';
import { authRoutes } from './domains/auth/auth.routes.js';
import { customersRoutes } from './domains/customers/customers.routes.js';
import { importsRoutes } from './domains/imports/imports.routes.js';
import { organizationsRoutes } from './domains/organizations/organizations.routes.js';
import { segmentsRoutes } from './domains/segments/segments.routes.js';
import { usersRoutes } from './domains/users/users.routes.js';
import { agreementsRoutes } from './domains/agreements/agreements.routes.js';
import { calendarsRoutes } from './domains/calendars/calendars.routes.js';
import { casesRoutes } from './domains/cases/cases.routes.js';
import { sideConversationsRoutes } from './domains/cases/side-conversations.routes.js';
import { fieldsRoutes } from './domains/fields/fields.routes.js';
import { settingsRoutes } from './domains/settings/settings.routes.js';
import { teamsRoutes } from './domains/teams/teams.routes.js';
import { eventsRoutes } from './domains/events/events.routes.js';
import { rulesRoutes } from './domains/signals/rules.routes.js';
import { signalsRoutes } from './domains/signals/signals.routes.js';
import { commitmentsRoutes } from './domains/commitments/commitments.routes.js';
import { mailRoutes } from './domains/mail/mail.routes.js';
import { mailboxesRoutes } from './domains/mail/mailboxes.routes.js';
import { blockedSendersRoutes } from './domains/mail/blocked-senders.routes.js';
import { portalRoutes } from './domains/portal/portal.routes.js';
import { conversationsRoutes } from './domains/conversations/conversations.routes.js';
import { kbRoutes } from './domains/kb/kb.routes.js';
import { domainEventsRoutes } from './domains/domain-events/domain-events.routes.js';
import { notificationsRoutes } from './domains/notifications/notifications.routes.js';
import { createLiveHub, type LiveHub } from './domains/live/live-hub.js';
import { liveRoutes } from './domains/live/live.routes.js';
import { webhooksRoutes } from './domains/webhooks/webhooks.routes.js';
import { replyTemplatesRoutes } from './domains/reply-templates/reply-templates.routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This server's live stream (GET /api/v1/live). */
    liveHub: LiveHub;
  }
}

export interface RouteDeps {
  db: Database;
  config: Config;
  databaseKind: 'pglite' | 'postgres';
}

export async function registerApiRoutes(app: FastifyInstance, deps: RouteDeps) {
  for (const routes of [
    authRoutes,
    usersRoutes,
    customersRoutes,
    organizationsRoutes,
    segmentsRoutes,
    importsRoutes,
    casesRoutes,
    sideConversationsRoutes,
    replyTemplatesRoutes,
    fieldsRoutes,
    teamsRoutes,
    calendarsRoutes,
    agreementsRoutes,
    settingsRoutes,
    eventsRoutes,
    rulesRoutes,
    signalsRoutes,
    commitmentsRoutes,
    mailRoutes,
    mailboxesRoutes,
    blockedSendersRoutes,
    portalRoutes,
    conversationsRoutes,
    kbRoutes,
    domainEventsRoutes,
    notificationsRoutes,
    webhooksRoutes,
  ]) {
    await app.register(routes(deps), { prefix: '/api/v1' });
  }
  const hub = createLiveHub(deps.db, app.log);
  app.decorate('liveHub', hub);
  app.addHook('preClose', async () => hub.stop());
  await app.register(liveRoutes(hub), { prefix: '/api/v1' });
}
