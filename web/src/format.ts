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

// A size in bytes for people: decimal units (1 kB = 1000 B), three significant digits.
export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 999.5 && i < units.length - 1) { n /= 1000; i++; }
  return i === 0 ? `${n} B` : `${n.toPrecision(3).replace(/\.?0+$/, '')} ${units[i]}`;
}

// A number of seconds as "45 s", "30 min", "1 h", "2 d".
export function interval(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} d`;
}

export const date = (iso: string) => new Date(iso).toLocaleDateString();
