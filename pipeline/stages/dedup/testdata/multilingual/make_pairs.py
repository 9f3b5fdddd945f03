#!/usr/bin/env python3
"""Builds dedup's multilingual evaluation set from the real stories in
sources/: for each language, <lang>/stories.txt (the real stories and the
copies made from them by a wire desk's edits), <lang>/pairs.tsv (the
development pairs) and <lang>/pairs_heldout.tsv. Labels follow the guide
in README.md. Deterministic (fixed seed): run it again and the files come
out the same.

  python3 make_pairs.py            # from this directory
"""
import datetime
import itertools
import os
import random
import re

LANGS = ["fr", "de", "es", "it", "pt", "ru", "ar", "zh", "ja", "ko"]
CJK = {"zh", "ja"}
SEED = 20261208
HELDOUT_SHARE = 0.4
# Real pairs of different stories per language and side: the most alike.
ALIKE_PAIRS = 8
HERE = os.path.dirname(os.path.abspath(__file__))

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
TO_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩０１２３４５６７８９", "01234567890123456789")


class Story:
    def __init__(self, sid, origin, headline, paragraphs, group):
        self.sid = sid
        self.origin = origin
        self.headline = headline
        self.paragraphs = paragraphs
        self.group = group  # "market" for one template's reports
        self.filed = None

    def wire(self):
        return self.headline + "\n\n" + "\n\n".join(self.paragraphs) + "\n"


def sentences(text, lang):
    if lang in CJK:
        parts = re.findall(r"[^。！？]+[。！？]?", text)
    else:
        parts = re.split(r"(?<=[.!?؟。])\s+", text)
    return [p.strip() for p in parts if p.strip()]


def read_sources(lang):
    stories = []
    for name, group in ((f"{lang}.txt", "story"), (f"{lang}_market.txt", "market")):
        path = os.path.join(HERE, "sources", name)
        if not os.path.exists(path):
            continue
        block = None
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if line.startswith("=== "):
                block = [line[4:].strip()]
                stories.append(block)
                block.append(group)
                continue
            if block is None or line.startswith("#") or not line.strip():
                continue
            block.append(line.strip())
    out = []
    for block in stories:
        sid, group, origin_line, headline, *paragraphs = block
        assert origin_line.startswith("origin: "), sid
        if headline == "-":
            first = sentences(paragraphs[0], lang)
            headline = first[0]
            rest = (" " if lang not in CJK else "").join(first[1:])
            paragraphs = ([rest] if rest else []) + paragraphs[1:]
        paragraphs = [re.sub(r"\s+", " ", p) for p in paragraphs if p]
        if not paragraphs:
            continue
        # Reports of one template are "<lang>-m<n>"; the rest are stories.
        group = "market" if re.match(r"^[a-z]+-m\d+$", sid) else "story"
        out.append(Story(sid, origin_line[8:], headline.strip(), paragraphs, group))
    return out


NUMBER = re.compile(r"[0-9٠-٩０-９]+")


def change_figure(text, rng, every):
    """Changes one figure of `text` (every figure when `every`): its last
    digit moves by 1..8, in the digits it was written in."""
    matches = list(NUMBER.finditer(text))
    if not matches:
        return text, False
    chosen = matches if every else [rng.choice(matches)]
    chosen_starts = {m.start() for m in chosen}
    out, last = [], 0
    for m in matches:
        if m.start() not in chosen_starts:
            continue
        digits = m.group(0)
        d = digits[-1]
        value = int(d.translate(TO_ASCII))
        new = str((value + rng.randint(1, 8)) % 10)
        if d in "٠١٢٣٤٥٦٧٨٩":
            new = new.translate(ARABIC_INDIC)
        elif d in "０１２３４５６７８９":
            new = new.translate(FULL_WIDTH)
        out.append(text[last:m.end() - 1] + new)
        last = m.end()
    out.append(text[last:])
    return "".join(out), True


def figures(story):
    return len(NUMBER.findall(" ".join(story.paragraphs)))


def edits_for(story, lang):
    """Returns the SAME edits that apply to `story`."""
    kinds = ["update", "retitled", "new-top"]
    if len(story.paragraphs) >= 2:
        kinds += ["trimmed", "reordered"] if len(story.paragraphs) >= 3 else ["trimmed"]
    if figures(story) >= 1:
        kinds.append("correction")
        if lang in ("ar", "zh", "ja"):
            kinds.append("digits")
    return kinds


def make_copy(story, kind, rng, lang):
    """Returns (headline, paragraphs, note) of the copy made by `kind`."""
    h, p = story.headline, list(story.paragraphs)
    joiner = "" if lang in CJK else " "
    if kind == "update":
        return "UPDATE 1-" + h, p, "headline prefixed UPDATE 1-"
    if kind == "retitled":
        first = sentences(p[0], lang)[0]
        words = first.split()
        if lang not in CJK and len(words) > 14:
            first = " ".join(words[:12])
        elif lang in CJK and len(first) > 40:
            first = first[:30]
        return first.rstrip("。.!?؟"), p, "headline replaced by the lead's first sentence"
    if kind == "new-top":
        end = "。" if lang in CJK else "."
        return h, [h.rstrip("。.!?؟:") + end] + p, "headline added as a new top paragraph"
    if kind == "trimmed":
        return h, p[:-1], "last paragraph dropped"
    if kind == "reordered":
        return h, [p[0]] + list(reversed(p[1:])), "paragraphs after the lead reversed"
    if kind == "correction":
        # A figure of the body, not the lead's first words when others exist.
        indexes = [i for i, para in enumerate(p) if NUMBER.search(para)]
        i = rng.choice(indexes)
        p[i], _ = change_figure(p[i], rng, every=False)
        return "CORRECTED-" + h, p, f"one figure of paragraph {i + 1} changed, headline CORRECTED-"
    if kind == "digits":
        text = h + "\n" + "\n".join(p)
        if lang == "ar":
            if re.search("[٠-٩]", text):
                text, what = text.translate(TO_ASCII), "Arabic-Indic figures written in ASCII digits"
            else:
                text, what = text.translate(ARABIC_INDIC), "figures written in Arabic-Indic digits"
        else:
            if re.search("[０-９]", text):
                text, what = text.translate(TO_ASCII), "full-width figures written in ASCII digits"
            else:
                text, what = text.translate(FULL_WIDTH), "figures written in full-width digits"
        h2, *p2 = text.split("\n")
        return h2, p2, what
    raise ValueError(kind)


def words(story, lang):
    text = (story.headline + " " + " ".join(story.paragraphs)).lower()
    if lang in CJK:
        chars = [c for c in text if not c.isspace()]
        return {a + b for a, b in zip(chars, chars[1:])}
    return set(re.findall(r"\w+", text))


def jaccard(a, b):
    return len(a & b) / max(1, len(a | b))


def build(lang):
    rng = random.Random(f"{SEED}-{lang}")
    originals = read_sources(lang)
    base = datetime.datetime(2024, 3, 4, 6, 0, tzinfo=datetime.timezone.utc)
    for k, s in enumerate(originals):
        s.filed = base + datetime.timedelta(minutes=41 * k)
    # Held out: 40% of the templates' reports and 40% of the other stories,
    # drawn at random.
    side = {}
    for group in ("market", "story"):
        members = [s.sid for s in originals if s.group == group]
        rng.shuffle(members)
        cut = round(len(members) * HELDOUT_SHARE)
        for n, sid in enumerate(members):
            side[sid] = "heldout" if n < cut else "dev"
    stories = list(originals)
    pairs = []  # (side, earlier, later, label, kind, note)

    for s in originals:
        kinds = edits_for(s, lang)
        for n, kind in enumerate(rng.sample(kinds, min(2, len(kinds)))):
            h, p, note = make_copy(s, kind, rng, lang)
            copy = Story(f"{s.sid}-{kind}", s.origin, h, p, s.group)
            copy.filed = s.filed + datetime.timedelta(minutes=rng.randint(15, 240))
            stories.append(copy)
            pairs.append((side[s.sid], s.sid, copy.sid, "SAME", kind, "constructed: " + note))
        if figures(s) >= 2:
            h = s.headline
            text, _ = change_figure(h + "\n" + "\n".join(s.paragraphs), rng, every=True)
            h2, *p2 = text.split("\n")
            copy = Story(f"{s.sid}-other-figures", s.origin, h2, p2, s.group)
            copy.filed = s.filed + datetime.timedelta(minutes=rng.randint(15, 240))
            stories.append(copy)
            pairs.append((side[s.sid], s.sid, copy.sid, "DIFFERENT", "other-period",
                          "constructed: every figure changed, every word kept"))

    # Real pairs: reports of one template, then the most alike other pairs.
    market = [s for s in originals if s.group == "market"]
    seen = set()
    for a, b in itertools.combinations(market, 2):
        if side[a.sid] != side[b.sid]:
            continue
        seen.add((a.sid, b.sid))
        pairs.append((side[a.sid], a.sid, b.sid, "DIFFERENT", "template",
                      f"real: two reports of one template (word overlap {jaccard(words(a, lang), words(b, lang)):.2f})"))
    alike = []
    for a, b in itertools.combinations(originals, 2):
        if (a.sid, b.sid) in seen or side[a.sid] != side[b.sid]:
            continue
        alike.append((jaccard(words(a, lang), words(b, lang)), a, b))
    alike.sort(key=lambda t: (-t[0], t[1].sid, t[2].sid))
    taken = {"dev": 0, "heldout": 0}
    for score, a, b in alike:
        if taken[side[a.sid]] >= ALIKE_PAIRS:
            continue
        taken[side[a.sid]] += 1
        label, note = REAL_LABELS.get((a.sid, b.sid), ("DIFFERENT", "different stories"))
        pairs.append((side[a.sid], a.sid, b.sid, label, "other",
                      f"real: {note} (word overlap {score:.2f})"))

    out_dir = os.path.join(HERE, lang)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "stories.txt"), "w", encoding="utf-8") as f:
        f.write(f"# dedup's multilingual evaluation set, {lang}: the real stories of\n"
                f"# ../sources/ (origin and licence there) and the copies make_pairs.py\n"
                f"# made from them. Each story: \"=== <id>\", \"time: <filing time>\",\n"
                f"# then the plain-text wire file (headline, blank line, paragraphs).\n"
                f"# Filing times are assigned (the sources' own dates are not kept).\n")
        for s in sorted(stories, key=lambda s: s.filed):
            f.write(f"=== {s.sid}\ntime: {s.filed.strftime('%Y-%m-%dT%H:%M:%SZ')}\nslug: {s.sid}\n")
            f.write(s.wire())
    for name, which in (("pairs.tsv", "dev"), ("pairs_heldout.tsv", "heldout")):
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            f.write(f"# dedup's multilingual pairs, {lang}, {'development' if which == 'dev' else 'held out'}:\n"
                    "# labelled by the guide in ../README.md before dedup judged them.\n"
                    "# earlier, later, label, kind, note (tab-separated).\n")
            for p in pairs:
                if p[0] == which:
                    f.write("\t".join(p[1:]) + "\n")
    counts = {}
    for p in pairs:
        counts[(p[0], p[3])] = counts.get((p[0], p[3]), 0) + 1
    print(lang, len(originals), "stories;", {f"{k[0]}/{k[1]}": v for k, v in sorted(counts.items())})
    return alike


# Real pairs read and found to report one event (by the guide), with a note.
REAL_LABELS = {}

if __name__ == "__main__":
    import sys
    for lang in (sys.argv[1:] or LANGS):
        build(lang)
