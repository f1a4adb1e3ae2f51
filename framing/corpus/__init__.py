"""Stage 1, reading: articles from CSV, JSON Lines, Parquet, text folders and HTML, and their sentences.

Modules: ``readers`` (``Article``, ``read_path``), ``sources`` (``.gz`` files, recursive folders, standard
input), ``html`` (pages read with trafilatura), ``sentences`` (segmenters with character offsets).
May import: ``framing.errors``, ``framing.io``, ``framing.resources``, ``framing.progress``.
"""
