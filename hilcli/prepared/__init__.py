"""Prepared answers (`--answers FILE.toml`, `--answer`): a person's answers written down in
advance.

* `rules`: the rules file read into `AnswerRule`s, and how a rule matches an interrupt;
* `choosing`: which prepared answer an interrupt gets, and the resume value it becomes;
* `terminal`: the session `Terminal` that answers from them and asks only what none fits.
"""
