import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { fakeServer } from '../test/fakeServer';
import { VOCABULARY } from '../test/vocabulary';
import { GeneratePage } from './GeneratePage';

function renderPage() {
  render(<MemoryRouter><GeneratePage /></MemoryRouter>);
}

describe('Generate page', () => {
  it('offers the server vocabulary: instruments by family, styles, moods and ranges', async () => {
    fakeServer({ 'GET /api/adapters': [200, { items: [], total: 0 }] });
    renderPage();
    const primary = screen.getByLabelText('Primary instruments') as HTMLSelectElement;
    await waitFor(() => expect(primary.disabled).toBe(false));
    const groups = [...primary.querySelectorAll('optgroup')].map((g) => g.label);
    expect(groups).toEqual(['Keys', 'Drums', 'Texture']);
    const drums = primary.querySelector('optgroup[label="Drums"]')!;
    expect([...drums.querySelectorAll('option')].map((o) => o.value)).toEqual(['909-drums', 'kick-drum']);

    const tempo = screen.getByLabelText('Tempo (BPM)') as HTMLInputElement;
    expect([tempo.min, tempo.max]).toEqual(['41', '199']);
    const duration = screen.getByLabelText('Duration (s)') as HTMLInputElement;
    expect(duration.max).toBe('29');
    const temperature = screen.getByLabelText('Temperature') as HTMLInputElement;
    expect([temperature.min, temperature.max]).toEqual(['0.1', '1.9']);
    const samples = screen.getByLabelText('Samples') as HTMLSelectElement;
    expect([...samples.options].map((o) => o.value)).toEqual(['1', '2', '3']);

    expect([...document.querySelectorAll('#styles option')].map((o) => o.getAttribute('value')))
      .toEqual(VOCABULARY.styles.map((s) => s.name));
    expect([...document.querySelectorAll('#moods option')].map((o) => o.getAttribute('value'))).toEqual(['sad', 'calm']);
  });

  it('adds instruments up to the limit and sends them with the prompt', async () => {
    const server = fakeServer({
      'GET /api/adapters': [200, { items: [], total: 0 }],
      'POST /api/prompts': [201, { id: 'p', text: 't', attributes: {}, created_at: '' }],
      'POST /api/generate': [201, { id: 'j', status: 'queued', progress: 0, audio_ids: [], error: null, created_at: '' }],
      'GET /api/generate/j': [200, { id: 'j', status: 'queued', progress: 0, audio_ids: [], error: null, created_at: '' }],
    });
    const user = userEvent.setup();
    renderPage();
    const primary = screen.getByLabelText('Primary instruments') as HTMLSelectElement;
    await waitFor(() => expect(primary.disabled).toBe(false));
    await user.selectOptions(primary, 'organ');
    await user.selectOptions(primary, 'kick-drum');
    // The fixture allows two per list.
    expect(primary.disabled).toBe(true);
    expect(within(screen.getByLabelText('Primary instruments chosen')).getAllByRole('listitem')).toHaveLength(2);
    await user.type(screen.getByLabelText('Prompt'), 'a test');
    await user.click(screen.getByRole('button', { name: 'Generate' }));
    await waitFor(() => expect(server.count('POST', '/api/generate')).toBe(1));
    const prompt = server.requests.find((r) => r.method === 'POST' && r.path === '/api/prompts')!;
    expect((prompt.body as { attributes: { primary_instruments: string[] } }).attributes.primary_instruments)
      .toEqual(['organ', 'kick-drum']);
  }, 20_000);  // a dozen user events: slow on a busy machine

  it('still works as free input when the vocabulary cannot be loaded', async () => {
    fakeServer({ 'GET /api/adapters': [200, { items: [], total: 0 }], 'GET /api/vocabulary': [503, { detail: 'away' }] });
    renderPage();
    const tempo = screen.getByLabelText('Tempo (BPM)') as HTMLInputElement;
    await waitFor(() => expect(screen.getByText('None')).toBeTruthy());
    expect(tempo.max).toBe('');
    expect((screen.getByLabelText('Primary instruments') as HTMLSelectElement).disabled).toBe(true);
  });
});
