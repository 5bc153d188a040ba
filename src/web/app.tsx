import { Navigate, Route, Routes } from 'react-router-dom';
import { AuthProvider } from './auth/auth-context.js';
import { LoginPage } from './auth/login-page.js';
import { RequireAuth } from './auth/require-auth.js';
import { CustomerDetailPage } from './customers/customer-detail-page.js';
import { CustomerEditPage } from './customers/customer-edit-page.js';
import { CustomerListPage } from './customers/customer-list-page.js';
import { AppLayout } from './layout/app-layout.js';
import { NotFoundPage } from './layout/not-found-page.js';
import { OrganizationDetailPage } from './organizations/organization-detail-page.js';
import { OrganizationListPage } from './organizations/organization-list-page.js';

export function App() {
  return (
    <AuthProvider>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          }
        >
          <Route index element={<Navigate to="/customers" replace />} />
          <Route path="customers" element={<CustomerListPage />} />
          <Route path="customers/:id" element={<CustomerDetailPage />} />
          <Route path="customers/:id/edit" element={<CustomerEditPage />} />
          <Route path="organizations" element={<OrganizationListPage />} />
          <Route path="organizations/:id" element={<OrganizationDetailPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </AuthProvider>
  );
}
