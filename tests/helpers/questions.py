"""Questions about the example deck (content/example) with known answers."""

from __future__ import annotations

# Facts stated once in content/example (question, fact, file, page or FAQ section).
ANSWERABLE = [
    ("When does the seed round close?", "30 April 2026", "faq.md", 7),
    ("What is the battery capacity of the deck unit?", "7.2 kWh", "whitepaper.pdf", 3),
    ("What revenue is projected for 2029?", "$21.5 million", "pitch_deck.pdf", 9),
]
