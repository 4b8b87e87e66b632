#!/usr/bin/python3
"""Reference for hf-se-atlas task search + Table III outlier rules, written with NLTK (Debian python3-nltk).

Same steps as src/prepare, src/search and src/filter/outliers.ts, done the plain way: word/punctuation
tokens (a hyphen glued inside a compound is dropped), lowercase, NLTK WordNet lemmas (noun lemma, or the
verb lemma when the noun lemma leaves the word unchanged), contiguous in-order match of each task name's
lemmas inside one field, then the Table III rules on the raw characters around each occurrence.
WordNet is Debian's wordnet-base (3.0, with its exception lists); the product reads WordNet 3.1 from npm,
so a few lemmas may differ: the comparison reports every disagreement.

usage: search.py FIELDS.jsonl TAXONOMY.json OUTPUT.json
FIELDS.jsonl: one {"id", "hasCodeTag", "body", "fields": [{"source", "field", "text", "offsets"}]} per model;
  a card unit's "offsets" give each character's offset in "body" (null for metadata and abstracts).
OUTPUT.json: {"occurrences": [[modelId, taskId, field, charStart, excludedBy], ...], "seconds": s}
"""
import json
import os
import sys
import tempfile
import time

import regex
from nltk.corpus.reader.wordnet import WordNetCorpusReader

TOKEN = regex.compile(r"[\p{L}\p{M}\p{N}]+|[^\p{L}\p{M}\p{N}\s]+")
WORD_START = regex.compile(r"[\p{L}\p{M}\p{N}]")
LETTER = regex.compile(r"\p{L}")
QUOTES = "'\"\u2018\u2019\u201c\u201d"
CONTEXT = 40
OUTLIER_FAMILY = {"debugging": "debug", "logging": "log", "coding": "coding"}
PRECEDING = {w: regex.compile(r"(?:^|[^\p{L}\p{N}])" + w + r"[ \t]+$", regex.IGNORECASE) for w in ["import", "no", "training", "train", "testing", "test"]}


def open_wordnet():
    """Debian's WordNet files through NLTK's reader (it wants a lexnames file, which morphy never reads)."""
    root = tempfile.mkdtemp(prefix="wordnet-")
    for name in os.listdir("/usr/share/wordnet"):
        os.symlink(os.path.join("/usr/share/wordnet", name), os.path.join(root, name))
    with open(os.path.join(root, "lexnames"), "w") as handle:
        for i in range(45):
            handle.write(f"{i:02d}\tlex{i}\t0\n")
    return WordNetCorpusReader(root, None)


WN = open_wordnet()
LEMMAS = {}


def lemma(word):
    if word not in LEMMAS:
        noun = min(WN._morphy(word, "n"), key=len, default=word)
        LEMMAS[word] = noun if noun != word else min(WN._morphy(word, "v"), key=len, default=word)
    return LEMMAS[word]


def prepare(text):
    """Lemmas with their character spans, after dropping hyphens glued inside compounds."""
    spans = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
    out = []
    for k, (token, start, end) in enumerate(spans):
        if (
            token == "-"
            and 0 < k < len(spans) - 1
            and spans[k - 1][2] == start
            and end == spans[k + 1][1]
            and WORD_START.match(spans[k - 1][0])
            and WORD_START.match(spans[k + 1][0])
        ):
            continue
        out.append((lemma(token.lower()) if WORD_START.match(token) else token, start, end))
    return out


def one_of(char, chars):
    return char != "" and char in chars


def excluded_by(family, raw, before, after, has_code_tag):
    def after_stem(stem):
        stem_end = len(stem) if raw.lower().startswith(stem) else len(raw)
        return raw[stem_end] if stem_end < len(raw) else (after[0] if after else "")

    prev = before[-1:] if before else ""
    preceded = lambda word: PRECEDING[word].search(before) is not None
    if family == "debug":
        rules = [
            ("debug.after-punct", one_of(prev, ".-_/<>")),
            ("debug.before-punct", one_of(after_stem("debug"), "-_/:<>")),
            ("debug.followed-by-quote", one_of(after_stem("debug"), QUOTES)),
            ("debug.preceded-by-quote", one_of(prev, QUOTES)),
        ]
    elif family == "log":
        nxt = after_stem("log")
        is_letter = LETTER.fullmatch(nxt) is not None if nxt else False
        rules = [
            ("log.followed-by-letter", is_letter and nxt.lower() != "g"),
            ("log.period-letter", prev == "." and is_letter),
            ("log.after-punct", one_of(prev, ".-_/()")),
            ("log.before-punct", one_of(nxt, "-_/:()")),
            ("log.import-logging", raw.lower() == "logging" and preceded("import")),
            ("log.no-log", preceded("no")),
            ("log.training-log", preceded("training")),
            ("log.train-log", preceded("train")),
            ("log.testing-log", preceded("testing")),
            ("log.test-log", preceded("test")),
        ]
    else:
        rules = [("coding.requires-code-tag", not has_code_tag)]
    return next((name for name, hit in rules if hit), None)


def main():
    fields_path, taxonomy_path, output_path = sys.argv[1:4]
    with open(taxonomy_path, encoding="utf-8") as handle:
        taxonomy = json.load(handle)
    tasks = taxonomy["tasks"] if isinstance(taxonomy, dict) else taxonomy
    by_first = {}
    for task in tasks:
        lemmas = [l for l, _, _ in prepare(task["name"])]
        by_first.setdefault(lemmas[0], []).append((task["id"], task["name"], lemmas))
    for phrases in by_first.values():
        phrases.sort(key=lambda p: -len(p[2]))

    started = time.perf_counter()
    occurrences = []
    with open(fields_path, encoding="utf-8") as handle:
        for line in handle:
            model = json.loads(line)
            for field in model["fields"]:
                text = field["text"]
                offsets = field.get("offsets")
                raw = model.get("body", "") if offsets is not None else text
                prepared = prepare(text)
                lemmas = [l for l, _, _ in prepared]
                for i, first in enumerate(lemmas):
                    here = set()
                    for task_id, name, phrase in by_first.get(first, []):
                        if task_id in here or lemmas[i : i + len(phrase)] != phrase:
                            continue
                        here.add(task_id)
                        start, end = prepared[i][1], prepared[i + len(phrase) - 1][2]
                        if offsets is not None:
                            start, end = offsets[start], offsets[end - 1] + 1
                        family = OUTLIER_FAMILY.get(name)
                        excluded = None
                        if family is not None:
                            excluded = excluded_by(family, raw[start:end], raw[max(0, start - CONTEXT) : start], raw[end : end + CONTEXT], model["hasCodeTag"])
                        occurrences.append([model["id"], task_id, field["field"], start, excluded])
    with open(output_path, "w", encoding="utf-8") as handle:
        json.dump({"occurrences": occurrences, "seconds": time.perf_counter() - started}, handle)


if __name__ == "__main__":
    main()
