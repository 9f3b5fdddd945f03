#!/usr/bin/env bash
# Starts a single-node Apache Kafka (KRaft: broker + controller) on 127.0.0.1
# on free ports, waits until it answers, and prints its bootstrap address.
#
#   scripts/kafka-start.sh [STATE_DIR]     # default: .cache/kafka/run
#   scripts/kafka-stop.sh  [STATE_DIR]
#
# The broker's jars come from scripts/setup.sh (Maven Central). Its data and
# log live in STATE_DIR, which is wiped on every start: each run is a fresh
# cluster. STATE_DIR/bootstrap holds the address once the broker is up.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
libs="$root/.cache/kafka/libs"
state="${1:-$root/.cache/kafka/run}"

if [[ ! -d "$libs" ]]; then
  echo "kafka-start: broker jars missing; run scripts/setup.sh first" >&2
  exit 1
fi
if [[ -f "$state/pid" ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
  cat "$state/bootstrap"
  exit 0
fi

# Returns a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! ss -Hltn "sport = :$port" | grep -q .; then
      echo "$port"
      return 0
    fi
  done
  echo "kafka-start: no free port found" >&2
  return 1
}

rm -rf "$state"
mkdir -p "$state/data"
broker_port="$(free_port)"
controller_port="$(free_port)"
while [[ "$controller_port" == "$broker_port" ]]; do
  controller_port="$(free_port)"
done

cat >"$state/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$broker_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$broker_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$state/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
transaction.abort.timed.out.transaction.cleanup.interval.ms=5000
transaction.remove.expired.transaction.cleanup.interval.ms=10000
log.flush.interval.messages=9223372036854775807
# Keep every record however old its timestamp: tests (and backfills) write
# stories with event times years back, which time-based retention would
# delete at its next check. The state directory is wiped at every start.
log.retention.ms=-1
PROPS

cat >"$state/log4j2.properties" <<'LOG'
rootLogger.level=WARN
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=${sys:kafka.logs.dir}/broker.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=INFO
LOG

java_opts=(-Xms256m -Xmx1g -XX:+UseG1GC "-Dkafka.logs.dir=$state"
  "-Dlog4j2.configurationFile=$state/log4j2.properties")
cluster_id="$(java "${java_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
java "${java_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format \
  -t "$cluster_id" -c "$state/server.properties" --standalone >"$state/format.log" 2>&1 ||
  java "${java_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$state/server.properties" >"$state/format.log" 2>&1 || {
    echo "kafka-start: formatting the log directory failed:" >&2
    cat "$state/format.log" >&2
    exit 1
  }

nohup java "${java_opts[@]}" -cp "$libs/*" kafka.Kafka "$state/server.properties" \
  >"$state/stdout.log" 2>&1 &
echo $! >"$state/pid"
bootstrap="127.0.0.1:$broker_port"

# Bounded wait: the broker answers metadata requests once it is ready.
for _ in $(seq 1 120); do
  if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then
    echo "kafka-start: broker exited during start-up; its log:" >&2
    tail -40 "$state/stdout.log" "$state/broker.log" >&2 2>/dev/null || true
    exit 1
  fi
  if kcat -b "$bootstrap" -L -m 2 >/dev/null 2>&1; then
    echo "$bootstrap" >"$state/bootstrap"
    echo "$bootstrap"
    exit 0
  fi
  sleep 0.5
done
echo "kafka-start: broker did not answer within 60 s" >&2
kill "$(cat "$state/pid")" 2>/dev/null || true
exit 1
