// One cold start, in a fresh Node process: import a bundle until `handler` is exported (timed here, inside the
// process, with performance.now() around the dynamic import), then optionally invoke it once (the first
// invocation: first JWT key import, first DynamoDB connection). Writes one JSON object to the file BENCH_RESULT_FILE
// names.
// Usage: node cold-child.mjs <bundle.mjs|none> [event.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const event = eventFile ? JSON.parse(readFileSync(eventFile, 'utf8')) : undefined;
const context = () => {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:123456789012:function:bench',
    memoryLimitInMB: '1024',
    awsRequestId: `cold-${process.pid}`,
    logGroupName: '/aws/lambda/bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const result = { bootMs: performance.now() };
if (bundle !== 'none') {
  const cpuMs = (u) => (u.user + u.system) / 1000;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const mod = await import(pathToFileURL(bundle).href);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  if (typeof mod.handler !== 'function') throw new Error(`${bundle} exports no handler`);
  result.initMs = t1 - t0;
  // CPU time as well: on a busy machine it moves less than wall time does.
  result.initCpuMs = cpuMs(process.cpuUsage(c0));
  if (event) {
    const answer = await mod.handler(event, context());
    result.firstInvokeMs = performance.now() - t1;
    result.firstInvokeCpuMs = cpuMs(process.cpuUsage(c1));
    result.status = answer?.statusCode;
  }
}
result.totalMs = performance.now();
writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(result));
// Like Lambda after the response: nothing left to wait for (keep-alive sockets would hold the process open).
process.exit(0);
