// Before any module of a test file loads: Powertools writes through the global console (so tests can read the
// logs), and EMF metric lines stay out of the test output.
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
