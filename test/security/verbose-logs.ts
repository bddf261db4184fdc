// Imported first by the security suites, before any module of the service loads: every log level on, so that
// "nothing leaks into the logs" is checked against everything the service would log.
process.env.LOG_LEVEL = 'debug';
