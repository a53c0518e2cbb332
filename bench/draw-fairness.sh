#!/usr/bin/env bash
# 6. Fairness of the public draws (docs/draws.md): over 100,000 simulated review panels and
#    spot-checks (or DRAWS), each non-required member's inclusion frequency against its exact
#    chance (§7.3), and the largest deviation. No server, no database.
source "$(dirname "$0")/common.sh"
build_release
"$BIN" bench draw-fairness --draws "${DRAWS:-100000}"
