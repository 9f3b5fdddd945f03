// File: pipeline/stages/normalize/boilerplate.h
//
// Tells a page's article text from its boilerplate: navigation, repeated
// headlines, "SEE ALSO" / "Read more" lines, related-story lists with their
// teasers, share/subscribe/newsletter blurbs, author and outlet boxes,
// cookie notices, pictures' captions and credits, embedded social posts,
// site notices and time stamps.
//
// The page is first cut into blocks (paragraphs, list items, headings, or
// lines of a text dump), then:
//   1. each block is judged alone: boilerplate phrases, link density,
//      length and sentence shape, and for HTML the tags, classes and ids of
//      its ancestors;
//   2. a heading such as "Related stories" or "More from Business" makes the
//      blocks under it boilerplate, up to the next heading or the end of its
//      container (or, in text, the next long paragraph);
//   3. short and medium blocks take their neighbours' verdict, so "He
//      declined to comment." between two article paragraphs stays;
//   4. for HTML, only blocks inside the deepest container that holds most of
//      the article text are kept, which drops stray teasers and boxes; for
//      a text dump, which has no containers, the article is the longest run
//      of paragraphs (captions, embedded posts and other interruptions do
//      not cut it), and teasers (a paragraph alone under a title) and short
//      runs outside it are dropped.
//
//   std::vector<PageBlock> blocks = ...;  // from the HTML or text parser
//   std::vector<bool> keep = SelectArticleBlocks(blocks, headline);
#ifndef WIRESTREAM_PIPELINE_STAGES_NORMALIZE_BOILERPLATE_H_
#define WIRESTREAM_PIPELINE_STAGES_NORMALIZE_BOILERPLATE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wirestream::normalize {

// One block of page text.
struct PageBlock {
  enum class Kind {
    // A <p>, <pre> or a run of text directly inside a container.
    kParagraph,
    // An <h1>..<h6>: never article text, but it can open a boilerplate
    // section.
    kHeading,
    // An <li>.
    kListItem,
    // A line or blank-line block of a text dump.
    kLine,
  };

  // Display text (CleanDisplayText).
  std::string text;
  Kind kind = Kind::kParagraph;
  // Bytes of `text` that were inside links.
  size_t link_bytes = 0;
  // What the block's ancestors say: -1 when one of them looks like page
  // furniture (class "related", "promo", "author-bio", role="complementary",
  // ...), +1 when one looks like the article body (<article>,
  // itemprop="articleBody", class "story-body"), else 0.
  int region_hint = 0;
  // Ids of the containers the block sits in, outermost first; empty for
  // text dumps.
  std::vector<int> containers;
  // For text dumps, the blank-line-separated group the line belongs to;
  // -1 for HTML.
  int group = -1;
};

// Returns, for each block, whether it is the article's own text. Blocks
// equal to `headline` (ignoring case, quotes and spacing) are not.
std::vector<bool> SelectArticleBlocks(const std::vector<PageBlock>& blocks,
                                      absl::string_view headline);

// Returns true when `text` is a typical boilerplate line: "Read more: ...",
// "Share on Facebook", "Sign up for our newsletter", "We use cookies ...",
// "© 2023 Example Media", "Updated 3:45 PM", "Advertisement", "Jane Doe is a
// reporter covering ...", "Home | World | Business".
bool IsBoilerplateLine(absl::string_view text);

// Returns true when `text`, used as a heading, opens a boilerplate section:
// "Related stories", "SEE ALSO", "More from Business", "Most read", "You
// may also like", "Lesen Sie auch", "À lire aussi".
bool IsBoilerplateHeading(absl::string_view text);

// Returns the number of words in `text`.
size_t CountWords(absl::string_view text);

}  // namespace wirestream::normalize

#endif  // WIRESTREAM_PIPELINE_STAGES_NORMALIZE_BOILERPLATE_H_
