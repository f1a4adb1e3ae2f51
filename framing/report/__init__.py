"""Stage 7, the report: one self-contained HTML page over computed results and their figures.

Modules: ``page`` (the page), ``template.html``. May import every stage below it.
"""
