"""Stage 6, figures: matplotlib views of the analysis results (PNG and SVG). Nothing is computed here.

Modules: ``plots`` (profiles, framing map, heatmaps, time series), ``confusion`` (evaluation matrices).
May import: every stage below it, never ``framing.report``.
"""
