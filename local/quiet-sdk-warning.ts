// Imported first by the local CLIs, for its side effect. On Node 20 the AWS SDK warns, once per process, that its
// releases from 2027 on need Node 22 (Lambda runs 22; docs/operations.md says so). True, but in `npm start` and
// `npm run invoke` it only pushes the ready line, a one-line error or the result off the screen; every other
// warning still shows.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
  if (String(warning).startsWith('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

export {};
