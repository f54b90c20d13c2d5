// How times, amounts and countdowns read everywhere in the console: in UTC, as the API and the ledger keep them.

const dateTime = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const at = (iso: string | null | undefined): string => (iso ? `${dateTime.format(new Date(iso))} UTC` : '—');

export const amount = (value: number | null | undefined, currency?: string | null): string =>
  value === null || value === undefined ? '—' : `${number.format(value)}${currency ? ` ${currency}` : ''}`;

export const percent = (ratio: number | null | undefined): string => (ratio === null || ratio === undefined ? '—' : `${Math.round(ratio * 100)} %`);

/** "in 3 h 12 min", "12 min overdue": from a due time and the clock the API last reported. */
export function countdown(dueIso: string, now: Date): string {
  const minutes = Math.round((new Date(dueIso).getTime() - now.getTime()) / 60_000);
  const span = (m: number) => (m >= 2 * 24 * 60 ? `${Math.round(m / (24 * 60))} days` : m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`);
  return minutes >= 0 ? `in ${span(minutes)}` : `${span(-minutes)} overdue`;
}

/** A camelCase or kebab-case name from the API, as words. */
export const words = (name: string): string =>
  name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/-/g, ' ').replace(/^./, c => c.toUpperCase());

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "27 Nov": a chart's axis. */
export const dayOf = (iso: string): string => day.format(new Date(iso));

/** An ISO 8601 duration from the API (P2D, PT4H, P1DT12H) in words. */
export function duration(iso: string): string {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:[\d.]+S)?)?$/.exec(iso);
  if (!m) return iso;
  const parts = [m[1] && `${m[1]} day${m[1] === '1' ? '' : 's'}`, m[2] && `${m[2]} h`, m[3] && `${m[3]} min`].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '0 min';
}
