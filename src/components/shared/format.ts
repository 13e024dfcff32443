/** Small display formatters shared by the elements. @internal */

/** "512 B", "940 kB", "44.0 MB", "1.50 GB" (decimal units, as download sizes are usually quoted). */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}
