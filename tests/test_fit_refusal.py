"""The refusal fit's held-out figures (scripts/fit_refusal.py), on made-up features: no evaluation data needed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fit_refusal.py"


def load_script():
    spec = importlib.util.spec_from_file_location("fit_refusal", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_threshold_refuses_at_most_five_percent_of_answerable_questions():
    fit = load_script()
    p = np.linspace(0.0, 1.0, 200)
    y = np.ones(200, dtype=bool)
    threshold = fit.threshold_for(p, y)
    assert (p[y] < threshold).mean() <= fit.MAX_FALSE_REFUSALS
    assert (p[y] < np.nextafter(p[int(fit.MAX_FALSE_REFUSALS * 200) + 1], 1)).mean() > fit.MAX_FALSE_REFUSALS


def test_held_out_documents_show_what_memorising_the_fit_hides():
    """A signal that holds on every document survives being held out; one that only names the
    document (which documents happen to be answerable) separates in-sample and fails held out."""
    fit = load_script()
    rng = np.random.default_rng(0)
    docs = np.repeat(np.arange(8), 30)
    y = rng.random(len(docs)) < 0.7
    general = np.where(y, 1.0, -1.0) + rng.normal(0, 0.8, len(docs))
    held = fit.out_of_document(general.reshape(-1, 1), y, docs)
    assert held["unanswerable_refused"] > 0.5 and held["answerable_refused"] < 0.2

    y = docs < 4  # the first four documents answer everything, the others nothing
    x = np.eye(8)[docs]  # the document itself as the features
    model, means, scales = fit.fit_decision(x, y)
    in_sample = model.predict_proba((x - means) / scales)[:, 1] < fit.threshold_for(
        model.predict_proba((x - means) / scales)[:, 1], y)
    assert in_sample[~y].mean() == 1.0 and in_sample[y].mean() == 0.0
    held = fit.out_of_document(x, y, docs)
    assert held["answerable_refused"] > 0.5  # a new document is no document it learned
