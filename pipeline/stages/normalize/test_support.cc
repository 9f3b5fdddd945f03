#include "pipeline/stages/normalize/test_support.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace wirestream::normalize {

std::string WorkspacePath(absl::string_view relative) {
  if (const char* srcdir = std::getenv("TEST_SRCDIR")) {
    const char* workspace = std::getenv("TEST_WORKSPACE");
    return absl::StrCat(srcdir, "/", workspace ? workspace : "wirestream", "/",
                        relative);
  }
  if (const char* root = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
    return absl::StrCat(root, "/", relative);
  }
  return std::string(relative);
}

std::string ReadWorkspaceFile(absl::string_view relative) {
  std::ifstream in(WorkspacePath(relative), std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << WorkspacePath(relative);
    return "";
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> ListWorkspaceDirectory(absl::string_view relative) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(WorkspacePath(relative), error)) {
    if (!entry.is_directory()) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

v1::RawStory SampleRawStory(absl::string_view file_name, std::string payload) {
  v1::RawStory raw;
  raw.set_feed_item_id(std::string(file_name));
  raw.set_source("sample");
  raw.set_payload(std::move(payload));
  raw.mutable_received_at()->set_seconds(1701172800);  // 2023-11-28T12:00Z
  return raw;
}

std::string GoldenJson(const v1::Story& story) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  google::protobuf::util::MessageToJsonString(story, &json, options);
  if (json.empty() || json.back() != '\n') json.push_back('\n');
  return json;
}

}  // namespace wirestream::normalize
