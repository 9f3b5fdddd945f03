// File: pipeline/stages/dedup/fingerprint.h
//
// A StoryFingerprint is what dedup keeps of a story to recognise it again
// without its text: an exact key of its normalized text, a b-bit MinHash
// signature of its word shingles (headline weighted), and bottom-k sketches
// of the numbers and names it mentions. Fingerprinter computes one; the free
// functions compare two.
//
//   auto fingerprinter = Fingerprinter::Create(FingerprintOptions{});
//   StoryFingerprint a = (*fingerprinter)->Compute(story_a, "en");
//   StoryFingerprint b = (*fingerprinter)->Compute(story_b, "en");
//   double resemblance = EstimateResemblance(a.minhash, b.minhash);
//   std::optional<double> numbers = EntityOverlap(a.numbers, b.numbers);
//
// Why numbers and names: stories written from one template (two companies'
// quarterly results, the same market report on two days) share most of
// their shingles and differ only in figures and subjects. The sketches let
// the caller require those to agree as well.
//
// Every hash is XXH3 with fixed seeds, so fingerprints are stable across
// processes and builds: they are persisted in the changelog.
#ifndef WIRESTREAM_PIPELINE_STAGES_DEDUP_FINGERPRINT_H_
#define WIRESTREAM_PIPELINE_STAGES_DEDUP_FINGERPRINT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "pipeline/text/words.h"
#include "wirestream/v1/story.pb.h"

namespace wirestream::stages::dedup {

// How many of the smallest hashes an entity sketch keeps.
inline constexpr int kEntitySketchSize = 16;

// A bottom-k sketch of a set of entities (numbers or names): the smallest
// 16-bit hashes of its distinct members, ascending. Complete (holds the
// whole set) while the set has at most kEntitySketchSize members.
struct EntitySketch {
  std::array<uint16_t, kEntitySketchSize> hashes{};
  // How many of `hashes` are used.
  uint8_t size = 0;
  // How many distinct members the set has, saturating at 255.
  uint8_t count = 0;

  bool complete() const { return count <= size; }
  absl::Span<const uint16_t> view() const {
    return absl::MakeConstSpan(hashes.data(), size);
  }
  bool operator==(const EntitySketch& o) const {
    return count == o.count && view() == o.view();
  }
};

// Returns the sketch of the distinct members of `hashes` (any order, may
// repeat).
EntitySketch MakeEntitySketch(std::vector<uint16_t> hashes);

// Lead sketches (StoryFingerprint::lead) hold the dateline's date as
// month * 32 + day, below kLeadDateLimit, and each figure and name of the
// headline and first paragraph at or above it: its 16-bit number or name
// hash (as in `numbers` and `names`) with the lowest bit saying which
// (0 a number, 1 a name).
inline constexpr uint16_t kLeadDateLimit = 0x200;

// Returns the dateline date a lead sketch holds (month * 32 + day), if any.
std::optional<uint16_t> LeadDate(const EntitySketch& lead);

// Returns `numbers` without the days of the month of two lead dates
// (month * 32 + day; 0 is none): a story's figures apart from its
// datelines.
EntitySketch WithoutDays(const EntitySketch& numbers, uint16_t date_a,
                         uint16_t date_b);

// Returns true when the lead member `value` (a figure or name of a lead
// sketch) is certainly not mentioned by the story with these sketches; false
// when it is, or when its sketches cannot tell.
bool LeadMemberMissing(uint16_t value, const EntitySketch& numbers,
                       const EntitySketch& names, const EntitySketch& lead);

// What the leads of two stories say about whether they are one story.
struct LeadEvidence {
  // A lead figure or name of one story that the other story certainly
  // does not mention (as far as its sketches can tell): a member of each,
  // or 0 when there is none.
  uint16_t missing_from_b = 0;
  uint16_t missing_from_a = 0;
  // Lead members of each side that missing_* counted.
  int missing_from_b_count = 0;
  int missing_from_a_count = 0;
  // Both have a dateline date and the dates differ.
  bool other_date = false;
  // True when each lead names a figure or name the other story lacks: one
  // was put in place of the other (another fund, company, figure). A lead
  // that only adds or drops one (a ticker, a word of a retitled re-send) is
  // no conflict.
  bool conflict() const {
    return missing_from_b_count > 0 && missing_from_a_count > 0;
  }
};

// Compares the leads of stories a and b, each given by its number, name and
// lead sketches. Entries without a lead sketch (written before it existed)
// give no evidence.
LeadEvidence CompareLeads(const EntitySketch& numbers_a,
                          const EntitySketch& names_a,
                          const EntitySketch& lead_a,
                          const EntitySketch& numbers_b,
                          const EntitySketch& names_b,
                          const EntitySketch& lead_b);

// Returns an estimate of the overlap coefficient |A∩B| / min(|A|,|B|) of two
// sketched sets: exact when both sketches are complete; otherwise computed
// over the hash range both sketches cover completely. Returns nullopt when
// that range holds no member of one of the sets (no evidence either way).
std::optional<double> EntityOverlap(const EntitySketch& a,
                                    const EntitySketch& b);

// Returns how many members of the smaller side EntityOverlap compared: the
// weight of its evidence (0 when it returns nullopt).
int EntityEvidence(const EntitySketch& a, const EntitySketch& b);

struct FingerprintOptions {
  // Words per shingle: every run of min_shingle_size to shingle_size
  // words (after stopwords are dropped) is a shingle.
  int shingle_size = 3;
  int min_shingle_size = 3;
  // Leave English function words out of shingles.
  bool drop_stopwords = true;
  // Extra copies of each headline shingle (0: the headline counts once, as
  // part of the normalized text).
  int headline_weight = 2;
  // Hash functions in the MinHash signature (bands * rows).
  int num_hashes = 48;
  // Seed of the MinHash hash functions.
  uint64_t seed = 0x5eed0fd3d0b5eedULL;
};

struct StoryFingerprint {
  // XXH3-64 of domain and normalized text; 0 when the story has no text.
  uint64_t text_key = 0;
  // Distinct weighted shingles (saturating at 65535).
  uint16_t shingle_count = 0;
  // Words in the normalized text (saturating at 65535).
  uint16_t word_count = 0;
  // One byte per hash function: the low 8 bits of each minimum. Empty when
  // the story has no words.
  std::vector<uint8_t> minhash;
  // Numeric tokens ("4,512.3" and "4512.3" are one), from the normalized
  // text and the dateline date.
  EntitySketch numbers;
  // Capitalised words inside sentences of the body (people, places,
  // companies, days, months) and the dateline place, case-folded.
  EntitySketch names;
  // The lead: the dateline's date, the figures of the headline and first
  // paragraph, and their names (in a capitalised headline, the words the
  // body writes as names, and tickers such as "<ACME>"); see kLeadDateLimit.
  // What a template story leads with is what tells it from its siblings:
  // the fund, company or team, the figure, the day.
  EntitySketch lead;
  // The words behind the lead's figures and names, by lead value, for
  // explaining a verdict (not kept in the state).
  std::vector<std::pair<uint16_t, std::string>> lead_terms;
};

// Computes fingerprints. Immutable after Create, but Compute reuses scratch
// buffers: use one Fingerprinter per thread.
class Fingerprinter {
 public:
  // Returns a fingerprinter, or INVALID_ARGUMENT for options out of range
  // (shingle_size 1..8, headline_weight 0..8, num_hashes 1..256), or
  // INTERNAL when ICU's word rules cannot be loaded.
  static absl::StatusOr<std::unique_ptr<Fingerprinter>> Create(
      const FingerprintOptions& options);

  // Returns the fingerprint of `story` judged in `domain`.
  StoryFingerprint Compute(const wirestream::v1::Story& story,
                           absl::string_view domain) const;

  // Returns an id of the options: fingerprints are comparable only when
  // computed under the same scheme.
  uint32_t scheme() const { return scheme_; }
  const FingerprintOptions& options() const { return options_; }

 private:
  explicit Fingerprinter(const FingerprintOptions& options);

  FingerprintOptions options_;
  uint32_t scheme_ = 0;
  std::vector<uint64_t> multipliers_;
  std::vector<uint64_t> offsets_;
  mutable std::vector<uint64_t> word_hashes_;
  mutable std::vector<uint64_t> shingles_;
  mutable std::vector<uint64_t> minimums_;
  mutable std::vector<uint16_t> entity_scratch_;
  mutable std::string fold_scratch_;
  // Cuts text into words; one per Fingerprinter, like the scratch buffers.
  std::unique_ptr<text::WordSegmenter> segmenter_;
  mutable std::vector<text::WordSpan> word_spans_;
};

// Returns the estimated Jaccard resemblance of the shingle sets behind two
// b-bit (8-bit) MinHash signatures of equal length, 0..1.
double EstimateResemblance(absl::Span<const uint8_t> a,
                           absl::Span<const uint8_t> b);

// Returns the containment of the smaller set in the larger, |A∩B| /
// min(|A|,|B|), implied by resemblance `resemblance` and the set sizes.
double ContainmentFromResemblance(double resemblance, int size_a, int size_b);

// Returns `text` folded for matching the way normalize folds
// Story.normalized_text: lower case (ASCII), curly quotes and dashes made
// plain, whitespace collapsed to single spaces, trimmed.
std::string FoldText(absl::string_view text);

// Returns the text dedup matches on: Story.normalized_text, or when it is
// empty the headline and paragraphs folded with FoldText.
std::string MatchingTextOf(const wirestream::v1::Story& story);

// Returns XXH3-64 of `parts` joined with NUL separators; never 0.
uint64_t StableKey(std::initializer_list<absl::string_view> parts);

}  // namespace wirestream::stages::dedup

#endif  // WIRESTREAM_PIPELINE_STAGES_DEDUP_FINGERPRINT_H_
