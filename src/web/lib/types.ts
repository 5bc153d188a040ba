// Response shapes of the API, derived from the shared schemas (types only: nothing is bundled).
import type { z } from 'zod';
import type { page } from '../../shared/schemas/common.js';
import type { Segment } from '../../shared/schemas/segments.js';
import type {
  Case as CaseSchema,
  CasePromise as CasePromiseSchema,
  CaseSummary as CaseSummarySchema,
  Category as CategorySchema,
  Message as MessageSchema,
  TimelineEntry as TimelineEntrySchema,
} from '../../shared/schemas/cases.js';
import type { CustomFieldDefinition as CustomFieldDefinitionSchema } from '../../shared/schemas/fields.js';
import type { CaseView as CaseViewSchema } from '../../shared/schemas/views.js';
import type { AgentProfile as AgentProfileSchema, Team as TeamSchema } from '../../shared/schemas/teams.js';
import type { CalendarHours } from '../../shared/schemas/calendars.js';

export type Page<T> = Omit<z.infer<ReturnType<typeof page>>, 'items'> & { items: T[] };
export interface SegmentList {
  items: Segment[];
}

// Cases, views, teams, agreements, calendars.
export type Case = z.infer<typeof CaseSchema>;
export type CaseSummary = z.infer<typeof CaseSummarySchema>;
export type CasePromise = z.infer<typeof CasePromiseSchema>;
export type Message = z.infer<typeof MessageSchema>;
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
export type Category = z.infer<typeof CategorySchema>;
export type CustomFieldDefinition = z.infer<typeof CustomFieldDefinitionSchema>;
export type CaseView = z.infer<typeof CaseViewSchema>;
export type Team = z.infer<typeof TeamSchema>;
export type AgentProfile = z.infer<typeof AgentProfileSchema>;
export type { Agreement } from '../../shared/schemas/agreements.js';

/** GET /calendars/:id (the response schema lives with the server's calendar service). */
export interface Calendar {
  id: string;
  name: string;
  timezone: string;
  hours: CalendarHours[];
  holidays: string[];
  namedHolidays: { date: string; name: string | null }[];
  is247: boolean;
  weeklyOpenMinutes: number;
  createdAt: string;
  updatedAt: string;
}

export interface Items<T> {
  items: T[];
}

/** Another agent with the case open (GET/POST /cases/:id/presence). */
export interface Presence {
  userId: string;
  name: string;
  composing: boolean;
  seenAt: string;
}

/** A related case (GET /cases/:id/links). */
export interface LinkedCase {
  id: string;
  number: number;
  subject: string;
  status: string;
}

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
}
