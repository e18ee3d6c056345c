"""`advisor derive`: figures checked against independent plain-Python counts written from the
definitions, on exports the tests make (every preset's layout, ru and en, orders, a funnel in
two files) and on the real datasets in ../shared/datasets when they are there; and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.derive.metrics import seasonality
from conftest import SHARED, run_advisor

DATASETS = SHARED / "datasets"
UCI = DATASETS / "uci-online-retail" / "online_retail_2010-12_2011-12.csv.gz"
SUPERSTORE = DATASETS / "superstore" / "sample-superstore.csv"
MAVEN = DATASETS / "maven-crm-sales-opportunities" / "sales_pipeline.csv"
OLIST_LEADS = DATASETS / "olist-marketing-funnel" / "olist_marketing_qualified_leads_dataset.csv"
OLIST_DEALS = DATASETS / "olist-marketing-funnel" / "olist_closed_deals_dataset.csv"

@pytest.fixture(autouse=True)
def english_by_default(monkeypatch):
    """The summary follows the locale: these tests read it in English whatever the machine's locale."""
    monkeypatch.setenv("LC_ALL", "C")


real_data = pytest.mark.skipif(not DATASETS.is_dir(), reason=f"the real datasets are not here ({DATASETS}); "
                               "the exports the tests make cover the same code")


# ---- an independent reference, written from the definitions, in plain Python ------------------
Month = tuple[int, int]


def month_ends(first: dt.date, last: dt.date) -> list[Month]:
    """The full months: every calendar month from first to last, without a partly covered first or last."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if first.day != 1:
        months.pop(0)
    next_day = last + dt.timedelta(days=1)
    if next_day.month == last.month:  # the last day is not the month's last day
        months.pop()
    return months


def months_from(months: list[Month], first: dt.date, last: dt.date | None = None) -> list[Month]:
    end = (last.year, last.month) if last else months[-1]
    return [m for m in months if (first.year, first.month) <= m <= end]


def per_year_peak(series: list[int]) -> float | None:
    """Each 12 months from the end back: the busiest month over the 12 months' mean; the mean of those."""
    years = [series[i:i + 12] for i in range(len(series) - 12, -1, -12)]
    ratios = [max(y) / (sum(y) / 12) for y in years if sum(y)]
    return round(sum(ratios) / len(ratios), 3) if ratios else None


def last_full_quarter(months: list[Month]) -> tuple[dt.date, dt.date] | None:
    for year, month in reversed(months):
        if month % 3 == 0 and all((year, month - k) in months for k in (1, 2)):
            end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
            return dt.date(year, month - 2, 1), end
    return None


def reference(deals: list[dict], *, orders: bool, currency: bool = True) -> dict:
    """deals: dicts with created, closed (or None), outcome won/lost/open, amount, client, owner (optional)."""
    won_date = lambda d: d.get("closed") or d["created"]  # noqa: E731
    dates = [d["created"] for d in deals] + [won_date(d) for d in deals]
    months = month_ends(min(dates), max(dates))
    leads_months = months_from(months, min(d["created"] for d in deals), max(d["created"] for d in deals))
    created = Counter((d["created"].year, d["created"].month) for d in deals)
    series = [created[m] for m in leads_months]
    out: dict = {}
    if orders:
        first_order: dict = {}
        for d in deals:
            if d["client"]:
                first_order[d["client"]] = min(first_order.get(d["client"], d["created"]), d["created"])
        firsts = Counter((day.year, day.month) for day in first_order.values())
        out["leads_per_month"] = round(sum(firsts[m] for m in leads_months) / len(leads_months), 2)
    else:
        out["leads_per_month"] = round(sum(series) / len(leads_months), 2)
    out["seasonality_peak_ratio"] = per_year_peak(series)
    won = [d for d in deals if d["outcome"] == "won"]
    win_months = months_from(months, min(won_date(d) for d in won))
    won_in = sum((won_date(d).year, won_date(d).month) in win_months for d in won)
    out["deals_per_month"] = round(won_in / len(win_months), 2)
    lost = sum(d["outcome"] == "lost" for d in deals)
    if lost:
        out["close_rate"] = round(len(won) / (len(won) + lost), 4)
    amounts = [d["amount"] for d in won if d["amount"] is not None]
    out["average_deal_size"] = round(sum(amounts) / len(amounts), 2) if currency and amounts else None
    by_client = defaultdict(list)
    for position, d in enumerate(won):
        if d["client"] and d["amount"] is not None:
            by_client[d["client"]].append((won_date(d), position, d["amount"]))
    total = sum(a for deals_ in by_client.values() for _, _, a in deals_)
    repeat = sum(a for deals_ in by_client.values() for _, _, a in sorted(deals_)[1:])
    out["repeat_sales_share"] = round(repeat / total, 4) if total else None
    last = max(dates)
    out["active_clients"] = len({d["client"] for d in won if d["client"] and won_date(d) > last - dt.timedelta(days=365)})
    if not orders:
        cycles = [(d["closed"] - d["created"]).days for d in won if d.get("closed") and d["closed"] >= d["created"]]
        out["sales_cycle_days"] = round(statistics.median(cycles), 1)
    if any(d.get("owner") for d in deals):
        start, end = last_full_quarter(months)
        out["sales_team_size"] = len({d["owner"] for d in deals if d.get("owner") and (
            start <= d["created"] <= end or (d.get("closed") is not None and start <= d["closed"] <= end))})
    return out


def order_deals(lines, *, cancellation=re.compile(r"^C\d+$")) -> list[dict]:
    """Order lines (id, date, amount, client) -> orders, as the definitions say."""
    orders: dict[str, dict] = {}
    for order_id, date, amount, client in lines:
        if cancellation.match(order_id):
            continue
        order = orders.setdefault(order_id, {"created": date, "amount": 0.0, "client": client, "outcome": "won"})
        order["created"] = min(order["created"], date)
        order["amount"] += amount
        order["client"] = order["client"] or client
    return [o for o in orders.values() if o["amount"] > 0]


def derive_file(cli, tmp_path, *args) -> tuple[dict, object]:
    out = tmp_path / "derived.yaml"
    result = cli("derive", *map(str, args), "-o", str(out))
    assert result.exit_code in (0, 1), result.stderr
    return yaml.safe_load(out.read_text(encoding="utf-8")), result


def assert_figures(profile: dict, expected: dict) -> None:
    for field, value in expected.items():
        if value is None:
            assert field not in profile, field
            assert field in profile["derived_from"]["unknown"], field
        else:
            assert profile.get(field) == pytest.approx(value, rel=1e-9, abs=1e-9), field


# ---- real data (skipped when ../shared/datasets is absent) ----------------------------------------
@real_data
def test_uci_online_retail_order_lines(cli, tmp_path):
    with gzip.open(UCI, "rt", encoding="utf-8", newline="") as stream:
        lines = [(r["InvoiceNo"], dt.date.fromisoformat(r["InvoiceDate"][:10]),
                  float(r["Quantity"]) * float(r["UnitPrice"]), r["CustomerID"] or None) for r in csv.DictReader(stream)]
    assert len(lines) == 541_909
    orders = order_deals(lines)
    expected = reference(orders, orders=True)
    profile, result = derive_file(cli, tmp_path, UCI, "--currency", "GBP")
    assert result.exit_code == 0
    assert_figures(profile, expected)
    assert profile["currency"] == "GBP" and "close_rate" not in profile and "sales_cycle_days" not in profile
    source = profile["derived_from"]
    assert source["preset"] == "orders (detected)" and source["rows_read"] == 541_909
    assert source["rows_skipped"]["cancellation (number starts with C)"] == sum(
        1 for line in lines if re.match(r"^C\d+$", line[0]))
    assert source["full_months"] == "12 (2010-12..2011-11)" and source["date_range"] == ["2010-12-01", "2011-12-09"]
    # leads are the first orders of clients; every other order with a client is a repeat order
    in_full = {(o["created"].year, o["created"].month) for o in orders} - {(2011, 12)}
    with_client = sum(1 for o in orders if o["client"] and (o["created"].year, o["created"].month) in in_full)
    assert source["also_measured"]["orders"] == {
        "orders_per_month": round(sum((o["created"].year, o["created"].month) in in_full for o in orders) / 12, 2),
        "first_orders_per_month": expected["leads_per_month"],
        "repeat_orders_per_month": round((with_client - expected["leads_per_month"] * 12) / 12, 2),
        "orders_without_a_client_per_month": round(sum(1 for o in orders if not o["client"] and o["created"] < dt.date(2011, 12, 1)) / 12, 2),
        "clients": len({o["client"] for o in orders if o["client"]}),
        "clients_reordering": sum(n > 1 for n in Counter(o["client"] for o in orders if o["client"]).values()),
    }
    assert "close_rate" in source["unknown"] and "leads_per_month" in source["definitions"]


@real_data
def test_superstore_seasonality_is_not_its_growth(cli, tmp_path):
    with open(SUPERSTORE, encoding="utf-8-sig", newline="") as stream:
        lines = [(r["Order ID"], dt.datetime.strptime(r["Order Date"], "%m/%d/%Y").date(), float(r["Sales"]),
                  r["Customer ID"]) for r in csv.DictReader(stream)]
    orders = order_deals(lines)
    expected = reference(orders, orders=True)
    profile, result = derive_file(cli, tmp_path, SUPERSTORE, "--currency", "USD")
    assert_figures(profile, expected)
    # each calendar year's busiest month over that year's mean month, averaged: growth is not seasonality
    by_month = Counter((o["created"].year, o["created"].month) for o in orders)
    years = sorted({year for year, _ in by_month})
    per_year = statistics.mean(max(by_month[(y, m)] for m in range(1, 13)) / (sum(by_month[(y, m)] for m in range(1, 13)) / 12)
                               for y in years)
    assert profile["seasonality_peak_ratio"] < 2
    assert profile["seasonality_peak_ratio"] == pytest.approx(per_year, rel=0.10)
    assert profile["derived_from"]["date_formats"] == {"Order Date": "%m/%d/%Y"}
    assert profile["derived_from"]["rows_skipped"] == {}  # CA-2018-... ids are not cancellations
    assert "profile name: sample-superstore (from the file's name" in result.stderr


def _maven_deals() -> list[dict]:
    deals = []
    with open(MAVEN, encoding="utf-8", newline="") as stream:
        for r in csv.DictReader(stream):
            if not r["engage_date"]:
                continue  # prospecting deals have no date: not counted
            deals.append({
                "created": dt.date.fromisoformat(r["engage_date"]),
                "closed": dt.date.fromisoformat(r["close_date"]) if r["close_date"] else None,
                "outcome": {"Won": "won", "Lost": "lost"}.get(r["deal_stage"], "open"),
                "amount": float(r["close_value"]) if r["close_value"] else None,
                "client": r["account"] or None,
                "owner": r["sales_agent"] or None,
            })
    return deals


@real_data
def test_maven_crm_pipeline(cli, tmp_path):
    deals = _maven_deals()
    profile, result = derive_file(cli, tmp_path, MAVEN)
    assert_figures(profile, reference(deals, orders=False, currency=False))
    assert "give --currency" in profile["derived_from"]["unknown"]["average_deal_size"]
    wins = [d["closed"] for d in deals if d["outcome"] == "won"]
    first_close = min(wins)
    months_since = (2017 - first_close.year) * 12 + 12 - first_close.month + 1  # the data ends 2017-12-31
    assert profile["deals_per_month"] == pytest.approx(len(wins) / months_since, rel=0.05)
    assert profile["sales_team_size"] == 30 == len({d["owner"] for d in deals})
    assert profile["derived_from"]["columns"]["owner"] == "sales_agent"
    assert profile["derived_from"]["rows_skipped"] == {"no creation date": 500}
    assert "preset: generic (detected from the header)" in result.stderr


@real_data
def test_olist_funnel_in_two_files(cli, tmp_path):
    with open(OLIST_LEADS, encoding="utf-8", newline="") as stream:
        leads = {r["mql_id"]: dt.datetime.strptime(r["first_contact_date"], "%d-%m-%Y").date()
                 for r in csv.DictReader(stream)}
    with open(OLIST_DEALS, encoding="utf-8", newline="") as stream:
        deals = list(csv.DictReader(stream))
    won = {r["mql_id"]: r for r in deals}
    rows = [{"created": created, "outcome": "won" if key in won else "lost",
             "closed": dt.date.fromisoformat(won[key]["won_date"][:10]) if key in won else None,
             "amount": None, "client": won[key]["seller_id"] if key in won else None} for key, created in leads.items()]
    profile, result = derive_file(cli, tmp_path, OLIST_LEADS, OLIST_DEALS)
    assert result.exit_code == 0, result.stderr
    source = profile["derived_from"]
    assert source["preset"] == "olist (detected)" and source["every_row_won"] is True
    expected = reference(rows, orders=False)
    for field in ("leads_per_month", "sales_cycle_days", "close_rate", "deals_per_month"):
        assert profile[field] == pytest.approx(expected[field]), field
    assert profile["close_rate"] == round(842 / 8000, 4) and len(won) == 842
    assert "seasonality_peak_ratio" not in profile  # 11 full months of leads: less than a year
    start, end = last_full_quarter(month_ends(min(leads.values()), max(r["closed"] or r["created"] for r in rows)))
    in_quarter = [r for r in deals if start <= dt.date.fromisoformat(r["won_date"][:10]) <= end]
    qualifiers, closers = {r["sdr_id"] for r in in_quarter}, {r["sr_id"] for r in in_quarter}
    assert source["also_measured"]["team"] == {
        "quarter": f"{start.year}-Q{(start.month + 2) // 3}", "qualifiers": len(qualifiers), "closers": len(closers),
        "qualifiers_in_all_data": len({r["sdr_id"] for r in deals}), "closers_in_all_data": len({r["sr_id"] for r in deals}),
    }
    assert profile["sales_team_size"] == len(qualifiers | closers)


@real_data
def test_olist_leads_alone_say_what_is_missing(cli, tmp_path):
    profile, _ = derive_file(cli, tmp_path, OLIST_LEADS)
    assert profile["derived_from"]["preset"] == "olist (detected)"
    assert profile["leads_per_month"] > 0 and "deals_per_month" not in profile
    assert profile["derived_from"]["unknown"]["deals_per_month"].startswith("no stage or status column")


# ---- exports the tests make, in each preset's layout ------------------------------------------------
OWNERS = ("Анна", "Борис", "Віра", "Dan")


def _make_deals() -> list[dict]:
    """14 months of deals (2023-01..2024-02) from a team growing from two to four, busier each November."""
    deals = []
    for i in range(14):
        year, month = 2023 + i // 12, i % 12 + 1
        for k in range(3 + (i * 7) % 5 + (4 if month == 11 else 0) + i // 4):
            created = dt.date(year, month, 1 + (k * 5 + i) % 28)
            outcome = ("won", "lost", "won", "open")[(k + i) % 4]
            deals.append({
                "created": created, "outcome": outcome,
                "closed": created + dt.timedelta(days=3 + (k * 11 + i) % 45) if outcome != "open" else None,
                "amount": 100 + (k * 37 + i * 13) % 900 + 0.5 * (k % 2),
                "client": (None, "Альфа", "Бета", "Гамма", "Дельта", "Omega")[(k + 2 * i) % 6],
                "owner": OWNERS[(k + i) % (2 if i < 6 else 4)],
            })
    return deals


DEALS = _make_deals()


def _money(value: float, comma: bool) -> str:
    text = f"{value:,.2f}".replace(",", " ")
    return text.replace(".", ",") if comma else text.replace(" ", "")


def _stage(outcome: str, won: str, lost: str, open_: str) -> str:
    return {"won": won, "lost": lost, "open": open_}[outcome]


LAYOUTS = {
    # preset: (header, row builder, file options, extra arguments)
    "bitrix24-ru": (["ID", "Название сделки", "Стадия сделки", "Сумма", "Валюта", "Дата создания",
                     "Предполагаемая дата закрытия", "Ответственный", "Компания", "Сделка закрыта"],
                    lambda i, d: [i, f"Сделка {i}", _stage(d["outcome"], "Сделка успешна", "Сделка провалена", "В работе"),
                                  _money(d["amount"], True), "RUB", d["created"].strftime("%d.%m.%Y 10:15:00"),
                                  (d["closed"] or d["created"]).strftime("%d.%m.%Y"), d["owner"], d["client"] or "",
                                  "Да" if d["outcome"] != "open" else "Нет"],
                    {"delimiter": ";", "encoding": "cp1251"}, []),
    "bitrix24-en": (["ID", "Deal Name", "Stage", "Income", "Currency", "Created", "Assumed close date", "Responsible",
                     "Company", "Repeat deal"],
                    lambda i, d: [i, f"Deal {i}", _stage(d["outcome"], "Deal won", "Deal lost", "In progress"),
                                  _money(d["amount"], False), "USD", d["created"].strftime("%m/%d/%Y %I:%M %p"),
                                  (d["closed"] or d["created"]).strftime("%m/%d/%Y"), d["owner"], d["client"] or "", "N"],
                    {"delimiter": ",", "encoding": "utf-8-sig"}, []),
    "amocrm-ru": (["ID", "Название сделки ", "Бюджет ", "Ответственный ", "Дата создания сделки ", "Дата закрытия ",
                   "Этап сделки ", "Воронка", "Компания "],
                  lambda i, d: [i, f"Сделка {i}", _money(d["amount"], True), d["owner"],
                                d["created"].strftime("%d.%m.%Y %H:%M"),
                                d["closed"].strftime("%d.%m.%Y") if d["closed"] else "не закрыта",
                                _stage(d["outcome"], "Успешно реализовано", "Закрыто и не реализовано", "Переговоры"),
                                "Продажи", d["client"] or ""],
                  {"delimiter": ";", "encoding": "utf-8"}, ["--currency", "UAH"]),
    "hubspot": (["Record ID", "Deal Name", "Deal Stage", "Close Date", "Create Date", "Deal owner", "Amount",
                 "Associated Company"],
                lambda i, d: [i, f"Deal {i}", _stage(d["outcome"], "closedwon", "closedlost", "appointmentscheduled"),
                              d["closed"].isoformat() + " 09:00" if d["closed"] else "", d["created"].isoformat() + " 08:00",
                              d["owner"], _money(d["amount"], False), d["client"] or ""],
                {"delimiter": ",", "encoding": "utf-8"}, ["--currency", "usd"]),
    "pipedrive": (["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Organization", "Deal - Status",
                   "Deal - Owner", "Deal - Deal created", "Deal - Won time", "Deal - Lost time"],
                  lambda i, d: [i, f"Deal {i}", _money(d["amount"], False), "EUR", d["client"] or "",
                                d["outcome"].capitalize(), d["owner"], d["created"].isoformat() + " 12:00:00",
                                d["closed"].isoformat() + " 13:00:00" if d["outcome"] == "won" else "",
                                d["closed"].isoformat() if d["outcome"] == "lost" else ""],
                  {"delimiter": ",", "encoding": "utf-8"}, []),
    "salesforce": (["Opportunity Name", "Account Name", "Stage", "Close Date", "Amount", "Opportunity Owner",
                    "Created Date", "Won", "Closed"],
                   lambda i, d: [f"Opp {i}", d["client"] or "", _stage(d["outcome"], "Closed Won", "Closed Lost", "Negotiation"),
                                 (d["closed"] or d["created"]).strftime("%m/%d/%Y"), _money(d["amount"], False), d["owner"],
                                 d["created"].strftime("%m/%d/%Y"), "1" if d["outcome"] == "won" else "0",
                                 "1" if d["outcome"] != "open" else "0"],
                   {"delimiter": "\t", "encoding": "utf-8"}, ["--currency", "USD"]),
}


def as_exported(layout: str, deals: list[dict]) -> list[dict]:
    """The deals as the layout's export carries them: Pipedrive's close date is the won time only."""
    if layout != "pipedrive":
        return deals
    return [{**d, "closed": d["closed"] if d["outcome"] == "won" else None} for d in deals]


def _write(path: Path, header, rows, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_the_made_deals_cover_what_the_definitions_need():
    expected = reference(DEALS, orders=False)
    assert expected["seasonality_peak_ratio"] is not None and expected["close_rate"] < 1
    assert 2 < expected["sales_team_size"] <= 4 and expected["repeat_sales_share"] > 0


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_each_preset_is_detected_and_derives_the_same_figures(cli, tmp_path, layout):
    header, build, options, arguments = LAYOUTS[layout]
    rows = [build(str(100 + n), deal) for n, deal in enumerate(DEALS)]
    path = _write(tmp_path / f"{layout}.csv", header, rows, options["delimiter"], options["encoding"])
    profile, result = derive_file(cli, tmp_path, path, *arguments)
    preset = layout.split("-")[0]
    assert profile["derived_from"]["preset"] == f"{preset} (detected)", result.stderr
    assert_figures(profile, reference(as_exported(layout, DEALS), orders=False))
    assert profile["derived_from"]["columns"]["owner"].strip() in ("Ответственный", "Responsible", "Deal owner",
                                                                   "Deal - Owner", "Opportunity Owner")
    assert result.exit_code == 0


def test_a_hand_counted_pipeline(cli, tmp_path):
    """Ten deals, every figure counted by hand from the definitions."""
    path = _write(tmp_path / "deals.csv", ["id", "created", "closed", "stage", "amount", "client", "owner"], [
        ["1", "2024-01-01", "", "open", "100", "A", "Ann"],      # January: 2 created, no win yet
        ["2", "2024-01-20", "2024-03-05", "won", "300", "A", "Ann"],
        ["3", "2024-02-02", "2024-02-03", "lost", "50", "B", "Bob"],
        ["4", "2024-03-10", "2024-03-20", "won", "200", "B", "Bob"],
        ["5", "2024-03-11", "2024-04-30", "won", "100", "A", "Cid"],
        ["6", "2024-04-01", "", "open", "10", "C", "Ann"],
        ["7", "2024-04-15", "2024-04-16", "lost", "70", "C", "Dee"],
        ["8", "2024-04-20", "2024-05-02", "won", "400", "C", "Dee"],  # May is partial: the data ends 05-02
    ])
    profile, result = derive_file(cli, tmp_path, path, "--currency", "EUR")
    assert result.exit_code == 0, result.stderr
    source = profile["derived_from"]
    assert source["full_months"] == "4 (2024-01..2024-04)"
    assert profile["leads_per_month"] == 8 / 4  # 2 + 1 + 2 + 3 created in January..April
    assert profile["deals_per_month"] == 3 / 2  # by the date won, from March on: 2 in March, 1 in April
    assert profile["close_rate"] == round(4 / 6, 4)
    assert profile["average_deal_size"] == 250
    assert profile["sales_cycle_days"] == 28.5  # 45, 10, 50, 12 days: the median of 10, 12, 45, 50
    assert profile["repeat_sales_share"] == round(100 / 1000, 4)  # only A's second win (100) repeats
    assert profile["sales_team_size"] == 3  # 2024-Q1: Ann, Bob, Cid named by deals created or closed in it
    assert "seasonality_peak_ratio" not in profile
    assert "less than a year" in source["unknown"]["seasonality_peak_ratio"]
    assert source["figures"]["deals_per_month"].startswith("3 won in the 2 full months (2024-03..2024-04)")


@pytest.mark.parametrize(("lang", "texts"), [
    ("ru", ["прочитано строк: 4\u00a0000; пропущено: нет", "deals_per_month = 1\u00a0000", "close_rate = 0,5",
            "имя профиля: deals (источник: имя файла;", "deals.csv:1236: amount: 'x' — не конечное число",
            "неизвестно: sales_team_size,"]),
    ("uk", ["прочитано рядків: 4\u00a0000; пропущено: немає", "deals_per_month = 1\u00a0000", "close_rate = 0,5",
            "ім'я профілю: deals (джерело: назва файлу;", "доповніть: advisor ask --from"]),
])
def test_the_summary_speaks_the_users_language(cli, tmp_path, lang, texts):
    # January and February 2024 in full, every other pair of deals won: 2,000 won in 2 months
    rows = [[str(n), f"2024-{1 + n % 2:02d}-{1 + n % 29:02d}", "won" if n % 4 < 2 else "lost", "10", "A"]
            for n in range(4000)]
    rows[1234][3] = "x"
    path = _write(tmp_path / "deals.csv", ["id", "created", "stage", "amount", "client"], rows)
    profile, result = derive_file(cli, tmp_path, path, "--lang", lang)
    for text in texts:
        assert text in result.stderr
    assert profile["derived_from"]["name_from"].startswith("the file's name")  # the profile itself stays English


def test_the_summary_follows_the_locale_without_lang(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("LC_ALL", "uk_UA.UTF-8")
    path = _write(tmp_path / "deals.csv", ["created", "stage"], [["2024-01-01", "won"], ["2024-01-31", "lost"]])
    _, result = derive_file(cli, tmp_path, path)
    assert "прочитано рядків: 2; пропущено: немає" in result.stderr


def test_gzipped_and_xlsx_exports_read_the_same(cli, tmp_path):
    header, build, _, arguments = LAYOUTS["hubspot"]
    rows = [build(str(n), deal) for n, deal in enumerate(DEALS)]
    plain = _write(tmp_path / "deals.csv", header, rows)
    gz = tmp_path / "deals.csv.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    import xlsxwriter

    book_path = tmp_path / "deals.xlsx"
    book = xlsxwriter.Workbook(str(book_path))
    sheet = book.add_worksheet()
    for r, row in enumerate([header, *rows]):
        sheet.write_row(r, 0, row)
    book.close()
    for path in (gz, book_path):
        profile, result = derive_file(cli, tmp_path, path, *arguments)
        assert profile["derived_from"]["preset"] == "hubspot (detected)", result.stderr
        assert_figures(profile, reference(DEALS, orders=False))


ORDER_LINES = [  # number, date, quantity, unit price, client
    ("1001", dt.date(2024, 1, 1), 2, 10.5, "К1"), ("1001", dt.date(2024, 1, 1), 1, 100.0, "К1"),
    ("C1002", dt.date(2024, 1, 6), -1, 100.0, "К1"), ("1003", dt.date(2024, 2, 7), 3, 1000.0, "К2"),
    ("1004", dt.date(2024, 2, 28), 1, 50.25, "К1"), ("1005", dt.date(2024, 3, 15), -2, 5.0, "К3"),
    ("1006", dt.date(2024, 3, 31), 1, 20.0, "К2"), ("1007", dt.date(2024, 3, 2), 1, 5.0, ""),
    ("1008", dt.date(2024, 3, 9), 4, 2.5, "К4"),
]


def test_order_export_in_russian_counts_first_orders_as_leads(cli, tmp_path):
    rows = [[i, d.strftime("%d.%m.%Y"), str(q), _money(p, True), k] for i, d, q, p, k in ORDER_LINES]
    path = _write(tmp_path / "заказы.csv", ["Номер заказа", "Дата заказа", "Количество", "Цена", "Клиент"], rows,
                  ";", "cp1251")
    profile, result = derive_file(cli, tmp_path, path, "--currency", "UAH", "--name", "Магазин")
    orders = order_deals([(i, d, q * p, k or None) for i, d, q, p, k in ORDER_LINES])
    assert_figures(profile, reference(orders, orders=True))
    # by hand: orders 1001 (К1, new), 1003 (К2, new), 1004 (К1), 1006 (К2), 1007 (no client), 1008 (К4, new)
    assert profile["leads_per_month"] == 1.0  # 3 first orders in January..March
    assert profile["deals_per_month"] == 2.0  # 6 orders in 3 months
    assert profile["derived_from"]["also_measured"]["orders"] == {
        "orders_per_month": 2.0, "first_orders_per_month": 1.0, "repeat_orders_per_month": round(2 / 3, 2),
        "orders_without_a_client_per_month": round(1 / 3, 2), "clients": 3, "clients_reordering": 2}
    assert profile["name"] == "Магазин" and profile["currency"] == "UAH"
    assert profile["derived_from"]["rows_skipped"] == {"cancellation (number starts with C)": 1,
                                                       "orders with a zero or negative total": 1}
    assert "profile name: Магазин (from --name)" in result.stderr


def test_orders_without_a_client_column_leave_leads_unknown(cli, tmp_path):
    path = _write(tmp_path / "orders.csv", ["order id", "order date", "total"],
                  [[str(n), f"2024-0{1 + n % 3}-{1 + n:02d}", "10"] for n in range(20)] + [["99", "2024-03-31", "1"]])
    profile, _ = derive_file(cli, tmp_path, path, "--currency", "USD")
    assert "leads_per_month" not in profile and "deals_per_month" in profile
    assert "cannot tell a new client's first order" in profile["derived_from"]["unknown"]["leads_per_month"]


# ---- seasonality is not growth -----------------------------------------------------------------------
MONTHS = [dt.date(2020 + i // 12, i % 12 + 1, 1) for i in range(60)]


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(pattern=st.lists(st.integers(1, 500), min_size=12, max_size=12),
       growth=st.lists(st.integers(1, 9), min_size=1, max_size=5), start=st.integers(0, 11))
def test_a_yearly_pattern_gives_the_same_ratio_however_the_years_grow(pattern, growth, start):
    """The same months-of-the-year shape, scaled up or down from one year to the next: its own peak ratio."""
    series = [pattern[(start + i) % 12] * growth[i // 12] for i in range(12 * len(growth))]
    ratio, _ = seasonality(MONTHS[:len(series)], series)
    assert ratio == pytest.approx(max(pattern) / (sum(pattern) / 12), rel=1e-9)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(levels=st.lists(st.integers(1, 10_000), min_size=1, max_size=5), extra=st.integers(0, 11))
def test_growth_between_flat_years_is_no_seasonality(levels, extra):
    series = [levels[0]] * extra + [level for level in levels for _ in range(12)]
    ratio, behind = seasonality(MONTHS[:len(series)], series)
    assert ratio == pytest.approx(1.0)
    assert (f"the first {extra} months" in behind) == (extra > 0)


@given(length=st.integers(1, 11))
@settings(max_examples=11, deadline=None, derandomize=True, database=None)
def test_less_than_a_year_gives_no_seasonality(length):
    ratio, why = seasonality(MONTHS[:length], [5] * (length - 1) + [50])
    assert ratio is None and "needs 12 consecutive full months" in why


# ---- a funnel in two files ------------------------------------------------------------------------------
def _olist_files(tmp_path) -> tuple[Path, Path]:
    leads = [("m1", "05-01-2024"), ("m2", "20-01-2024"), ("m3", "01-02-2024"), ("m4", "14-02-2024"),
             ("m5", "28-02-2024"), ("m6", "03-03-2024"), ("m7", "31-03-2024"), ("m8", "02-04-2024")]
    deals = [("m2", "s1", "q1", "c1", "2024-02-10 10:00:00"), ("m3", "s2", "q1", "c2", "2024-02-05 09:00:00"),
             ("m6", "s3", "q2", "c1", "2024-04-01 12:00:00"), ("m9", "s4", "q3", "c3", "2024-04-10 12:00:00")]
    leads_path = _write(tmp_path / "leads.csv", ["mql_id", "first_contact_date", "landing_page_id", "origin"],
                        [[m, d, "p", "social"] for m, d in leads])
    deals_path = _write(tmp_path / "closed.csv", ["mql_id", "seller_id", "sdr_id", "sr_id", "won_date", "business_segment"],
                        [[*deal, "pet"] for deal in deals])
    return leads_path, deals_path


def test_a_funnel_in_two_files_by_hand(cli, tmp_path):
    leads, deals = _olist_files(tmp_path)
    profile, result = derive_file(cli, tmp_path, leads, deals)
    assert result.exit_code == 0, result.stderr
    source = profile["derived_from"]
    assert source["preset"] == "olist (detected)" and source["every_row_won"] is True
    # dates 2024-01-05..2024-04-10: full months February and March; leads from January (partial) to April
    assert source["full_months"] == "2 (2024-02..2024-03)"
    assert profile["leads_per_month"] == 5 / 2  # 3 in February, 2 in March
    assert profile["close_rate"] == round(3 / 8, 4)  # m2, m3, m6 won of 8 leads; m9 names no lead
    assert profile["sales_cycle_days"] == 21  # 21, 4, 29 days
    assert profile["deals_per_month"] == 2 / 2  # 2 won in February, 0 in March
    assert source["rows_skipped"] == {"deal whose key names no lead (deals file)": 1}
    assert source["rows_read"] == 12  # 8 leads and 4 deals
    assert "sales_team_size" not in profile  # no full calendar quarter
    assert source["columns"]["qualifier"] == "sdr_id (closed.csv)" and source["columns"]["key"] == "mql_id"


def test_a_funnel_in_two_files_from_a_real_shell(tmp_path):
    leads, deals = _olist_files(tmp_path)
    done = run_advisor("derive", str(leads), str(deals), "--lang", "uk", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    profile = yaml.safe_load(done.stdout)
    assert profile["close_rate"] == round(3 / 8, 4) and profile["name"] == "leads"
    assert "пресет: olist (визначено за заголовком)" in done.stderr and "Traceback" not in done.stderr


def test_a_funnel_with_outcomes_in_the_deals_file_and_a_mapped_key(cli, tmp_path):
    leads = _write(tmp_path / "leads.csv", ["lead", "created", "source"],
                   [["L1", "2024-01-01", "web"], ["L2", "2024-01-15", "web"], ["L3", "2024-02-01", "ads"],
                    ["L4", "2024-02-20", "ads"], ["L5", "2024-03-31", "web"], ["L3", "2024-02-02", "ads"]])
    deals = _write(tmp_path / "deals.csv", ["lead", "status", "closed", "amount", "manager"],
                   [["L1", "won", "2024-01-31", "100", "Ann"], ["L2", "lost", "2024-02-10", "", "Bob"],
                    ["L3", "won", "2024-03-01", "300", "Ann"], ["L3", "won", "2024-03-02", "1", "Ann"],
                    ["", "won", "2024-03-03", "1", "Ann"]])
    profile, _ = derive_file(cli, tmp_path, leads, deals, "--preset", "generic", "--map", "key=lead",
                             "--map", "owner=manager", "--currency", "USD")
    source = profile["derived_from"]
    assert source["every_row_won"] is False
    assert profile["close_rate"] == round(2 / 3, 4)  # L4 and L5 have no deal: open, not lost
    assert profile["average_deal_size"] == 200
    assert profile["sales_team_size"] == 2 and profile["leads_per_month"] == round(5 / 3, 2)
    assert source["rows_skipped"] == {"second deal of the same lead (deals file)": 1, "deal without a key (deals file)": 1,
                                      "second lead with the same key (leads file)": 1}
    assert source["rows_read"] == 11 and source["rows_per_file"] == {"leads.csv": 6, "deals.csv": 5}


def test_every_row_won(cli, tmp_path):
    path = _write(tmp_path / "won.csv", ["created", "closed", "amount", "client"],
                  [["2024-01-01", "2024-01-10", "100", "A"], ["2024-01-31", "2024-02-05", "200", "A"],
                   ["2024-02-10", "2024-02-29", "50", "B"]])
    without, _ = derive_file(cli, tmp_path, path, "--preset", "generic")
    assert "deals_per_month" not in without
    profile, _ = derive_file(cli, tmp_path, path, "--preset", "generic", "--all-won", "--currency", "USD")
    assert profile["deals_per_month"] == 1.5 and profile["average_deal_size"] == round(350 / 3, 2)
    assert profile["sales_cycle_days"] == 9 and "close_rate" not in profile
    assert profile["derived_from"]["every_row_won"] is True
    assert "leads that were not won are not in the file" in profile["derived_from"]["unknown"]["leads_per_month"]
    one_date, _ = derive_file(cli, tmp_path, path, "--preset", "generic", "--all-won", "--map", "created=closed",
                              "--map", "closed=closed")
    assert one_date["deals_per_month"] == 2.0 and "sales_cycle_days" not in one_date  # February alone is full
    assert one_date["derived_from"]["unknown"]["sales_cycle_days"] == "no closing-date column"


# ---- currency, non-finite amounts, the profile's name ------------------------------------------------
def test_amounts_without_a_currency_leave_the_deal_size_unknown(cli, tmp_path):
    path = _write(tmp_path / "deals.csv", ["id", "created", "stage", "amount", "client"],
                  [["1", "2024-01-01", "won", "100", "A"], ["2", "2024-01-31", "won", "300", "A"]])
    profile, result = derive_file(cli, tmp_path, path)
    assert "average_deal_size" not in profile and "currency" not in profile
    assert "give --currency CODE" in profile["derived_from"]["unknown"]["average_deal_size"]
    assert "the export names no currency (mean 200 over 2 won deals); give --currency CODE" in result.stderr
    assert profile["repeat_sales_share"] == 0.75  # a share needs no currency


@pytest.mark.parametrize("bad", ["NaN", "inf", "1e400", "-Infinity"])
def test_a_non_finite_amount_is_located_and_the_rest_derived(cli, tmp_path, bad):
    rows = [[str(n), f"2024-01-{1 + n % 28:02d}", "won", "10", "A"] for n in range(3000)]
    rows[1234][3] = bad
    path = _write(tmp_path / "deals.csv", ["id", "created", "stage", "amount", "client"], rows)
    profile, result = derive_file(cli, tmp_path, path, "--currency", "USD")
    assert result.exit_code == 1
    assert f"{path}:1236: amount: {bad!r} is not a finite number (values left out: 1; the rest is derived)" in result.stderr
    assert profile["average_deal_size"] == 10 and profile["derived_from"]["values_unreadable"] == {"amount": 1}
    assert profile["derived_from"]["first_unreadable"] == {"amount": f"{path}:1236: {bad!r}"}


def test_a_bad_amount_in_the_deals_file_is_located_there(cli, tmp_path):
    leads, _ = _olist_files(tmp_path)
    deals = _write(tmp_path / "closed.csv", ["mql_id", "won_date", "amount"],
                   [["m2", "2024-02-10", "5"], ["m3", "2024-02-05", "oops"], ["m6", "2024-04-01", "7"]])
    profile, result = derive_file(cli, tmp_path, leads, deals, "--preset", "olist", "--map", "amount=amount",
                                  "--currency", "USD")
    assert result.exit_code == 1
    assert f"{deals}:3: amount: 'oops' is not a finite number (values left out: 1;" in result.stderr
    assert profile["average_deal_size"] == 6 and profile["close_rate"] == round(3 / 8, 4)


def test_the_profile_name_comes_from_a_company_column(cli, tmp_path):
    path = _write(tmp_path / "deals.csv", ["created", "stage", "seller"],
                  [["2024-01-01", "won", "ТОВ Ромашка"], ["2024-01-02", "lost", " ТОВ Ромашка "]])
    profile, result = derive_file(cli, tmp_path, path, "--map", "company=seller")
    assert profile["name"] == "ТОВ Ромашка" and profile["derived_from"]["name_from"] == "the company column"
    assert "profile name: ТОВ Ромашка (from the company column)" in result.stderr
    profile, _ = derive_file(cli, tmp_path, path, "--map", "company=seller", "--name", "Ромашка")
    assert profile["name"] == "Ромашка"
    profile, _ = derive_file(cli, tmp_path, path)
    assert profile["name"] == "deals" and "--name sets one" in profile["derived_from"]["name_from"]
    many = _write(tmp_path / "team.csv", ["created", "stage", "seller"],
                  [["2024-01-01", "won", "ТОВ Ромашка"], ["2024-01-02", "lost", "ТОВ Волошка"], ["2024-01-03", "won", ""]])
    profile, _ = derive_file(cli, tmp_path, many, "--map", "company=seller")
    assert profile["name"] == "team"
    assert profile["derived_from"]["name_from"] == "the file's name; the company column holds 2 different names"


# ---- the command with bad input -------------------------------------------------------------------
def test_unreadable_values_are_counted_and_exit_1_the_rest_derived(cli, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text("id,created,stage,amount,client\n1,2024-01-01,won,100,A\n2,someday,won,100,B\n"
                    "3,2024-01-31,won,lots,A\n4,2024-02-29,lost,5,C\n", encoding="utf-8")
    profile, result = derive_file(cli, tmp_path, path, "--currency", "USD")
    assert result.exit_code == 1
    assert profile["derived_from"]["rows_skipped"] == {"unreadable creation date": 1}
    assert profile["derived_from"]["values_unreadable"] == {"amount": 1}
    assert f"{path}:3: created: 'someday' is not a date (rows left out: 1)" in result.stderr
    assert f"{path}:4: amount: 'lots' is not a finite number (values left out: 1;" in result.stderr
    assert profile["average_deal_size"] == 100 and profile["close_rate"] == pytest.approx(2 / 3, abs=1e-4)


@pytest.mark.parametrize(
    ("content", "args", "status", "message"),
    [
        (None, [], 2, "missing.csv: no such file"),
        ("", [], 2, "empty file: no header row"),
        ("a,b\n1,2\n", [], 2, "could not tell the export's layout"),
        ("id,created\n", [], 0, "rows read 0"),
        ("id,created\n1,2024-01-01\n", ["--map", "creatd=created"], 2, "did you mean 'created'?"),
        ("id,created\n1,2024-01-01\n", ["--map", "client=custmer"], 2, "no column 'custmer' in the file"),
        ("id,created\n1,2024-01-01\n", ["--map", "client"], 2, "--map takes role=column"),
        ("id,created\n1,2024-01-01\n", ["--currency", "USX"], 2, "not in the rule base's rate table (did you mean 'USD'?)"),
        ("Deal - ID,Deal - Title\n1,x\n", ["--preset", "pipedrive"], 2, "map one with --map created=COLUMN"),
        ("id,created\n1,2024-01-01\n", ["missing.csv", "missing.csv"], 2, "give one export, or a leads file and a deals file"),
        ("a,created\n1,2024-01-01\n", ["missing.csv"], 2, "name it with --map key=COLUMN (both have: a, created)"),
        ("a,created\n1,2024-01-01\n", ["missing.csv", "--map", "key=b"], 2, "no column 'b' in the file"),
        ("id,created\n1,2024-01-01\n", ["missing.csv", "--map", "key=id", "--preset", "orders"], 2,
         "an order export is one file"),
    ],
)
def test_bad_input_says_what_and_where_without_a_traceback(cli, tmp_path, monkeypatch, content, args, status, message):
    monkeypatch.chdir(tmp_path)
    name = "missing.csv"
    if content is not None:
        Path(name).write_text(content, encoding="utf-8")
    result = cli("derive", name, "-o", "out.yaml", *args)
    assert result.exit_code == status
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_output_over_the_export_is_refused(cli, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text("id,created\n1,2024-01-01\n")
    result = cli("derive", str(path), "-o", str(path))
    assert result.exit_code == 2 and path.read_text() == "id,created\n1,2024-01-01\n"


def test_a_derived_profile_feeds_recommend_and_ask_from(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    header, build, options, arguments = LAYOUTS["hubspot"]
    export = _write(tmp_path / "deals.csv", header, [build(str(n), deal) for n, deal in enumerate(DEALS)])
    profile_path = tmp_path / "client.yaml"
    assert cli("derive", str(export), "-o", str(profile_path), "--name", "Client", *arguments).exit_code == 0
    assert "advisor ask --from" in profile_path.read_text()
    rec = cli("recommend", str(profile_path), "-f", "json")
    assert rec.exit_code == 0 and '"unknown_fields"' in rec.stdout
    (tmp_path / "answers.yaml").write_text("sales_team_size: 12\nmarket: b2b\n")
    done = cli("ask", "--from", str(profile_path), "--answers", "answers.yaml", "--out", "completed.yaml")
    assert done.exit_code == 0, done.stderr
    completed = yaml.safe_load((tmp_path / "completed.yaml").read_text())
    assert completed["sales_team_size"] == 12  # the answer replaces the measured team
    assert completed["close_rate"] == reference(DEALS, orders=False)["close_rate"]
