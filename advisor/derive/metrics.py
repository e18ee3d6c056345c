"""The profile's figures measured from an export: definitions here, in DEFINITIONS, and in the docs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from advisor.derive.parsing import first_unreadable, parse_amounts, parse_dates, unreadable
from advisor.derive.presets import TRUE, Preset
from advisor.derive.reading import Export

DEFINITIONS = {
    "full_months": "calendar months between the first and the last date of the data, leaving out the first and "
                   "the last month where the data does not cover them from the first to the last day",
    "leads_per_month": "deals created per full month, mean over the full months from the month of the first "
                       "creation to that of the last; order exports: first orders of clients (a client's first "
                       "order in the data) per full month, over the full months from the first order on; in the "
                       "first months this also counts clients who bought before the data begins",
    "seasonality_peak_ratio": "the busiest month of each year of data (the last 12 full months counted for "
                              "leads, and each 12 consecutive full months before them) over that year's mean month, averaged over the years: the "
                              "peak's seasonal index against its own year, so growth from year to year is not read "
                              "as seasonality (the seasonal index of classical multiplicative decomposition with the "
                              "trend taken as the year's mean: Hyndman & Athanasopoulos, Forecasting: Principles "
                              "and Practice, 3rd ed., section 3.4); deals created, or all orders; unknown with fewer than 12 full months",
    "deals_per_month": "won deals (every order counts as won) per full month, by the date won, mean over the full "
                       "months from the month of the first win on",
    "repeat_sales_share": "revenue of won deals that are not the client's first won deal in the data / revenue "
                          "of won deals with a known client",
    "average_deal_size": "mean amount of won deals (orders: the order's total); unknown unless the export has a "
                         "currency column or --currency names the currency",
    "sales_cycle_days": "median days from creation (or first contact) to winning, for won deals with both dates",
    "close_rate": "won / (won + lost); open deals do not count; with a leads file and a file of won deals: leads "
                  "with a won deal / all leads (a lead with no won deal counts as not won)",
    "active_clients": "distinct clients with a won deal in the last 365 days of the data",
    "sales_team_size": "distinct people in the owner column (or the qualifier and closer columns together, a "
                       "person in both counted once) of the deals created or closed in the last full calendar "
                       "quarter of the data",
    "orders": "one order = one invoice or order number; cancellations (numbers starting with C) and orders "
              "with a zero or negative total are left out; repeat orders = orders of a client after the first",
}


DERIVABLE = ("leads_per_month", "seasonality_peak_ratio", "deals_per_month", "repeat_sales_share",
             "average_deal_size", "sales_cycle_days", "close_rate", "active_clients", "sales_team_size")


@dataclass
class Derivation:
    values: dict[str, Any] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)  # field -> the counts behind its value
    why_unknown: dict[str, str] = field(default_factory=dict)  # field -> why it could not be derived
    rows_read: int = 0
    rows_skipped: Counter = field(default_factory=Counter)  # reason -> rows left out entirely
    values_unreadable: Counter = field(default_factory=Counter)  # column -> values that did not parse
    first_bad: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (file:line, 'value') of the first
    date_range: tuple[dt.date, dt.date] | None = None
    full_months: list[str] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)
    currency: str | None = None
    also_measured: dict[str, Any] = field(default_factory=dict)  # figures with no profile field: team roles, orders
    unnamed_currency: tuple[float, int] | None = None  # (mean amount, won deals) when no currency names them


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

    def checked(role: str, parsed: Any) -> Any:
        """Count and locate the values of a role's column that did not parse (or were not finite)."""
        column = mapping[role]
        original = frame.get_column(column)
        count = unreadable(original, parsed)
        if count:
            row, value = first_unreadable(original, parsed)
            result.first_bad[column] = (export.where(column, row), repr(value))
        return count

    created, created_format = parse_dates(frame.get_column(mapping["created"]))
    if created_format:
        result.date_formats[mapping["created"]] = created_format
    columns: dict[str, Any] = {"created": created}
    result.rows_skipped["no creation date"] = frame.get_column(mapping["created"]).null_count()
    result.rows_skipped["unreadable creation date"] = checked("created", created)
    if "closed" in mapping:
        closed, fmt = parse_dates(frame.get_column(mapping["closed"]))
        columns["closed"] = closed
        if fmt:
            result.date_formats[mapping["closed"]] = fmt
    if "amount" in mapping:
        columns["amount"] = parse_amounts(frame.get_column(mapping["amount"]), export.decimal_comma)
        result.values_unreadable[mapping["amount"]] = checked("amount", columns["amount"])
    elif "quantity" in mapping and "unit_price" in mapping:
        quantity = parse_amounts(frame.get_column(mapping["quantity"]), export.decimal_comma)
        price = parse_amounts(frame.get_column(mapping["unit_price"]), export.decimal_comma)
        result.values_unreadable[mapping["quantity"]] = checked("quantity", quantity)
        result.values_unreadable[mapping["unit_price"]] = checked("unit_price", price)
        columns["amount"] = (quantity * price).alias("amount")
    if "id" in mapping:
        columns["id"] = frame.get_column(mapping["id"])  # ids are taken as written
    for role in ("client", "stage", "won_flag", "closed_flag", "currency", "owner", "qualifier", "closer"):
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
    for column in ("client", "currency", "owner", "qualifier", "closer"):
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
        result.why_unknown["currency"] = "the export names no currency (no currency column): give --currency CODE"
        return None
    codes = data.get_column("currency").drop_nulls().str.to_uppercase().unique().to_list()
    if len(codes) == 1:
        return str(codes[0])
    if not codes:
        result.why_unknown["currency"] = "the currency column is empty: give --currency CODE"
    if len(codes) > 1:
        result.why_unknown["amounts"] = f"amounts in several currencies ({', '.join(sorted(codes))}); " \
                                        "export one currency, or convert and give --currency"
    return None




def _month_series(dates: Any, months: list[dt.date]) -> list[int]:
    """How many of the dates fall in each of the months."""
    counts = dates.dt.truncate("1mo").value_counts()
    per_month = {row[0]: row[1] for row in counts.iter_rows()}
    return [per_month.get(m, 0) for m in months]


def _span(months: list[dt.date]) -> str:
    return f"{len(months)} full months ({months[0]:%Y-%m}..{months[-1]:%Y-%m})"


def _from_month(months: list[dt.date], first: dt.date | None, last: dt.date | None = None) -> list[dt.date]:
    """The full months from first's month (to last's month): those in which the events can happen."""
    if first is None:
        return []
    start, end = first.replace(day=1), (last.replace(day=1) if last else months[-1] if months else first)
    return [m for m in months if start <= m <= end]


def seasonality(months: list[dt.date], series: list[int]) -> tuple[float | None, str]:
    """(ratio, the counts behind it) or (None, why): each data year's peak over its mean, averaged."""
    starts = range(len(series) - 12, -1, -12)  # the last 12 months, then each 12 before them: the present first
    years = [(months[i:i + 12], series[i:i + 12]) for i in sorted(starts)]
    years = [(ms, counts) for ms, counts in years if sum(counts) > 0]
    if not years:
        return None, (f"{len(months)} full months of leads: a peak within less than a year cannot be told from "
                      "growth or a start-up; seasonality needs 12 consecutive full months")
    ratios, parts = [], []
    for ms, counts in years:
        mean = sum(counts) / 12
        peak = max(counts)
        ratios.append(peak / mean)
        parts.append(f"{ms[0]:%Y-%m}..{ms[-1]:%Y-%m}: {peak:,} in {ms[counts.index(peak)]:%Y-%m} vs "
                     f"{mean:,.1f} a month = {peak / mean:.3f}")
    left = len(series) % 12
    note = f"; the first {left} months, less than a year, not counted" if left else ""
    return sum(ratios) / len(ratios), f"mean of {len(ratios)} year(s): " + "; ".join(parts) + note


def last_full_quarter(months: list[dt.date]) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of the last calendar quarter whose three months are all full months."""
    present = set(months)
    for month in reversed(months):
        if month.month % 3 == 0:
            start = month.replace(month=month.month - 2)
            if all(start.replace(month=start.month + k) in present for k in range(3)):
                return start, _month_end(month)
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

    if months:
        created = data.get_column("created")
        lead_months = _from_month(months, created.min(), created.max())
        _leads(data, result, lead_months, orders=orders)
        _deals(won, result, months)
    else:
        for name in ("leads_per_month", "seasonality_peak_ratio", "deals_per_month"):
            unknown[name] = f"the data ({first}..{last}) covers no full calendar month"
    _team(data, result, months)

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
        unknown["close_rate"] = ("no lost deals in the data (order exports record only sales)" if orders
                                 else "no lost deals in the data")
    if won.height == 0:
        for name in ("average_deal_size", "repeat_sales_share", "sales_cycle_days", "active_clients"):
            unknown[name] = "no won deals in the data"
        return
    _money(won, result, last)
    _cycle(data, won, result, orders=orders)


def _leads(data: Any, result: Derivation, months: list[dt.date], *, orders: bool) -> None:
    import polars as pl

    values, how, unknown = result.values, result.how, result.why_unknown
    if not months:
        unknown["leads_per_month"] = unknown["seasonality_peak_ratio"] = "no full month with a creation date"
        return
    span = _span(months)
    series = _month_series(data.get_column("created"), months)
    ratio, behind = seasonality(months, series)
    if ratio is None:
        unknown["seasonality_peak_ratio"] = behind
    else:
        values["seasonality_peak_ratio"] = round(ratio, 3)
        how["seasonality_peak_ratio"] = f"{'orders' if orders else 'deals created'}; {behind}"
    if not orders:
        values["leads_per_month"] = round(sum(series) / len(months), 2)
        how["leads_per_month"] = f"{sum(series):,} created in {span}"
        return
    measured = {"orders_per_month": round(sum(series) / len(months), 2)}
    result.also_measured["orders"] = measured
    if "client" not in data.columns:
        unknown["leads_per_month"] = ("an order export without a client column cannot tell a new client's first "
                                      "order from a repeat order")
        return
    known = data.filter(pl.col("client").is_not_null())
    first_orders = known.group_by("client").agg(pl.col("created").min()).get_column("created")
    firsts = _month_series(first_orders, months)
    with_client = sum(_month_series(known.get_column("created"), months))
    orders_per_client = known.group_by("client").len().get_column("len")
    no_client = sum(series) - with_client
    values["leads_per_month"] = round(sum(firsts) / len(months), 2)
    how["leads_per_month"] = (f"{sum(firsts):,} first orders of clients in {span}"
                              + (f"; {no_client:,} orders without a client not counted" if no_client else ""))
    measured.update({
        "first_orders_per_month": values["leads_per_month"],
        "repeat_orders_per_month": round((with_client - sum(firsts)) / len(months), 2),
        "orders_without_a_client_per_month": round(no_client / len(months), 2),
        "clients": int(orders_per_client.len()),
        "clients_reordering": int((orders_per_client > 1).sum()),
    })


def _deals(won: Any, result: Derivation, months: list[dt.date]) -> None:
    if won is None or won.height == 0:
        return
    win_months = _from_month(months, won.get_column("won_date").min())
    if not win_months:
        result.why_unknown["deals_per_month"] = "no full month from the first win on"
        return
    won_in = sum(_month_series(won.get_column("won_date").drop_nulls(), win_months))
    result.values["deals_per_month"] = round(won_in / len(win_months), 2)
    result.how["deals_per_month"] = f"{won_in:,} won in the {_span(win_months)} from the first win on"


def _team(data: Any, result: Derivation, months: list[dt.date]) -> None:
    import polars as pl

    roles = [role for role in ("owner", "qualifier", "closer") if role in data.columns]
    if not roles:
        result.why_unknown["sales_team_size"] = "no owner column (map one with --map owner=COLUMN)"
        return
    quarter = last_full_quarter(months)
    if quarter is None:
        result.why_unknown["sales_team_size"] = "the data covers no full calendar quarter"
        return
    start, end = quarter
    closed = "closed" if "closed" in data.columns else "won_date"
    in_quarter = data.filter(pl.col("created").is_between(start, end)
                             | pl.col(closed).is_between(start, end).fill_null(False))
    label = f"{start.year}-Q{(start.month + 2) // 3}"
    people = {role: set(in_quarter.get_column(role).drop_nulls().to_list()) for role in roles}
    everyone = set().union(*people.values())
    if not everyone:
        result.why_unknown["sales_team_size"] = f"no deal of {label} names its owner"
        return
    result.values["sales_team_size"] = len(everyone)
    parts = " and ".join(f"{len(people[role]):,} {role}s" for role in roles)
    who = f"{len(everyone):,} people ({parts}, each counted once)" if len(roles) > 1 else parts
    result.how["sales_team_size"] = (f"{who} named by the {in_quarter.height:,} deals created or closed in {label} "
                                     f"({start}..{end})")
    if len(roles) > 1 or roles != ["owner"]:
        result.also_measured["team"] = {
            "quarter": label,
            **{f"{role}s": len(people[role]) for role in roles},
            **{f"{role}s_in_all_data": int(data.get_column(role).drop_nulls().n_unique()) for role in roles},
        }


def _money(won: Any, result: Derivation, last: dt.date) -> None:
    import polars as pl

    values, how, unknown = result.values, result.how, result.why_unknown
    amounts_ok = "amount" in won.columns and "amounts" not in unknown
    if amounts_ok:
        amounts = won.get_column("amount").drop_nulls()
        if not amounts.len():
            unknown["average_deal_size"] = "no won deal has a readable amount"
        elif result.currency is None:
            result.unnamed_currency = (float(amounts.mean()), amounts.len())
            unknown["average_deal_size"] = (f"mean {float(amounts.mean()):,.2f} over {amounts.len():,} won deals, "
                                            f"in a currency not named: {unknown.get('currency', '')}")
        else:
            values["average_deal_size"] = round(float(amounts.mean()), 2)
            how["average_deal_size"] = f"{float(amounts.sum()):,.2f} over {amounts.len():,} won deals with an amount"
    else:
        unknown["average_deal_size"] = unknown.get("amounts", "no amount column")

    if "client" not in won.columns:
        unknown["active_clients"] = unknown["repeat_sales_share"] = "no client column"
        return
    known = won.filter(pl.col("client").is_not_null())
    cutoff = last - dt.timedelta(days=365)
    active = known.filter(pl.col("won_date") > cutoff).get_column("client").n_unique()
    values["active_clients"] = int(active)
    how["active_clients"] = f"distinct clients with a won deal after {cutoff} (data ends {last})"
    if not amounts_ok:
        unknown["repeat_sales_share"] = unknown.get("amounts", "no amount column")
        return
    if not known.height:
        unknown["repeat_sales_share"] = "no won deal names its client"
        return
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


def _cycle(data: Any, won: Any, result: Derivation, *, orders: bool) -> None:
    if "closed" not in data.columns:
        result.why_unknown["sales_cycle_days"] = ("order exports have one date per order" if orders
                                                  else "no closing-date column")
        return
    days = (won.get_column("won_date") - won.get_column("created")).dt.total_days()
    usable = days.filter(days >= 0)
    if usable.len():
        result.values["sales_cycle_days"] = round(float(usable.median()), 1)
        note = f"; {days.len() - usable.len():,} closed before created, left out" if usable.len() < days.len() else ""
        result.how["sales_cycle_days"] = f"median of {usable.len():,} won deals{note}"
    else:
        result.why_unknown["sales_cycle_days"] = "no won deal has both a creation and a closing date"
