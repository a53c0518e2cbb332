#!/usr/bin/env bash
# 3. Durable complaint submissions per second, SQLite and PostgreSQL, 1 / 8 / 64 clients.
#    Every submission is a full transaction (complaint + timeline event) committed before the
#    303 that leads to the receipt; SQLite runs with synchronous=FULL.
source "$(dirname "$0")/common.sh"
need wrk curl
build_release
PG="${SUNSHINE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
WORK="$(mktemp -d)"; trap 'stop_server; rm -rf "$WORK"; psql "$PG" -qc "DROP DATABASE IF EXISTS sunshine_bench_intake" >/dev/null 2>&1 || true' EXIT
count() {
  if [ "$backend" = postgres ]; then psql "$DB" -tAc "SELECT COUNT(*) FROM complaints"
  else python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM complaints').fetchone()[0])" "$WORK/data/sunshine.db"; fi
}
printf "%-10s %8s %10s %8s %8s %10s %10s\n" backend clients req/s p50_ms p99_ms requests committed
for backend in ${BACKENDS:-sqlite postgres}; do
  PORT="$(free_port)"; rm -rf "$WORK/data"; mkdir -p "$WORK/data"
  if [ "$backend" = postgres ]; then
    psql "$PG" -qc "DROP DATABASE IF EXISTS sunshine_bench_intake" >/dev/null 2>&1 || true
    psql "$PG" -qc "CREATE DATABASE sunshine_bench_intake" >/dev/null
    DB="${PG%/*}/sunshine_bench_intake"
  else
    DB="sqlite://$WORK/data/sunshine.db?mode=rwc"
  fi
  DATABASE_URL="$DB" start_server "$WORK/data" "$PORT" --demo
  for c in ${CLIENTS:-1 8 64}; do
    before=$(count)
    line=$(wrk -t"$([ "$c" -ge 2 ] && echo 2 || echo 1)" -c"$c" -d10s --latency -s "$ROOT/bench/report.lua" "http://127.0.0.1:$PORT" 2>/dev/null | awk '
      /Requests\/sec/ {rps=$2}
      /requests in/ {n=$1}
      /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
      function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
      END { printf "%.0f %.2f %.2f %d\n", rps, ms(p50), ms(p99), n }')
    read -r rps p50 p99 n <<<"$line"
    after=$(count)
    printf "%-10s %8s %10s %8s %8s %10s %10s\n" "$backend" "$c" "$rps" "$p50" "$p99" "$n" "$((after - before))"
  done
  stop_server
done
