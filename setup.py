"""Wheels carry the shipped models, seeds and gold annotations as package data.

They live at the checkout's top level (``models/``, ``seeds/``, ``experiments/annotations/``),
where a checkout reads them; a wheel gets copies under ``framing/_shipped/``, where
``framing.resources`` finds them when there is no checkout. Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = {"models": "models", "seeds": "seeds", "annotations": "experiments/annotations"}
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.py")


class BuildWithShippedFiles(build_py):
    """``build_py`` that also copies the shipped folders into the built package."""

    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "framing" / "_shipped"
        for name, source in SHIPPED.items():
            if (root / source).is_dir():
                shutil.copytree(root / source, target / name, ignore=SKIP, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithShippedFiles})
