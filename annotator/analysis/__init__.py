"""Pure analysis: crosstabs of codes by groups of articles, a test of independence, and code
co-occurrence. Plain values in, frozen results out; no database, no Qt."""
