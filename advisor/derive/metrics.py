"""The profile's figures measured from an export: definitions here, in DEFINITIONS, and in the docs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from advisor.derive.parsing import parse_amounts, parse_dates, unreadable
from advisor.derive.presets import TRUE, Preset
from advisor.derive.reading import Export

DEFINITIONS = {
    "full_months": "calendar months between the first and the last date of the data, leaving out the first and "
                   "the last month where the data does not cover them from the first to the last day",
    "leads_per_month": "deals (or orders) created per full month, mean",
    "seasonality_peak_ratio": "deals (or orders) created in the busiest full month / the mean full month",
    "deals_per_month": "won deals (every order counts as won) per full month, by the date won, mean",
    "repeat_sales_share": "revenue of won deals that are not the client's first won deal in the data / revenue "
                          "of won deals with a known client",
    "average_deal_size": "mean amount of won deals (orders: the order's total)",
    "sales_cycle_days": "median days from creation to winning, for won deals with both dates",
    "close_rate": "won / (won + lost); open deals do not count",
    "active_clients": "distinct clients with a won deal in the last 365 days of the data",
    "orders": "one order = one invoice or order number; cancellations (numbers starting with C) and orders "
              "with a zero or negative total are left out",
}


DERIVABLE = ("leads_per_month", "seasonality_peak_ratio", "deals_per_month", "repeat_sales_share",
             "average_deal_size", "sales_cycle_days", "close_rate", "active_clients")


@dataclass
class Derivation:
    values: dict[str, Any] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)  # field -> the counts behind its value
    why_unknown: dict[str, str] = field(default_factory=dict)  # field -> why it could not be derived
    rows_read: int = 0
    rows_skipped: Counter = field(default_factory=Counter)  # reason -> rows left out entirely
    values_unreadable: Counter = field(default_factory=Counter)  # column -> values that did not parse
    date_range: tuple[dt.date, dt.date] | None = None
    full_months: list[str] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)
    currency: str | None = None


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def full_months(first: dt.date, last: dt.date) -> list[dt.date]:
    """Month starts from first's month to last's, without a partly covered first or last month."""
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    if months and first.day != 1:
        months = months[1:]
    if months and last != _month_end(last):
        months = months[:-1]
    return months


def _text(frame: Any, column: str | None) -> Any:
    """A text column with blank values as null (the CSV reader already makes empty ones null)."""
    import polars as pl

    if column is None:
        return None
    series = frame.get_column(column)
    if not series.str.contains(r"^\s|\s$").any():  # the usual case, checked without a regex over every value
        return series.cast(pl.String)
    stripped = series.str.strip_chars()
    return stripped.set(stripped == "", None)


def derive(export: Export, preset: Preset, mapping: dict[str, str], currency: str | None) -> Derivation:
    import polars as pl

    result = Derivation(rows_read=export.frame.height)
    frame = export.frame
    created, created_format = parse_dates(frame.get_column(mapping["created"]))
    if created_format:
        result.date_formats[mapping["created"]] = created_format
    columns: dict[str, Any] = {"created": created}
    result.rows_skipped["no creation date"] = frame.get_column(mapping["created"]).null_count()
    result.rows_skipped["unreadable creation date"] = unreadable(frame.get_column(mapping["created"]), created)
    if "closed" in mapping:
        closed, fmt = parse_dates(frame.get_column(mapping["closed"]))
        columns["closed"] = closed
        if fmt:
            result.date_formats[mapping["closed"]] = fmt
    if "amount" in mapping:
        columns["amount"] = parse_amounts(frame.get_column(mapping["amount"]), export.decimal_comma)
        result.values_unreadable[mapping["amount"]] = unreadable(frame.get_column(mapping["amount"]), columns["amount"])
    elif "quantity" in mapping and "unit_price" in mapping:
        quantity = parse_amounts(frame.get_column(mapping["quantity"]), export.decimal_comma)
        price = parse_amounts(frame.get_column(mapping["unit_price"]), export.decimal_comma)
        result.values_unreadable[mapping["quantity"]] = unreadable(frame.get_column(mapping["quantity"]), quantity)
        result.values_unreadable[mapping["unit_price"]] = unreadable(frame.get_column(mapping["unit_price"]), price)
        columns["amount"] = (quantity * price).alias("amount")
    if "id" in mapping:
        columns["id"] = frame.get_column(mapping["id"])  # ids are taken as written
    for role in ("client", "stage", "won_flag", "closed_flag", "currency"):
        if role in mapping:
            columns[role] = _text(frame, mapping[role])
    data = pl.DataFrame(columns).with_row_index("row")
    data = data.filter(pl.col("created").is_not_null())

    if preset.kind == "orders":
        data = _orders(data, result)
    else:
        data = _deal_outcomes(data, preset, result)

    result.currency = _currency(data, currency, result)
    _measure(data, result, orders=preset.kind == "orders")
    result.rows_skipped = Counter({k: v for k, v in result.rows_skipped.items() if v})
    result.values_unreadable = Counter({k: v for k, v in result.values_unreadable.items() if v})
    return result


def _orders(data: Any, result: Derivation) -> Any:
    """Order lines -> one row per order; every order is won on its date."""
    import polars as pl

    if "id" not in data.columns:
        data = data.with_columns(pl.col("row").cast(pl.String).alias("id"))  # one line = one order
    result.rows_skipped["no order number"] = int(data.get_column("id").null_count())
    # UCI-style cancellations C536379; not order ids such as CA-2018-152156 or hex ids like c4f2...
    cancelled = pl.col("id").str.contains(r"^C\d+$")
    result.rows_skipped["cancellation (number starts with C)"] = int(data.select(cancelled.sum()).item())
    aggregations = [pl.col("created").min(), pl.col("row").min()]
    if "amount" in data.columns:
        aggregations.append(pl.col("amount").sum())
    for column in ("client", "currency"):
        if column in data.columns:
            aggregations.append(pl.col(column).max())  # one per order in practice; max skips nulls
    orders = (data.lazy().filter(pl.col("id").is_not_null() & ~cancelled)
              .group_by("id").agg(aggregations).collect())
    if "amount" in orders.columns:
        non_positive = orders.get_column("amount") <= 0
        result.rows_skipped["orders with a zero or negative total"] = int(non_positive.sum())
        orders = orders.filter(~non_positive)
    return orders.with_columns(pl.lit(True).alias("won"), pl.lit(False).alias("lost"),
                               pl.col("created").alias("won_date"))


def _deal_outcomes(data: Any, preset: Preset, result: Derivation) -> Any:
    import polars as pl

    true = list(TRUE)
    if "won_flag" in data.columns:
        won = pl.col("won_flag").str.to_lowercase().is_in(true).fill_null(False)
        if "closed_flag" in data.columns:
            lost = pl.col("closed_flag").str.to_lowercase().is_in(true).fill_null(False) & ~won
        elif "stage" in data.columns:
            lost = pl.col("stage").str.to_lowercase().is_in(list(preset.lost)).fill_null(False)
        else:
            lost = pl.lit(False)
    elif "stage" in data.columns:
        stage = pl.col("stage").str.to_lowercase()
        won = stage.is_in(list(preset.won)).fill_null(False)
        lost = stage.is_in(list(preset.lost)).fill_null(False)
    else:
        result.why_unknown["outcomes"] = "no stage or status column: which deals were won is unknown"
        won = lost = pl.lit(None, dtype=pl.Boolean)
    won_date = pl.coalesce(pl.col("closed"), pl.col("created")) if "closed" in data.columns else pl.col("created")
    return data.with_columns(won.alias("won"), lost.alias("lost"), won_date.alias("won_date"))


def _currency(data: Any, given: str | None, result: Derivation) -> str | None:
    if given:
        return given.upper()
    if "currency" not in data.columns:
        return None
    codes = data.get_column("currency").drop_nulls().str.to_uppercase().unique().to_list()
    if len(codes) == 1:
        return str(codes[0])
    if len(codes) > 1:
        result.why_unknown["amounts"] = f"amounts in several currencies ({', '.join(sorted(codes))}); " \
                                        "export one currency, or convert and give --currency"
    return None


def _measure(data: Any, result: Derivation, *, orders: bool) -> None:
    import polars as pl

    values, how, unknown = result.values, result.how, result.why_unknown
    if data.height == 0:
        for name in DERIVABLE:
            unknown[name] = "no row with a readable creation date"
        return
    dates = data.get_column("created")
    if "won_date" in data.columns:
        dates = pl.concat([dates, data.get_column("won_date").drop_nulls()])
    first, last = dates.min(), dates.max()
    result.date_range = (first, last)
    months = full_months(first, last)
    result.full_months = [m.strftime("%Y-%m") for m in months]
    won = data.filter(pl.col("won").fill_null(False)) if data.get_column("won").null_count() < data.height else None
    outcomes_known = won is not None
    amounts_ok = "amount" in data.columns and "amounts" not in unknown

    if months:
        span = f"{len(months)} full months ({result.full_months[0]}..{result.full_months[-1]})"
        month_of = pl.col("created").dt.truncate("1mo")
        counts = (data.filter(month_of.is_between(months[0], months[-1]))
                  .group_by(month_of.alias("month")).len())
        per_month = {row[0]: row[1] for row in counts.iter_rows()}
        series = [per_month.get(m, 0) for m in months]
        total = sum(series)
        mean = total / len(months)
        values["leads_per_month"] = round(mean, 2)
        how["leads_per_month"] = f"{total:,} created in {span}"
        if mean > 0:
            peak = max(series)
            values["seasonality_peak_ratio"] = round(peak / mean, 3)
            busiest = months[series.index(peak)].strftime("%Y-%m")
            how["seasonality_peak_ratio"] = f"{peak:,} created in {busiest}, the busiest, vs {mean:,.1f} a month"
        if outcomes_known:
            won_month = pl.col("won_date").dt.truncate("1mo")
            won_in = won.filter(won_month.is_between(months[0], months[-1])).height
            values["deals_per_month"] = round(won_in / len(months), 2)
            how["deals_per_month"] = f"{won_in:,} won in {span}"
    else:
        for name in ("leads_per_month", "seasonality_peak_ratio", "deals_per_month"):
            unknown[name] = f"the data ({first}..{last}) covers no full calendar month"

    if not outcomes_known:
        for name in ("deals_per_month", "close_rate", "average_deal_size", "repeat_sales_share",
                     "sales_cycle_days", "active_clients"):
            unknown.setdefault(name, result.why_unknown["outcomes"])
        return
    lost = int(data.get_column("lost").fill_null(False).sum())
    if lost:
        values["close_rate"] = round(won.height / (won.height + lost), 4)
        how["close_rate"] = f"{won.height:,} won / ({won.height:,} won + {lost:,} lost)"
    else:
        unknown["close_rate"] = "no lost deals in the data (order exports record only sales)"
    if won.height == 0:
        for name in ("average_deal_size", "repeat_sales_share", "sales_cycle_days", "active_clients"):
            unknown[name] = "no won deals in the data"
        return

    if amounts_ok:
        amounts = won.get_column("amount").drop_nulls()
        if amounts.len():
            values["average_deal_size"] = round(float(amounts.mean()), 2)
            how["average_deal_size"] = f"{float(amounts.sum()):,.2f} over {amounts.len():,} won deals with an amount"
        else:
            unknown["average_deal_size"] = "no won deal has a readable amount"
    else:
        unknown["average_deal_size"] = unknown.get("amounts", "no amount column")

    if "client" in won.columns:
        known = won.filter(pl.col("client").is_not_null())
        cutoff = last - dt.timedelta(days=365)
        active = known.filter(pl.col("won_date") > cutoff).get_column("client").n_unique()
        values["active_clients"] = int(active)
        how["active_clients"] = f"distinct clients with a won deal after {cutoff} (data ends {last})"
        if amounts_ok and known.height:
            ordered = known.filter(pl.col("amount").is_not_null()).sort(["client", "won_date", "row"])
            first_deal = ordered.select(pl.col("row").first().over("client").alias("first_row"), "row", "amount")
            revenue = float(first_deal.get_column("amount").sum())
            repeat = float(first_deal.filter(pl.col("row") != pl.col("first_row")).get_column("amount").sum())
            if revenue > 0:
                values["repeat_sales_share"] = round(repeat / revenue, 4)
                clients = first_deal.get_column("first_row").n_unique()
                how["repeat_sales_share"] = (f"{repeat:,.2f} of {revenue:,.2f} revenue from won deals after each "
                                             f"client's first ({clients:,} clients)")
            else:
                unknown["repeat_sales_share"] = "won deals with a known client have no positive revenue"
        elif not amounts_ok:
            unknown["repeat_sales_share"] = unknown.get("amounts", "no amount column")
    else:
        unknown["active_clients"] = unknown["repeat_sales_share"] = "no client column"

    if "closed" in data.columns:
        days = (won.get_column("won_date") - won.get_column("created")).dt.total_days()
        usable = days.filter(days >= 0)
        if usable.len():
            values["sales_cycle_days"] = round(float(usable.median()), 1)
            note = f"; {days.len() - usable.len():,} closed before created, left out" if usable.len() < days.len() else ""
            how["sales_cycle_days"] = f"median of {usable.len():,} won deals{note}"
        else:
            unknown["sales_cycle_days"] = "no won deal has both a creation and a closing date"
    else:
        unknown["sales_cycle_days"] = "order exports have one date per order" if orders else "no closing-date column"
