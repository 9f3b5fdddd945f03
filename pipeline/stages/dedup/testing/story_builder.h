// File: pipeline/stages/dedup/testing/story_builder.h
//
// Builds wirestream.v1.Story records for dedup's tests and evaluation the
// way normalize fills them: display fields as given, normalized_text folded
// from the headline and paragraphs.
//
//   Story story = StoryBuilder("ap-1-v1")
//                     .Source("ap", "ap-1", 1)
//                     .Headline("Quake hits")
//                     .Paragraph("A strong earthquake struck ...")
//                     .Time(absl::FromUnixSeconds(1700000000))
//                     .Build();
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_TESTING_STORY_BUILDER_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_TESTING_STORY_BUILDER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::stages::dedup {

class StoryBuilder {
 public:
  explicit StoryBuilder(absl::string_view id);

  // The delivering feed, the provider's story id and version.
  StoryBuilder& Source(absl::string_view source,
                       absl::string_view source_story_id, int version);
  StoryBuilder& Language(absl::string_view language);
  StoryBuilder& Headline(absl::string_view headline);
  StoryBuilder& Paragraph(absl::string_view paragraph);
  StoryBuilder& Paragraphs(const std::vector<std::string>& paragraphs);
  StoryBuilder& Dateline(absl::string_view place, absl::string_view date_text);
  // Sets version_created and received_at (a minute later).
  StoryBuilder& Time(absl::Time version_created);
  StoryBuilder& PubStatus(wirestream::v1::PubStatus status);

  // Returns the story with normalized_text filled in.
  wirestream::v1::Story Build() const;

 private:
  wirestream::v1::Story story_;
};

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_TESTING_STORY_BUILDER_H_
