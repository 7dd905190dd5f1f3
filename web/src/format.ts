// Small display helpers shared by the pages.

export const sampleLabel = (index: number) => String.fromCharCode(65 + index);

export const shortId = (id: string) => id.slice(0, 8);

export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export const dateTime = (iso: string) => new Date(iso).toLocaleString();

export const percent = (p: number) => `${Math.round(p * 100)}%`;

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
