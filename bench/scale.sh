#!/usr/bin/env bash
# 4. Scale: a province of 1,000,000 households (20,000 villages) on SQLite and PostgreSQL;
#    village page and township summary latency; query plans; and the import of a
#    100,000-row XLSX (time and the server's peak memory).
source "$(dirname "$0")/common.sh"
need wrk curl
build_release
HOUSEHOLDS="${HOUSEHOLDS:-1000000}"
ROWS="${ROWS:-100000}"
PG="${SUNSHINE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
WORK="$(mktemp -d)"; trap 'stop_server; rm -rf "$WORK"; psql "$PG" -qc "DROP DATABASE IF EXISTS sunshine_bench_scale" >/dev/null 2>&1 || true' EXIT

if [ -z "${SKIP_PROVINCE:-}" ]; then
echo "== $HOUSEHOLDS households"
printf "%-10s %-22s %10s %8s %8s\n" backend page req/s p50_ms p99_ms
for backend in sqlite postgres; do
  rm -rf "$WORK/data"; mkdir -p "$WORK/data"
  if [ "$backend" = postgres ]; then
    psql "$PG" -qc "DROP DATABASE IF EXISTS sunshine_bench_scale" >/dev/null 2>&1 || true
    psql "$PG" -qc "CREATE DATABASE sunshine_bench_scale" >/dev/null
    export DATABASE_URL="${PG%/*}/sunshine_bench_scale"
  else
    export DATABASE_URL="sqlite://$WORK/data/sunshine.db?mode=rwc"
  fi
  t0=$(date +%s.%N)
  SUNSHINE_DATA_DIR="$WORK/data" RUST_LOG=warn "$BIN" bench seed --households "$HOUSEHOLDS" >"$WORK/seed.log" 2>&1 || { tail "$WORK/seed.log"; exit 1; }
  echo "$backend: $(tail -n1 "$WORK/seed.log")" >&2
  if [ "$backend" = postgres ]; then psql "$DATABASE_URL" -qc "ANALYZE" >/dev/null; fi
  PORT="$(free_port)"
  start_server "$WORK/data" "$PORT"
  # A village in the middle of the province, and its township.
  V="539900050042"; T="539900050000"
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/v/$V" || { echo "village page failed" >&2; exit 1; }
  # A random query string on every request defeats the page cache: these are database figures.
  cat >"$WORK/bust.lua" <<'LUA'
math.randomseed(os.time())
request = function() return wrk.format("GET", wrk.path .. "?b=" .. math.random(1, 1000000000)) end
LUA
  for page in "/v/$V" "/api/v1/villages/$V/summary" "/api/v1/townships/$T/summary"; do
    line=$(wrk -t2 -c8 -d8s --latency -s "$WORK/bust.lua" "http://127.0.0.1:$PORT$page" 2>/dev/null | awk '
      /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
      function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
      END { printf "%.0f %.2f %.2f\n", rps, ms(p50), ms(p99) }')
    read -r rps p50 p99 <<<"$line"
    printf "%-10s %-22s %10s %8s %8s\n" "$backend" "${page:0:22}" "$rps" "$p50" "$p99"
  done
  stop_server
  echo "-- query plans ($backend)"
  if [ "$backend" = postgres ]; then
    psql "$DATABASE_URL" -c "EXPLAIN SELECT id FROM batches WHERE village_id = 1000 AND state <> 'draft' ORDER BY opens_on DESC, id DESC" | sed 's/^/   /'
    psql "$DATABASE_URL" -c "EXPLAIN SELECT * FROM batch_entries WHERE batch_id = 1000 ORDER BY seq, id" | sed 's/^/   /'
    psql "$DATABASE_URL" -c "EXPLAIN SELECT COUNT(*) FROM batch_entries e JOIN batches b ON b.id = e.batch_id WHERE b.township_id = 50 AND b.kind = 'standing' AND b.state = 'published'" | sed 's/^/   /'
  else
    python3 - "$WORK/data/sunshine.db" <<'PY' | sed 's/^/   /'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for q in ["SELECT id FROM batches WHERE village_id = 1000 AND state <> 'draft' ORDER BY opens_on DESC, id DESC",
          "SELECT * FROM batch_entries WHERE batch_id = 1000 ORDER BY seq, id",
          "SELECT COUNT(*) FROM batch_entries e JOIN batches b ON b.id = e.batch_id WHERE b.township_id = 50 AND b.kind = 'standing' AND b.state = 'published'"]:
    print(q[:70], "->", "; ".join(r[3] for r in c.execute("EXPLAIN QUERY PLAN " + q)))
PY
  fi
  unset DATABASE_URL
done
fi

echo "== import of a $ROWS-row XLSX (SQLite, demo county)"
"$BIN" bench xlsx --rows "$ROWS" --out "$WORK/list.xlsx" >/dev/null
echo "file: $(( $(wc -c <"$WORK/list.xlsx") / 1024 )) KB"
rm -rf "$WORK/data"; mkdir -p "$WORK/data"
PORT="$(free_port)"
start_server "$WORK/data" "$PORT" --demo
B="http://127.0.0.1:$PORT"; J="$WORK/cookies"
csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}'; }
C=$(curl -s -c "$J" -b "$J" "$B/staff/login" | csrf)
curl -s -o /dev/null -c "$J" -b "$J" -H 'Sec-Fetch-Site: same-origin' --data "csrf=$C&username=demo.longtoushan&password=sunshine-demo-2026" "$B/staff/login"
C=$(curl -s -b "$J" "$B/staff" | csrf)
VID=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT id FROM regions WHERE code='530621103201'\").fetchone()[0])" "$WORK/data/sunshine.db")
LOC=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$J" -H 'Sec-Fetch-Site: same-origin' --data "csrf=$C&village=$VID&kind=review&opens_on=$(date +%F)&days=7" "$B/staff/publicity")
ID="${LOC##*/}"
BASE_RSS=$(rss_kb "$SERVER_PID")
t0=$(date +%s.%N)
curl -s -b "$J" -H 'Sec-Fetch-Site: same-origin' -F "csrf=$C" -F "file=@$WORK/list.xlsx" "$B/staff/publicity/$ID/import" >"$WORK/preview.html"
t1=$(date +%s.%N)
TOKEN=$(grep -o 'name="token" value="[0-9a-f]*"' "$WORK/preview.html" | grep -o '[0-9a-f]\{64\}')
[ -n "$TOKEN" ] || { echo "preview failed:"; grep -o 'class="error".*' "$WORK/preview.html" | head -c 500; exit 1; }
curl -s -o /dev/null -b "$J" -H 'Sec-Fetch-Site: same-origin' --data "csrf=$C&token=$TOKEN" "$B/staff/publicity/$ID/import/confirm"
t2=$(date +%s.%N)
N=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM batch_entries WHERE batch_id = ?', (int(sys.argv[2]),)).fetchone()[0])" "$WORK/data/sunshine.db" "$ID")
printf "upload+parse+validate+preview %.1f s; confirm (one transaction) %.1f s; total %.1f s; %s entries written\n" \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t2 - $t0" | bc)" "$N"
echo "server RSS before $((BASE_RSS / 1024)) MB; peak (VmHWM) $(( $(hwm_kb "$SERVER_PID") / 1024 )) MB"
