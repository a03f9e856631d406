// Progress for long steps: a live timer on a terminal, a line every 10 s otherwise.
export async function withProgress<T>(label: string, work: Promise<T>, write: (s: string) => void = (s) => process.stderr.write(s)): Promise<T> {
  const t0 = Date.now();
  const tty = process.stderr.isTTY;
  const secs = () => ((Date.now() - t0) / 1000).toFixed(0);
  const timer = setInterval(() => (tty ? write(`\r  … ${label} ${secs()} s`) : write(`  … ${label} ${secs()} s\n`)), tty ? 500 : 10_000);
  try {
    const v = await work;
    if (tty) write(`\r\x1b[K`);
    return v;
  } finally {
    clearInterval(timer);
  }
}
