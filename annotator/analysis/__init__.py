"""Pure analysis: crosstabs of codes by groups of articles, a test of independence, and code
co-occurrence (plain values in, frozen results out; no database, no Qt); and their charts
(``charts``: matplotlib figures, headless, optional extra ``analysis``)."""
