// Captures everything a request writes while it runs: the console (every method) and the process's stdout and
// stderr (Powertools' logger and the metrics write there directly). Nothing is passed through.
import { jest } from '@jest/globals';

export async function captureOutput<T>(run: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const keep = (...args: unknown[]) => {
    chunks.push(args.map((a) => (typeof a === 'string' ? a : a instanceof Uint8Array ? Buffer.from(a).toString('utf8') : safeJson(a))).join(' '));
  };
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) => jest.spyOn(console, m).mockImplementation(keep)),
    jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown) => (keep(chunk), true)) as never),
    jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown) => (keep(chunk), true)) as never),
  ];
  try {
    const result = await run();
    return { result, output: chunks.join('\n') };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
