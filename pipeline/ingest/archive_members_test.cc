#include "pipeline/ingest/archive_members.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/ingest/testing/archive_builder.h"

namespace wirestream::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

TEST(ArchiveMembersTest, ReadsZipTarAndTarGzMembersInOrder) {
  for (ArchiveKind kind :
       {ArchiveKind::kZip, ArchiveKind::kTar, ArchiveKind::kTarGz}) {
    const std::string bytes = BuildArchive(
        kind, {{"a/one.xml", "<nitf/>"}, {"two.txt", "STORM\nText"}});
    EXPECT_TRUE(LooksLikeArchive(bytes));
    auto members = ReadArchiveMembers(bytes, {});
    ASSERT_TRUE(members.ok()) << members.status();
    EXPECT_THAT(*members, ElementsAre(Field(&ArchiveMember::name, "a/one.xml"),
                                      Field(&ArchiveMember::name, "two.txt")));
    EXPECT_EQ((*members)[1].bytes, "STORM\nText");
  }
}

TEST(ArchiveMembersTest, SkipsHiddenMembers) {
  auto members = ReadArchiveMembers(
      BuildArchive(ArchiveKind::kZip, {{"__MACOSX/._a.xml", "x"},
                                       {".DS_Store", "x"},
                                       {"a.xml", "<nitf/>"}}),
      {});
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_THAT(*members, ElementsAre(Field(&ArchiveMember::name, "a.xml")));
}

TEST(ArchiveMembersTest, RefusesNamesThatLeaveTheBatch) {
  for (const char* name : {"../etc/passwd", "a/../../b", "/abs/story.txt"}) {
    auto members = ReadArchiveMembers(
        BuildArchive(ArchiveKind::kTar, {{name, "story"}}), {});
    EXPECT_EQ(members.status().code(), absl::StatusCode::kInvalidArgument)
        << name;
    EXPECT_THAT(members.status().message(), HasSubstr("unsafe member name"));
  }
}

TEST(ArchiveMembersTest, RefusesOversizedMembersAndEmptyBatches) {
  ArchiveLimits limits;
  limits.max_member_bytes = 10;
  auto big = ReadArchiveMembers(
      BuildArchive(ArchiveKind::kZip, {{"a.txt", std::string(11, 'x')}}),
      limits);
  EXPECT_THAT(big.status().message(), HasSubstr("over the limit"));
  auto empty = ReadArchiveMembers(BuildArchive(ArchiveKind::kZip, {}), {});
  EXPECT_THAT(empty.status().message(), HasSubstr("no story"));
}

TEST(ArchiveMembersTest, RefusesACutOffBatch) {
  const std::string whole =
      BuildArchive(ArchiveKind::kTarGz, {{"a.txt", std::string(5000, 'a')}});
  auto cut = ReadArchiveMembers(whole.substr(0, whole.size() / 2), {});
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ArchiveMembersTest, PlainStoriesDoNotLookLikeArchives) {
  EXPECT_FALSE(LooksLikeArchive("<?xml version=\"1.0\"?><nitf/>"));
  EXPECT_FALSE(
      LooksLikeArchive("\x01"
                       "a0123 r u bc-storm"));
  EXPECT_FALSE(LooksLikeArchive("PK is a ticker"));
}

}  // namespace
}  // namespace wirestream::ingest
