import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeStudio } from '../test/fakeServer';
import { adapter, experiment, run } from '../test/fixtures';
import { AD, calm, DS, EX, FEEDBACK, R1, row } from '../test/loop';
import { renderAt } from '../test/render';

// The Datasets pages against fakeStudio: the live preview count, create, stats, export, delete.

describe('Datasets page', () => {
  it('the preview count follows the filter, asked once the typing has settled', async () => {
    const server = fakeStudio({ feedback: FEEDBACK });
    const user = userEvent.setup();
    renderAt('/datasets');
    expect(await screen.findByText('No datasets yet. Create one below from the feedback given so far.')).toBeTruthy();
    const form = within(screen.getByRole('form', { name: 'New dataset' }));
    expect(await form.findByText('4 feedback records match')).toBeTruthy();
    await user.selectOptions(form.getByLabelText('Min rating'), '4');
    expect(await form.findByText('3 feedback records match')).toBeTruthy();
    await user.type(form.getByLabelText('Required tags'), 'calm');
    expect(await form.findByText('2 feedback records match')).toBeTruthy();
    await user.type(form.getByLabelText('Excluded tags'), 'noisy');
    expect(await form.findByText('1 feedback record matches')).toBeTruthy();
    // Typing "calm" and "noisy" letter by letter asked for no half-typed tag.
    const asked = server.bodies('POST', '/api/datasets/preview').map((b) => b.filter_query);
    expect(asked.some((f) => f.required_tags?.[0] === 'cal' || f.excluded_tags?.[0] === 'nois')).toBe(false);
    expect(asked[asked.length - 1]).toEqual({ min_rating: 4, required_tags: ['calm'], excluded_tags: ['noisy'] });

    await user.selectOptions(form.getByLabelText('Type'), 'preference');
    expect(await form.findByText('No preference feedback matches this filter.')).toBeTruthy();
    await user.type(form.getByLabelText('Name'), 'calm pairs');
    expect(form.getByRole('button', { name: 'Create dataset' })).toHaveProperty('disabled', true);
  });

  it('creates a dataset from the filter and lists it', async () => {
    const server = fakeStudio({ feedback: FEEDBACK, adapters: [adapter(AD, 'lofi')] });
    const user = userEvent.setup();
    renderAt('/datasets');
    const form = within(await screen.findByRole('form', { name: 'New dataset' }));
    await user.type(form.getByLabelText('Name'), 'calm likes');
    await user.type(form.getByLabelText('Required tags'), 'calm, noisy ');
    await user.selectOptions(form.getByLabelText('Adapter'), AD);
    await user.click(form.getByRole('button', { name: 'Create dataset' }));
    const r = await row('calm likes');
    expect(within(r).getAllByRole('cell').map((c) => c.textContent).slice(0, 4)).toEqual([
      'calm likes', 'supervised', '1', 'with calm, noisy · adapter lofi']);
    expect(server.bodies('POST', '/api/datasets')).toEqual([
      { name: 'calm likes', type: 'supervised', filter_query: { required_tags: ['calm', 'noisy'], adapter_id: AD } }]);
  });

  it('shows the server detail when the filter matches nothing', async () => {
    fakeStudio({ feedback: FEEDBACK }, { 'POST /api/datasets/preview': [200, { count: 3 }] });
    const user = userEvent.setup();
    renderAt('/datasets');
    const form = within(await screen.findByRole('form', { name: 'New dataset' }));
    await user.type(form.getByLabelText('Name'), 'nothing');
    await user.type(form.getByLabelText('Required tags'), 'none-such');
    await form.findByText('3 feedback records match');
    await user.click(form.getByRole('button', { name: 'Create dataset' }));
    expect((await form.findByRole('alert')).textContent).toBe('The filter matches no feedback');
  });
});

describe('Dataset detail', () => {
  const studio = () => {
    const s = fakeStudio({ feedback: FEEDBACK, experiments: [experiment(EX, 'first try', calm)], runs: [run(R1, EX, 'r1')] });
    s.state.datasets.push(calm);
    s.state.members[DS] = ['f1', 'f2'];
    return s;
  };

  it('shows the stats with the rating chart, the tags and the agreement figures', async () => {
    studio();
    renderAt(`/datasets/${DS}`);
    expect(await screen.findByRole('heading', { name: 'calm likes' })).toBeTruthy();
    expect(screen.getByText('rating 4–5 · with calm')).toBeTruthy();
    const stats = within(await screen.findByRole('region', { name: 'Dataset stats' }));
    expect(stats.getByText('Unique prompts').nextElementSibling!.textContent).toBe('2');
    expect(stats.getByText('Inter-rater agreement').nextElementSibling!.textContent).toBe('80%');
    expect(stats.getByText('Preference consistency').nextElementSibling!.textContent).toBe('not enough overlap to tell');
    const chart = screen.getByRole('figure', { name: 'Ratings in this dataset' });
    expect([...chart.querySelectorAll('tbody tr')].map((r) => r.textContent)).toEqual(['1★0', '2★0', '3★0', '4★1', '5★1']);
    expect(within(screen.getByRole('region', { name: 'Tags' })).getAllByRole('listitem').map((li) => li.textContent))
      .toEqual(['calm · 2', 'noisy · 1']);
  });

  it('exports to a download link in the chosen format', async () => {
    const server = studio();
    const user = userEvent.setup();
    renderAt(`/datasets/${DS}`);
    const form = within(await screen.findByRole('form', { name: 'Export' }));
    await user.selectOptions(form.getByLabelText('Format'), 'csv');
    await user.click(form.getByRole('button', { name: 'Export' }));
    const link = await form.findByRole('link', { name: 'Download csv (2 records)' });
    expect(link.getAttribute('href')).toBe(`/api/datasets/${DS}/download?format=csv`);
    expect(server.bodies('POST', `/api/datasets/${DS}/export`)).toEqual([{ format: 'csv' }]);
  });

  it('delete: the dialog counts the experiments and runs; Cancel changes nothing; confirm trashes it, with Undo', async () => {
    const server = studio();
    const user = userEvent.setup();
    renderAt(`/datasets/${DS}`);
    await user.click(await screen.findByRole('button', { name: 'Delete dataset' }));
    let dialog = await screen.findByRole('dialog', { name: 'Delete this dataset?' });
    expect(dialog.textContent).toContain("1 experiment uses it; its 1 run will show 'Deleted Dataset', and no new run can train on it.");
    expect(dialog.textContent).toContain('Its 2 members stay as feedback. It goes to the trash and can be restored.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(server.deletes()).toHaveLength(0);
    expect(screen.getByRole('heading', { name: 'calm likes' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Delete dataset' }));
    dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete dataset' }));
    expect(await screen.findByText('No datasets yet. Create one below from the feedback given so far.')).toBeTruthy();
    expect(server.deletes().map((d) => d.path)).toEqual([`/api/datasets/${DS}`]);
    await user.click(within(screen.getByRole('status')).getByRole('button', { name: 'Undo' }));
    expect(await screen.findByRole('link', { name: 'calm likes' })).toBeTruthy();
    expect(server.count('POST', `/api/datasets/${DS}/restore`)).toBe(1);
  });
});
