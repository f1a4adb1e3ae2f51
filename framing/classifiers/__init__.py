"""Stage 2, classifying: the label schema and the classifiers that implement one protocol.

Modules: ``schema`` (the default scheme's fields and labels, context), ``protocol`` (what every classifier offers),
``lexicon`` (the keyword baseline), ``network``/``transformer``/``transformer_training`` (the
fine-tuned transformer), ``int8`` (its quantised encoder), ``explain`` (the words a label rests on,
by occlusion), ``metrics``, ``directory`` and ``loading`` (model directories, with their scheme). May
import: ``framing.corpus``, ``framing.schemes`` and the base modules.
"""
