/** Number and date formatting for tables and details. Missing or non-finite values read as a dash. */

const DASH = '—';

/** Short form for tables: 4 significant digits, exponent notation for very small or large values. */
export function formatCompact(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return DASH;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e6) return String(Number(value.toPrecision(digits)));
  return trimExponent(value.toExponential(digits - 1));
}

/** Every digit that matters: the shortest text that reads back as exactly this number. */
export function formatFull(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  return String(value);
}

/** Axis ticks: as short as the value allows. */
export function formatTick(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e5) return String(Number(value.toPrecision(6)));
  return trimExponent(value.toExponential(2));
}

function trimExponent(text: string): string {
  // 1.500e-7 → 1.5e-7, 1.000e+6 → 1e6
  const [mantissa, exponent] = text.split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return `${trimmed}e${exponent.replace('+', '')}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** "14:03:12" for today, "Nov 28, 2025, 2:03 PM" otherwise. */
export function formatDate(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay =
    date.getFullYear() === now.getFullYear() && date.getMonth() === now.getMonth() && date.getDate() === now.getDate();
  return sameDay ? timeFormat.format(date) : dateFormat.format(date);
}

export function formatInteger(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return value.toLocaleString();
}

/** A file's size for messages: KB below a megabyte, else MB with one decimal. */
export function formatSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${formatInteger(Math.max(1, Math.round(bytes / 1024)))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
