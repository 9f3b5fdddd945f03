#include "pipeline/stages/normalize/plain_text_parser.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "pipeline/stages/normalize/boilerplate.h"
#include "pipeline/stages/normalize/story_text.h"
#include "pipeline/stages/normalize/unicode_text.h"

namespace wirestream::normalize {
namespace {

// Lines shorter than this in a block of several make it a list (a menu,
// a related-story list) rather than a wrapped paragraph.
constexpr size_t kListLineBytes = 80;
// Text wrapped at this width or more, with every line but the last within
// kWrapSlackBytes of the widest, is a paragraph.
constexpr size_t kWrappedLineBytes = 55;
constexpr size_t kWrapSlackBytes = 15;
// A headline is not longer than this.
constexpr size_t kMaxHeadlineBytes = 300;

bool IsBulleted(absl::string_view line) {
  line = absl::StripLeadingAsciiWhitespace(line);
  for (absl::string_view bullet : {"- ", "* ", "• ", "· ", "– ", "> ", "» "}) {
    if (absl::StartsWith(line, bullet)) return true;
  }
  return false;
}

// The blank-line blocks of `text`, each a list of its non-blank lines.
std::vector<std::vector<std::string>> LineBlocks(absl::string_view text) {
  std::vector<std::vector<std::string>> blocks(1);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::ConsumeSuffix(&line, "\r");
    if (IsBlank(line)) {
      if (!blocks.back().empty()) blocks.emplace_back();
      continue;
    }
    blocks.back().push_back(std::string(line));
  }
  if (blocks.back().empty()) blocks.pop_back();
  return blocks;
}

bool StartsUpperOrDigit(absl::string_view line) {
  line = absl::StripLeadingAsciiWhitespace(line);
  if (line.empty()) return false;
  unsigned char c = static_cast<unsigned char>(line[0]);
  return absl::ascii_isupper(c) || absl::ascii_isdigit(c) || c == '"' ||
         c == '(' || c == '@' || c >= 0x80;
}

// A block is a list (a menu, a related-story list, a share bar) when its
// lines are bulleted, or short and each starts like a new item; a wrapped
// paragraph has lines that continue the sentence ("a maker of\nautonomous
// picking systems").
bool IsListBlock(const std::vector<std::string>& lines) {
  if (lines.size() < 2) return false;
  for (const std::string& line : lines) {
    if (IsBulleted(line)) return true;
  }
  size_t widest = 0;
  for (const std::string& line : lines) widest = std::max(widest, line.size());
  if (widest >= kListLineBytes) return false;
  bool filled = widest >= kWrappedLineBytes;
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::string_view line = absl::StripTrailingAsciiWhitespace(lines[i]);
    if (i > 0 && !StartsUpperOrDigit(line)) return false;
    bool last = i + 1 == lines.size();
    if (!last && (absl::EndsWith(line, ",") || absl::EndsWith(line, "-"))) {
      return false;
    }
    // Wrapped text fills every line but the last to about the same width;
    // a list's items vary.
    if (!last && line.size() + kWrapSlackBytes < widest) filled = false;
  }
  return !filled;
}

std::string StripBullet(absl::string_view line) {
  line = absl::StripLeadingAsciiWhitespace(line);
  if (IsBulleted(line)) {
    line.remove_prefix(line.find(' ') + 1);
  }
  return CleanDisplayText(line);
}

// Text with a line at least this long is not hard-wrapped: each line is a
// paragraph (or a menu item, a teaser, a share button).
constexpr size_t kUnwrappedLineBytes = 100;
// A headline above a dump's article has at most this many words (a
// picture's caption has more).
constexpr size_t kMaxHeadlineWords = 30;
// In a dump, the headline is at most this many lines above the article.
constexpr size_t kHeadlineReach = 12;
// A text with this many boilerplate lines is a dump of a web page.
constexpr size_t kDumpFurnitureLines = 2;

bool LooksLikeHeadline(absl::string_view line) {
  return !IsBoilerplateLine(line) && CountWords(line) >= 4 &&
         line.size() <= kMaxHeadlineBytes && !absl::EndsWith(line, ".");
}

// Words with at least two letters: "19 Nov 2019 05:44 GMT" has two.
size_t CountLetterWords(absl::string_view line) {
  size_t words = 0;
  for (absl::string_view word : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    size_t letters = 0;
    for (char c : word) {
      if (absl::ascii_isalpha(static_cast<unsigned char>(c)) ||
          static_cast<unsigned char>(c) >= 0x80) {
        ++letters;
      }
    }
    if (letters >= 2) ++words;
  }
  return words;
}

// A headline of the story above its first paragraph: not a byline ("By
// HNN Staff | November 18"), a credit or a date.
bool LooksLikeStoryHeadline(absl::string_view line) {
  return LooksLikeHeadline(line) && CountLetterWords(line) >= 4 &&
         CountWords(line) <= kMaxHeadlineWords &&
         !absl::StartsWithIgnoreCase(line, "by ") && !AsByline(line) &&
         !IsAttribution(line);
}

// True when `blocks` open the way a wire story does: a headline line, then
// a lead that starts with a dateline ("TORONTO, June 1 - Northgate ...").
// Such a text is agency copy, not a page dump, whatever short lines its body
// has (earnings tables, quotes).
bool OpensLikeWireStory(const std::vector<PageBlock>& blocks) {
  if (blocks.size() < 2 || blocks[0].text.size() > kMaxHeadlineBytes ||
      absl::EndsWith(blocks[0].text, ".")) {
    return false;
  }
  std::string lead = blocks[1].text;
  v1::Dateline dateline;
  return TakeLeadingDateline(&lead, &dateline);
}

// Cuts `text` into blocks: one a line when the text is not hard-wrapped
// (or has no blank lines), else one a blank-line group, with list-like
// groups cut into their lines. Each block remembers its group.
std::vector<PageBlock> TextBlocks(absl::string_view text) {
  std::vector<std::vector<std::string>> groups = LineBlocks(text);
  bool wrapped = groups.size() > 1;
  for (const std::vector<std::string>& lines : groups) {
    for (const std::string& line : lines) {
      if (line.size() >= kUnwrappedLineBytes) wrapped = false;
    }
  }
  std::vector<PageBlock> blocks;
  auto add = [&blocks](std::string block_text, int group) {
    PageBlock block;
    block.kind = PageBlock::Kind::kLine;
    block.text = std::move(block_text);
    block.group = group;
    if (!block.text.empty()) blocks.push_back(std::move(block));
  };
  for (size_t g = 0; g < groups.size(); ++g) {
    const std::vector<std::string>& lines = groups[g];
    if (!wrapped || IsListBlock(lines)) {
      for (const std::string& line : lines) {
        add(StripBullet(line), static_cast<int>(g));
      }
      continue;
    }
    std::string joined;
    for (const std::string& line : lines) {
      if (!joined.empty()) joined.push_back(' ');
      joined += line;
    }
    add(CleanDisplayText(joined), static_cast<int>(g));
  }
  return blocks;
}

}  // namespace

std::vector<std::string> SplitTextParagraphs(absl::string_view text) {
  std::vector<std::string> paragraphs;
  std::vector<std::vector<std::string>> blocks = LineBlocks(text);
  bool has_blank_lines = blocks.size() > 1;
  for (const std::vector<std::string>& block : blocks) {
    if (!has_blank_lines || IsListBlock(block)) {
      for (const std::string& line : block) {
        std::string cleaned = CleanDisplayText(line);
        if (!cleaned.empty()) paragraphs.push_back(std::move(cleaned));
      }
      continue;
    }
    std::string joined;
    for (const std::string& line : block) {
      if (!joined.empty()) joined.push_back(' ');
      joined += line;
    }
    std::string cleaned = CleanDisplayText(joined);
    if (!cleaned.empty()) paragraphs.push_back(std::move(cleaned));
  }
  return paragraphs;
}

absl::Status ParsePlainText(absl::string_view text, v1::Story* story) {
  std::vector<PageBlock> blocks = TextBlocks(text);

  // A text dump of a web page (menus, share lines, cookie notices) gets its
  // boilerplate removed; a clean story is kept whole.
  size_t furniture = 0;
  for (const PageBlock& block : blocks) {
    if (IsBoilerplateLine(block.text) || IsBoilerplateHeading(block.text)) {
      ++furniture;
    }
  }
  bool page_dump = furniture >= kDumpFurnitureLines ||
                   (!blocks.empty() && IsBoilerplateLine(blocks[0].text));
  // Agency copy keeps its headline and every paragraph; only furniture
  // lines (a press release's contact line) are dropped from it.
  const bool wire_story = OpensLikeWireStory(blocks);

  // The headline: the first line, or in a dump the first line that reads
  // like a headline (not furniture, a few words, no final full stop).
  size_t headline = 0;
  while (page_dump && !wire_story && headline < blocks.size() &&
         !LooksLikeHeadline(blocks[headline].text)) {
    ++headline;
  }
  if (headline == blocks.size()) headline = 0;
  if (page_dump && !wire_story && !blocks.empty()) {
    // The site's menus and banners come first in a dump; the story's
    // headline is the headline-like line nearest above the article's
    // first paragraph (bylines, times and captions lie between them).
    std::vector<bool> article =
        SelectArticleBlocks(blocks, blocks[headline].text);
    size_t first =
        std::find(article.begin(), article.end(), true) - article.begin();
    for (size_t j = first; j > 0 && j + kHeadlineReach > first; --j) {
      const std::string& text = blocks[j - 1].text;
      if (LooksLikeStoryHeadline(text)) {
        headline = j - 1;
        break;
      }
    }
  }
  size_t first_body = 0;
  if (!blocks.empty() && blocks[headline].text.size() <= kMaxHeadlineBytes) {
    story->set_headline(blocks[headline].text);
    first_body = headline + 1;
  }
  std::vector<PageBlock> body(std::make_move_iterator(blocks.begin()) +
                                  static_cast<ptrdiff_t>(first_body),
                              std::make_move_iterator(blocks.end()));

  // A byline near the top is a field, not a paragraph.
  for (size_t i = 0; i < body.size() && i < 6; ++i) {
    if (std::optional<std::string> byline = AsByline(body[i].text)) {
      story->set_byline(*byline);
      body.erase(body.begin() + static_cast<ptrdiff_t>(i));
      break;
    }
  }

  std::vector<bool> keep(body.size(), true);
  if (page_dump && wire_story) {
    // A furniture line heading its group ("About Acme" over the boilerplate
    // paragraph) takes the group with it.
    int dropped_group = -1;
    for (size_t i = 0; i < body.size(); ++i) {
      const bool heads_group = i == 0 || body[i - 1].group != body[i].group;
      if (IsAttribution(body[i].text)) continue;
      if (body[i].group == dropped_group) {
        keep[i] = false;
      } else if (IsBoilerplateLine(body[i].text)) {
        keep[i] = false;
        if (heads_group) dropped_group = body[i].group;
      }
    }
  } else if (page_dump) {
    keep = SelectArticleBlocks(body, story->headline());
    // Attribution lines ("(Reporting by ...)", "SOURCE Acme") are short,
    // but they are the story's, not the page's: keep them for
    // ExtractStoryParts. Site footers ("© 2023 Example Media") are not.
    for (size_t i = 0; i < body.size(); ++i) {
      if (!keep[i] && IsAttribution(body[i].text) &&
          !IsBoilerplateLine(body[i].text)) {
        keep[i] = true;
      }
    }
  }
  for (size_t i = 0; i < body.size(); ++i) {
    if (keep[i]) story->add_paragraphs(std::move(body[i].text));
  }
  return absl::OkStatus();
}

}  // namespace wirestream::normalize
