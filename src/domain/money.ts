/** Minor units to a display string without floating point: 450000 USD → "USD 4,500.00". */
export function formatMoney(amount: number, currency: string): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const negative = amount < 0;
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  const major = text.slice(0, text.length - digits) || '0';
  const minor = digits ? `.${text.slice(text.length - digits)}` : '';
  return `${negative ? '−' : ''}${currency} ${major.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${minor}`;
}
