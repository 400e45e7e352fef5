"""A language model as a machine coder, over the OpenAI chat-completions protocol (issue 18,
point 3).

- :mod:`.address`: where the server may be (this machine unless a remote one was allowed).
- :mod:`.prompt`: the prompt built from the codebook, the article delimited as data.
- :mod:`.schema`: the strict ``response_format`` and the check of a reply.
- :mod:`.quotes`: a quote located in the article, exactly or normalised, never guessed.
- :mod:`.client`: the HTTP client (retries, backoff, Retry-After, the key from the
  environment).
- :mod:`.pool`: several requests in flight, results written by the one thread that owns the
  project's connection.
- :mod:`.coder`: ``code_articles`` — runs and replicates, resume, the validation gate.
"""
