// The OpenAPI document and the docs page, against the real server:
// GET /api/openapi.json is valid OpenAPI 3.1 (@apidevtools/swagger-parser),
// its schemas compile (ajv, 2020-12), GET /api/docs renders it in chromium
// with no request leaving the server, and — when STUDIO_TEST_RECORD_RESPONSES
// names the file the C++ black-box suites recorded their responses in
// (scripts/test.sh sets it) — every recorded API response matches the
// document's status and schema for its route.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { makeChecker } from './openapi-check.mjs';
import { start } from './harness.mjs';

let env, doc;

describe('OpenAPI document and docs page', () => {
  before(async () => {
    env = await start();
    const res = await fetch(`${env.baseUrl}/api/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    doc = await res.json();
  });
  after(async () => { await env?.stop(); });

  it('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0');
    // validate() dereferences in place: give it a copy.
    const api = await SwaggerParser.validate(structuredClone(doc));
    assert.ok(Object.keys(api.paths).length >= 20);
  });

  it('documents every operation with an operationId and its error shape', () => {
    const ids = new Set();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.operationId, `${method} ${path}`);
        assert.ok(!ids.has(op.operationId), `duplicate ${op.operationId}`);
        ids.add(op.operationId);
        for (const [status, r] of Object.entries(op.responses)) {
          if (Number(status) >= 400 && !(path === '/health' && status === '503')) {
            assert.equal(r.content['application/json'].schema.$ref, '#/components/schemas/Error', `${method} ${path} ${status}`);
          }
        }
      }
    }
  });

  it('describes the responses the server gives (a live sample)', async () => {
    const check = makeChecker(doc);
    const prompt = await fetch(`${env.baseUrl}/api/prompts`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'openapi check', attributes: { tempo: 90, primary_instruments: ['piano'] } }),
    });
    const records = [{ method: 'POST', target: '/api/prompts', status: prompt.status, content_type: prompt.headers.get('content-type'), body: await prompt.json() }];
    for (const target of ['/api/health', '/api/prompts', '/api/jobs?limit=5', '/api/jobs/stats', '/api/adapters', '/api/adapters/stats',
      '/api/feedback', '/api/feedback/summary', '/api/jobs/not-a-uuid', `/api/jobs/${crypto.randomUUID()}`, '/api/nope']) {
      const res = await fetch(`${env.baseUrl}${target}`);
      records.push({ method: 'GET', target, status: res.status, content_type: res.headers.get('content-type'), allow: res.headers.get('allow'), body: await res.json() });
    }
    const problems = records.flatMap((r) => check(r) ?? []);
    assert.deepEqual(problems, []);
  });

  it('renders at /api/docs without any request leaving the server', async () => {
    const { page, baseUrl } = env;
    const outside = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(baseUrl)) return route.continue();
      outside.push(url);
      return route.abort();
    });
    const failed = [];
    page.on('requestfailed', (r) => { if (r.url().startsWith(baseUrl)) failed.push(r.url()); });
    const res = await page.goto('/api/docs');
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { name: 'Song Studio API' }).first().waitFor();
    await page.getByText('OAS 3.1.0').first().waitFor();
    // The sidebar groups operations by tag: every tag of the document is there.
    const text = await page.locator('body').innerText();
    const tags = new Set(Object.values(doc.paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags)));
    for (const tag of tags) assert.ok(text.includes(tag), `tag ${tag} on the page`);
    await page.unroute('**/*');
    assert.deepEqual(outside, [], 'requests to other hosts');
    assert.deepEqual(failed, []);
  });

  const recorded = process.env.STUDIO_TEST_RECORD_RESPONSES;
  it('matches every response the black-box suites recorded', { skip: !(recorded && existsSync(recorded)) && 'STUDIO_TEST_RECORD_RESPONSES not set' }, () => {
    const check = makeChecker(doc);
    const lines = readFileSync(recorded, 'utf8').split('\n').filter(Boolean);
    let checked = 0;
    const problems = [];
    const operations = new Set();
    for (const line of lines) {
      const rec = JSON.parse(line);
      const p = check(rec);
      if (p === null) continue;
      checked++;
      problems.push(...p);
      operations.add(`${rec.method} ${rec.status}`);
    }
    console.log(`checked ${checked} recorded API responses (${lines.length} lines)`);
    assert.ok(checked > 100, `only ${checked} API responses recorded`);
    assert.deepEqual([...new Set(problems)].slice(0, 50), []);
  });
});
