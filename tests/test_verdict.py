"""The verdict as a table: what the reader is shown for given evidence and model text, no model loaded."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.rag.answer_type import (
    COUNT,
    DATE,
    DURATION,
    FEE,
    FREQUENCY,
    LENGTH,
    LICENCE,
    LINK,
    LONG,
    MONEY,
    PERCENT,
    PLACE,
    QUANTITY,
    SPEED,
    WEIGHT,
    expected_type,
)
from app.rag.prompting import REFUSAL_SENTENCE
from app.rag.someone import lowercase_words
from app.rag.verdict import NEAR_REFUSAL_P, Evidence, EvidenceLine, after_model, before_model

RAISE = EvidenceLine("We are raising $4.5 million on a SAFE to reach 40 customers.",
                     "The Ask\nWe are raising $4.5 million on a SAFE to reach 40 customers.\nUse of funds", 1, 1.4)
VESSELS = "TAM: $4.8 billion per year - 55,000 merchant vessels above 5,000 gross tons."
SHARED = "2M document links viewed / 350k documents shared"
USES = "Use: first commercial plant (70%), R&D (20%), team (10%)"
FEE_LINE = "We charge brands a tolling fee of 310 euros per tonne."
DYED = "Dyed fabrics need an extra decolourisation step, which adds about 40 euros per tonne."
MARKET = EvidenceLine("The market is worth $12 billion a year.", "Market\nThe market is worth $12 billion a year.", 0, 1.2)
TEAM = EvidenceLine("Ana Ruiz (CEO), Ben Okafor (CTO) and Chen Li (COO) founded the company in 2021.",
                    "Team\nAna Ruiz (CEO), Ben Okafor (CTO) and Chen Li (COO) founded the company in 2021.", 2, 1.3)
SHORT = EvidenceLine("$4B", "Serviceable market\n$4B\nEU producers", 3, 1.1)


def evidence(question: str, *lines: EvidenceLine, answerable: bool = True, p: float = 0.9,
             lowercase: frozenset[str] = frozenset()) -> Evidence:
    return Evidence(question, expected_type(question), lines, answerable, p, lowercase)


@pytest.mark.parametrize("question, lines, answer, source", [
    ("How much are they raising?", (RAISE, MARKET), "$4.5 million \u2014 \u201cWe are raising $4.5 million", 1),
    # The best line states no amount; the next one does and is nearly as relevant.
    ("How big is the market?", (TEAM, MARKET), "$12 billion \u2014 \u201cThe market is worth", 0),
    # A line this short is shown with the lines around it.
    ("What is the serviceable market size in dollars?", (SHORT,), "$4B \u2014 \u201cServiceable market / $4B / EU", 3),
    ("When was the company founded?", (TEAM,), "2021 \u2014 \u201cAna Ruiz", 2),
    ("How many customers do they want to reach?", (RAISE,), "40 \u2014 \u201cWe are raising", 1),
    # A count is of the word after it, though another figure stands nearer that word.
    ("How many vessels are in the market?", (EvidenceLine(VESSELS, VESSELS, 0, 1.0),), "55,000 \u2014", 0),
    ("How many documents have been shared?", (EvidenceLine(SHARED, SHARED, 0, 1.0),), "350k \u2014", 0),
    # Of several shares, the one nearest the word asked about, by the characters between them.
    ("How much goes to the team?", (EvidenceLine(USES, USES, 0, 1.0),), "10% \u2014", 0),
    ("How much goes to R&D?", (EvidenceLine(USES, USES, 0, 1.0),), "20% \u2014", 0),
    # The best line states an amount by the measure alone; the next says what it is the cost of.
    ("What does decolourisation cost?", (EvidenceLine(FEE_LINE, FEE_LINE, 0, 1.1), EvidenceLine(DYED, DYED, 1, 1.0)),
     "40 euros \u2014", 1),
])
def test_a_question_for_a_figure_gets_the_figure_its_line_and_citation(question, lines, answer, source):
    verdict = before_model(evidence(question, *lines))
    assert verdict is not None and not verdict.refused and verdict.why == "extracted"
    assert verdict.answer.startswith(answer) and verdict.answer.endswith(f"[{source + 1}]")
    assert verdict.quote.source == source and verdict.used == (source,)


@pytest.mark.parametrize("question, lines, answerable, why", [
    ("What is their valuation?", (MARKET,), False, "do not seem to answer"),
    ("Who are the founders?", (), True, "nothing relevant"),
])
def test_refusals_are_decided_before_the_model(question, lines, answerable, why):
    verdict = before_model(evidence(question, *lines, answerable=answerable, p=0.1 if not answerable else 0.9))
    assert verdict.refused and verdict.answer == REFUSAL_SENTENCE and why in verdict.why
    assert verdict.quote is None and verdict.used == ()


def test_a_near_refusal_shows_the_closest_passage_and_still_counts_as_refused():
    """Refused with p(answerable) just under the threshold: the reader is told the documents do not say
    it clearly and shown the best line with its citation; further below, the plain refusal."""
    near = before_model(evidence("How much are they raising?", RAISE, MARKET, answerable=False, p=NEAR_REFUSAL_P))
    assert near.refused and "do not seem to answer" in near.why
    assert near.answer.startswith("The documents do not say this clearly.")
    assert f"\u201c{RAISE.line}\u201d [2]" in near.answer and MARKET.line not in near.answer
    assert near.quote.text == RAISE.line and near.quote.source == 1 and near.used == (1,)
    far = before_model(evidence("How much are they raising?", RAISE, answerable=False, p=NEAR_REFUSAL_P - 0.01))
    assert far.answer == REFUSAL_SENTENCE and far.quote is None and far.used == ()


def test_a_line_labelled_with_what_the_question_names_states_it():
    """"What is the SAM?" was answered with the SOM line, which ends "of our SAM" and scored a little higher.
    A label counts only with its value right after it: "Skills: COBOL flow, Struts 1" labels no count."""
    som = EvidenceLine("SOM: $96 million by 2030 - 2,000 ships at 9% share of our SAM.", "Market Size", 0, 0.87)
    sam = EvidenceLine("SAM: $1.1 billion - container ships and bulk carriers.", "Market Size", 0, 0.84)
    assert before_model(evidence("What is the SAM?", som, sam)).answer.startswith("$1.1 billion \u2014")
    assert before_model(evidence("What is the SOM?", som, sam)).answer.startswith("$96 million \u2014")
    weak = EvidenceLine(sam.line, sam.window, 0, 0.3)  # under half as likely: the better line stands
    assert before_model(evidence("What is the SAM?", som, weak)).answer.startswith("$96 million \u2014")
    agents = EvidenceLine("How It Works: 3 Agents, 8 Skills, 1 Knowledge Base", "How It Works", 0, 0.9)
    skills = EvidenceLine("Skills: COBOL flow, Struts 1 lifecycle, batch job analysis", "Skills", 0, 0.85)
    assert before_model(evidence("How many agents and skills are there?", agents, skills)).answer.startswith("3 \u2014")


def test_a_question_about_now_is_answered_by_a_line_saying_it_is_now():
    """"What is the current revenue?" took the projection; a line stating the present answers it."""
    projection = EvidenceLine("Revenue 2027: $3.4 million", "Financial Projections\nRevenue 2027: $3.4 million", 0, 0.9)
    arr = EvidenceLine("ARR of $310,000 as of February 2026.", "Traction\nARR of $310,000 as of February 2026.", 1, 0.5)
    assert before_model(evidence("What is the current revenue?", projection, arr)).answer.startswith("$310,000 \u2014")
    assert before_model(evidence("What is the revenue in 2027?", projection, arr)).answer.startswith("$3.4 million \u2014")
    # A target is not now, nor a line saying "today" of another measure: with nothing else, it is refused.
    target = EvidenceLine("EBITDA break-even expected in Q3 2028, with 450 ships under contract by end of 2029.", "", 0, 0.9)
    staff = EvidenceLine("We have 17 full-time employees today: 11 in engineering, 4 in operations.", "", 1, 0.6)
    verdict = before_model(evidence("How many ships are under contract today?", target, staff))
    assert verdict.refused and "no line states the count" in verdict.why
    assert before_model(evidence("How many ships are under contract by 2029?", target, staff)).answer.startswith("450 \u2014")


def test_a_question_asking_what_the_company_does_is_answered_from_the_cover():
    """The cover's line first and the best line under it when that is a sentence, even where the refusal
    model doubts the best line: every deck says what the company does."""
    cover = EvidenceLine("Autonomous hull-cleaning robots for ocean cargo ships",
                         "Tidewater Robotics\nAutonomous hull-cleaning robots for ocean cargo ships", 3, 0.0)
    byline = EvidenceLine("Tidewater Robotics - Engineering Team - Version 1.3", "MantaBot M2: Technical Whitepaper", 0, 0.4)
    asked = replace(evidence("What do they do?", byline, MARKET, answerable=False, p=0.1), cover=cover)
    verdict = before_model(asked, write=False)
    assert not verdict.refused and verdict.why == "quoted" and verdict.used == (3,)
    assert verdict.answer.startswith("The documents say: \u201cTidewater Robotics / Autonomous hull-cleaning robots")
    assert "Engineering Team" not in verdict.answer  # a fragment found for the company's name
    verdict = before_model(replace(evidence("What do they do?", TEAM, answerable=False, p=0.1), cover=cover), write=False)
    assert verdict.used == (3, 2) and TEAM.line in verdict.answer
    # Without a cover (a deck of FAQ sections), the refusal model decides as for any question.
    assert before_model(evidence("What do they do?", byline, answerable=False, p=0.1), write=False).refused
    # A model writing answers that wrote nothing showable (or refused) gives way to the cover, as without it.
    assert before_model(asked) is None
    verdict = after_model(asked, "", "The documents do not say.")
    assert not verdict.refused and verdict.used == (3,) and verdict.model_text == "The documents do not say."
    # A written answer stating no fact rests on the cover's line.
    assert after_model(asked, "They build hull-cleaning robots.", "They build hull-cleaning robots.").used == (3,)


def test_a_question_naming_a_year_is_answered_by_a_line_of_that_year():
    """"What revenue does it project for 2027?" took "300k" from a use-of-funds chart beside the revenue
    disclaimer; a line naming the year (or beside one) answers it, and with none it is refused."""
    chart = EvidenceLine("Legal & Compliance / 300k / Disclaimer: These revenue projections are assumptions.",
                         "Use of funds\nLegal & Compliance / 300k", 0, 0.9)
    revenue = EvidenceLine("$3.4 million", "Revenue 2027\n$3.4 million\nRevenue 2028", 1, 0.6)
    assert before_model(evidence("What revenue does it project for 2027?", chart, revenue)).answer.startswith(
        "$3.4 million \u2014")
    verdict = before_model(evidence("What revenue does it project for 2031?", chart, revenue))
    assert verdict.refused and "no line states the amount of money" in verdict.why
    # Asked for no figure, a question naming a year is refused when no good line is of that year.
    founded = EvidenceLine("Tidewater Robotics was founded in 2023 by Maren Okafor.", "Team", 2, 0.8)
    assert not before_model(evidence("What happened in 2023?", founded), write=False).refused
    verdict = before_model(evidence("What happened in 2019?", founded), write=False)
    assert verdict.refused and "no good line is of 2019" in verdict.why
    # A line under a heading of that year is of that year, however far below it.
    plan = EvidenceLine("Series A fundraise ($20M @ $200M valuation)", "API for institutional clients\nSeries A "
                        "fundraise ($20M @ $200M valuation)\n10M users", 0, 0.9, heading="Q4 2025: Domination")
    assert before_model(evidence("How much is the Series A planned for 2025?", plan)).answer.startswith("$20M \u2014")
    assert before_model(evidence("How much is the Series A planned for 2026?", plan)).refused


def test_a_question_naming_no_year_over_yearly_figures_is_answered_with_the_years_together():
    """"What is the revenue?" had been answered with one projected year's figure, picked among three."""
    years = EvidenceLine("Revenue 2028: $9.8 million",
                         "Revenue 2027: $3.4 million\nRevenue 2028: $9.8 million\nRevenue 2029: $21.5 million", 0, 0.9)
    verdict = before_model(evidence("What is the revenue?", years))
    assert verdict.why == "quoted" and all(f"Revenue {y}" in verdict.answer for y in ("2027", "2028", "2029"))
    assert before_model(evidence("What is the revenue for 2028?", years)).answer.startswith("$9.8 million \u2014")
    # A line naming a year beside its neighbours' figures of other things is no table of years.
    once = EvidenceLine("ARR of $310,000 as of February 2026.", "Traction\nARR of $310,000 as of February 2026.\n"
                        "1,140 hours logged across 6 ships.", 0, 0.9)
    assert before_model(evidence("What is the revenue?", once)).answer.startswith("$310,000 \u2014")


def test_a_count_is_taken_where_the_question_counts_it():
    """"How many ships use it?" was answered "24" from "The round funds 24 months of runway"."""
    runway = EvidenceLine("The round funds 24 months of runway to Series A.", "The Ask", 0, 0.9)
    ships = EvidenceLine("1,140 hours of autonomous cleaning logged across 6 ships.", "Traction", 1, 0.5)
    assert before_model(evidence("How many ships use it?", runway, ships)).answer.startswith("6 \u2014")
    far = replace(ships, score=0.1)  # below the floor: no good line counts ships
    verdict = before_model(evidence("How many ships use it?", runway, far))
    assert verdict.refused and "no line states the count" in verdict.why


def test_a_fact_is_taken_from_a_line_saying_something_the_question_asks_about():
    """"When will they launch in Asia?" was answered "2030" from "SOM: $96 million by 2030", whose neighbour
    says "Asia": the line and its heading share no word with the question (line_share 0)."""
    som = EvidenceLine("SOM: $96 million by 2030 - 2,000 ships at 9% share of our SAM.",
                       "SAM: container ships trading Europe and Asia.", 0, 0.9, line_share=0.0)
    verdict = before_model(evidence("When will they launch in Asia?", som))
    assert verdict.refused and "no line states the date" in verdict.why
    launch = EvidenceLine("We launch in Singapore in 2027.", "Next steps", 1, 0.8, line_share=0.5)
    assert before_model(evidence("When will they launch in Asia?", som, launch)).answer.startswith("2027 \u2014")


def test_a_count_asked_about_now_is_taken_where_the_question_counts_it():
    """"How many robots have been sold so far?" passed over a plan ("60 robots in September 2026") to a line
    naming robots whose figure counts hours ("replace a failed robot within 72 hours")."""
    plan = EvidenceLine("We plan to build the first batch of 60 robots in September 2026.", "Milestones", 0, 0.7)
    warranty = EvidenceLine("We replace a failed robot within 72 hours.", "FAQ", 1, 0.4)
    verdict = before_model(evidence("How many robots have been sold so far?", plan, warranty))
    assert verdict.refused and "72" not in verdict.answer.split("\u201c")[0]
    sold = EvidenceLine("12 robots sold to date across 6 ships.", "Traction", 2, 0.5)
    assert before_model(evidence("How many robots have been sold so far?", plan, warranty, sold)).answer.startswith(
        "12 \u2014")


def test_a_readers_idiom_is_answered_by_a_line_saying_it_in_a_decks_words():
    """"How will the product make money?" quoted a judging rubric's "Business impact — ₹1,776 cr", found by
    "business" (of "business model") alone."""
    rubric = EvidenceLine("Innovation / 25% / Business impact — \u20b91,776 cr / 20%", "Judging", 0, 0.6)
    verdict = before_model(evidence("How will the product make money?", rubric), write=False)
    assert verdict.refused and verdict.answer.startswith("The documents do not say this clearly.")
    fees = EvidenceLine("Scalable sales model with 10-30% trading fees from GO sales.", "Business", 1, 0.5)
    verdict = before_model(evidence("How will the product make money?", rubric, fees), write=False)
    assert not verdict.refused and "trading fees" in verdict.answer
    # the reader's own word, written another way, says it too
    regulated = EvidenceLine("Guarantees of Origin are well regulated; carbon credits are not.", "Why GOs", 0, 0.6)
    assert not before_model(evidence("Why are GOs better in terms of regulation?", regulated), write=False).refused


def test_a_physical_measure_is_taken_beside_the_thing_asked_about():
    """The ranker put the safety line first for "How long is the tether?"; its figure is a time, not the tether's."""
    stops = EvidenceLine("If tether tension rises above a set limit, the crawler stops within 0.5 seconds.", "Safety", 0, 0.9)
    tether = EvidenceLine("The crawler is connected to the deck unit by a 60 m tether.", "Safety", 0, 0.6)
    assert before_model(evidence("How long is the tether?", stops, tether)).answer.startswith("60 m \u2014")
    assert before_model(evidence("How long does the crawler take to stop?", stops, tether)).answer.startswith(
        "within 0.5 seconds \u2014")


@pytest.mark.parametrize("line, shown", [
    ("The crawler draws about 650 W on average while cleaning.", "650 W"),
    ("The deck unit carries a 7.2 kWh battery pack.", "7.2 kWh"),
    ("The crawler draws about 650 Watts of power.", "650"),  # no unit it knows: the figure alone
    ("It draws 4.5 million units of power.", "4.5 million"),
])
def test_a_figure_is_shown_with_its_unit_of_measure(line, shown):
    verdict = before_model(evidence("How much power does it draw?", EvidenceLine(line, line, 0, 1.0)))
    assert verdict.answer.startswith(f"{shown} \u2014"), verdict.answer


def test_a_bare_value_beside_the_matching_line_is_its_answer():
    """A slide's label and its value on lines of their own: the date above the title line answers; a
    date inside a longer neighbouring sentence is another fact, not this line's value (so no line states
    the date asked for)."""
    title = EvidenceLine("Investment Presentation \u2013 Confidential soldera.org",
                         "September 2024\nInvestment Presentation \u2013 Confidential soldera.org\nApplied AI", 0, 1.0)
    verdict = before_model(evidence("When was this presentation put together?", title))
    assert verdict.why == "extracted" and verdict.answer.startswith(
        "September 2024 \u2014 \u201cSeptember 2024 / Investment Presentation")
    prose = EvidenceLine(title.line, f"The company was founded in 2021 by two engineers\n{title.line}", 0, 1.0)
    other_fact = before_model(evidence("When was this presentation put together?", prose))
    assert other_fact.refused and other_fact.why == "refused: no line states the date asked for"


def test_a_fact_on_the_line_beside_the_matching_one_is_taken_with_both_quoted():
    """The line that matches names the thing, the next one states the fact: the fact is taken and
    the window quoted, so the reader sees both."""
    robot = EvidenceLine("MantaBot M2 is a magnetic crawler robot that cleans the hull at berth.",
                         "Our Solution\nMantaBot M2 is a magnetic crawler robot that cleans the hull at berth.\n"
                         "It cleans 1,500 square meters of hull per hour with no divers in the water.", 2, 1.0)
    verdict = before_model(evidence("How fast is the robot?", robot))
    assert verdict.why == "extracted" and verdict.answer.startswith("1,500 square meters of hull per hour \u2014")
    assert "MantaBot M2 is a magnetic crawler" in verdict.quote.text and "1,500 square meters" in verdict.quote.text


def test_a_figure_no_good_line_states_is_refused_with_the_closest_passage():
    """A weak typed line ("Revenue grew 20%" for a question on Europe) is not taken for the answer: the
    question is refused, with the best line shown as the closest passage."""
    weak = EvidenceLine("Revenue grew 20% in 2024.", "Revenue grew 20% in 2024.", 4, 0.3)
    question = "What share of revenue comes from Europe?"
    verdict = before_model(evidence(question, TEAM, weak))
    assert verdict.refused and verdict.why == "refused: no line states the percentage asked for"
    assert verdict.answer.startswith("The documents do not say this clearly.") and verdict.quote.text == TEAM.line
    assert "20%" not in verdict.answer


def test_an_amount_of_money_no_line_states_as_an_amount_is_quoted_when_a_share_may_state_it():
    """"How much revenue do they lose?" is answered by "losing up to 60% revenue": a question for money
    that no line states as an amount gets the best line (or the model), not a refusal."""
    share = EvidenceLine("Producers are losing up to 60% revenue on certificate sales",
                         "Problem\nProducers are losing up to 60% revenue on certificate sales", 0, 1.0)
    question = "How much revenue do producers lose on certificate sales?"
    assert before_model(evidence(question, share)) is None
    verdict = before_model(evidence(question, share), write=False)
    assert not verdict.refused and verdict.why == "quoted" and "60%" in verdict.answer


def test_an_amount_of_money_no_line_states_as_an_amount_or_a_share_is_refused_with_the_passage():
    """"How large is the market for 2027?" against a chart's labels ("Market Size / 2017 2027 2050"):
    no amount and no share, only years, so the labels are not quoted as the answer."""
    labels = EvidenceLine("Market Size", "Market Size\n2017 2027 2050\nCurrent Total AV", 0, 1.0)
    verdict = before_model(evidence("How large is the forecast autonomous-vehicle market for 2027?", labels))
    assert verdict.refused and verdict.why == "refused: no line states the amount of money asked for"
    assert verdict.answer.startswith("The documents do not say this clearly.")


def test_a_question_for_a_name_is_answered_with_the_name_written_beside_the_thing():
    plain = EvidenceLine("Native Token live, MiCA license pending",
                         "Q2 2026\nNative Token live, MiCA license pending", 0, 2.0)
    named = EvidenceLine("Retail investors join through SKYT Native Tokens", "Access\nRetail investors join through "
                         "SKYT Native Tokens\nGlobal", 1, 1.0)
    for question in ("What is the name of Skyocean's native token?", "What is the native token called?"):
        verdict = before_model(evidence(question, plain, named), write=False)
        assert verdict.why == "extracted" and verdict.answer.startswith("SKYT \u2014 \u201cRetail investors")
        assert verdict.used == (1,)
    # After the thing when none is before it; words apart by more than a space are not beside it.
    team = EvidenceLine("ET AI Hackathon 2026 \u00b7 PS6 \u00b7 Team Arya + 3", "ET AI Hackathon 2026", 0, 1.0)
    assert before_model(evidence("What is the team called?", team), write=False).answer.startswith("Arya \u2014")
    # A name of several words; a word of the same stem is not the thing ("Robotics" is no robot).
    care = EvidenceLine("All robots are covered by our Full Care warranty for the contract term.", "x", 0, 1.0)
    assert before_model(evidence("What is the warranty called?", care), write=False).answer.startswith(
        "Full Care \u2014")
    # A sentence saying its subject is the thing names it.
    defined = EvidenceLine("MantaBot M2 is a magnetic crawler robot that cleans the hull at berth.", "x", 0, 1.0)
    for question in ("What is the robot called?", "What is the name of the robot?"):
        assert before_model(evidence(question, defined), write=False).answer.startswith("MantaBot M2 \u2014")
    pronoun = EvidenceLine("It is a magnetic crawler robot. The Robot is a crawler robot.", "x", 0, 1.0)
    assert before_model(evidence("What is the robot called?", pronoun), write=False).why == "quoted"
    byline = EvidenceLine("Tidewater Robotics - Engineering Team - Version 1.3", "x", 0, 1.0)
    assert before_model(evidence("What is the robot called?", byline), write=False).why == "quoted"
    # No line writes a name beside the thing: the best line is quoted as for any question.
    verdict = before_model(evidence("What is the native token called?", plain), write=False)
    assert verdict.why == "quoted" and plain.line in verdict.quote.text and verdict.answer.startswith("The documents")


def test_a_question_for_a_command_flag_or_setting_is_answered_with_the_code_a_good_line_writes():
    intro = EvidenceLine("The next thing to verify is what byte sequences are produced when you press keys.", "x", 0, 1.2)
    xxd = EvidenceLine("I generally suggest running `xxd`, pressing the key, then CTRL-D.", "x", 1, 1.0)
    verdict = before_model(evidence("Which utility shows the raw bytes a key press produces?", intro, xxd), write=False)
    assert verdict.why == "extracted" and verdict.answer.startswith("xxd \u2014 \u201cI generally suggest running `xxd`")
    assert verdict.used == (1,)
    # Code the question writes itself is no answer, nor a mark without a letter; a flag starts with a dash.
    inputrc = EvidenceLine("Settings in your `~/.inputrc` change how `£` is sent, and `set convert-meta on` breaks it.",
                           "x", 0, 1.0)
    verdict = before_model(evidence("Which option in ~/.inputrc breaks latin characters?", inputrc), write=False)
    assert verdict.answer.startswith("set convert-meta on \u2014")
    files = EvidenceLine("Configuration lives in `ruff.toml`, or pass `--config` on the command line.", "x", 0, 1.0)
    assert before_model(evidence("Which command-line flag sets the configuration file?", files),
                        write=False).answer.startswith("--config \u2014")
    assert before_model(evidence("Which file holds the configuration?", files), write=False).answer.startswith(
        "ruff.toml \u2014")
    # No code of the form asked for on a good line, or a question for no such thing: quoted as any other.
    weak = replace(xxd, score=0.1)
    assert before_model(evidence("Which utility shows the raw bytes?", intro, weak), write=False).why == "quoted"
    assert before_model(evidence("Which flag shows the settings?", xxd), write=False).why == "quoted"
    assert before_model(evidence("What does the FAQ suggest for key presses?", xxd), write=False).why == "quoted"


def test_a_number_that_is_an_amount_of_money_keeps_its_currency():
    line = EvidenceLine("First major trade corridor contract signed worth", "Highlights\nFirst major trade corridor "
                        "contract signed worth\n~$20M\nSkyocean USPs", 0, 1.0)
    verdict = before_model(evidence("How big is the first trade corridor contract they have signed?", line))
    assert verdict.answer.startswith("$20M \u2014")


@pytest.mark.parametrize("text, amount", [
    ("We are raising 1,5 M\u20ac in seed funding.", "1,5 M\u20ac"),
    ("The plan costs 15 \u20ac a month per seat.", "15 \u20ac"),
    ("Hypnosis | +100'000 | ~0.0015$ | Instant", "0.0015$"),
])
def test_an_amount_with_its_currency_sign_after_the_figure_is_money(text, amount):
    line = EvidenceLine(text, text, 0, 1.0)
    verdict = before_model(evidence("How much does it cost?", line))
    assert verdict.why == "extracted" and verdict.answer.startswith(f"{amount} \u2014")
    # Not a sign opening the next figure, nor a figure without a sign.
    assert MONEY.spans("15 $20 a month") == ["$20"] and not MONEY.spans("15 customers in 3 countries")
    # A currency's code before or after the figure, a range of them; not a code that is a word too.
    assert MONEY.spans("Pro | 4,500\u20138,000 DZD | analytics") == ["4,500\u20138,000 DZD"]
    assert MONEY.spans("SGD 2M seed") == ["SGD 2M"] and not MONEY.spans("PHP 8 or 5 try")


@pytest.mark.parametrize("question, text, span", [
    ("How much does a trader pay to mint the NFT?", "Step 4: User pays 1 SOL and the NFT is minted.", "1 SOL"),
    ("How much time is lost on each dispatch?", "Average 45+ min wasted per dispatch", "45+ min"),
])
def test_a_crypto_currency_amount_and_a_duration_bounded_below_are_facts_of_their_kind(question, text, span):
    verdict = before_model(evidence(question, EvidenceLine(text, text, 0, 1.0)))
    assert verdict.why == "extracted" and verdict.answer.startswith(f"{span} \u2014")


def test_a_licence_is_answered_by_its_name_and_refused_where_no_good_line_names_one():
    table = EvidenceLine("Licence | Code AGPL-3.0 \u00b7 Mark CC BY 4.0", "x", 0, 1.0)
    verdict = before_model(evidence("Under which licence is the source code released?", table))
    assert verdict.why == "extracted" and verdict.answer.startswith("AGPL-3.0 \u2014")
    gnu = EvidenceLine("It is released under the terms of the GNU General Public License v3.0.", "x", 0, 1.0)
    assert before_model(evidence("What license is it under?", gnu)).answer.startswith(
        "GNU General Public License v3.0 \u2014")
    # A page about the code that names no licence does not say ("MIT" only in capitals: "mit" is a word).
    docs = EvidenceLine("The source code is on GitHub; mit Liebe gebaut, contributions welcome.", "x", 0, 1.0)
    verdict = before_model(evidence("What software license is the code released under?", docs))
    assert verdict.refused and "no line states the licence" in verdict.why


def test_the_span_nearest_the_asked_words_is_chosen():
    line = EvidenceLine("Seed: $500K in 2022; Series A target: $4M in 2025.", "x", 0, 1.0)
    verdict = before_model(evidence("How much is the Series A target?", line))
    assert verdict.answer.startswith("$4M")


def test_a_short_line_among_figures_of_its_kind_is_quoted_alone_when_it_names_what_it_states():
    """Its neighbours would put two more revenues under the answer; "$4B" alone still takes its window."""
    table = "Financial projections\nRevenue 2028: $9.8 million\nRevenue 2029: $21.5 million\nBreak-even in 2029"
    line = EvidenceLine("Revenue 2028: $9.8 million", table, 0, 1.0)
    verdict = before_model(evidence("What revenue is projected for 2029?", line))
    assert verdict.answer == "$21.5 million \u2014 \u201cRevenue 2029: $21.5 million\u201d [1]"
    assert verdict.quote.text == "Revenue 2029: $21.5 million"
    assert before_model(evidence("What is the serviceable market size in dollars?", SHORT)).quote.text == SHORT.shown


def test_how_much_takes_an_amount_of_money_only_for_a_question_typed_as_any_number():
    line = EvidenceLine("A $5M pilot, delivered in 3 weeks for a 10% commission.", "x", 0, 1.0)
    assert before_model(evidence("How much is the Series A target?", line)).answer.startswith("$5M")
    assert before_model(evidence("How much time did the pilot take?", line)).answer.startswith("3 weeks")
    assert before_model(evidence("How much is the commission?", line)).answer.startswith("10%")


def test_a_figure_the_question_states_itself_is_not_its_answer():
    line = EvidenceLine("Playbook to enter 10-20", "Playbook to enter 10-20\nEuropean countries in Two Years", 0, 1.0)
    verdict = before_model(evidence("How many countries do they plan to enter within two years?", line))
    assert verdict.answer.startswith("10-20 \u2014 \u201cPlaybook to enter 10-20 / European countries in Two Years")


def test_other_questions_are_left_to_the_model_or_quoted():
    assert before_model(evidence("Who are the founders?", TEAM, RAISE)) is None
    weak = EvidenceLine("Contact us at hello@acme.test for the data room.", "x", 4, 0.5)
    quoted = before_model(evidence("Who are the founders?", TEAM, weak), write=False)
    assert quoted.answer == f"The documents say: \u201c{TEAM.line}\u201d [3]" and quoted.used == (2,)
    # A second line about as relevant as the best is quoted with it, each with its source.
    both = before_model(evidence("Who are the founders?", TEAM, RAISE), write=False)
    assert both.answer == f"The documents say: \u201c{TEAM.line}\u201d [3] \u201c{RAISE.line}\u201d [2]"
    assert both.used == (2, 1) and both.quote.text == TEAM.line


def test_a_quote_holding_the_other_is_shown_alone():
    # A neighbour's window holds the best line: the line is shown once, with its own neighbours.
    role = EvidenceLine("Head of B2B at Elektrum", "Arturas Zatulinas\nHead of B2B at Elektrum\nAdvisor", 0, 1.0)
    window = EvidenceLine("Team", "Team\nArturas Zatulinas\nHead of B2B at Elektrum", 0, 0.9)
    shown = before_model(evidence("Who ran B2B at Elektrum?", role, window), write=False)
    assert shown.answer == "The documents say: \u201cArturas Zatulinas / Head of B2B at Elektrum / Advisor\u201d [1]"
    assert shown.quote.text == role.in_context
    held = EvidenceLine(TEAM.line.split(" and ")[0], "x", 2, 1.2)
    assert before_model(evidence("Who are the founders?", TEAM, held), write=False).answer.count("Ana Ruiz") == 1


def test_a_short_quoted_line_is_shown_with_the_lines_around_it():
    # On a slide the name sits above the role: the role alone answers "Who is the CEO?" with nobody.
    role = EvidenceLine("Founder & CEO of Solid World", "Stenver Jerkku\nFounder & CEO of Solid World\nAdvisors", 0, 1.0)
    shown = before_model(evidence("Who is the CEO?", role), write=False)
    assert shown.answer == "The documents say: \u201cStenver Jerkku / Founder & CEO of Solid World / Advisors\u201d [1]"
    # Its neighbour, runner-up or not, is not quoted a second time; a full sentence stands alone.
    neighbour = EvidenceLine("Stenver Jerkku", "Team\nStenver Jerkku\nFounder & CEO of Solid World", 0, 0.9)
    assert before_model(evidence("Who is the CEO?", role, neighbour), write=False).answer == shown.answer
    assert before_model(evidence("Who founded it?", TEAM), write=False).quote.text == TEAM.line
    # A line under five words was already shown with its neighbours: the neighbour below is not quoted after it.
    cto = EvidenceLine("CTO", "Gaurav Yadav\nCTO\nAndrius Petkevicius", 0, 1.0)
    below = EvidenceLine("Andrius Petkevicius", "CTO\nAndrius Petkevicius\nLegal Advisory", 0, 0.9)
    assert before_model(evidence("Who is the CTO?", cto, below), write=False).answer == (
        "The documents say: \u201cGaurav Yadav / CTO / Andrius Petkevicius\u201d [1]")


def test_a_short_line_is_quoted_with_its_context_when_it_has_one():
    window = "Jerome Ferguson\nAutonomy Advisor\nDirector of Autonomous"
    role = EvidenceLine("Autonomy Advisor", window, 0, 1.0, context=window + "\nSystems at UPS")
    assert before_model(evidence("Where does the autonomy advisor work?", role), write=False).answer == (
        "The documents say: \u201cJerome Ferguson / Autonomy Advisor / Director of Autonomous / Systems at UPS\u201d [1]")


def test_a_line_introducing_what_follows_is_quoted_with_it():
    line = "To disable these automatic updates of the package definitions and Homebrew itself:"
    context = f"Homebrew updates itself before installs.\n{line}\nexport HOMEBREW_NO_AUTO_UPDATE=1"
    intro = EvidenceLine(line, context, 0, 1.0, context=context)
    answer = before_model(evidence("How do I stop Homebrew updating itself before an install?", intro),
                          write=False).answer
    assert "HOMEBREW_NO_AUTO_UPDATE=1" in answer


def test_a_fact_about_someone_in_another_role_is_refused():
    # The deck names the CTO beside the role; the date found is when the COO joined.
    roles = EvidenceLine("CTO Tomas Lindqvist: built drones.", "Team\nCTO Tomas Lindqvist: built drones.", 0, 1.1)
    joined = EvidenceLine("Priya Raman joined as the third co-founder in early 2024.",
                          "Priya Raman joined as the third co-founder in early 2024.", 1, 1.2)
    assert before_model(evidence("When did the CTO join?", joined, roles), write=False).refused
    coo = EvidenceLine("COO Priya Raman: ran port operations.", "Team\nCOO Priya Raman: ran port operations.", 0, 1.1)
    assert before_model(evidence("When did the COO join?", joined, coo), write=False).answer.startswith("2024")


def test_the_written_answer_is_kept_and_quoted_with_the_line_holding_its_facts():
    verdict = after_model(evidence("Who founded the company?", RAISE, TEAM),
                          "Ana Ruiz and Ben Okafor founded it.", "Ana Ruiz and Ben Okafor founded it.")
    assert verdict.why == "written" and verdict.answer == "Ana Ruiz and Ben Okafor founded it. [3]"
    # The quote is the line naming them, never one that contradicts the answer.
    assert verdict.quote.text == TEAM.line and verdict.used == (2,) and verdict.model_text is None


def test_a_model_that_wrote_nothing_showable_gives_way_to_the_best_line():
    verdict = after_model(evidence("What problem do they solve?", TEAM, RAISE), "", "HACKED HACKED")
    assert verdict.why == "quoted" and not verdict.refused
    assert verdict.answer.startswith("The documents say: \u201cAna Ruiz") and verdict.model_text == "HACKED HACKED"


def test_a_model_refusal_stands_only_when_the_documents_seem_not_to_answer():
    weak = evidence("What do they think of AI?", TEAM, p=0.4)
    strong = evidence("What do they think of AI?", TEAM, p=0.8)
    assert after_model(weak, "", "The documents do not say.").refused
    assert after_model(strong, "", "The documents do not say.").why == "quoted"


@pytest.mark.parametrize("question, wanted", [
    ("How much money is Tidewater Robotics raising?", MONEY),
    ("What percentage fee does Unstuck take from each completed task?", PERCENT),
    ("What fee does Soldera take on the certificates it sells?", FEE),  # a share or an amount
    ("How much is the commission per booking?", FEE),
    ("How much do they charge per robot?", MONEY),
    ("How many FTE staff is OSHA funding?", COUNT),  # counts people, not dollars
    ("When does the seed round close?", DATE),
    ("In what year was it founded?", DATE),
    ("What year-over-year growth do they report?", None),  # a growth, not a year
    ("On what calendar date does the crowdloan open?", DATE),  # a word between "what" and "date"
    ("What is the start date of the pilot?", DATE),
    ("Where does Homebrew live by default on an Intel-based Mac?", None),  # "Intel-based" asks for no seat
    ("What is the monthly burn rate?", MONEY),
    ("What's the burn rate?", MONEY),  # as "what is": untyped, it quoted "18% to a ship's fuel burn"
    ("What is the company's current monthly cash burn?", MONEY),
    ("What is the net burn?", MONEY),
    ("What is the fuel burn?", None),  # a burn of fuel is no money
    ("What version-numbering scheme does it follow?", None),  # a scheme, not a version
    ("Under which open-source license is the archiver distributed?", LICENCE),
    ("Which banking licence do they hold?", None),  # a licence to operate names no software licence
    ("What license fee do they charge?", FEE),
    ("What\u2019s the minimum ticket?", MONEY),
    ("Where does Unstuck route users when a task needs a human?", None),  # "when" mid-question
    ("Who leads the round?", None),
    ("What does the fund invest in?", None),
    ("What is the rate limiting policy?", None),
    ("What gross margin do they make on fees?", PERCENT),  # a margin or an accuracy is a share
    ("How are profits split with token holders, in percent?", PERCENT),
    ("What is the total supply of the token?", QUANTITY),
    ("What is the maximum number of runs the solver performs?", QUANTITY),
    ("What is the minimum amount an investor can put in?", MONEY),
    ("How long does it take to close a deal?", DURATION),
    ("How fast is the robot?", SPEED),
    ("How fast is the user base growing year over year?", SPEED),
    ("What is the speed of the robot?", SPEED),
    ("How often is the hull cleaned?", FREQUENCY),
    ("At what interval are reports sent?", FREQUENCY),
    ("How heavy is the robot?", WEIGHT),
    ("How much does the crawler weigh?", WEIGHT),
    ("What is the weight of the deck unit?", WEIGHT),
    ("What is the weight of evidence for it?", None),
    ("How deep can the robot work?", LENGTH),
    ("How long is the tether?", LONG),  # a length or a span of time
    ("How long is the runway?", LONG),
    ("What is the maximum depth?", LENGTH),
    # a rate named after a long possessive is still a rate (up to seven words after "what")
    ("What is the city's actual historical graduation rate for CS students?", PERCENT),
    ("How high is the churn?", None),  # a share, most likely: not typed
    ("How quickly does a citizen get a verdict?", None),  # typed, it refused answerable questions
    ("How big is the European GO market they are starting with?", MONEY),
    ("How large is the obtainable market relative to the serviceable market?", QUANTITY),
    ("Where is the Unstuck code hosted?", LINK),
    ("Where is the code?", LINK),
    ("Where does the code run?", None),
    ("What email address should interested people write to?", LINK),
    ("How can investors contact them?", LINK),
    ("What is the company's email?", LINK),  # a possessive before the address's word
    ("Where does Docling get the model weights it needs?", None),  # a source, said in words or a link
    ("Where are they based?", PLACE),
    ("Where is the company located?", PLACE),
    ("In which city is GILO headquartered?", PLACE),
    ("Where will NARA publish its customer experience metrics?", None),  # a place of another kind
    ("Which country's ministry is a partner?", None),
    ("Which PostgreSQL versions does Gitea officially support?", QUANTITY),  # version numbers
    ("What annual percentage yield does the staking app pay?", PERCENT),
    ("What percentage rate do they charge?", PERCENT),
])
def test_the_type_of_fact_a_question_asks_for(question, wanted):
    assert expected_type(question) is wanted


@pytest.mark.parametrize("kind, line, spans", [
    (MONEY, "Raising $4.5 million seed, after \u20ac650K committed", ["$4.5 million", "\u20ac650K"]),
    (MONEY, "TAM $2.6T, SOM $52-65B", ["$2.6T", "$52-65B"]),
    (MONEY, "Business impact \u2014 \u20b91,776 cr", ["\u20b91,776 cr"]),
    (PERCENT, "66.1% graduate, about half on time", ["66.1%", "about half"]),
    (PERCENT, "10-30% trading fees", ["10-30%"]),  # a range whole, not its upper end
    (FEE, "10-30% trading fees, or $5 per listing", ["10-30%", "$5"]),
    (DATE, "Pilot in Q4 2023, launch March 2025, roadmap 2025-2027", ["Q4 2023", "March 2025", "2025-2027"]),
    (QUANTITY, "178 customers and 372 GWh traded", ["178", "372"]),
    (DURATION, "the window of 1500ms expires, or 2 seconds at most", ["1500ms", "2 seconds"]),
    # The number of a phase, a figure or a reference mark counts nothing.
    (QUANTITY, "Phase 4: Mainnet with 10 billion tokens (see Figure 3) [6]", ["10 billion"]),
    # A heading's or list item's own number is no figure; one after it is.
    (QUANTITY, "Office of Human Capital\n4.2. Diversity", []),
    (QUANTITY, "Use of funds / 2. Hire 12 engineers", ["12"]),
    (QUANTITY, "3.5 million users", ["3.5 million"]),
    (QUANTITY, "Speed-power measurements showed a 7.4% fuel saving", ["7.4%"]),  # a share keeps its sign
    # A count is no share and no amount of money, nor a number inside a link.
    (COUNT, "95% of overhead, 10-30% fees, a \u00a33000 investment, 14 employees", ["14"]),
    (COUNT, "References https://example.com/smes-2538135/ and 5-10 engineers", ["5-10"]),
    # "one" standing for a thing counts nothing; one thing does.
    (COUNT, "A single number cannot tell a department which one it is; no one knows", []),
    # A number word after a figure is its scale; one alone counts.
    (COUNT, "Raising $4.5 million seed; 2 million records", ["2 million"]),
    (COUNT, "millions of records", ["millions"]),
    (COUNT, "one robot per ship, two crews", ["one", "two"]),
    # A figure that could be a year is a count where "more than" bounds it, and the bound is part of it.
    (COUNT, "There are currently more than 2000, although the quality varies; founded in 2003", ["more than 2000"]),
    # A span of time is a figure with its unit: not the "10-30" of "10-30% fees" beside "in weeks".
    (DURATION, "10-30% fees / From first contact to deals in weeks", ["in weeks"]),
    (DURATION, "Requests can take as long as eight years; 8.8 semesters; (95% CI)", ["eight years", "8.8 semesters"]),
    (SPEED, "It cleans 1,500 square meters of hull per hour with no divers in the water.",
     ["1,500 square meters of hull per hour"]),
    (SPEED, "One robot per ship, launched in 15 minutes; 5 times as many ships; $48,000 per ship per year", []),
    (SPEED, "60 robots in September 2026 and to open a second service base", []),
    (SPEED, "Top speed 40 km/h, 3x faster, 150% user growth, 20 users a month",
     ["40 km/h", "3x", "150%", "20 users a month"]),
    (SPEED, "Four brushes turn at 180 rpm", ["180 rpm"]),
    # A frequency is a period's recurrence, not a rate per hour or a figure beside it.
    (FREQUENCY, "Diver cleaning happens only every 12 to 24 months; weekly grooming; billed quarterly",
     ["every 12 to 24 months", "weekly", "quarterly"]),
    (FREQUENCY, "twice a year, three times per week, once every port call",
     ["twice a year", "three times per week", "once every port call"]),
    (FREQUENCY, "6 blocks per hour, two sessions a week", ["6 blocks per hour", "two sessions a week"]),
    (FREQUENCY, "It cleans 1,500 square meters of hull per hour; often and gently; $48,000 per ship per year", []),
    # A weight or a length is a figure with its unit; an amount of money is neither ("$4.5m", "4.5 M").
    (WEIGHT, "The crawler weighs 68 kg in air; a 3 tonne deck unit; $4.5 m raised; 2,200 N", ["68 kg", "3 tonne"]),
    (LENGTH, "A working depth of 25 m, a 60 m tether, lanes 0.9 m wide, within 4 cm, 10 microns",
     ["25 m", "60 m", "0.9 m", "4 cm", "10 microns"]),
    (LENGTH, "Raising $4.5m, 4.5m raised, 4.5 M users, 1,500 m\u00b2 per hour", []),
    (LONG, "a 60 m tether; it stops within 0.5 seconds; 24 months of runway; Three-year contracts",
     ["60 m", "within 0.5 seconds", "24 months", "Three-year"]),
    # A place counts only in a line that says it is the company's seat.
    (PLACE, "Our headquarters and workshop are in Gothenburg, Sweden, next to the port.", ["Gothenburg, Sweden"]),
    (PLACE, "Headquartered in San Francisco, CA; offices in London", ["San Francisco, CA", "London"]),
    (PLACE, "Headquartered in Tallinn", ["Tallinn"]),
    (PLACE, "We keep a small field service base in Singapore", []),
    # An address is read with its link: not a version ("Node.js") or a figure ("2.5M").
    (LINK, "Code: github.com/dtdannen/unstuck-ai, weights at https://huggingface.co/ds4sd/docling-models.",
     ["github.com/dtdannen/unstuck-ai", "https://huggingface.co/ds4sd/docling-models"]),
    (LINK, "Write to Relations@DAV.Network or visit www.example.com/about", ["Relations@DAV.Network", "www.example.com/about"]),
    (LINK, "Built on Node.js and Next.js, 2.5M users", []),
    (PLACE, "A cloud-based tool sold in Europe", []),
])
def test_spans_of_each_kind(kind, line, spans):
    assert kind.spans(line) == spans


def test_a_question_asking_who_is_refused_with_the_passage_when_no_line_shown_names_anyone():
    """The refusal model found it answerable, but the lines that would be quoted name no one: a near
    refusal (the passage is shown, the turn counts as unanswered). A line naming someone is quoted."""
    common = lowercase_words(f"{RAISE.window}\n{MARKET.window}\nwe are raising money from the market")
    verdict = before_model(evidence("Who is leading the round?", RAISE, MARKET, lowercase=common), write=False)
    assert verdict.refused and verdict.why == "refused: no line shown names anyone"
    assert verdict.answer.startswith("The documents do not say this clearly.") and RAISE.line in verdict.answer
    named = before_model(evidence("Who is leading the round?", TEAM, MARKET, lowercase=common), write=False)
    assert not named.refused and named.why == "quoted" and TEAM.line in named.answer


def test_a_question_asking_who_is_answered_by_a_line_of_the_same_page_that_names_someone():
    """The best line names no one; a line of the same page does and is quoted. One from another page is not."""
    diver = EvidenceLine("Diver teams: cheap per job, but reactive and banned in many ports.",
                         "Competition\nDiver teams: cheap per job, but reactive and banned in many ports.", 0, 1.5)
    rov = EvidenceLine("ROV service firms such as SeaScrub Services: need a crew on the quay.",
                       "Competition\nROV service firms such as SeaScrub Services: need a crew on the quay.", 0, 1.0)
    common = lowercase_words(f"{diver.window}\n{rov.window}\n{MARKET.window}\nour competition and services")
    same_page = before_model(evidence("Who are their competitors?", diver, MARKET, rov, lowercase=common), write=False)
    assert not same_page.refused and same_page.quote.text == rov.line and diver.line not in same_page.answer
    elsewhere = replace(rov, source=5)
    other_page = before_model(evidence("Who are their competitors?", diver, MARKET, elsewhere, lowercase=common),
                              write=False)
    assert other_page.refused and other_page.quote.text == diver.line
