// File: pipeline/stages/normalize/test_support.h
//
// Test helpers for the normalize stage: matchers for dead-letter statuses,
// access to testdata files, and the golden-file conventions shared by
// golden_test and update_goldens.
//
//   EXPECT_THAT(normalizer->Normalize(raw).status(),
//               IsDeadLetter(v1::DEAD_LETTER_REASON_EMPTY_STORY,
//                            "payload is empty"));
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_TEST_SUPPORT_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_TEST_SUPPORT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "pipeline/runtime/stage.h"
#include "wirestream/v1/raw_story.pb.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::normalize {

// Matches an absl::Status that is bad input with dead-letter `reason` and
// whose message equals `message`.
MATCHER_P2(IsDeadLetter, reason, message,
           absl::StrCat("is a dead letter ", v1::DeadLetterReason_Name(reason),
                        " \"", message, "\"")) {
  const absl::Status& status = arg;
  *result_listener << "status " << status;
  if (!runtime::IsBadInput(status)) return false;
  *result_listener << ", reason "
                   << v1::DeadLetterReason_Name(
                          runtime::DeadLetterReasonOf(status));
  return runtime::DeadLetterReasonOf(status) == reason &&
         status.message() == absl::string_view(message);
}

// Matches a bad-input absl::Status with dead-letter `reason` whose message
// matches gmock matcher `message_matcher`.
MATCHER_P2(IsDeadLetterWith, reason, message_matcher,
           absl::StrCat("is a dead letter ",
                        v1::DeadLetterReason_Name(reason))) {
  const absl::Status& status = arg;
  *result_listener << "status " << status;
  if (!runtime::IsBadInput(status) ||
      runtime::DeadLetterReasonOf(status) != reason) {
    return false;
  }
  return testing::ExplainMatchResult(
      message_matcher, std::string(status.message()), result_listener);
}

// Returns the path of `relative` (from the workspace root) in the test's
// runfiles, or in the source tree under `bazel run`.
std::string WorkspacePath(absl::string_view relative);

// Returns the contents of workspace file `relative`; fails the test (and
// returns "") when it cannot be read.
std::string ReadWorkspaceFile(absl::string_view relative);

// Returns the names of the files in workspace directory `relative`,
// sorted, without sub-directories.
std::vector<std::string> ListWorkspaceDirectory(absl::string_view relative);

// The directory of the sample stories and of their goldens.
inline constexpr absl::string_view kStoriesDir =
    "pipeline/stages/normalize/testdata/stories";
inline constexpr absl::string_view kGoldenDir =
    "pipeline/stages/normalize/testdata/golden";

// Returns the RawStory a sample story file is normalized from in the
// goldens: source "sample", the file name as feed item id, received at
// 2023-11-28T12:00:00Z, format detected.
v1::RawStory SampleRawStory(absl::string_view file_name, std::string payload);

// Returns `story` as its golden file holds it: the proto3 JSON mapping,
// indented, with a final newline.
std::string GoldenJson(const v1::Story& story);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_TEST_SUPPORT_H_
