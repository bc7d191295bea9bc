# Sourced by the Redis sink's bench scripts (redis_sink_ratio.sh, redis_sink_callgrind.sh): a
# redis-server on a Unix socket ($sock) in a scratch directory ($dir), without persistence, stopped
# by its pid and the directory removed when the script exits.
dir=$(mktemp -d /tmp/redis-bench-XXXXXX)
sock=$dir/r.sock
redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no --dir "$dir" >/dev/null &
server=$!
trap 'kill "$server"; wait "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 50); do redis-cli -s "$sock" PING >/dev/null 2>&1 && break; sleep 0.1; done
