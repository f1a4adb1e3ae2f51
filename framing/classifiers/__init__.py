"""Stage 2, classifying: the label schema and the classifiers that implement one protocol.

Modules: ``schema`` (fields, labels, context), ``protocol`` (what every classifier offers),
``lexicon`` (the keyword baseline), ``network``/``transformer``/``transformer_training`` (the
fine-tuned transformer), ``int8`` (its quantised encoder), ``metrics``, ``directory`` and
``loading`` (model directories). May import: ``framing.corpus`` and the base modules.
"""
