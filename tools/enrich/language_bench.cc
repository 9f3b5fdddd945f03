// File: tools/enrich/language_bench.cc
//
// Stories per second through the whole pipeline, per language: normalize →
// dedup → classify → alert in one process on one core, as `enrich` runs
// them, on sets of stories in each language.
//
//   bazel build -c opt //tools/enrich:language_bench
//   bazel-bin/tools/enrich/language_bench --rules=tools/demo/demo_rules.yaml \
//       en=pipeline/stages/classify/corpus/reuters_holdout.txt \
//       fr=pipeline/stages/classify/corpus/wire_fr.txt ...
//
// Each NAME=FILE is a story file in classify's labelled format
// (pipeline/stages/classify/corpus/README.md); each story goes in as a
// plain-text wire story: headline, blank line, dateline and body. A set is
// sent again and again until --min_seconds of pipeline time through one
// pipeline per set; each pass is received a window and a day after the one
// before, so that dedup judges every story as new copy rather than as a
// repeat of the pass before (its earlier passes have left the window), and
// alert's suppression has expired too. Building the pipeline is not timed. Per
// set it prints the stories, their mean length, stories/s, the time a story
// takes (mean, p50, p99), each stage's mean and the time per 1,000 characters,
// which compares languages whose stories differ in length. Progress goes to
// stderr, one line a set.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pipeline/stages/classify/corpus.h"
#include "tools/enrich/enrich_stages.h"
#include "tools/enrich/in_process_pipeline.h"
#include "wirestream/v1/raw_story.pb.h"

ABSL_FLAG(std::string, rules, "",
          "YAML alert rules file the alert stage matches (empty: no rules)");
ABSL_FLAG(double, min_seconds, 2.0,
          "pipeline time to spend on each set, at least one pass");
ABSL_FLAG(bool, markdown, false, "print the table as Markdown");

namespace wirestream::enrich {
namespace {

struct StorySet {
  std::string name;
  std::vector<std::string> payloads;
  double mean_chars = 0;
};

struct SetResult {
  int stories = 0;
  double seconds = 0;
  std::vector<double> story_micros;  // one per story sent
  std::vector<double> stage_micros;  // mean per story, stage order
  std::vector<std::string> stage_names;
  int dead_letters = 0;
  // Stories dedup judged NEW; the rest it took for repeats.
  int judged_new = 0;
};

// Returns the plain-text wire story of a labelled story.
std::string PlainTextStory(const v1::Story& story) {
  std::string text = absl::StrCat(story.headline(), "\n\n");
  if (!story.dateline().place().empty()) {
    absl::StrAppend(&text, story.dateline().place(), " - ");
  }
  absl::StrAppend(&text, absl::StrJoin(story.paragraphs(), "\n\n"), "\n");
  return text;
}

absl::StatusOr<StorySet> LoadSet(absl::string_view spec) {
  std::pair<std::string, std::string> parts =
      absl::StrSplit(spec, absl::MaxSplits('=', 1));
  if (parts.first.empty() || parts.second.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", spec, "\" is not NAME=FILE"));
  }
  std::ifstream in(parts.second, std::ios::binary);
  if (!in)
    return absl::NotFoundError(absl::StrCat("cannot read ", parts.second));
  std::string contents((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
  absl::StatusOr<std::vector<classify::LabelledStory>> stories =
      classify::ParseCorpus(contents, parts.second);
  if (!stories.ok()) return stories.status();
  if (stories->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(parts.second, " holds no stories"));
  }
  StorySet set;
  set.name = parts.first;
  double chars = 0;
  for (const classify::LabelledStory& story : *stories) {
    set.payloads.push_back(PlainTextStory(story.story));
    chars += set.payloads.back().size();
  }
  set.mean_chars = chars / set.payloads.size();
  return set;
}

runtime::InputRecord RawRecord(const std::string& payload, absl::Time now,
                               int pass, int i) {
  v1::RawStory raw;
  raw.set_feed_item_id(absl::StrCat("bench-", pass, "-", i));
  raw.set_source("language-bench");
  raw.set_format(v1::WIRE_FORMAT_PLAIN_TEXT);
  raw.set_payload(payload);
  raw.mutable_received_at()->set_seconds(absl::ToUnixSeconds(now));
  runtime::InputRecord record;
  record.topic = "wire.raw";
  record.key = raw.feed_item_id();
  record.value = raw.SerializeAsString();
  record.timestamp = now;
  return record;
}

absl::StatusOr<SetResult> RunSet(const StorySet& set,
                                 const EnrichOptions& options) {
  SetResult result;
  absl::Duration total;
  absl::StatusOr<Enricher> enricher = BuildPipeline(options);
  if (!enricher.ok()) return enricher.status();
  InProcessPipeline& pipeline = *enricher->pipeline;
  result.stage_names = pipeline.StageNames();
  // Each pass is received this long after the pass before.
  absl::Duration pass_gap = options.dedup_window + absl::Hours(24);
  absl::Time first = absl::Now() - 10000 * pass_gap;
  for (int pass = 0;
       pass == 0 || total < absl::Seconds(absl::GetFlag(FLAGS_min_seconds));
       ++pass) {
    absl::Time received = first + pass * pass_gap;
    for (size_t i = 0; i < set.payloads.size(); ++i) {
      runtime::InputRecord record =
          RawRecord(set.payloads[i], received, pass, i);
      absl::Time start = absl::Now();
      absl::StatusOr<PipelineResult> out = pipeline.Run(record);
      absl::Duration took = absl::Now() - start;
      if (!out.ok()) return out.status();
      result.dead_letters += out->dead_letters.size();
      for (const v1::EnrichedStory& story : out->stories) {
        if (story.verdict().kind() == v1::DEDUP_KIND_NEW) ++result.judged_new;
      }
      result.story_micros.push_back(absl::ToDoubleMicroseconds(took));
      total += took;
      ++result.stories;
    }
  }
  result.seconds = absl::ToDoubleSeconds(total);
  for (absl::Duration d : pipeline.StageTimes()) {
    result.stage_micros.push_back(absl::ToDoubleMicroseconds(d) /
                                  result.stories);
  }
  return result;
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  size_t i = static_cast<size_t>(p * (values.size() - 1) + 0.5);
  return values[std::min(i, values.size() - 1)];
}

}  // namespace
}  // namespace wirestream::enrich

int main(int argc, char** argv) {
  using namespace wirestream::enrich;
  absl::SetProgramUsageMessage(
      "language_bench [--rules=FILE] [--min_seconds=S] NAME=FILE...: stories/s "
      "through normalize, dedup, classify and alert, per story set");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2 || absl::GetFlag(FLAGS_min_seconds) < 0) {
    std::cerr << "usage: language_bench [--rules=FILE] [--min_seconds=S] "
                 "NAME=FILE...\n";
    return 2;
  }
  std::vector<StorySet> sets;
  for (size_t i = 1; i < args.size(); ++i) {
    absl::StatusOr<StorySet> set = LoadSet(args[i]);
    if (!set.ok()) {
      std::cerr << "language_bench: " << set.status().message() << "\n";
      return 2;
    }
    sets.push_back(*std::move(set));
  }
  EnrichOptions options;
  options.rules_file = absl::GetFlag(FLAGS_rules);
  bool markdown = absl::GetFlag(FLAGS_markdown);

  std::vector<std::string> rows;
  std::string header;
  for (const StorySet& set : sets) {
    absl::StatusOr<SetResult> result = RunSet(set, options);
    if (!result.ok()) {
      std::cerr << "language_bench: " << set.name << ": "
                << result.status().message() << "\n";
      return 1;
    }
    double mean_us = result->seconds * 1e6 / result->stories;
    std::cerr << absl::StreamFormat(
        "language_bench: %s: %d stories through the pipeline in %.1f s; %d "
        "judged new, %d dead letters\n",
        set.name, result->stories, result->seconds, result->judged_new,
        result->dead_letters);
    if (header.empty()) {
      std::vector<std::string> stage_columns;
      for (const std::string& name : result->stage_names) {
        stage_columns.push_back(absl::StrCat(name, " µs"));
      }
      std::vector<std::string> columns = {
          "set",      "stories", "chars/story", "stories/s",
          "µs/story", "p50 µs",  "p99 µs"};
      columns.insert(columns.end(), stage_columns.begin(), stage_columns.end());
      columns.push_back("µs/1k chars");
      header = absl::StrJoin(columns, "\t");
      if (markdown) {
        header = absl::StrCat("| ", absl::StrJoin(columns, " | "), " |\n|");
        for (size_t c = 0; c < columns.size(); ++c) {
          absl::StrAppend(&header, c == 0 ? "---|" : "---:|");
        }
      }
    }
    std::vector<std::string> cells = {
        set.name,
        absl::StrCat(set.payloads.size()),
        absl::StrFormat("%.0f", set.mean_chars),
        absl::StrFormat("%.0f", 1e6 / mean_us),
        absl::StrFormat("%.0f", mean_us),
        absl::StrFormat("%.0f", Percentile(result->story_micros, 0.5)),
        absl::StrFormat("%.0f", Percentile(result->story_micros, 0.99))};
    for (double us : result->stage_micros) {
      cells.push_back(absl::StrFormat("%.0f", us));
    }
    cells.push_back(absl::StrFormat("%.0f", mean_us * 1000 / set.mean_chars));
    rows.push_back(markdown
                       ? absl::StrCat("| ", absl::StrJoin(cells, " | "), " |")
                       : absl::StrJoin(cells, "\t"));
  }
  std::cout << header << "\n" << absl::StrJoin(rows, "\n") << "\n";
  return 0;
}
