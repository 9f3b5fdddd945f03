// enrich: runs the pipeline's stages in one process, without Kafka, on
// story files, and prints what the pipeline makes of each.
//
//   enrich [flags] FILE...      (standard input when no FILE is given)
//
// Each FILE is one raw story in any wire format. For each story, one line
// of JSON goes to standard output: the proto3 JSON mapping of
// wirestream.v1.EnrichedStory, with as much filled in as the stages built
// so far produce. A story a stage refuses is printed to standard error as a
// wirestream.v1.DeadLetter in JSON, whose source_topic names the file. The
// exit status is 0 when every story went through, 1 otherwise, 2 for a
// usage error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "tools/enrich/enrich_stages.h"
#include "tools/enrich/in_process_pipeline.h"
#include "wirestream/v1/raw_story.pb.h"

ABSL_FLAG(std::string, format, "auto",
          "the stories' wire format: auto (detect), ninjs, newsml-g2, nitf, "
          "anpa-1312, iptc-7901, html or text");
ABSL_FLAG(std::string, source, "enrich",
          "the feed name to give the stories (RawStory.source)");
ABSL_FLAG(std::string, url, "",
          "where the stories were fetched from (RawStory.url)");
ABSL_FLAG(std::string, content_type, "",
          "the MIME type to declare, e.g. \"text/html; charset=iso-8859-1\"");
ABSL_FLAG(std::string, received_at, "",
          "RFC 3339 time to stamp as received_at (default: now); fix it for "
          "reproducible output");
ABSL_FLAG(int64_t, max_payload_bytes, 10 * 1024 * 1024,
          "larger stories are dead-lettered");
ABSL_FLAG(bool, reject_invalid_utf8, false,
          "dead-letter stories with invalid UTF-8 instead of repairing them");

namespace wirestream::enrich {
namespace {

bool ParseFormat(absl::string_view name, v1::WireFormat* format) {
  std::string lower = absl::AsciiStrToLower(name);
  struct Name {
    const char* name;
    v1::WireFormat format;
  };
  static constexpr Name kNames[] = {
      {"auto", v1::WIRE_FORMAT_UNSPECIFIED},
      {"ninjs", v1::WIRE_FORMAT_NINJS},
      {"newsml-g2", v1::WIRE_FORMAT_NEWSML_G2},
      {"nitf", v1::WIRE_FORMAT_NITF},
      {"anpa-1312", v1::WIRE_FORMAT_ANPA_1312},
      {"iptc-7901", v1::WIRE_FORMAT_IPTC_7901},
      {"html", v1::WIRE_FORMAT_HTML},
      {"text", v1::WIRE_FORMAT_PLAIN_TEXT},
  };
  for (const Name& n : kNames) {
    if (lower == n.name) {
      *format = n.format;
      return true;
    }
  }
  return false;
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::StrCat("{\"error\":\"cannot print as JSON\"}");
  }
  return json;
}

bool ReadInput(const std::string& path, std::string* contents) {
  if (path == "-") {
    contents->assign(std::istreambuf_iterator<char>(std::cin),
                     std::istreambuf_iterator<char>());
    return !std::cin.bad();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *contents = buffer.str();
  return !in.bad();
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "runs the wirestream stages on story files and prints one "
      "EnrichedStory JSON line per story.\n"
      "usage: enrich [flags] FILE...   (standard input when no FILE)");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);

  v1::WireFormat format = v1::WIRE_FORMAT_UNSPECIFIED;
  if (!ParseFormat(absl::GetFlag(FLAGS_format), &format)) {
    std::cerr << "enrich: unknown --format \"" << absl::GetFlag(FLAGS_format)
              << "\"\n";
    return 2;
  }
  absl::Time received_at = absl::Now();
  if (!absl::GetFlag(FLAGS_received_at).empty()) {
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, absl::GetFlag(FLAGS_received_at),
                         &received_at, &error)) {
      std::cerr << "enrich: bad --received_at: " << error << "\n";
      return 2;
    }
  }
  if (absl::GetFlag(FLAGS_max_payload_bytes) <= 0) {
    std::cerr << "enrich: --max_payload_bytes must be positive\n";
    return 2;
  }

  EnrichOptions options;
  options.normalize.max_payload_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_max_payload_bytes));
  if (absl::GetFlag(FLAGS_reject_invalid_utf8)) {
    options.normalize.invalid_utf8 = normalize::InvalidUtf8Policy::kReject;
  }
  absl::StatusOr<std::unique_ptr<InProcessPipeline>> pipeline =
      BuildPipeline(options);
  if (!pipeline.ok()) {
    std::cerr << "enrich: " << pipeline.status().message() << "\n";
    return 2;
  }

  std::vector<std::string> paths;
  for (size_t i = 1; i < args.size(); ++i) paths.emplace_back(args[i]);
  if (paths.empty()) paths.push_back("-");

  bool all_ok = true;
  for (const std::string& path : paths) {
    std::string payload;
    if (!ReadInput(path, &payload)) {
      std::cerr << "enrich: cannot read " << path << "\n";
      all_ok = false;
      continue;
    }
    v1::RawStory raw;
    raw.set_feed_item_id(path == "-" ? "stdin" : BaseName(path));
    raw.set_source(absl::GetFlag(FLAGS_source));
    raw.set_format(format);
    raw.set_payload(std::move(payload));
    raw.set_url(absl::GetFlag(FLAGS_url));
    raw.set_content_type(absl::GetFlag(FLAGS_content_type));
    int64_t seconds = absl::ToUnixSeconds(received_at);
    raw.mutable_received_at()->set_seconds(seconds);
    raw.mutable_received_at()->set_nanos(
        static_cast<int32_t>(absl::ToInt64Nanoseconds(
            received_at - absl::FromUnixSeconds(seconds))));

    runtime::InputRecord record;
    record.topic = path;
    record.key = raw.feed_item_id();
    record.value = raw.SerializeAsString();
    record.timestamp = received_at;

    absl::StatusOr<PipelineResult> result = (*pipeline)->Run(record);
    if (!result.ok()) {
      std::cerr << "enrich: " << path << ": " << result.status() << "\n";
      all_ok = false;
      continue;
    }
    for (const v1::EnrichedStory& story : result->stories) {
      std::cout << ToJson(story) << "\n";
    }
    for (const v1::DeadLetter& dead_letter : result->dead_letters) {
      std::cerr << ToJson(dead_letter) << "\n";
      all_ok = false;
    }
  }
  std::cout.flush();
  return all_ok ? 0 : 1;
}

}  // namespace
}  // namespace wirestream::enrich

int main(int argc, char** argv) { return wirestream::enrich::Main(argc, argv); }
