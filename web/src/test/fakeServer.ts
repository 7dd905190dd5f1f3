import { vi } from 'vitest';
import { VOCABULARY } from './vocabulary';

// A stand-in for the server in component tests: `fetch` is replaced by a
// function that answers from `routes` ("METHOD /api/path" → [status, body])
// and records every request, so a test can assert what was (not) sent.
// GET /api/vocabulary answers the VOCABULARY fixture unless `routes` says otherwise.
export type Routes = Record<string, [number, unknown] | (() => [number, unknown])>;

export function fakeServer(routes: Routes) {
  const requests: { method: string; path: string; body?: unknown }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const path = String(input).split('?')[0];
    requests.push({ method, path, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const route = routes[`${method} ${path}`] ?? (method === 'GET' && path === '/api/vocabulary' ? [200, VOCABULARY] : undefined);
    if (!route) return new Response(JSON.stringify({ detail: `no fake route for ${method} ${path}` }), { status: 404 });
    const [status, body] = typeof route === 'function' ? route() : route;
    return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    requests,
    deletes: () => requests.filter((r) => r.method === 'DELETE'),
    count: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path).length,
  };
}
