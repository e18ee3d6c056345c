"""advisor: an explainable sales-model advisor built on five practitioners' documents."""

__version__ = "0.1.0"
