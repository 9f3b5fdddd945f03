// enrich: runs the pipeline's stages (normalize, dedup, classify, alert)
// in one process, without Kafka, on story files, and prints what the
// pipeline makes of each.
//
//   enrich [flags] FILE...      (standard input when no FILE is given)
//   enrich --rules=alert-rules.yaml --rule 'hotline=hotline' FILE...
//
// Each FILE is one raw story in any wire format; the files go through in
// the order given, so later stories are deduplicated against earlier ones
// and a rule alerts once per story cluster. For each story, standard
// output gets a readable report (--output=text: headline, dedup verdict,
// topics, countries, regions, focus, rule matches emitted or suppressed)
// or one line of JSON (--output=json): {"enrichedStory": ..., "alerts":
// [...]} in the proto3 JSON mapping of wirestream.v1.EnrichedStory and
// wirestream.v1.Alert. A story a stage refuses is printed to standard
// error as a wirestream.v1.DeadLetter in JSON, whose source_topic names
// the file. The exit status is 0 when every story went through, 1
// otherwise, 2 for a usage error (a bad rule among them).
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
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "pipeline/runtime/help.h"
#include "tools/enrich/enrich_stages.h"
#include "tools/enrich/in_process_pipeline.h"
#include "wirestream/v1/alert.pb.h"
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
ABSL_FLAG(std::string, output, "text",
          "text (a readable report per story) or json (one JSON line per "
          "story: the EnrichedStory and the Alerts it raised)");
ABSL_FLAG(std::string, rules, "",
          "YAML file of alert rules (see pipeline/stages/alert/README.md)");
ABSL_FLAG(int, window_hours, 72,
          "dedup's window: stories further apart in event time never match");
// --rule 'ID=QUERY' is repeatable and its query may hold commas, so it is
// taken off the command line before the flags are parsed (see TakeRules).

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

// Removes every "--rule X" and "--rule=X" from `args` and returns the X's.
// Returns false when the last argument is a "--rule" without a value.
bool TakeRules(std::vector<char*>* args, std::vector<std::string>* rules) {
  std::vector<char*> rest;
  for (size_t i = 0; i < args->size(); ++i) {
    absl::string_view arg((*args)[i]);
    if (arg == "--") {
      rest.insert(rest.end(), args->begin() + i, args->end());
      break;
    }
    if (arg == "--rule" || arg == "-rule") {
      if (i + 1 >= args->size()) return false;
      rules->emplace_back((*args)[++i]);
    } else if (absl::ConsumePrefix(&arg, "--rule=") ||
               absl::ConsumePrefix(&arg, "-rule=")) {
      rules->emplace_back(arg);
    } else {
      rest.push_back((*args)[i]);
    }
  }
  *args = std::move(rest);
  return true;
}

std::string Score(float score) { return absl::StrFormat("%.2f", score); }

std::string RoleName(v1::CountryRole role) {
  switch (role) {
    case v1::COUNTRY_ROLE_DATELINE:
      return "dateline";
    case v1::COUNTRY_ROLE_SUBJECT:
      return "subject";
    case v1::COUNTRY_ROLE_MENTION:
      return "mention";
    default:
      return "unknown";
  }
}

std::string SeverityName(v1::Severity severity) {
  switch (severity) {
    case v1::SEVERITY_INFO:
      return "info";
    case v1::SEVERITY_WARNING:
      return "warning";
    case v1::SEVERITY_CRITICAL:
      return "critical";
    default:
      return "unspecified";
  }
}

// Returns the first `n` evidence terms, comma-separated.
std::string Evidence(const google::protobuf::RepeatedPtrField<std::string>& all,
                     int n) {
  std::vector<std::string> top;
  for (const std::string& term : all) {
    if (static_cast<int>(top.size()) == n) break;
    top.push_back(term);
  }
  return top.empty() ? "" : absl::StrCat(" (", absl::StrJoin(top, ", "), ")");
}

// Returns the readable report of one enriched story and its alerts.
std::string TextReport(const std::string& file, const v1::EnrichedStory& e,
                       const std::vector<v1::Alert>& alerts,
                       const classify::Classifier& classifier) {
  std::string out;
  const v1::Story& story = e.story();
  absl::StrAppend(&out, "== ", file, ": ", story.headline(), "\n");
  absl::StrAppend(&out, "  story    ", story.id(), " (", story.source(),
                  story.language().empty() ? "" : ", ", story.language(),
                  ")\n");
  const v1::DedupVerdict& v = e.verdict();
  absl::string_view kind = v1::DedupKind_Name(v.kind());
  absl::ConsumePrefix(&kind, "DEDUP_KIND_");
  absl::StrAppend(&out, "  dedup    ", kind, " cluster ", v.cluster_id());
  if (!v.matched_story_id().empty()) {
    absl::StrAppend(&out, ", matched ", v.matched_story_id(), " similarity ",
                    Score(v.similarity()));
  }
  absl::StrAppend(&out, " (", v.method(), ")\n");
  if (!v.evidence().empty()) {
    absl::StrAppend(&out, "           ", v.evidence(), "\n");
  }
  if (!e.topics_unavailable().empty()) {
    absl::StrAppend(&out, "  topic    none (", e.topics_unavailable(), ")\n");
  }
  for (const v1::TopicScore& t : e.topics()) {
    absl::StrAppend(&out, "  topic    ", t.code(), " ", t.label(), " ",
                    Score(t.score()), t.primary() ? " primary" : "",
                    Evidence(t.evidence(), 3), "\n");
  }
  for (const v1::CountryScore& c : e.countries()) {
    absl::StrAppend(&out, "  country  ", c.code(), " ", c.name(), " ",
                    RoleName(c.role()), " ", Score(c.score()),
                    Evidence(c.evidence(), 3), "\n");
  }
  for (const v1::RegionScore& r : e.regions()) {
    absl::StrAppend(
        &out, "  region   ", r.m49_code(), " ", r.name(),
        r.level() == v1::REGION_LEVEL_CONTINENT ? " (continent) " : " ",
        Score(r.score()), "\n");
  }
  if (!e.focus_country().empty()) {
    absl::StrAppend(&out, "  focus    ", e.focus_country(), ", ",
                    FocusContinent(classifier, e), "\n");
  }
  for (const v1::AlertHit& hit : e.alert_hits()) {
    absl::StrAppend(&out, "  rule     ", hit.rule_id(), " (",
                    SeverityName(hit.severity()), ") ");
    if (hit.suppressed()) {
      absl::StrAppend(&out, "SUPPRESSED: ", hit.suppressed_reason());
    } else {
      std::string alert_id = "?";
      for (const v1::Alert& a : alerts) {
        if (a.rule_id() == hit.rule_id()) alert_id = a.alert_id();
      }
      absl::StrAppend(&out, "EMITTED ", alert_id);
    }
    absl::StrAppend(&out, "\n           ", hit.snippet(), "\n");
  }
  if (e.alert_hits().empty()) absl::StrAppend(&out, "  rule     none\n");
  return out;
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
      "runs the wirestream stages on story files and reports what the "
      "pipeline makes of each story.\n"
      "usage: enrich [--rules=FILE] [--rule 'ID=QUERY']... [flags] FILE...   "
      "(standard input when no FILE)");
  if (wirestream::runtime::AnswerHelp(argc, argv, "tools/")) return 0;
  std::vector<char*> argv_rest(argv, argv + argc);
  std::vector<std::string> inline_rules;
  if (!TakeRules(&argv_rest, &inline_rules)) {
    std::cerr << "enrich: --rule needs a value: --rule 'ID=QUERY'\n";
    return 2;
  }
  std::vector<char*> args = absl::ParseCommandLine(
      static_cast<int>(argv_rest.size()), argv_rest.data());
  const std::string output = absl::GetFlag(FLAGS_output);
  if (output != "text" && output != "json") {
    std::cerr << "enrich: --output must be text or json, not \"" << output
              << "\"\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_window_hours) <= 0) {
    std::cerr << "enrich: --window_hours must be positive\n";
    return 2;
  }

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
  options.dedup_window = absl::Hours(absl::GetFlag(FLAGS_window_hours));
  options.rules_file = absl::GetFlag(FLAGS_rules);
  options.inline_rules = std::move(inline_rules);
  absl::StatusOr<Enricher> enricher = BuildPipeline(options);
  if (!enricher.ok()) {
    std::cerr << "enrich: " << enricher.status().message() << "\n";
    return 2;
  }
  InProcessPipeline* pipeline = enricher->pipeline.get();

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

    absl::StatusOr<PipelineResult> result = pipeline->Run(record);
    if (!result.ok()) {
      std::cerr << "enrich: " << path << ": " << result.status() << "\n";
      all_ok = false;
      continue;
    }
    std::vector<v1::Alert> alerts;
    for (const runtime::OutputRecord& side : result->side_outputs) {
      if (side.topic != kAlertsTopic) continue;
      v1::Alert alert;
      if (alert.ParseFromString(side.value)) alerts.push_back(alert);
    }
    for (const v1::EnrichedStory& story : result->stories) {
      if (output == "json") {
        std::vector<std::string> alert_json;
        for (const v1::Alert& alert : alerts) {
          if (alert.story_id() == story.story().id()) {
            alert_json.push_back(ToJson(alert));
          }
        }
        std::cout << "{\"enrichedStory\":" << ToJson(story) << ",\"alerts\":["
                  << absl::StrJoin(alert_json, ",") << "]}\n";
      } else {
        std::cout << TextReport(record.key.value_or(path), story, alerts,
                                *enricher->classifier);
      }
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
