#!/usr/bin/env bash
# Runs every benchmark and prints the figures (a few minutes; the scale run is the longest).
set -euo pipefail
cd "$(dirname "$0")"
for s in village-vs-nginx page-weight intake cache-writes scale comparison province islands draw-fairness; do
  echo "################ $s"
  bash "$s.sh"
done
