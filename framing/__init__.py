"""framing: measure how news outlets name the sides of the Syrian war."""

__version__ = "0.1.0"
