#!/usr/bin/env python3
"""Draws the Reuters-21578 business sample of corpus/reuters_*.txt.

  tools/reuters_sample.py REUTERS_DIR > sample.txt

REUTERS_DIR holds Reuters-21578 Distribution 1.0 (reut2-000.sgm ...
reut2-021.sgm). Prints the sampled stories in the corpus format with empty
labels ("countries: ?", "focus: ?") for a person to fill in by the guide in
corpus/README.md, and each story's Reuters PLACES tags as a comment (a hint,
not the label). A data step, not part of the build.

The sample: stories of TYPE NORM with a body; 140 drawn from those whose
TOPICS include earn or acq, 60 from those with any other topic, with
random.Random(16); then shuffled with the same generator and split in two
halves: the first 100 for tuning, the last 100 held out. Each story keeps
its title as headline, its dateline at the start of the lead as the wire
sent it ("ROCHESTER, N.Y., March 3 - ..."), and at most its first 8
paragraphs.
"""

import glob
import html
import os
import random
import re
import sys

BUSINESS = {"earn", "acq"}
MARKETS = {"money-fx", "interest", "dlr", "yen", "stg", "money-supply",
           "gold", "silver"}


def stories(directory):
    for path in sorted(glob.glob(os.path.join(directory, "reut2-*.sgm"))):
        data = open(path, encoding="latin-1").read()
        for m in re.finditer(r"<REUTERS (.*?)>(.*?)</REUTERS>", data, re.S):
            attrs, doc = m.group(1), m.group(2)

            def tag(t):
                mm = re.search(r"<%s>(.*?)</%s>" % (t, t), doc, re.S)
                return mm.group(1) if mm else ""

            def ds(t):
                return re.findall(r"<D>(.*?)</D>", tag(t))

            typ = re.search(r'<TEXT TYPE="(\w+)"', doc)
            body = re.sub(r"\s*Reuter\s*&#3;\s*$", "", tag("BODY"))
            yield dict(
                newid=int(re.search(r'NEWID="(\d+)"', attrs).group(1)),
                type=typ.group(1) if typ else "NORM",
                title=html.unescape(tag("TITLE")).strip(),
                dateline=html.unescape(tag("DATELINE")).strip(),
                body=html.unescape(body.replace("&#3;", "")),
                topics=ds("TOPICS"), places=ds("PLACES"))


def paragraphs(body):
    # A paragraph (or table row) starts on an indented line.
    out = []
    for p in re.split(r"\n\s{2,}", body.strip()):
        p = " ".join(p.split())
        if p:
            out.append(p)
    return out


def topic_code(topics):
    if BUSINESS & set(topics):
        return "medtop:20000170"  # business information
    if MARKETS & set(topics):
        return "medtop:20000385"  # market and exchange
    return "medtop:20000344"  # economy


def main():
    all_stories = [s for s in stories(sys.argv[1])
                   if s["type"] == "NORM" and s["body"].strip() and s["title"]]
    rng = random.Random(16)
    company = [s for s in all_stories if BUSINESS & set(s["topics"])]
    other = [s for s in all_stories
             if s["topics"] and not BUSINESS & set(s["topics"])]
    sample = rng.sample(company, 140) + rng.sample(other, 60)
    rng.shuffle(sample)
    for i, s in enumerate(sample):
        half = "tune" if i < 100 else "holdout"
        paras = paragraphs(s["body"])[:8]
        if s["dateline"]:
            paras[0] = "%s %s" % (s["dateline"], paras[0])
        print("# %s places: %s topics: %s" % (half, " ".join(s["places"]),
                                            " ".join(s["topics"])))
        print("id: reuters-%d" % s["newid"])
        print("topics: %s" % topic_code(s["topics"]))
        print("countries: ?")
        print("focus: ?")
        print("headline: %s" % " ".join(s["title"].split()))
        for p in paras:
            print(p)
        print("---")


if __name__ == "__main__":
    main()
