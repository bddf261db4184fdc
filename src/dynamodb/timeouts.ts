// How long one DynamoDB request may take and how often it is tried (docs/operations.md, "Timeouts and retries"):
// apart from the client so that the settings can be read without loading the AWS SDK.
export const DYNAMODB_TIMEOUTS = { connectionTimeout: 500, requestTimeout: 1500, maxAttempts: 3 } as const;
