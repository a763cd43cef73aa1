"""Input: reading a person's lines, from a prompt-toolkit prompt or from standard input.

prompt_toolkit is imported here and nowhere else.
"""
