"""hil: a terminal client for human-in-the-loop LangGraph agents."""

__version__ = "0.1.0"
