"""An independent implementation of the documented draw (services/sample_design docstring),
written apart from annotator's code with plain integers: run it to reproduce the expected
sample of ``test_sample_design.py``::

    python tests/services/independent_draw.py

It prints the names drawn for the corpus ``corpus()`` below (the one the test builds)."""

from __future__ import annotations

import hashlib


def corpus() -> list[tuple[str, str, str, str]]:
    """(name, GUID, outlet, date) of 40 articles: 3 outlets, 3 years, some without a value."""
    rows = []
    outlets = ["Yonhap", "Hankyoreh", "Chosun", ""]
    for k in range(40):
        guid = f"00000000-0000-4000-8000-{k:012d}"
        outlet = outlets[(k * 7) % 4] if k % 9 else ""
        date = f"{2014 + (k * 5) % 3}-{1 + k % 12:02d}-15" if k % 11 else ""
        rows.append((f"article-{k:02d}", guid, outlet, date))
    return rows


def draw(rows: list[tuple[str, str, str, str]], percent: int, seed: int) -> list[str]:
    """percent % of the articles by outlet × year, Hamilton's method, SHA-256 rank."""
    total = len(rows)
    # Nearest whole article, a half up, in integers: floor((total*percent + 50) / 100).
    size = max(1, (total * percent + 50) // 100)
    strata: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for name, guid, outlet, date in rows:
        key = (outlet, date[:4])
        digest = int(hashlib.sha256(f"{seed}:{guid}".encode()).hexdigest(), 16)
        strata.setdefault(key, []).append((digest, name))
    keys = sorted(strata, key=lambda k: [(v == "", v) for v in k])
    # Quota size*n/total: whole part and remainder (as numerator over total).
    whole = {k: size * len(strata[k]) // total for k in keys}
    remainder = {k: size * len(strata[k]) % total for k in keys}
    left = size - sum(whole.values())
    ordered = sorted(keys, key=lambda k: (-remainder[k], -len(strata[k]), keys.index(k)))
    for k in ordered[:left]:
        whole[k] += 1
    drawn = []
    for k in keys:
        drawn += [name for _, name in sorted(strata[k])[: whole[k]]]
    return sorted(drawn)


if __name__ == "__main__":
    print(draw(corpus(), 15, 7))
