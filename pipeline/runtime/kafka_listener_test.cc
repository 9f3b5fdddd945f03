#include "pipeline/runtime/kafka_listener.h"

#include "gtest/gtest.h"

namespace wirestream::runtime {
namespace {

TEST(DescribeKafkaListenerTest, NamesServersAndUserNeverSecrets) {
  EXPECT_EQ(DescribeKafkaListener({{"bootstrap.servers", "kafka-1:9093"},
                                   {"security.protocol", "SASL_SSL"},
                                   {"sasl.mechanisms", "SCRAM-SHA-512"},
                                   {"sasl.username", "wirestream"},
                                   {"sasl.password", "hunter2"},
                                   {"ssl.ca.location", "/etc/ca.pem"}}),
            "kafka-1:9093 (security.protocol=SASL_SSL, "
            "sasl.mechanisms=SCRAM-SHA-512, sasl.username=wirestream)");
}

TEST(DescribeKafkaListenerTest, LastValueCountsAndPlainHasNoDetails) {
  EXPECT_EQ(DescribeKafkaListener({{"bootstrap.servers", "a:9092"},
                                   {"bootstrap.servers", "b:9092"}}),
            "b:9092");
  EXPECT_EQ(DescribeKafkaListener({{"metadata.broker.list", "c:9092"},
                                   {"security.protocol", "SSL"}}),
            "c:9092 (security.protocol=SSL)");
}

}  // namespace
}  // namespace wirestream::runtime
