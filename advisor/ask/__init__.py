"""`advisor ask`: the founders' questionnaire (questions as data, answers, the session)."""
