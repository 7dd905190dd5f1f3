import { lazy, Suspense, useEffect, useState } from 'react';
import { NavLink, Route, Routes } from 'react-router';
import { api, type Health } from './api';
import { AdapterDetailPage } from './pages/AdapterDetailPage';
import { AdaptersPage } from './pages/AdaptersPage';
import { DatasetsPage } from './pages/DatasetsPage';
import { ExperimentsPage } from './pages/ExperimentsPage';
import { FeedbackPage } from './pages/FeedbackPage';
import { GeneratePage } from './pages/GeneratePage';
import { JobDetailPage } from './pages/JobDetailPage';
import { JobsPage } from './pages/JobsPage';
import { TrashPage } from './pages/TrashPage';
import { UndoProvider } from './components/UndoNotice';

// The pages with charts load recharts with them, in their own chunks, so the
// other pages do not wait for it.
const OverviewPage = lazy(() => import('./pages/OverviewPage').then((m) => ({ default: m.OverviewPage })));
const DatasetDetailPage = lazy(() => import('./pages/DatasetDetailPage').then((m) => ({ default: m.DatasetDetailPage })));
const ExperimentDetailPage = lazy(() => import('./pages/ExperimentDetailPage').then((m) => ({ default: m.ExperimentDetailPage })));

export function App() {
  return (
    <UndoProvider>
      <header className="topbar">
        <span className="brand">Song Studio</span>
        <nav>
          <NavLink to="/" end>Generate</NavLink>
          <NavLink to="/overview">Overview</NavLink>
          <NavLink to="/jobs">Jobs</NavLink>
          <NavLink to="/feedback">Feedback</NavLink>
          <NavLink to="/datasets">Datasets</NavLink>
          <NavLink to="/experiments">Experiments</NavLink>
          <NavLink to="/adapters">Adapters</NavLink>
          <NavLink to="/trash">Trash</NavLink>
        </nav>
        <HealthBadge />
      </header>
      <main>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Routes>
            <Route path="/" element={<GeneratePage />} />
            <Route path="/jobs" element={<JobsPage />} />
            <Route path="/jobs/:id" element={<JobDetailPage />} />
            <Route path="/adapters" element={<AdaptersPage />} />
            <Route path="/adapters/:id" element={<AdapterDetailPage />} />
            <Route path="/feedback" element={<FeedbackPage />} />
            <Route path="/overview" element={<OverviewPage />} />
            <Route path="/datasets" element={<DatasetsPage />} />
            <Route path="/datasets/:id" element={<DatasetDetailPage />} />
            <Route path="/experiments" element={<ExperimentsPage />} />
            <Route path="/experiments/:id" element={<ExperimentDetailPage />} />
            <Route path="/trash" element={<TrashPage />} />
            <Route path="*" element={<p>There is no page here. Try the navigation above.</p>} />
          </Routes>
        </Suspense>
      </main>
    </UndoProvider>
  );
}

// The server's health and version, checked at start and every 30 s.
function HealthBadge() {
  const [health, setHealth] = useState<Health | null | 'down'>(null);
  useEffect(() => {
    const check = () => api.health().then(setHealth, () => setHealth('down'));
    check();
    const timer = setInterval(check, 30_000);
    return () => clearInterval(timer);
  }, []);
  if (health === null) return <span className="health">Checking server…</span>;
  if (health === 'down') return <span className="health down">Server unreachable</span>;
  return (
    <span className={`health ${health.status === 'ok' ? 'up' : 'down'}`} title={`database: ${health.database}`}>
      Server {health.status} · v{health.version}
    </span>
  );
}
