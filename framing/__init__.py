"""framing: measure how news outlets name the sides of the Syrian war."""

__version__ = "0.2.0"
