#!/bin/bash
# Writes server.properties from the KAFKA_* variables as apache/kafka does (KAFKA_FOO_BAR
# → foo.bar; ___ → -, __ → _), formats the KRaft storage with CLUSTER_ID unless it is
# formatted already (static controller.quorum.voters), then runs the broker in the
# foreground (exec), so SIGTERM reaches the JVM.
set -euo pipefail
config=/opt/kafka/config/server.properties
: "${CLUSTER_ID:?CLUSTER_ID must name the cluster (22 base64url characters, e.g. from kafka-storage random-uuid)}"
: >"$config"
for name in $(compgen -e); do
  case "$name" in
    # the JVM's options, not server properties
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS) continue ;;
    KAFKA_*) ;;
    *) continue ;;
  esac
  key=$(printf '%s' "${name#KAFKA_}" | tr '[:upper:]' '[:lower:]' | sed -e 's/___/-/g' -e 's/__/\x01/g' -e 's/_/./g' -e 's/\x01/_/g')
  printf '%s=%s\n' "$key" "${!name}" >>"$config"
done
classpath='/opt/kafka/libs/*'
log4j=-Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties
java "$log4j" -cp "$classpath" kafka.tools.StorageTool format --ignore-formatted -t "$CLUSTER_ID" -c "$config"
# shellcheck disable=SC2086 # the option strings are lists of JVM options
exec java ${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20} \
  -Djava.awt.headless=true "$log4j" ${KAFKA_OPTS:-} -cp "$classpath" kafka.Kafka "$config"
