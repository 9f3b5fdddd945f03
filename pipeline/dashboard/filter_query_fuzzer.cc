// libFuzzer target: any query string, parsed into a filter and answered
// over a small window, must neither crash nor produce anything but JSON
// with every '<' escaped.
//
//   clang++ -fsanitize=fuzzer,address,undefined ... (see README.md, Tests)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "pipeline/dashboard/story_window.h"

namespace {

wirestream::dashboard::StoryWindow& Window() {
  static wirestream::dashboard::StoryWindow* window = [] {
    auto made = wirestream::dashboard::StoryWindow::Create({});
    const absl::Time now = absl::Now();
    for (int i = 0; i < 3; ++i) {
      wirestream::v1::EnrichedStory story;
      story.mutable_story()->set_id("s" + std::to_string(i));
      story.mutable_story()->set_headline("Économie <b>Москва</b> 東京");
      story.mutable_verdict()->set_cluster_id("c");
      auto* topic = story.add_topics();
      topic->set_code("medtop:04000000");
      (*made)->AddStory(story, now - absl::Minutes(i), now);
    }
    return made->release();
  }();
  return *window;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string query(reinterpret_cast<const char*>(data), size);
  auto filter = wirestream::dashboard::FilterFromQuery(query);
  if (!filter.ok()) return 0;
  const std::string json = Window().StoriesJson(*filter, 10);
  if (absl::StrContains(json, "<") || json.front() != '{') std::abort();
  Window().CountsJson(*filter);
  return 0;
}
