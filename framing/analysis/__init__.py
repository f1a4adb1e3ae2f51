"""Stage 5, analysis: statistics over scored rows; no drawing and no HTML.

Modules: ``stats`` (minimum evidence, intervals), ``profile`` (shares per outlet), ``quantify``
(shares corrected for classifier error), ``differences`` (divergences and tests), ``timeseries``,
``agreement`` (between two models' labels), ``simulation`` (calibration checks).
May import: ``framing.scoring``, ``framing.classifiers`` (the schema), ``framing.corpus`` and the base modules.
"""
