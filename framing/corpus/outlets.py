"""Display names of outlets (``--outlet-names``): a map from the outlet a corpus gives to the name shown.

The map is applied as articles are read, so that the scores, and the profiles, comparisons, series and
report made from them, carry the display names. Outlets not in the map keep their own. Two outlets
given one name are counted as one outlet from then on; that may be intended (one outlet spelt two
ways), so it is allowed, and ``OutletNames.notes`` says which outlets were merged.

A map file is a CSV with the header ``outlet,name`` and one row per outlet, a JSON object or a TOML
table of ``"raw outlet" = "display name"`` pairs.
"""

from __future__ import annotations

import csv
import json
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from framing.corpus.readers import Article
from framing.errors import DocumentError, FramingError

SUFFIXES = (".csv", ".json", ".toml")
CSV_HEADER = ["outlet", "name"]
_FIX = "give a CSV with the header outlet,name, a JSON object or a TOML table of outlet = name"


def read_outlet_names(path: Path) -> dict[str, str]:
    """The map of a ``.csv``, ``.json`` or ``.toml`` file, checked (``check_outlet_names``); a file that cannot
    be read, or that names no outlet, is a ``FramingError`` naming it."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise FramingError(f"{path}: outlet names must be a {', '.join(SUFFIXES)} file; {_FIX}")
    if not path.is_file():
        raise FramingError(f"{path}: no such outlet names file")
    try:
        text = path.read_text(encoding="utf-8-sig")
        names = _parse(path, text)
    except UnicodeDecodeError:
        raise FramingError(f"{path}: the outlet names are not UTF-8; re-save the file as UTF-8")
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, csv.Error) as error:
        raise FramingError(f"{path}: cannot be read as outlet names ({error}); {_FIX}")
    if not names:
        raise FramingError(f"{path}: names no outlet; {_FIX}, or leave --outlet-names out")
    return check_outlet_names(names, str(path))


def _parse(path: Path, text: str) -> dict:
    suffix = path.suffix.lower()
    if suffix == ".json":
        names = json.loads(text)
    elif suffix == ".toml":
        names = tomllib.loads(text)
    else:
        return _csv_names(path, text)
    if not isinstance(names, dict):
        raise FramingError(f"{path}: holds a JSON {type(names).__name__}, not an object; {_FIX}")
    return names


def _csv_names(path: Path, text: str) -> dict[str, str]:
    rows = csv.reader(text.splitlines())
    header = [cell.strip().lower() for cell in next(rows, [])]
    if header != CSV_HEADER:
        raise FramingError(f"{path}: the header is {','.join(header) or 'missing'}, not outlet,name; {_FIX}")
    names: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2:
            raise FramingError(
                f"{path} line {number}: has {len(row)} fields, not 2 (outlet,name); quote names with commas"
            )
        outlet, name = (cell.strip() for cell in row)
        if names.get(outlet, name) != name:
            raise FramingError(f"{path} line {number}: outlet {outlet!r} is given a second name, {name!r}")
        names[outlet] = name
    return names


def check_outlet_names(names: Mapping, where: str = "outlet_names") -> dict[str, str]:
    """The map with names stripped of surrounding spaces: every outlet and name must be non-empty text."""
    if not isinstance(names, Mapping):
        raise FramingError(f"{where}: must map outlets to display names, not be a {type(names).__name__}")
    checked = {}
    for outlet, name in names.items():
        if not isinstance(outlet, str) or not outlet.strip():
            raise FramingError(f"{where}: outlet {outlet!r} is not a name; give each outlet as it is in the articles")
        if not isinstance(name, str) or not name.strip():
            raise FramingError(f"{where}: outlet {outlet!r} has no display name ({name!r}); give it one, or remove it")
        checked[outlet.strip()] = name.strip()
    return checked


class OutletNames:
    """A checked map applied to articles as they are read; it remembers which outlets it met, for ``notes``."""

    def __init__(self, names: Mapping[str, str], where: str = "outlet_names") -> None:
        self.names = check_outlet_names(names, where)
        self.where = where
        self.met: dict[str, set[str]] = defaultdict(set)  # display name -> the outlets read under it

    def rename(self, outlet: str | None) -> str | None:
        """The display name of ``outlet`` (itself when the map does not name it; None stays None)."""
        if outlet is None:
            return None
        name = self.names.get(outlet, outlet)
        self.met[name].add(outlet)
        return name

    def apply(self, items: Iterable[Article | DocumentError]) -> Iterator[Article | DocumentError]:
        """The articles with their outlets renamed; errors pass through."""
        for item in items:
            if isinstance(item, Article):
                item.outlet = self.rename(item.outlet)
            yield item

    def notes(self) -> list[str]:
        """What the map did that a user may not have meant: outlets merged under one name, and outlets of
        the map that no article had (a misspelt outlet)."""
        notes = [
            f"{self.where}: outlets {', '.join(map(repr, sorted(outlets)))} are counted as one, {name!r}"
            for name, outlets in sorted(self.met.items())
            if len(outlets) > 1
        ]
        seen = set().union(*self.met.values()) if self.met else set()
        unused = sorted(set(self.names) - seen)
        if unused:
            notes.append(
                f"{self.where}: no article had the outlet(s) {', '.join(map(repr, unused))}; check the spelling"
            )
        return notes
