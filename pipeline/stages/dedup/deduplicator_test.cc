#include "pipeline/stages/dedup/deduplicator.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/stages/dedup/testing/story_builder.h"

namespace wirestream::stages::dedup {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::IsEmpty;
using ::testing::Le;
using ::testing::Lt;
using ::testing::SizeIs;
using ::wirestream::v1::DedupStateEntry;
using ::wirestream::v1::DedupVerdict;
using ::wirestream::v1::Story;

const absl::Time kT0 = absl::FromUnixSeconds(1732788000);  // 2024-11-28 10:00

std::vector<std::string> AcmeBody() {
  return {
      "Acme Industries Inc said on Tuesday its third-quarter net profit rose "
      "18% to $412 million, or $1.84 per share, as airlines ordered more "
      "replacement parts and prices for its titanium castings climbed.",
      "Revenue increased 11% to $3.26 billion from $2.94 billion a year "
      "earlier, beating the $3.11 billion analysts had expected, according "
      "to LSEG data.",
      "The Cleveland-based company raised its full-year earnings forecast to "
      "between $7.10 and $7.30 per share, from $6.80 to $7.00 previously.",
      "Chief Executive Laura Whitfield said supply chains for forged "
      "components had improved since the spring, allowing the company to "
      "clear a backlog of orders.",
      "Acme shares rose 6.2% to $148.50 in premarket trading.",
  };
}

// The same template filled for another company.
std::vector<std::string> GlobexBody() {
  return {
      "Globex Corp said on Tuesday its third-quarter net profit rose 9% to "
      "$287 million, or $2.06 per share, as airlines ordered more "
      "replacement parts and prices for its titanium castings climbed.",
      "Revenue increased 7% to $2.41 billion from $2.25 billion a year "
      "earlier, beating the $2.38 billion analysts had expected, according "
      "to LSEG data.",
      "The Seattle-based company raised its full-year earnings forecast to "
      "between $8.15 and $8.40 per share, from $7.90 to $8.20 previously.",
      "Chief Executive Daniel Okafor said supply chains for forged "
      "components had improved since the spring, allowing the company to "
      "clear a backlog of orders.",
      "Globex shares rose 3.9% to $96.20 in premarket trading.",
  };
}

Story Acme(absl::string_view id = "rtr-acme-1",
           absl::string_view source = "reuters",
           absl::string_view ssid = "acme-q3", int version = 1,
           absl::Time t = kT0) {
  return StoryBuilder(id)
      .Source(source, ssid, version)
      .Headline(
          "Acme Industries third-quarter profit jumps 18% on aircraft "
          "parts demand")
      .Paragraphs(AcmeBody())
      .Dateline("CLEVELAND", "Nov. 26")
      .Time(t)
      .Build();
}

std::unique_ptr<Deduplicator> MakeDeduplicator(DeduplicatorConfig config = {}) {
  auto dedup = Deduplicator::Create(config);
  EXPECT_TRUE(dedup.ok()) << dedup.status();
  return *std::move(dedup);
}

DedupStateEntry ParseEntry(const StateChange& change) {
  DedupStateEntry entry;
  EXPECT_TRUE(change.value.has_value());
  EXPECT_TRUE(entry.ParseFromString(change.value.value_or("")));
  return entry;
}

std::vector<std::string> Keys(const std::vector<StateChange>& changes,
                              bool tombstones) {
  std::vector<std::string> keys;
  for (const auto& c : changes) {
    if (c.value.has_value() != tombstones) keys.push_back(c.key);
  }
  return keys;
}

TEST(DeduplicatorConfigTest, RejectsSettingsOutOfRange) {
  auto invalid = [](DeduplicatorConfig c) {
    return Deduplicator::Create(c).status().code() ==
           absl::StatusCode::kInvalidArgument;
  };
  EXPECT_TRUE(invalid({.window = absl::ZeroDuration()}));
  EXPECT_TRUE(invalid({.memory_budget_bytes = 0}));
  EXPECT_TRUE(invalid({.shingle_size = 0}));
  EXPECT_TRUE(invalid({.bands = 33}));
  EXPECT_TRUE(invalid({.rows = 9}));
  EXPECT_TRUE(invalid({.near_duplicate_resemblance = 1.5}));
  EXPECT_TRUE(invalid({.number_agreement = -0.1}));
  EXPECT_TRUE(invalid({.max_bucket_entries = 0}));
  EXPECT_TRUE(Deduplicator::Create({}).ok());
}

TEST(DeduplicatorTest, FirstStoryIsNewAndStartsItsCluster) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  DedupVerdict v = dedup->Judge(Acme(), kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_NEW);
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
  EXPECT_EQ(v.matched_story_id(), "");
  EXPECT_EQ(v.similarity(), 0.0f);
  EXPECT_EQ(v.method(), "no-match");
  EXPECT_EQ(v.domain(), "en");
  ASSERT_THAT(changes, SizeIs(1));
  EXPECT_EQ(changes[0].key, "en/rtr-acme-1");
  DedupStateEntry entry = ParseEntry(changes[0]);
  EXPECT_EQ(entry.story_id(), "rtr-acme-1");
  EXPECT_EQ(entry.cluster_id(), "");  // its own
  EXPECT_EQ(entry.kind(), wirestream::v1::DEDUP_KIND_NEW);
  EXPECT_EQ(entry.event_time().seconds(), absl::ToUnixSeconds(kT0));
  EXPECT_EQ(entry.minhash().size(), 60u);  // 20 bands of 3 rows
  EXPECT_EQ(entry.version(), 1);
  EXPECT_EQ(dedup->stats().entries, 1);
  EXPECT_EQ(dedup->stats().verdicts[wirestream::v1::DEDUP_KIND_NEW], 1);
}

TEST(DeduplicatorTest, ResendOfSameVersionIsDuplicateAndAddsNoEntry) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(Acme(), kT0, &changes);
  changes.clear();
  DedupVerdict v = dedup->Judge(
      Acme("rtr-acme-1", "reuters", "acme-q3", 1, kT0 + absl::Minutes(5)), kT0,
      &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_DUPLICATE);
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
  EXPECT_EQ(v.matched_story_id(), "rtr-acme-1");
  EXPECT_EQ(v.similarity(), 1.0f);
  EXPECT_EQ(v.method(), "source-id+version");
  EXPECT_THAT(changes, IsEmpty());
  EXPECT_EQ(dedup->stats().entries, 1);
}

TEST(DeduplicatorTest, SameTextFromAnotherFeedIsDuplicateByTextHash) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(Acme(), kT0, &changes);
  DedupVerdict v = dedup->Judge(
      Acme("bbg-77", "bloomberg", "x-77", 1, kT0 + absl::Minutes(2)), kT0,
      &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_DUPLICATE);
  EXPECT_EQ(v.method(), "text-hash");
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
  EXPECT_EQ(v.matched_story_id(), "rtr-acme-1");
  EXPECT_EQ(v.similarity(), 1.0f);
}

TEST(DeduplicatorTest, NewerVersionIsUpdateOlderIsSupersededDuplicate) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(Acme(), kT0, &changes);
  // Version 2 corrects the revenue figure.
  std::vector<std::string> body = AcmeBody();
  body[1] =
      "Revenue increased 11% to $3.28 billion from $2.94 billion a year "
      "earlier, beating the $3.11 billion analysts had expected, according "
      "to LSEG data.";
  Story v2 = StoryBuilder("rtr-acme-2")
                 .Source("reuters", "acme-q3", 2)
                 .Headline(
                     "CORRECTED-Acme Industries third-quarter profit "
                     "jumps 18% on aircraft parts demand")
                 .Paragraphs(body)
                 .Time(kT0 + absl::Hours(1))
                 .Build();
  changes.clear();
  DedupVerdict v = dedup->Judge(v2, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_UPDATE);
  EXPECT_EQ(v.method(), "source-id+newer-version");
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
  EXPECT_EQ(v.matched_story_id(), "rtr-acme-1");
  EXPECT_THAT(v.similarity(), AllOf(Ge(0.7f), Lt(1.0f)));
  ASSERT_THAT(changes, SizeIs(1));
  EXPECT_EQ(ParseEntry(changes[0]).cluster_id(), "rtr-acme-1");
  EXPECT_EQ(ParseEntry(changes[0]).kind(), wirestream::v1::DEDUP_KIND_UPDATE);

  // Version 1 arriving again after version 2 is superseded.
  v = dedup->Judge(
      Acme("rtr-acme-1", "reuters", "acme-q3", 1, kT0 + absl::Hours(2)), kT0,
      &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_DUPLICATE);
  EXPECT_EQ(v.method(), "source-id+version");
  // An unseen older version (1.5 does not exist, but 0 does not either).
  v = dedup->Judge(
      Acme("rtr-acme-0", "reuters", "acme-q3", 0, kT0 + absl::Hours(2)), kT0,
      &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_DUPLICATE);
  EXPECT_EQ(v.method(), "source-id+older-version");
  EXPECT_EQ(v.matched_story_id(), "rtr-acme-2");
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
}

TEST(DeduplicatorTest, RetitledTrimmedCopyIsNearDuplicate) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(Acme(), kT0, &changes);
  std::vector<std::string> body = AcmeBody();
  body.pop_back();  // trimmed
  body[0] =
      "Acme Industries Inc said on Tuesday its third-quarter net profit rose "
      "18% to $412 million, or $1.84 a share, as airlines ordered more "
      "replacement parts and prices for titanium castings climbed.";
  Story copy = StoryBuilder("web-99")
                   .Source("daily-herald", "dh-5521", 1)
                   .Headline("Acme lifts outlook as airlines buy parts")
                   .Paragraphs(body)
                   .Time(kT0 + absl::Hours(3))
                   .Build();
  changes.clear();
  DedupVerdict v = dedup->Judge(copy, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE);
  EXPECT_EQ(v.method(), "minhash");
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
  EXPECT_EQ(v.matched_story_id(), "rtr-acme-1");
  EXPECT_THAT(v.similarity(), AllOf(Ge(0.6f), Lt(1.0f)));
  // A near-duplicate is remembered: its own re-send is a duplicate of it.
  ASSERT_THAT(changes, SizeIs(1));
  EXPECT_EQ(changes[0].key, "en/web-99");
  v = dedup->Judge(copy, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_DUPLICATE);
  EXPECT_EQ(v.matched_story_id(), "web-99");
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
}

TEST(DeduplicatorTest, SameTemplateForAnotherCompanyIsNew) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(Acme(), kT0, &changes);
  Story globex = StoryBuilder("rtr-globex-1")
                     .Source("reuters", "globex-q3", 1)
                     .Headline(
                         "Globex third-quarter profit jumps 9% on "
                         "aircraft parts demand")
                     .Paragraphs(GlobexBody())
                     .Dateline("SEATTLE", "Nov. 26")
                     .Time(kT0 + absl::Minutes(30))
                     .Build();
  DedupVerdict v = dedup->Judge(globex, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_NEW);
  EXPECT_EQ(v.cluster_id(), "rtr-globex-1");
}

TEST(DeduplicatorTest, SameMarketReportOnAnotherDayIsNew) {
  auto report = [](absl::string_view id, absl::string_view day,
                   absl::string_view date, absl::string_view sp,
                   absl::string_view dow, absl::string_view nasdaq,
                   absl::string_view yield, absl::Time t) {
    return StoryBuilder(id)
        .Source("reuters", id, 1)
        .Headline("US stocks close higher as tech shares rally")
        .Paragraph(absl::StrCat(
            "U.S. stocks closed higher on ", day,
            " as gains in technology shares offset worries about interest "
            "rates. The S&P 500 rose ",
            sp, ", the Dow Jones Industrial Average gained ", dow,
            " and the Nasdaq Composite added ", nasdaq, "."))
        .Paragraph(absl::StrCat(
            "The yield on the benchmark 10-year Treasury note was ", yield,
            ". Investors are awaiting comments from Federal Reserve "
            "officials later in the week for clues on the path of rates."))
        .Paragraph(
            "Trading volume on U.S. exchanges was below the 20-day average.")
        .Dateline("NEW YORK", date)
        .Time(t)
        .Build();
  };
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(report("mkt-1126", "Tuesday", "Nov. 26", "0.6% to 5,987.37",
                      "0.3% to 44,860.31", "0.6% to 19,174.30", "4.30%", kT0),
               kT0, &changes);
  DedupVerdict v =
      dedup->Judge(report("mkt-1127", "Wednesday", "Nov. 27",
                          "0.4% to 6,011.50", "0.2% to 44,958.02",
                          "0.5% to 19,270.88", "4.26%", kT0 + absl::Hours(24)),
                   kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_NEW);
}

TEST(DeduplicatorTest, ShortItemsMergeOnlyWhenFiguresAndNamesAgree) {
  auto urgent = [](absl::string_view id, absl::string_view source,
                   absl::string_view headline) {
    return StoryBuilder(id)
        .Source(source, id, 1)
        .Headline(headline)
        .Paragraph(headline)
        .Time(kT0)
        .Build();
  };
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(
      urgent("u1", "reuters", "Fed raises interest rates by 25 basis points"),
      kT0, &changes);
  EXPECT_EQ(dedup
                ->Judge(urgent("u2", "ap",
                               "Fed raises interest rates by 50 basis points"),
                        kT0, &changes)
                .kind(),
            wirestream::v1::DEDUP_KIND_NEW);
  dedup->Judge(urgent("u3", "reuters", "ECB holds interest rates steady"), kT0,
               &changes);
  EXPECT_EQ(dedup
                ->Judge(urgent("u4", "ap", "BoE holds interest rates steady"),
                        kT0, &changes)
                .kind(),
            wirestream::v1::DEDUP_KIND_NEW);
  DedupVerdict v = dedup->Judge(
      urgent("u5", "afp", "Fed raises interest rates by 25 basis points"), kT0,
      &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_DUPLICATE);
  EXPECT_EQ(v.cluster_id(), "u1");
}

TEST(DeduplicatorTest, KillMarksTheClusterAndFlagsLaterCopies) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(Acme(), kT0, &changes);
  Story kill = StoryBuilder("rtr-acme-3")
                   .Source("reuters", "acme-q3", 3)
                   .Headline("KILL - Acme Industries third-quarter results")
                   .Paragraph(
                       "Editors: the story is withdrawn. It was "
                       "published in error. There will be no "
                       "replacement story.")
                   .PubStatus(wirestream::v1::PUB_STATUS_CANCELED)
                   .Time(kT0 + absl::Hours(1))
                   .Build();
  DedupVerdict v = dedup->Judge(kill, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_KILL);
  EXPECT_EQ(v.method(), "source-id+newer-version");
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
  EXPECT_EQ(v.matched_story_id(), "rtr-acme-1");

  // A re-send of the killed story, and another outlet's copy of it.
  v = dedup->Judge(Acme(), kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_KILL);
  EXPECT_EQ(v.method(), "source-id+version+killed-cluster");
  v = dedup->Judge(Acme("bbg-1", "bloomberg", "b-1"), kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_KILL);
  EXPECT_EQ(v.method(), "text-hash+killed-cluster");
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
  EXPECT_EQ(dedup->stats().verdicts[wirestream::v1::DEDUP_KIND_KILL], 3);
}

TEST(DeduplicatorTest, KillOfAnUnknownStoryStartsAKilledCluster) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  Story kill = StoryBuilder("ap-9-2")
                   .Source("ap", "ap-9", 2)
                   .Headline("Withheld: mayor resigns")
                   .PubStatus(wirestream::v1::PUB_STATUS_WITHHELD)
                   .Time(kT0)
                   .Build();
  DedupVerdict v = dedup->Judge(kill, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_KILL);
  EXPECT_EQ(v.method(), "pub-status");
  EXPECT_EQ(v.cluster_id(), "ap-9-2");
  // Its version 1 arriving late joins the killed cluster.
  v = dedup->Judge(StoryBuilder("ap-9-1")
                       .Source("ap", "ap-9", 1)
                       .Headline("Mayor resigns")
                       .Time(kT0)
                       .Build(),
                   kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_KILL);
  EXPECT_EQ(v.method(), "source-id+older-version+killed-cluster");
}

TEST(DeduplicatorTest, KillReusingTheVersionReplacesTheEntry) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(Acme(), kT0, &changes);
  Story killed = Acme();
  killed.set_pub_status(wirestream::v1::PUB_STATUS_CANCELED);
  changes.clear();
  DedupVerdict v = dedup->Judge(killed, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_KILL);
  EXPECT_EQ(v.method(), "source-id+version");
  // One entry under the same key, now a kill: no tombstone.
  ASSERT_THAT(changes, SizeIs(1));
  EXPECT_EQ(changes[0].key, "en/rtr-acme-1");
  EXPECT_EQ(ParseEntry(changes[0]).kind(), wirestream::v1::DEDUP_KIND_KILL);
  EXPECT_EQ(dedup->stats().entries, 1);
  // Killed twice is a duplicate of the kill.
  EXPECT_EQ(dedup->Judge(killed, kT0, &changes).kind(),
            wirestream::v1::DEDUP_KIND_DUPLICATE);
}

TEST(DeduplicatorTest, CorrectionUnderANewIdFromTheSameSourceIsUpdate) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(Acme(), kT0, &changes);
  std::vector<std::string> body = AcmeBody();
  body[0] =
      "Acme Industries Inc said on Tuesday its third-quarter net profit rose "
      "16% to $405 million, or $1.81 per share, as airlines ordered more "
      "replacement parts and prices for its titanium castings climbed.";
  auto correction = [&](absl::string_view id, absl::string_view source) {
    return StoryBuilder(id)
        .Source(source, id, 1)
        .Headline(
            "CORRECTED-Acme Industries third-quarter profit jumps 16% "
            "on aircraft parts demand")
        .Paragraphs(body)
        .Time(kT0 + absl::Hours(2))
        .Build();
  };
  DedupVerdict v =
      dedup->Judge(correction("rtr-acme-c", "reuters"), kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_UPDATE);
  EXPECT_EQ(v.method(), "minhash+correction");
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
}

TEST(DeduplicatorTest, DomainsNeverMeet) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(Acme(), kT0, &changes);
  Story french = Acme("afp-1", "afp", "afp-1");
  french.set_language("fr-FR");
  DedupVerdict v = dedup->Judge(french, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_NEW);
  EXPECT_EQ(v.domain(), "fr");
  auto single = MakeDeduplicator({.domain_mode = DomainMode::kSingle});
  single->Judge(Acme(), kT0, &changes);
  v = single->Judge(french, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_DUPLICATE);
  EXPECT_EQ(v.domain(), "all");
}

TEST(DeduplicatorTest, EntriesExpirePastTheWindowByEventTime) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(Acme(), kT0, &changes);
  // 72 hours and one minute later: the minute of the first story is past.
  Story later = StoryBuilder("ap-later")
                    .Source("ap", "ap-later", 1)
                    .Headline("Storm closes schools")
                    .Paragraph(
                        "Heavy snow closed schools across the region "
                        "on Monday as forecasters warned of more.")
                    .Time(kT0 + absl::Hours(72) + absl::Minutes(1))
                    .Build();
  changes.clear();
  dedup->Judge(later, kT0, &changes);
  EXPECT_THAT(Keys(changes, /*tombstones=*/true), ElementsAre("en/rtr-acme-1"));
  EXPECT_THAT(Keys(changes, /*tombstones=*/false), ElementsAre("en/ap-later"));
  EXPECT_EQ(dedup->stats().expirations, 1);
  EXPECT_EQ(dedup->stats().entries, 1);
  // The expired story is new again, but arrives too late to be remembered.
  changes.clear();
  DedupVerdict v = dedup->Judge(Acme(), kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_NEW);
  EXPECT_THAT(changes, IsEmpty());
}

TEST(DeduplicatorTest, EntriesInsideTheWindowStay) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  dedup->Judge(Acme(), kT0, &changes);
  Story later = StoryBuilder("ap-later")
                    .Source("ap", "ap-later", 1)
                    .Headline("Storm closes schools")
                    .Time(kT0 + absl::Hours(71))
                    .Build();
  dedup->Judge(later, kT0, &changes);
  EXPECT_EQ(dedup->stats().expirations, 0);
  EXPECT_EQ(dedup->Judge(Acme(), kT0, &changes).kind(),
            wirestream::v1::DEDUP_KIND_DUPLICATE);
}

TEST(DeduplicatorTest, FutureDatesAreClampedToArrival) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  Story bogus = Acme();
  bogus.mutable_version_created()->set_seconds(4102444800);  // year 2100
  dedup->Judge(bogus, kT0, &changes);
  EXPECT_EQ(ParseEntry(changes[0]).event_time().seconds(),
            absl::ToUnixSeconds(kT0 + absl::Minutes(1) + absl::Hours(1)));
  EXPECT_EQ(Deduplicator::EventTimeOf(Story(), kT0, absl::Hours(1)), kT0);
}

TEST(DeduplicatorTest, BudgetEvictsTheOldestByEventTime) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  auto story = [](int i, absl::Time t) {
    return StoryBuilder(absl::StrCat("s", i))
        .Source("ap", absl::StrCat("ap-", i), 1)
        .Headline(absl::StrCat("Story number ", i, " about a local event"))
        .Paragraph(absl::StrCat("Paragraph ", i,
                                " describing what happened in town today."))
        .Time(t)
        .Build();
  };
  dedup->Judge(story(1, kT0 + absl::Minutes(10)), kT0, &changes);
  const int64_t per_entry = dedup->stats().bytes;
  dedup->set_memory_budget(3 * per_entry + per_entry / 2);
  // Out of order by event time: s2 is the oldest.
  dedup->Judge(story(2, kT0), kT0, &changes);
  dedup->Judge(story(3, kT0 + absl::Minutes(20)), kT0, &changes);
  changes.clear();
  dedup->Judge(story(4, kT0 + absl::Minutes(30)), kT0, &changes);
  EXPECT_THAT(Keys(changes, /*tombstones=*/true), ElementsAre("en/s2"));
  dedup->Judge(story(5, kT0 + absl::Minutes(40)), kT0, &changes);
  EXPECT_THAT(Keys(changes, /*tombstones=*/true),
              ElementsAre("en/s2", "en/s1"));
  const DedupStats stats = dedup->stats();
  EXPECT_EQ(stats.entries, 3);
  EXPECT_EQ(stats.evictions, 2);
  EXPECT_LE(stats.bytes, 3 * per_entry + per_entry / 2);
}

TEST(DeduplicatorTest, ReportsBytesPerEntry) {
  auto dedup = MakeDeduplicator();
  std::vector<StateChange> changes;
  for (int i = 0; i < 200; ++i) {
    // Words of their own, so every story takes a cell in every LSH band.
    std::string words;
    for (char c = 'a'; c <= 'l'; ++c) {
      absl::StrAppend(&words, " w", i, std::string(1, c));
    }
    dedup->Judge(StoryBuilder(absl::StrCat("story-id-", i))
                     .Source("ap", absl::StrCat("ap-", i), 1)
                     .Headline(absl::StrCat("Headline ", i))
                     .Paragraph(words)
                     .Time(kT0 + absl::Seconds(i))
                     .Build(),
                 kT0, &changes);
  }
  const DedupStats stats = dedup->stats();
  EXPECT_EQ(stats.entries, 200);
  // Record (48) + signature (60) + number, name and lead sketches (3 x 34)
  // + id pointer (8, empty for a cluster's first story) + time order (4) +
  // 22 index cells (176) + cluster (16, and 32 of heap for its 12-byte id):
  // 446 bytes.
  EXPECT_EQ(stats.bytes_per_entry(), 446.0);
  EXPECT_GE(stats.allocated_bytes, stats.bytes / 2);
  EXPECT_LE(stats.allocated_bytes, stats.bytes * 2);
}

// Replays `changes` into `dedup` as a changelog reader would.
void Replay(const std::vector<StateChange>& changes, Deduplicator& dedup,
            std::vector<StateChange>* after) {
  for (const auto& c : changes) {
    dedup.Restore(c.key, c.value ? std::optional<absl::string_view>(*c.value)
                                 : std::nullopt);
  }
  dedup.FinishRestore(after);
}

TEST(DeduplicatorTest, RestoredStateCatchesWhatWasSeenBefore) {
  auto before = MakeDeduplicator();
  std::vector<StateChange> changelog;
  before->Judge(Acme(), kT0, &changelog);
  Story storm = StoryBuilder("ap-storm")
                    .Source("ap", "ap-storm", 1)
                    .Headline("Storm closes schools")
                    .Time(kT0 + absl::Minutes(1))
                    .Build();
  before->Judge(storm, kT0, &changelog);
  // A kill marks the storm's cluster.
  Story kill = storm;
  kill.set_id("ap-storm-2");
  kill.set_version(2);
  kill.set_pub_status(wirestream::v1::PUB_STATUS_CANCELED);
  before->Judge(kill, kT0, &changelog);
  Story bridge = StoryBuilder("ap-bridge")
                     .Source("ap", "ap-bridge", 1)
                     .Headline("Bridge reopens after repairs")
                     .Time(kT0 + absl::Minutes(2))
                     .Build();
  before->Judge(bridge, kT0, &changelog);
  const int64_t bytes_before = before->stats().bytes;
  // A tombstone in the changelog removes an entry; garbage is skipped.
  changelog.push_back({"en/ap-bridge", std::nullopt});
  changelog.push_back({"en/garbage", std::string("\xff\xff\xff", 3)});

  auto after = MakeDeduplicator();
  std::vector<StateChange> dropped;
  Replay(changelog, *after, &dropped);
  EXPECT_THAT(dropped, IsEmpty());
  DedupStats stats = after->stats();
  EXPECT_EQ(stats.entries, 3);
  EXPECT_EQ(stats.restored_entries, 3);
  EXPECT_EQ(stats.restore_errors, 1);
  // The bridge's entry (398 bytes) and its cluster (16, and 32 of heap for
  // its id) are gone.
  EXPECT_EQ(stats.bytes, bytes_before - 398 - 48);

  std::vector<StateChange> changes;
  DedupVerdict v = after->Judge(Acme(), kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_DUPLICATE);
  EXPECT_EQ(v.method(), "source-id+version");
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
  v = after->Judge(Acme("bbg-1", "bloomberg", "b-1"), kT0, &changes);
  EXPECT_EQ(v.method(), "text-hash");
  std::vector<std::string> body = AcmeBody();
  body.pop_back();
  v = after->Judge(StoryBuilder("web-1")
                       .Source("herald", "h-1", 1)
                       .Headline("Acme lifts outlook as airlines buy parts")
                       .Paragraphs(body)
                       .Time(kT0 + absl::Hours(1))
                       .Build(),
                   kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE);
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
  // The storm's cluster is still killed.
  v = after->Judge(storm, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_KILL);
  EXPECT_EQ(v.method(), "source-id+version+killed-cluster");
  // The bridge is forgotten.
  v = after->Judge(bridge, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_NEW);
}

TEST(DeduplicatorTest, RestoreKeepsClustersAndKills) {
  auto before = MakeDeduplicator();
  std::vector<StateChange> changelog;
  before->Judge(Acme(), kT0, &changelog);
  std::vector<std::string> body = AcmeBody();
  body.pop_back();
  Story copy = StoryBuilder("web-1")
                   .Source("herald", "h-1", 1)
                   .Headline("Acme lifts outlook as airlines buy parts")
                   .Paragraphs(body)
                   .Time(kT0 + absl::Hours(1))
                   .Build();
  before->Judge(copy, kT0, &changelog);
  Story kill = Acme("rtr-acme-2", "reuters", "acme-q3", 2);
  kill.set_pub_status(wirestream::v1::PUB_STATUS_CANCELED);
  before->Judge(kill, kT0, &changelog);
  // The cluster's first story leaves; its cluster id stays with the rest.
  changelog.push_back({"en/rtr-acme-1", std::nullopt});

  auto after = MakeDeduplicator();
  std::vector<StateChange> dropped;
  Replay(changelog, *after, &dropped);
  std::vector<StateChange> changes;
  DedupVerdict v = after->Judge(copy, kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_KILL);
  EXPECT_EQ(v.method(), "source-id+version+killed-cluster");
  EXPECT_EQ(v.cluster_id(), "rtr-acme-1");
  EXPECT_EQ(v.matched_story_id(), "web-1");
}

TEST(DeduplicatorTest, FinishRestoreExpiresAndEvictsWithTombstones) {
  auto before = MakeDeduplicator();
  std::vector<StateChange> changelog;
  before->Judge(Acme(), kT0, &changelog);
  before->Judge(StoryBuilder("ap-1")
                    .Source("ap", "ap-1", 1)
                    .Headline("Storm closes schools")
                    .Time(kT0 + absl::Hours(10))
                    .Build(),
                kT0, &changelog);
  // The tombstone was lost (e.g. written by a worker that then crashed):
  // the window still applies on restore.
  before->Judge(StoryBuilder("ap-2")
                    .Source("ap", "ap-2", 1)
                    .Headline("Bridge reopens after repairs")
                    .Time(kT0 + absl::Hours(80))
                    .Build(),
                kT0, &changelog);
  changelog.erase(std::remove_if(changelog.begin(), changelog.end(),
                                 [](const StateChange& c) { return !c.value; }),
                  changelog.end());
  ASSERT_THAT(changelog, SizeIs(3));
  auto after = MakeDeduplicator();
  std::vector<StateChange> dropped;
  Replay(changelog, *after, &dropped);
  EXPECT_THAT(Keys(dropped, /*tombstones=*/true), ElementsAre("en/rtr-acme-1"));
  EXPECT_EQ(after->stats().entries, 2);
}

TEST(DeduplicatorTest, EntriesFromAnotherSchemeMatchOnlyExactly) {
  auto before = MakeDeduplicator();
  std::vector<StateChange> changelog;
  before->Judge(Acme(), kT0, &changelog);
  auto after = MakeDeduplicator({.shingle_size = 2});
  std::vector<StateChange> dropped;
  Replay(changelog, *after, &dropped);
  std::vector<StateChange> changes;
  EXPECT_EQ(after->Judge(Acme(), kT0, &changes).kind(),
            wirestream::v1::DEDUP_KIND_DUPLICATE);
  std::vector<std::string> body = AcmeBody();
  body.pop_back();
  DedupVerdict v = after->Judge(StoryBuilder("web-1")
                                    .Source("herald", "h-1", 1)
                                    .Headline("Acme lifts outlook")
                                    .Paragraphs(body)
                                    .Time(kT0)
                                    .Build(),
                                kT0, &changes);
  EXPECT_EQ(v.kind(), wirestream::v1::DEDUP_KIND_NEW);
}

}  // namespace
}  // namespace wirestream::stages::dedup
