#!/usr/bin/env bash
# 2. Page weight: compressed transfer size of the public pages and the requests each needs.
source "$(dirname "$0")/common.sh"
need curl
build_release
WORK="$(mktemp -d)"; trap 'stop_server; rm -rf "$WORK"' EXIT
PORT="$(free_port)"; mkdir -p "$WORK/data"
start_server "$WORK/data" "$PORT" --demo
B="http://127.0.0.1:$PORT"
BATCH=$(curl -s "$B/v/530621103201" | grep -o 'href="/p/[0-9]*"' | head -1 | grep -o '[0-9]*')
printf "%-14s %10s %10s %10s %9s\n" page raw_bytes gzip_bytes br_bytes requests
for path in / /v/530621103201 "/p/$BATCH" /report /track /stats /policy/who-qualifies; do
  raw=$(curl -s -H 'Accept-Encoding: identity' "$B$path" | wc -c)
  gz=$(curl -s -H 'Accept-Encoding: gzip' "$B$path" | wc -c)
  br=$(curl -s -H 'Accept-Encoding: br' "$B$path" | wc -c)
  # Sub-resources a browser must fetch: stylesheets, scripts, images that are not data: URIs.
  subs=$(curl -s "$B$path" | grep -oE '<(link[^>]+rel="stylesheet"|script[^>]+src=|img[^>]+src="/)' | wc -l)
  printf "%-14s %10s %10s %10s %9s\n" "$path" "$raw" "$gz" "$br" "$((1 + subs))"
done
css=$(curl -s "$B/" | grep -o '/static/style-[0-9a-f]*\.css')
echo "stylesheet $css: $(curl -s -H 'Accept-Encoding: identity' "$B$css" | wc -c) raw, $(curl -s -H 'Accept-Encoding: br' "$B$css" | wc -c) br (cached for a year after the first page)"
