import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeStudio } from '../test/fakeServer';
import { experiment, job } from '../test/fixtures';
import { calm, DS, EX, FEEDBACK, row } from '../test/loop';
import { renderAt } from '../test/render';

// Section 8 on the older pages: datasets and experiments in the trash, the
// datasets named by bulk deletes.

describe('Trash: datasets and experiments', () => {
  const trashed = { deleted_at: new Date().toISOString(), purge_after: null };

  it('lists a trashed dataset and restores it', async () => {
    const server = fakeStudio({ trashedDatasets: [{ ...calm, ...trashed }] });
    const user = userEvent.setup();
    renderAt('/trash?type=datasets');
    const r = await row('calm likes');
    expect(within(r).getAllByRole('cell').map((c) => c.textContent).slice(0, 3)).toEqual(['calm likes', 'supervised', '2']);
    await user.click(within(r).getByRole('button', { name: 'Restore' }));
    expect(await screen.findByText('Dataset “calm likes” restored; it is back in Datasets.')).toBeTruthy();
    expect(server.count('POST', `/api/datasets/${DS}/restore`)).toBe(1);
    expect(await screen.findByText('Nothing in the trash: no deleted datasets.')).toBeTruthy();
  });

  it('deletes a trashed experiment forever through the purge dry run', async () => {
    const server = fakeStudio({ trashedExperiments: [{ ...experiment(EX, 'slower', calm, { run_count: 3 }), ...trashed }] });
    const user = userEvent.setup();
    renderAt('/trash?type=experiments');
    const r = await row('slower');
    expect(within(r).getAllByRole('cell').map((c) => c.textContent).slice(0, 3)).toEqual(['slower', 'calm likes', '3']);
    await user.click(within(r).getByRole('button', { name: 'Delete forever' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this experiment forever?' });
    expect(dialog.textContent).toContain('This permanently deletes 1 experiment');
    await user.click(within(dialog).getByRole('button', { name: 'Delete forever' }));
    expect(await screen.findByText('Nothing in the trash: no deleted experiments.')).toBeTruthy();
    expect(server.bodies('POST', '/api/admin/purge')).toEqual([{ type: 'experiments', ids: [EX], dry_run: true }, { type: 'experiments', ids: [EX] }]);
  });

  it('a server that has no experiments in its trash (400) shows the tab empty', async () => {
    fakeStudio({}, { 'GET /api/trash': ({ query }) => (query?.type === 'experiments'
      ? [400, { detail: 'type must be jobs, adapters, datasets or ab_tests' }] : [200, { items: [], total: 0, limit: 20, offset: 0 }]) });
    renderAt('/trash?type=experiments');
    expect(await screen.findByText('Nothing in the trash: no deleted experiments.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('bulk deletes name the datasets affected', () => {
  const affected = (n: number) => ({ dry_run: true, datasets_affected: [{ id: DS, name: 'calm likes', members_removed: n }] });
  // Selects the row named by `checkbox` on `page` and opens Delete selected's dialog.
  async function bulkDialog(page: string, checkbox: string) {
    const user = userEvent.setup();
    renderAt(page);
    await user.click(await screen.findByRole('checkbox', { name: checkbox }));
    await user.click(screen.getByRole('button', { name: 'Delete selected (1)' }));
    return within(await screen.findByRole('dialog'));
  }

  it('Feedback: the dry run datasets_affected is in the dialog', async () => {
    fakeStudio({}, {
      'GET /api/feedback': [200, { items: [FEEDBACK[0]], total: 1 }],
      'POST /api/audio/compare': [200, { samples: [] }],
      'POST /api/feedback/bulk-delete': [200, { feedback_deleted: 1, ...affected(1) }],
    });
    const dialog = await bulkDialog('/feedback', 'Select feedback f1');
    expect(dialog.getByRole('list', { name: 'Datasets affected' }).textContent).toBe('“calm likes” loses 1 member');
  });

  it('Jobs: the dry run datasets_affected is in the dialog', async () => {
    fakeStudio({ jobs: [job('j1', 'rainy piano')] }, {
      'POST /api/jobs/bulk-delete': [200, { jobs_deleted: 1, feedback_deleted: 2, cancelled: 0, ...affected(2) }],
    });
    const dialog = await bulkDialog('/jobs', 'Select job rainy piano');
    expect(dialog.getByRole('list', { name: 'Datasets affected' }).textContent).toBe('“calm likes” loses 2 members');
  });
});
