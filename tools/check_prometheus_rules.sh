#!/usr/bin/env bash
# deploy/prometheus/depthrec-rules.yml checked by Debian's promtool: `promtool check rules` (the
# syntax and every PromQL expression) and `promtool test rules` on depthrec-rules.test.yml (the
# alerts fire at the seed's limits and stay silent below them). ctest PrometheusRules runs it;
# exit 77 (ctest: skipped) only when promtool is absent (apt-get install prometheus; tools/setup.sh
# installs it, so CI runs it).
set -euo pipefail
cd "$(dirname "$0")/../deploy/prometheus"
if ! command -v promtool >/dev/null; then
  echo "SKIPPED: promtool not installed (apt-get install prometheus)"
  exit 77
fi
promtool check rules depthrec-rules.yml
promtool test rules depthrec-rules.test.yml
