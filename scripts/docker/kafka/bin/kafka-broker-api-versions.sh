#!/bin/bash
# Same command and path as in apache/kafka: docker-compose.yml's broker healthcheck runs it.
# A small heap and the client compiler only: it runs every few seconds per broker.
exec java -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties \
  -cp '/opt/kafka/libs/*' org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
