import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { App } from './app.js';
import { installFocusKeeper } from './a11y/focus-keeper.js';
import './styles.css';

installFocusKeeper();

// A data router (the app's own <Routes> under one catch-all route): it is what lets a page with
// unsaved edits ask before a link takes the user away (useUnsavedGuard).
const router = createBrowserRouter([{ path: '*', element: <App /> }]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);
