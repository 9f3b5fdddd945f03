#include "pipeline/ingest/push_gateway.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pipeline/ingest/multipart_body.h"
#include "pipeline/ingest/testing/archive_builder.h"
#include "pipeline/ingest/testing/fake_story_log.h"

namespace wirestream::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kApToken[] = "ap-token-0123456789abcdef";
constexpr char kStory[] =
    "\x01"
    "a0001 r u bc-storm 12-08 0123\nStorm text.";

std::string TempPath(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return absl::StrCat(tmp ? tmp : "/tmp", "/", name);
}

void WriteTokens(const std::string& path, const std::string& text,
                 int64_t mtime) {
  std::ofstream(path) << text;
  timespec times[2] = {{mtime, 0}, {mtime, 0}};
  utimensat(AT_FDCWD, path.c_str(), times, 0);
}

class PushGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tokens_path_ = TempPath(absl::StrCat(
        ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        ".tokens"));
    WriteTokens(tokens_path_,
                absl::StrCat("# push tokens\nap ", kApToken, "\n"), 1000);
    tokens_ = *AccessTokens::Load(tokens_path_);
    queue_ =
        std::make_unique<CommitQueue>(&log_, &ledger_, CommitQueueOptions{});
    PushGatewayOptions options;
    options.max_body_bytes = 4096;
    options.max_story_bytes = 2048;
    gateway_ = std::make_unique<PushGateway>(options, tokens_.get(), &limiter_,
                                             queue_.get(), nullptr);
  }

  PushRequest Post(const std::string& source, const std::string& body,
                   const std::string& content_type = "text/plain") {
    PushRequest r;
    r.method = "POST";
    r.path = absl::StrCat("/v1/stories/", source);
    r.headers["authorization"] = absl::StrCat("Bearer ", kApToken);
    if (!content_type.empty()) r.headers["content-type"] = content_type;
    r.body = body;
    r.declared_length = static_cast<int64_t>(body.size());
    return r;
  }

  // Screens, then handles: what a sender would get.
  PushResponse Send(const PushRequest& request) {
    if (auto refused = gateway_->Screen(request)) return *refused;
    return gateway_->Handle(request);
  }

  std::string tokens_path_;
  std::unique_ptr<AccessTokens> tokens_;
  FakeStoryLog log_;
  TakenLedger ledger_{absl::Hours(24)};
  RateLimiter limiter_{/*rate=*/0.001, /*burst=*/50};
  std::unique_ptr<CommitQueue> queue_;
  std::unique_ptr<PushGateway> gateway_;
};

TEST_F(PushGatewayTest, AcceptsAStoryAfterKafkaAndKeepsItsContentType) {
  PushResponse r = Send(Post("ap", kStory, "text/plain; charset=ISO-8859-1"));
  EXPECT_EQ(r.status, 202);
  EXPECT_THAT(r.body, HasSubstr("\"topic\":\"wire.raw\",\"partition\":0,"
                                "\"offset\":0,\"replay\":false"));
  ASSERT_EQ(log_.stories().size(), 1u);
  const v1::RawStory story = log_.stories()[0].story;
  EXPECT_EQ(story.source(), "ap");
  EXPECT_EQ(story.payload(), kStory);
  EXPECT_EQ(story.content_type(), "text/plain; charset=ISO-8859-1");
  EXPECT_EQ(story.attributes().at("ingest.gateway"), "push");
  EXPECT_TRUE(story.has_received_at());
}

TEST_F(PushGatewayTest, ARetryWithTheSameKeyOrBodyIsANoOp) {
  PushRequest keyed = Post("ap", kStory);
  keyed.headers["idempotency-key"] = "ap-2026-12-08-0001";
  PushResponse first = Send(keyed);
  ASSERT_EQ(first.status, 202);
  keyed.body = "A different body, same key";
  keyed.declared_length = static_cast<int64_t>(keyed.body.size());
  PushResponse again = Send(keyed);
  EXPECT_EQ(again.status, 202);
  EXPECT_THAT(again.body, HasSubstr("\"offset\":0,\"replay\":true"));
  EXPECT_THAT(again.body, HasSubstr("\"feed_item_id\":\"ap-2026-12-08-0001\""));
  PushResponse unkeyed = Send(Post("ap", "Another story"));
  ASSERT_EQ(unkeyed.status, 202);
  PushResponse unkeyed_again = Send(Post("ap", "Another story"));
  EXPECT_THAT(unkeyed_again.body, HasSubstr("\"offset\":1,\"replay\":true"));
  EXPECT_EQ(log_.stories().size(), 2u);
}

TEST_F(PushGatewayTest, RefusesWithTheRightStatus) {
  PushRequest no_token = Post("ap", kStory);
  no_token.headers.erase("authorization");
  EXPECT_EQ(Send(no_token).status, 401);
  EXPECT_EQ(Send(Post("afp", kStory)).status, 403);
  PushRequest get = Post("ap", kStory);
  get.method = "GET";
  EXPECT_EQ(Send(get).status, 405);
  EXPECT_EQ(Send(Post("..", kStory)).status, 400);
  EXPECT_EQ(Send(Post("../ap", kStory)).status, 400);
  PushRequest other = Post("ap", kStory);
  other.path = "/v2/stories/ap";
  EXPECT_EQ(Send(other).status, 404);
  PushRequest huge = Post("ap", "x");
  huge.declared_length = 1 << 30;
  EXPECT_EQ(Send(huge).status, 413);
  PushRequest endless = Post("ap", std::string(4097, 'x'));
  endless.declared_length = -1;  // chunked: cut at the limit + 1
  EXPECT_EQ(Send(endless).status, 413);
  PushRequest short_body = Post("ap", kStory);
  short_body.declared_length += 10;
  PushResponse cut = Send(short_body);
  EXPECT_EQ(cut.status, 400);
  EXPECT_THAT(cut.body, HasSubstr("Content-Length said"));
  PushRequest bad_key = Post("ap", kStory);
  bad_key.headers["idempotency-key"] = "has space";
  EXPECT_EQ(Send(bad_key).status, 400);
  EXPECT_EQ(Send(Post("ap", "")).status, 400);
  EXPECT_EQ(log_.writes(), 0);
}

TEST_F(PushGatewayTest, RateLimitGives429PerSource) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(Send(Post("ap", absl::StrCat("story ", i))).status, 202) << i;
  }
  PushResponse limited = Send(Post("ap", "story 50"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_THAT(limited.headers,
              ElementsAre(std::make_pair(std::string("Retry-After"),
                                         std::string("1"))));
}

TEST_F(PushGatewayTest, KafkaDownGives503AndNothingIsAccepted) {
  log_.FailNextWrites(1, absl::UnavailableError("broker down"));
  PushRequest keyed = Post("ap", kStory);
  keyed.headers["idempotency-key"] = "k-1";
  PushResponse refused = Send(keyed);
  EXPECT_EQ(refused.status, 503);
  EXPECT_TRUE(log_.stories().empty());
  PushResponse retried = Send(keyed);
  EXPECT_EQ(retried.status, 202);
  EXPECT_THAT(retried.body, HasSubstr("\"replay\":false"));
  EXPECT_EQ(log_.stories().size(), 1u);
}

TEST_F(PushGatewayTest, TakesAMultipartUploadStoryByStory) {
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"a\"; filename=\"one.xml\"\r\n"
      "Content-Type: application/xml; charset=utf-8\r\n\r\n"
      "<nitf/>\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"b\"; filename=\"two.txt\"\r\n\r\n"
      "TWO\r\n"
      "--XyZ--\r\n";
  PushRequest r = Post("ap", body, "multipart/form-data; boundary=XyZ");
  r.headers["idempotency-key"] = "upload-7";
  PushResponse response = Send(r);
  ASSERT_EQ(response.status, 202) << response.body;
  ASSERT_EQ(log_.stories().size(), 2u);
  EXPECT_EQ(log_.stories()[0].story.feed_item_id(), "upload-7/one.xml");
  EXPECT_EQ(log_.stories()[0].story.payload(), "<nitf/>");
  EXPECT_EQ(log_.stories()[0].story.content_type(),
            "application/xml; charset=utf-8");
  EXPECT_EQ(log_.stories()[1].story.payload(), "TWO");
  EXPECT_EQ(log_.batches(), 1);
  PushRequest cut = Post("ap", body.substr(0, body.size() - 9),
                         "multipart/form-data; boundary=XyZ");
  EXPECT_EQ(Send(cut).status, 400);
}

TEST_F(PushGatewayTest, TakesAZipUploadMemberByMember) {
  PushRequest r = Post(
      "ap",
      BuildArchive(ArchiveKind::kZip, {{"1.txt", "ONE"}, {"2.txt", "TWO"}}),
      "application/zip");
  PushResponse response = Send(r);
  ASSERT_EQ(response.status, 202) << response.body;
  ASSERT_EQ(log_.stories().size(), 2u);
  EXPECT_THAT(log_.stories()[1].story.feed_item_id(), HasSubstr("/2.txt"));
  EXPECT_EQ(log_.stories()[1].story.payload(), "TWO");
  PushRequest evil =
      Post("ap", BuildArchive(ArchiveKind::kZip, {{"../x.txt", "X"}}),
           "application/zip");
  EXPECT_EQ(Send(evil).status, 400);
}

TEST_F(PushGatewayTest, TokensFileIsReloadedWithoutARestart) {
  const std::string afp_token = "afp-token-0123456789abcdef";
  EXPECT_EQ(Send(Post("afp", kStory)).status, 403);
  WriteTokens(tokens_path_,
              absl::StrCat("ap ", kApToken, "\nafp ", afp_token, "\n"), 2000);
  ASSERT_TRUE(tokens_->ReloadIfChanged());
  PushRequest r = Post("afp", kStory);
  r.headers["authorization"] = absl::StrCat("Bearer ", afp_token);
  EXPECT_EQ(Send(r).status, 202);
  // A broken file keeps the tokens in use.
  WriteTokens(tokens_path_, "afp\n", 3000);
  EXPECT_FALSE(tokens_->ReloadIfChanged());
  EXPECT_EQ(tokens_->Check("afp", afp_token), TokenCheck::kValid);
}

TEST(MultipartBoundaryTest, ReadsQuotedAndPlainBoundaries) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*MultipartBoundary("Multipart/Mixed; boundary=\"a b\""), "a b");
  EXPECT_EQ(MultipartBoundary("text/plain").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(MultipartBoundary("multipart/form-data").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wirestream::ingest
