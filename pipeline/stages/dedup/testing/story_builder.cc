#include "pipeline/stages/dedup/testing/story_builder.h"

#include "absl/strings/str_cat.h"
#include "pipeline/stages/dedup/fingerprint.h"

namespace wirestream::stages::dedup {
namespace {

void SetTime(absl::Time t, google::protobuf::Timestamp* ts) {
  const int64_t nanos = absl::ToUnixNanos(t);
  ts->set_seconds(nanos / 1000000000);
  ts->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

}  // namespace

StoryBuilder::StoryBuilder(absl::string_view id) {
  story_.set_id(std::string(id));
  story_.set_language("en");
  story_.set_version(1);
  story_.set_pub_status(wirestream::v1::PUB_STATUS_USABLE);
}

StoryBuilder& StoryBuilder::Source(absl::string_view source,
                                   absl::string_view source_story_id,
                                   int version) {
  story_.set_source(std::string(source));
  story_.set_provider(std::string(source));
  story_.set_source_story_id(std::string(source_story_id));
  story_.set_version(version);
  return *this;
}

StoryBuilder& StoryBuilder::Language(absl::string_view language) {
  story_.set_language(std::string(language));
  return *this;
}

StoryBuilder& StoryBuilder::Headline(absl::string_view headline) {
  story_.set_headline(std::string(headline));
  return *this;
}

StoryBuilder& StoryBuilder::Paragraph(absl::string_view paragraph) {
  story_.add_paragraphs(std::string(paragraph));
  return *this;
}

StoryBuilder& StoryBuilder::Paragraphs(
    const std::vector<std::string>& paragraphs) {
  for (const std::string& p : paragraphs) story_.add_paragraphs(p);
  return *this;
}

StoryBuilder& StoryBuilder::Dateline(absl::string_view place,
                                     absl::string_view date_text) {
  story_.mutable_dateline()->set_place(std::string(place));
  story_.mutable_dateline()->set_date_text(std::string(date_text));
  return *this;
}

StoryBuilder& StoryBuilder::Time(absl::Time version_created) {
  SetTime(version_created, story_.mutable_version_created());
  if (story_.version() <= 1) {
    SetTime(version_created, story_.mutable_first_created());
  }
  SetTime(version_created + absl::Minutes(1), story_.mutable_received_at());
  return *this;
}

StoryBuilder& StoryBuilder::PubStatus(wirestream::v1::PubStatus status) {
  story_.set_pub_status(status);
  return *this;
}

wirestream::v1::Story StoryBuilder::Build() const {
  wirestream::v1::Story story = story_;
  std::string text = story.headline();
  for (const std::string& p : story.paragraphs())
    absl::StrAppend(&text, "\n", p);
  story.set_normalized_text(FoldText(text));
  return story;
}

}  // namespace wirestream::stages::dedup
