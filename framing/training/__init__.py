"""Stage 4, training: experiment configs (TOML, validated) in, model directories out.

Modules: ``experiment`` (the config's pydantic models), ``train`` (fit, evaluate on dev, save).
May import: ``framing.corpus``, ``framing.classifiers``, ``framing.gold`` and the base modules.
"""
