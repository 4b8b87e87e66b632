#!/usr/bin/python3
"""Reference for hf-se-atlas near-identical cards, written with scikit-learn (Debian's python3-sklearn).

It takes the same input as the TypeScript side and applies the same rules the plain way: TfidfVectorizer()
with its defaults, cosine similarity of every pair (blockwise sparse products), pairs at or above the
threshold, then the same grouping (cards in creation order; a card similar to an already kept original
becomes a variant of the earliest such original). Used by `npm run bench -- --reference` and to produce
test fixtures; never by the product.

usage: near_duplicates.py INPUT.jsonl OUTPUT.json [--threshold 0.99] [--dump-vectors]
INPUT.jsonl: one {"id", "createdAt", "text"} per line.
"""
import argparse
import json
import math
import sys
import time
from datetime import datetime

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


def parse_time(value):
    """Milliseconds since the epoch, or +inf for a missing or unparsable date (sorted last)."""
    if value is None:
        return math.inf
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000.0
    except ValueError:
        return math.inf


def code_unit_key(text):
    """JavaScript compares strings by UTF-16 code units; so does this key."""
    return text.encode("utf-16-be")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--threshold", type=float, default=0.99)
    parser.add_argument("--block", type=int, default=2000)
    parser.add_argument("--dump-vectors", action="store_true")
    args = parser.parse_args()

    cards = []
    with open(args.input, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                cards.append(json.loads(line))
    started = time.perf_counter()
    matrix = TfidfVectorizer().fit_transform([c["text"] for c in cards]).tocsr()
    vectorized = time.perf_counter()

    neighbours = [dict() for _ in cards]
    pair_count = 0
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], args.block):
        block = (matrix[start : start + args.block] @ transposed).tocoo()
        keep = block.data >= args.threshold
        for i, j, s in zip(block.row[keep], block.col[keep], block.data[keep]):
            a = start + int(i)
            b = int(j)
            if a < b:
                neighbours[a][b] = float(s)
                neighbours[b][a] = float(s)
                pair_count += 1
    joined = time.perf_counter()

    times = [parse_time(c.get("createdAt")) for c in cards]
    order = sorted(range(len(cards)), key=lambda i: (times[i], code_unit_key(cards[i]["id"])))
    rank = {card: position for position, card in enumerate(order)}
    originals = set()
    original_of = {}
    for card in order:
        best = None
        for other, similarity in neighbours[card].items():
            if other in originals and (best is None or rank[other] < rank[best[0]]):
                best = (other, similarity)
        if best is None:
            originals.add(card)
        else:
            original_of[card] = best
    variants = sorted(original_of, key=lambda v: (rank[original_of[v][0]], rank[v]))
    result = {
        "pairs": [
            {"original": cards[original_of[v][0]]["id"], "variant": cards[v]["id"], "similarity": original_of[v][1]}
            for v in variants
        ],
        "uniqueIds": [c["id"] for i, c in enumerate(cards) if i not in original_of],
        "similarPairs": pair_count,
        "seconds": {"vectorize": vectorized - started, "allPairs": joined - vectorized, "total": time.perf_counter() - started},
    }
    if args.dump_vectors:
        vectorizer = TfidfVectorizer().fit([c["text"] for c in cards])
        result["vocabulary"] = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
        result["idf"] = [float(x) for x in vectorizer.idf_]
        result["rows"] = [
            {result["vocabulary"][int(k)]: float(v) for k, v in zip(matrix[r].indices, matrix[r].data)}
            for r in range(matrix.shape[0])
        ]
        result["allPairs"] = sorted(
            [[a, b, s] for a in range(len(cards)) for b, s in neighbours[a].items() if a < b]
        )
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False)
    print(json.dumps({"similarPairs": pair_count, "seconds": result["seconds"]}), file=sys.stderr)


if __name__ == "__main__":
    main()
