#!/usr/bin/env sh
# `npm run synth [-- -c stage=prod ...]`: synthesize the CDK app into cdk.out/, offline.
# esbuild bundles the handlers locally (no Docker); nothing here needs AWS credentials or the network.
set -eu
cd "$(dirname "$0")/.."
# No instance-metadata probe for credentials/region on a machine that has none (it would only time out).
export AWS_EC2_METADATA_DISABLED=true
# No CLI telemetry or notices fetch: the synth must not depend on reaching the internet.
export CDK_DISABLE_CLI_TELEMETRY=true
# --quiet: the template goes to cdk.out/<stack>.template.json, not to the terminal.
exec npx --no-install cdk synth --no-notices --quiet "$@"
