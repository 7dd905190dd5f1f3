import { act, screen } from '@testing-library/react';
import { vi } from 'vitest';
import type { Feedback } from '../api';
import { dataset, feedback } from './fixtures';

// Shared by the section 8 page tests: ids, feedback to build datasets from,
// a dataset, row finders, and an EventSource for jsdom.

export const AD = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
export const DS = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
export const EX = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
export const R1 = '11111111-1111-4111-8111-111111111111';
export const R2 = '22222222-2222-4222-8222-222222222222';

const tagged = (f: Feedback, ...tags: string[]) => ({ ...f, tags });
// Four rated records and one preference.
export const FEEDBACK: Feedback[] = [
  tagged(feedback('f1', 's1', 5), 'calm'), tagged(feedback('f2', 's2', 4), 'calm', 'noisy'), tagged(feedback('f3', 's3', 2)),
  tagged(feedback('f4', 's4', 5), 'warm'), { ...feedback('f5', 's5', 0), rating: null, preferred_over: 's6' },
];
export const calm = dataset(DS, 'calm likes', { sample_count: 2, filter_query: { min_rating: 4, required_tags: ['calm'] } });

// The table row holding `text`.
export const row = async (text: string) => (await screen.findByText(text)).closest('tr')!;
// A run's row: its name is a button that selects it (the selected run's name is its panel's heading too).
export const runRow = async (name: string) => (await screen.findByRole('button', { name })).closest('tr')!;

// EventSource for jsdom: a test delivers `log` and `done` events by hand.
export class FakeEventSource {
  static all: FakeEventSource[] = [];
  listeners = new Map<string, ((e: MessageEvent) => void)[]>();
  closed = false;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) { FakeEventSource.all.push(this); }
  addEventListener(type: string, fn: (e: MessageEvent) => void) { this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]); }
  close() { this.closed = true; }
  emit(type: string, data: unknown) {
    if (this.closed) return;
    act(() => { for (const fn of this.listeners.get(type) ?? []) fn(new MessageEvent(type, { data: JSON.stringify(data) })); });
  }
}
export function stubEventSource() {
  FakeEventSource.all = [];
  vi.stubGlobal('EventSource', FakeEventSource);
}
export const logLine = (seq: number, message: string) => ({ seq, timestamp: new Date().toISOString(), message });
