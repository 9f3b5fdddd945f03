#include "pipeline/stages/classify/topic_features.h"

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "pipeline/text/words.h"
#include "unicode/uchar.h"
#include "unicode/uscript.h"
#include "unicode/utf8.h"

namespace wirestream::classify {

namespace {

constexpr uint64_t kFnvOffset = 1469598103934665603ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

uint64_t FnvUpdate(uint64_t h, absl::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

}  // namespace

uint64_t StableHash(absl::string_view s) { return FnvUpdate(kFnvOffset, s); }

bool UsesAsciiTokens(absl::string_view language) {
  return language.empty() || language == "en";
}

namespace {

// Appends the runs of ASCII letters and digits of `word`, lower-cased,
// that hold a letter and more than one character.
void AppendAsciiTokens(absl::string_view word,
                       std::vector<std::string>& tokens) {
  std::string current;
  bool has_letter = false;
  auto flush = [&] {
    if (current.size() > 1 && has_letter) tokens.push_back(current);
    current.clear();
    has_letter = false;
  };
  for (char ch : word) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (absl::ascii_isalnum(c)) {
      has_letter |= absl::ascii_isalpha(c);
      current += absl::ascii_tolower(c);
    } else {
      flush();
    }
  }
  flush();
}

// True for scripts where one character is a word (Han, kana, Hangul).
bool IsSyllabicOrIdeographic(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  return script == USCRIPT_HAN || script == USCRIPT_HIRAGANA ||
         script == USCRIPT_KATAKANA || script == USCRIPT_HANGUL;
}

bool IsMark(UChar32 c) {
  const int8_t type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK ||
         type == U_ENCLOSING_MARK;
}

// Korean particles (and particle pairs) that ICU leaves on a noun, longest
// first.
constexpr absl::string_view kKoreanParticles[] = {
    "에서는", "에게서", "으로는", "으로서", "에서", "에게", "으로",
    "까지",   "부터",   "보다",   "처럼",   "와의", "과의", "에는",
    "에도",   "은",     "는",     "이",     "가",   "을",   "를",
    "의",     "에",     "로",     "와",     "과",   "도",   "만"};

// Returns `token` without a trailing Korean particle when at least two
// Hangul syllables (3 bytes each) remain.
absl::string_view StripKoreanParticle(absl::string_view token) {
  for (absl::string_view particle : kKoreanParticles) {
    if (token.size() >= particle.size() + 6 &&
        absl::EndsWith(token, particle)) {
      return token.substr(0, token.size() - particle.size());
    }
  }
  return token;
}

// Appends the runs of letters, marks and digits of case-folded `word`
// that hold a letter, and more than one character unless Han, kana or
// Hangul.
void AppendUnicodeTokens(absl::string_view word, bool korean,
                         std::vector<std::string>& tokens) {
  const std::string folded = text::FoldCase(word);
  const char* s = folded.data();
  const int32_t n = static_cast<int32_t>(folded.size());
  int32_t i = 0, start = 0, chars = 0;
  bool has_letter = false, one_is_word = false;
  auto flush = [&](int32_t end) {
    if (has_letter && (chars > 1 || one_is_word)) {
      absl::string_view token(s + start, end - start);
      if (korean) token = StripKoreanParticle(token);
      tokens.emplace_back(token);
    }
    chars = 0;
    has_letter = one_is_word = false;
  };
  while (i < n) {
    const int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    const bool letter = c >= 0 && u_isalpha(c);
    if (letter || (c >= 0 && (u_isdigit(c) || (chars > 0 && IsMark(c))))) {
      if (chars == 0) start = at;
      ++chars;
      if (letter) {
        has_letter = true;
        one_is_word |= IsSyllabicOrIdeographic(c);
      }
    } else {
      if (chars > 0) flush(at);
    }
  }
  if (chars > 0) flush(n);
}

}  // namespace

std::vector<std::string> Tokenize(absl::string_view text,
                                  absl::string_view language) {
  std::vector<std::string> tokens;
  const bool ascii = UsesAsciiTokens(language);
  text::WordSegmenter* segmenter = text::ThreadWordSegmenter();
  if (segmenter == nullptr) {
    // Without ICU's rules: ASCII tokens only, cut at every other byte.
    AppendAsciiTokens(text, tokens);
    return tokens;
  }
  thread_local std::vector<text::WordSpan> words;
  segmenter->Segment(text, words);
  const bool korean = language == "ko";
  for (const text::WordSpan& w : words) {
    if (w.numeric && w.size > 0 &&
        absl::ascii_isdigit(static_cast<unsigned char>(text[w.begin]))) {
      // Numbers that start with a digit hold no token of 2+ letters
      // unless they mix in letters ("3rd", "a320" start with a letter).
      bool letters = false;
      for (char c : w.In(text)) {
        letters |= absl::ascii_isalpha(static_cast<unsigned char>(c)) ||
                   static_cast<unsigned char>(c) >= 0x80;
      }
      if (!letters) continue;
    }
    if (ascii) {
      AppendAsciiTokens(w.In(text), tokens);
    } else {
      AppendUnicodeTokens(w.In(text), korean, tokens);
    }
  }
  return tokens;
}

bool IsStopWord(absl::string_view token, absl::string_view language) {
  static const auto* const kStop = new absl::flat_hash_set<std::string>{
      "the",     "an",        "and",      "or",     "of",       "to",
      "in",      "on",        "at",       "for",    "with",     "by",
      "from",    "as",        "is",       "was",    "are",      "were",
      "be",      "been",      "being",    "it",     "its",      "this",
      "that",    "these",     "those",    "he",     "she",      "they",
      "his",     "her",       "their",    "them",   "we",       "our",
      "you",     "your",      "but",      "not",    "no",       "has",
      "have",    "had",       "will",     "would",  "could",    "should",
      "can",     "may",       "might",    "said",   "says",     "say",
      "also",    "after",     "before",   "about",  "into",     "over",
      "than",    "then",      "there",    "which",  "who",      "whom",
      "what",    "when",      "where",    "while",  "more",     "most",
      "some",    "such",      "other",    "all",    "any",      "if",
      "so",      "up",        "out",      "did",    "do",       "does",
      "last",    "new",       "one",      "two",    "on",       "monday",
      "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
      "year",    "years",     "week",     "told",   "just",     "under",
      "per",     "cent",      "percent",  "mr",     "mrs",      "ms",
      "st"};
  if (UsesAsciiTokens(language)) return kStop->contains(token);
  static const auto* const kOther = new absl::flat_hash_map<
      std::string, absl::flat_hash_set<std::string>>{
      {"fr",
       {"le",    "la",       "les",    "un",       "une",   "des",   "du",
        "de",    "et",       "en",     "au",       "aux",   "pour",  "par",
        "sur",   "dans",     "avec",   "que",      "qui",   "qu",    "est",
        "sont",  "été",      "être",   "ont",      "avait", "ce",    "cette",
        "ces",   "se",       "sa",     "son",      "ses",   "leur",  "leurs",
        "il",    "elle",     "ils",    "elles",    "nous",  "vous",  "on",
        "ne",    "pas",      "plus",   "ou",       "mais",  "comme", "lors",
        "selon", "après",    "avant",  "entre",    "sous",  "aussi", "très",
        "tout",  "tous",     "dont",   "où",       "lundi", "mardi", "mercredi",
        "jeudi", "vendredi", "samedi", "dimanche", "an",    "ans",   "année",
        "mme",   "déjà",     "fait",   "a"}},
      {"de",
       {"der",     "die",     "das",     "den",      "dem",      "des",
        "ein",     "eine",    "einen",   "einem",    "einer",    "eines",
        "und",     "oder",    "in",      "im",       "ins",      "an",
        "am",      "auf",     "aus",     "bei",      "mit",      "nach",
        "von",     "vom",     "zu",      "zum",      "zur",      "für",
        "über",    "unter",   "vor",     "seit",     "durch",    "gegen",
        "ist",     "sind",    "war",     "waren",    "wird",     "werden",
        "wurde",   "wurden",  "hat",     "haben",    "hatte",    "sein",
        "seine",   "ihr",     "ihre",    "er",       "sie",      "es",
        "wir",     "man",     "nicht",   "auch",     "noch",     "nur",
        "als",     "wie",     "dass",    "sich",     "so",       "um",
        "bis",     "sowie",   "montag",  "dienstag", "mittwoch", "donnerstag",
        "freitag", "samstag", "sonntag", "jahr",     "jahren",   "sagte",
        "soll",    "sollen"}},
      {"es", {"el",      "la",     "los",     "las",    "un",        "una",
              "unos",    "unas",   "de",      "del",    "en",        "al",
              "por",     "para",   "con",     "sin",    "sobre",     "entre",
              "que",     "se",     "su",      "sus",    "es",        "son",
              "fue",     "ser",    "ha",      "han",    "había",     "este",
              "esta",    "estos",  "estas",   "ese",    "esa",       "lo",
              "le",      "les",    "como",    "más",    "pero",      "no",
              "ya",      "muy",    "también", "tras",   "desde",     "hasta",
              "durante", "según",  "lunes",   "martes", "miércoles", "jueves",
              "viernes", "sábado", "domingo", "año",    "años",      "dijo",
              "ni"}},
      {"it",
       {"il",      "lo",      "la",     "gli",      "le",      "un",
        "una",     "uno",     "di",     "del",      "della",   "dello",
        "dei",     "degli",   "delle",  "da",       "dal",     "dalla",
        "dai",     "dalle",   "in",     "nel",      "nella",   "nei",
        "nelle",   "al",      "alla",   "ai",       "alle",    "su",
        "sul",     "sulla",   "per",    "con",      "tra",     "fra",
        "che",     "chi",     "non",    "si",       "sono",    "stato",
        "stata",   "era",     "ha",     "hanno",    "anche",   "come",
        "più",     "ma",      "suo",    "sua",      "suoi",    "sue",
        "loro",    "questo",  "questa", "lunedì",   "martedì", "mercoledì",
        "giovedì", "venerdì", "sabato", "domenica", "anno",    "anni",
        "dell",    "all",     "nell",   "sull",     "dall"}},
      {"pt",
       {"os",      "as",      "um",    "uma",    "uns",    "umas",   "de",
        "do",      "da",      "dos",   "das",    "em",     "no",     "na",
        "nos",     "nas",     "por",   "pelo",   "pela",   "pelos",  "pelas",
        "para",    "com",     "sem",   "sobre",  "entre",  "ou",     "que",
        "se",      "seu",     "sua",   "seus",   "suas",   "é",      "são",
        "foi",     "ser",     "está",  "estão",  "tem",    "têm",    "ao",
        "aos",     "às",      "mais",  "mas",    "não",    "também", "como",
        "já",      "segunda", "terça", "quarta", "quinta", "sexta",  "sábado",
        "domingo", "ano",     "anos",  "disse",  "feira"}},
      {"ru",
       {"во",    "не",    "на",      "со",      "по",      "ко",      "об",
        "от",    "до",    "из",      "за",      "для",     "при",     "но",
        "же",    "что",   "как",     "это",     "этот",    "эта",     "эти",
        "его",   "ее",    "её",      "их",      "он",      "она",     "они",
        "мы",    "вы",    "был",     "была",    "были",    "было",    "будет",
        "быть",  "также", "который", "которая", "которые", "которых", "уже",
        "после", "более", "году",    "года",    "лет",     "заявил",  "ли",
        "то",    "так",   "или"}},
      {"ar",
       {"في",   "من",    "على",  "إلى",   "الى", "عن",  "مع",   "أن",  "ان",
        "إن",   "التي",  "الذي", "الذين", "هذا", "هذه", "ذلك",  "تلك", "كان",
        "كانت", "وقد",   "قد",   "لم",    "لا",  "ما",  "أو",   "او",  "ثم",
        "حيث",  "بين",   "بعد",  "قبل",   "عند", "كما", "وفي",  "ومن", "وعلى",
        "يوم",  "العام", "عام",  "وأن",   "إنه", "أنه", "وقال", "قال"}},
      {"zh", {"的",   "了",   "在", "是",   "和", "与", "及",   "对",   "将",
              "也",   "于",   "为", "以",   "等", "并", "而",   "或",   "被",
              "把",   "这",   "那", "其",   "之", "中", "上",   "下",   "日",
              "月",   "年",   "说", "表示", "他", "她", "他们", "我们", "一个",
              "已经", "进行", "据", "就",   "都", "从", "向"}},
      {"ja",
       {"の",       "は",     "が",   "を",   "に",     "で",   "と",   "も",
        "へ",       "から",   "まで", "より", "や",     "た",   "て",   "し",
        "する",     "した",   "して", "いる", "います", "ます", "です", "だ",
        "ある",     "あり",   "れ",   "れる", "られ",   "など", "こと", "ため",
        "その",     "この",   "それ", "日",   "月",     "年",   "氏",   "さん",
        "について", "として", "ない", "なっ", "いた",   "おり", "れた"}},
      {"ko", {"및",   "등",   "또",     "또한",  "위해", "대한",   "통해",
              "있다", "했다", "밝혔다", "것",    "수",   "중",     "이번",
              "지난", "오는", "이날",   "그",    "이",   "전했다", "말했다",
              "있는", "하는", "했다고", "것으로"}}};
  auto it = kOther->find(language);
  return it != kOther->end() && it->second.contains(token);
}

std::string TopicFeatures::Text(const TopicFeature& f) const {
  std::string text;
  for (uint32_t i = 0; i < f.token_count; ++i) {
    if (i > 0) text += ' ';
    text += tokens[f.first_token + i];
  }
  return text;
}

TopicFeatures ExtractTopicFeatures(const StoryText& text,
                                   absl::string_view language) {
  TopicFeatures out;
  absl::flat_hash_map<uint64_t, uint32_t> term_index, phrase_index;
  auto add = [](std::vector<TopicFeature>& list,
                absl::flat_hash_map<uint64_t, uint32_t>& index, uint64_t hash,
                uint32_t first, uint32_t count, bool headline) {
    auto [it, inserted] = index.try_emplace(hash, list.size());
    if (inserted) {
      TopicFeature f;
      f.hash = hash;
      f.bucket = static_cast<uint32_t>(hash) & kFeatureMask;
      f.value = headline ? 1.5f : 1.0f;
      f.first_token = first;
      f.token_count = count;
      list.push_back(f);
    } else if (headline) {
      list[it->second].value = 1.5f;
    }
  };
  for (const TextField& field : text.fields) {
    const bool headline = field.kind == FieldKind::kHeadline;
    const uint32_t begin = out.tokens.size();
    for (std::string& t : Tokenize(field.text, language)) {
      out.tokens.push_back(std::move(t));
    }
    const uint32_t end = out.tokens.size();
    const auto& tokens = out.tokens;
    for (uint32_t i = begin; i < end; ++i) {
      // Lexicon phrases: raw n-grams of 1..4 tokens, hashed as "w1 w2 ..".
      uint64_t h = kFnvOffset;
      for (uint32_t n = 0; n < 4 && i + n < end; ++n) {
        if (n > 0) h = FnvUpdate(h, " ");
        h = FnvUpdate(h, tokens[i + n]);
        add(out.phrases, phrase_index, h, i, n + 1, headline);
      }
      // Model terms: content unigrams, and bigrams of adjacent content
      // words.
      if (IsStopWord(tokens[i], language)) continue;
      const uint64_t unigram = StableHash(tokens[i]);
      add(out.terms, term_index, unigram, i, 1, headline);
      if (i > begin && !IsStopWord(tokens[i - 1], language)) {
        uint64_t bigram = FnvUpdate(StableHash(tokens[i - 1]), " ");
        bigram = FnvUpdate(bigram, tokens[i]);
        add(out.terms, term_index, bigram, i - 1, 2, headline);
      }
    }
  }
  return out;
}

}  // namespace wirestream::classify
