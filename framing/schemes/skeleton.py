"""``framing init-scheme``: the files a new conflict starts from, a scheme, an empty lexicon, guidelines.

The scheme skeleton is valid as written (two actors with placeholder labels, voice, the framing map) and
explains every key in comments; the lexicon names the scheme and holds an empty table per label; the
guidelines template has a section per actor, made from the scheme so that the two agree.
"""

from __future__ import annotations

import re
from pathlib import Path

from framing.errors import FramingError
from framing.schemes import SCHEME_FILE, Scheme, scheme_from_text

LEXICON_FILE = "lexicon.toml"
GUIDELINES_FILE = "guidelines.md"

_SCHEME = """# The label scheme "{name}": which actors a sentence may name, and with which labels.
# Every classifier of this scheme predicts one field per actor and the voice field, in this order.
# Check it with `python -c "from framing.schemes import load_scheme; load_scheme('scheme.toml')"`.

# Short name of the scheme (lower case, digits, - and _): models and lexicons record it.
name = "{name}"
# The scheme's own version: change it whenever a field or label changes (models record it and a hash).
version = "1"

# The annotation guidelines the labels follow: their document and version.
[guidelines]
document = "{guidelines}"
version = "0.1"

# One [[actors]] table per side of the conflict.
[[actors]]
# The field's name: a column of the scores and a head of the transformer (lower case, digits, _).
field = "side_a"
# How reports and figures name the actor.
display = "side A"
# The labels in a fixed order, "none" first (the sentence does not name the actor).
labels = ["none", "neutral", "delegitimising"]
# Every label but "none", weakest first: when several namings meet in a sentence, the last one wins.
precedence = ["neutral", "delegitimising"]
# The labels that delegitimise the actor (what the framing map and the report count).
delegitimising = ["delegitimising"]
# Who counts as the actor, and who not (notes for annotators and readers).
who = "Who side A is: its armed forces, its political bodies, the places it holds."
not_who = "Who is easily taken for side A but is not."

[[actors]]
field = "side_b"
display = "side B"
labels = ["none", "neutral", "delegitimising"]
precedence = ["neutral", "delegitimising"]
delegitimising = ["delegitimising"]
who = "Who side B is."
not_who = "Who is not."

# Whose wording a naming is. Its labels start with "none": voice is none exactly when every actor is none.
[voice]
field = "voice"
labels = ["none", "own", "reported"]
rule = "none-exactly-when-no-actor"

# The framing map: one point per outlet, x the share of one actor's namings that carry these labels,
# y the same for an actor (the same or another).
[map.x]
actor = "side_a"
labels = ["delegitimising"]

[map.y]
actor = "side_b"
labels = ["delegitimising"]
"""

_LEXICON = """# The lexicon of scheme "{name}" (scheme.toml beside it), after {guidelines} v{version}.
# Matching is case-insensitive, on word boundaries, leftmost then longest. Per label, `terms` are literal
# words that always mean the actor, `generic` words that mean it unless the sentence names an excluded
# actor, `patterns` Python regular expressions. Fill in the tables; every one starts empty.

version = 1
guidelines = "{version}"
scheme = "{name}"
{labels}
[exclude]
# Actors easily taken for one of the sides (their names make generic terms ambiguous).
terms = []
patterns = []

[voice]
# A deciding term right after one of these (up to three words between) is someone else's label.
markers = ["so-called", "so called", "described as", "referred to as", "labelled", "labeled", "branded", "dubbed"]
"""


def scheme_skeleton(name: str) -> str:
    """A valid, commented scheme file for a new scheme ``name``."""
    return _SCHEME.format(name=name, guidelines=GUIDELINES_FILE)


def lexicon_skeleton(scheme: Scheme) -> str:
    """An empty lexicon of ``scheme``: a table per actor label, no terms yet."""
    tables = []
    for actor in scheme.actors:
        for label in actor.labels[1:]:
            tables.append(f'\n[labels."{actor.field}:{label}"]\nterms = []\ngeneric = []\npatterns = []\n')
    return _LEXICON.format(
        name=scheme.name,
        guidelines=scheme.guidelines.document,
        version=scheme.guidelines.version,
        labels="".join(tables),
    )


def guidelines_template(scheme: Scheme) -> str:
    """Annotation guidelines to fill in, with a section per field of ``scheme``."""
    fields = ", ".join(f"`{f}`" for f in scheme.fields)
    lines = [
        f"# Annotation guidelines: actor naming ({scheme.name})",
        "",
        f"Version {scheme.guidelines.version}. These rules define the labels of scheme `{scheme.name}` "
        "(scheme.toml) that every classifier predicts and every gold annotation uses. When a rule changes, "
        "bump the version here and in scheme.toml.",
        "",
        "## The unit",
        "",
        "One sentence (a headline counts as a sentence). Label only what the sentence itself says.",
        "",
        f"## Labels per sentence: {fields}",
        "",
        "| field | values | question it answers |",
        "|---|---|---|",
    ]
    for actor in scheme.actors:
        values = ", ".join(f"`{v}`" for v in actor.labels)
        lines.append(f"| `{actor.field}` | {values} | How does the sentence name {actor.display}? |")
    values = ", ".join(f"`{v}`" for v in scheme.voice.labels)
    lines += [f"| `{scheme.voice.field}` | {values} | Is that naming the outlet's own wording? |", ""]
    for actor in scheme.actors:
        precedence = " > ".join(f"`{v}`" for v in reversed(actor.precedence))
        lines += [f"### `{actor.field}`", "", f"**Who**: {actor.who}", "", f"**Not**: {actor.not_who}", ""]
        lines += ["| label | naming | examples |", "|---|---|---|"]
        lines += [f"| `{v}` | (what it means) | (examples) |" for v in actor.labels[1:]]
        lines += [f"| `none` | {actor.display} is not named | |", ""]
        lines += [f"- Several namings in one sentence: {precedence}.", ""]
    lines += [
        f"### `{scheme.voice.field}`",
        "",
        "- (when a naming is someone else's wording, when it is the outlet's own)",
        f"- `none`: exactly when {' and '.join(f'`{a}`' for a in scheme.actor_fields)} are all `none`.",
        "",
        "## Borderline cases",
        "",
        "(settled cases, with the version that settled them)",
        "",
    ]
    return "\n".join(lines)


def init_scheme(name: str, out: Path | None = None) -> list[Path]:
    """Write ``scheme.toml``, ``lexicon.toml`` and ``guidelines.md`` for a new scheme ``name`` into ``out``
    (default: a folder ``name``); refuses to overwrite any of them. Returns the files written."""
    if not re.match(r"^[a-z][a-z0-9_-]*$", name):
        raise FramingError(f"scheme name {name!r}: use lower-case letters, digits, - and _, starting with a letter")
    out = Path(name) if out is None else Path(out)
    targets = [out / SCHEME_FILE, out / LEXICON_FILE, out / GUIDELINES_FILE]
    existing = [str(p) for p in targets if p.exists()]
    if existing:
        raise FramingError(
            f"{', '.join(existing)} already exist(s); init-scheme never overwrites: choose another --out"
        )
    text = scheme_skeleton(name)
    scheme = scheme_from_text(text, str(targets[0]))
    out.mkdir(parents=True, exist_ok=True)
    for path, content in zip(targets, (text, lexicon_skeleton(scheme), guidelines_template(scheme))):
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(content)
    return targets
