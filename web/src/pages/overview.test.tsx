import { act, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { fakeStudio } from '../test/fakeServer';
import { adapter, job } from '../test/fixtures';
import { calm, FEEDBACK, AD } from '../test/loop';
import { renderAt } from '../test/render';
import { OVERVIEW_REFRESH_MS } from './OverviewPage';

// The Overview page against fakeStudio: the pipeline counts, quick stats, charts and the refresh.

describe('Overview page', () => {
  it('shows the pipeline with live counts linked to their pages, the quick stats and the feedback charts', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { state } = fakeStudio({ jobs: [job('j1', 'a', { audio_ids: ['s1', 's2'] }), job('j2', 'b', { status: 'processing' })],
      adapters: [adapter(AD, 'lofi')], feedback: FEEDBACK, datasets: [calm] });
    renderAt('/overview');
    const generation = await screen.findByRole('link', { name: 'Generation: 2 jobs, 1 completed · 1 active' });
    expect(generation.getAttribute('href')).toBe('/jobs');
    expect(screen.getByRole('link', { name: /^Feedback: 5 records/ }).getAttribute('href')).toBe('/feedback');
    expect(screen.getByRole('link', { name: 'Datasets: 1 datasets, 0 exported' }).getAttribute('href')).toBe('/datasets');
    expect(screen.getByRole('link', { name: 'Training: 0 runs, 0 running' }).getAttribute('href')).toBe('/experiments');
    const stats = within(screen.getByRole('region', { name: 'Quick stats' }));
    expect(stats.getByText('Average rating').nextElementSibling!.textContent).toBe('4.00');
    expect(stats.getByText('Active adapters').nextElementSibling!.textContent).toBe('1 of 1');
    expect(stats.getByText('Samples').nextElementSibling!.textContent).toBe('2');

    const ratings = await screen.findByRole('figure', { name: 'Rating distribution' });
    const cells = [...ratings.querySelectorAll('tbody tr')].map((r) => r.textContent);
    expect(cells).toEqual(['1★0', '2★1', '3★0', '4★1', '5★2']);
    expect(screen.getByRole('figure', { name: 'Feedback by adapter' }).querySelector('tbody')!.textContent).toBe('Base engine54.00');
    expect(screen.getByText('1 preference comparisons · 3 tagged records')).toBeTruthy();

    // A new job shows at the next refresh.
    state.jobs.push(job('j3', 'c'));
    await act(() => vi.advanceTimersByTimeAsync(OVERVIEW_REFRESH_MS));
    expect(await screen.findByRole('link', { name: 'Generation: 3 jobs, 2 completed · 1 active' })).toBeTruthy();
  });
});
