# Shared helpers for the benchmark scripts. Source it; it builds the release binary once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# SUNSHINE_BIN=path benchmarks that build instead (e.g. an older commit's); nothing is built then.
BIN="${SUNSHINE_BIN:-$ROOT/target/release/sunshine}"
OUT="$ROOT/bench/results"
mkdir -p "$OUT"

need() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
  fi
}

build_release() {
  [ -n "${SUNSHINE_BIN:-}" ] && return 0
  (cd "$ROOT" && cargo build --release -p server --bin sunshine 2>&1 | tail -n 1) >&2
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server DATA_DIR PORT [serve args...]; sets SERVER_PID. DATABASE_URL etc. come from
# the caller's environment.
start_server() {
  local dir="$1" port="$2"; shift 2
  env SUNSHINE_DATA_DIR="$dir" SUNSHINE_RATE_BURST_FACTOR=10000 RUST_LOG=warn \
    "$BIN" serve --listen "127.0.0.1:$port" "$@" >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$dir/server.log" >&2; return 1; }
    sleep 0.1
  done
  echo "server did not become ready" >&2; return 1
}

stop_server() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

# wrk_stats URL CONNECTIONS SECONDS → "req/s p50_ms p99_ms"
wrk_stats() {
  local url="$1" c="$2" d="$3"
  wrk -t2 -c"$c" -d"${d}s" --latency "$url" 2>/dev/null | awk '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2}
    /^ +99%/ {p99=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END { printf "%.0f %.2f %.2f\n", rps, ms(p50), ms(p99) }'
}

need_pkg() { # need_pkg PACKAGE…: install Debian packages (for tools that are not commands)
  echo "installing: $*" >&2
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}
