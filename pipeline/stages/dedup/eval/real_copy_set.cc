#include "pipeline/stages/dedup/eval/real_copy_set.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "pipeline/stages/dedup/eval/data_files.h"
#include "pipeline/stages/normalize/normalizer.h"
#include "wirestream/v1/raw_story.pb.h"

namespace wirestream::stages::dedup {
namespace {

constexpr char kRelativeDir[] = "pipeline/stages/dedup/testdata/real";
constexpr char kMultilingualDir[] =
    "pipeline/stages/dedup/testdata/multilingual";

absl::Status LineError(const std::string& file, int line,
                       absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(file, ":", line, ": ", what));
}

struct RawEntry {
  std::string id;
  absl::Time filed;
  std::string text;
};

// Parses stories.txt: "=== <id>", "time: ...", "slug: ...", then the wire
// file up to the next "===".
absl::StatusOr<std::vector<RawEntry>> ParseStories(const std::string& file,
                                                   const std::string& text) {
  std::vector<RawEntry> entries;
  int header_lines = 0;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (absl::StartsWith(line, "=== ")) {
      entries.push_back(
          {std::string(absl::StripAsciiWhitespace(line.substr(4))),
           absl::InfinitePast(), ""});
      header_lines = 2;
      continue;
    }
    if (entries.empty()) {
      if (line.empty() || absl::StartsWith(line, "#")) continue;
      return LineError(file, number, "text before the first story");
    }
    RawEntry& entry = entries.back();
    if (header_lines > 0) {
      --header_lines;
      if (absl::ConsumePrefix(&line, "time: ")) {
        std::string err;
        if (!absl::ParseTime(absl::RFC3339_full, line, &entry.filed, &err)) {
          return LineError(file, number, absl::StrCat("bad time: ", err));
        }
        continue;
      }
      if (absl::StartsWith(line, "slug: ")) continue;
      return LineError(file, number, "expected \"time:\" or \"slug:\"");
    }
    absl::StrAppend(&entry.text, line, "\n");
  }
  for (const RawEntry& entry : entries) {
    if (entry.filed == absl::InfinitePast()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ": story ", entry.id, " has no time"));
    }
  }
  return entries;
}

absl::StatusOr<PairLabel> ParseLabel(absl::string_view text) {
  for (PairLabel label :
       {PairLabel::kSame, PairLabel::kDifferent, PairLabel::kUnsure}) {
    if (text == PairLabelName(label)) return label;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("label \"", text, "\" is not SAME, DIFFERENT or UNSURE"));
}

// Parses pairs.tsv: earlier, later, label, kind, note (tab-separated).
absl::StatusOr<std::vector<LabeledPair>> ParsePairs(const std::string& file,
                                                    const std::string& text) {
  std::vector<LabeledPair> pairs;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    if (fields.size() < 4) {
      return LineError(file, number,
                       "expected at least 4 tab-separated fields");
    }
    absl::StatusOr<PairLabel> label = ParseLabel(fields[2]);
    if (!label.ok()) return LineError(file, number, label.status().message());
    LabeledPair pair{fields[0], fields[1], *label, fields[3],
                     fields.size() > 4 ? fields[4] : ""};
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

std::string Percent(int right, int total) {
  if (total == 0) return "-";
  return absl::StrFormat("%.3f", static_cast<double>(right) / total);
}

}  // namespace

std::string RealCopyDataDir(const char* argv0) {
  return DataDir(argv0, kRelativeDir, "pairs.tsv");
}

std::string MultilingualDataDir(const char* argv0, absl::string_view language) {
  return DataDir(argv0, absl::StrCat(kMultilingualDir, "/", language),
                 "pairs.tsv");
}

absl::string_view PairLabelName(PairLabel label) {
  switch (label) {
    case PairLabel::kSame:
      return "SAME";
    case PairLabel::kDifferent:
      return "DIFFERENT";
    case PairLabel::kUnsure:
      return "UNSURE";
  }
  return "UNSURE";
}

absl::StatusOr<RealCopySet> LoadRealCopySet(const std::string& dir,
                                            const std::string& pairs_file) {
  const std::string story_file = dir + "/stories.txt";
  const std::string pair_file = dir + "/" + pairs_file;
  absl::StatusOr<std::string> story_text = ReadDataFile(story_file);
  if (!story_text.ok()) return story_text.status();
  absl::StatusOr<std::string> pair_text = ReadDataFile(pair_file);
  if (!pair_text.ok()) return pair_text.status();
  absl::StatusOr<std::vector<RawEntry>> entries =
      ParseStories(story_file, *story_text);
  if (!entries.ok()) return entries.status();
  absl::StatusOr<std::vector<LabeledPair>> pairs =
      ParsePairs(pair_file, *pair_text);
  if (!pairs.ok()) return pairs.status();

  absl::StatusOr<std::unique_ptr<normalize::Normalizer>> normalizer =
      normalize::Normalizer::Create(normalize::NormalizerConfig{});
  if (!normalizer.ok()) return normalizer.status();
  RealCopySet set;
  for (RawEntry& entry : *entries) {
    v1::RawStory raw;
    raw.set_feed_item_id(entry.id);
    raw.set_source("reuters");
    raw.set_format(v1::WIRE_FORMAT_PLAIN_TEXT);
    raw.set_payload(std::move(entry.text));
    *raw.mutable_received_at() =
        google::protobuf::util::TimeUtil::SecondsToTimestamp(
            absl::ToUnixSeconds(entry.filed));
    absl::StatusOr<v1::Story> story = (*normalizer)->Normalize(raw);
    if (!story.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(story_file, ": story ", entry.id,
                       " does not normalize: ", story.status().message()));
    }
    set.stories[entry.id] = RealStory{entry.id, entry.filed, *std::move(story)};
  }
  for (const LabeledPair& pair : *pairs) {
    for (const std::string& id : {pair.earlier, pair.later}) {
      if (set.stories.count(id) == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(pair_file, ": unknown story ", id));
      }
    }
  }
  set.pairs = *std::move(pairs);
  return set;
}

double RealCopyReport::clustered() const {
  return same_total == 0 ? 0.0 : static_cast<double>(same_right) / same_total;
}

double RealCopyReport::kept_apart() const {
  return different_total == 0
             ? 0.0
             : static_cast<double>(different_right) / different_total;
}

std::string RealCopyReport::ToText(bool with_misjudged) const {
  std::string out = absl::StrFormat(
      "SAME pairs clustered:       %4d of %4d  %s\n"
      "DIFFERENT pairs kept apart: %4d of %4d  %s\n"
      "UNSURE pairs (not scored):  %4d\n\nby kind (right of total):\n",
      same_right, same_total, Percent(same_right, same_total), different_right,
      different_total, Percent(different_right, different_total), unsure);
  for (const auto& [kind, counts] : by_kind) {
    absl::StrAppendFormat(&out, "  %-14s %4d of %4d  %s\n", kind, counts.first,
                          counts.second, Percent(counts.first, counts.second));
  }
  out += "\nverdict methods of the later story:\n";
  for (const auto& [method, count] : methods) {
    absl::StrAppendFormat(&out, "  %-40s %4d\n", method, count);
  }
  if (with_misjudged) {
    out += "\nmisjudged:\n";
    for (const PairOutcome& o : misjudged) {
      absl::StrAppendFormat(
          &out, "  %s -> %s  labelled %s (%s: %s); given %s by %s, %.2f%s%s\n",
          o.pair->earlier, o.pair->later, PairLabelName(o.pair->label),
          o.pair->kind, o.pair->note, v1::DedupKind_Name(o.verdict.kind()),
          o.verdict.method(), o.verdict.similarity(),
          o.verdict.evidence().empty() ? "" : "; ", o.verdict.evidence());
    }
  }
  return out;
}

absl::StatusOr<PairVerdicts> JudgeRealPair(const RealCopySet& set,
                                           const std::string& earlier,
                                           const std::string& later,
                                           const DeduplicatorConfig& config) {
  absl::StatusOr<std::unique_ptr<Deduplicator>> dedup =
      Deduplicator::Create(config);
  if (!dedup.ok()) return dedup.status();
  std::vector<StateChange> changes;
  const RealStory& a = set.stories.at(earlier);
  const RealStory& b = set.stories.at(later);
  PairVerdicts verdicts;
  verdicts.earlier = (*dedup)->Judge(a.story, a.filed, &changes);
  verdicts.later = (*dedup)->Judge(b.story, b.filed, &changes);
  return verdicts;
}

RealCopyReport EvaluateRealCopy(const RealCopySet& set,
                                const DeduplicatorConfig& config) {
  RealCopyReport report;
  for (const LabeledPair& pair : set.pairs) {
    if (pair.label == PairLabel::kUnsure) {
      ++report.unsure;
      continue;
    }
    absl::StatusOr<PairVerdicts> verdicts =
        JudgeRealPair(set, pair.earlier, pair.later, config);
    if (!verdicts.ok()) return report;
    const v1::DedupVerdict& first = verdicts->earlier;
    v1::DedupVerdict& second = verdicts->later;
    const bool together = second.cluster_id() == first.cluster_id();
    const bool same = pair.label == PairLabel::kSame;
    const bool right =
        same ? together : second.kind() == v1::DEDUP_KIND_NEW && !together;
    (same ? report.same_total : report.different_total) += 1;
    if (right) (same ? report.same_right : report.different_right) += 1;
    auto& kind = report.by_kind[pair.kind];
    kind.first += right ? 1 : 0;
    kind.second += 1;
    report.methods[second.method()] += 1;
    if (!right) report.misjudged.push_back({&pair, std::move(second), false});
  }
  return report;
}

}  // namespace wirestream::stages::dedup
