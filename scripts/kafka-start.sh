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
#
# Besides the plaintext listener (the printed address), the broker has a
# second listener that takes TLS with SASL only (SCRAM-SHA-512 or PLAIN),
# for the security tests. Its certificates (a throwaway CA and a certificate
# for 127.0.0.1 and localhost) are made with openssl at every start; one
# user with a random password is created for both mechanisms (the SCRAM
# credential when the log directory is formatted). librdkafka before 2.6.1
# (Debian bookworm has 2.0.2) cannot complete SCRAM with Kafka 4 brokers
# (it repeats the client nonce, which Kafka 4 rejects), so clients built on
# it use PLAIN over TLS here. STATE_DIR/secure.env says how to reach the
# listener, in shell syntax:
#
#   WIRESTREAM_PLAIN_BOOTSTRAP=127.0.0.1:PORT    the printed address
#   WIRESTREAM_SECURE_BOOTSTRAP=127.0.0.1:PORT   the SASL_SSL listener
#   WIRESTREAM_SECURE_CA=STATE_DIR/tls/ca.pem    the CA that signed it
#   WIRESTREAM_SECURE_USER=wirestream
#   WIRESTREAM_SECURE_PASSWORD=...               new at every start
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
secure_port="$(free_port)"
while [[ "$secure_port" == "$broker_port" || "$secure_port" == "$controller_port" ]]; do
  secure_port="$(free_port)"
done

# The SASL_SSL listener's certificates: a CA, and the broker's key and
# certificate (signed by it, valid for 127.0.0.1 and localhost) in one PEM
# file, which Kafka reads as a keystore.
tls="$state/tls"
mkdir -p "$tls"
(
  umask 077
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=wirestream test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" >"$tls/openssl.log" 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$tls/broker.key" -out "$tls/broker.csr" >>"$tls/openssl.log" 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$tls/broker.ext"
  openssl x509 -req -in "$tls/broker.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 2 -extfile "$tls/broker.ext" -out "$tls/broker.crt" \
    >>"$tls/openssl.log" 2>&1
  openssl pkcs8 -topk8 -nocrypt -in "$tls/broker.key" -out "$tls/broker.pk8" \
    >>"$tls/openssl.log" 2>&1
  cat "$tls/broker.pk8" "$tls/broker.crt" "$tls/ca.pem" >"$tls/broker-keystore.pem"
) || {
  echo "kafka-start: making the TLS certificates failed:" >&2
  cat "$tls/openssl.log" >&2
  exit 1
}
chmod 644 "$tls/ca.pem"
secure_user="wirestream"
secure_password="$(openssl rand -hex 16)"

cat >"$state/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$broker_port,CONTROLLER://127.0.0.1:$controller_port,SASL_SSL://127.0.0.1:$secure_port
advertised.listeners=PLAINTEXT://127.0.0.1:$broker_port,SASL_SSL://127.0.0.1:$secure_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$secure_user="$secure_password";
listener.name.sasl_ssl.ssl.keystore.type=PEM
listener.name.sasl_ssl.ssl.keystore.location=$tls/broker-keystore.pem
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
scram="SCRAM-SHA-512=[name=$secure_user,password=$secure_password]"
java "${java_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format \
  -t "$cluster_id" -c "$state/server.properties" --standalone --add-scram "$scram" \
  >"$state/format.log" 2>&1 ||
  java "${java_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$state/server.properties" --add-scram "$scram" \
    >"$state/format.log" 2>&1 || {
    echo "kafka-start: formatting the log directory failed:" >&2
    cat "$state/format.log" >&2
    exit 1
  }

nohup java "${java_opts[@]}" -cp "$libs/*" kafka.Kafka "$state/server.properties" \
  >"$state/stdout.log" 2>&1 &
echo $! >"$state/pid"
bootstrap="127.0.0.1:$broker_port"
secure_bootstrap="127.0.0.1:$secure_port"
(
  umask 077
  cat >"$state/secure.env" <<ENV
WIRESTREAM_PLAIN_BOOTSTRAP=$bootstrap
WIRESTREAM_SECURE_BOOTSTRAP=$secure_bootstrap
WIRESTREAM_SECURE_CA=$tls/ca.pem
WIRESTREAM_SECURE_USER=$secure_user
WIRESTREAM_SECURE_PASSWORD=$secure_password
ENV
)
secure_kcat=(-X security.protocol=SASL_SSL -X sasl.mechanisms=PLAIN
  -X "sasl.username=$secure_user" -X "sasl.password=$secure_password"
  -X "ssl.ca.location=$tls/ca.pem")

# Bounded wait: the broker answers metadata requests on both listeners once
# it is ready.
for _ in $(seq 1 120); do
  if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then
    echo "kafka-start: broker exited during start-up; its log:" >&2
    tail -40 "$state/stdout.log" "$state/broker.log" >&2 2>/dev/null || true
    exit 1
  fi
  if kcat -b "$bootstrap" -L -m 2 >/dev/null 2>&1 &&
    kcat -b "$secure_bootstrap" "${secure_kcat[@]}" -L -m 2 >/dev/null 2>&1; then
    echo "$bootstrap" >"$state/bootstrap"
    echo "$bootstrap"
    exit 0
  fi
  sleep 0.5
done
echo "kafka-start: broker did not answer within 60 s" >&2
kill "$(cat "$state/pid")" 2>/dev/null || true
exit 1
