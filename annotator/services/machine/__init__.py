"""The machine coder (issue 18): a coder of kind ``machine`` whose codings come from a
classifier trained on the team's own codings or from a language model, with runs recording
what made each coding, and validation against the human coders before use."""
