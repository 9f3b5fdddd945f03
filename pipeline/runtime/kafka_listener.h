// File: pipeline/runtime/kafka_listener.h
//
// Names the Kafka listener a client talks to, for messages about it:
// the bootstrap servers and the security settings that tell an operator
// which listener and which user, never a secret.
//
//   DescribeKafkaListener({{"bootstrap.servers", "kafka-1:9093"},
//                          {"security.protocol", "SASL_SSL"},
//                          {"sasl.password", "..."}})
//   // "kafka-1:9093 (security.protocol=SASL_SSL)"
#ifndef WIRESTREAM_PIPELINE_RUNTIME_KAFKA_LISTENER_H_
#define WIRESTREAM_PIPELINE_RUNTIME_KAFKA_LISTENER_H_

#include <string>
#include <utility>
#include <vector>

namespace wirestream::runtime {

// Returns "SERVERS (security.protocol=..., sasl.mechanisms=...,
// sasl.username=...)" from librdkafka `properties` (the last value of each
// key counts; settings not given are left out, and so are the parentheses
// when none is).
std::string DescribeKafkaListener(
    const std::vector<std::pair<std::string, std::string>>& properties);

}  // namespace wirestream::runtime

#endif  // WIRESTREAM_PIPELINE_RUNTIME_KAFKA_LISTENER_H_
