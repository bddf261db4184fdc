// N invocations of an emitter bundle in one process after a warm-up: CPU time (user + system) per invocation.
// Writes one JSON object to the file BENCH_RESULT_FILE names; its stdout (the emitted lines) goes nowhere.
// Usage: node warm-child.mjs <bundle.mjs> <invocations>
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, count] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
const context = (i) => ({
  functionName: 'bench',
  awsRequestId: `warm-${i}`,
  memoryLimitInMB: '1024',
  invokedFunctionArn: 'arn:aws:lambda:local:123456789012:function:bench',
});
for (let i = 0; i < 500; i++) await handler({}, context(i));
const n = Number(count);
const c0 = process.cpuUsage();
for (let i = 0; i < n; i++) await handler({}, context(i));
const c = process.cpuUsage(c0);
writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify({ cpuMicrosPerInvocation: (c.user + c.system) / n }));
process.exit(0);
