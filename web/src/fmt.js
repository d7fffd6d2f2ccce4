// Number and date formatting for the explorer (money arrives as dollars
// with two decimals, computed from integer cents by the server).
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2, minimumFractionDigits: 2 });
const usd0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
export const money = (v) => (v === null || v === undefined ? '' : usd.format(v));
export function short(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(1) + 'B';
  if (a >= 1e6) return (v / 1e6).toFixed(1) + 'M';
  if (a >= 1e3) return (v / 1e3).toFixed(0) + 'k';
  return usd0.format(v).replace('$', '');
}
export const int = (v) => (v === null || v === undefined ? '' : Number(v).toLocaleString('en-US'));
export const span = (a, b) => (a && b && a !== b ? `${a} – ${b}` : a || b || '');
