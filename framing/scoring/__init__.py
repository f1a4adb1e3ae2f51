"""Stage 4, scoring: articles in, one typed row per sentence out, streamed and in parallel.

Modules: ``rows`` (``ScoredSentence`` and its Arrow schema), ``streaming`` (``score``, chunks and
workers), ``outputs`` (the formats ``--out`` names: JSON Lines, Parquet, flat CSV, Excel),
``distributed`` (Ray), ``benchmark`` (speed and memory), ``evidence`` (the model's evidence added to
rows whose labels no lexicon term decided; ``framing explain``).
May import: ``framing.corpus``, ``framing.classifiers``, ``framing.gold`` and the base modules.
"""
