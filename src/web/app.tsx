import { Navigate, Route, Routes } from 'react-router-dom';
import { AdminLayout } from './admin/admin-layout.js';
import { AgentsPage } from './admin/agents-page.js';
import { AgreementFormPage } from './admin/agreement-form-page.js';
import { AgreementsPage } from './admin/agreements-page.js';
import { CalendarFormPage } from './admin/calendar-form-page.js';
import { CalendarsPage } from './admin/calendars-page.js';
import { TeamFormPage } from './admin/team-form-page.js';
import { CustomerImportPage } from './customers/customer-import-page.js';
import { FieldsPage } from './admin/fields-page.js';
import { TeamsPage } from './admin/teams-page.js';
import { MailboxFormPage, MailboxesPage } from './admin/mailboxes-page.js';
import { WebFormAdminPage } from './admin/web-form-page.js';
import { BlockedSendersPage } from './admin/blocked-senders-page.js';
import { DeletedCasesPage } from './admin/deleted-cases-page.js';
import { EventSourceFormPage, EventSourcesPage } from './admin/event-sources-page.js';
import { WebhookFormPage, WebhooksPage } from './admin/webhooks-page.js';
import { SegmentFormPage, SegmentsPage } from './admin/segments-page.js';
import { UserFormPage, UsersPage } from './admin/users-page.js';
import { ApiTokensPage } from './admin/api-tokens-page.js';
import { SettingsPage } from './admin/settings-page.js';
import { AuditLogPage } from './admin/audit-log-page.js';
import { AccountPage } from './auth/account-page.js';
import { NotificationsPage } from './notifications/notifications-page.js';
import { EventsPage } from './signals/events-page.js';
import { AuthProvider } from './auth/auth-context.js';
import { Announcer } from './a11y/announcer.js';
import { RouteFocus } from './a11y/route-focus.js';
import { LoginPage } from './auth/login-page.js';
import { RequireAuth } from './auth/require-auth.js';
import { HomeRedirect, RequireAdmin, RequireStaff, StaffOr } from './auth/require-role.js';
import { CasePageRoute } from './cases/case-page.js';
import { CaseQueuePage } from './cases/case-queue-page.js';
import { CustomerDetailPage } from './customers/customer-detail-page.js';
import { CustomerEditPage, CustomerNewPage } from './customers/customer-edit-page.js';
import { CustomerListPage } from './customers/customer-list-page.js';
import { DuplicatesPage } from './customers/duplicates-page.js';
import { MailDetailPage } from './mail/mail-detail-page.js';
import { MailListPage } from './mail/mail-list-page.js';
import { AppLayout } from './layout/app-layout.js';
import { NotFoundPage } from './layout/not-found-page.js';
import { WorkZoneGate } from './layout/work-zone-gate.js';
import { OrganizationDetailPage } from './organizations/organization-detail-page.js';
import { OrganizationFormPage } from './organizations/organization-form-page.js';
import { OrganizationListPage } from './organizations/organization-list-page.js';
import { RuleEditorPage } from './rules/rule-editor-page.js';
import { RulesPage } from './rules/rules-page.js';
import { BoardPage } from './signals/board-page.js';
import { KpisPage } from './signals/kpis-page.js';
import { WorkloadPage } from './workload/workload-page.js';
import { CommitmentsPage } from './signals/commitments-page.js';
import { SignalsPage } from './signals/signals-page.js';
import { HelpArticlePage } from './kb/help-article-page.js';
import { HelpCenterPage } from './kb/help-center-page.js';
import { HelpLayout } from './kb/help-layout.js';
import { KbArticlePageRoute } from './kb/kb-article-page.js';
import { KbListPage } from './kb/kb-list-page.js';
import { SignalPage } from './signals/signal-page.js';
import { MagicLinkPage } from './auth/magic-link.js';
import { PasswordLinkPage } from './auth/password-link.js';
import { RequireCustomer } from './auth/require-role.js';
import { WebFormPage } from './form/web-form-page.js';
import { ReplyTemplatesPage } from './reply-templates/reply-templates-page.js';
import { NewRequestPage } from './portal/new-request-page.js';
import { PortalCasePageRoute } from './portal/portal-case-page.js';
import { PortalHomePage } from './portal/portal-home-page.js';
import { PortalAccountPage } from './portal/account-page.js';

export function App() {
  return (
    <AuthProvider>
      <Announcer />
      <RouteFocus />
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/login/magic" element={<MagicLinkPage />} />
        <Route path="/login/password" element={<PasswordLinkPage />} />
        {/* The web form, alone on its page: sites embed it in an iframe (/embed.js). */}
        <Route path="/form" element={<WebFormPage />} />
        {/* The help center is public: readers need no account. */}
        <Route path="/help" element={<HelpLayout />}>
          <Route index element={<HelpCenterPage />} />
          <Route path=":slug" element={<HelpArticlePage />} />
        </Route>
        <Route
          element={
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          }
        >
          <Route index element={<HomeRedirect />} />
          <Route
            path="portal"
            element={
              <RequireCustomer>
                <PortalHomePage />
              </RequireCustomer>
            }
          />
          <Route
            path="portal/new"
            element={
              <RequireCustomer>
                <NewRequestPage />
              </RequireCustomer>
            }
          />
          <Route
            path="portal/account"
            element={
              <RequireCustomer>
                <PortalAccountPage />
              </RequireCustomer>
            }
          />
          <Route
            path="portal/cases/:id"
            element={
              <RequireCustomer>
                <PortalCasePageRoute />
              </RequireCustomer>
            }
          />
          <Route
            path="cases"
            element={
              <RequireStaff>
                <CaseQueuePage />
              </RequireStaff>
            }
          />
          <Route
            path="cases/:id"
            element={
              <RequireStaff>
                <CasePageRoute />
              </RequireStaff>
            }
          />
          <Route
            path="kb"
            element={
              <RequireStaff>
                <KbListPage />
              </RequireStaff>
            }
          />
          <Route
            path="kb/:id"
            element={
              <RequireStaff>
                <KbArticlePageRoute />
              </RequireStaff>
            }
          />
          <Route
            path="events"
            element={
              <RequireStaff>
                <WorkZoneGate title="Events">
                  <EventsPage />
                </WorkZoneGate>
              </RequireStaff>
            }
          />
          <Route
            path="board"
            element={
              <RequireStaff>
                <WorkZoneGate title="Proactive board">
                  <BoardPage />
                </WorkZoneGate>
              </RequireStaff>
            }
          />
          <Route
            path="notifications"
            element={
              <RequireStaff>
                <NotificationsPage />
              </RequireStaff>
            }
          />
          <Route
            path="reply-templates"
            element={
              <RequireStaff>
                <ReplyTemplatesPage />
              </RequireStaff>
            }
          />
          <Route
            path="account"
            element={
              <StaffOr customer="/portal/account">
                <AccountPage />
              </StaffOr>
            }
          />
          <Route
            path="kpis"
            element={
              <RequireStaff>
                <KpisPage />
              </RequireStaff>
            }
          />
          <Route
            path="kpis/workload"
            element={
              <RequireStaff>
                <WorkZoneGate title="Workload">
                  <WorkloadPage />
                </WorkZoneGate>
              </RequireStaff>
            }
          />
          <Route
            path="signals"
            element={
              <RequireStaff>
                <WorkZoneGate title="Signals">
                  <SignalsPage />
                </WorkZoneGate>
              </RequireStaff>
            }
          />
          <Route
            path="commitments"
            element={
              <RequireStaff>
                <WorkZoneGate title="Commitments">
                  <CommitmentsPage />
                </WorkZoneGate>
              </RequireStaff>
            }
          />
          <Route
            path="signals/:id"
            element={
              <RequireStaff>
                <WorkZoneGate title="Signal">
                  <SignalPage />
                </WorkZoneGate>
              </RequireStaff>
            }
          />
          <Route
            path="mail"
            element={
              <RequireStaff>
                <MailListPage />
              </RequireStaff>
            }
          />
          <Route
            path="mail/:id"
            element={
              <RequireStaff>
                <MailDetailPage />
              </RequireStaff>
            }
          />
          <Route path="customers" element={<CustomerListPage />} />
          <Route path="customers/duplicates" element={<DuplicatesPage />} />
          <Route
            path="customers/import"
            element={
              <RequireAdmin>
                <CustomerImportPage />
              </RequireAdmin>
            }
          />
          <Route path="customers/:id" element={<CustomerDetailPage />} />
          <Route path="customers/:id/edit" element={<CustomerEditPage />} />
          <Route
            path="customers/new"
            element={
              <RequireStaff>
                <CustomerNewPage />
              </RequireStaff>
            }
          />
          <Route path="organizations" element={<OrganizationListPage />} />
          <Route
            path="organizations/new"
            element={
              <RequireStaff>
                <OrganizationFormPage />
              </RequireStaff>
            }
          />
          <Route path="organizations/:id" element={<OrganizationDetailPage />} />
          <Route
            path="organizations/:id/edit"
            element={
              <RequireStaff>
                <OrganizationFormPage />
              </RequireStaff>
            }
          />
          <Route
            path="admin"
            element={
              <RequireAdmin>
                <AdminLayout />
              </RequireAdmin>
            }
          >
            <Route index element={<Navigate to="calendars" replace />} />
            <Route path="calendars" element={<CalendarsPage />} />
            <Route path="calendars/new" element={<CalendarFormPage />} />
            <Route path="calendars/:id" element={<CalendarFormPage />} />
            <Route path="agreements" element={<AgreementsPage />} />
            <Route path="agreements/new" element={<AgreementFormPage />} />
            <Route path="agreements/:id" element={<AgreementFormPage />} />
            <Route path="case-fields" element={<FieldsPage key="case" entity="case" />} />
            <Route path="customer-fields" element={<FieldsPage key="customer" entity="customer" />} />
            <Route
              path="organization-fields"
              element={<FieldsPage key="organization" entity="organization" />}
            />
            <Route path="teams" element={<TeamsPage />} />
            <Route path="teams/new" element={<TeamFormPage />} />
            <Route path="teams/:id" element={<TeamFormPage />} />
            <Route path="agents" element={<AgentsPage />} />
            <Route path="mailboxes" element={<MailboxesPage />} />
            <Route path="web-form" element={<WebFormAdminPage />} />
            <Route path="blocked-senders" element={<BlockedSendersPage />} />
            <Route path="deleted-cases" element={<DeletedCasesPage />} />
            <Route path="mailboxes/new" element={<MailboxFormPage />} />
            <Route path="mailboxes/:id" element={<MailboxFormPage />} />
            <Route path="rules" element={<RulesPage />} />
            <Route path="rules/new" element={<RuleEditorPage />} />
            <Route path="rules/:id" element={<RuleEditorPage />} />
            <Route path="api-tokens" element={<ApiTokensPage />} />
            <Route path="settings" element={<SettingsPage />} />
            <Route path="audit-log" element={<AuditLogPage />} />
            <Route path="users" element={<UsersPage />} />
            <Route path="users/new" element={<UserFormPage />} />
            <Route path="users/:id" element={<UserFormPage />} />
            <Route path="segments" element={<SegmentsPage />} />
            <Route path="segments/new" element={<SegmentFormPage />} />
            <Route path="segments/:key" element={<SegmentFormPage />} />
            <Route
              path="event-sources"
              element={
                <WorkZoneGate title="Event sources">
                  <EventSourcesPage />
                </WorkZoneGate>
              }
            />
            <Route path="event-sources/new" element={<EventSourceFormPage />} />
            <Route
              path="event-sources/:key"
              element={
                <WorkZoneGate title="Event source">
                  <EventSourceFormPage />
                </WorkZoneGate>
              }
            />
            <Route path="webhooks" element={<WebhooksPage />} />
            <Route path="webhooks/new" element={<WebhookFormPage />} />
            <Route path="webhooks/:id" element={<WebhookFormPage />} />
          </Route>
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </AuthProvider>
  );
}
