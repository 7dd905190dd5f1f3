import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeStudio } from '../test/fakeServer';
import { adapter, version } from '../test/fixtures';
import { AD, R1 } from '../test/loop';
import { renderAt } from '../test/render';

// The adapter page's versions (Make current, New version) and timeline against fakeStudio.

const V1 = '33333333-3333-4333-8333-333333333333';
const V2 = '44444444-4444-4444-8444-444444444444';

describe('Adapter versions and timeline', () => {
  const studio = () => fakeStudio({ adapters: [adapter(AD, 'lofi', { current_version: '2' })], versions: [
    version(V1, AD, '1', { description: 'first take' }), version(V2, AD, '2', { source: 'training', run_id: R1, is_current: true })] });

  it('lists the versions with the current one marked; Make current calls PATCH …/activate', async () => {
    const server = studio();
    const user = userEvent.setup();
    renderAt(`/adapters/${AD}`);
    const versions = within(await screen.findByRole('region', { name: 'Versions' }));
    const rows = versions.getAllByRole('row').slice(1);
    expect(rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)).map((c) => [c[0], c[1], c[2], c[4]]))
      .toEqual([['1', 'manual', 'first take', ''], ['2', 'training run', '—', 'current']]);
    expect(versions.queryByRole('button', { name: 'Make version 2 current' })).toBeNull();
    await user.click(versions.getByRole('button', { name: 'Make version 1 current' }));
    await waitFor(() => expect(versions.getAllByRole('row')[1].textContent).toContain('current'));
    expect(server.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([`/api/adapters/${AD}/versions/${V1}/activate`]);
    expect(screen.getAllByText('Version').find((e) => e.tagName === 'DT')!.nextElementSibling!.textContent).toBe('1');
  });

  it('New version posts one, which becomes current, and the timeline shows it', async () => {
    const server = studio();
    const user = userEvent.setup();
    renderAt(`/adapters/${AD}`);
    const timeline = within(await screen.findByRole('region', { name: 'Timeline' }));
    expect(timeline.getByText('2 versions · 1 training runs')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'New version' }));
    const form = within(screen.getByRole('form', { name: 'New version' }));
    await user.type(form.getByLabelText('Description'), 'warmer');
    await user.click(form.getByRole('button', { name: 'Add version' }));
    expect(await timeline.findByText('3 versions · 1 training runs')).toBeTruthy();
    expect(server.bodies('POST', `/api/adapters/${AD}/versions`)).toEqual([{ description: 'warmer' }]);
    const last = within(screen.getByRole('region', { name: 'Versions' })).getAllByRole('row').at(-1)!;
    expect(last.textContent).toContain('warmer');
    expect(last.textContent).toContain('current');
  });
});
