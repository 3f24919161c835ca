"""Evidence lines, the supporting quote, and refusing a question whose type of fact is nowhere stated."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.rag.answer import QUOTED_ANSWER, AnswerPipeline, AnswerSettings
from app.rag.answer_type import MONEY, PERCENT, QUANTITY, expected_type
from app.rag.evidence import LineSelector, terms, unwrap
from app.rag.retrieval import FaissRetriever
from tests.fakes import ScriptedGenerator, scripted_pipeline


@pytest.mark.parametrize("question, wanted", [
    ("How much money is Tidewater Robotics raising?", MONEY),
    ("What percentage fee does Unstuck take from each completed task?", PERCENT),
    ("What share of recent mining deaths involved powered haulage?", PERCENT),
    ("How many FTE staff is OSHA funding?", QUANTITY),  # counts people, not dollars
    ("When does the seed round close?", QUANTITY),
    ("What is the monthly burn rate?", MONEY),
    ("What hourly federal minimum wage does the plan cite?", MONEY),
    ("What is NARA's annual budget for this plan?", MONEY),
    ("What are the estimated total assets of the plans?", MONEY),
    ("Where does Unstuck route users when a task needs a human?", None),  # "when" mid-question
    ("Who leads the round?", None),
    # Money, share, rate and size words that do not ask for a figure: typed, these would be refused.
    ("What does the fund invest in?", None),
    ("What is the pricing model and price tiers?", None),
    ("What data do they share with partners?", None),
    ("What is the rate limiting policy?", None),
    ("When should I use OCR?", None),
    ("What size of companies do they target?", None),
])
def test_the_type_of_fact_a_question_asks_for(question, wanted):
    assert expected_type(question) is wanted


def test_lines_state_a_type_by_their_form():
    assert MONEY.stated_in("Raising $4.5 million seed") and MONEY.stated_in("costs 300 EUR a year")
    for amount in ("4.5 million dollars", "USD 2 million", "an EUR 3m round", "2 million euros", "CHF 300,000"):
        assert MONEY.stated_in(amount), amount
    assert not MONEY.stated_in("500 million pages by 2024")
    assert PERCENT.stated_in("about 20 percent of the workforce") and PERCENT.stated_in("About half of all")
    assert QUANTITY.stated_in("eight years") and not QUANTITY.stated_in("a GUI job board")


def test_a_sentence_wrapped_over_pdf_lines_is_one_line_again():
    lines = ["Federal contractors, with 120,000 establishments, employ approximately 20 percent of",
             "the American workforce.", "Bullet one", "| a | b |", "| c | d |"]
    assert unwrap(lines) == ["Federal contractors, with 120,000 establishments, employ approximately 20 percent of "
                             "the American workforce.", "Bullet one", "| a | b |", "| c | d |"]
    assert unwrap(["About half of all U.S.", "mining deaths involved haulage."]) == [
        "About half of all U.S. mining deaths involved haulage."]
    assert unwrap(["Market share", "Revenue grew 20% in 2024"]) == ["Market share", "Revenue grew 20% in 2024"]


def test_the_quote_leaves_out_a_bullet(example_index, embedder):
    from app.rag.retrieval import ScoredChunk

    hit = FaissRetriever(example_index, embedder).retrieve("example", "When does the seed round close?", 1)[0]
    bulleted = ScoredChunk(replace(hit.chunk, text="\u2022 The round closes on 30 April 2026."), hit.score)
    quote = LineSelector(embedder.embed, 4).selection("When does the seed round close?", [bulleted]).quote
    assert quote.text == "The round closes on 30 April 2026."


def test_terms_are_stemmed_and_figures_kept_whole():
    assert terms("When does the round close?") == terms("The round closes") == {"round", "close"}
    assert "2,000" in terms("2,000 ships")


def test_the_quote_is_the_line_that_states_the_fact(example_index, embedder):
    question = "How much does the subscription cost per ship per year?"
    hits = FaissRetriever(example_index, embedder).retrieve("example", question, 5)
    selection = LineSelector(embedder.embed, 4).selection(question, hits)
    assert selection.missing is None
    assert "$48,000" in selection.quote.text
    quoted = next(h for h in selection.hits if h.chunk.id == selection.quote.chunk_id)
    assert quoted.chunk.doc == "pitch_deck.pdf" and selection.quote.text in quoted.chunk.text.split("\n")
    assert sum(len(h.chunk.text.split("\n")) for h in selection.hits) == 4


def test_a_question_whose_type_of_fact_no_line_states_is_refused_without_the_model(example_index, embedder):
    def no_model():
        raise AssertionError("the model must not be asked")

    pipeline = AnswerPipeline(FaissRetriever(example_index, embedder), no_model, AnswerSettings(),
                              LineSelector(embedder.embed, 4))
    result = pipeline.answer("example", "What is Tidewater's annual customer churn rate?")
    assert result.refused and result.answer == "The documents do not say." and result.quote is None
    assert result.retrieved  # the sources searched are still reported for the log


def test_an_invented_figure_on_strong_evidence_gives_way_to_the_documents_own_line(example_index, embedder):
    result = scripted_pipeline(example_index, embedder, "The subscription costs $9,000.").answer(
        "example", "How much does the subscription cost per ship per year?")
    assert not result.refused and result.grounded is True
    mark = f"[{result.quote['source'] + 1}]"  # the block the quote comes from, cited in the answer
    assert result.answer == f"{QUOTED_ANSWER.format(quote=result.quote['text'])} {mark}" and "$48,000" in result.answer
    assert result.model_answer == "The subscription costs $9,000."  # kept for the owner's review
    assert [s["used"] for s in result.sources] == [i == result.quote["source"] for i in range(len(result.sources))]


def test_a_grounded_answer_keeps_its_words_and_carries_the_quote(example_index, embedder):
    result = scripted_pipeline(example_index, embedder, "It costs $48,000 per ship per year.").answer(
        "example", "How much does the subscription cost per ship per year?")
    cited = [i + 1 for i, source in enumerate(result.sources) if source["used"]]
    assert cited and result.quote["source"] + 1 in cited
    assert result.answer == "It costs $48,000 per ship per year. " + "".join(f"[{n}]" for n in cited)
    assert result.model_answer is None  # the reader got the model's own words
    assert "$48,000" in result.quote["text"] and result.grounded is True


def test_a_figure_from_another_block_gives_way_to_the_quoted_line(example_index, embedder):
    """Grounded (the market size is in a block) but not the figure asked for: the quote is shown."""
    pipeline = scripted_pipeline(example_index, embedder, "The answer is: 4.8 billion.")
    result = pipeline.answer("example", "How much are they raising?")
    assert "$4.5 million" in result.quote["text"]
    assert result.answer.startswith(QUOTED_ANSWER.format(quote=result.quote["text"]))
    assert result.model_answer == "The answer is: 4.8 billion."
    # A question that asks for no figure keeps the model's words.
    kept = pipeline.answer("example", "Tell me about their market.")
    assert kept.answer.startswith("The answer is: 4.8 billion.") and kept.model_answer is None


def test_an_answer_that_cites_its_blocks_itself_is_left_as_written(example_index, embedder):
    result = scripted_pipeline(example_index, embedder, "It costs $48,000 per ship per year [1].").answer(
        "example", "How much does the subscription cost per ship per year?")
    assert result.answer == "It costs $48,000 per ship per year [1]."
    assert result.sources[0]["used"] is True


def test_a_model_refusal_gives_way_to_a_strong_quote(example_index, embedder):
    result = scripted_pipeline(example_index, embedder, "The documents do not say.").answer(
        "example", "How much does the subscription cost per ship per year?")
    assert not result.refused and "$48,000" in result.answer and result.answer.startswith("The documents say:")
    assert result.model_answer == "The documents do not say." and result.grounded is True


def test_a_model_refusal_on_weak_evidence_stands(example_index, embedder):
    result = scripted_pipeline(example_index, embedder, "The context does not mention a ticker.").answer(
        "example", "What is Tidewater Robotics' stock ticker symbol on the NASDAQ?")
    assert result.refused and result.answer == "The documents do not say." and result.quote is None


def test_an_invented_answer_on_weak_evidence_is_refused_and_rests_on_no_source(example_index, embedder):
    result = scripted_pipeline(example_index, embedder, "Tidewater Robotics trades as TWRX.").answer(
        "example", "What is Tidewater Robotics' stock ticker symbol on the NASDAQ?")
    assert result.refused and result.model_answer == "Tidewater Robotics trades as TWRX."
    assert result.sources and not any(s["used"] for s in result.sources)


def test_earlier_answers_reach_the_prompt_without_their_citation_marks(example_index, embedder):
    generator = ScriptedGenerator("It closes on 30 April 2026.")
    pipeline = AnswerPipeline(FaissRetriever(example_index, embedder), lambda: generator, AnswerSettings(),
                              LineSelector(embedder.embed, 4))
    pipeline.answer("example", "And when does it close?",
                    history=[("How much are they raising?", "They raise $4.5 million. [1][3]")])
    assert "They raise $4.5 million." in generator.prompts[0] and "[3]" not in generator.prompts[0]
