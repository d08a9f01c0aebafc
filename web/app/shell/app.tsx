/** The shell: sign-in pages for visitors, the workspace (every area of the app) for signed-in users. */
import type { AppModel } from './models/app.js';
import { AuthPage } from './pages/AuthPage.js';
import { WorkspacePage } from './pages/WorkspacePage.js';

export function App({ app }: { app: AppModel }) {
  const user = app.session.user.value;
  const workspace = app.workspace.value;
  if (user === undefined || (user && !workspace)) {
    return (
      <main class="splash" aria-busy="true">
        <p>{app.locale.t.value.loading}</p>
      </main>
    );
  }
  if (!user || !workspace) {
    const mode = app.router.route.value.name === 'register' ? 'register' : 'login';
    return <AuthPage key={mode} app={app} mode={mode} />;
  }
  return <WorkspacePage app={app} workspace={workspace} />;
}
