#!/usr/bin/env bash
# The Redis sink's throughput and CPU per entry, before and after, beside redis-benchmark -P 64's
# XADD rate, in one session (bench/README.md, "Redis Streams sink"):
#   bash bench/redis_sink_ratio.sh OLD_BENCH NEW_BENCH [ROUNDS]
# OLD_BENCH/NEW_BENCH: two depthrec-redis-bench binaries. Starts a redis-server on a Unix socket
# in a scratch directory and stops it by its pid.
set -euo pipefail
old=$1 new=$2 rounds=${3:-3}
source "$(dirname "$0")/redis_scratch_server.sh"
field=$(printf 'x%.0s' $(seq 600))
for _ in $(seq "$rounds"); do
  redis-cli -s "$sock" FLUSHALL >/dev/null
  echo "before: $("$old" --url "unix://$sock" --entries 200000 | tail -1)"
  redis-cli -s "$sock" FLUSHALL >/dev/null
  echo "after:  $("$new" --url "unix://$sock" --entries 200000 | tail -1)"
  redis-cli -s "$sock" FLUSHALL >/dev/null
  echo "redis-benchmark: $(redis-benchmark -s "$sock" -P 64 -n 200000 -q XADD benchstream MAXLEN '~' 10000 '*' \
    data "$field" type depth symbol BTCUSDT u 123 E 456 2>&1 | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1)"
done
