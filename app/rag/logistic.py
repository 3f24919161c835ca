"""A fitted logistic regression, shipped as readable coefficients (JSON), not a pickle.

scripts/fit_refusal.py fits them with scikit-learn on the development set's tuning half; the app only
evaluates them, so scikit-learn is a development dependency.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Logistic:
    """p = sigmoid(bias + sum of weight x (feature - mean) / scale)."""

    weights: dict[str, float]
    bias: float
    means: dict[str, float]
    scales: dict[str, float]

    def p(self, values: Mapping[str, float]) -> float:
        z = self.bias + sum(w * (values[name] - self.means[name]) / self.scales[name]
                            for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def of(cls, data: Mapping) -> Logistic:
        """From its JSON form ({"weights", "bias", "means", "scales"}, each feature by name)."""
        return cls({k: float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                   {k: float(v) for k, v in data["means"].items()}, {k: float(v) for k, v in data["scales"].items()})

    @classmethod
    def fitted(cls, names, coefficients, bias, means, scales) -> Logistic:
        """From scikit-learn's arrays (in `names` order), rounded for a readable file."""
        def named(values):
            return {n: round(float(v), 6) for n, v in zip(names, values)}
        return cls(named(coefficients), round(float(bias), 6), named(means), named(scales))

    def to_json(self) -> dict:
        return {"features": list(self.weights), "weights": self.weights, "bias": self.bias,
                "means": self.means, "scales": self.scales}
