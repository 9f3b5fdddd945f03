#include "pipeline/stages/normalize/boilerplate.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "pipeline/stages/normalize/unicode_text.h"
#include "re2/re2.h"

namespace wirestream::normalize {
namespace {

re2::StringPiece Piece(absl::string_view s) {
  return re2::StringPiece(s.data(), s.size());
}

// Words at least this many make a block article-like on its own.
constexpr size_t kGoodWords = 25;
// Words at least this many, with sentence punctuation, make a block
// article-like when a neighbour is.
constexpr size_t kNearGoodWords = 10;
// In a text dump, a boilerplate section ends at a sentence this long
// (teasers are shorter than article paragraphs).
constexpr size_t kSectionEndWords = 30;
// A boilerplate line shorter than this inside the text is an interruption.
constexpr size_t kInterruptionWords = 15;
// Share of the article's words the chosen container must hold.
constexpr double kContainerShare = 0.75;
// In a text dump, more blocks than this between two paragraphs that are
// not article text split the runs of paragraphs.
constexpr int kRunGapBlocks = 3;
// A run of paragraphs outside the article's run, with fewer words than
// this share of it, is a teaser or a box, not article text.
constexpr double kSideRunShare = 0.3;
// Teasers this many blocks apart or closer make a list of teasers.
constexpr int kTeaserReach = 8;
// A title of a teaser has this many words.
constexpr size_t kMinTitleWords = 2;
constexpr size_t kMaxTitleWords = 20;

enum class Verdict { kGood, kNearGood, kShort, kBad };

bool EndsLikeSentence(absl::string_view text) {
  text = absl::StripTrailingAsciiWhitespace(text);
  for (absl::string_view end :
       {".", "!", "?", "\"", "”", "’", "'", ":", ")", "»", "…"}) {
    if (absl::EndsWith(text, end)) return true;
  }
  return false;
}

bool MatchesAny(absl::string_view text,
                std::initializer_list<const re2::RE2*> patterns) {
  for (const re2::RE2* pattern : patterns) {
    if (re2::RE2::PartialMatch(Piece(text), *pattern)) return true;
  }
  return false;
}

// "Home | World | Business | Tech": many separators between short items.
bool IsNavigationLine(absl::string_view text) {
  // The separators are multi-byte in UTF-8: unify them before splitting.
  std::string unified = absl::StrReplaceAll(
      text, {{"•", "|"}, {"·", "|"}, {"›", "|"}, {"»", "|"}, {"/", "|"}});
  std::vector<absl::string_view> items =
      absl::StrSplit(unified, '|', absl::SkipWhitespace());
  if (items.size() >= 3) {
    size_t words = 0;
    for (absl::string_view item : items) words += CountWords(item);
    if (words <= items.size() * 3) return true;
  }
  // "Home World Business Tech Science Sport": capitalised words only.
  std::vector<absl::string_view> words =
      absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (words.size() < 4 || text.size() > 120) return false;
  for (absl::string_view word : words) {
    unsigned char first = static_cast<unsigned char>(word[0]);
    if (!(absl::ascii_isupper(first) || first == '&' || first >= 0x80)) {
      return false;
    }
    unsigned char last = static_cast<unsigned char>(word.back());
    if (last == '.' || last == ',' || last == '?' || last == '!' ||
        last == ':' || last == ';') {
      return false;
    }
  }
  return true;
}

// Returns true when `text` credits a picture: "Natalie Naccache | Bloomberg |
// Getty Images", "Patrick Semansky, ASSOCIATED PRESS", "Jane Doe Submitted
// photo".
bool IsPhotoCredit(absl::string_view text) {
  static const re2::RE2* const kAgencyCredit = new re2::RE2(
      R"([,|/] ?(?:ASSOCIATED PRESS|AP|REUTERS|AFP|GETTY IMAGES|)"
      R"(Getty Images|Bloomberg|EPA|Shutterstock|iStock|THE CANADIAN PRESS|)"
      R"(Reuters|AP Photo)$)");
  static const re2::RE2* const kPhotoWords = new re2::RE2(
      R"((?i)\b(?:submitted|file|staff|contributed|handout|courtesy) )"
      R"((?:photo|image|picture)s?$|^\d{1,3} of \d{1,3}$)");
  text = absl::StripAsciiWhitespace(text);
  return text.size() < 100 &&
         (re2::RE2::PartialMatch(Piece(text), *kAgencyCredit) ||
          re2::RE2::PartialMatch(Piece(text), *kPhotoWords));
}

// Returns true when `text` is a picture's caption or credit, or an
// embedded social post: inserts that interrupt an article without ending it.
bool IsCaptionOrEmbed(absl::string_view text) {
  // Captions of pictures: "... (Carlos Osorio / AP)", "... [SpaceX via
  // Nasa]", "... (Source: NASA)", "FILE - In this Oct. 28, 2019, file
  // photo, ...", "THE CANADIAN PRESS/Adrian Wyld".
  static const re2::RE2* const kCaption = new re2::RE2(
      R"((?i)(?:\((?:(?:photo|image|picture|credit|source|file photo|)"
      R"(courtesy)\b[^()]{0,60}|[^()]{0,30}\b(?:file )?photo|[^()]{0,60}(?:/| via | \| )[^()]{0,60}|)"
      R"([\w-]+\.(?:com|org|net|gov|edu))\)|\[[^\[\]]{2,60}\])\s*$|)"
      R"(^(?:FILE(?: PHOTO)?\s*[-–—:]\s*)?in this (?:[^,]{0,60},? )?)"
      R"((?:file )?(?:photo|image|picture|photograph|frame grab|video grab))"
      R"(\b|^FILE(?: PHOTO)?\s*[-–—:]|\b(?:photo|image|picture) )"
      R"((?:made available|provided|released) by\b|)"
      R"(\b(?:THE CANADIAN PRESS|AP Photo|AFP Photo|EPA)/\S)");
  // "(Reporting by ... / Editing by ...)" is a credit line, not a caption.
  static const re2::RE2* const kReportingCredit =
      new re2::RE2(R"((?i)\((?:additional |)(?:reporting|writing|editing)\b)");
  // Embedded social posts and the site's own social promotion.
  static const re2::RE2* const kSocialEmbed = new re2::RE2(
      R"((?i)^(?:twitter|instagram|facebook|youtube|tiktok) )"
      R"((?:post|video|content) by\b|\bpic\.twitter\.com/|)"
      R"(^[—–-]\s*[^()]{1,60}\(@\w{1,30}\)\s+\w+ \d{1,2}, \d{4}$|)"
      R"(^follow (?:\S+ ){1,4}on (?:instagram|facebook|twitter|youtube|)"
      R"(tiktok|snapchat|linkedin)\b|^listen to .{1,40} live\b)");
  if (text.size() >= 600) return false;
  if (IsPhotoCredit(text)) return true;
  if (re2::RE2::PartialMatch(Piece(text), *kSocialEmbed)) return true;
  return re2::RE2::PartialMatch(Piece(text), *kCaption) &&
         !re2::RE2::PartialMatch(Piece(text), *kReportingCredit);
}

// "SEAN SPICER ELIMINATED FROM 'DANCING WITH THE STARS'": a link to another
// story in capitals; article text is written in mixed case.
bool IsShoutedLine(absl::string_view text) {
  size_t upper = 0;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_islower(u)) return false;
    if (absl::ascii_isupper(u)) ++upper;
  }
  size_t words = CountWords(text);
  return upper >= 12 && words >= 3 && words <= 20;
}

Verdict Judge(const PageBlock& block, const std::string& folded_headline) {
  if (block.region_hint < 0) return Verdict::kBad;
  if (IsBoilerplateLine(block.text)) return Verdict::kBad;
  if (block.kind == PageBlock::Kind::kLine && IsShoutedLine(block.text)) {
    return Verdict::kBad;
  }
  if (!folded_headline.empty() &&
      block.text.size() < folded_headline.size() * 2 + 8 &&
      FoldForMatching(block.text) == folded_headline) {
    return Verdict::kBad;
  }
  size_t words = CountWords(block.text);
  double link_density = block.text.empty()
                            ? 0.0
                            : static_cast<double>(block.link_bytes) /
                                  static_cast<double>(block.text.size());
  if (link_density > 0.5) return Verdict::kBad;
  if (link_density > 0.25 && words < 15) return Verdict::kBad;
  if (words >= kGoodWords && link_density <= 0.25) return Verdict::kGood;
  if (words >= kNearGoodWords && EndsLikeSentence(block.text)) {
    return Verdict::kNearGood;
  }
  return Verdict::kShort;
}

// Returns the index of the nearest block before (step -1) or after (step
// +1) `i` that decides context: not short, not near-good when
// `skip_near_good`, and not an inline interruption ("READ MORE: ...",
// "Advertisement") in the middle of the text. -1 when there is none.
int NearestDecided(const std::vector<Verdict>& verdicts,
                   const std::vector<bool>& interruption, int i, int step,
                   bool skip_near_good) {
  for (int j = i + step; j >= 0 && j < static_cast<int>(verdicts.size());
       j += step) {
    if (verdicts[j] == Verdict::kShort || interruption[j]) continue;
    if (skip_near_good && verdicts[j] == Verdict::kNearGood) continue;
    return j;
  }
  return -1;
}

int InnermostContainer(const PageBlock& block) {
  return block.containers.empty() ? -1 : block.containers.back();
}

bool InContainer(const PageBlock& block, int container) {
  return std::find(block.containers.begin(), block.containers.end(),
                   container) != block.containers.end();
}

// Marks the blocks under a boilerplate heading ("Related stories") bad.
void MarkBoilerplateSections(const std::vector<PageBlock>& blocks,
                             std::vector<Verdict>* verdicts,
                             std::vector<bool>* interruption) {
  for (size_t i = 0; i < blocks.size(); ++i) {
    const PageBlock& opener = blocks[i];
    bool heading_like =
        opener.kind == PageBlock::Kind::kHeading ||
        (opener.text.size() < 80 && !EndsLikeSentence(opener.text));
    if (!heading_like || !IsBoilerplateHeading(opener.text)) continue;
    // A box of a few short lines ("Mehr zum Thema" and two teasers)
    // interrupts the text around it without ending it.
    auto short_line = [&](const PageBlock& block) {
      return CountWords(block.text) < kInterruptionWords;
    };
    (*verdicts)[i] = Verdict::kBad;
    (*interruption)[i] = short_line(opener);
    int container = InnermostContainer(opener);
    size_t j = i + 1;
    for (; j < blocks.size(); ++j) {
      const PageBlock& block = blocks[j];
      if (block.kind == PageBlock::Kind::kHeading) break;
      if (container >= 0) {
        if (!InContainer(block, container)) break;
      } else {
        // Text: the section ends at a long sentence, or at a sentence that
        // opens a new blank-line group (teasers open with a title).
        bool sentence = EndsLikeSentence(block.text) && block.link_bytes == 0 &&
                        !IsBoilerplateLine(block.text);
        size_t words = CountWords(block.text);
        bool new_group = block.group >= 0 && block.group != blocks[j - 1].group;
        if (sentence && (words >= kSectionEndWords ||
                         (new_group && words >= kNearGoodWords))) {
          break;
        }
      }
      (*verdicts)[j] = Verdict::kBad;
      (*interruption)[j] = short_line(block);
    }
    i = j - 1;
  }
}

// Keeps only the blocks inside the deepest container that holds most of
// the article's words.
void KeepMainContainer(const std::vector<PageBlock>& blocks,
                       std::vector<Verdict>* verdicts) {
  absl::flat_hash_map<int, size_t> words_in;
  absl::flat_hash_map<int, size_t> depth_of;
  size_t total = 0;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if ((*verdicts)[i] != Verdict::kGood) continue;
    size_t words = CountWords(blocks[i].text);
    total += words;
    for (size_t d = 0; d < blocks[i].containers.size(); ++d) {
      words_in[blocks[i].containers[d]] += words;
      depth_of[blocks[i].containers[d]] = d;
    }
  }
  if (total == 0 || words_in.empty()) return;
  int best = -1;
  size_t best_depth = 0;
  for (const auto& [container, words] : words_in) {
    if (static_cast<double>(words) < kContainerShare * total) continue;
    size_t depth = depth_of[container];
    if (best < 0 || depth > best_depth) {
      best = container;
      best_depth = depth;
    }
  }
  if (best < 0) return;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (!blocks[i].containers.empty() && !InContainer(blocks[i], best)) {
      (*verdicts)[i] = Verdict::kBad;
    }
  }
}

// A heading-like line: a few words, no full stop, not page furniture and
// not the story's own headline. Before a lone paragraph it makes a teaser
// (an other story's title and summary).
bool IsTitleLike(const PageBlock& block, const std::string& folded_headline) {
  size_t words = CountWords(block.text);
  if (words < kMinTitleWords || words > kMaxTitleWords) return false;
  if (absl::EndsWith(absl::StripTrailingAsciiWhitespace(block.text), ".")) {
    return false;
  }
  if (IsBoilerplateLine(block.text)) return false;
  return folded_headline.empty() ||
         FoldForMatching(block.text) != folded_headline;
}

// For a text dump, which has no containers: the article is one run of
// paragraphs. Runs are cut where more than kRunGapBlocks blocks that are
// not article text (captions, embeds and other interruptions aside) lie
// between two article paragraphs; the run with the
// most words is the article. Before and after it, teasers (a paragraph
// alone under a title) and runs much shorter than the article are not
// article text.
void KeepMainTextRun(const std::vector<PageBlock>& blocks,
                     const std::string& folded_headline,
                     const std::vector<bool>& interruption,
                     std::vector<Verdict>* verdicts) {
  const int n = static_cast<int>(blocks.size());
  for (const PageBlock& block : blocks) {
    if (block.group < 0 || !block.containers.empty()) return;
  }
  auto good = [&](int i) { return (*verdicts)[i] == Verdict::kGood; };
  // A paragraph alone under a title is a teaser when the title stands on
  // its own or other teasers are near; a title inside a box of links
  // ("Mehr zum Thema") before the article's last paragraph is not one.
  auto next_good = [&](int i) {
    for (int j = i + 1; j < n; ++j) {
      if (!interruption[j]) return good(j);
    }
    return false;
  };
  std::vector<int> shaped;
  for (int i = 1; i < n; ++i) {
    if (good(i) && !good(i - 1) &&
        IsTitleLike(blocks[i - 1], folded_headline) && !next_good(i)) {
      shaped.push_back(i);
    }
  }
  std::vector<bool> teaser(n, false);
  for (size_t k = 0; k < shaped.size(); ++k) {
    int i = shaped[k];
    bool near = (k > 0 && i - shaped[k - 1] <= kTeaserReach) ||
                (k + 1 < shaped.size() && shaped[k + 1] - i <= kTeaserReach);
    teaser[i] = !interruption[i - 1] || near;
  }
  // Runs of article paragraphs: run[i] for each good block, words a run.
  std::vector<int> run(n, -1);
  std::vector<size_t> run_words;
  int gap = 0;
  for (int i = 0; i < n; ++i) {
    if (!good(i) || teaser[i]) {
      if (!interruption[i]) ++gap;
      continue;
    }
    if (run_words.empty() || gap > kRunGapBlocks) run_words.push_back(0);
    gap = 0;
    run[i] = static_cast<int>(run_words.size()) - 1;
    run_words.back() += CountWords(blocks[i].text);
  }
  if (run_words.empty()) return;
  int main_run = static_cast<int>(
      std::max_element(run_words.begin(), run_words.end()) - run_words.begin());
  int first = -1, end = -1;
  for (int i = 0; i < n; ++i) {
    if (run[i] != main_run) continue;
    if (first < 0) first = i;
    end = i;
  }
  for (int i = 0; i < n; ++i) {
    if (!good(i) || (i >= first && i <= end)) continue;
    bool minor = run[i] < 0 ||
                 static_cast<double>(run_words[run[i]]) <
                     kSideRunShare * static_cast<double>(run_words[main_run]);
    if (minor) (*verdicts)[i] = Verdict::kBad;
  }
}

}  // namespace

size_t CountWords(absl::string_view text) {
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

bool IsBoilerplateLine(absl::string_view raw) {
  absl::string_view text = absl::StripAsciiWhitespace(raw);
  if (text.empty()) return false;

  static const re2::RE2* const kWholeLine = new re2::RE2(
      R"((?i)^(?:home|menu|search|sections?|skip to (?:main )?content|)"
      R"(skip to navigation|jump to (?:content|navigation)|advertisement|)"
      R"(ad|sponsored(?: content)?|promoted|story continues below)"
      R"((?: advertisement| gallery| video| photos?)?|article continues below|continue reading|)"
      R"(read more|read full (?:story|article)|show more|load more|see more|)"
      R"(view more|more|next|previous|back to top|top|share|)"
      R"(share this(?: article| story| page)?|tweet|email|print|comments?|)"
      R"(\d+ comments?|copy link|link copied|listen(?: to this article)?|)"
      R"(watch(?: now)?|close|subscribe(?: now)?|sign in|log in|register|)"
      R"(newsletter|follow|follow us|save|save article|bookmark|)"
      R"(gift this article|play video|view gallery|enlarge this image|)"
      R"(toggle caption|hide caption|caption|anzeige|werbung|publicité|)"
      R"(publicidad)[\s.!:»›>→|]*$)");
  static const re2::RE2* const kLabelPrefix = new re2::RE2(
      R"((?i)^(?:see also|read more|read next|read also|also read|related|more|)"
      R"(related (?:stories|articles|coverage|content|news)|)"
      R"(more from [^:]+|more on [^:]+|recommended|watch|listen|)"
      R"(video|photos?|gallery|podcast|lesen sie auch|mehr zum thema|)"
      R"(auch interessant|lire aussi|à lire aussi|voir aussi|lea también|)"
      R"(ver también|te puede interesar|tags|topics|filed under|)"
      R"(categories|themen|schlagworte)\s*[:»›>→|])");
  static const re2::RE2* const kSocial = new re2::RE2(
      R"((?i)^(?:share|tweet|pin|email|e-mail|print|copy|facebook|twitter|)"
      R"(x|linkedin|whatsapp|reddit|flipboard|pinterest|telegram|messenger|)"
      R"(fb-messenger|threads|bluesky|mastodon)(?:[\s,|•·/]+(?:share|on|via|)"
      R"(this|article|)"
      R"(story|page|link|tweet|pin|it|email|e-mail|print|copy|facebook|)"
      R"(twitter|x|linkedin|whatsapp|reddit|flipboard|pinterest|telegram|)"
      R"(messenger|fb-messenger|threads|bluesky|mastodon))*[\s.!]*$)");
  static const re2::RE2* const kShareLink = new re2::RE2(
      R"((?i)^(?:compartir|partager|teilen|condividi|compartilhar|delen|)"
      R"(dela|del)(?: (?:en|sur|auf|su|no|via|op|på)\b.*)?$|^(?:copiar enlace|)"
      R"(copier le lien|link kopieren|copia link|copiar link|kopiera länk|)"
      R"(ir al contenido|aller au contenu|zum inhalt springen|vai al contenuto|)"
      R"(saltar al contenido|ir para o conteúdo)\b)");
  static const re2::RE2* const kOffer = new re2::RE2(
      R"((?i)\b(?:sign up|signup|subscribe|newsletters?|in your inbox|)"
      R"(to your inbox|get the latest|stay (?:informed|up to date)|)"
      R"(follow us|join us on|download (?:our|the)(?: [\w-]+){0,3} app|)"
      R"(support (?:our|independent|quality|local) journalism|)"
      R"(become a (?:member|subscriber|supporter)|already a subscriber|)"
      R"(already have an account|log ?in|sign ?in|)"
      R"(create (?:a |your )?(?:free )?account|unlimited (?:digital )?access|)"
      R"(free trial|abonnieren|abonnez-vous|suscríbete)\b)");
  static const re2::RE2* const kReader =
      new re2::RE2(R"((?i)\b(?:you|your|our|us|free|now|today)\b)");
  static const re2::RE2* const kCookie = new re2::RE2(
      R"((?i)\bcookies?\b.*\b(?:we use|this (?:site|website)|accept|)"
      R"(consent|privacy|settings|preferences|policy|browsing|experience|)"
      R"(personali[sz])|\b(?:we use|this (?:site|website) uses) cookies\b)");
  static const re2::RE2* const kLegal = new re2::RE2(
      R"((?i)^(?:©|copyright|\(c\))\s*(?:©\s*)?\d{4}|^©|\ball rights reserved\b|)"
      R"(\btodos los derechos reservados\b|\btous droits réservés\b|)"
      R"(\balle rechte vorbehalten\b|\btutti i diritti riservati\b|)"
      R"(\btodos os direitos reservados\b)");
  static const re2::RE2* const kFooterLinks = new re2::RE2(
      R"((?i)^(?:privacy(?: policy)?|terms(?: of (?:use|service))?|)"
      R"(cookie (?:policy|settings)|contact(?: us)?|about(?: us)?|)"
      R"(advertise(?: with us)?|careers|jobs|sitemap|site map|)"
      R"(accessibility|help|faq|rss|imprint|impressum|datenschutz)"
      R"()(?:\s*[|•·,/]\s*\S.*)?$)");
  static const re2::RE2* const kAuthorBox = new re2::RE2(
      R"(^(?:\p{Lu}[\p{L}.'’-]+ ){1,3}(?:is|was) (?:an?|the) (?:[\p{L}-]+ ){0,3})"
      R"((?:reporter|correspondent|writer|editor|journalist|columnist|)"
      R"(producer|contributor|analyst|photographer|bureau chief)\b)");
  static const re2::RE2* const kAuthorContact = new re2::RE2(
      R"((?i)^(?:about the authors?\b|(?:follow|contact|email|reach) )"
      R"((?:him|her|them|the author|the reporter)\b|)"
      R"((?:email|e-mail|twitter|x|mastodon|bluesky)\s*:\s*\S+$|@\w+$))");
  static const re2::RE2* const kAuthorBio = new re2::RE2(
      R"(^(?:\p{Lu}[\p{L}.'’-]+ ){1,3}(?:can be reached|covers|writes about|)"
      R"(has (?:covered|reported|written)|joined \p{Lu})\b)");
  static const re2::RE2* const kTimestamp = new re2::RE2(
      R"((?i)^(?:(?:updated|published|posted|last updated|first published|)"
      R"(last modified|aktualisiert|veröffentlicht|mis à jour|publié)\b.*\d)"
      R"(|\d{1,2} (?:mins?|minutes?|hours?|hrs?|days?) ago$|)"
      R"(\d+ min(?:ute)?s? read$|(?:reading time|lesezeit|temps de lecture)\b))");
  static const re2::RE2* const kDateLine = new re2::RE2(
      R"((?i)^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,? )?)"
      R"((?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? )"
      R"(\d{1,2},? \d{4}(?:,? (?:at )?\d{1,2}[:.]\d{2}.*)?$)");
  static const re2::RE2* const kCredit = new re2::RE2(
      R"((?i)^(?:image|photo|picture|photograph|illustration|credit|)"
      R"(caption|foto|bild)s?(?: credit)?\s*:|)"
      R"(\((?:AP|AFP|Reuters|EPA|Getty|dpa)(?: Photo)?/[^)]+\)|)"
      R"(\b(?:getty images|shutterstock|istock|afp via getty|ap photo)\b)");
  static const re2::RE2* const kDisclaimer = new re2::RE2(
      R"((?i)\bthe (?:views|opinions) expressed (?:are|in this|here|)"
      R"(by)\b|\bdoes not constitute (?:investment|financial|legal) )"
      R"(advice\b|\bwe may earn (?:an? )?(?:affiliate )?commission\b|)"
      R"(^materials provided by\b|content may be edited for style and )"
      R"(length|\bdoi:?\s*10\.\d{4,}|\((?:pdf|jpe?g|png|docx?|xlsx?|zip|)"
      R"(mp4)\)$|\bdata (?:is )?delayed\b|\bquotes? (?:are )?delayed\b)");
  static const re2::RE2* const kPressContact = new re2::RE2(
      R"((?i)^(?:media|press|investor|news) (?:contacts?|inquiries|enquiries|)"
      R"(relations)\b|^for (?:more|further) information,? (?:contact|visit|)"
      R"(please)\b)");
  // Site notices and feedback forms.
  static const re2::RE2* const kNotice = new re2::RE2(
      R"((?i)\bthis document is subject to copyright\b|)"
      R"(\bno part may be reproduced\b|\bthank you for taking (?:your )?)"
      R"(time\b|\byour (?:email address|opinions?|feedback) (?:is|are) )"
      R"((?:used|important)\b|\bwe do not guarantee individual replies\b|)"
      R"(\bour editors (?:closely )?monitor\b|\bad ?blockers?\b|)"
      R"(\bad ?blocking\b|\bwe rely on advertising\b|)"
      R"(^(?:created with sketch|view all(?: \(\d+\))?|)"
      R"(copy link ?url ?copied!?|url copied!?|report (?:an )?error)[.!]?$|)"
      R"(\bwill open in a new (?:window|tab)\b|\bsharing options\b)");
  static const re2::RE2* const kComments = new re2::RE2(
      R"((?i)^(?:(?:leave|add|post|view|show|read|see) (?:a |all |the )?)"
      R"((?:\d+ )?comments?\b|join the (?:conversation|discussion)\b))");

  if (MatchesAny(text, {kWholeLine, kLabelPrefix, kSocial, kCookie,
                        kFooterLinks, kTimestamp, kDateLine, kComments,
                        kAuthorContact, kPressContact, kShareLink})) {
    return true;
  }
  size_t size = text.size();
  if (size < 300 && MatchesAny(text, {kLegal, kCredit, kDisclaimer})) {
    return true;
  }
  if (size < 600 && re2::RE2::PartialMatch(Piece(text), *kNotice)) {
    return true;
  }
  if (IsCaptionOrEmbed(text)) return true;
  if (size < 250 && re2::RE2::PartialMatch(Piece(text), *kOffer) &&
      re2::RE2::PartialMatch(Piece(text), *kReader)) {
    return true;
  }
  if (size < 500 && MatchesAny(text, {kAuthorBox, kAuthorBio})) return true;
  if (size < 200 && IsNavigationLine(text)) return true;
  if (size < 80 && !EndsLikeSentence(text) && IsBoilerplateHeading(text)) {
    return true;
  }
  return false;
}

bool IsBoilerplateHeading(absl::string_view raw) {
  absl::string_view text = absl::StripAsciiWhitespace(raw);
  if (text.empty() || text.size() > 80) return false;
  static const re2::RE2* const kHeading = new re2::RE2(
      R"((?i)^(?:related(?: (?:stories|articles|news|content|coverage|links|)"
      R"(reading|topics|posts))?|see also|read more|read next|read also|)"
      R"(also read|more (?:from|on|in|stories|news|coverage|to explore|)"
      R"(like this|top stories|headlines)\b.*|)"
      R"(most (?:read|popular|viewed|shared|watched)(?: \w+)?|)"
      R"(trending(?: now| stories)?|popular(?: now| stories)?|)"
      R"(recommended(?: for you| stories| reading)?|)"
      R"(you (?:may|might) (?:also )?(?:like|enjoy|be interested)\b.*|)"
      R"(latest(?: news| stories| headlines)?|top stories|)"
      R"(editor'?s (?:picks|choice)|around the web|)"
      R"(from (?:our|the) partners?|in other news|what to read next|)"
      R"(further reading|don'?t miss|comments?|about the authors?|)"
      R"(about (?:us|this site)|share (?:this|the) (?:article|story)|)"
      R"(follow us.*|newsletters?|sign up.*|other stories|)"
      R"(elsewhere on .+|lesen sie auch|mehr zum thema|)"
      R"(weitere artikel|das könnte sie auch interessieren|auch interessant|)"
      R"(meistgelesen|lire aussi|à lire aussi|sur le même sujet|les plus lus|)"
      R"(lea también|te puede interesar|lo más leído|más noticias|)"
      R"(story source|journal references?|references|cite this (?:page|)"
      R"(article)|footnotes|bibliography|about this article|tags|topics|)"
      R"(attachments|downloads|related (?:files|documents|links)|)"
      R"(key (?:points|takeaways)|highlights|at a glance|in brief|)"
      R"(más información|archivado en|noticias relacionadas|)"
      R"(articoli correlati|leggi anche|potrebbe interessarti|)"
      R"(articles? (?:liés|similaires)|sur le même thème|weitere themen|)"
      R"(zum thema|themen)"
      R"()[\s.:!»›>]*$)");
  if (re2::RE2::FullMatch(Piece(text), *kHeading)) return true;
  // A press release's "About Acme Corp." section.
  return absl::StartsWith(text, "About ") && CountWords(text) <= 6 &&
         !absl::EndsWith(text, ".") && !absl::EndsWith(text, "?");
}

std::vector<bool> SelectArticleBlocks(const std::vector<PageBlock>& blocks,
                                      absl::string_view headline) {
  std::string folded_headline = FoldForMatching(headline);
  std::vector<Verdict> verdicts;
  // Short boilerplate lines inside the text ("READ MORE: ...") do not cut
  // the article in two.
  std::vector<bool> interruption;
  verdicts.reserve(blocks.size());
  interruption.reserve(blocks.size());
  for (const PageBlock& block : blocks) {
    bool heading = block.kind == PageBlock::Kind::kHeading;
    verdicts.push_back(heading ? Verdict::kBad : Judge(block, folded_headline));
    // A short line that is a boilerplate phrase or mostly a link ("MORE:
    // Walker airlifted after fall") interrupts the text without ending it.
    // So does a heading inside the article ("Which devices are covered?").
    bool linked = block.link_bytes * 2 > block.text.size();
    interruption.push_back(
        heading ? !IsBoilerplateHeading(block.text)
                : verdicts.back() == Verdict::kBad &&
                      ((CountWords(block.text) < kInterruptionWords &&
                        (linked || IsBoilerplateLine(block.text))) ||
                       IsCaptionOrEmbed(block.text)));
  }
  // In a text dump, the line right above a picture's credit, and the line
  // right under a repeat of the headline (the picture's alt text), in the
  // same blank-line group, are the picture's caption.
  for (size_t i = 1; i < blocks.size(); ++i) {
    if (blocks[i].group < 0 || blocks[i].group != blocks[i - 1].group) {
      continue;
    }
    if (IsPhotoCredit(blocks[i].text)) {
      verdicts[i - 1] = Verdict::kBad;
      interruption[i - 1] = true;
    }
    if (!folded_headline.empty() &&
        FoldForMatching(blocks[i - 1].text) == folded_headline) {
      verdicts[i] = Verdict::kBad;
      interruption[i] = true;
    }
  }
  MarkBoilerplateSections(blocks, &verdicts, &interruption);
  // A short article may have no long paragraph at all: then its medium
  // blocks are the article.
  if (std::none_of(verdicts.begin(), verdicts.end(),
                   [](Verdict v) { return v == Verdict::kGood; })) {
    for (Verdict& verdict : verdicts) {
      if (verdict == Verdict::kNearGood) verdict = Verdict::kGood;
    }
  }

  // Medium blocks follow a good neighbour.
  std::vector<Verdict> smoothed = verdicts;
  for (int i = 0; i < static_cast<int>(blocks.size()); ++i) {
    if (verdicts[i] != Verdict::kNearGood) continue;
    int before = NearestDecided(verdicts, interruption, i, -1, true);
    int after = NearestDecided(verdicts, interruption, i, +1, true);
    bool near_good = (before >= 0 && verdicts[before] == Verdict::kGood) ||
                     (after >= 0 && verdicts[after] == Verdict::kGood);
    smoothed[i] = near_good ? Verdict::kGood : Verdict::kBad;
  }
  // Short sentences between article blocks stay.
  std::vector<Verdict> resolved = smoothed;
  for (int i = 0; i < static_cast<int>(blocks.size()); ++i) {
    if (smoothed[i] != Verdict::kShort) continue;
    int before = NearestDecided(smoothed, interruption, i, -1, false);
    int after = NearestDecided(smoothed, interruption, i, +1, false);
    // Page furniture in another container after the article's last
    // sentence ends the article; it does not outvote it.
    if (after >= 0 && smoothed[after] == Verdict::kBad &&
        !blocks[i].containers.empty() &&
        InnermostContainer(blocks[after]) != InnermostContainer(blocks[i])) {
      after = -1;
    }
    bool inside = before >= 0 && smoothed[before] == Verdict::kGood &&
                  (after < 0 || smoothed[after] == Verdict::kGood);
    // A short sentence, or an item of a list the article itself makes.
    bool unlinked = blocks[i].link_bytes * 3 < blocks[i].text.size();
    bool sentence = (EndsLikeSentence(blocks[i].text) &&
                     CountWords(blocks[i].text) >= 3 && unlinked) ||
                    (blocks[i].kind == PageBlock::Kind::kListItem &&
                     blocks[i].link_bytes == 0);
    resolved[i] = inside && sentence ? Verdict::kGood : Verdict::kBad;
  }
  KeepMainTextRun(blocks, folded_headline, interruption, &resolved);
  KeepMainContainer(blocks, &resolved);

  std::vector<bool> keep;
  keep.reserve(blocks.size());
  for (Verdict verdict : resolved) keep.push_back(verdict == Verdict::kGood);
  return keep;
}

}  // namespace wirestream::normalize
