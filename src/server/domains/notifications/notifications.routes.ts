import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, page } from '../../../shared/schemas/common.js';
import {
  CaseFollowers,
  MarkRead,
  Notification,
  NotificationListQuery,
  NotificationPreferences,
  NotificationPreferencesUpdate,
  UnreadCount,
} from '../../../shared/schemas/notifications.js';
import { z } from 'zod';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as notifications from './notifications.service.js';

const tags = ['notifications'];

export const notificationsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/notifications',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'Your notifications, newest first (cases assigned to you, replies and notes on them, promises at risk)',
          querystring: NotificationListQuery,
          response: { 200: page(Notification), ...errors(...AUTHED) },
        },
      },
      async (request) => notifications.listNotifications(db, actorOf(request), request.query),
    );
    app.get(
      '/notifications/unread-count',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'How many of your notifications are unread (the top bar polls it)',
          response: { 200: UnreadCount, ...errors(...AUTHED) },
        },
      },
      async (request) => notifications.countUnread(db, actorOf(request)),
    );
    app.post(
      '/notifications/read',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'Mark your notifications read: {"ids": [...]}, {"caseId"} or {"all": true}; others\' ids change nothing',
          body: MarkRead,
          response: { 200: z.object({ marked: z.number().int() }), ...errors(...AUTHED) },
        },
      },
      async (request) => notifications.markRead(db, actorOf(request), request.body),
    );
    app.get(
      '/cases/:id/followers',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Who follows the case (told of its messages, notes and promises), and whether you do',
          params: IdParams,
          response: { 200: CaseFollowers, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => notifications.listFollowers(db, actorOf(request), request.params.id),
    );
    app.post(
      '/cases/:id/follow',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Follow the case (again: no change)',
          params: IdParams,
          response: { 200: CaseFollowers, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => notifications.setFollowing(db, actorOf(request), request.params.id, true),
    );
    app.delete(
      '/cases/:id/follow',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Stop following the case',
          params: IdParams,
          response: { 200: CaseFollowers, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => notifications.setFollowing(db, actorOf(request), request.params.id, false),
    );
    app.get(
      '/notifications/preferences',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Which kinds of notification you also get by e-mail',
          response: { 200: NotificationPreferences, ...errors(...AUTHED) },
        },
      },
      async (request) => notifications.getPreferences(db, actorOf(request)),
    );
    app.patch(
      '/notifications/preferences',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Turn e-mail on or off per kind; kinds not named keep their setting',
          body: NotificationPreferencesUpdate,
          response: { 200: NotificationPreferences, ...errors(...AUTHED) },
        },
      },
      async (request) => notifications.updatePreferences(db, actorOf(request), request.body),
    );
    // An admin sets up a colleague's e-mail notifications (a new team member, a night shift).
    app.get(
      '/users/:id/notification-preferences',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: "An agent's or admin's notification settings (admins)",
          params: IdParams,
          response: { 200: NotificationPreferences, ...errors(...AUTHED, 404, 422) },
        },
      },
      async (request) => notifications.getPreferences(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/users/:id/notification-preferences',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: "Change an agent's or admin's notification settings (admins); recorded as yours",
          params: IdParams,
          body: NotificationPreferencesUpdate,
          response: { 200: NotificationPreferences, ...errors(...AUTHED, 404, 422) },
        },
      },
      async (request) =>
        notifications.updatePreferences(db, actorOf(request), request.body, request.params.id),
    );
  };
