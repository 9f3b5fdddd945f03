#include "pipeline/stages/dedup/eval/evaluation_set.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "pipeline/stages/dedup/eval/data_files.h"
#include "pipeline/stages/dedup/testing/story_builder.h"

namespace wirestream::stages::dedup {
namespace {

using ::wirestream::v1::DedupKind;
using ::wirestream::v1::Story;

constexpr char kRelativeDir[] = "pipeline/stages/dedup/testdata/eval";

// Outlets that republish agency copy under their own headlines.
constexpr const char* kOutlets[] = {"daily-herald", "metro-times",
                                    "valley-news", "coastal-post",
                                    "capital-web"};

// A sentence an outlet adds of its own when it rewrites agency copy.
constexpr const char* kOutletSentences[] = {
    "It was not immediately clear what the decision would mean for local "
    "residents.",
    "The development is being closely watched across the region, where "
    "similar concerns have been raised in recent months.",
    "Further details were expected to be released in the coming days.",
};

// Word substitutions an editor makes when rewriting agency copy.
struct Substitution {
  const char* from;
  const char* to;
};
constexpr Substitution kSubstitutions[] = {
    {"rose", "climbed"},
    {"fell", "dropped"},
    {"increased", "grew"},
    {"more than", "over"},
    {"about", "around"},
    {"company", "firm"},
    {"officials", "authorities"},
    {"announced", "unveiled"},
    {"warned", "cautioned"},
    {"largest", "biggest"},
    {"began", "started"},
    {"because of", "due to"},
    {"said in a statement", "said in a written statement"},
    {"told reporters", "told journalists"},
    {"U.S.", "US"},
    {"amid", "as"},
    {"however", "but"},
    {"expected", "forecast"},
    {"percent", "per cent"},
    {"help", "assist"},
};

constexpr const char* kWeekdays[] = {"Monday",   "Tuesday", "Wednesday",
                                     "Thursday", "Friday",  "Saturday",
                                     "Sunday"};

// A deterministic generator: the same seed gives the same set everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  // Returns a number in [lo, hi].
  int64_t Uniform(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(engine_() % (hi - lo + 1));
  }
  bool Chance(int percent) { return Uniform(1, 100) <= percent; }

 private:
  std::mt19937_64 engine_;
};

struct Authored {
  std::string id;
  std::string topic;
  std::string source;
  std::string place;
  std::string date_text;
  absl::Time time;
  std::string headline;
  std::string alt;
  // For follow-ups: the base story followed.
  std::string follows;
  std::vector<std::string> paragraphs;
};

absl::StatusOr<absl::Time> ParseTime(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad time \"", text, "\": ", err));
  }
  return t;
}

// Replaces every {slot} in `text` with its value from `slots`.
absl::StatusOr<std::string> Fill(
    absl::string_view text, const std::map<std::string, std::string>& slots) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find('{', i);
    if (open == absl::string_view::npos) {
      absl::StrAppend(&out, text.substr(i));
      break;
    }
    size_t close = text.find('}', open);
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("unclosed slot in \"", text, "\""));
    }
    absl::StrAppend(&out, text.substr(i, open - i));
    std::string name(text.substr(open + 1, close - open - 1));
    auto it = slots.find(name);
    if (it == slots.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("no value for {", name, "}"));
    }
    absl::StrAppend(&out, it->second);
    i = close + 1;
  }
  return out;
}

// Parses a record's body: paragraphs separated by blank lines.
std::vector<std::string> Paragraphs(const std::vector<std::string>& lines) {
  std::vector<std::string> paragraphs;
  std::string current;
  for (const std::string& line : lines) {
    absl::string_view l = absl::StripAsciiWhitespace(line);
    if (l.empty()) {
      if (!current.empty()) paragraphs.push_back(std::move(current));
      current.clear();
    } else {
      if (!current.empty()) current.push_back(' ');
      absl::StrAppend(&current, l);
    }
  }
  if (!current.empty()) paragraphs.push_back(std::move(current));
  return paragraphs;
}

absl::Status Malformed(const std::string& file, int line,
                       absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(file, ":", line, ": ", what));
}

absl::Status SetHeader(Authored& a, absl::string_view key,
                       absl::string_view value) {
  if (key == "topic") {
    a.topic = std::string(value);
  } else if (key == "source") {
    a.source = std::string(value);
  } else if (key == "dateline") {
    std::vector<std::string> parts = absl::StrSplit(value, '|');
    if (parts.size() != 2) return absl::InvalidArgumentError("dateline");
    a.place = std::string(absl::StripAsciiWhitespace(parts[0]));
    a.date_text = std::string(absl::StripAsciiWhitespace(parts[1]));
  } else if (key == "time") {
    absl::StatusOr<absl::Time> t = ParseTime(value);
    if (!t.ok()) return t.status();
    a.time = *t;
  } else if (key == "headline") {
    a.headline = std::string(value);
  } else if (key == "alt") {
    a.alt = std::string(value);
  } else if (key == "follows") {
    a.follows = std::string(value);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown key ", key));
  }
  return absl::OkStatus();
}

absl::Status CheckComplete(const Authored& a) {
  if (a.id.empty() || a.source.empty() || a.headline.empty() || a.alt.empty() ||
      a.paragraphs.empty() || a.time == absl::Time()) {
    return absl::InvalidArgumentError(
        absl::StrCat("story ", a.id, " lacks a field or paragraphs"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Authored>> ParseBaseStories(
    const std::string& file, const std::string& text) {
  std::vector<Authored> stories;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  Authored current;
  bool in_body = false;
  std::vector<std::string> body;
  auto finish = [&]() -> absl::Status {
    if (current.id.empty()) return absl::OkStatus();
    current.paragraphs = Paragraphs(body);
    if (absl::Status s = CheckComplete(current); !s.ok()) return s;
    stories.push_back(std::move(current));
    current = Authored();
    body.clear();
    return absl::OkStatus();
  };
  for (int n = 0; n < static_cast<int>(lines.size()); ++n) {
    const std::string& line = lines[n];
    if (absl::StartsWith(line, "=== ")) {
      if (absl::Status s = finish(); !s.ok())
        return Malformed(file, n, s.message());
      current.id = std::string(absl::StripAsciiWhitespace(line.substr(4)));
      in_body = false;
      continue;
    }
    if (current.id.empty()) continue;  // the file's comment
    if (in_body) {
      body.push_back(line);
      continue;
    }
    if (line == "---") {
      in_body = true;
      continue;
    }
    std::pair<std::string, std::string> kv =
        absl::StrSplit(line, absl::MaxSplits(':', 1));
    if (absl::Status s =
            SetHeader(current, absl::StripAsciiWhitespace(kv.first),
                      absl::StripAsciiWhitespace(kv.second));
        !s.ok()) {
      return Malformed(file, n + 1, s.message());
    }
  }
  if (absl::Status s = finish(); !s.ok()) {
    return Malformed(file, static_cast<int>(lines.size()), s.message());
  }
  return stories;
}

absl::StatusOr<std::vector<Authored>> ParseTemplates(const std::string& file,
                                                     const std::string& text) {
  struct Family {
    std::map<std::string, std::string> header;
    std::vector<std::string> body;
  };
  std::vector<Authored> stories;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  Family family;
  std::string fill_id;
  std::map<std::string, std::string> slots;
  enum { kNone, kHeader, kBody, kFill } state = kNone;
  auto finish_fill = [&]() -> absl::Status {
    if (fill_id.empty()) return absl::OkStatus();
    Authored a;
    a.id = fill_id;
    for (const auto& [key, value] : family.header) {
      absl::StatusOr<std::string> v = Fill(value, slots);
      if (!v.ok()) return v.status();
      if (absl::Status s = SetHeader(a, key, *v); !s.ok()) return s;
    }
    auto time = slots.find("time");
    if (time == slots.end()) return absl::InvalidArgumentError("no time");
    if (absl::Status s = SetHeader(a, "time", time->second); !s.ok()) return s;
    for (const std::string& paragraph : Paragraphs(family.body)) {
      absl::StatusOr<std::string> p = Fill(paragraph, slots);
      if (!p.ok()) return p.status();
      a.paragraphs.push_back(*std::move(p));
    }
    if (absl::Status s = CheckComplete(a); !s.ok()) return s;
    stories.push_back(std::move(a));
    fill_id.clear();
    slots.clear();
    return absl::OkStatus();
  };
  for (int n = 0; n < static_cast<int>(lines.size()); ++n) {
    const std::string& line = lines[n];
    absl::Status s;
    if (absl::StartsWith(line, "=== ")) {
      s = finish_fill();
      family = Family();
      state = kHeader;
    } else if (absl::StartsWith(line, "+++ ")) {
      s = finish_fill();
      fill_id = std::string(absl::StripAsciiWhitespace(line.substr(4)));
      state = kFill;
    } else if (state == kHeader && line == "---") {
      state = kBody;
    } else if (state == kBody) {
      family.body.push_back(line);
    } else if (state == kHeader || state == kFill) {
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      std::pair<std::string, std::string> kv =
          absl::StrSplit(line, absl::MaxSplits(':', 1));
      auto& target = state == kHeader ? family.header : slots;
      target[std::string(absl::StripAsciiWhitespace(kv.first))] =
          std::string(absl::StripAsciiWhitespace(kv.second));
    }
    if (!s.ok()) return Malformed(file, n + 1, s.message());
  }
  if (absl::Status s = finish_fill(); !s.ok()) {
    return Malformed(file, static_cast<int>(lines.size()), s.message());
  }
  return stories;
}

bool IsWordChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Replaces whole-word occurrences of `from` (and its capitalised form).
std::string ReplaceWords(const std::string& text, absl::string_view from,
                         absl::string_view to) {
  std::string capital_from(from), capital_to(to);
  capital_from[0] = absl::ascii_toupper(capital_from[0]);
  capital_to[0] = absl::ascii_toupper(capital_to[0]);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    bool matched = false;
    for (const auto& [f, t] :
         {std::pair<absl::string_view, absl::string_view>{from, to},
          {capital_from, capital_to}}) {
      if (text.compare(i, f.size(), f.data(), f.size()) == 0 &&
          (i == 0 || !IsWordChar(text[i - 1])) &&
          (i + f.size() >= text.size() || !IsWordChar(text[i + f.size()]) ||
           !IsWordChar(f.back()))) {
        absl::StrAppend(&out, t);
        i += f.size();
        matched = true;
        break;
      }
    }
    if (!matched) out.push_back(text[i++]);
  }
  return out;
}

std::vector<std::string> Sentences(const std::string& paragraph) {
  std::vector<std::string> sentences;
  size_t start = 0;
  for (size_t i = 0; i + 2 < paragraph.size(); ++i) {
    if ((paragraph[i] == '.' || paragraph[i] == '?' || paragraph[i] == '!') &&
        paragraph[i + 1] == ' ' &&
        (absl::ascii_isupper(paragraph[i + 2]) || paragraph[i + 2] == '"')) {
      // Not after an abbreviation like "Dec." or "Mr.".
      size_t word = paragraph.rfind(' ', i);
      word = word == std::string::npos ? 0 : word + 1;
      if (i - word <= 3 && absl::ascii_isupper(paragraph[word])) continue;
      sentences.push_back(paragraph.substr(start, i + 1 - start));
      start = i + 2;
    }
  }
  sentences.push_back(paragraph.substr(start));
  return sentences;
}

// Finds figures: runs of digits with inner ',' or '.', not years.
std::vector<std::pair<size_t, size_t>> Figures(const std::string& text) {
  std::vector<std::pair<size_t, size_t>> figures;
  size_t i = 0;
  while (i < text.size()) {
    if (!absl::ascii_isdigit(text[i]) || (i > 0 && IsWordChar(text[i - 1]))) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < text.size() &&
           (absl::ascii_isdigit(text[i]) ||
            ((text[i] == ',' || text[i] == '.') && i + 1 < text.size() &&
             absl::ascii_isdigit(text[i + 1])))) {
      ++i;
    }
    absl::string_view figure(text.data() + start, i - start);
    const bool year = figure.size() == 4 && (absl::StartsWith(figure, "19") ||
                                             absl::StartsWith(figure, "20"));
    if (!year && (i >= text.size() || !absl::ascii_isalpha(text[i]))) {
      figures.emplace_back(start, i - start);
    }
  }
  return figures;
}

struct FigureChange {
  int paragraph = -1;
  std::string from;
  std::string to;
};

// Changes the `which`-th figure of the paragraphs (counting from paragraph
// `first`, wrapping around) by one in its last digit.
FigureChange ChangeFigure(std::vector<std::string>& paragraphs, int first,
                          int which) {
  const int n = static_cast<int>(paragraphs.size());
  for (int k = 0; k < n; ++k) {
    const int p = (first + k) % n;
    auto figures = Figures(paragraphs[p]);
    if (which >= static_cast<int>(figures.size())) {
      which -= static_cast<int>(figures.size());
      continue;
    }
    auto [start, length] = figures[which];
    std::string& text = paragraphs[p];
    FigureChange change{p, text.substr(start, length), ""};
    char& last = text[start + length - 1];
    last = last == '9' ? '8' : static_cast<char>(last + 1);
    change.to = text.substr(start, length);
    return change;
  }
  return {};
}

Story Make(const Authored& a, absl::string_view id, absl::string_view source,
           absl::string_view source_story_id, int version,
           absl::string_view headline,
           const std::vector<std::string>& paragraphs, absl::Time created,
           absl::Time arrival) {
  Story story = StoryBuilder(id)
                    .Source(source, source_story_id, version)
                    .Headline(headline)
                    .Paragraphs(paragraphs)
                    .Dateline(a.place, a.date_text)
                    .Time(created)
                    .Build();
  story.mutable_first_created()->set_seconds(absl::ToUnixSeconds(a.time));
  story.mutable_received_at()->set_seconds(absl::ToUnixSeconds(arrival));
  story.mutable_received_at()->set_nanos(0);
  return story;
}

std::string CorrectionHeadline(absl::string_view source,
                               absl::string_view headline) {
  if (source == "reuters") return absl::StrCat("CORRECTED-", headline);
  if (source == "ap") return absl::StrCat("Correction: ", headline);
  return absl::StrCat("CORRECTION - ", headline);
}

class Generator {
 public:
  Generator(uint64_t seed, EvaluationSet& set) : random_(seed), set_(set) {}

  void Add(Story story, absl::Time arrival, DedupKind kind,
           absl::string_view cluster, absl::string_view variant) {
    set_.stories.push_back(LabeledStory{std::move(story), arrival, kind,
                                        std::string(cluster),
                                        std::string(variant)});
  }

  absl::Time Minutes(const Authored& a, int lo, int hi) {
    return a.time + absl::Minutes(random_.Uniform(lo, hi));
  }

  std::string Outlet() {
    return kOutlets[random_.Uniform(0, std::size(kOutlets) - 1)];
  }

  // The first story and its re-send from the same feed.
  void Original(const Authored& a, absl::string_view variant) {
    Add(Make(a, a.id, a.source, a.id, 1, a.headline, a.paragraphs, a.time,
             a.time + absl::Minutes(1)),
        a.time + absl::Minutes(1), wirestream::v1::DEDUP_KIND_NEW, a.id,
        variant);
    const absl::Time resend = Minutes(a, 5, 90);
    Add(Make(a, a.id, a.source, a.id, 1, a.headline, a.paragraphs, a.time,
             resend),
        resend, wirestream::v1::DEDUP_KIND_DUPLICATE, a.id, "resend");
  }

  void OtherFeed(const Authored& a) {
    const absl::Time t = Minutes(a, 10, 240);
    const std::string id = absl::StrCat("synd-", a.id);
    Add(Make(a, id, "syndicate", id, 1, a.headline, a.paragraphs,
             t - absl::Minutes(1), t),
        t, wirestream::v1::DEDUP_KIND_DUPLICATE, a.id, "other-feed");
  }

  // Version 2 with a figure corrected; and a correction under a new id.
  void Corrections(const Authored& a) {
    std::vector<std::string> fixed = a.paragraphs;
    FigureChange change = ChangeFigure(fixed, 1, 0);
    if (change.paragraph < 0) return;
    absl::Time t = Minutes(a, 30, 300);
    Add(Make(a, absl::StrCat(a.id, "-v2"), a.source, a.id, 2, a.headline, fixed,
             t - absl::Minutes(1), t),
        t, wirestream::v1::DEDUP_KIND_UPDATE, a.id, "correction");

    fixed = a.paragraphs;
    change = ChangeFigure(fixed, 0, 1);
    if (change.paragraph < 0) return;
    fixed.push_back(absl::StrCat("(Corrects figure in paragraph ",
                                 change.paragraph + 1, " to ", change.to,
                                 " from ", change.from, ")"));
    t = Minutes(a, 60, 360);
    const std::string id = absl::StrCat(a.id, "-c");
    Add(Make(a, id, a.source, id, 1, CorrectionHeadline(a.source, a.headline),
             fixed, t - absl::Minutes(1), t),
        t, wirestream::v1::DEDUP_KIND_UPDATE, a.id, "correction-new-id");
  }

  // Another outlet's copy: retitled, trimmed, reordered, rewritten.
  void OutletCopies(const Authored& a) {
    auto copy = [&](absl::string_view variant, absl::string_view headline,
                    const std::vector<std::string>& paragraphs) {
      const absl::Time t = Minutes(a, 20, 30 * 60);
      const std::string outlet = Outlet();
      const std::string id = absl::StrCat(outlet, "-", a.id, "-", variant);
      Add(Make(a, id, outlet, id, 1, headline, paragraphs, t, t), t,
          wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE, a.id, variant);
    };
    copy("retitled", a.alt, a.paragraphs);

    const size_t keep = std::max<size_t>(2, (a.paragraphs.size() * 6 + 9) / 10);
    copy("trimmed", a.headline,
         std::vector<std::string>(
             a.paragraphs.begin(),
             a.paragraphs.begin() + std::min(keep, a.paragraphs.size())));

    std::vector<std::string> reordered = a.paragraphs;
    if (reordered.size() > 2) {
      // Keep the lede; shuffle the rest until the order changes.
      do {
        for (size_t i = reordered.size() - 1; i > 1; --i) {
          std::swap(reordered[i], reordered[random_.Uniform(1, i)]);
        }
      } while (reordered == a.paragraphs);
      copy("reordered", a.headline, reordered);
    }

    copy("rewrite", a.alt, Rewrite(a.paragraphs));
  }

  void Kill(const Authored& a) {
    const absl::Time t = Minutes(a, 40 * 60, 48 * 60);
    Story kill = Make(
        a, absl::StrCat(a.id, "-kill"), a.source, a.id, 3,
        absl::StrCat("KILL - ", a.headline),
        {absl::StrCat("Editors: the story headlined \"", a.headline,
                      "\" has been withdrawn. There will be no replacement "
                      "story.")},
        t, t);
    kill.set_pub_status(wirestream::v1::PUB_STATUS_CANCELED);
    Add(std::move(kill), t, wirestream::v1::DEDUP_KIND_KILL, a.id, "kill");
  }

  // An editor's rewrite of agency copy: some words substituted, days in AP
  // style, the last paragraph and one sentence dropped, a sentence added.
  std::vector<std::string> Rewrite(const std::vector<std::string>& original) {
    std::vector<std::string> out = original;
    for (const Substitution& s : kSubstitutions) {
      if (!random_.Chance(70)) continue;
      for (std::string& p : out) p = ReplaceWords(p, s.from, s.to);
    }
    for (const char* day : kWeekdays) {
      for (std::string& p : out) {
        p = ReplaceWords(p, absl::StrCat("on ", day), day);
      }
    }
    if (out.size() > 3) out.pop_back();
    std::vector<size_t> multi;
    for (size_t i = 1; i < out.size(); ++i) {
      if (Sentences(out[i]).size() >= 2) multi.push_back(i);
    }
    if (!multi.empty()) {
      const size_t p = multi[random_.Uniform(0, multi.size() - 1)];
      std::vector<std::string> sentences = Sentences(out[p]);
      sentences.pop_back();
      out[p] = absl::StrJoin(sentences, " ");
    }
    out.push_back(
        kOutletSentences[random_.Uniform(0, std::size(kOutletSentences) - 1)]);
    return out;
  }

 private:
  Random random_;
  EvaluationSet& set_;
};

}  // namespace

std::string EvaluationDataDir(const char* argv0) {
  return DataDir(argv0, kRelativeDir, "base_stories.txt");
}

absl::StatusOr<EvaluationSet> LoadEvaluationSet(const std::string& dir,
                                                uint64_t seed) {
  const std::string base_file = dir + "/base_stories.txt";
  const std::string template_file = dir + "/templates.txt";
  const std::string urgent_file = dir + "/urgents.txt";
  const std::string followup_file = dir + "/followups.txt";
  absl::StatusOr<std::string> base_text = ReadDataFile(base_file);
  if (!base_text.ok()) return base_text.status();
  absl::StatusOr<std::string> template_text = ReadDataFile(template_file);
  if (!template_text.ok()) return template_text.status();
  absl::StatusOr<std::string> urgent_text = ReadDataFile(urgent_file);
  if (!urgent_text.ok()) return urgent_text.status();
  absl::StatusOr<std::string> followup_text = ReadDataFile(followup_file);
  if (!followup_text.ok()) return followup_text.status();

  absl::StatusOr<std::vector<Authored>> base =
      ParseBaseStories(base_file, *base_text);
  if (!base.ok()) return base.status();
  absl::StatusOr<std::vector<Authored>> templates =
      ParseTemplates(template_file, *template_text);
  if (!templates.ok()) return templates.status();
  absl::StatusOr<std::vector<Authored>> followups =
      ParseBaseStories(followup_file, *followup_text);
  if (!followups.ok()) return followups.status();

  EvaluationSet set;
  Generator generate(seed, set);
  for (const Authored& a : *base) {
    generate.Original(a, "base");
    generate.OtherFeed(a);
    generate.Corrections(a);
    generate.OutletCopies(a);
    generate.Kill(a);
  }
  for (const Authored& a : *templates) {
    generate.Original(a, "template");
    generate.OutletCopies(a);
  }
  for (const Authored& a : *followups) {
    generate.Original(a, "follow-up");
    generate.OutletCopies(a);
  }
  set.base_stories = static_cast<int>(base->size());
  set.template_stories = static_cast<int>(templates->size());
  set.followups = static_cast<int>(followups->size());

  std::vector<std::string> lines = absl::StrSplit(*urgent_text, '\n');
  for (int n = 0; n < static_cast<int>(lines.size()); ++n) {
    absl::string_view line = absl::StripAsciiWhitespace(lines[n]);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields = absl::StrSplit(line, '|');
    if (fields.size() != 5) {
      return Malformed(urgent_file, n + 1, "want 5 fields");
    }
    for (std::string& f : fields)
      f = std::string(absl::StripAsciiWhitespace(f));
    absl::StatusOr<absl::Time> t = ParseTime(fields[2]);
    if (!t.ok()) return Malformed(urgent_file, n + 1, t.status().message());
    DedupKind kind = wirestream::v1::DEDUP_KIND_NEW;
    std::string cluster = fields[0];
    if (fields[3] != "new") {
      std::vector<std::string> expected = absl::StrSplit(fields[3], ' ');
      if (expected.size() != 2 ||
          (expected[0] != "duplicate" && expected[0] != "near")) {
        return Malformed(urgent_file, n + 1, "bad expectation");
      }
      kind = expected[0] == "duplicate"
                 ? wirestream::v1::DEDUP_KIND_DUPLICATE
                 : wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE;
      cluster = expected[1];
    }
    Story story = StoryBuilder(fields[0])
                      .Source(fields[1], fields[0], 1)
                      .Headline(fields[4])
                      .Time(*t)
                      .Build();
    generate.Add(std::move(story), *t + absl::Minutes(1), kind, cluster,
                 "urgent");
    ++set.urgents;
  }

  std::stable_sort(set.stories.begin(), set.stories.end(),
                   [](const LabeledStory& a, const LabeledStory& b) {
                     return a.arrival < b.arrival;
                   });
  return set;
}

double VerdictScore::precision() const {
  const int predicted = true_positives + false_positives;
  return predicted == 0 ? 1.0 : static_cast<double>(true_positives) / predicted;
}

double VerdictScore::recall() const {
  const int expected = true_positives + false_negatives;
  return expected == 0 ? 1.0 : static_cast<double>(true_positives) / expected;
}

EvaluationReport Evaluate(const EvaluationSet& set, Deduplicator& dedup) {
  EvaluationReport report;
  std::vector<StateChange> changes;
  const absl::Time start = absl::Now();
  std::vector<wirestream::v1::DedupVerdict> verdicts;
  verdicts.reserve(set.stories.size());
  for (const LabeledStory& s : set.stories) {
    changes.clear();
    verdicts.push_back(dedup.Judge(s.story, s.arrival, &changes));
  }
  report.judge_time = absl::Now() - start;
  report.stats = dedup.stats();
  report.stories = static_cast<int>(set.stories.size());
  for (size_t i = 0; i < set.stories.size(); ++i) {
    const LabeledStory& s = set.stories[i];
    const wirestream::v1::DedupVerdict& v = verdicts[i];
    const bool right =
        v.kind() == s.expected_kind && v.cluster_id() == s.expected_cluster;
    auto& [right_count, total] = report.by_variant[s.variant];
    ++total;
    if (right) {
      ++right_count;
      ++report.by_kind[s.expected_kind].true_positives;
    } else {
      ++report.by_kind[s.expected_kind].false_negatives;
      ++report.by_kind[v.kind()].false_positives;
      report.misjudged.push_back({&s, v});
    }
  }
  return report;
}

std::string EvaluationReport::ToText(bool with_misjudged) const {
  std::string out = absl::StrFormat(
      "%d stories judged in %.1f ms (%.0f stories/s)\n\n", stories,
      absl::ToDoubleMilliseconds(judge_time),
      stories / std::max(1e-9, absl::ToDoubleSeconds(judge_time)));
  absl::StrAppend(&out,
                  "verdict          expected  given  right  precision  "
                  "recall\n");
  for (int k = wirestream::v1::DEDUP_KIND_NEW;
       k <= wirestream::v1::DEDUP_KIND_KILL; ++k) {
    const VerdictScore& s = by_kind[k];
    const std::string name = absl::AsciiStrToLower(absl::StripPrefix(
        wirestream::v1::DedupKind_Name(static_cast<DedupKind>(k)),
        "DEDUP_KIND_"));
    absl::StrAppendFormat(&out, "%-16s %8d %6d %6d %10.4f %7.4f\n", name,
                          s.true_positives + s.false_negatives,
                          s.true_positives + s.false_positives,
                          s.true_positives, s.precision(), s.recall());
  }
  absl::StrAppend(&out, "\nvariant            right/total\n");
  for (const auto& [variant, counts] : by_variant) {
    absl::StrAppendFormat(&out, "%-18s %5d/%d\n", variant, counts.first,
                          counts.second);
  }
  absl::StrAppendFormat(
      &out,
      "\nstate: %d entries, %.1f bytes/entry accounted, "
      "%.1f allocated; %d LSH candidates compared\n",
      stats.entries, stats.bytes_per_entry(),
      stats.entries == 0
          ? 0.0
          : static_cast<double>(stats.allocated_bytes) / stats.entries,
      stats.candidates);
  if (with_misjudged) {
    absl::StrAppend(&out, "\nmisjudged:\n");
    for (const Misjudged& m : misjudged) {
      absl::StrAppendFormat(
          &out, "  %-44s %-18s want %s %s, got %s %s (%s %.3f vs %s)\n",
          m.story->story.id(), m.story->variant,
          DedupKind_Name(m.story->expected_kind), m.story->expected_cluster,
          DedupKind_Name(m.verdict.kind()), m.verdict.cluster_id(),
          m.verdict.method(), m.verdict.similarity(),
          m.verdict.matched_story_id());
    }
  }
  return out;
}

}  // namespace wirestream::stages::dedup
