#!/usr/bin/env bash
# The full test suite on a fresh machine: installs what it needs, builds the library with jsii,
# runs the TypeScript tests, builds the Python wheel and tests it for real, builds the Java and Go
# packages and checks that the single-account example makes one template in all four languages,
# compares the pattern engine with aws/event-ruler, lints every synthesized template, and fails on
# a dirty tree (a stale API.md or snapshot). README: `npm run test:all`. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
mkdir -p .tmp

passed=0
failed=0
step() { echo; echo "=== test-all: $*"; }
count() { passed=$((passed + $1)); failed=$((failed + $2)); }

step "toolchain"
need_debian_packages
need_node_modules

step "projen synth (project files must be current)"
npx projen default

step "jsii compile and API.md"
npx projen compile
npx projen docgen
# `npx cdk-iam-change-alerts` runs the bin by path: it must be executable without npm linking it again.
[ -x lib/cli/main.js ] || { echo "test-all: lib/cli/main.js is not executable after compile (see compileTask in .projenrc.ts)"; exit 1; }

step "jsii compile on Node.js 22 too (npm package node@22)"
npm exec --yes --package=node@22 -- node -e 'if (!process.version.startsWith("v22.")) { console.error("not Node.js 22: " + process.version); process.exit(1); }'
npm exec --yes --package=node@22 -- node node_modules/jsii/bin/jsii --silence-warnings=reserved-word

step "jest (snapshots frozen) and eslint"
if npx projen test --json --outputFile=.tmp/jest-results.json; then jest_ok=1; else jest_ok=0; fi
read -r jp jf < <(node -e 'const r=require("./.tmp/jest-results.json");console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites)')
count "$jp" "$jf"
echo "jest: $jp passed, $jf failed"
[ "$jest_ok" = 1 ] || { echo "test-all: jest or eslint failed"; exit 1; }

step "Python wheel (jsii-pacmak) and pytest against it"
rm -rf dist/python
npx projen package:python
wheel=$(ls dist/python/*.whl)
if [ -n "${CI:-}" ] || [ ! -x .tmp/venv/bin/python ]; then
  rm -rf .tmp/venv
  python3 -m venv .tmp/venv
  .tmp/venv/bin/pip install -q --upgrade pip
fi
.tmp/venv/bin/pip install -q --force-reinstall --no-deps "$wheel"
.tmp/venv/bin/pip install -q "$wheel" -r test-python/requirements.txt
npx ts-node --project tsconfig.dev.json test-python/export-iam-pattern-cases.ts .tmp/iam-pattern-cases.json
npx ts-node --project tsconfig.dev.json test-python/export-alerting-templates.ts .tmp/alerting-templates.json
npx ts-node --project tsconfig.dev.json test-python/export-cloudtrail-query-cases.ts .tmp/cloudtrail-query-cases.json
.tmp/venv/bin/python -m pytest test-python -q -p no:cacheprovider --junitxml=.tmp/pytest.xml
junit_counts() { python3 -c 'import sys,xml.etree.ElementTree as E;s=E.parse(sys.argv[1]).getroot();s=s if s.tag=="testsuite" else s[0];t=int(s.get("tests"));f=int(s.get("failures"))+int(s.get("errors"));k=int(s.get("skipped"));print(t-f-k,f)' "$1"; }
read -r pp pf < <(junit_counts .tmp/pytest.xml)
count "$pp" "$pf"

step "Java and Go bindings (jsii-pacmak): the single-account example from TypeScript, Python, Java and Go, one template"
need_go
lang_out=.tmp/languages
rm -rf "$lang_out" dist/java dist/go
(cd examples/single-account && CDK_OUTDIR="$PWD/../../$lang_out/typescript" TS_NODE_TRANSPILE_ONLY=true npx ts-node --prefer-ts-exts app.ts)
(cd examples/single-account && CDK_OUTDIR="$PWD/../../$lang_out/python" ../../.tmp/venv/bin/python app.py)
# Java: package:java's own pacmak call builds in a throwaway Maven repository; this one builds in the
# local repository the app reads, so dependencies are fetched once and the app never runs a stale 0.0.0.
m2="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
npx jsii-pacmak --target java --maven-local-repository="$m2"
(cd test-java && CDK_OUTDIR="$PWD/../$lang_out/java" mvn -q -B -Dmaven.repo.local="$m2" compile exec:java)
# Go: the generated module, built and run by the app through its replace directive (test-go/go.mod).
npx projen package:go
(cd test-go && CDK_OUTDIR="$PWD/../$lang_out/go" go run .)
for lang in python java go; do
  if cmp "$lang_out/typescript/IamChangeAlerts.template.json" "$lang_out/$lang/IamChangeAlerts.template.json"; then
    echo "$lang: IamChangeAlerts.template.json byte-identical to TypeScript's"
    count 1 0
  else
    diff <(python3 -m json.tool "$lang_out/typescript/IamChangeAlerts.template.json") <(python3 -m json.tool "$lang_out/$lang/IamChangeAlerts.template.json") | head -40 || true
    count 0 1
  fi
done

step "cfn-lint over every configuration the tests build (warnings fail too)"
npx ts-node --project tsconfig.dev.json test/compliance/synth-all-configurations.ts .tmp/templates
.tmp/venv/bin/cfn-lint --non-zero-exit-code warning -- .tmp/templates/*.json
echo "cfn-lint: $(ls .tmp/templates/*.json | wc -l) templates, no findings"

step "end to end on moto's server (127.0.0.1 only): member event to central alert"
.tmp/venv/bin/python -m pytest test/e2e -q -p no:cacheprovider --junitxml=.tmp/e2e.xml
read -r ep ef < <(junit_counts .tmp/e2e.xml)
count "$ep" "$ef"

step "differential check against aws/event-ruler"
npx projen event-ruler:build
# A fixed seed keeps CI reproducible; run the task without --seed to explore new inputs.
npx projen test:differential --seed 517441829 | tee .tmp/differential.log
read -r dp df < <(sed -n 's/^differential: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' .tmp/differential.log | tail -1)
count "${dp:-0}" "${df:-1}"

step "duckdb SQL over CloudTrail files (DuckDB from npm): the engine's matches, record for record, 10,000+ generated patterns"
npx projen test:query-proof | tee .tmp/query-proof.log
read -r sp sf < <(sed -n 's/^query-proof: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' .tmp/query-proof.log | tail -1)
count "${sp:-0}" "${sf:-1}"

step "athena and cloudtrail-lake SQL on a real Trino (127.0.0.1 only): the engine's matches, record for record"
# Trino (Athena engine version 3's engine) from Maven Central into .tmp/trino, stopped on any exit.
bash test/query-trino/trino-server.sh start .tmp/trino
trap 'bash test/query-trino/trino-server.sh stop .tmp/trino' EXIT
npx ts-node --project tsconfig.dev.json test/query-trino/run.ts --budget 180 | tee .tmp/query-trino.log
bash test/query-trino/trino-server.sh stop .tmp/trino
trap - EXIT
read -r qp qf < <(sed -n 's/^query-trino: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' .tmp/query-trino.log | tail -1)
count "${qp:-0}" "${qf:-1}"

step "integration snapshots (integ-runner, synthesis only)"
npx projen integ

step "the README's main command, exactly as written"
npm run demo

step "the tree is clean after the build (API.md, snapshots, generated files)"
if [ -n "$(git status --porcelain)" ]; then
  git status --porcelain
  git --no-pager diff --stat
  echo "test-all: the build changed tracked files or left untracked ones: commit them (npx projen build locally)"
  exit 1
fi

echo
echo "test-all: $passed passed, $failed failed"
[ "$failed" = 0 ]
