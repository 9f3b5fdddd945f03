#include "pipeline/stages/normalize/html_parser.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gumbo.h"
#include "pipeline/runtime/stage.h"
#include "pipeline/stages/normalize/language.h"
#include "pipeline/stages/normalize/plain_text_parser.h"
#include "pipeline/stages/normalize/story_text.h"
#include "pipeline/stages/normalize/unicode_text.h"
#include "pipeline/stages/normalize/wire_time.h"
#include "simdjson.h"

namespace wirestream::normalize {
namespace {

using ::wirestream::runtime::DeadLetterError;

// gumbo's time and memory grow with the square of the element depth (20,000
// nested <div>s take seconds and gigabytes), so deeper markup is refused
// before it reaches gumbo. Real pages nest a few dozen levels.
constexpr size_t kMaxMarkupDepth = 2000;
// The walkers stop descending here.
constexpr int kMaxWalkDepth = 2100;

// ---------------------------------------------------------------------------
// gumbo plumbing

class GumboDocument {
 public:
  explicit GumboDocument(absl::string_view html) {
    options_ = kGumboDefaultOptions;
    options_.max_errors = 0;
    output_ = gumbo_parse_with_options(&options_, html.data(), html.size());
  }
  ~GumboDocument() { gumbo_destroy_output(&options_, output_); }
  GumboDocument(const GumboDocument&) = delete;
  GumboDocument& operator=(const GumboDocument&) = delete;

  const GumboNode* root() const { return output_->root; }

 private:
  GumboOptions options_;
  GumboOutput* output_;
};

bool IsElement(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
}

GumboTag TagOf(const GumboNode* node) { return node->v.element.tag; }

// Returns the lower-case name of an element gumbo has no enum value for
// (<picture>, <dialog>, <amp-ad>), else "".
std::string UnknownTagName(const GumboNode* node) {
  if (TagOf(node) != GUMBO_TAG_UNKNOWN) return "";
  GumboStringPiece name = node->v.element.original_tag;
  gumbo_tag_from_original_text(&name);
  return absl::AsciiStrToLower(absl::string_view(name.data, name.length));
}

// Unknown elements that are never article text.
bool IsSkippedUnknownTag(const std::string& name) {
  return name == "picture" || name == "dialog" || name == "amp-ad" ||
         name == "amp-sidebar" || name == "amp-img" || name == "amp-iframe" ||
         name == "amp-social-share" || name == "amp-analytics" ||
         name == "amp-consent" || name == "amp-carousel";
}

absl::string_view AttributeOf(const GumboNode* node, const char* name) {
  if (!IsElement(node)) return "";
  const GumboAttribute* attribute =
      gumbo_get_attribute(&node->v.element.attributes, name);
  return attribute == nullptr ? "" : attribute->value;
}

const GumboVector& ChildrenOf(const GumboNode* node) {
  return node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children
                                           : node->v.element.children;
}

// Tags after which words must not run together.
bool IsBlockTagForText(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
      return true;
    default:
      return false;
  }
}

void AppendText(const GumboNode* node, std::string* out, int depth = 0) {
  if (depth > kMaxWalkDepth) return;
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
      node->type == GUMBO_NODE_WHITESPACE) {
    out->append(node->v.text.text);
    return;
  }
  if (!IsElement(node)) return;
  GumboTag tag = TagOf(node);
  if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE) return;
  if (tag == GUMBO_TAG_BR) out->push_back(' ');
  const GumboVector& children = ChildrenOf(node);
  for (unsigned i = 0; i < children.length; ++i) {
    AppendText(static_cast<const GumboNode*>(children.data[i]), out, depth + 1);
  }
  if (IsBlockTagForText(tag)) out->push_back(' ');
}

std::string TextOf(const GumboNode* node) {
  std::string text;
  AppendText(node, &text);
  return CleanDisplayText(text);
}

// Returns the words of an element's class and id: "story-body__share" and
// "shareBar" both give "share".
std::vector<std::string> ClassWords(const GumboNode* node) {
  std::vector<std::string> words;
  std::string current;
  auto flush = [&]() {
    if (!current.empty()) words.push_back(absl::AsciiStrToLower(current));
    current.clear();
  };
  for (const char* name : {"class", "id"}) {
    absl::string_view value = AttributeOf(node, name);
    for (size_t i = 0; i < value.size(); ++i) {
      char c = value[i];
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) {
        flush();
        continue;
      }
      if (absl::ascii_isupper(static_cast<unsigned char>(c)) && i > 0 &&
          absl::ascii_islower(static_cast<unsigned char>(value[i - 1]))) {
        flush();
      }
      current.push_back(c);
    }
    flush();
  }
  return words;
}

bool AnyWordIn(const std::vector<std::string>& words,
               std::initializer_list<absl::string_view> set) {
  for (const std::string& word : words) {
    for (absl::string_view s : set) {
      if (word == s) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Nesting guard

bool IsVoidOrSelfClosing(absl::string_view name) {
  static constexpr absl::string_view kNames[] = {
      "area",   "base",     "br",    "col",    "embed",   "hr",       "img",
      "input",  "link",     "meta",  "param",  "source",  "track",    "wbr",
      "p",      "li",       "dt",    "dd",     "tr",      "td",       "th",
      "option", "optgroup", "thead", "tbody",  "tfoot",   "colgroup", "rb",
      "rt",     "rp",       "frame", "keygen", "command", "basefont", "isindex",
  };
  for (absl::string_view n : kNames) {
    if (absl::EqualsIgnoreCase(name, n)) return true;
  }
  return false;
}

// Returns an upper bound of the element depth gumbo would build: start tags
// open a level (elements with optional end tags and void elements do not),
// end tags close one. Only a guard; the page is parsed by gumbo.
size_t EstimateMarkupDepth(absl::string_view html) {
  size_t depth = 0;
  size_t max_depth = 0;
  size_t i = 0;
  while (i < html.size()) {
    size_t lt = html.find('<', i);
    if (lt == absl::string_view::npos || lt + 1 >= html.size()) break;
    char next = html[lt + 1];
    if (next == '!') {
      size_t end = absl::StartsWith(html.substr(lt), "<!--")
                       ? html.find("-->", lt + 4)
                       : html.find('>', lt + 2);
      if (end == absl::string_view::npos) break;
      i = end + 1;
      continue;
    }
    bool closing = next == '/';
    size_t name_start = lt + (closing ? 2 : 1);
    size_t name_end = name_start;
    while (name_end < html.size() &&
           absl::ascii_isalnum(static_cast<unsigned char>(html[name_end]))) {
      ++name_end;
    }
    if (name_end == name_start) {
      i = lt + 1;
      continue;
    }
    absl::string_view name = html.substr(name_start, name_end - name_start);
    size_t gt = html.find('>', name_end);
    bool self_closing =
        gt != absl::string_view::npos && gt > 0 && html[gt - 1] == '/';
    if (closing) {
      if (depth > 0 && !IsVoidOrSelfClosing(name)) --depth;
    } else if (!self_closing && !IsVoidOrSelfClosing(name)) {
      max_depth = std::max(max_depth, ++depth);
      if (absl::EqualsIgnoreCase(name, "script") ||
          absl::EqualsIgnoreCase(name, "style")) {
        // Their content is text, whatever it looks like.
        std::string end_tag = absl::StrCat("</", name);
        size_t end = absl::AsciiStrToLower(html.substr(name_end))
                         .find(absl::AsciiStrToLower(end_tag));
        if (end == std::string::npos) break;
        i = name_end + end;
        continue;
      }
    }
    i = name_end;
  }
  return max_depth;
}

absl::Status CheckMarkupDepth(absl::string_view html, absl::string_view what) {
  size_t depth = EstimateMarkupDepth(html);
  if (depth <= kMaxMarkupDepth) return absl::OkStatus();
  return DeadLetterError(v1::DEAD_LETTER_REASON_MALFORMED_PAYLOAD,
                         absl::StrCat(what, ": markup nests about ", depth,
                                      " elements deep; more than ",
                                      kMaxMarkupDepth, " is refused"));
}

// ---------------------------------------------------------------------------
// Blocks

bool IsSkippedTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_HEAD:
      return true;
    default:
      return false;
  }
}

// Page furniture: skipped on pages, kept in clean fragments.
bool IsPageFurnitureTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_MENU:
      return true;
    default:
      return false;
  }
}

bool IsContainerTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_CENTER:
    // Old pages lay out with tables; data tables' cells are short and fall
    // out as boilerplate.
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return true;
    default:
      return false;
  }
}

bool IsBlockTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_HR:
      return true;
    default:
      return IsContainerTag(tag);
  }
}

PageBlock::Kind KindOf(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
      return PageBlock::Kind::kHeading;
    case GUMBO_TAG_LI:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
      return PageBlock::Kind::kListItem;
    default:
      return PageBlock::Kind::kParagraph;
  }
}

bool IsHiddenElement(const GumboNode* node) {
  if (gumbo_get_attribute(&node->v.element.attributes, "hidden") != nullptr) {
    return true;
  }
  if (absl::EqualsIgnoreCase(AttributeOf(node, "aria-hidden"), "true")) {
    return true;
  }
  std::string style = absl::AsciiStrToLower(AttributeOf(node, "style"));
  style.erase(std::remove(style.begin(), style.end(), ' '), style.end());
  return absl::StrContains(style, "display:none") ||
         absl::StrContains(style, "visibility:hidden");
}

bool IsFurnitureRole(absl::string_view role) {
  for (absl::string_view r :
       {"navigation", "banner", "contentinfo", "complementary", "dialog",
        "alertdialog", "search", "menu", "menubar", "toolbar"}) {
    if (absl::EqualsIgnoreCase(role, r)) return true;
  }
  return false;
}

// Class and id words of page furniture. An element with one is skipped
// (unless it holds most of the page's paragraphs: then it is a layout
// wrapper such as <div class="layout-with-rail">).
bool IsFurnitureClass(const std::vector<std::string>& words) {
  return AnyWordIn(words, {"nav",
                           "navbar",
                           "navigation",
                           "menu",
                           "breadcrumb",
                           "breadcrumbs",
                           "share",
                           "sharing",
                           "sharebar",
                           "social",
                           "subscribe",
                           "subscription",
                           "newsletter",
                           "newsletters",
                           "signup",
                           "cookie",
                           "cookies",
                           "consent",
                           "gdpr",
                           "banner",
                           "advert",
                           "advertisement",
                           "ads",
                           "ad",
                           "adslot",
                           "sponsor",
                           "sponsored",
                           "promo",
                           "promotion",
                           "promoted",
                           "related",
                           "recommended",
                           "recommendation",
                           "recommendations",
                           "recirc",
                           "recirculation",
                           "outbrain",
                           "taboola",
                           "trending",
                           "popular",
                           "mostread",
                           "comments",
                           "comment",
                           "disqus",
                           "sidebar",
                           "widget",
                           "footer",
                           "masthead",
                           "toolbar",
                           "skip",
                           "modal",
                           "popup",
                           "overlay",
                           "hidden",
                           "sr",
                           "visually",
                           "teaser",
                           "teasers",
                           "rail",
                           "pagination",
                           "pager",
                           "tags",
                           "taglist",
                           "topics",
                           "bio",
                           "authorbio",
                           "byline",
                           "caption",
                           "credit",
                           "gallery",
                           "video",
                           "embed",
                           "timestamp",
                           "meta",
                           "header",
                           "more",
                           "card",
                           "cards",
                           "aside",
                           "donate",
                           "membership",
                           "paywall",
                           "print",
                           "utility",
                           "tools",
                           "toc",
                           "dek",
                           "deck",
                           "standfirst",
                           "subhead",
                           "subheadline",
                           "subtitle",
                           "strapline",
                           "sapo",
                           "pull",
                           "pullquote",
                           "callout",
                           "twitter",
                           "tweet",
                           "instagram",
                           "tiktok",
                           "youtube"});
}

bool IsArticleClass(const std::vector<std::string>& words) {
  return AnyWordIn(
      words, {"article", "story", "content", "body", "post", "entry", "main",
              "text", "prose", "articlebody", "storybody", "richtext", "copy"});
}

// Bytes of <p> text below each element, to tell layout wrappers from boxes.
class ParagraphTextIndex {
 public:
  explicit ParagraphTextIndex(const GumboNode* root) {
    total_ = Measure(root, 0);
  }
  size_t Total() const { return total_; }
  size_t Of(const GumboNode* node) const {
    auto it = bytes_.find(node);
    return it == bytes_.end() ? 0 : it->second;
  }

 private:
  size_t Measure(const GumboNode* node, int depth) {
    if (depth > kMaxWalkDepth || !IsElement(node)) return 0;
    if (TagOf(node) == GUMBO_TAG_P) {
      std::string text;
      AppendText(node, &text);
      bytes_[node] = text.size();
      return text.size();
    }
    size_t sum = 0;
    const GumboVector& children = ChildrenOf(node);
    for (unsigned i = 0; i < children.length; ++i) {
      sum +=
          Measure(static_cast<const GumboNode*>(children.data[i]), depth + 1);
    }
    bytes_[node] = sum;
    return sum;
  }

  absl::flat_hash_map<const GumboNode*, size_t> bytes_;
  size_t total_ = 0;
};

class BlockCollector {
 public:
  // `index` is null for clean fragments: then page furniture is kept and
  // no hints are computed.
  explicit BlockCollector(const ParagraphTextIndex* index) : index_(index) {}

  void Walk(const GumboNode* node, int depth) {
    if (depth > kMaxWalkDepth) return;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
        node->type == GUMBO_NODE_WHITESPACE) {
      AddText(node->v.text.text);
      return;
    }
    if (node->type == GUMBO_NODE_DOCUMENT) {
      WalkChildren(node, depth);
      return;
    }
    if (!IsElement(node)) return;
    GumboTag tag = TagOf(node);
    if (IsSkippedTag(tag) || IsSkippedUnknownTag(UnknownTagName(node))) return;
    if (tag == GUMBO_TAG_BR) {
      // Two <br>s in a row end a paragraph.
      if (last_was_br_) Flush(PageBlock::Kind::kParagraph);
      run_.push_back(' ');
      last_was_br_ = true;
      return;
    }
    int hint = 0;
    if (index_ != nullptr) {
      if (IsPageFurnitureTag(tag) || IsHiddenElement(node) ||
          IsFurnitureRole(AttributeOf(node, "role"))) {
        return;
      }
      std::vector<std::string> words = ClassWords(node);
      bool layout = tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML ||
                    tag == GUMBO_TAG_MAIN || tag == GUMBO_TAG_ARTICLE ||
                    index_->Of(node) * 2 > index_->Total();
      if (!layout && IsFurnitureClass(words)) return;
      if (tag == GUMBO_TAG_ARTICLE || tag == GUMBO_TAG_MAIN ||
          absl::EqualsIgnoreCase(AttributeOf(node, "itemprop"),
                                 "articleBody") ||
          IsArticleClass(words)) {
        hint = 1;
      }
    }

    bool block = IsBlockTag(tag);
    bool container = IsContainerTag(tag);
    if (block) Flush(PageBlock::Kind::kParagraph);
    if (container) containers_.push_back(next_container_id_++);
    int saved_hint = hint_;
    if (hint > hint_) hint_ = hint;
    if (tag == GUMBO_TAG_A) ++link_depth_;

    WalkChildren(node, depth);

    if (tag == GUMBO_TAG_A) --link_depth_;
    if (block) Flush(KindOf(tag));
    hint_ = saved_hint;
    if (container) containers_.pop_back();
  }

  std::vector<PageBlock> TakeBlocks() {
    Flush(PageBlock::Kind::kParagraph);
    return std::move(blocks_);
  }

 private:
  void WalkChildren(const GumboNode* node, int depth) {
    const GumboVector& children = ChildrenOf(node);
    for (unsigned i = 0; i < children.length; ++i) {
      Walk(static_cast<const GumboNode*>(children.data[i]), depth + 1);
    }
  }

  void AddText(absl::string_view text) {
    if (IsBlank(text)) {
      run_.push_back(' ');
      return;
    }
    last_was_br_ = false;
    run_.append(text.data(), text.size());
    if (link_depth_ > 0) run_link_bytes_ += text.size();
  }

  void Flush(PageBlock::Kind kind) {
    last_was_br_ = false;
    if (IsBlank(run_)) {
      run_.clear();
      run_link_bytes_ = 0;
      return;
    }
    PageBlock block;
    block.text = CleanDisplayText(run_);
    block.kind = kind;
    block.link_bytes = std::min(run_link_bytes_, block.text.size());
    block.region_hint = hint_;
    block.containers = containers_;
    blocks_.push_back(std::move(block));
    run_.clear();
    run_link_bytes_ = 0;
  }

  const ParagraphTextIndex* index_;
  std::vector<PageBlock> blocks_;
  std::vector<int> containers_;
  int next_container_id_ = 0;
  int hint_ = 0;
  int link_depth_ = 0;
  bool last_was_br_ = false;
  std::string run_;
  size_t run_link_bytes_ = 0;
};

// ---------------------------------------------------------------------------
// Page metadata

struct PageMetadata {
  std::string lang;
  std::string title;
  absl::flat_hash_map<std::string, std::string> meta;  // first of each
  std::vector<std::string> article_tags;               // article:tag
  std::string canonical;
  std::vector<std::string> json_ld;
  std::string article_h1;
  std::string any_h1;
  std::string byline;
  std::string dek;
  std::string time_datetime;
};

bool IsBylineElement(const GumboNode* node,
                     const std::vector<std::string>& words) {
  if (absl::EqualsIgnoreCase(AttributeOf(node, "rel"), "author") ||
      absl::EqualsIgnoreCase(AttributeOf(node, "itemprop"), "author")) {
    return true;
  }
  return AnyWordIn(words, {"byline", "author", "authors", "byl"});
}

bool IsDekElement(const std::vector<std::string>& words) {
  return AnyWordIn(words, {"dek", "deck", "standfirst", "subhead",
                           "subheadline", "subtitle", "strapline", "sapo"});
}

void CollectMetadata(const GumboNode* node, bool in_article, int depth,
                     PageMetadata* page) {
  if (depth > kMaxWalkDepth || !IsElement(node)) return;
  GumboTag tag = TagOf(node);
  switch (tag) {
    case GUMBO_TAG_HTML:
      page->lang = std::string(AttributeOf(node, "lang"));
      break;
    case GUMBO_TAG_TITLE:
      if (page->title.empty()) page->title = TextOf(node);
      return;
    case GUMBO_TAG_META: {
      std::string key(AttributeOf(node, "property"));
      if (key.empty()) key = std::string(AttributeOf(node, "name"));
      if (key.empty()) key = std::string(AttributeOf(node, "itemprop"));
      if (key.empty()) key = std::string(AttributeOf(node, "http-equiv"));
      key = absl::AsciiStrToLower(key);
      std::string content = CleanDisplayText(AttributeOf(node, "content"));
      if (key.empty() || content.empty()) return;
      if (key == "article:tag") page->article_tags.push_back(content);
      page->meta.emplace(key, content);
      return;
    }
    case GUMBO_TAG_LINK:
      if (page->canonical.empty() &&
          absl::EqualsIgnoreCase(AttributeOf(node, "rel"), "canonical")) {
        page->canonical =
            std::string(absl::StripAsciiWhitespace(AttributeOf(node, "href")));
      }
      return;
    case GUMBO_TAG_SCRIPT:
      if (ContainsIgnoreCase(AttributeOf(node, "type"), "ld+json")) {
        // A script's content is one raw text node.
        std::string json;
        const GumboVector& children = ChildrenOf(node);
        for (unsigned i = 0; i < children.length; ++i) {
          const GumboNode* child =
              static_cast<const GumboNode*>(children.data[i]);
          if (child->type == GUMBO_NODE_TEXT ||
              child->type == GUMBO_NODE_CDATA ||
              child->type == GUMBO_NODE_WHITESPACE) {
            json += child->v.text.text;
          }
        }
        page->json_ld.push_back(std::move(json));
      }
      return;
    case GUMBO_TAG_H1:
      if (in_article && page->article_h1.empty()) {
        page->article_h1 = TextOf(node);
      }
      if (page->any_h1.empty()) page->any_h1 = TextOf(node);
      return;
    case GUMBO_TAG_TIME:
      if (in_article && page->time_datetime.empty()) {
        page->time_datetime = std::string(AttributeOf(node, "datetime"));
      }
      break;
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
      in_article = true;
      break;
    default:
      break;
  }
  if (tag != GUMBO_TAG_HTML && tag != GUMBO_TAG_BODY) {
    std::vector<std::string> words = ClassWords(node);
    if (page->byline.empty() && IsBylineElement(node, words)) {
      page->byline = TextOf(node);
      return;
    }
    if (page->dek.empty() && IsDekElement(words)) {
      page->dek = TextOf(node);
      return;
    }
  }
  const GumboVector& children = ChildrenOf(node);
  for (unsigned i = 0; i < children.length; ++i) {
    CollectMetadata(static_cast<const GumboNode*>(children.data[i]), in_article,
                    depth + 1, page);
  }
}

// What a JSON-LD NewsArticle says.
struct LinkedData {
  std::string headline;
  std::string alternative_headline;
  std::string date_published;
  std::string date_modified;
  std::vector<std::string> authors;
  std::string publisher;
  std::vector<std::string> keywords;
  std::string language;
  std::string url;
  std::string article_body;
};

std::string JsonString(simdjson::dom::element value) {
  std::string_view s;
  if (!value.get_string().get(s)) return CleanDisplayText({s.data(), s.size()});
  return "";
}

std::string Member(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element value;
  if (object[key].get(value)) return "";
  return JsonString(value);
}

// Returns the "name" of a Person/Organization, or the string itself.
std::string NameOf(simdjson::dom::element value) {
  simdjson::dom::object object;
  if (!value.get_object().get(object)) return Member(object, "name");
  return JsonString(value);
}

bool IsArticleType(simdjson::dom::object object) {
  simdjson::dom::element type;
  if (object["@type"].get(type)) return false;
  std::vector<std::string> types;
  simdjson::dom::array list;
  if (!type.get_array().get(list)) {
    for (simdjson::dom::element t : list) types.push_back(JsonString(t));
  } else {
    types.push_back(JsonString(type));
  }
  for (const std::string& t : types) {
    if (absl::EndsWith(t, "Article") || t == "BlogPosting" ||
        t == "LiveBlogPosting" || t == "Report") {
      return true;
    }
  }
  return false;
}

void ReadLinkedArticle(simdjson::dom::object object, LinkedData* out) {
  out->headline = Member(object, "headline");
  out->alternative_headline = Member(object, "alternativeHeadline");
  out->date_published = Member(object, "datePublished");
  out->date_modified = Member(object, "dateModified");
  out->language = Member(object, "inLanguage");
  out->article_body = Member(object, "articleBody");
  simdjson::dom::element value;
  if (!object["author"].get(value)) {
    simdjson::dom::array authors;
    if (!value.get_array().get(authors)) {
      for (simdjson::dom::element author : authors) {
        std::string name = NameOf(author);
        if (!name.empty()) out->authors.push_back(name);
      }
    } else if (std::string name = NameOf(value); !name.empty()) {
      out->authors.push_back(name);
    }
  }
  if (!object["publisher"].get(value)) out->publisher = NameOf(value);
  if (!object["keywords"].get(value)) {
    simdjson::dom::array keywords;
    if (!value.get_array().get(keywords)) {
      for (simdjson::dom::element keyword : keywords) {
        std::string k = JsonString(keyword);
        if (!k.empty()) out->keywords.push_back(k);
      }
    } else {
      for (absl::string_view k :
           absl::StrSplit(JsonString(value), ',', absl::SkipWhitespace())) {
        out->keywords.push_back(std::string(absl::StripAsciiWhitespace(k)));
      }
    }
  }
  if (!object["mainEntityOfPage"].get(value)) {
    simdjson::dom::object page;
    out->url =
        !value.get_object().get(page) ? Member(page, "@id") : JsonString(value);
  }
  if (out->url.empty()) out->url = Member(object, "url");
}

// Finds the first article object in a JSON-LD document (an object, an
// array, or an @graph).
bool FindLinkedArticle(simdjson::dom::element value, int depth,
                       LinkedData* out) {
  if (depth > 8) return false;
  simdjson::dom::array array;
  if (!value.get_array().get(array)) {
    for (simdjson::dom::element item : array) {
      if (FindLinkedArticle(item, depth + 1, out)) return true;
    }
    return false;
  }
  simdjson::dom::object object;
  if (value.get_object().get(object)) return false;
  if (IsArticleType(object)) {
    ReadLinkedArticle(object, out);
    return true;
  }
  simdjson::dom::element graph;
  if (!object["@graph"].get(graph)) {
    return FindLinkedArticle(graph, depth + 1, out);
  }
  return false;
}

LinkedData ReadLinkedData(const std::vector<std::string>& scripts) {
  LinkedData data;
  simdjson::dom::parser parser;
  for (const std::string& script : scripts) {
    simdjson::padded_string padded(script);
    simdjson::dom::element root;
    if (parser.parse(padded).get(root)) continue;
    if (FindLinkedArticle(root, 0, &data)) break;
  }
  return data;
}

std::string Meta(const PageMetadata& page, absl::string_view key) {
  auto it = page.meta.find(std::string(key));
  return it == page.meta.end() ? "" : it->second;
}

std::string FirstNonEmpty(std::initializer_list<std::string> values) {
  for (const std::string& value : values) {
    if (!value.empty()) return value;
  }
  return "";
}

// Drops a " | Site Name" or " - Site Name" suffix from a <title>.
std::string StripSiteSuffix(const std::string& title,
                            const std::string& site_name) {
  for (absl::string_view separator : {" | ", " - ", " – ", " — ", " :: "}) {
    size_t at = title.rfind(std::string(separator));
    if (at == std::string::npos) continue;
    absl::string_view suffix =
        absl::string_view(title).substr(at + separator.size());
    if (site_name.empty() || absl::EqualsIgnoreCase(suffix, site_name) ||
        CountWords(suffix) <= 3) {
      return title.substr(0, at);
    }
  }
  return title;
}

// Resolves `href` against page `url` (absolute, scheme-relative or
// root-relative links; others are returned as they are).
std::string ResolveUrl(absl::string_view href, absl::string_view url) {
  if (href.empty() || absl::StartsWith(href, "http://") ||
      absl::StartsWith(href, "https://")) {
    return std::string(href);
  }
  size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return std::string(href);
  if (absl::StartsWith(href, "//")) {
    return absl::StrCat(url.substr(0, scheme_end + 1), href);
  }
  if (absl::StartsWith(href, "/")) {
    size_t host_end = url.find('/', scheme_end + 3);
    return absl::StrCat(url.substr(0, host_end), href);
  }
  return std::string(href);
}

// "By Jane Doe | Nov. 28, 2023" → "By Jane Doe".
std::string CleanByline(const std::string& text) {
  std::string unified = absl::StrReplaceAll(text, {{"•", "|"}, {"·", "|"}});
  std::vector<absl::string_view> parts =
      absl::StrSplit(unified, '|', absl::SkipWhitespace());
  for (absl::string_view part : parts) {
    part = absl::StripAsciiWhitespace(part);
    if (AsByline(part)) return std::string(part);
  }
  if (!parts.empty() && parts[0].size() <= 120) {
    return std::string(absl::StripAsciiWhitespace(parts[0]));
  }
  return "";
}

void AddKeyword(const std::string& keyword, v1::Story* story) {
  if (keyword.empty()) return;
  for (const std::string& existing : story->keywords()) {
    if (absl::EqualsIgnoreCase(existing, keyword)) return;
  }
  story->add_keywords(keyword);
}

void FillFromMetadata(const PageMetadata& page, const LinkedData& linked,
                      absl::string_view url, v1::Story* story) {
  std::string site =
      FirstNonEmpty({Meta(page, "og:site_name"), linked.publisher,
                     Meta(page, "application-name")});
  story->set_provider(site);
  story->set_headline(
      FirstNonEmpty({page.article_h1, linked.headline, Meta(page, "og:title"),
                     Meta(page, "twitter:title"), page.any_h1,
                     StripSiteSuffix(page.title, site)}));
  story->set_subheadline(
      FirstNonEmpty({page.dek, linked.alternative_headline}));

  std::string byline = CleanByline(page.byline);
  if (byline.empty() && !linked.authors.empty()) {
    byline = absl::StrCat("By ", absl::StrJoin(linked.authors, " and "));
  }
  if (byline.empty() && !Meta(page, "author").empty()) {
    byline = absl::StrCat("By ", Meta(page, "author"));
  }
  story->set_byline(byline);

  std::string published = FirstNonEmpty(
      {Meta(page, "article:published_time"), linked.date_published,
       Meta(page, "datepublished"), Meta(page, "pubdate"),
       Meta(page, "dc.date.issued"), Meta(page, "date"), page.time_datetime});
  std::string modified = FirstNonEmpty(
      {Meta(page, "article:modified_time"), linked.date_modified,
       Meta(page, "og:updated_time"), Meta(page, "datemodified"), published});
  SetTimeField(ParseIsoTime(published), story,
               &v1::Story::mutable_first_created);
  SetTimeField(ParseIsoTime(modified), story,
               &v1::Story::mutable_version_created);

  std::string locale = Meta(page, "og:locale");
  std::replace(locale.begin(), locale.end(), '_', '-');
  story->set_language(FirstNonEmpty(
      {page.lang, Meta(page, "content-language"), locale, linked.language}));

  for (const char* key : {"news_keywords", "keywords"}) {
    for (absl::string_view keyword :
         absl::StrSplit(Meta(page, key), ',', absl::SkipWhitespace())) {
      AddKeyword(std::string(absl::StripAsciiWhitespace(keyword)), story);
    }
  }
  for (const std::string& tag : page.article_tags) AddKeyword(tag, story);
  for (const std::string& keyword : linked.keywords) AddKeyword(keyword, story);

  // The first absolute URL; a relative canonical link only when nothing
  // better is known.
  std::string canonical;
  for (const std::string& candidate :
       {ResolveUrl(page.canonical, url), Meta(page, "og:url"), linked.url,
        std::string(url)}) {
    if (absl::StartsWith(candidate, "http://") ||
        absl::StartsWith(candidate, "https://")) {
      canonical = candidate;
      break;
    }
  }
  if (canonical.empty()) canonical = page.canonical;
  story->set_canonical_url(canonical);
  story->set_source_story_id(canonical);
}

std::vector<std::string> CollectFragmentParagraphs(const GumboNode* root) {
  BlockCollector collector(/*index=*/nullptr);
  collector.Walk(root, 0);
  std::vector<std::string> paragraphs;
  for (PageBlock& block : collector.TakeBlocks()) {
    if (block.kind != PageBlock::Kind::kHeading) {
      paragraphs.push_back(std::move(block.text));
    }
  }
  return paragraphs;
}

}  // namespace

std::vector<PageBlock> HtmlPageBlocks(absl::string_view html) {
  if (EstimateMarkupDepth(html) > kMaxMarkupDepth) return {};
  GumboDocument document(html);
  ParagraphTextIndex index(document.root());
  BlockCollector collector(&index);
  collector.Walk(document.root(), 0);
  return collector.TakeBlocks();
}

absl::StatusOr<std::vector<std::string>> HtmlFragmentParagraphs(
    absl::string_view html, absl::string_view what) {
  absl::Status depth = CheckMarkupDepth(html, what);
  if (!depth.ok()) return depth;
  GumboDocument document(html);
  return CollectFragmentParagraphs(document.root());
}

absl::Status ParseHtmlPage(absl::string_view html, absl::string_view url,
                           v1::Story* story) {
  absl::Status depth = CheckMarkupDepth(html, "HTML");
  if (!depth.ok()) return depth;
  GumboDocument document(html);

  PageMetadata page;
  CollectMetadata(document.root(), /*in_article=*/false, 0, &page);
  LinkedData linked = ReadLinkedData(page.json_ld);
  FillFromMetadata(page, linked, url, story);

  ParagraphTextIndex index(document.root());
  BlockCollector collector(&index);
  collector.Walk(document.root(), 0);
  std::vector<PageBlock> blocks = collector.TakeBlocks();
  std::vector<bool> keep = SelectArticleBlocks(blocks, story->headline());
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (keep[i]) story->add_paragraphs(std::move(blocks[i].text));
  }
  if (story->paragraphs().empty() && !linked.article_body.empty()) {
    for (std::string& paragraph : SplitTextParagraphs(linked.article_body)) {
      story->add_paragraphs(std::move(paragraph));
    }
  }
  if (story->paragraphs().empty()) {
    return DeadLetterError(
        v1::DEAD_LETTER_REASON_EMPTY_STORY,
        absl::StrCat("HTML: none of the page's ", blocks.size(),
                     " text blocks outside navigation, headers and footers "
                     "is article text"));
  }
  return absl::OkStatus();
}

}  // namespace wirestream::normalize
