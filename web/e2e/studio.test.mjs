// The end-to-end scenario in a real browser against the real server:
// create an adapter; generate with it; play a sample; rate and prefer; the
// job delete dialog (Escape, Cancel, confirm) and its feedback cascade; the
// adapter delete leaving "Deleted Adapter" on an older job; a feedback
// delete. Then section 7: a job delete undone from the notice (its sample
// still plays); five jobs bulk-deleted with the dry-run counts in the dialog;
// the Trash page: an adapter restored under another name after a 409, delete
// forever and empty trash with the storage panel following what was freed.
// Steps run in order and share one server and one browser page.
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
const notice = (text) => page.getByRole('status').filter({ hasText: text });
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
    await notice('Job deleted').getByRole('button', { name: 'Undo' }).waitFor();
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
    await notice('Adapter deleted').getByRole('button', { name: 'Undo' }).waitFor();
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

  // Section 7.

  step('deletes a job from the list; Undo in the notice brings it back, and its sample still plays', async () => {
    await page.goto('/jobs');
    await jobRow(OLD_PROMPT).getByRole('button', { name: 'Delete job' }).click();
    await dialog().getByRole('button', { name: 'Delete job' }).click();
    await jobRow(OLD_PROMPT).waitFor({ state: 'detached' });
    assert.equal((await env.apiGet(`/jobs/${ids.oldJob}`)).status, 404);
    await shot('undo-notice');
    await notice('Job deleted').getByRole('button', { name: 'Undo' }).click();
    await notice('Job restored.').waitFor();
    await jobRow(OLD_PROMPT).waitFor();
    const { status, body } = await env.apiGet(`/jobs/${ids.oldJob}`);
    assert.equal(status, 200);
    assert.equal(body.status, 'completed');
    assert.equal(body.audio_ids.length, 1);
    const stream = await fetch(`${env.baseUrl}/api/audio/${body.audio_ids[0]}/stream`);
    assert.equal(stream.status, 200, 'the restored sample streams');
    await jobRow(OLD_PROMPT).getByRole('link', { name: 'Open' }).click();
    const audio = page.getByLabel('Sample A', { exact: true }).and(page.locator('audio'));
    await page.waitForFunction((el) => el.readyState >= 1 && el.duration > 0, await audio.elementHandle());
  });

  step('bulk-deletes 5 selected jobs: the dialog shows the dry-run counts, and they leave the list', async () => {
    ids.bulk = [];
    for (let i = 1; i <= 5; i++) {
      const prompt = await env.apiPost('/prompts', { text: `Bulk take ${i}`, attributes: { style: 'lofi', duration: 1 } });
      assert.ok(prompt.status < 300, JSON.stringify(prompt.body));
      const job = await env.apiPost('/generate', { prompt_id: prompt.body.id, num_samples: 1, duration: 1, temperature: 1, seed: i });
      assert.ok(job.status < 300, JSON.stringify(job.body));
      ids.bulk.push(job.body.id);
    }
    for (const id of ids.bulk) {
      for (let tries = 0; (await env.apiGet(`/jobs/${id}`)).body.status !== 'completed'; tries++) {
        assert.ok(tries < 300, `job ${id} did not complete`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const first = (await env.apiGet(`/jobs/${ids.bulk[0]}`)).body;
    assert.ok((await env.apiPost('/feedback', { audio_id: first.audio_ids[0], rating: 3 })).status < 300);

    await page.goto('/jobs');
    for (let i = 1; i <= 5; i++) await page.getByRole('checkbox', { name: `Select job Bulk take ${i}` }).check();
    await page.getByRole('button', { name: 'Delete selected (5)' }).click();
    await dialog().getByText('5 jobs deleted').waitFor();
    assert.deepEqual(await dialog().getByRole('listitem').allInnerTexts(), [
      '5 jobs deleted (they can be restored from the Trash)', '1 feedback record removed permanently', '0 running jobs cancelled']);
    await shot('bulk-dialog');
    await dialog().getByRole('button', { name: 'Delete jobs' }).click();
    await dialog().waitFor({ state: 'detached' });
    await notice('5 jobs deleted').waitFor();
    for (let i = 1; i <= 5; i++) await jobRow(`Bulk take ${i}`).waitFor({ state: 'detached' });
    await jobRow(OLD_PROMPT).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Delete selected (0)' }).count(), 1, 'the selection is cleared');
    assert.equal((await env.apiGet('/jobs')).body.total, 1);
    for (const id of ids.bulk) assert.equal((await env.apiGet(`/jobs/${id}`)).status, 404);
  });

  // The Trashed size in the storage panel, in bytes (its tooltip).
  const trashedBytes = async () =>
    Number((await page.getByRole('region', { name: 'Storage' }).locator('.stats div', { hasText: 'Trashed' }).locator('dd span')
      .getAttribute('title')).split(' ')[0]);
  async function waitForTrashed(want) {
    await page.getByRole('region', { name: 'Storage' }).locator(`.stats div:has-text("Trashed") dd span[title="${want} bytes"]`).waitFor();
  }

  step('the Trash page lists the trashed jobs with their storage; Delete forever frees what its dialog said', async () => {
    await page.goto('/trash');
    await jobRow('Bulk take 1').waitFor();
    assert.equal(await page.locator('tbody tr[data-job-id]').count(), 6, 'the 5 bulk-deleted jobs and the one deleted earlier');
    assert.match(await jobRow(NEW_PROMPT).innerText(), /purged automatically on/);
    const storage = (await env.apiGet('/admin/storage')).body;
    assert.ok(storage.trashed_bytes > 0, JSON.stringify(storage));
    await waitForTrashed(storage.trashed_bytes);
    assert.match(await page.getByRole('region', { name: 'Storage' }).innerText(), /30 days/);
    await shot('trash', true);

    const preview = (await env.apiPost('/admin/purge', { type: 'jobs', ids: [ids.job], dry_run: true })).body;
    assert.equal(preview.jobs, 1);
    assert.equal(preview.samples, 2);
    const files = `${preview.files} file${preview.files === 1 ? '' : 's'}`;
    await jobRow(NEW_PROMPT).getByRole('button', { name: 'Delete forever' }).click();
    const text = await dialog().innerText();
    assert.ok(text.includes(`This permanently deletes 1 job with 2 samples: ${files}, `), text);
    assert.match(text, /cannot be restored or undone/);
    assert.equal(await dialog().locator('span[title$=" bytes"]').getAttribute('title'), `${preview.bytes_reclaimed} bytes`);
    await dialog().getByRole('button', { name: 'Delete forever' }).click();
    await page.getByText(`Deleted forever: ${files}, `).waitFor();
    await jobRow(NEW_PROMPT).waitFor({ state: 'detached' });
    await waitForTrashed(storage.trashed_bytes - preview.bytes_reclaimed);
    assert.equal((await env.apiGet('/admin/storage')).body.trashed_bytes, storage.trashed_bytes - preview.bytes_reclaimed);
  });

  step('Empty trash purges the other 5 jobs and the storage panel drops by what was freed', async () => {
    const before = await trashedBytes();
    const preview = (await env.apiPost('/admin/purge', { type: 'jobs', older_than_days: 0, dry_run: true })).body;
    assert.equal(preview.jobs, 5);
    await page.getByRole('button', { name: 'Empty trash' }).click();
    const text = await dialog().innerText();
    assert.ok(text.includes(`This permanently deletes 5 jobs with 5 samples: ${preview.files} files, `), text);
    const freed = Number((await dialog().locator('span[title$=" bytes"]').getAttribute('title')).split(' ')[0]);
    assert.equal(freed, preview.bytes_reclaimed);
    await dialog().getByRole('button', { name: 'Empty trash' }).click();
    await page.getByText('Nothing in the trash: no deleted jobs.').waitFor();
    await waitForTrashed(before - freed);
    assert.equal((await env.apiGet('/admin/storage')).body.trashed_bytes, before - freed);
    assert.equal((await env.apiGet('/trash?type=jobs')).body.total, 0);
    await page.getByRole('region', { name: 'Activity' }).getByRole('cell', { name: 'purge', exact: true }).first().waitFor();
  });

  step('the trashed adapter is held by the restored job; restoring it after a 409 takes another name', async () => {
    const live = await env.apiPost('/adapters', { name: ADAPTER, description: 'a new one with the old name' });
    assert.ok(live.status < 300, JSON.stringify(live.body));
    await page.getByRole('tab', { name: 'Adapters' }).click();
    const row = page.locator('tbody tr', { hasText: 'Swung, roomy, dorian' });
    assert.match(await row.innerText(), /held by 1 job/);
    assert.equal(await row.getByRole('button', { name: 'Delete forever' }).isDisabled(), true);
    await row.getByRole('button', { name: 'Restore' }).click();
    const form = page.getByRole('form', { name: `Restore ${ADAPTER} under another name` });
    await form.getByRole('alert').waitFor();
    await form.getByLabel('New name').fill(`${ADAPTER} (old)`);
    await shot('trash-rename');
    await form.getByRole('button', { name: 'Restore as this name' }).click();
    await page.getByText(`Adapter “${ADAPTER} (old)” restored, inactive`, { exact: false }).waitFor();
    await page.getByText('Nothing in the trash: no deleted adapters.').waitFor();
    const { status, body } = await env.apiGet(`/adapters/${ids.adapter}`);
    assert.equal(status, 200);
    assert.equal(body.name, `${ADAPTER} (old)`);
    assert.equal(body.is_active, false);
  });
});
