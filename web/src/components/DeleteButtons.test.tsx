import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeServer } from '../test/fakeServer';
import { DeleteAdapterButton, DeleteFeedbackButton, DeleteJobButton } from './DeleteButtons';

const JOB = '11111111-1111-4111-8111-111111111111';
const ADAPTER = '22222222-2222-4222-8222-222222222222';
const FEEDBACK = '33333333-3333-4333-8333-333333333333';

function jobServer(preview: object = { job_id: JOB, status: 'completed', feedback_count: 3, will_cancel: false },
  deleteAnswer: [number, unknown] = [200, { status: 'deleted', job_id: JOB, feedback_deleted: 3 }]) {
  return fakeServer({
    [`GET /api/jobs/${JOB}/delete-preview`]: [200, preview],
    [`DELETE /api/jobs/${JOB}`]: deleteAnswer,
  });
}

async function openJobDialog(onDeleted = vi.fn()) {
  const user = userEvent.setup();
  render(<DeleteJobButton job={{ id: JOB }} onDeleted={onDeleted} />);
  await user.click(screen.getByRole('button', { name: 'Delete job' }));
  const dialog = await screen.findByRole('dialog');
  return { user, dialog, onDeleted };
}

describe('job delete dialog', () => {
  it('states the feedback count fetched before it opens', async () => {
    const server = jobServer();
    const { dialog } = await openJobDialog();
    expect(dialog).toHaveProperty('textContent', expect.stringContaining(
      'This deletes the job and permanently removes its 3 feedback records.'));
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(server.count('GET', `/api/jobs/${JOB}/delete-preview`)).toBe(1);
    expect(dialog.textContent).not.toMatch(/cancelled/);
  });

  it('says a processing job will be cancelled, and counts one record in the singular', async () => {
    jobServer({ job_id: JOB, status: 'processing', feedback_count: 1, will_cancel: true });
    const { dialog } = await openJobDialog();
    expect(dialog.textContent).toContain('permanently removes its 1 feedback record.');
    expect(dialog.textContent).toContain('The job is processing and will be cancelled first.');
  });

  it('Cancel closes it without sending anything', async () => {
    const server = jobServer();
    const { user, dialog, onDeleted } = await openJobDialog();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(dialog.isConnected).toBe(false);
    expect(server.deletes()).toHaveLength(0);
    expect(onDeleted).not.toHaveBeenCalled();
  });

  it('Escape closes it without sending anything', async () => {
    const server = jobServer();
    const { user, dialog, onDeleted } = await openJobDialog();
    await user.keyboard('{Escape}');
    expect(dialog.isConnected).toBe(false);
    expect(server.deletes()).toHaveLength(0);
    expect(onDeleted).not.toHaveBeenCalled();
  });

  it('confirm sends exactly one DELETE, even when clicked twice', async () => {
    const server = jobServer();
    const { user, dialog, onDeleted } = await openJobDialog();
    const confirm = within(dialog).getByRole('button', { name: 'Delete job' });
    await user.dblClick(confirm);
    await waitFor(() => expect(onDeleted).toHaveBeenCalledTimes(1));
    expect(server.deletes()).toEqual([{ method: 'DELETE', path: `/api/jobs/${JOB}`, body: undefined }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows the server detail when the delete fails, and stays open', async () => {
    jobServer(undefined, [404, { detail: 'Job not found' }]);
    const { user, dialog, onDeleted } = await openJobDialog();
    await user.click(within(dialog).getByRole('button', { name: 'Delete job' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Job not found');
    expect(dialog.isConnected).toBe(true);
    expect(onDeleted).not.toHaveBeenCalled();
  });

  it('shows the server detail when the preview fails, and opens no dialog', async () => {
    const server = fakeServer({ [`GET /api/jobs/${JOB}/delete-preview`]: [404, { detail: 'Job not found' }] });
    const user = userEvent.setup();
    render(<DeleteJobButton job={{ id: JOB }} onDeleted={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Delete job' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Job not found');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(server.deletes()).toHaveLength(0);
  });

  it('takes focus, keeps Tab and Shift-Tab inside, and gives focus back on close', async () => {
    jobServer();
    const { user, dialog } = await openJobDialog();
    const cancel = within(dialog).getByRole('button', { name: 'Cancel' });
    const confirm = within(dialog).getByRole('button', { name: 'Delete job' });
    expect(document.activeElement).toBe(cancel);
    await user.tab();
    expect(document.activeElement).toBe(confirm);
    await user.tab();
    expect(document.activeElement).toBe(cancel);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(confirm);
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard('{Escape}');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Delete job' }));
  });
});

describe('adapter delete dialog', () => {
  const server = () => fakeServer({
    [`GET /api/adapters/${ADAPTER}/delete-preview`]: [200, { adapter_id: ADAPTER, jobs_count: 5 }],
    [`DELETE /api/adapters/${ADAPTER}`]: [200, { status: 'deleted', adapter_id: ADAPTER }],
  });

  it('states how many jobs used the adapter and what they will show', async () => {
    server();
    const user = userEvent.setup();
    render(<DeleteAdapterButton adapterId={ADAPTER} onDeleted={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Delete adapter' }));
    expect((await screen.findByRole('dialog')).textContent).toContain(
      "5 jobs used this adapter. They stay, and will show 'Deleted Adapter'. It can no longer be used for new generations.");
  });

  it('Escape and Cancel send nothing; confirm sends one DELETE', async () => {
    const s = server();
    const onDeleted = vi.fn();
    const user = userEvent.setup();
    render(<DeleteAdapterButton adapterId={ADAPTER} onDeleted={onDeleted} />);
    await user.click(screen.getByRole('button', { name: 'Delete adapter' }));
    await screen.findByRole('dialog');
    await user.keyboard('{Escape}');
    await user.click(screen.getByRole('button', { name: 'Delete adapter' }));
    await screen.findByRole('dialog');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(s.deletes()).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Delete adapter' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete adapter' }));
    await waitFor(() => expect(onDeleted).toHaveBeenCalledTimes(1));
    expect(s.deletes()).toEqual([{ method: 'DELETE', path: `/api/adapters/${ADAPTER}`, body: undefined }]);
  });

  it('shows the server detail when the delete fails', async () => {
    fakeServer({
      [`GET /api/adapters/${ADAPTER}/delete-preview`]: [200, { adapter_id: ADAPTER, jobs_count: 0 }],
      [`DELETE /api/adapters/${ADAPTER}`]: [404, { detail: 'Adapter not found' }],
    });
    const user = userEvent.setup();
    render(<DeleteAdapterButton adapterId={ADAPTER} onDeleted={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Delete adapter' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('0 jobs used this adapter.');
    await user.click(within(dialog).getByRole('button', { name: 'Delete adapter' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Adapter not found');
    expect(dialog.isConnected).toBe(true);
  });
});

const feedbackPreview = (datasets_affected: object[] = []): [number, unknown] => [200, { feedback_id: FEEDBACK, datasets_affected }];

describe('feedback delete dialog', () => {
  it('says the delete is permanent; Cancel sends nothing; confirm sends one DELETE', async () => {
    const s = fakeServer({
      [`GET /api/feedback/${FEEDBACK}/delete-preview`]: feedbackPreview(),
      [`DELETE /api/feedback/${FEEDBACK}`]: [200, { status: 'deleted', feedback_id: FEEDBACK }],
    });
    const onDeleted = vi.fn();
    const user = userEvent.setup();
    render(<DeleteFeedbackButton feedback={{ id: FEEDBACK }} onDeleted={onDeleted} />);
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    let dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toBe('Delete this feedback?This permanently deletes this feedback.CancelDelete feedback');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    dialog = await screen.findByRole('dialog');
    await user.keyboard('{Escape}');
    expect(dialog.isConnected).toBe(false);
    expect(s.deletes()).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(await screen.findByRole('button', { name: 'Delete feedback' }));
    await waitFor(() => expect(onDeleted).toHaveBeenCalledTimes(1));
    expect(s.deletes()).toHaveLength(1);
    expect(s.deletes()[0].path).toBe(`/api/feedback/${FEEDBACK}`);
  });

  it('shows the server detail when the delete fails', async () => {
    fakeServer({
      [`GET /api/feedback/${FEEDBACK}/delete-preview`]: feedbackPreview(),
      [`DELETE /api/feedback/${FEEDBACK}`]: [404, { detail: 'Feedback not found' }],
    });
    const user = userEvent.setup();
    render(<DeleteFeedbackButton feedback={{ id: FEEDBACK }} onDeleted={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(await screen.findByRole('button', { name: 'Delete feedback' }));
    expect((await within(screen.getByRole('dialog')).findByRole('alert')).textContent).toBe('Feedback not found');
  });

  it('names the datasets the record leaves, from GET /api/feedback/{id}/delete-preview', async () => {
    const s = fakeServer({
      [`GET /api/feedback/${FEEDBACK}/delete-preview`]: feedbackPreview([{ id: 'd1', name: 'calm likes', members_removed: 1 }]),
    });
    const user = userEvent.setup();
    render(<DeleteFeedbackButton feedback={{ id: FEEDBACK }} onDeleted={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('The feedback leaves 1 dataset:');
    expect(within(dialog).getByRole('list', { name: 'Datasets affected' }).textContent).toBe('“calm likes” loses 1 member');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(s.deletes()).toHaveLength(0);
  });
});

describe('job delete dialog and datasets', () => {
  it('names each dataset that loses members, and says nothing when none does', async () => {
    jobServer({ job_id: JOB, status: 'completed', feedback_count: 3, will_cancel: false, datasets_affected: [
      { id: 'd1', name: 'calm likes', members_removed: 2 }, { id: 'd2', name: 'pairs', members_removed: 1 }] });
    const { dialog, user } = await openJobDialog();
    expect(within(dialog).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '“calm likes” loses 2 members', '“pairs” loses 1 member']);
    expect(dialog.textContent).toContain('The feedback leaves 2 datasets:');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    jobServer({ job_id: JOB, status: 'completed', feedback_count: 3, will_cancel: false, datasets_affected: [] });
    await user.click(screen.getByRole('button', { name: 'Delete job' }));
    const again = await screen.findByRole('dialog');
    expect(again.textContent).not.toContain('dataset');
  });
});
