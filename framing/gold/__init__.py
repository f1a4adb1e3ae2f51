"""Stage 3, gold data: annotations (checked against the corpora), interactive annotation, and evaluation.

Modules: ``annotations`` (gold sentences, splits, reserved ids), ``annotate`` (the annotation
prompt), ``evaluate`` (macro-F1 with intervals over articles), ``slices`` (accuracy on hard cases).
May import: ``framing.corpus``, ``framing.classifiers`` and the base modules; never drawing.
"""
