// The Kafka client settings, checked without a broker.
#include "pipeline/runtime/kafka_io.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

RunnerConfig Config() {
  RunnerConfig config;
  config.bootstrap_servers = "k1:9092,k2:9092";
  config.input_topics = {"wire.raw"};
  config.output_topic = "wire.normalized";
  config.instance_id = "2";
  return config;
}

TEST(IsSecretPropertyTest, HidesPasswordsKeysAndTokens) {
  EXPECT_TRUE(IsSecretProperty("sasl.password"));
  EXPECT_TRUE(IsSecretProperty("ssl.key.password"));
  EXPECT_TRUE(IsSecretProperty("ssl.keystore.password"));
  EXPECT_TRUE(IsSecretProperty("ssl.key.pem"));
  EXPECT_TRUE(IsSecretProperty("sasl.jaas.config"));
  EXPECT_TRUE(IsSecretProperty("sasl.oauthbearer.client.secret"));
  EXPECT_TRUE(IsSecretProperty("SASL.PASSWORD"));
}

TEST(IsSecretPropertyTest, ShowsLocationsAndPlainSettings) {
  EXPECT_FALSE(IsSecretProperty("ssl.key.location"));
  EXPECT_FALSE(IsSecretProperty("ssl.keystore.location"));
  EXPECT_FALSE(IsSecretProperty("bootstrap.servers"));
  EXPECT_FALSE(IsSecretProperty("sasl.username"));
  EXPECT_FALSE(IsSecretProperty("security.protocol"));
}

TEST(TransactionalIdForTest, IsTheGroupAndTheInstance) {
  RunnerConfig config = Config();
  EXPECT_EQ(TransactionalIdFor(config, "normalize"), "wirestream.normalize.2");
  config.group_id = "wirestream.normalize.backfill";
  EXPECT_EQ(TransactionalIdFor(config, "normalize"),
            "wirestream.normalize.backfill.2");
}

TEST(ClientPropertiesTest, ConsumerReadsCommittedAndCommitsItself) {
  EXPECT_THAT(
      ClientProperties(Config(), "normalize", "consumer"),
      ElementsAre(Pair("bootstrap.servers", "k1:9092,k2:9092"),
                  Pair("client.id", "wirestream.normalize.2.consumer"),
                  Pair("statistics.interval.ms", "5000"),
                  Pair("group.id", "wirestream.normalize"),
                  Pair("partition.assignment.strategy", "cooperative-sticky"),
                  Pair("enable.auto.commit", "false"),
                  Pair("enable.auto.offset.store", "false"),
                  Pair("auto.offset.reset", "earliest"),
                  Pair("isolation.level", "read_committed"),
                  Pair("enable.partition.eof", "false"),
                  // 8 MiB records plus 64 KiB.
                  Pair("fetch.message.max.bytes", "8454144")));
}

TEST(ClientPropertiesTest,
     ProducerIsIdempotentCompressesLingersAndFitsTheLargestRecord) {
  EXPECT_THAT(
      ClientProperties(Config(), "normalize", "producer"),
      ElementsAre(Pair("bootstrap.servers", "k1:9092,k2:9092"),
                  Pair("client.id", "wirestream.normalize.2.producer"),
                  Pair("statistics.interval.ms", "5000"),
                  Pair("enable.idempotence", "true"), Pair("linger.ms", "50"),
                  Pair("compression.type", "lz4"),
                  // 64 MiB dead letters plus 1 MiB.
                  Pair("message.max.bytes", "68157440")));
}

TEST(ClientPropertiesTest, AtLeastOnceProducerLingersBriefly) {
  RunnerConfig config = Config();
  config.mode = DeliveryMode::kAtLeastOnce;
  EXPECT_THAT(ClientProperties(config, "normalize", "producer"),
              ::testing::Contains(Pair("linger.ms", "5")));
}

TEST(ClientPropertiesTest, PassThroughPropertiesComeLastAndWin) {
  RunnerConfig config = Config();
  config.kafka_properties = {{"security.protocol", "SASL_SSL"},
                             {"auto.offset.reset", "latest"}};
  const auto consumer = ClientProperties(config, "normalize", "consumer");
  ASSERT_EQ(consumer.size(), 13u);
  EXPECT_THAT(consumer[7], Pair("auto.offset.reset", "earliest"));
  EXPECT_THAT(consumer[11], Pair("security.protocol", "SASL_SSL"));
  EXPECT_THAT(consumer[12], Pair("auto.offset.reset", "latest"));
  const auto producer = ClientProperties(config, "normalize", "producer");
  ASSERT_EQ(producer.size(), 9u);
  EXPECT_THAT(producer[7], Pair("security.protocol", "SASL_SSL"));
  EXPECT_THAT(producer[8], Pair("auto.offset.reset", "latest"));
}

}  // namespace
}  // namespace wirestream::runtime
