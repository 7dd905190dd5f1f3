import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { UndoProvider, useUndo } from '../components/UndoNotice';
import { fakeServer, fakeStudio, SAMPLE_BYTES } from '../test/fakeServer';
import { adapter, feedback, job, trashedAdapter, trashedJob } from '../test/fixtures';
import { row } from '../test/loop';
import { renderAt } from '../test/render';

const J1 = '11111111-1111-4111-8111-111111111111';
const J2 = '22222222-2222-4222-8222-222222222222';
const J3 = '33333333-3333-4333-8333-333333333333';
const AD = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const AD2 = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

const stat = (label: string) => within(screen.getByRole('region', { name: 'Storage' })).getByText(label).nextElementSibling!;

describe('Trash page', () => {
  it('lists trashed jobs with their counts and retention, and restores one', async () => {
    const server = fakeStudio({ trashedJobs: [trashedJob(J1, 'rainy piano', 2, { feedback_deleted: 3 }), trashedJob(J2, 'night drive', 1)] });
    const user = userEvent.setup();
    renderAt('/trash');
    const r = await row('rainy piano');
    expect(within(r).getAllByRole('cell').map((c) => c.textContent).slice(0, 4)).toEqual(['rainy piano', 'completed', '2', '3']);
    expect(r.textContent).toContain('purged automatically on');
    expect(screen.getByText('2 jobs in the trash')).toBeTruthy();
    await waitFor(() => expect(stat('Trashed').textContent).toBe('3 kB'));
    expect(stat('Retention').textContent).toBe('30 days');

    await user.click(within(r).getByRole('button', { name: 'Restore' }));
    expect(await screen.findByText('Job “rainy piano” restored (completed); it is back in Jobs.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('rainy piano')).toBeNull());
    expect(server.count('POST', `/api/jobs/${J1}/restore`)).toBe(1);
    await waitFor(() => expect(stat('Trashed').textContent).toBe('1 kB'));
    expect(stat('Trashed').firstElementChild!.getAttribute('title')).toBe(`${SAMPLE_BYTES} bytes`);
  });

  it('Delete forever names the files and bytes from the dry run, then purges and the freed bytes show', async () => {
    const server = fakeStudio({ trashedJobs: [trashedJob(J1, 'rainy piano', 2), trashedJob(J2, 'night drive', 1)] });
    const user = userEvent.setup();
    renderAt('/trash');
    await waitFor(() => expect(stat('Trashed').textContent).toBe('3 kB'));
    await user.click(within(await row('rainy piano')).getByRole('button', { name: 'Delete forever' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this job forever?' });
    expect(dialog.textContent).toContain('This permanently deletes 1 job with 2 samples: 2 files, 2 kB. It cannot be restored or undone.');
    expect(server.bodies('POST', '/api/admin/purge')).toEqual([{ type: 'jobs', ids: [J1], dry_run: true }]);
    await user.click(within(dialog).getByRole('button', { name: 'Delete forever' }));
    expect(await screen.findByText('Deleted forever: 2 files, 2 kB freed.')).toBeTruthy();
    expect(server.bodies('POST', '/api/admin/purge')[1]).toEqual({ type: 'jobs', ids: [J1] });
    await waitFor(() => expect(stat('Trashed').textContent).toBe('1 kB'));
    expect(screen.queryByText('rainy piano')).toBeNull();
  });

  it('Cancel in the Delete forever dialog purges nothing', async () => {
    const server = fakeStudio({ trashedJobs: [trashedJob(J1, 'rainy piano', 2)] });
    const user = userEvent.setup();
    renderAt('/trash');
    await user.click(within(await row('rainy piano')).getByRole('button', { name: 'Delete forever' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(server.bodies('POST', '/api/admin/purge')).toEqual([{ type: 'jobs', ids: [J1], dry_run: true }]);
    expect(screen.getByText('rainy piano')).toBeTruthy();
  });

  it('Empty trash purges everything of the type, with the dry run counts in its dialog', async () => {
    const server = fakeStudio({ trashedJobs: [trashedJob(J1, 'rainy piano', 2), trashedJob(J2, 'night drive', 1)] });
    const user = userEvent.setup();
    renderAt('/trash');
    await row('rainy piano');
    await user.click(screen.getByRole('button', { name: 'Empty trash' }));
    const dialog = await screen.findByRole('dialog', { name: 'Empty the trash of jobs?' });
    expect(dialog.textContent).toContain('This permanently deletes 2 jobs with 3 samples: 3 files, 3 kB.');
    await user.click(within(dialog).getByRole('button', { name: 'Empty trash' }));
    expect(await screen.findByText('Nothing in the trash: no deleted jobs.')).toBeTruthy();
    expect(server.bodies('POST', '/api/admin/purge')).toEqual([
      { type: 'jobs', older_than_days: 0, dry_run: true }, { type: 'jobs', older_than_days: 0 }]);
    await waitFor(() => expect(stat('Trashed').textContent).toBe('0 B'));
  });

  it('an adapter restore that meets a live name asks for another one and retries with it', async () => {
    const server = fakeStudio({ adapters: [adapter(AD2, 'lofi')], trashedAdapters: [trashedAdapter(AD, 'lofi')] });
    const user = userEvent.setup();
    renderAt('/trash?type=adapters');
    await user.click(within(await row('lofi')).getByRole('button', { name: 'Restore' }));
    const form = await screen.findByRole('form', { name: 'Restore lofi under another name' });
    expect(within(form).getByRole('alert').textContent).toBe('A live adapter is named “lofi”: restore this one under another name.');
    const name = within(form).getByLabelText('New name');
    await user.clear(name);
    await user.type(name, 'lofi (old)');
    await user.click(within(form).getByRole('button', { name: 'Restore as this name' }));
    expect(await screen.findByText(/Adapter “lofi \(old\)” restored, inactive/)).toBeTruthy();
    expect(server.bodies('POST', `/api/adapters/${AD}/restore`)).toEqual([{}, { name: 'lofi (old)' }]);
    expect(screen.queryByRole('form')).toBeNull();
    expect(await screen.findByText('Nothing in the trash: no deleted adapters.')).toBeTruthy();
  });

  it('shows an adapter held by jobs, which cannot be deleted forever', async () => {
    fakeStudio({ trashedAdapters: [trashedAdapter(AD, 'lofi')], trashedJobs: [trashedJob(J1, 'a', 1, { adapter_id: AD }), trashedJob(J2, 'b', 1, { adapter_id: AD })] });
    renderAt('/trash?type=adapters');
    const r = await row('lofi');
    expect(r.textContent).toContain('held by 2 jobs');
    expect(within(r).getByRole('button', { name: 'Delete forever' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('tab', { name: 'Adapters' }).getAttribute('aria-selected')).toBe('true');
  });

  it('lists A/B tests, empty for now; arrow keys move between the tabs', async () => {
    const server = fakeStudio({});
    const user = userEvent.setup();
    renderAt('/trash');
    await user.click(await screen.findByRole('tab', { name: 'A/B tests' }));
    expect(await screen.findByText('Nothing in the trash: no deleted A/B tests.')).toBeTruthy();
    expect(server.requests.some((r) => r.path === '/api/trash' && r.query?.type === 'ab_tests')).toBe(true);
    await user.keyboard('{ArrowLeft}');
    expect(await screen.findByText('Nothing in the trash: no deleted experiments.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Experiments' }));
    await user.keyboard('{ArrowLeft}');
    expect(await screen.findByText('Nothing in the trash: no deleted datasets.')).toBeTruthy();
  });

  it('shows the server detail on 403 (an admin token is configured)', async () => {
    const detail = 'This needs the admin token: Authorization: Bearer <token>';
    fakeServer({ 'GET /api/trash': [403, { detail }], 'GET /api/admin/storage': [403, { detail }], 'GET /api/audit': [403, { detail }] });
    renderAt('/trash');
    expect((await screen.findByRole('alert')).textContent).toBe(detail);
    expect(await screen.findByText(`Storage use is not available: ${detail}`)).toBeTruthy();
  });

  it('pages with limit and offset', async () => {
    const many = Array.from({ length: 25 }, (_, i) => trashedJob(`${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`, `job ${i}`, 1));
    const server = fakeStudio({ trashedJobs: many });
    const user = userEvent.setup();
    renderAt('/trash');
    expect(await screen.findByText('1–20 of 25')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('21–25 of 25')).toBeTruthy();
    expect(screen.getByText('job 24')).toBeTruthy();
    expect(server.requests.filter((r) => r.path === '/api/trash').map((r) => r.query?.offset)).toEqual(['0', '20']);
  });

  it('shows the latest audit events, their non-zero counts only', async () => {
    fakeStudio({}, {
      'GET /api/audit': [200, { items: [{ id: 'e1', at: new Date().toISOString(), action: 'bulk_delete', entity: 'job', entity_id: null,
        counts: { jobs: 5, feedback_deleted: 2, cancelled: 0 }, actor: 'local', request_id: 'r1' },
        { id: 'e2', at: new Date().toISOString(), action: 'purge', entity: 'job', entity_id: null,
          counts: { jobs: 0, samples: 0, files: 0, bytes_reclaimed: 0 }, actor: 'local', request_id: 'r2' },
        { id: 'e3', at: new Date().toISOString(), action: 'restore', entity: 'job', entity_id: 'cccccccc-0000-4000-8000-000000000000',
          counts: { jobs: 1, bytes_reclaimed: 882220 }, actor: 'admin', request_id: 'r3' }], total: 3, limit: 10, offset: 0 }],
    });
    renderAt('/trash');
    const activity = await screen.findByRole('region', { name: 'Activity' });
    await within(activity).findByText('bulk delete');
    const rows = within(activity).getAllByRole('row').slice(1).map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent));
    expect(rows.map((r) => r.slice(1))).toEqual([
      ['bulk delete', 'job', 'jobs 5, feedback deleted 2', 'local'],
      ['purge', 'job', 'nothing', 'local'],
      ['restore', 'job cccccccc', 'jobs 1, 882 kB freed', 'admin'],
    ]);
  });
});

describe('Undo notice', () => {
  it('after a job delete on the Jobs page, Undo restores it and it is listed again', async () => {
    const server = fakeStudio({ jobs: [job(J1, 'rainy piano'), job(J2, 'night drive')] });
    const user = userEvent.setup();
    renderAt('/jobs');
    await user.click(within(await row('rainy piano')).getByRole('button', { name: 'Delete job' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete job' }));
    await waitFor(() => expect(screen.queryByText('rainy piano')).toBeNull());
    const notice = screen.getByRole('status');
    expect(notice.textContent).toMatch(/^Job deleted·Undo/);
    await user.click(within(notice).getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('rainy piano')).toBeTruthy();
    expect(notice.textContent).toMatch(/^Job restored\./);
    expect(server.count('POST', `/api/jobs/${J1}/restore`)).toBe(1);
  });

  it('after a delete on Job detail, Undo on the Jobs list brings the job back', async () => {
    fakeStudio({ jobs: [job(J1, 'rainy piano')] }, {
      [`GET /api/jobs/${J1}`]: [200, job(J1, 'rainy piano')],
      [`GET /api/prompts/${J1}`]: [200, { id: J1, text: 'rainy piano, in full', attributes: {}, created_at: new Date().toISOString() }],
      [`GET /api/generate/${J1}/feedback`]: [200, { job_id: J1, total_samples: 0, total_feedback: 0, average_rating: null, samples: [] }],
    });
    const user = userEvent.setup();
    renderAt(`/jobs/${J1}`);
    await screen.findByText('rainy piano, in full');
    await user.click(screen.getByRole('button', { name: 'Delete job' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete job' }));
    expect(await screen.findByText('No jobs yet. Generate something first.')).toBeTruthy();
    await user.click(within(screen.getByRole('status')).getByRole('button', { name: 'Undo' }));
    expect(await screen.findByRole('link', { name: 'rainy piano' })).toBeTruthy();
  });

  it('after an adapter delete, Undo restores it and says it is inactive', async () => {
    const server = fakeStudio({ adapters: [adapter(AD, 'lofi')] });
    const user = userEvent.setup();
    renderAt('/adapters');
    await user.click(within(await row('lofi')).getByRole('button', { name: 'Delete adapter' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete adapter' }));
    expect(await screen.findByText('No adapters yet. Create one below.')).toBeTruthy();
    await user.click(within(screen.getByRole('status')).getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Adapter restored, inactive: activate it to offer it for new generations.')).toBeTruthy();
    expect(await screen.findByRole('checkbox', { name: 'lofi active' })).toHaveProperty('checked', false);
    expect(server.bodies('POST', `/api/adapters/${AD}/restore`)).toEqual([{}]);
  });

  it('shows the server detail when the undo fails', async () => {
    fakeStudio({ jobs: [job(J1, 'rainy piano')] }, { 'POST /api/jobs/:id/restore': [404, { detail: 'Job not found in the trash' }] });
    const user = userEvent.setup();
    renderAt('/jobs');
    await user.click(within(await row('rainy piano')).getByRole('button', { name: 'Delete job' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete job' }));
    await user.click(within(screen.getByRole('status')).getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Could not undo: Job not found in the trash')).toBeTruthy();
  });

  it('goes away by itself after its time, and with Dismiss', async () => {
    vi.useFakeTimers();
    function Offer() {
      const { offer } = useUndo();
      return <button type="button" onClick={() => offer({ message: 'Job deleted', undo: async () => {}, restored: 'Job restored.' })}>go</button>;
    }
    render(<UndoProvider duration={8000}><Offer /></UndoProvider>);
    act(() => screen.getByRole('button', { name: 'go' }).click());
    expect(screen.getByRole('status').textContent).toMatch(/^Job deleted/);
    act(() => vi.advanceTimersByTime(7900));
    expect(screen.getByRole('status').textContent).toMatch(/^Job deleted/);
    act(() => vi.advanceTimersByTime(200));
    expect(screen.getByRole('status').textContent).toBe('');
    act(() => screen.getByRole('button', { name: 'go' }).click());
    act(() => screen.getByRole('button', { name: 'Dismiss' }).click());
    expect(screen.getByRole('status').textContent).toBe('');
  });
});

describe('bulk delete', () => {
  it('Jobs: select rows, the dialog shows the dry run counts, confirm deletes them and clears the selection', async () => {
    const server = fakeStudio({ jobs: [job(J1, 'rainy piano'), job(J2, 'night drive', { status: 'processing', progress: 0.5 }), job(J3, 'sunny day')] });
    const user = userEvent.setup();
    renderAt('/jobs');
    await row('rainy piano');
    expect(screen.getByRole('button', { name: 'Delete selected (0)' })).toHaveProperty('disabled', true);
    await user.click(screen.getByRole('checkbox', { name: 'Select job rainy piano' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select job night drive' }));
    expect(screen.getByRole('checkbox', { name: 'Select all jobs on this page' })).toHaveProperty('indeterminate', true);
    await user.click(screen.getByRole('button', { name: 'Delete selected (2)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete 2 selected jobs?' });
    expect(within(dialog).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '2 jobs deleted (they can be restored from the Trash)', '4 feedback records removed permanently', '1 running job cancelled']);
    expect(server.bodies('POST', '/api/jobs/bulk-delete')).toEqual([{ ids: [J1, J2], dry_run: true }]);
    await user.click(within(dialog).getByRole('button', { name: 'Delete jobs' }));
    await waitFor(() => expect(screen.queryByText('rainy piano')).toBeNull());
    expect(screen.queryByText('night drive')).toBeNull();
    expect(server.bodies('POST', '/api/jobs/bulk-delete')[1]).toEqual({ ids: [J1, J2] });
    expect(screen.getByRole('button', { name: 'Delete selected (0)' })).toBeTruthy();
    // The bulk delete can be undone too.
    await user.click(within(screen.getByRole('status')).getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('rainy piano')).toBeTruthy();
    expect(server.bodies('POST', '/api/jobs/bulk-restore')).toEqual([{ ids: [J1, J2] }]);
  });

  it('Jobs: select all on the page, and the second click clears it', async () => {
    fakeStudio({ jobs: [job(J1, 'rainy piano'), job(J2, 'night drive')] });
    const user = userEvent.setup();
    renderAt('/jobs');
    await row('rainy piano');
    const all = screen.getByRole('checkbox', { name: 'Select all jobs on this page' });
    await user.click(all);
    expect(screen.getByRole('checkbox', { name: 'Select job night drive' })).toHaveProperty('checked', true);
    expect(screen.getByRole('button', { name: 'Delete selected (2)' })).toBeTruthy();
    await user.click(all);
    expect(screen.getByRole('button', { name: 'Delete selected (0)' })).toBeTruthy();
  });

  it('Jobs: delete all matching the filter sends the filter, and shows the 422 detail', async () => {
    const detail = 'The filter matches 12000 jobs; more than 10000: narrow the filter.';
    const server = fakeStudio({ jobs: [job(J1, 'rainy piano')] }, { 'POST /api/jobs/bulk-delete': [422, { detail }] });
    const user = userEvent.setup();
    renderAt('/jobs');
    await row('rainy piano');
    expect(screen.queryByRole('button', { name: 'Delete all matching the filter' })).toBeNull();
    await user.selectOptions(screen.getByLabelText('Status'), 'failed');
    await user.click(screen.getByRole('button', { name: 'Delete all matching the filter' }));
    expect((await screen.findByRole('alert')).textContent).toBe(detail);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(server.bodies('POST', '/api/jobs/bulk-delete')).toEqual([{ filter: { status: 'failed' }, dry_run: true }]);
  });

  it('Feedback: the dialog says how many records go for good, and confirm deletes them', async () => {
    let items = [feedback(J1, 'a1', 4), feedback(J2, 'a2', 2), feedback(J3, 'a3', 5)];
    const server = fakeServer({
      'GET /api/feedback': () => [200, { items, total: items.length }],
      'POST /api/audio/compare': [200, { samples: [] }],
      'POST /api/feedback/bulk-delete': ({ body }) => {
        if (!body.dry_run) items = items.filter((f) => !body.ids.includes(f.id));
        return [200, { feedback_deleted: body.ids.length, dry_run: !!body.dry_run }];
      },
    });
    const user = userEvent.setup();
    renderAt('/feedback');
    await screen.findByText('4/5 overall');
    await user.click(screen.getByRole('checkbox', { name: 'Select feedback 11111111' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select feedback 33333333' }));
    await user.click(screen.getByRole('button', { name: 'Delete selected (2)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete 2 selected feedback records?' });
    expect(dialog.textContent).toContain('This permanently deletes 2 feedback records. Feedback cannot be restored.');
    await user.click(within(dialog).getByRole('button', { name: 'Delete feedback' }));
    await waitFor(() => expect(screen.queryByText('4/5 overall')).toBeNull());
    expect(screen.getByText('2/5 overall')).toBeTruthy();
    expect(server.bodies('POST', '/api/feedback/bulk-delete')).toEqual([{ ids: [J1, J3], dry_run: true }, { ids: [J1, J3] }]);
    expect(screen.getByRole('status').textContent).toBe('');
  });
});
