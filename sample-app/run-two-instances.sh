#!/usr/bin/env bash
# Runs two sample instances against one Redis, "one" on port 8080 and "two" on 8081, and follows
# their audit and leadership log lines until Ctrl-C, which stops everything it started.
#
# Redis: REDIS_HOST/REDIS_PORT if set; else a redis-server from the PATH started by this script on
# REDIS_PORT (default 6390); else the embedded Redis of instance "one" (then stopping "one" stops
# Redis for both). Set SKIP_BUILD=1 to reuse sample-app/target's jar.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT_ONE=${PORT_ONE:-8080}
PORT_TWO=${PORT_TWO:-8081}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
JAR=sample-app/target/distlock-sample-app-0.1.0-SNAPSHOT.jar
LOGS=$(mktemp -d -t distlock-sample-XXXXXX)
INSTANCES=()
REDIS_PID=

# Stops the instances, then the Redis they use.
stop_all() {
	trap - EXIT INT TERM
	for pid in "${INSTANCES[@]}" $REDIS_PID; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	echo "Stopped. Logs are in $LOGS"
}
trap stop_all EXIT INT TERM

# Waits until file $1 has a line matching the extended regex $2, or fails after 120 s.
await_line() {
	for _ in $(seq 1 600); do
		if grep -Eq "$2" "$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.2
	done
	echo "No line matching '$2' in $1 after 120 s:" >&2
	tail -20 "$1" >&2
	exit 1
}

# Starts instance $1 on HTTP port $2 with the remaining arguments.
start_instance() {
	local id=$1 port=$2
	shift 2
	java -jar "$JAR" --sample.instance-id="$id" --server.port="$port" "$@" >"$LOGS/$id.log" 2>&1 &
	INSTANCES+=($!)
	echo "Instance $id: pid $!, http://localhost:$port/, log $LOGS/$id.log"
}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
	./mvnw -q -pl sample-app -am package -DskipTests
fi

if [ -z "${REDIS_PORT:-}" ] && command -v redis-server >/dev/null 2>&1; then
	REDIS_PORT=6390
	# In a session of its own, so that Ctrl-C does not stop it before the instances that use it.
	setsid redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" --appendonly no >"$LOGS/redis.log" 2>&1 &
	REDIS_PID=$!
	await_line "$LOGS/redis.log" "Ready to accept connections"
	echo "Redis: redis-server on $REDIS_HOST:$REDIS_PORT, pid $REDIS_PID"
fi

if [ -n "${REDIS_PORT:-}" ]; then
	redis=(--sample.embedded-redis=never --spring.data.redis.host="$REDIS_HOST" --spring.data.redis.port="$REDIS_PORT")
	start_instance one "$PORT_ONE" "${redis[@]}"
else
	start_instance one "$PORT_ONE" --sample.embedded-redis=always
	await_line "$LOGS/one.log" "on 127\.0\.0\.1:[0-9]+ for this application"
	REDIS_PORT=$(grep -Eo "on 127\.0\.0\.1:[0-9]+ for this application" "$LOGS/one.log" | grep -Eo ":[0-9]+" | tr -d :)
	echo "Redis: the embedded one of instance one, on 127.0.0.1:$REDIS_PORT"
	redis=(--sample.embedded-redis=never --spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$REDIS_PORT")
fi
start_instance two "$PORT_TWO" "${redis[@]}"
await_line "$LOGS/one.log" "Started SampleApplication"
await_line "$LOGS/two.log" "Started SampleApplication"

cat <<EOF

Both instances run. Open http://localhost:$PORT_ONE/ and http://localhost:$PORT_TWO/: the timeline shows
the critical sections of both, lane by lane; the audit alternates or stays on one, never twice a period.
Contend across instances: 100 in stock, 300 reservations sent to both, 16 at a time; expect 100 times
200, 200 times 409 and 0 left:
  curl -X POST 'localhost:$PORT_ONE/api/stock/widget?quantity=100'
  seq 300 | xargs -P 16 -I{} sh -c 'curl -s -o /dev/null -w "%{http_code}\\n" -X POST localhost:\$(({} % 2 ? $PORT_ONE : $PORT_TWO))/api/reserve/widget' | sort | uniq -c
  curl 'localhost:$PORT_TWO/api/stock/widget'
Stop the leader (kill <its pid>) and watch the other take over. Ctrl-C stops everything.

EOF
# In the background, so that a signal interrupts the wait and stops everything at once.
tail -n +1 --pid=$$ -f "$LOGS/one.log" "$LOGS/two.log" | grep --line-buffered -E "Stock audit ran|[Ll]eading election|ERROR" &
wait $!
