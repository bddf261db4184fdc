// Imported first by the security suites: every log level on, so that "nothing leaks into the logs" is checked
// against everything the service would log (test/support/services.ts reads TEST_LOG_LEVEL).
process.env.TEST_LOG_LEVEL = 'debug';
