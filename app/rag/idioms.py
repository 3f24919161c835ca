"""Ways readers ask that decks never write, with the words decks write for them.

"How do they make money?" shares no word with "Robot-as-a-Service subscription: $48,000 per ship
per year" or "10-30% trading fees", and MiniLM puts it nearer the revenue projections; "Where is the
HQ?" shares none with "Our headquarters ... are in Gothenburg"; "Who are their customers?" none with
"Pilot with Halden Bulk Lines" or "First paid fleet contract signed with Nordvik Shipping". The
question is searched with the deck's words beside its own. Kept to what was seen: on the sample deck
(all three were refused) and the tuning half ("How does Soldera make money?": answer right 0.825 ->
0.830; the customers' words changed no tuning answer, docs/architecture.md).
"""

from __future__ import annotations

import re

IDIOMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bmak(?:e|es|ing) money\b|\bmoneti[sz]", re.IGNORECASE), "business model, pricing, fees"),
    (re.compile(r"\bHQ\b"), "headquarters"),
    # Decks show who buys under "Traction": pilots and contracts with the customer's name, seldom the word.
    (re.compile(r"\b(?:who are|which|any|paying|first)\b[\w\s'\u2019]*\b(?:customers?|clients?)\b|"
                r"\b(?:customers?|clients?) (?:do|does) (?:they|it|you|the company) have\b", re.IGNORECASE),
     "traction, pilots, contracts"),
    # What a buyer pays is written as a price: "Robot-as-a-Service subscription: $48,000 per ship per year".
    (re.compile(r"\b(?:what|how much)\b[^?]*\b(?:customers?|clients?|users?|buyers?|they|you|i|we)\s+(?:\w+\s+)?"
                r"pay\b\s*(?:\?|$|for\b|per\b|each\b|a\b|to use\b)|\bcost (?:to|for) (?:customers?|clients?|users?)\b",
                re.IGNORECASE),
     "price, pricing, subscription"),
    # Where the money goes is written as "Use of funds: 45% engineering, 30% fleet deployment, ...".
    (re.compile(r"\b(?:money|funds|funding|capital|proceeds|investment)\b[\w\s]{0,12}\b(?:split|spent|allocated|divided|"
                r"deployed)\b|\ballocation of (?:the )?(?:money|funds|funding|capital)\b", re.IGNORECASE), "use of funds"),
    # A round's terms are written as its instrument and its cap: "Raising $4.5 million seed on a SAFE with a
    # $22 million valuation cap".
    (re.compile(r"\bterms? (?:of|for) (?:the |their |this )?(?:round|deal|raise|investment|offering)\b|\bdeal terms?\b",
                re.IGNORECASE), "SAFE, valuation cap, convertible note, equity"),
    # How long the money lasts is written as runway: "The round funds 24 months of runway to Series A".
    (re.compile(r"\bhow long\b[\w\s]*\b(?:money|cash|funds|funding|round|raise)\b[\w\s]*\b(?:last|lasts|sustain|carry|cover)\b",
                re.IGNORECASE), "runway, months of runway"),
    # An e-mail address is written after its label, seldom with the word: "Contact: Maren Okafor, invest@example.com".
    (re.compile(r"\be-?mails?(?: address(?:es)?)?\b", re.IGNORECASE), "contact"),
    # A regulation is as often written as rules, guidelines or compliance ("Driven by the IMO carbon intensity rules").
    (re.compile(r"\bregulat(?:ion|ions|ory|ed|or|ors)\b", re.IGNORECASE), "rules, guidelines, compliance"),
    # A company's revenue now is written as its recurring revenue ("ARR of $310,000 as of February 2026");
    # the lines saying "Revenue" are often projections.
    (re.compile(r"\b(?:current|currently|today'?s?|present)\b[\w\s]{0,20}\brevenues?\b|\brevenues?\b[\w\s]{0,20}"
                r"\b(?:today|now|so far|to date|currently)\b", re.IGNORECASE), "ARR, MRR, recurring revenue"),
    # What sets a company apart is its moat: "Our moat: data from every cleaning session ...".
    (re.compile(r"\b(?:competitive|unfair) (?:advantage|edge)s?\b|\bdifferentiat(?:or|ors|ion|e|es|ed|ing)\b|\bwhat sets\b",
                re.IGNORECASE), "moat, unique, only option"),
    # Unit economics are a price per customer and a margin: "$48,000 per ship per year", "gross margin of 62%".
    (re.compile(r"\bunit economics\b", re.IGNORECASE), "price per customer, subscription, gross margin"),
    # Code is published on a forge, written as its address: "github.com/dtdannen/unstuck-ai".
    (re.compile(r"\bwhere\b[\w\s]*\bcode\b|\b(?:source )?code\b[\w\s]*\b(?:hosted|published)\b", re.IGNORECASE),
     "github, repository"),
    # A team's size is written as a head count: "We have 17 full-time employees today".
    (re.compile(r"\bhow (?:big|large) is (?:the|their|your|its) team\b|\bteam size\b|\bsize of (?:the|their) team\b",
                re.IGNORECASE), "employees, people, headcount"),
    # Whether a company makes a profit is written as when it breaks even: "EBITDA break-even expected in Q3 2028".
    # ... or when its cash flow turns positive ("Cash-flow positive month 28 in the base case").
    (re.compile(r"\bprofitab(?:le|ility)\b|\bmak(?:e|es|ing) (?:a )?profits?\b|\b(?:stop|stops|stopping) (?:losing|burning) "
                r"(?:money|cash)\b|\bturn(?:s|ing)? (?:a )?profit\b", re.IGNORECASE), "break-even, EBITDA, cash-flow positive"),
    # Who owns the company is written as its cap table: "Cap table: Olayinka 85% · Segun 10% · Early hire pool 5%".
    (re.compile(r"\b(?:equity|ownership|owns?|stakes?)\b[^?]*\b(?:company|founders?|holds?|hold|split|team)\b|"
                r"\b(?:founders?|team)\b[^?]*\b(?:equity|ownership|own|stake)\b", re.IGNORECASE), "cap table, equity"),
    # Intellectual property is written as patents: "We have filed 3 patent applications with the European
    # Patent Office". Not an IP address.
    (re.compile(r"\bIP\b(?!\s*(?:address|addresses|range|ranges|v4|v6))|\bintellectual property\b", re.IGNORECASE),
     "patents, patent applications"),
    # A market's growth a year is written as its CAGR: "38% CAGR for AI marketing subset".
    (re.compile(r"\b(?:how fast|annual(?:ly)?|per year|a year|each year|yearly)\b[^?]*\bgrow|\bgrowth rate\b|"
                r"\bgrow(?:s|ing|th)?\b[^?]*\b(?:per year|a year|each year|annually|yearly)\b", re.IGNORECASE),
     "CAGR, growth"),
    # What winning a customer costs is written as CAC: "CAC target < $200".
    (re.compile(r"\b(?:cost|costs|spend|pay)\b[^?]*\b(?:acquire|acquiring|win|winning|land|landing)\b[^?]*\b(?:customers?|"
                r"clients?|users?)\b|\bacquisition cost\b", re.IGNORECASE), "CAC, customer acquisition cost"),
    # A dimension asked with its adjective is written with its noun and unit: "weighs 68 kg", "a working
    # depth of 25 m".
    (re.compile(r"\bhow heavy\b", re.IGNORECASE), "weight, weighs, kg"),
    (re.compile(r"\bhow deep\b", re.IGNORECASE), "depth"),
    (re.compile(r"\bhow tall\b", re.IGNORECASE), "height"),
    (re.compile(r"\bhow wide\b", re.IGNORECASE), "width"),
)


def with_deck_words(question: str) -> str:
    """The question with the words decks write for its idioms after it, in brackets."""
    words = [deck_words for idiom, deck_words in IDIOMS if idiom.search(question)]
    return f"{question} ({'; '.join(words)})" if words else question


def idioms_in(question: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each idiom the question uses, as written, with the phrases decks write for it."""
    return [(found.group(), tuple(w.strip() for w in deck_words.split(",")))
            for idiom, deck_words in IDIOMS if (found := idiom.search(question))]
