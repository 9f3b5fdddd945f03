// Benchmarks of the Deduplicator with a full window: how many stories a
// second one core judges with 1M stories in the window, the state's bytes
// per entry, and how long restoring 1M entries from the changelog takes.
//
//   bazel run //pipeline/stages/dedup:deduplicator_benchmark
//
// Stories are synthetic: ~150 words in 6 paragraphs drawn from a Zipf(1)
// vocabulary of 100,000 content words, with English function words,
// capitalised names and figures mixed in the proportions of wire copy.
// Random pairs of them share a little more vocabulary than the stories of
// different clusters in the evaluation set (BM_BackgroundResemblance: mean
// resemblance 0.04 against 0.02, 2.5% of pairs at 0.1 or more against
// 2.6%), so the LSH buckets are at least as full as with real copy.
// DEDUP_BENCH_ZIPF sets another exponent. Of the stories
// judged, 90% are new, 5% exact re-sends and 5% edited copies of stories in
// the window.
//
// The BM_Disk* benchmarks restore the same window into a DiskEntryStore
// (RocksDB with a 32 MB cache, in the system's temporary directory, or
// DEDUP_BENCH_STATE_DIR) and judge the same stories: memory and disk bytes
// per entry, growth of the process's resident memory, restore time.
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "pipeline/stages/dedup/deduplicator.h"
#include "pipeline/stages/dedup/fingerprint.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::stages::dedup {
namespace {

using ::wirestream::v1::Story;

// Stories in the window: 1M, or DEDUP_BENCH_WINDOW for quick runs.
int WindowStories() {
  static const int n = [] {
    const char* env = std::getenv("DEDUP_BENCH_WINDOW");
    return env != nullptr ? std::atoi(env) : 1000000;
  }();
  return n;
}
constexpr int kJudged = 200000;
constexpr int kJudgedOnDisk = 20000;

// Returns the process's resident memory in bytes, after handing freed heap
// back to the system (so that what a restore's lookup tables used and freed
// is not counted).
int64_t ResidentBytes() {
  malloc_trim(0);
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}
const absl::Time kStart = absl::FromUnixSeconds(1732788000);

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  int Below(int n) { return static_cast<int>(Next() % n); }

 private:
  uint64_t state_;
};

class StoryFactory {
 public:
  StoryFactory() : rng_(0x9e3779b97f4a7c15ULL) {
    const char* syllables[] = {"ka",  "lo", "mer", "tin", "sa",  "ve",  "ron",
                               "di",  "pa", "gul", "es",  "tor", "an",  "bri",
                               "co",  "us", "fel", "ma",  "ne",  "quo", "ri",
                               "stu", "ya", "zen", "hol", "pre", "ix",  "om"};
    // Word i spells i in base 28, at least two syllables: all distinct.
    auto word = [&](int i) {
      std::string w;
      do {
        w += syllables[i % 28];
        i /= 28;
      } while (i > 0 || w.size() < 4);
      return w;
    };
    for (int i = 0; i < kVocabulary; ++i) vocabulary_.push_back(word(i));
    for (int i = 0; i < 5000; ++i) {
      std::string n = word(kVocabulary + i);
      n[0] = static_cast<char>(n[0] - 'a' + 'A');
      names_.push_back(n);
    }
    // Zipf over the vocabulary; exponent DEDUP_BENCH_ZIPF (default 1).
    const char* env = std::getenv("DEDUP_BENCH_ZIPF");
    const double exponent = env != nullptr ? std::atof(env) : 1.0;
    double total = 0;
    for (int i = 1; i <= kVocabulary; ++i) total += std::pow(i, -exponent);
    double running = 0;
    for (int i = 1; i <= kVocabulary; ++i) {
      running += std::pow(i, -exponent) / total;
      cdf_.push_back(running);
    }
  }

  Story Make(int i) {
    Story story;
    story.set_id(absl::StrCat("bench-", i));
    story.set_source(kSources[i % 5]);
    story.set_source_story_id(absl::StrCat("ssid-", i));
    story.set_version(1);
    story.set_language("en");
    std::string headline;
    for (int w = 0; w < 8; ++w) {
      absl::StrAppend(&headline, w ? " " : "", Content());
    }
    story.set_headline(headline);
    for (int p = 0; p < 6; ++p) {
      std::string paragraph;
      for (int s = 0; s < 2; ++s) {
        const int words = 11 + rng_.Below(4);
        for (int w = 0; w < words; ++w) {
          absl::StrAppend(&paragraph, paragraph.empty() ? "" : " ", Token());
        }
        paragraph += ".";
      }
      story.add_paragraphs(paragraph);
    }
    Finish(story, i);
    return story;
  }

  // An outlet's copy of `original`: new id and source, one word in ten
  // replaced, the last paragraph dropped.
  Story EditedCopy(const Story& original, int i) {
    Story story = original;
    story.set_id(absl::StrCat("copy-", i));
    story.set_source("outlet");
    story.set_source_story_id(absl::StrCat("copy-", i));
    story.mutable_paragraphs()->RemoveLast();
    for (std::string& p : *story.mutable_paragraphs()) {
      std::string edited;
      size_t start = 0;
      while (start < p.size()) {
        size_t end = p.find(' ', start);
        if (end == std::string::npos) end = p.size();
        absl::string_view w(p.data() + start, end - start);
        absl::StrAppend(&edited, edited.empty() ? "" : " ",
                        rng_.Below(10) == 0 ? Content() : std::string(w));
        start = end + 1;
      }
      p = edited;
    }
    Finish(story, i);
    return story;
  }

 private:
  static constexpr int kVocabulary = 100000;
  static constexpr const char* kSources[] = {"reuters", "ap", "afp", "dpa",
                                             "bloomberg"};
  static constexpr const char* kStopwords[] = {
      "the",  "of",  "and", "to", "in", "a",  "said", "on",   "for", "that",
      "with", "was", "is",  "it", "by", "as", "at",   "from", "his", "its"};

  void Finish(Story& story, int i) {
    // Event times advance so that exactly WindowStories() fit the window.
    const int64_t t =
        absl::ToUnixSeconds(kStart + i * (absl::Hours(72) / WindowStories()));
    story.mutable_version_created()->set_seconds(t);
    story.mutable_received_at()->set_seconds(t + 30);
    std::string text = story.headline();
    for (const std::string& p : story.paragraphs())
      absl::StrAppend(&text, " ", p);
    story.set_normalized_text(FoldText(text));
  }

  std::string Content() {
    const double u = (rng_.Next() >> 11) * (1.0 / 9007199254740992.0);
    return vocabulary_[std::lower_bound(cdf_.begin(), cdf_.end(), u) -
                       cdf_.begin()];
  }

  std::string Token() {
    const int roll = rng_.Below(100);
    if (roll < 35) return kStopwords[rng_.Below(20)];
    if (roll < 43) return names_[rng_.Below(5000)];
    if (roll < 47) return absl::StrCat(rng_.Below(1000), ".", rng_.Below(10));
    return Content();
  }

  Rng rng_;
  std::vector<std::string> vocabulary_;
  std::vector<std::string> names_;
  std::vector<double> cdf_;
};

// A Deduplicator holding a full window, its changelog, and stories to judge.
struct World {
  std::unique_ptr<Deduplicator> dedup;
  std::vector<std::pair<std::string, std::string>> changelog;
  std::vector<Story> to_judge;
  absl::Duration fill_time;

  World() {
    StoryFactory factory;
    DeduplicatorConfig config;
    config.memory_budget_bytes = int64_t{8} << 30;
    dedup = *Deduplicator::Create(config);
    std::vector<Story> recent;
    std::vector<StateChange> changes;
    const absl::Time start = absl::Now();
    const int window = WindowStories();
    for (int i = 0; i < window; ++i) {
      Story story = factory.Make(i);
      changes.clear();
      dedup->Judge(story, absl::UnixEpoch(), &changes);
      for (StateChange& c : changes) {
        changelog.emplace_back(std::move(c.key), std::move(*c.value));
      }
      if (i >= window - 50000 && i % 10 == 0) {
        recent.push_back(std::move(story));
      }
      if ((i + 1) % 100000 == 0) {
        const DedupStats s = dedup->stats();
        std::fprintf(stderr,
                     "filled %d stories in %.0f s: %.1f candidates/story, "
                     "%.0f bytes/entry\n",
                     i + 1, absl::ToDoubleSeconds(absl::Now() - start),
                     static_cast<double>(s.candidates) / (i + 1),
                     s.bytes_per_entry());
      }
    }
    fill_time = absl::Now() - start;
    Rng rng(7);
    for (int i = 0; i < kJudged; ++i) {
      const int n = window + i;
      const int roll = rng.Below(100);
      if (roll < 5) {
        Story resend = recent[rng.Below(recent.size())];
        resend.mutable_version_created()->set_seconds(absl::ToUnixSeconds(
            kStart + n * (absl::Hours(72) / WindowStories())));
        to_judge.push_back(std::move(resend));
      } else if (roll < 10) {
        to_judge.push_back(
            factory.EditedCopy(recent[rng.Below(recent.size())], n));
      } else {
        to_judge.push_back(factory.Make(n));
      }
    }
  }
};

World& TheWorld() {
  static World* world = new World();
  return *world;
}

// Judges TheWorld()'s stories with `dedup`, one a benchmark iteration, and
// reports the entries, the candidates compared per story and the
// near-duplicates found; returns the state's stats after.
DedupStats JudgeStories(Deduplicator& dedup, benchmark::State& state) {
  const std::vector<Story>& stories = TheWorld().to_judge;
  std::vector<StateChange> changes;
  const DedupStats before = dedup.stats();
  size_t next = 0;
  for (auto _ : state) {
    changes.clear();
    benchmark::DoNotOptimize(dedup.Judge(stories[next++ % stories.size()],
                                         absl::UnixEpoch(), &changes));
  }
  const DedupStats after = dedup.stats();
  state.SetItemsProcessed(state.iterations());
  state.counters["entries"] = static_cast<double>(after.entries);
  state.counters["candidates_per_story"] =
      static_cast<double>(after.candidates - before.candidates) /
      state.iterations();
  state.counters["near_duplicates"] = static_cast<double>(
      after.verdicts[wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE] -
      before.verdicts[wirestream::v1::DEDUP_KIND_NEAR_DUPLICATE]);
  return after;
}

void BM_JudgeWithFullWindow(benchmark::State& state) {
  World& world = TheWorld();
  const DedupStats after = JudgeStories(*world.dedup, state);
  state.counters["bytes_per_entry"] = after.bytes_per_entry();
  state.counters["allocated_per_entry"] =
      static_cast<double>(after.allocated_bytes) / after.entries;
  state.counters["fill_seconds"] = absl::ToDoubleSeconds(world.fill_time);
}
BENCHMARK(BM_JudgeWithFullWindow)
    ->Iterations(kJudged)
    ->Unit(benchmark::kMicrosecond);

void BM_Fingerprint(benchmark::State& state) {
  World& world = TheWorld();
  auto fingerprinter =
      *Fingerprinter::Create(FingerprintOptions{.shingle_size = 1,
                                                .min_shingle_size = 1,
                                                .headline_weight = 1,
                                                .num_hashes = 60});
  size_t next = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fingerprinter->Compute(
        world.to_judge[next++ % world.to_judge.size()], "en"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Fingerprint)->Unit(benchmark::kMicrosecond);

// Not a timing: the resemblance of random pairs of synthetic stories, to
// compare the synthetic text's background with real copy's (dedup_eval
// --pairs reports it for the evaluation set).
void BM_BackgroundResemblance(benchmark::State& state) {
  World& world = TheWorld();
  auto fingerprinter =
      *Fingerprinter::Create(FingerprintOptions{.shingle_size = 1,
                                                .min_shingle_size = 1,
                                                .headline_weight = 1,
                                                .num_hashes = 60});
  std::vector<StoryFingerprint> fps;
  for (int i = 0; i < 2000; ++i) {
    fps.push_back(fingerprinter->Compute(world.to_judge[i * 17], "en"));
  }
  double sum = 0;
  int64_t pairs = 0, over_01 = 0, over_02 = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < fps.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        const double r = EstimateResemblance(fps[i].minhash, fps[j].minhash);
        sum += r;
        ++pairs;
        over_01 += r >= 0.1;
        over_02 += r >= 0.2;
      }
    }
  }
  state.counters["mean_R"] = sum / pairs;
  state.counters["pct_R_ge_0.1"] = 100.0 * over_01 / pairs;
  state.counters["pct_R_ge_0.2"] = 100.0 * over_02 / pairs;
}
BENCHMARK(BM_BackgroundResemblance)->Iterations(1);

// Replays TheWorld()'s changelog into `dedup`, showing progress.
void RestoreWindow(Deduplicator& dedup) {
  const auto& changelog = TheWorld().changelog;
  const absl::Time start = absl::Now();
  size_t done = 0;
  for (const auto& [key, value] : changelog) {
    dedup.Restore(key, value);
    if (++done % 200000 == 0) {
      std::fprintf(stderr, "restored %zu of %zu entries in %.0f s\n", done,
                   changelog.size(),
                   absl::ToDoubleSeconds(absl::Now() - start));
    }
  }
  std::vector<StateChange> dropped;
  dedup.FinishRestore(&dropped);
}

void BM_Restore(benchmark::State& state) {
  World& world = TheWorld();
  for (auto _ : state) {
    auto restored = *Deduplicator::Create(
        DeduplicatorConfig{.memory_budget_bytes = int64_t{8} << 30});
    RestoreWindow(*restored);
    state.counters["entries"] = static_cast<double>(restored->stats().entries);
    state.counters["changelog_records"] =
        static_cast<double>(world.changelog.size());
    size_t bytes = 0;
    for (const auto& [key, value] : world.changelog) {
      bytes += key.size() + value.size();
    }
    state.counters["changelog_bytes_per_record"] =
        static_cast<double>(bytes) / world.changelog.size();
  }
  state.SetItemsProcessed(state.iterations() * world.changelog.size());
}
BENCHMARK(BM_Restore)->Iterations(1)->Unit(benchmark::kMillisecond);

// The window of TheWorld() restored into a DiskEntryStore.
struct DiskWorld {
  std::unique_ptr<Deduplicator> dedup;
  absl::Duration restore_time;
  int64_t resident_growth = 0;

  DiskWorld() {
    TheWorld();  // built first, so that its memory is not counted below
    DeduplicatorConfig config;
    config.memory_budget_bytes = int64_t{8} << 30;
    const char* dir = std::getenv("DEDUP_BENCH_STATE_DIR");
    config.state_dir = dir != nullptr
                           ? std::string(dir)
                           : (std::filesystem::temp_directory_path() /
                              "wirestream-dedup-bench")
                                 .string();
    const int64_t resident_before = ResidentBytes();
    dedup = *Deduplicator::Create(config);
    const absl::Time start = absl::Now();
    RestoreWindow(*dedup);
    restore_time = absl::Now() - start;
    resident_growth = ResidentBytes() - resident_before;
    std::fprintf(stderr, "disk state ready: %.0f s, %lld entries\n",
                 absl::ToDoubleSeconds(restore_time),
                 static_cast<long long>(dedup->stats().entries));
  }
};

DiskWorld& TheDiskWorld() {
  static DiskWorld* world = new DiskWorld();
  return *world;
}

void BM_DiskJudgeWithFullWindow(benchmark::State& state) {
  DiskWorld& disk = TheDiskWorld();
  const DedupStats after = JudgeStories(*disk.dedup, state);
  const double entries = static_cast<double>(after.entries);
  state.counters["memory_per_entry"] = after.allocated_bytes / entries;
  state.counters["resident_growth_per_entry"] = disk.resident_growth / entries;
  state.counters["disk_per_entry"] = after.disk_bytes / entries;
  state.counters["written_per_entry"] = after.bytes / entries;
  state.counters["restore_seconds"] = absl::ToDoubleSeconds(disk.restore_time);
}
BENCHMARK(BM_DiskJudgeWithFullWindow)
    ->Iterations(kJudgedOnDisk)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace wirestream::stages::dedup
