#!/usr/bin/env bash
# Checks the alerting rules' syntax and runs their unit tests with promtool.
set -euo pipefail
dir="$(dirname "$0")"
promtool check rules "$dir/wirestream.rules.yml"
cd "$dir"
promtool test rules wirestream.rules_test.yml
