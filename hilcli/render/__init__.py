"""Output: Rich, plain and JSON Lines renderings of stream events and outcomes.

Rich is imported here and nowhere else. Everything the server sends is data: it goes through
`safe_text` and into `rich.text.Text` (or Markdown source), never into markup strings.
"""
