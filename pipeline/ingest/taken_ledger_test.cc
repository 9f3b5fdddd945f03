#include "pipeline/ingest/taken_ledger.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirestream::ingest {
namespace {

TEST(ReceiptTest, EncodesAndDecodesEveryField) {
  Receipt r{"wire.raw", 3, 1234567, absl::FromUnixMillis(1796695813705)};
  EXPECT_EQ(EncodeReceipt(r), "v1 wire.raw 3 1234567 1796695813705");
  absl::StatusOr<Receipt> back = DecodeReceipt(EncodeReceipt(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->topic, "wire.raw");
  EXPECT_EQ(back->partition, 3);
  EXPECT_EQ(back->offset, 1234567);
  EXPECT_EQ(back->taken_at, r.taken_at);
}

TEST(ReceiptTest, RefusesOtherText) {
  for (const char* bad : {"", "v1 wire.raw 3 12", "v2 wire.raw 3 1 2",
                          "v1 wire.raw x 1 2", "v1  3 1 2"}) {
    EXPECT_EQ(DecodeReceipt(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(TakenLedgerTest, FindsAddedKeysAndForgetsRemovedOnes) {
  TakenLedger ledger(absl::Hours(1));
  const absl::Time now = absl::Now();
  ledger.Add("push/0/ap/key:1", {"wire.raw", 0, 7, now});
  ASSERT_TRUE(ledger.Find("push/0/ap/key:1").has_value());
  EXPECT_EQ(ledger.Find("push/0/ap/key:1")->offset, 7);
  EXPECT_FALSE(ledger.Find("push/0/ap/key:2").has_value());
  ledger.Remove("push/0/ap/key:1");
  EXPECT_FALSE(ledger.Find("push/0/ap/key:1").has_value());
}

TEST(TakenLedgerTest, PrunesEntriesOlderThanTheWindow) {
  TakenLedger ledger(absl::Hours(1));
  const absl::Time now = absl::Now();
  ledger.Add("old", {"wire.raw", 0, 1, now - absl::Minutes(61)});
  ledger.Add("new", {"wire.raw", 0, 2, now - absl::Minutes(59)});
  EXPECT_EQ(ledger.Prune(now), 1);
  EXPECT_FALSE(ledger.Find("old").has_value());
  EXPECT_TRUE(ledger.Find("new").has_value());
  EXPECT_EQ(ledger.size(), 1u);
}

}  // namespace
}  // namespace wirestream::ingest
