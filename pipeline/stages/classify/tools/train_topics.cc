// train_topics: trains classify's topic model (data/model.tsv) on the
// labelled training corpus, one logistic regression per topic over the
// hashed unigram and bigram features of topic_features.h, with the
// lexicon's logits as a fixed offset (the model learns what the lexicon
// does not already say). A second head, a softmax over the top-level
// topics trained on each story's first label only, chooses the primary
// topic (rows "primary:<code>").
//
// Usage (one command):
//   bazel run //pipeline/stages/classify/tools:train_topics --
//     --data_dir=$PWD/pipeline/stages/classify/data
//     --corpus=$PWD/pipeline/stages/classify/corpus/train.txt
//     --out=$PWD/pipeline/stages/classify/data/model.tsv
//
// Another language: --corpus=.../corpus/train_fr.txt
// --out=.../data/model_fr.tsv; the language comes from the corpus file's
// name (or --language), its lexicon is data/lexicon_<lang>.tsv (none when
// absent) and its tokens are that language's (topic_features.h).
//
// Deterministic: the same corpus, lexicon and flags give the same file.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "pipeline/stages/classify/classifier_data.h"
#include "pipeline/stages/classify/corpus.h"
#include "pipeline/stages/classify/story_text.h"
#include "pipeline/stages/classify/topic_features.h"
#include "pipeline/stages/classify/topic_model.h"

ABSL_FLAG(std::string, data_dir, "",
          "classify data directory (taxonomy, lexicon)");
ABSL_FLAG(std::string, corpus, "", "labelled training corpus");
ABSL_FLAG(std::string, out, "", "model file to write");
ABSL_FLAG(std::string, language, "",
          "language of the corpus (primary subtag); empty: from the corpus "
          "file's name (train_fr.txt: fr; train.txt: English)");
ABSL_FLAG(std::vector<std::string>, also, {},
          "more corpus files whose stories are added to the training set, "
          "each read in its own file's language (for experiments)");
ABSL_FLAG(int, epochs, 6,
          "passes over the corpus (few: more overfits the small corpus)");
ABSL_FLAG(double, learning_rate, 0.3, "SGD step size");
ABSL_FLAG(double, l2, 0.002, "L2 penalty per step");
ABSL_FLAG(double, positive_weight, 3.0, "weight of a positive example");
ABSL_FLAG(double, l1, 0.03,
          "L1 penalty per step (truncated gradient): keeps the model sparse");
ABSL_FLAG(double, prune, 0.05, "weights smaller than this are dropped");
ABSL_FLAG(int, primary_epochs, 10, "passes for the primary-topic head");
ABSL_FLAG(double, primary_learning_rate, 0.2,
          "SGD step size of the primary-topic head");
ABSL_FLAG(double, primary_l1, 0.01, "L1 penalty of the primary-topic head");

namespace {

using namespace wirestream::classify;  // NOLINT: a tool's main

using Features = std::vector<std::pair<uint32_t, float>>;
using Weights = absl::flat_hash_map<uint32_t, double>;

struct Example {
  Features features;
  std::vector<double> offset;  // lexicon logits per topic
  std::vector<bool> label;     // per topic
  int primary = -1;            // top-level topic of the first label
};

// Returns `z` plus the weights of `features`, added in their order.
double AddWeights(double z, const Weights& w, const Features& features) {
  for (const auto& [b, v] : features) {
    auto it = w.find(b);
    if (it != w.end()) z += it->second * v;
  }
  return z;
}

// One SGD step on the weights of `features` for gradient `g`: L2, then L1
// by truncated gradient (clipped towards zero; a weight that reaches zero
// is dropped, which keeps the model sparse).
void Step(Weights& w, const Features& features, double g, double step,
          double l2, double l1) {
  for (const auto& [b, v] : features) {
    auto it = w.find(b);
    double wt = it == w.end() ? 0.0 : it->second;
    wt -= step * (g * v + l2 * wt);
    wt = wt > 0 ? std::max(0.0, wt - step * l1) : std::min(0.0, wt + step * l1);
    if (wt == 0.0) {
      if (it != w.end()) w.erase(it);
    } else {
      w[b] = wt;
    }
  }
}

// Writes `code`'s term rows, by term, for weights of at least `prune`;
// returns how many.
size_t WriteWeights(std::ostream& out, const std::string& code,
                    const Weights& w,
                    const std::map<uint32_t, std::string>& term_of_bucket,
                    double prune) {
  std::map<std::string, double> sorted;
  for (const auto& [b, v] : w) {
    if (std::fabs(v) >= prune) sorted[term_of_bucket.at(b)] = v;
  }
  for (const auto& [term, v] : sorted) {
    out << code << "\t" << term << "\t" << absl::StrFormat("%.3f", v) << "\n";
  }
  return sorted.size();
}

// Deterministic shuffle (xorshift), the same on every platform.
void Shuffle(std::vector<size_t>& v, uint64_t& state) {
  for (size_t i = v.size(); i > 1; --i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    std::swap(v[i - 1], v[state % i]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto data = LoadClassifierData(absl::GetFlag(FLAGS_data_dir));
  if (!data.ok()) {
    std::cerr << data.status() << "\n";
    return 1;
  }
  const std::string corpus_path = absl::GetFlag(FLAGS_corpus);
  std::string language = absl::GetFlag(FLAGS_language);
  if (language.empty()) language = CorpusLanguage(corpus_path);
  if (language == "en") language.clear();
  std::string lexicon_tsv = data->lexicon_tsv;
  if (!language.empty()) {
    auto it = data->language_topics.find(language);
    lexicon_tsv.clear();
    if (it != data->language_topics.end()) {
      lexicon_tsv = it->second.lexicon_tsv;
    } else {
      std::ifstream lexicon(absl::GetFlag(FLAGS_data_dir) + "/lexicon_" +
                            language + ".tsv");
      std::stringstream ls;
      ls << lexicon.rdbuf();
      lexicon_tsv = ls.str();
    }
  }
  auto lexicon_only =
      TopicModel::Create(data->taxonomy_tsv, lexicon_tsv, "", language);
  if (!lexicon_only.ok()) {
    std::cerr << lexicon_only.status() << "\n";
    return 1;
  }
  const TopicModel& model = **lexicon_only;
  const size_t k = model.topics().size();

  // The training stories, each with the language its tokens are read in.
  std::vector<std::pair<LabelledStory, std::string>> stories;
  std::vector<std::string> files = {corpus_path};
  for (const std::string& f : absl::GetFlag(FLAGS_also)) files.push_back(f);
  for (size_t i = 0; i < files.size(); ++i) {
    std::ifstream in(files[i]);
    if (!in) {
      std::cerr << "cannot read " << files[i] << "\n";
      return 1;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto corpus = ParseCorpus(ss.str(), files[i]);
    if (!corpus.ok()) {
      std::cerr << corpus.status() << "\n";
      return 1;
    }
    const std::string file_language =
        i == 0 ? language : CorpusLanguage(files[i]);
    for (LabelledStory& s : *corpus) {
      stories.emplace_back(std::move(s), file_language);
    }
  }

  std::vector<Example> examples;
  std::map<uint32_t, std::string> term_of_bucket;
  for (const auto& [s, story_language] : stories) {
    TopicFeatures f =
        ExtractTopicFeatures(ExtractStoryText(s.story), story_language);
    Example e;
    for (const TopicFeature& t : f.terms) {
      e.features.emplace_back(t.bucket, t.value);
      term_of_bucket.emplace(t.bucket, f.Text(t));
    }
    e.offset = model.LexiconLogits(f);
    e.label.assign(k, false);
    for (const std::string& code : s.topics) {
      int i = model.TopicIndex(code);
      if (i < 0) {
        std::cerr << s.id << ": unknown topic " << code << "\n";
        return 1;
      }
      e.label[i] = true;
      e.label[model.topics()[i].top] = true;
      if (e.primary < 0) e.primary = model.topics()[i].top;
    }
    examples.push_back(std::move(e));
  }

  // One-vs-rest logistic regression, SGD with L2.
  std::vector<double> bias(k, 0.0);
  std::vector<Weights> w(k);
  const double lr = absl::GetFlag(FLAGS_learning_rate);
  const double l2 = absl::GetFlag(FLAGS_l2);
  const double pos_weight = absl::GetFlag(FLAGS_positive_weight);
  const double l1 = absl::GetFlag(FLAGS_l1);
  std::vector<size_t> order(examples.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  uint64_t rng = 0x9E3779B97F4A7C15ull;
  const int epochs = absl::GetFlag(FLAGS_epochs);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    Shuffle(order, rng);
    const double step = lr / (1.0 + 0.05 * epoch);
    double loss = 0;
    for (size_t idx : order) {
      const Example& e = examples[idx];
      for (size_t t = 0; t < k; ++t) {
        const double z = AddWeights(bias[t] + e.offset[t], w[t], e.features);
        const double p = 1.0 / (1.0 + std::exp(-z));
        const double y = e.label[t] ? 1.0 : 0.0;
        const double weight = e.label[t] ? pos_weight : 1.0;
        loss -= weight *
                (y * std::log(p + 1e-12) + (1 - y) * std::log(1 - p + 1e-12));
        const double g = weight * (p - y);
        bias[t] -= step * g;
        Step(w[t], e.features, g, step, l2, l1);
      }
    }
    if (epoch % 10 == 0 || epoch == epochs - 1) {
      std::cerr << absl::StrFormat("epoch %d loss %.4f\n", epoch,
                                   loss / examples.size());
    }
  }

  // The primary-topic head: softmax over the top-level topics, SGD with
  // L2 and truncated-gradient L1, over the terms and the lexicon's logit
  // for each topic (its weight learned too).
  std::vector<size_t> tops;
  for (size_t t = 0; t < k; ++t) {
    if (model.topics()[t].top_level()) tops.push_back(t);
  }
  std::vector<double> primary_bias(k, 0.0);
  // How much each top-level topic's lexicon logit counts, learned.
  std::vector<double> lexicon_scale(k, 1.0);
  std::vector<Weights> pw(k);
  const double plr = absl::GetFlag(FLAGS_primary_learning_rate);
  const double pl1 = absl::GetFlag(FLAGS_primary_l1);
  const int primary_epochs = absl::GetFlag(FLAGS_primary_epochs);
  std::vector<double> z(k), p(k);
  for (int epoch = 0; epoch < primary_epochs; ++epoch) {
    Shuffle(order, rng);
    const double step = plr / (1.0 + 0.05 * epoch);
    double loss = 0;
    for (size_t idx : order) {
      const Example& e = examples[idx];
      double zmax = -1e300;
      for (size_t t : tops) {
        z[t] = AddWeights(primary_bias[t] + lexicon_scale[t] * e.offset[t],
                          pw[t], e.features);
        zmax = std::max(zmax, z[t]);
      }
      double sum = 0;
      for (size_t t : tops) sum += (p[t] = std::exp(z[t] - zmax));
      for (size_t t : tops) p[t] /= sum;
      loss -= std::log(p[e.primary] + 1e-12);
      for (size_t t : tops) {
        const double g = p[t] - (static_cast<int>(t) == e.primary ? 1.0 : 0.0);
        primary_bias[t] -= step * g;
        lexicon_scale[t] -= step * g * e.offset[t];
        Step(pw[t], e.features, g, step, l2, pl1);
      }
    }
    if (epoch % 10 == 0 || epoch == primary_epochs - 1) {
      std::cerr << absl::StrFormat("primary epoch %d loss %.4f\n", epoch,
                                   loss / examples.size());
    }
  }

  std::ofstream out(absl::GetFlag(FLAGS_out));
  const std::string corpus_name =
      language.empty() ? "train.txt" : "train_" + language + ".txt";
  out << "# Topic model for classify, written by tools/train_topics from "
         "corpus/"
      << corpus_name << " (" << examples.size() << " stories"
      << (files.size() > 1 ? ", with other corpora" : "") << ").\n"
      << "# Columns: topic code, term (unigram or bigram; __bias__ for the "
         "bias), weight. Terms are hashed into 2^"
      << kFeatureBits << " buckets when loaded.\n"
      << "# Rows whose code reads primary:<code> are the primary-topic head "
         "(a softmax over the top-level topics).\n";
  const double prune = absl::GetFlag(FLAGS_prune);
  size_t kept = 0;
  for (size_t t = 0; t < k; ++t) {
    const std::string& code = model.topics()[t].code;
    out << code << "\t__bias__\t" << absl::StrFormat("%.3f", bias[t]) << "\n";
    kept += WriteWeights(out, code, w[t], term_of_bucket, prune);
  }
  for (size_t t : tops) {
    const std::string code = "primary:" + model.topics()[t].code;
    out << code << "\t__bias__\t" << absl::StrFormat("%.3f", primary_bias[t])
        << "\n";
    out << code << "\t__lexicon__\t"
        << absl::StrFormat("%.3f", lexicon_scale[t]) << "\n";
    kept += WriteWeights(out, code, pw[t], term_of_bucket, prune);
  }
  std::cerr << "train_topics: " << examples.size() << " stories, " << kept
            << " weights kept\n";
  return 0;
}
