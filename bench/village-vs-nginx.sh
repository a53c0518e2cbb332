#!/usr/bin/env bash
# 1. The village page against the physical limit: the same bytes served by nginx as a static
#    file. wrk, same connections and duration, alternating runs. Also 5: server RSS idle and
#    under this load.
source "$(dirname "$0")/common.sh"
need wrk nginx curl
build_release
WORK="$(mktemp -d)"; trap 'stop_server; [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
PORT="$(free_port)"
mkdir -p "$WORK/data"
start_server "$WORK/data" "$PORT" --demo
# A demo village; its page carries its standing list and open publicity.
VILLAGE=530621103201
URL="http://127.0.0.1:$PORT/v/$VILLAGE"
curl -s -H 'Accept-Encoding: identity' "$URL" >"$WORK/village.html"
ROWS=$(grep -o '<tr>' "$WORK/village.html" | wc -l)
IDLE_RSS=$(rss_kb "$SERVER_PID")
mkdir -p "$WORK/www/v"
cp "$WORK/village.html" "$WORK/www/v/$VILLAGE"
NPORT="$(free_port)"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server { listen 127.0.0.1:$NPORT; root $WORK/www; }
}
CONF
nginx -c "$WORK/nginx.conf" &
NGINX_PID=$!
sleep 0.5
C=64; D=10
printf "village page: %s bytes, %s table rows; %s connections, %ss per run, runs alternate\n" "$(wc -c <"$WORK/village.html")" "$ROWS" "$C" "$D"
printf "%-10s %4s %10s %8s %8s\n" target run req/s p50_ms p99_ms
PEAK_RSS=0
for run in 1 2; do
  wrk_stats "$URL" "$C" "$D" >"$WORK/s.txt" &
  WRK=$!
  sleep $((D / 2)); r=$(rss_kb "$SERVER_PID"); [ "$r" -gt "$PEAK_RSS" ] && PEAK_RSS=$r
  wait $WRK
  read -r s_rps s_p50 s_p99 <"$WORK/s.txt"
  printf "%-10s %4s %10s %8s %8s\n" sunshine "$run" "$s_rps" "$s_p50" "$s_p99"
  read -r n_rps n_p50 n_p99 < <(wrk_stats "http://127.0.0.1:$NPORT/v/$VILLAGE" "$C" "$D")
  printf "%-10s %4s %10s %8s %8s\n" nginx "$run" "$n_rps" "$n_p50" "$n_p99"
  echo "ratio sunshine/nginx run $run: $(python3 -c "print(f'{$s_rps/$n_rps:.2f}')")"
done
r=$(rss_kb "$SERVER_PID"); [ "$r" -gt "$PEAK_RSS" ] && PEAK_RSS=$r
echo "server RSS: idle $((IDLE_RSS / 1024)) MB, under load (sampled) $((PEAK_RSS / 1024)) MB, peak (VmHWM) $(( $(hwm_kb "$SERVER_PID") / 1024 )) MB"
