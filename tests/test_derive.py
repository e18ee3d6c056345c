"""`advisor derive`: figures from real exports checked against independent plain-Python counts,
synthetic exports in every preset's layout (ru and en), and bad input."""

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

from conftest import SHARED

DATASETS = SHARED / "datasets"
UCI = DATASETS / "uci-online-retail" / "online_retail_2010-12_2011-12.csv.gz"
SUPERSTORE = DATASETS / "superstore" / "sample-superstore.csv"
MAVEN = DATASETS / "maven-crm-sales-opportunities" / "sales_pipeline.csv"
OLIST_LEADS = DATASETS / "olist-marketing-funnel" / "olist_marketing_qualified_leads_dataset.csv"


# ---- an independent reference, written from the definitions, in plain Python ------------------
def month_ends(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
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


def reference(deals: list[dict], *, orders: bool) -> dict:
    """deals: dicts with created, closed (or None), outcome won/lost/open, amount, client."""
    dates = [d["created"] for d in deals] + [d["closed"] for d in deals if d.get("closed")]
    months = month_ends(min(dates), max(dates))
    in_full = set(months)
    created = Counter((d["created"].year, d["created"].month) for d in deals)
    series = [created[m] for m in months]
    out: dict = {"leads_per_month": round(sum(series) / len(months), 2)}
    out["seasonality_peak_ratio"] = round(max(series) / (sum(series) / len(months)), 3)
    won = [d for d in deals if d["outcome"] == "won"]
    won_date = lambda d: d.get("closed") or d["created"]  # noqa: E731
    out["deals_per_month"] = round(sum((won_date(d).year, won_date(d).month) in in_full for d in won) / len(months), 2)
    lost = sum(d["outcome"] == "lost" for d in deals)
    if lost:
        out["close_rate"] = round(len(won) / (len(won) + lost), 4)
    amounts = [d["amount"] for d in won if d["amount"] is not None]
    out["average_deal_size"] = round(sum(amounts) / len(amounts), 2)
    by_client = defaultdict(list)
    for position, d in enumerate(won):
        if d["client"] and d["amount"] is not None:
            by_client[d["client"]].append((won_date(d), position, d["amount"]))
    total = sum(a for deals_ in by_client.values() for _, _, a in deals_)
    repeat = sum(a for deals_ in by_client.values() for _, _, a in sorted(deals_)[1:])
    out["repeat_sales_share"] = round(repeat / total, 4)
    last = max(dates)
    out["active_clients"] = len({d["client"] for d in won if d["client"] and won_date(d) > last - dt.timedelta(days=365)})
    if not orders:
        cycles = [(d["closed"] - d["created"]).days for d in won if d.get("closed") and d["closed"] >= d["created"]]
        out["sales_cycle_days"] = round(statistics.median(cycles), 1)
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


def derive_file(cli, tmp_path, path, *args) -> tuple[dict, object]:
    out = tmp_path / "derived.yaml"
    result = cli("derive", str(path), "-o", str(out), *args)
    assert result.exit_code in (0, 1), result.stderr
    return yaml.safe_load(out.read_text(encoding="utf-8")), result


def assert_figures(profile: dict, expected: dict) -> None:
    for field, value in expected.items():
        assert profile.get(field) == pytest.approx(value, rel=1e-9, abs=1e-9), field


# ---- real data ----------------------------------------------------------------------------------
def test_uci_online_retail_order_lines(cli, tmp_path):
    with gzip.open(UCI, "rt", encoding="utf-8", newline="") as stream:
        lines = [(r["InvoiceNo"], dt.date.fromisoformat(r["InvoiceDate"][:10]),
                  float(r["Quantity"]) * float(r["UnitPrice"]), r["CustomerID"] or None) for r in csv.DictReader(stream)]
    assert len(lines) == 541_909
    expected = reference(order_deals(lines), orders=True)
    profile, result = derive_file(cli, tmp_path, UCI, "--currency", "GBP")
    assert result.exit_code == 0
    assert_figures(profile, expected)
    assert profile["currency"] == "GBP" and "close_rate" not in profile and "sales_cycle_days" not in profile
    source = profile["derived_from"]
    assert source["preset"] == "orders (detected)" and source["rows_read"] == 541_909
    assert source["rows_skipped"]["cancellation (number starts with C)"] == sum(
        1 for line in lines if re.match(r"^C\d+$", line[0]))
    assert source["full_months"] == "12 (2010-12..2011-11)" and source["date_range"] == ["2010-12-01", "2011-12-09"]
    assert "close_rate" in source["unknown"] and "leads_per_month" in source["definitions"]


def test_superstore_orders_with_bom_and_us_dates(cli, tmp_path):
    with open(SUPERSTORE, encoding="utf-8-sig", newline="") as stream:
        lines = [(r["Order ID"], dt.datetime.strptime(r["Order Date"], "%m/%d/%Y").date(), float(r["Sales"]),
                  r["Customer ID"]) for r in csv.DictReader(stream)]
    expected = reference(order_deals(lines), orders=True)
    profile, _ = derive_file(cli, tmp_path, SUPERSTORE)
    assert_figures(profile, expected)
    assert profile["derived_from"]["date_formats"] == {"Order Date": "%m/%d/%Y"}
    assert profile["derived_from"]["rows_skipped"] == {}  # CA-2018-... ids are not cancellations


def test_maven_crm_pipeline(cli, tmp_path):
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
            })
    expected = reference(deals, orders=False)
    profile, result = derive_file(cli, tmp_path, MAVEN)
    assert_figures(profile, expected)
    assert profile["derived_from"]["rows_skipped"] == {"no creation date": 500}
    assert "preset: generic (detected from the header)" in result.stderr


def test_olist_lead_funnel_with_a_map(cli, tmp_path):
    with open(OLIST_LEADS, encoding="utf-8", newline="") as stream:
        dates = [dt.datetime.strptime(r["first_contact_date"], "%d-%m-%Y").date() for r in csv.DictReader(stream)]
    months = month_ends(min(dates), max(dates))
    counts = Counter((d.year, d.month) for d in dates)
    series = [counts[m] for m in months]
    profile, result = derive_file(cli, tmp_path, OLIST_LEADS, "--preset", "generic", "--map", "created=first_contact_date")
    assert profile["leads_per_month"] == round(sum(series) / len(months), 2)
    assert profile["seasonality_peak_ratio"] == round(max(series) / (sum(series) / len(months)), 3)
    assert "deals_per_month" not in profile
    assert profile["derived_from"]["unknown"]["deals_per_month"].startswith("no stage or status column")


# ---- synthetic exports in each preset's layout ---------------------------------------------------
DEALS = [  # created, closed, outcome, amount, client
    (dt.date(2024, 1, 3), dt.date(2024, 1, 20), "won", 1000.0, "Альфа"),
    (dt.date(2024, 1, 15), dt.date(2024, 2, 10), "lost", 500.0, "Бета"),
    (dt.date(2024, 2, 1), dt.date(2024, 2, 5), "won", 250.5, "Альфа"),
    (dt.date(2024, 2, 9), None, "open", 800.0, "Гамма"),
    (dt.date(2024, 2, 20), dt.date(2024, 3, 30), "won", 1200.0, "Бета"),
    (dt.date(2024, 3, 2), dt.date(2024, 3, 3), "won", 99.99, "Альфа"),
    (dt.date(2024, 3, 10), dt.date(2024, 4, 10), "lost", 300.0, "Дельта"),
    (dt.date(2024, 3, 11), dt.date(2024, 3, 31), "won", 1800.0, None),
    (dt.date(2024, 3, 28), None, "open", 100.0, "Дельта"),
]
EXPECTED = reference([{"created": c, "closed": cl, "outcome": o, "amount": a, "client": k} for c, cl, o, a, k in DEALS],
                     orders=False)


def _money(value: float, comma: bool) -> str:
    text = f"{value:,.2f}".replace(",", " ")
    return text.replace(".", ",") if comma else text.replace(" ", "")


LAYOUTS = {
    # preset: (header, row builder, file options)
    "bitrix24-ru": (["ID", "Название сделки", "Стадия сделки", "Сумма", "Валюта", "Дата создания",
                     "Предполагаемая дата закрытия", "Компания", "Сделка закрыта"],
                    lambda i, c, cl, o, a, k: [i, f"Сделка {i}", {"won": "Сделка успешна", "lost": "Сделка провалена",
                                               "open": "В работе"}[o], _money(a, True), "RUB",
                                               c.strftime("%d.%m.%Y 10:15:00"), (cl or c).strftime("%d.%m.%Y"), k or "",
                                               "Да" if o != "open" else "Нет"],
                    {"delimiter": ";", "encoding": "cp1251"}),
    "bitrix24-en": (["ID", "Deal Name", "Stage", "Income", "Currency", "Created", "Assumed close date", "Company",
                     "Repeat deal"],
                    lambda i, c, cl, o, a, k: [i, f"Deal {i}", {"won": "Deal won", "lost": "Deal lost", "open": "In progress"}[o],
                                               _money(a, False), "USD", c.strftime("%m/%d/%Y %I:%M %p"),
                                               (cl or c).strftime("%m/%d/%Y"), k or "", "N"],
                    {"delimiter": ",", "encoding": "utf-8-sig"}),
    "amocrm-ru": (["ID", "Название сделки ", "Бюджет ", "Ответственный", "Дата создания сделки ", "Дата закрытия ",
                   "Этап сделки ", "Воронка", "Компания "],
                  lambda i, c, cl, o, a, k: [i, f"Сделка {i}", _money(a, True), "Иван", c.strftime("%d.%m.%Y %H:%M"),
                                             cl.strftime("%d.%m.%Y") if cl else "не закрыта",
                                             {"won": "Успешно реализовано", "lost": "Закрыто и не реализовано",
                                              "open": "Переговоры"}[o], "Продажи", k or ""],
                  {"delimiter": ";", "encoding": "utf-8"}),
    "hubspot": (["Record ID", "Deal Name", "Deal Stage", "Close Date", "Create Date", "Deal owner", "Amount",
                 "Associated Company"],
                lambda i, c, cl, o, a, k: [i, f"Deal {i}", {"won": "closedwon", "lost": "closedlost",
                                           "open": "appointmentscheduled"}[o], cl.isoformat() + " 09:00" if cl else "",
                                           c.isoformat() + " 08:00", "Ann", _money(a, False), k or ""],
                {"delimiter": ",", "encoding": "utf-8"}),
    "pipedrive": (["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Organization", "Deal - Status",
                   "Deal - Deal created", "Deal - Won time", "Deal - Lost time"],
                  lambda i, c, cl, o, a, k: [i, f"Deal {i}", _money(a, False), "EUR", k or "", o.capitalize(),
                                             c.isoformat() + " 12:00:00", cl.isoformat() + " 13:00:00" if o == "won" and cl else "",
                                             cl.isoformat() if o == "lost" and cl else ""],
                  {"delimiter": ",", "encoding": "utf-8"}),
    "salesforce": (["Opportunity Name", "Account Name", "Stage", "Close Date", "Amount", "Opportunity Owner",
                    "Created Date", "Won", "Closed"],
                   lambda i, c, cl, o, a, k: [f"Opp {i}", k or "", {"won": "Closed Won", "lost": "Closed Lost",
                                              "open": "Negotiation"}[o], (cl or c).strftime("%m/%d/%Y"), _money(a, False),
                                              "Bob", c.strftime("%m/%d/%Y"), "1" if o == "won" else "0",
                                              "1" if o != "open" else "0"],
                   {"delimiter": "\t", "encoding": "utf-8"}),
}


def _write(path: Path, header, rows, delimiter: str, encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_each_preset_is_detected_and_derives_the_same_figures(cli, tmp_path, layout):
    header, build, options = LAYOUTS[layout]
    rows = [build(str(100 + n), *deal) for n, deal in enumerate(DEALS)]
    path = tmp_path / f"{layout}.csv"
    _write(path, header, rows, options["delimiter"], options["encoding"])
    profile, result = derive_file(cli, tmp_path, path)
    preset = layout.split("-")[0]
    assert profile["derived_from"]["preset"] == f"{preset} (detected)", result.stderr
    assert_figures(profile, EXPECTED)
    assert result.exit_code == 0


def test_gzipped_and_xlsx_exports_read_the_same(cli, tmp_path):
    header, build, _ = LAYOUTS["hubspot"]
    rows = [build(str(n), *deal) for n, deal in enumerate(DEALS)]
    plain = tmp_path / "deals.csv"
    _write(plain, header, rows, ",", "utf-8")
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
        profile, result = derive_file(cli, tmp_path, path)
        assert profile["derived_from"]["preset"] == "hubspot (detected)", result.stderr
        assert_figures(profile, EXPECTED)


def test_order_export_in_russian_with_decimal_commas_and_cancellations(cli, tmp_path):
    lines = [("1001", dt.date(2024, 1, 1), 2, 10.5, "К1"), ("1001", dt.date(2024, 1, 1), 1, 100.0, "К1"),
             ("C1002", dt.date(2024, 1, 6), -1, 100.0, "К1"), ("1003", dt.date(2024, 2, 7), 3, 1000.0, "К2"),
             ("1004", dt.date(2024, 2, 28), 1, 50.25, "К1"), ("1005", dt.date(2024, 3, 15), -2, 5.0, "К3"),
             ("1006", dt.date(2024, 3, 31), 1, 20.0, "К2")]
    rows = [[i, d.strftime("%d.%m.%Y"), str(q), _money(p, True), k] for i, d, q, p, k in lines]
    path = tmp_path / "заказы.csv"
    _write(path, ["Номер заказа", "Дата заказа", "Количество", "Цена", "Клиент"], rows, ";", "cp1251")
    profile, _ = derive_file(cli, tmp_path, path, "--currency", "UAH", "--name", "Магазин")
    orders = order_deals([(i, d, q * p, k) for i, d, q, p, k in lines])
    assert_figures(profile, reference(orders, orders=True))
    assert profile["name"] == "Магазин" and profile["currency"] == "UAH"
    assert profile["derived_from"]["rows_skipped"] == {"cancellation (number starts with C)": 1,
                                                       "orders with a zero or negative total": 1}


# ---- the command with bad input -------------------------------------------------------------------
def test_unreadable_values_are_counted_and_exit_1_the_rest_derived(cli, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text("id,created,stage,amount,client\n1,2024-01-01,won,100,A\n2,someday,won,100,B\n"
                    "3,2024-01-31,won,lots,A\n4,2024-02-29,lost,5,C\n", encoding="utf-8")
    profile, result = derive_file(cli, tmp_path, path)
    assert result.exit_code == 1
    assert profile["derived_from"]["rows_skipped"] == {"unreadable creation date": 1}
    assert profile["derived_from"]["values_unreadable"] == {"amount": 1}
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
    profile_path = tmp_path / "maven.yaml"
    assert cli("derive", str(MAVEN), "-o", str(profile_path), "--name", "Maven").exit_code == 0
    assert "advisor ask --from" in profile_path.read_text()
    rec = cli("recommend", str(profile_path), "-f", "json")
    assert rec.exit_code == 0 and '"unknown_fields"' in rec.stdout
    (tmp_path / "answers.yaml").write_text("sales_team_size: 12\nmarket: b2b\n")
    done = cli("ask", "--from", str(profile_path), "--answers", "answers.yaml", "--out", "completed.yaml")
    assert done.exit_code == 0, done.stderr
    completed = yaml.safe_load((tmp_path / "completed.yaml").read_text())
    assert completed["sales_team_size"] == 12 and completed["close_rate"] == pytest.approx(0.6315)
