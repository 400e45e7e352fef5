"""Analysis of coded articles: crosstabs, tests of independence, co-occurrence and charts.

Pure like :mod:`annotator.agreement`: plain values in, results out; no SQL and no Qt."""
