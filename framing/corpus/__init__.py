"""Stage 1, reading: articles from CSV, JSON Lines, Parquet, text folders and HTML, and their sentences.

Modules: ``readers`` (``Article``, ``read_path``), ``sources`` (``.gz`` and ``.zst`` files, recursive folders,
standard input), ``outlets`` (display names of outlets, ``--outlet-names``), ``html`` (pages read with
trafilatura), ``sentences`` (segmenters with character offsets).
May import: ``framing.errors``, ``framing.io``, ``framing.resources``, ``framing.progress``.
"""
