#!/usr/bin/env bash
# 7. A village page while the county works (issue #21): the same page under wrk (64 connections,
#    gzip) with nobody writing, while 5 valid reports a second are sent, and while a township
#    officer publishes a list for that village every 2 s (create, add an entry, publish: three
#    writes a cycle). Prints req/s and p99 for each, and how many writes were stored.
#    SUNSHINE_BIN=path/to/sunshine benchmarks another build (e.g. an older commit) instead.
#    DURATION (seconds per phase, default 15); PHASES (default "none reports publishes").
source "$(dirname "$0")/common.sh"
need wrk curl python3
build_release
WORK="$(mktemp -d)"
WRITER_PID=""
cleanup() {
  [ -n "$WRITER_PID" ] && kill "$WRITER_PID" 2>/dev/null
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
D="${DURATION:-15}"
C=64
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
mkdir -p "$WORK/data"
start_server "$WORK/data" "$PORT" --demo
VILLAGE=530621103201 # 龙泉村, 龙头山镇: demo.longtoushan may publish there
URL="$BASE/v/$VILLAGE"
VILLAGE_ID=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT id FROM regions WHERE code='$VILLAGE'\").fetchone()[0])" "$WORK/data/sunshine.db")

# Paces a writer: sleeps until `start + n * step` seconds (EPOCHREALTIME, microseconds).
pace() {
  local start_us="$1" n="$2" step_ms="$3" now_us wait_us
  now_us=${EPOCHREALTIME/./}
  wait_us=$(( start_us + n * step_ms * 1000 - now_us ))
  [ "$wait_us" -gt 0 ] && sleep "$(printf '%d.%06d' $((wait_us / 1000000)) $((wait_us % 1000000)))"
  return 0
}

# Runs until the deadline: one valid report every 0.2 s (5/s), each with a fresh form token.
reports() {
  local start_us=${EPOCHREALTIME/./} ok=0 n=0 token code
  while [ "$n" -lt $((D * 5)) ]; do
    n=$((n + 1))
    token=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Sec-Fetch-Site: same-origin' \
      --data-urlencode "token=$token" --data-urlencode category=other \
      --data-urlencode "place=v:$VILLAGE" --data-urlencode "body=村里有人不符合条件却享受低保，请核实。" \
      "$BASE/report")
    [ "$code" = 303 ] && ok=$((ok + 1))
    pace "$start_us" "$n" 200
  done
  echo "$ok" >"$WORK/writes"
}

csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//'; }

# Runs until the deadline: every 2 s a new review list for the village, one entry, published.
publishes() {
  local jar="$WORK/jar" ok=0 n=0
  local csrf id
  csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/staff/login" | csrf_of)
  curl -s -o /dev/null -c "$jar" -b "$jar" -H 'Sec-Fetch-Site: same-origin' \
    --data-urlencode "csrf=$csrf" --data-urlencode username=demo.longtoushan \
    --data-urlencode password=sunshine-demo-2026 "$BASE/staff/login"
  csrf=$(curl -s -b "$jar" "$BASE/staff" | csrf_of)
  post() { curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$jar" -H 'Sec-Fetch-Site: same-origin' --data-urlencode "csrf=$csrf" "$@"; }
  local start_us=${EPOCHREALTIME/./}
  while [ "$n" -lt $((D / 2)) ]; do
    n=$((n + 1))
    id=$(post --data-urlencode "village=$VILLAGE_ID" --data-urlencode kind=review \
      --data-urlencode "opens_on=$(date +%F)" --data-urlencode days=7 "$BASE/staff/publicity" \
      | sed 's#.*/staff/publicity/##')
    # Names are letters only (the import rules).
    post --data-urlencode "head_name=端木新户" --data-urlencode persons=2 --data-urlencode amount=700 \
      --data-urlencode category=一般保障 --data-urlencode change=新增 "$BASE/staff/publicity/$id/entries" >/dev/null
    [ "$(post "$BASE/staff/publicity/$id/publish" | cut -d' ' -f1)" = 303 ] && ok=$((ok + 1))
    pace "$start_us" "$n" 2000
  done
  echo "$ok" >"$WORK/writes"
}

# phase NAME WRITER: wrk on the village page while WRITER (or nothing) runs.
phase() {
  local name="$1" writer="$2"
  echo 0 >"$WORK/writes"
  if [ "$writer" != none ]; then "$writer" & WRITER_PID=$!; fi
  read -r rps p99 < <(wrk -t2 -c"$C" -d"${D}s" --latency -H 'Accept-Encoding: gzip' "$URL" 2>/dev/null | awk '
    /Requests\/sec/ {rps=$2}
    /^ +99%/ {p99=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END { printf "%.0f %.2f\n", rps, ms(p99) }')
  if [ -n "$WRITER_PID" ]; then wait "$WRITER_PID" 2>/dev/null || true; WRITER_PID=""; fi
  printf "%-22s %10s %8s %8s\n" "$name" "$rps" "$p99" "$(cat "$WORK/writes")"
}

curl -s -o /dev/null -H 'Accept-Encoding: gzip' "$URL" # warm
printf "village page %s, %s connections, %ss per phase, %s\n" "$VILLAGE" "$C" "$D" "$("$BIN" --version)"
printf "%-22s %10s %8s %8s\n" phase req/s p99_ms writes
for p in ${PHASES:-none reports publishes}; do
  case "$p" in
    none) phase "no writes" none ;;
    reports) phase "5 reports/s" reports ;;
    publishes) phase "1 publish / 2 s" publishes ;;
  esac
done
