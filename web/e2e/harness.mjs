// Starts the real `studio serve` on a free port with a fresh data dir and
// the built UI, and Debian's chromium through playwright-core (never a
// downloaded browser). Both are stopped by `stop()`, which the tests call in
// an `after` hook so that a failing test still cleans up.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Where the run writes its screenshots (docs/screenshots unless STUDIO_SCREENSHOT_DIR says otherwise).
export const screenshotDir = path.resolve(process.env.STUDIO_SCREENSHOT_DIR ?? path.join(webDir, '../docs/screenshots'));

const binary = path.resolve(webDir, process.env.STUDIO_BINARY ?? '../build/studio');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const soundfont = process.env.STUDIO_SOUNDFONT ?? '/usr/share/sounds/sf2/TimGM6mb.sf2';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function start() {
  for (const [what, file] of [['studio binary', binary], ['chromium', chromiumPath], ['built UI', path.join(webDir, 'dist/index.html')]]) {
    if (!existsSync(file)) throw new Error(`${what} not found at ${file}`);
  }
  const tmp = mkdtempSync(path.join(tmpdir(), 'studio-e2e-'));
  const port = await freePort();
  const logFile = path.join(tmp, 'server.log');
  const log = openSync(logFile, 'w');
  const args = ['serve', '--port', String(port), '--data-dir', path.join(tmp, 'data'), '--web-dir', path.join(webDir, 'dist'),
    '--workers', '2', ...(existsSync(soundfont) ? ['--soundfont', soundfont] : [])];
  const server = spawn(binary, args, { stdio: ['ignore', log, log] });
  const baseUrl = `http://127.0.0.1:${port}`;

  const serverLog = () => readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`studio serve exited with ${server.exitCode}:\n${serverLog()}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`studio serve did not answer /api/health:\n${serverLog()}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const context = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
    viewport: { width: 1280, height: 860 },
    baseURL: baseUrl,
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(15_000);

  async function stop() {
    await context.close().catch(() => {});
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => { server.once('exit', r); setTimeout(r, 5000); });
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(tmp, { recursive: true, force: true });
  }

  // JSON from the API, for checks that look behind the UI and for setting up data.
  async function apiCall(method, p, body) {
    const res = await fetch(`${baseUrl}/api${p}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }
  const apiGet = (p) => apiCall('GET', p);
  const apiPost = (p, body) => apiCall('POST', p, body);

  return { page, baseUrl, stop, apiGet, apiPost, serverLog };
}
