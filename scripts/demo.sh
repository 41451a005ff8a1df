#!/usr/bin/env bash
# The README's main command (`npm run demo`): synthesizes the three example apps in examples/ (no AWS
# account, no credentials, no network once the npm packages are installed), compiles the package and
# runs its command line's `preview` on the first two with the bundled CloudTrail sample events: the
# alerts their EventBridge rules would send (the library's own event-pattern engine and
# input-transformer renderer, events forwarded by member accounts followed to the central rules),
# then prints the Access Analyzer request of the third example. Exits non-zero on any failure. Outputs go to .tmp/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh

OUT=.tmp/demo
EXAMPLES=(single-account organization access-analyzer)

heading() { if [ -t 1 ]; then printf '\n\033[1m%s\033[0m\n' "$*"; else printf '\n%s\n' "$*"; fi; }
elapsed() { printf '%d.%d s' $(($1 / 10)) $(($1 % 10)); }
now() { date +%s%N | cut -c1-11; } # tenths of a second

started=$(now)
need_node_modules

heading "1/3 Synthesize the example apps (what \`npx cdk synth\` does in each folder)"
rm -rf "$OUT"
mkdir -p "$OUT"
for example in "${EXAMPLES[@]}"; do
  # Each app runs through the command of its own cdk.json, as the CDK CLI would run it, writing its
  # cloud assembly to CDK_OUTDIR. Type-checking is left to the test suite (test/examples): ts-node
  # only transpiles here, which is several times faster.
  app_command=$(node -p "require('./examples/$example/cdk.json').app")
  t0=$(now)
  (cd "examples/$example" && CDK_OUTDIR="$PWD/../../$OUT/$example" TS_NODE_TRANSPILE_ONLY=true sh -c "$app_command")
  templates=$(cd "$OUT/$example" && ls ./*.template.json | sed 's|^\./||' | tr '\n' ' ')
  printf '  %-16s examples/%s/app.ts -> %s/%s: %s(%s)\n' "$example" "$example" "$OUT" "$example" "$templates" "$(elapsed $(($(now) - t0)))"
done

heading "2/3 Compile the package and preview the alerts on the bundled CloudTrail events (\`preview\`)"
t0=$(now)
npx projen compile >/dev/null
printf '  npx projen compile (%s)\n' "$(elapsed $(($(now) - t0)))"
for example in single-account organization; do
  echo
  echo "  \$ npx cdk-iam-change-alerts preview $OUT/$example --limit 1"
  npx cdk-iam-change-alerts preview "$OUT/$example" --limit 1 | sed 's/^/  /'
done

heading "3/3 Access Analyzer: the StartPolicyGeneration request for a member role (examples/access-analyzer)"
echo "  npx ts-node policy-generation-request.ts arn:aws:iam::333333333333:role/payments-api > request.json"
npx ts-node --transpile-only examples/access-analyzer/policy-generation-request.ts arn:aws:iam::333333333333:role/payments-api \
  | sed 's/^/  /'
echo "  aws accessanalyzer start-policy-generation --cli-input-json file://request.json   # in account 333333333333"

heading "Done in $(elapsed $(($(now) - started)))"
cat <<'NEXT'
  Next: read examples/README.md, then deploy one (`cd examples/single-account && npx cdk deploy`).
  The same single-account app in Python is examples/single-account/app.py (tested against the built
  wheel by test-python/test_examples.py in `npm run test:all`).
NEXT
