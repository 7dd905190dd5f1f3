import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeServer } from '../test/fakeServer';
import { adapter, job } from '../test/fixtures';
import { renderAt } from '../test/render';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const ADAPTER = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';

const lofi = adapter(ADAPTER, 'lofi');

describe('Jobs page', () => {
  it('says so when there are no jobs', async () => {
    fakeServer({ 'GET /api/jobs': [200, { items: [], total: 0, limit: 20, offset: 0 }], 'GET /api/adapters': [200, { items: [], total: 0 }] });
    renderAt('/jobs');
    expect(screen.getByText('Loading jobs…')).toBeTruthy();
    expect(await screen.findByText('No jobs yet. Generate something first.')).toBeTruthy();
  });

  it('shows "Deleted Adapter", and refreshes the list after a delete', async () => {
    let deleted = false;
    const server = fakeServer({
      'GET /api/jobs': () => [200, {
        items: [job(A, 'first prompt', { adapter_id: ADAPTER, adapter_name: 'Deleted Adapter', adapter_deleted: true }),
          ...(deleted ? [] : [job(B, 'second prompt')])],
        total: deleted ? 1 : 2, limit: 20, offset: 0,
      }],
      'GET /api/adapters': [200, { items: [], total: 0 }],
      [`GET /api/jobs/${B}/delete-preview`]: [200, { job_id: B, status: 'completed', feedback_count: 2, will_cancel: false }],
      [`DELETE /api/jobs/${B}`]: () => { deleted = true; return [200, { status: 'deleted', job_id: B, feedback_deleted: 2 }]; },
    });
    const user = userEvent.setup();
    renderAt('/jobs');
    const row = (await screen.findByText('second prompt')).closest('tr')!;
    expect(screen.getByText('first prompt').closest('tr')!.textContent).toContain('Deleted Adapter');
    await user.click(within(row).getByRole('button', { name: 'Delete job' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('permanently removes its 2 feedback records');
    await user.click(within(dialog).getByRole('button', { name: 'Delete job' }));
    await waitFor(() => expect(screen.queryByText('second prompt')).toBeNull());
    expect(screen.getByText('first prompt')).toBeTruthy();
    expect(server.deletes()).toHaveLength(1);
    expect(server.count('GET', '/api/jobs')).toBe(2);
  });

  it('keeps the list as it was when a delete fails', async () => {
    const server = fakeServer({
      'GET /api/jobs': [200, { items: [job(A, 'first prompt')], total: 1, limit: 20, offset: 0 }],
      'GET /api/adapters': [200, { items: [], total: 0 }],
      [`GET /api/jobs/${A}/delete-preview`]: [200, { job_id: A, status: 'completed', feedback_count: 0, will_cancel: false }],
      [`DELETE /api/jobs/${A}`]: [503, { detail: 'database is busy, try again' }],
    });
    const user = userEvent.setup();
    renderAt('/jobs');
    await user.click(await screen.findByRole('button', { name: 'Delete job' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete job' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('database is busy, try again');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.getByText('first prompt')).toBeTruthy();
    expect(server.count('GET', '/api/jobs')).toBe(1);
  });
});

describe('detail pages', () => {
  it('a deleted job returns to the Jobs list with the Undo notice', async () => {
    let deleted = false;
    fakeServer({
      [`GET /api/jobs/${A}`]: [200, job(A, 'first prompt')],
      [`GET /api/prompts/${A}`]: [200, { id: A, text: 'first prompt, in full', attributes: {}, created_at: new Date().toISOString() }],
      [`GET /api/generate/${A}/feedback`]: [200, { job_id: A, total_samples: 0, total_feedback: 0, average_rating: null, samples: [] }],
      [`GET /api/jobs/${A}/delete-preview`]: [200, { job_id: A, status: 'completed', feedback_count: 0, will_cancel: false }],
      [`DELETE /api/jobs/${A}`]: () => { deleted = true; return [200, { status: 'deleted', job_id: A, feedback_deleted: 0 }]; },
      'GET /api/jobs': () => [200, { items: deleted ? [] : [job(A, 'first prompt')], total: 0, limit: 20, offset: 0 }],
      'GET /api/adapters': [200, { items: [], total: 0 }],
    });
    const user = userEvent.setup();
    renderAt(`/jobs/${A}`);
    expect(await screen.findByText('first prompt, in full')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Delete job' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('permanently removes its 0 feedback records');
    await user.click(within(dialog).getByRole('button', { name: 'Delete job' }));
    expect((await screen.findByRole('status')).textContent).toMatch(/^Job deleted·Undo/);
    expect(await screen.findByText('No jobs yet. Generate something first.')).toBeTruthy();
  });

  it('a deleted adapter returns to the Adapters list with the Undo notice', async () => {
    let deleted = false;
    fakeServer({
      [`GET /api/adapters/${ADAPTER}`]: [200, lofi],
      'GET /api/jobs': [200, { items: [job(A, 'used it', { adapter_id: ADAPTER, adapter_name: 'lofi' })], total: 1, limit: 20, offset: 0 }],
      [`GET /api/adapters/${ADAPTER}/delete-preview`]: [200, { adapter_id: ADAPTER, jobs_count: 1 }],
      [`DELETE /api/adapters/${ADAPTER}`]: () => { deleted = true; return [200, { status: 'deleted', adapter_id: ADAPTER }]; },
      'GET /api/adapters': () => [200, { items: deleted ? [] : [lofi], total: deleted ? 0 : 1 }],
    });
    const user = userEvent.setup();
    renderAt(`/adapters/${ADAPTER}`);
    expect(await screen.findByRole('link', { name: 'used it' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Delete adapter' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain("1 job used this adapter. They stay, and will show 'Deleted Adapter'.");
    await user.click(within(dialog).getByRole('button', { name: 'Delete adapter' }));
    expect((await screen.findByRole('status')).textContent).toMatch(/^Adapter deleted·Undo/);
    expect(await screen.findByText('No adapters yet. Create one below.')).toBeTruthy();
  });
});

describe('adapter style config', () => {
  it('lists the config keys with the ranges and defaults the server sends', async () => {
    fakeServer({ 'GET /api/adapters': [200, { items: [], total: 0 }] });
    renderAt('/adapters');
    const keys = await screen.findByRole('list', { name: 'Known keys and ranges' });
    expect(within(keys).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'tempo_scale 0.5–2 (default 1)', 'transpose -12–12 (default 0)', 'mode: major, minor, dorian',
    ]);
  });
});
