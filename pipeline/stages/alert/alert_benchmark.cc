// Stories per second through the alert stage with 10, 1,000 and 10,000
// generated rules, on one thread. Results and the machine are recorded in
// BENCHMARKS.md ("## alert").
//
//   bazel build //pipeline/stages/alert:alert_benchmark
//   taskset -c 1 bazel-bin/pipeline/stages/alert/alert_benchmark
//
// Generated text: a vocabulary of 200,000 made-up words drawn with Zipf
// frequencies (a few very common words, a long tail). A story is a 12-word
// headline and 8 paragraphs of 60 words (about 3.5 KB). Rules: 45% single
// words, 20% two-word phrases, 10% wildcards (a whole word + '*'), 10%
// "a AND b NOT c", 15% "(a OR b) NEAR/5 (c OR d)". The second argument
// picks where rule words come from:
//   0 "typical": ranks 20,000-200,000, like the names and rare words
//     editors watch for: a rule matches about 1 story in 2,000;
//   1 "stress": ranks 500-20,000, far more common: every story matches
//     dozens (1,000 rules) to hundreds (10,000 rules) of rules, each with a
//     snippet, so evaluation, not scanning, dominates.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "pipeline/stages/alert/alert_stage.h"
#include "pipeline/stages/alert/rule_set.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::alert {
namespace {

constexpr int kVocabulary = 200000;
constexpr int kStories = 1000;

// Distinct made-up words, the word of rank r spelled from a permutation
// of r in base 30 (three or four syllables), so ranks and spellings are
// unrelated and no two ranks share a word.
const std::vector<std::string>& Vocabulary() {
  static const auto* words = [] {
    static const char* kSyllables[] = {
        "ka",  "lo",  "mi",  "ne",  "su",  "ra",  "to",  "vi",  "be",  "do",
        "fa",  "gu",  "hi",  "jo",  "pe",  "qui", "sa",  "te",  "wu",  "ze",
        "bar", "con", "del", "for", "gan", "hol", "mar", "nor", "pol", "tur"};
    auto* out = new std::vector<std::string>;
    out->reserve(kVocabulary);
    for (int64_t r = 0; r < kVocabulary; ++r) {
      int64_t v = (r * 7919 + 13) % kVocabulary;  // 7919 is coprime to it
      const int syllables = v < 27000 ? 3 : 4;
      std::string w;
      for (int i = 0; i < syllables; ++i) {
        w += kSyllables[v % 30];
        v /= 30;
      }
      out->push_back(std::move(w));
    }
    return out;
  }();
  return *words;
}

// Zipf(1) over word ranks.
class WordSampler {
 public:
  explicit WordSampler(uint32_t seed) : rng_(seed) {
    cumulative_.reserve(kVocabulary);
    double sum = 0;
    for (int r = 1; r <= kVocabulary; ++r) {
      sum += 1.0 / r;
      cumulative_.push_back(sum);
    }
  }
  const std::string& Next() {
    std::uniform_real_distribution<double> u(0, cumulative_.back());
    const double x = u(rng_);
    const size_t i =
        std::lower_bound(cumulative_.begin(), cumulative_.end(), x) -
        cumulative_.begin();
    return Vocabulary()[i];
  }
  // A rule word: ranks [20000, 200000) when `typical`, else [500, 20000).
  const std::string& RuleWord(bool typical) {
    const int lo = typical ? 20000 : 500;
    const int hi = typical ? kVocabulary : 20000;
    return Vocabulary()[lo + rng_() % (hi - lo)];
  }
  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
  std::vector<double> cumulative_;
};

std::vector<wirestream::v1::EnrichedStory> MakeStories() {
  WordSampler words(11);
  std::vector<wirestream::v1::EnrichedStory> stories(kStories);
  for (int s = 0; s < kStories; ++s) {
    auto* story = stories[s].mutable_story();
    story->set_id(absl::StrCat("s-", s));
    story->set_language("en");
    std::string headline;
    for (int w = 0; w < 12; ++w) absl::StrAppend(&headline, words.Next(), " ");
    story->set_headline(headline);
    for (int p = 0; p < 8; ++p) {
      std::string para;
      for (int w = 0; w < 60; ++w) {
        absl::StrAppend(&para, words.Next(), w % 12 == 11 ? ". " : " ");
      }
      story->add_paragraphs(para);
    }
    stories[s].mutable_verdict()->set_cluster_id(absl::StrCat("c-", s));
  }
  return stories;
}

RulesConfig MakeRules(int n, bool typical) {
  WordSampler words(23);
  auto word = [&]() -> const std::string& { return words.RuleWord(typical); };
  RulesConfig config;
  config.origin = "generated";
  for (int i = 0; i < n; ++i) {
    AlertRule r;
    r.id = absl::StrCat("rule-", i);
    r.name = r.id;
    const int kind = static_cast<int>(words.rng()() % 100);
    if (kind < 45) {
      r.query = word();
    } else if (kind < 65) {
      r.query = absl::StrCat("\"", word(), " ", word(), "\"");
    } else if (kind < 75) {
      r.query = absl::StrCat(word(), "*");
    } else if (kind < 85) {
      r.query = absl::StrCat(word(), " AND ", word(), " NOT ", word());
    } else {
      r.query = absl::StrCat("(", word(), " OR ", word(), ") NEAR/5 (", word(),
                             " OR ", word(), ")");
    }
    config.rules.push_back(std::move(r));
  }
  return config;
}

std::shared_ptr<const RuleSet> CompiledRules(int n, bool typical) {
  absl::StatusOr<std::shared_ptr<const RuleSet>> set =
      RuleSet::Create(MakeRules(n, typical));
  if (!set.ok()) {
    fprintf(stderr, "rules: %s\n", std::string(set.status().message()).c_str());
    std::abort();
  }
  return *set;
}

void BM_Compile(benchmark::State& state) {
  const RulesConfig config =
      MakeRules(static_cast<int>(state.range(0)), /*typical=*/true);
  for (auto _ : state) {
    benchmark::DoNotOptimize(RuleSet::Create(config));
  }
  state.counters["rules"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_Compile)
    ->Arg(10)
    ->Arg(1000)
    ->Arg(10000)
    ->ArgName("rules")
    ->Unit(benchmark::kMillisecond);

// RuleSet::Match alone: tokenize, scan, evaluate candidates, snippets.
void BM_Match(benchmark::State& state) {
  const std::vector<wirestream::v1::EnrichedStory> stories = MakeStories();
  const std::shared_ptr<const RuleSet> rules =
      CompiledRules(static_cast<int>(state.range(0)), state.range(1) == 0);
  MatchScratch scratch;
  size_t i = 0;
  int64_t matches = 0;
  for (auto _ : state) {
    matches += rules->Match(stories[i], &scratch).size();
    i = (i + 1) % stories.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["stories/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["matches/story"] =
      static_cast<double>(matches) / static_cast<double>(state.iterations());
  state.counters["patterns"] = rules->pattern_count();
}
BENCHMARK(BM_Match)
    ->ArgsProduct({{10, 1000, 10000}, {0, 1}})
    ->ArgNames({"rules", "stress"})
    ->Unit(benchmark::kMicrosecond);

// AlertStage::Process: parse the EnrichedStory, match, suppression, build
// and serialize the outputs.
void BM_Process(benchmark::State& state) {
  const std::vector<wirestream::v1::EnrichedStory> stories = MakeStories();
  std::vector<std::string> values;
  for (const auto& s : stories) values.push_back(s.SerializeAsString());
  StaticRuleSource rules(
      CompiledRules(static_cast<int>(state.range(0)), state.range(1) == 0));
  AlertStageOptions options;
  options.rules = &rules;
  std::unique_ptr<AlertStage> stage = *AlertStage::Create(std::move(options));
  runtime::InputRecord record;
  record.topic = "wire.classified";
  record.timestamp = absl::Now();
  size_t i = 0;
  int64_t outputs = 0;
  for (auto _ : state) {
    record.value = values[i];
    ++record.offset;
    outputs += stage->Process(record)->size();
    i = (i + 1) % values.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["stories/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["outputs/story"] =
      static_cast<double>(outputs) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Process)
    ->ArgsProduct({{10, 1000, 10000}, {0, 1}})
    ->ArgNames({"rules", "stress"})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace wirestream::alert
