#!/usr/bin/env bash
# 9. A province on one PostgreSQL: COUNTIES counties (129, as Yunnan), HOUSEHOLDS households
#    (1,500,000) in 30,000 villages, served by 1 and then 3 instances behind nginx.
#    - uncached village page, county statistics and province statistics: req/s, p50, p99
#      (a random query string defeats the page cache: these are render figures);
#    - cached village page: req/s, p99;
#    - the uncached village page and county statistics at a stated load below saturation
#      ("paced-RATE": about RATE req/s offered by independent connections): p50, p99;
#    - a standing list published on instance A: seconds until B and C serve the new page;
#    - reports through nginx while one instance is killed with -9: acknowledged (303) against
#      stored, and the errors nginx passed on; each report queues an acknowledgement mail, sent
#      by the instances to a real SMTP sink (aiosmtpd): delivered, duplicates (by Message-ID),
#      lost, and those still held by the killed instance's claim (retried when its lease ends).
# Everything runs on this one machine (2 cores): instances, nginx, PostgreSQL and wrk share it.
# INSTANCE_THREADS=N gives each instance N runtime threads (TOKIO_WORKER_THREADS; default: a
# thread per core, so three instances on 2 cores run six). BALANCE=least_conn has nginx send
# each request to the instance with the fewest in flight (default: round robin, as deploy/).
source "$(dirname "$0")/common.sh"
need wrk curl nginx
# Debian's Python: the sink comes from its package, whatever `python3` is first on PATH.
PY=/usr/bin/python3
"$PY" -c 'import aiosmtpd' 2>/dev/null || need_pkg python3 python3-aiosmtpd
build_release
PG="${SUNSHINE_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
COUNTIES="${COUNTIES:-129}"
HOUSEHOLDS="${HOUSEHOLDS:-1500000}"
VPT="${VILLAGES_PER_TOWNSHIP:-15}"
D="${DURATION:-10}"
DBNAME=sunshine_bench_province
DB="${PG%/*}/$DBNAME"
WORK="$(mktemp -d)"
PIDS=()
SINK_PID=""
cleanup() {
  for p in "${PIDS[@]}" $SINK_PID; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "${KEEP_DB:-}" ] || psql "$PG" -qc "DROP DATABASE IF EXISTS $DBNAME" >/dev/null 2>&1 || true
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [ -z "${REUSE_DB:-}" ]; then
  psql "$PG" -qc "DROP DATABASE IF EXISTS $DBNAME" >/dev/null 2>&1 || true
  psql "$PG" -qc "CREATE DATABASE $DBNAME" >/dev/null
  mkdir -p "$WORK/seed"
  DATABASE_URL="$DB" SUNSHINE_DATA_DIR="$WORK/seed" RUST_LOG=warn "$BIN" bench seed \
    --households "$HOUSEHOLDS" --villages-per-township "$VPT" --counties "$COUNTIES" \
    >"$WORK/seed.log" 2>&1 || { tail "$WORK/seed.log"; exit 1; }
  echo "seed: $(tail -n1 "$WORK/seed.log")"
  psql "$DB" -qc "ANALYZE" >/dev/null
fi
echo "database: $(psql "$DB" -tAc "SELECT pg_size_pretty(pg_database_size('$DBNAME'))")," \
  "$(psql "$DB" -tAc "SELECT COUNT(*) FROM regions WHERE level = 'county'") counties," \
  "$(psql "$DB" -tAc "SELECT COUNT(*) FROM regions WHERE level = 'village'") villages," \
  "$(psql "$DB" -tAc "SELECT COUNT(*) FROM households") households"

# A real SMTP sink: every message a file in a maildir.
SPORT="$(free_port)" # (the Mailbox handler makes the maildir itself, only if it does not exist)
"$PY" -m aiosmtpd -n -l "127.0.0.1:$SPORT" -c aiosmtpd.handlers.Mailbox "$WORK/maildir" \
  >"$WORK/smtp.log" 2>&1 &
SINK_PID=$! # (not in PIDS: PIDS[k] is instance k + 1, and the kill below takes PIDS[1])

# Three instances on the one database, with the same secret (sessions and receipts).
SECRET="$(openssl rand -hex 32 2>/dev/null || python3 -c 'import secrets; print(secrets.token_hex(32))')"
PORTS=()
for i in 1 2 3; do
  port="$(free_port)"; mkdir -p "$WORK/i$i"
  env DATABASE_URL="$DB" SUNSHINE_SECRET="$SECRET" SUNSHINE_WORKER_ID="bench-$i" \
    SUNSHINE_TRUST_PROXY=1 SUNSHINE_DATA_DIR="$WORK/i$i" SUNSHINE_RATE_BURST_FACTOR=10000 RUST_LOG="${INSTANCE_LOG:-warn}" \
    SMTP_URL="smtp://127.0.0.1:$SPORT" ${INSTANCE_THREADS:+TOKIO_WORKER_THREADS="$INSTANCE_THREADS"} \
    "$BIN" serve --listen "127.0.0.1:$port" >"$WORK/i$i/server.log" 2>&1 &
  PIDS+=($!); PORTS+=("$port")
done
for port in "${PORTS[@]}"; do
  for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
done

NPORT="$(free_port)"
nginx_with() { # nginx_with N: nginx in front of the first N instances
  local servers=""
  for ((k = 0; k < $1; k++)); do servers+="server 127.0.0.1:${PORTS[$k]} max_fails=2 fail_timeout=5s; "; done
  cat >"$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  upstream sunshine { ${BALANCE:+$BALANCE;} $servers keepalive 64; }
  server {
    listen 127.0.0.1:$NPORT;
    location / {
      proxy_pass http://sunshine;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
CONF
  if [ -f "$WORK/nginx.pid" ] && kill -0 "$(cat "$WORK/nginx.pid")" 2>/dev/null; then
    nginx -c "$WORK/nginx.conf" -s reload 2>/dev/null; sleep 1
  else
    nginx -c "$WORK/nginx.conf"; sleep 0.5
  fi
}

cat >"$WORK/bust.lua" <<'LUA'
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function() return wrk.format("GET", wrk.path .. "?b=" .. math.random(1, 1000000000)) end
LUA
# Paced: each connection waits a random (exponential) time between its requests, so that C
# connections offer about RATE req/s in all, as many independent visitors would; the uncached
# page as above. A latency figure at saturation (the runs above) is mostly queueing in front
# of two cores; this one is what a visitor waits at a stated load below it. (wrk times each
# request from its sending: a slow answer delays that connection's next request, so the
# offered rate falls a little when the server slows; the achieved rate is what is printed.)
cat >"$WORK/paced.lua" <<'LUA'
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local mean_ms = 1000 * tonumber(os.getenv("PACE_CONNS")) / tonumber(os.getenv("PACE_RATE"))
request = function() return wrk.format("GET", wrk.path .. "?b=" .. math.random(1, 1000000000)) end
delay = function() return math.floor(-mean_ms * math.log(1 - math.random())) end
LUA
run() { # run C PATH [script] → "req/s p50 p99"
  local c="$1" path="$2" script="${3:-}"
  wrk -t2 -c"$c" -d"${D}s" --latency ${script:+-s "$script"} "http://127.0.0.1:$NPORT$path" 2>/dev/null | awk '
    /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END { printf "%.1f %.2f %.2f\n", rps, ms(p50), ms(p99) }'
}

# A county in the middle of the province, and one of its villages.
C=$(psql "$DB" -tAc "SELECT code FROM regions WHERE level = 'county' ORDER BY code
  OFFSET (SELECT COUNT(*) / 2 FROM regions WHERE level = 'county') LIMIT 1")
V=$(psql "$DB" -tAc "SELECT v.code FROM regions v JOIN regions t ON t.id = v.parent_id
  JOIN regions c ON c.id = t.parent_id WHERE c.code = '$C' ORDER BY v.code
  OFFSET 7 LIMIT 1")
echo "county $C, village $V"
for path in "/v/$V" "/c/$C/stats" "/stats"; do
  curl -fs -o /dev/null "http://127.0.0.1:${PORTS[0]}$path" || { echo "$path failed" >&2; exit 1; }
done
printf "\n%-9s %-28s %4s %10s %8s %8s\n" instances page conns req/s p50_ms p99_ms
for n in 1 3; do
  nginx_with "$n"
  for spec in "16 /v/$V bust" "64 /v/$V cached" "4 /c/$C/stats bust" "2 /stats bust" \
    "32 /v/$V paced-500" "32 /v/$V paced-1000" "32 /v/$V paced-1500" "4 /c/$C/stats paced-100"; do
    read -r c path how <<<"$spec"
    case "$how" in
      bust) line=$(run "$c" "$path" "$WORK/bust.lua") ;;
      paced-*) line=$(PACE_CONNS="$c" PACE_RATE="${how#paced-}" run "$c" "$path" "$WORK/paced.lua") ;;
      *) line=$(run "$c" "$path") ;;
    esac
    read -r rps p50 p99 <<<"$line"
    printf "%-9s %-28s %4s %10s %8s %8s\n" "$n" "$path ($how)" "$c" "$rps" "$p50" "$p99"
  done
done

# A standing list published on instance 1: how long until instances 2 and 3 serve the new page.
PW="Province-bench-2026"
OFFICER="bench.officer.$(date +%s)" # (a new one each run: REUSE_DB keeps the last run's)
echo "$PW" | DATABASE_URL="$DB" SUNSHINE_DATA_DIR="$WORK/i1" "$BIN" staff add --username "$OFFICER" \
  --name "基准 县局" --role county_officer >/dev/null
A="http://127.0.0.1:${PORTS[0]}"; J="$WORK/cookies"
csrf() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}'; }
T=$(curl -s -c "$J" -b "$J" "$A/staff/login" | csrf)
curl -s -o /dev/null -c "$J" -b "$J" -H 'Sec-Fetch-Site: same-origin' \
  --data "csrf=$T&username=$OFFICER&password=$PW" "$A/staff/login"
T=$(curl -s -b "$J" "$A/staff" | csrf)
PV="590001001001"
VID=$(psql "$DB" -tAc "SELECT id FROM regions WHERE code = '$PV'")
LOC=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$J" -H 'Sec-Fetch-Site: same-origin' \
  --data "csrf=$T&village=$VID&kind=standing&opens_on=$(date +%F)&days=7" "$A/staff/publicity")
BID="${LOC##*/}"
curl -s -o /dev/null -b "$J" -H 'Sec-Fetch-Site: same-origin' --data-urlencode "csrf=$T" \
  --data-urlencode "head_name=王基准" --data-urlencode "persons=2" --data-urlencode "amount=800" \
  --data-urlencode "category=兜底保障" --data-urlencode "class=1" --data-urlencode "change=新增" \
  "$A/staff/publicity/$BID/entries"
B2="http://127.0.0.1:${PORTS[1]}/v/$PV"; B3="http://127.0.0.1:${PORTS[2]}/v/$PV"
old2=$(curl -s "$B2" | md5sum); old3=$(curl -s "$B3" | md5sum)
t0=$(date +%s.%N)
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$J" -H 'Sec-Fetch-Site: same-origin' --data "csrf=$T" "$A/staff/publicity/$BID/publish")
[ "$status" = 303 ] || { echo "publish answered $status" >&2; exit 1; }
seen2=""; seen3=""
for _ in $(seq 1 500); do
  now=$(date +%s.%N)
  [ -z "$seen2" ] && [ "$(curl -s "$B2" | md5sum)" != "$old2" ] && seen2=$(echo "$now - $t0" | bc)
  [ -z "$seen3" ] && [ "$(curl -s "$B3" | md5sum)" != "$old3" ] && seen3=$(echo "$now - $t0" | bc)
  [ -n "$seen2" ] && [ -n "$seen3" ] && break
  sleep 0.01
done
printf "\npublished on instance 1: new page on instance 2 after %s s, on instance 3 after %s s\n" "${seen2:-never}" "${seen3:-never}"

# Reports through nginx (3 instances) while instance 2 is killed with -9 halfway.
nginx_with 3
before=$(psql "$DB" -tAc "SELECT COUNT(*) FROM complaints")
mail_before=$(psql "$DB" -tAc "SELECT COALESCE(MAX(id), 0) FROM outbox")
REPORT_EMAIL=bench@example.cn REPORT_EMAIL_EVERY=10 REPORT_PLACE=v:590001001001 wrk -t2 -c64 -d"${D}s" -s "$ROOT/bench/report.lua" "http://127.0.0.1:$NPORT" >"$WORK/reports.txt" 2>&1 &
WRK=$!
sleep "$((D / 2))"
kill -9 "${PIDS[1]}"
wait "$WRK"
after=$(psql "$DB" -tAc "SELECT COUNT(*) FROM complaints")
n=$(awk '/requests in/ {print $1}' "$WORK/reports.txt")
bad=$(awk '/Non-2xx or 3xx/ {print $NF}' "$WORK/reports.txt"); bad=${bad:-0}
sock=$(grep -o 'Socket errors:.*' "$WORK/reports.txt" || echo "Socket errors: none")
acked=$((n - bad)); stored=$((after - before))
printf "\nreports through nginx, 64 connections, %ss, instance 2 killed -9 at %ss:\n" "$D" "$((D / 2))"
printf "  answered %s, acknowledged (303) %s, errors passed on %s (%s); stored %s; acknowledged but not stored: %s\n" \
  "$n" "$acked" "$bad" "$sock" "$stored" "$(( acked > stored ? acked - stored : 0 ))"
printf "  stored per second: %.0f\n" "$(echo "$stored / $D" | bc -l)"

# The acknowledgement mails of those reports (one in ten reporters gave an address): wait
# (bounded) until the two live instances have sent all they can; what the killed instance had
# claimed waits for its lease to end (600 s). Message-IDs are fixed when a mail is queued, so
# the sink's copies are counted against the outbox row by row.
queued=$(psql "$DB" -tAc "SELECT COUNT(*) FROM outbox WHERE id > $mail_before")
for _ in $(seq 1 "${MAIL_WAIT:-240}"); do
  waiting=$(psql "$DB" -tAc "SELECT COUNT(*) FROM outbox WHERE id > $mail_before AND state = 'pending'
    AND claimed_by IS DISTINCT FROM 'bench-2'")
  [ "$waiting" = 0 ] && break
  sleep 1
done
sleep 2 # a send in flight reaches the sink before it is marked
ids() { sed 's/^[^<]*<//; s/>.*$//' | sort; }
find "$WORK/maildir" -type f -path '*/new/*' -exec grep -h -i -m1 '^Message-ID:' {} + 2>/dev/null | ids >"$WORK/at-sink"
psql "$DB" -tAc "SELECT message_id FROM outbox WHERE id > $mail_before" | ids >"$WORK/queued-ids"
psql "$DB" -tAc "SELECT message_id FROM outbox WHERE id > $mail_before AND state = 'pending'
  AND claimed_by = 'bench-2'" | ids >"$WORK/held-ids"
delivered=$(wc -l <"$WORK/at-sink")
distinct=$(sort -u "$WORK/at-sink" | wc -l)
held=$(wc -l <"$WORK/held-ids")
held_sent=$(sort -u "$WORK/at-sink" | comm -12 - "$WORK/held-ids" | wc -l)
lost=$(comm -23 "$WORK/queued-ids" <(sort -u "$WORK/at-sink") | comm -23 - "$WORK/held-ids" | wc -l)
printf "  mail: queued %s; at the sink %s (%s distinct Message-IDs): duplicates %s; lost %s;\n" \
  "$queued" "$delivered" "$distinct" "$((delivered - distinct))" "$lost"
printf "        still waiting %s; held by the killed instance's claim until its lease ends %s (of which %s had reached the sink before the kill: sent again then)\n" \
  "$waiting" "$held" "$held_sent"
# The live instances still answer; the killed one does not.
for k in 0 1 2; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:${PORTS[$k]}/healthz" || true)
  printf "  instance %s /healthz: %s\n" "$((k + 1))" "$([ "$code" = 200 ] && echo 200 || echo 'no answer')"
done
