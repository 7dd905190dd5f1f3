// The end-to-end scenario in a real browser against the real server:
// create an adapter; generate with it; play a sample; rate and prefer; the
// job delete dialog (Escape, Cancel, confirm) and its feedback cascade; the
// adapter delete leaving "Deleted Adapter" on an older job; a feedback
// delete. Steps run in order and share one server and one browser page.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { screenshotDir, start } from './harness.mjs';

const ADAPTER = 'Rainy Lo-fi';
const OLD_PROMPT = 'Night drive through a neon city';
const NEW_PROMPT = 'Soft piano and vinyl crackle for a rainy afternoon';

let env, page;
const ids = {};
// Screenshots for docs/screenshots, taken once every waveform on the page is drawn.
async function shot(name, fullPage = false) {
  await page.waitForFunction(() => [...document.querySelectorAll('.waveform')].every((w) => w.dataset.ready === 'true'));
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage });
}
const dialog = () => page.getByRole('dialog');
const jobRow = (prompt) => page.locator('tbody tr', { hasText: prompt });

// A step of the scenario: once one step has failed, the later ones (which
// build on it) are skipped rather than reported as more failures.
let broken = false;
function step(name, fn) {
  it(name, async (t) => {
    if (broken) return t.skip('an earlier step failed');
    try {
      await fn();
    } catch (e) {
      broken = true;
      throw e;
    }
  });
}

// Fills the Generate form and waits until the job has completed; returns its id.
async function generate(prompt, samples) {
  await page.goto('/');
  await page.getByLabel('Prompt').fill(prompt);
  await page.getByLabel('Style', { exact: true }).fill('lofi');
  await page.getByLabel('Mood').fill('calm');
  await page.getByLabel('Tempo (BPM)').fill('84');
  await page.getByLabel('Primary instruments').selectOption('acoustic-piano');
  await page.getByLabel('Secondary instruments').selectOption('vinyl-noise');
  await page.getByLabel('Duration (s)').fill('2');
  await page.getByRole('combobox', { name: /^Samples/ }).selectOption(String(samples));
  await page.getByLabel('Adapter').selectOption({ label: ADAPTER });
  await page.getByLabel('Seed').fill('42');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const result = page.getByRole('region', { name: 'Generation' });
  await result.locator('.badge.completed').waitFor({ timeout: 60_000 });
  const href = await result.getByRole('link', { name: 'Open job' }).getAttribute('href');
  return href.split('/').pop();
}

describe('Song Studio in a browser', () => {
  before(async () => {
    mkdirSync(screenshotDir, { recursive: true });
    env = await start();
    page = env.page;
  });
  after(async () => {
    await env?.stop();
  });

  step('shows the server health in the header', async () => {
    await page.goto('/');
    await page.getByText(/Server ok · v\d/).waitFor();
  });

  step('creates an adapter', async () => {
    await page.goto('/adapters');
    await page.getByText('No adapters yet').waitFor();
    await page.getByLabel('Name').fill(ADAPTER);
    await page.getByLabel('Description').fill('Swung, roomy, dorian');
    await page.getByLabel('Style config').fill('{"swing": 0.3, "reverb": 0.6, "mode": "dorian"}');
    await page.getByRole('button', { name: 'Create adapter' }).click();
    await page.getByRole('link', { name: ADAPTER }).waitFor();
    await shot('adapters');
    const { body } = await env.apiGet('/adapters');
    assert.equal(body.total, 1);
    ids.adapter = body.items[0].id;
  });

  step('generates an older job with the adapter', async () => {
    ids.oldJob = await generate(OLD_PROMPT, 1);
  });

  step('generates 2 samples with the adapter, with live progress and players', async () => {
    ids.job = await generate(NEW_PROMPT, 2);
    const { body } = await env.apiGet(`/jobs/${ids.job}`);
    assert.equal(body.status, 'completed');
    assert.equal(body.audio_ids.length, 2);
    assert.equal(body.adapter_name, ADAPTER);
    ids.samples = body.audio_ids;
    await page.getByRole('region', { name: 'Sample B' }).waitFor();
  });

  step('plays sample A: the audio element loads and has a duration', async () => {
    const audio = page.getByLabel('Sample A', { exact: true }).and(page.locator('audio'));
    await page.waitForFunction((el) => el.readyState >= 1 && el.duration > 0, await audio.elementHandle());
    const duration = await audio.evaluate((el) => el.duration);
    assert.ok(Math.abs(duration - 2) < 0.5, `sample A lasts ${duration} s, expected about 2 s`);
    await audio.evaluate((el) => el.play());
    await page.waitForFunction((el) => el.currentTime > 0, await audio.elementHandle());
    await audio.evaluate((el) => el.pause());
  });

  step('rates A and prefers A over B', async () => {
    const a = page.getByRole('region', { name: 'Sample A' });
    await a.getByLabel('Rate A 4 of 5').check();
    await a.getByRole('button', { name: 'Save feedback on A' }).click();
    await a.getByText('Rated 4/5 (overall)').waitFor();
    await a.getByLabel('A is better than').selectOption({ label: 'B' });
    await a.getByRole('button', { name: 'Save feedback on A' }).click();
    await a.getByText('A is better than B').waitFor();
    await shot('generate', true);
    const { body } = await env.apiGet(`/feedback?job_id=${ids.job}`);
    assert.equal(body.total, 2);
  });

  step('rates the older job on its detail page', async () => {
    await page.goto(`/jobs/${ids.oldJob}`);
    const a = page.getByRole('region', { name: 'Sample A' });
    await a.getByLabel('Rate A 5 of 5').check();
    await a.getByLabel('Tags').fill('driving, neon');
    await a.getByRole('button', { name: 'Save feedback on A' }).click();
    await a.getByText('Rated 5/5 (overall)').waitFor();
  });

  step('lists the jobs with their adapter; the delete dialog counts 2 feedback records; Escape changes nothing', async () => {
    await page.goto('/jobs');
    await jobRow(NEW_PROMPT).waitFor();
    await jobRow(OLD_PROMPT).waitFor();
    assert.match(await jobRow(OLD_PROMPT).innerText(), new RegExp(ADAPTER));
    await shot('jobs');
    await jobRow(NEW_PROMPT).getByRole('button', { name: 'Delete job' }).click();
    await dialog().waitFor();
    assert.match(await dialog().innerText(), /This deletes the job and permanently removes its 2 feedback records\./);
    assert.equal(await dialog().getAttribute('aria-modal'), 'true');
    assert.ok(await dialog().evaluate((d) => d.contains(document.activeElement)), 'focus moved into the dialog');
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await dialog().evaluate((d) => d.contains(document.activeElement)), 'Tab stays inside the dialog');
    }
    await page.keyboard.press('Shift+Tab');
    assert.ok(await dialog().evaluate((d) => d.contains(document.activeElement)), 'Shift-Tab stays inside the dialog');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await jobRow(NEW_PROMPT).waitFor();
    assert.equal((await env.apiGet(`/jobs/${ids.job}`)).status, 200);
  });

  step('job detail: Cancel keeps the job, confirm deletes it and returns to the list', async () => {
    await page.goto(`/jobs/${ids.job}`);
    await page.getByText('A is better than B').waitFor();
    await shot('job-detail', true);
    const deleteJob = page.getByRole('button', { name: 'Delete job' });
    await deleteJob.click();
    assert.match(await dialog().innerText(), /permanently removes its 2 feedback records/);
    await shot('delete-dialog');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'detached' });
    assert.equal((await env.apiGet(`/jobs/${ids.job}`)).status, 200);
    assert.equal((await env.apiGet(`/feedback?job_id=${ids.job}`)).body.total, 2);

    await deleteJob.click();
    await dialog().getByRole('button', { name: 'Delete job' }).click();
    await page.waitForURL('**/jobs');
    await page.getByText(/was deleted/).waitFor();
    await jobRow(OLD_PROMPT).waitFor();
    assert.equal(await jobRow(NEW_PROMPT).count(), 0, 'the deleted job is gone from the list');
    assert.equal((await env.apiGet(`/jobs/${ids.job}`)).status, 404);
  });

  step('the deleted job’s feedback is gone from the Feedback page', async () => {
    await page.goto('/feedback');
    await page.locator('tbody tr').first().waitFor();
    const rows = page.locator('tbody tr');
    assert.equal(await rows.count(), 1, 'only the older job’s feedback is left');
    assert.match(await rows.first().innerText(), /5\/5/);
    await shot('feedback');
    const { body } = await env.apiGet('/feedback');
    assert.equal(body.total, 1);
    assert.ok(body.items.every((f) => !ids.samples.includes(f.audio_id)));
  });

  step('deletes the adapter from its page; the older job shows "Deleted Adapter"', async () => {
    await page.goto('/adapters');
    await page.getByRole('link', { name: ADAPTER }).first().click();
    await page.waitForURL(`**/adapters/${ids.adapter}`);
    await page.getByRole('link', { name: OLD_PROMPT }).waitFor();
    await page.getByRole('button', { name: 'Delete adapter' }).click();
    assert.match(await dialog().innerText(),
      /1 job used this adapter\. They stay, and will show 'Deleted Adapter'\. It can no longer be used for new generations\./);
    await dialog().getByRole('button', { name: 'Delete adapter' }).click();
    await page.waitForURL('**/adapters');
    await page.getByText(/was deleted/).waitFor();
    await page.getByText('No adapters yet').waitFor();
    await page.getByRole('link', { name: 'Jobs' }).click();
    await jobRow(OLD_PROMPT).waitFor();
    assert.match(await jobRow(OLD_PROMPT).innerText(), /Deleted Adapter/);
    assert.equal((await env.apiGet(`/adapters/${ids.adapter}`)).status, 404);
  });

  step('deletes one feedback record from the Feedback page', async () => {
    await page.goto('/feedback');
    const row = page.locator('tbody tr').first();
    await row.getByRole('button', { name: 'Delete' }).click();
    assert.match(await dialog().innerText(), /This permanently deletes this feedback\./);
    await dialog().getByRole('button', { name: 'Delete feedback' }).click();
    await page.getByText('No feedback yet.').waitFor();
    assert.equal((await env.apiGet('/feedback')).body.total, 0);
  });
});
