import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeStudio } from '../test/fakeServer';
import { experiment, run } from '../test/fixtures';
import { AD, calm, DS, EX, FakeEventSource, logLine, R1, R2, row, runRow, stubEventSource } from '../test/loop';
import { renderAt } from '../test/render';

// The Experiments pages against fakeStudio: create, runs, the run panel, the log stream, deletes.

describe('Experiments', () => {
  it('creates an experiment on a dataset with its config and opens it', async () => {
    const server = fakeStudio({ datasets: [calm] });
    const user = userEvent.setup();
    renderAt('/experiments');
    expect(await screen.findByText('No experiments yet. Create one below from a dataset.')).toBeTruthy();
    const form = within(screen.getByRole('form', { name: 'New experiment' }));
    await form.findByRole('option', { name: 'calm likes (supervised, 2)' });
    await user.type(form.getByLabelText(/^Name/), 'slower');
    await user.type(form.getByLabelText(/^Regularization/), '0.5');
    await user.type(form.getByLabelText(/^Steps/), '50');
    await user.click(form.getByRole('button', { name: 'Create experiment' }));
    expect(await screen.findByRole('heading', { name: 'slower' })).toBeTruthy();
    expect(server.bodies('POST', '/api/experiments')).toEqual([{ name: 'slower', dataset_id: DS, config: { regularization: 0.5, steps: 50 } }]);
    expect(await screen.findByText('No runs yet. Start one above.')).toBeTruthy();
  });

  it('lists experiments with status, runs and best loss, and "Deleted Dataset"', async () => {
    fakeStudio({ experiments: [
      experiment(EX, 'slower', calm, { status: 'completed', run_count: 2, best_loss: 0.1234567 }),
      experiment('e2', 'gone', calm, { dataset_deleted: true })] });
    renderAt('/experiments');
    expect(within(await row('slower')).getAllByRole('cell').map((c) => c.textContent).slice(0, 5))
      .toEqual(['slower', 'calm likes', 'completed', '2', '0.1235']);
    expect(within(await row('gone')).getByText('Deleted Dataset')).toBeTruthy();
  });

  const trained = run(R1, EX, 'first', {
    status: 'completed', progress: 1, final_loss: 0.25, adapter_id: AD, adapter_name: 'lofi (learned)',
    explanation: 'Listeners preferred slower tempo (−12 %) and more swing.',
    metrics: { loss: [{ step: 1, value: 0.7 }, { step: 2, value: 0.4 }, { step: 3, value: 0.25 }], heldout_accuracy: 0.75,
      chance_accuracy: 0.5, train_size: 40, heldout_size: 10, skipped_without_style: 3, direction_found: true },
    lineage: { dataset_id: DS, dataset_name: 'calm likes', dataset_deleted: true, member_count: 50, data_hash: 'abcdef0123456789' },
    created_at: '2026-12-01T10:00:00Z',
  });

  it('shows a trained run: loss chart, accuracy vs chance, explanation, its adapter, lineage with "Deleted Dataset"', async () => {
    fakeStudio({ experiments: [experiment(EX, 'slower', calm, { run_count: 1 })], runs: [trained], logs: { [R1]: [logLine(1, 'step 1 loss 0.7')] } });
    renderAt(`/experiments/${EX}`);
    const r = await runRow('first');
    expect(within(r).getAllByRole('cell').map((c) => c.textContent).slice(1, 6))
      .toEqual(['completed', '100%', '0.2500', '75% held out (chance 50%)', 'lofi (learned)']);
    const detail = within(screen.getByRole('region', { name: 'Run first' }));
    expect(detail.getByText('3 steps, last loss 0.2500')).toBeTruthy();
    expect(detail.getByRole('figure', { name: 'Held-out accuracy vs chance' }).textContent).toContain('75% held out (chance 50%)');
    expect(detail.getByText('Listeners preferred slower tempo (−12 %) and more swing.')).toBeTruthy();
    expect(detail.getByRole('link', { name: 'lofi (learned)' }).getAttribute('href')).toBe(`/adapters/${AD}`);
    expect(detail.getByText('Deleted Dataset')).toBeTruthy();
    expect(detail.getByText('3 samples rendered before style features were recorded')).toBeTruthy();
    // A finished run's log comes from GET /runs/{id}/logs.
    expect(await detail.findByText('step 1 loss 0.7')).toBeTruthy();
  });

  it('starts a run with the config override; a deleted dataset gets the server detail', async () => {
    const server = fakeStudio({ experiments: [experiment(EX, 'slower', calm, { config: { steps: 200 } })] });
    const user = userEvent.setup();
    renderAt(`/experiments/${EX}`);
    const form = within(await screen.findByRole('form', { name: 'Start a run' }));
    expect(form.getByLabelText(/^Steps/).getAttribute('placeholder')).toBe('200');
    await user.type(form.getByLabelText(/^Run name/), 'strong');
    await user.type(form.getByLabelText(/^Regularization/), '4');
    await user.type(form.getByLabelText(/^Adapter name/), 'lofi v2');
    await user.click(form.getByRole('button', { name: 'Start run' }));
    expect(within(await runRow('strong')).getByText('queued')).toBeTruthy();
    expect(server.bodies('POST', `/api/experiments/${EX}/runs`)).toEqual([{ name: 'strong', config: { regularization: 4, adapter_name: 'lofi v2' } }]);

    server.state.experiments[0].dataset_deleted = true;
    await user.click(form.getByRole('button', { name: 'Start run' }));
    expect((await form.findByRole('alert')).textContent).toBe('Cannot train on a deleted dataset');
  });

  it('the log viewer appends the streamed lines and stops on done, then reads the whole log', async () => {
    stubEventSource();
    const running = run(R2, EX, 'live', { status: 'running', progress: 0.3, started_at: new Date().toISOString() });
    const server = fakeStudio({ experiments: [experiment(EX, 'slower', calm, { status: 'running', run_count: 1 })], runs: [running] });
    renderAt(`/experiments/${EX}`);
    const log = await screen.findByRole('region', { name: 'Run log' });
    await waitFor(() => expect(FakeEventSource.all).toHaveLength(1));
    const source = FakeEventSource.all[0];
    expect(source.url).toBe(`/api/runs/${R2}/logs/stream`);
    source.emit('log', logLine(1, 'claimed by worker 1'));
    source.emit('log', logLine(2, 'step 1 loss 0.69'));
    source.emit('log', logLine(2, 'step 1 loss 0.69'));
    expect([...log.querySelectorAll('li')].map((li) => li.lastChild!.textContent)).toEqual(['claimed by worker 1', 'step 1 loss 0.69']);
    expect(server.count('GET', `/api/runs/${R2}/logs`)).toBe(0);

    // The run ends: `done` closes the stream, the page reloads and the log is read whole.
    Object.assign(server.state.runs[0], { status: 'completed', progress: 1 });
    server.state.logs[R2] = [logLine(1, 'claimed by worker 1'), logLine(2, 'step 1 loss 0.69'), logLine(3, 'done: adapter lofi v2')];
    source.emit('done', { status: 'completed' });
    expect(source.closed).toBe(true);
    expect(await within(log).findByText('done: adapter lofi v2')).toBeTruthy();
    expect(log.querySelectorAll('li')).toHaveLength(3);
    expect(FakeEventSource.all).toHaveLength(1);
    expect(server.count('GET', `/api/runs/${R2}/logs`)).toBe(1);
  });

  it('the log viewer reads GET /runs/{id}/logs when the stream fails', async () => {
    stubEventSource();
    const running = run(R2, EX, 'live', { status: 'running', progress: 0.3 });
    fakeStudio({ experiments: [experiment(EX, 'slower', calm, { status: 'running', run_count: 1 })], runs: [running],
      logs: { [R2]: [logLine(1, 'claimed by worker 1')] } });
    renderAt(`/experiments/${EX}`);
    const log = await screen.findByRole('region', { name: 'Run log' });
    await waitFor(() => expect(FakeEventSource.all).toHaveLength(1));
    const source = FakeEventSource.all[0];
    act(() => source.onerror!());
    expect(source.closed).toBe(true);
    expect(await within(log).findByText('claimed by worker 1')).toBeTruthy();
  });

  it('delete run: a running run is cancelled first; Cancel sends nothing; confirm sends one DELETE', async () => {
    stubEventSource();
    const server = fakeStudio({ experiments: [experiment(EX, 'slower', calm, { run_count: 2 })],
      runs: [trained, run(R2, EX, 'live', { status: 'running', progress: 0.3 })] });
    const user = userEvent.setup();
    renderAt(`/experiments/${EX}`);
    await user.click(within(await runRow('live')).getByRole('button', { name: 'Delete run' }));
    let dialog = await screen.findByRole('dialog', { name: 'Delete this run?' });
    expect(dialog.textContent).toContain('This deletes the run “live” and its logs. The adapter it trained stays.');
    expect(dialog.textContent).toContain('The run is running and will be cancelled first.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(server.deletes()).toHaveLength(0);

    await user.click(within(await runRow('first')).getByRole('button', { name: 'Delete run' }));
    dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).not.toContain('cancelled');
    await user.click(within(dialog).getByRole('button', { name: 'Delete run' }));
    await waitFor(() => expect(screen.queryByText('first')).toBeNull());
    expect(server.deletes().map((d) => d.path)).toEqual([`/api/experiments/${EX}/runs/${R1}`]);
  });

  it('delete experiment: its trained adapters stay; it goes to the trash with Undo', async () => {
    const server = fakeStudio({ experiments: [experiment(EX, 'slower', calm, { run_count: 1 })], runs: [trained] });
    const user = userEvent.setup();
    renderAt(`/experiments/${EX}`);
    await user.click(await screen.findByRole('button', { name: 'Delete experiment' }));
    let dialog = await screen.findByRole('dialog', { name: 'Delete this experiment?' });
    expect(dialog.textContent).toContain('This deletes the experiment and its 1 run; the adapters they trained stay.');
    await user.keyboard('{Escape}');
    expect(server.deletes()).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Delete experiment' }));
    dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete experiment' }));
    expect(await screen.findByText('No experiments yet. Create one below from a dataset.')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toMatch(/^Experiment deleted·Undo/);
    expect(server.state.trashedExperiments.map((e) => e.id)).toEqual([EX]);
  });
});
